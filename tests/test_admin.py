"""Administrators manage accounts and teams; nobody else may."""
import pytest
from sqlalchemy import func, select

from casework.auth.models import Team, User
from casework.config import Defaults
from casework.extensions import db

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/teams", "/admin/teams/new"]


def count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def get_user(app, username):
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one_or_none()
        if user is not None:
            user.roles, user.team_names = user.roles, [t.name for t in user.teams]
            db.session.expunge(user)
        return user


def new_user_data(org, **overrides):
    data = {
        "username": "nina.new",
        "full_name": "Nina Nouvelle",
        "email": "nina@example.org",
        "roles": ["mediator"],
        "teams": [str(org["north"].id)],
        "language": "",
        "password": "long enough secret",
        "confirm": "long enough secret",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["mona.mediator", "marc.manager"])
def test_mediators_and_managers_get_403_on_admin_pages(client, org, who):
    client.login(who)
    for url in ADMIN_PAGES + [f"/admin/users/{org['admin'].id}",
                              f"/admin/teams/{org['north'].id}"]:
        assert client.get(url).status_code == 403, url
    response = client.submit(f"/admin/users/{org['admin'].id}/active", {"active": "0"},
                             page="/")
    assert response.status_code == 403
    assert get_user(client.application, "alice.admin").active


def test_403_page_is_in_the_layout(client, org):
    client.login("mona.mediator")
    response = client.get("/admin/users", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "Access refused" in response.text and "Casework" in response.text


def test_admin_sees_the_accounts(client, org):
    client.login("alice.admin")
    page = client.get("/admin/users").text
    for name in ("Alice Admin", "Marc Manager", "Mona Mediator", "Sam South"):
        assert name in page


def test_admin_creates_an_account_that_can_log_in(app, client, org):
    # The test apps hash with a cheap method; this account gets production's, scrypt.
    assert Defaults.PASSWORD_HASH_METHOD == "scrypt"
    assert app.config["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:1"
    app.config["PASSWORD_HASH_METHOD"] = Defaults.PASSWORD_HASH_METHOD  # restored afterwards
    client.login("alice.admin")
    response = client.submit("/admin/users/new", new_user_data(org))
    assert response.status_code == 302
    user = get_user(app, "nina.new")
    assert user.full_name == "Nina Nouvelle"
    assert user.roles == {"mediator"} and user.team_names == ["Nord"]
    assert user.password_hash.startswith("scrypt:")
    client.logout()
    client.login("nina.new", "long enough secret")
    # The method is the setting's, and scrypt outside an app.
    with app.app_context():
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1"
        cheap = User()
        cheap.set_password("long enough secret")
    assert cheap.password_hash.startswith("pbkdf2:sha256:1$")
    assert cheap.check_password("long enough secret")
    assert not cheap.check_password("long enough secreT")
    outside = User()
    outside.set_password("long enough secret")
    assert outside.password_hash.startswith("scrypt:")


def test_admin_edits_roles_and_teams(app, client, org):
    client.login("alice.admin")
    user_id = org["mediator"].id
    response = client.submit(f"/admin/users/{user_id}", {
        "username": "mona.mediator", "full_name": "Mona Médiatrice",
        "email": "mona@example.org", "roles": ["mediator", "manager"],
        "teams": [str(org["north"].id), str(org["south"].id)], "language": "en"})
    assert response.status_code == 302
    user = get_user(app, "mona.mediator")
    assert user.full_name == "Mona Médiatrice"
    assert user.roles == {"mediator", "manager"}
    assert sorted(user.team_names) == ["Nord", "Sud"]
    assert user.language == "en"


def test_admin_deactivates_and_reactivates_an_account(app, client, org):
    client.login("alice.admin")
    url = f"/admin/users/{org['mediator'].id}"
    client.submit(url + "/active", {"active": "0"}, page=url)
    assert not get_user(app, "mona.mediator").active
    assert "Mona Mediator" not in client.get("/admin/users").text
    assert "Mona Mediator" in client.get("/admin/users?show=inactive").text
    client.submit(url + "/active", {"active": "1"}, page=url)
    assert get_user(app, "mona.mediator").active


def test_admin_cannot_deactivate_themselves(app, client, org):
    client.login("alice.admin")
    url = f"/admin/users/{org['admin'].id}"
    response = client.submit(url + "/active", {"active": "0"}, page=url,
                             follow_redirects=True)
    assert "cannot deactivate your own account" in response.text or "propre compte" in \
        response.text
    assert get_user(app, "alice.admin").active


def test_admin_cannot_remove_their_own_admin_role(app, client, org):
    client.login("alice.admin")
    url = f"/admin/users/{org['admin'].id}"
    response = client.submit(url, {"username": "alice.admin", "full_name": "Alice Admin",
                                   "email": "alice.admin@example.org", "roles": ["mediator"],
                                   "teams": [str(org["north"].id)], "language": ""},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "You cannot remove your own admin role." in response.text
    assert get_user(app, "alice.admin").roles == {"admin"}


def test_admin_resets_a_password(app, client, org):
    client.login("alice.admin")
    url = f"/admin/users/{org['mediator'].id}"
    response = client.submit(url + "/password", {"reset-password": "another good secret",
                                                 "reset-confirm": "another good secret"},
                             page=url)
    assert response.status_code == 302
    other = client.application.test_client()
    other.login("mona.mediator", "another good secret")


def test_short_reset_password_is_refused_next_to_the_field(app, client, org):
    client.login("alice.admin")
    url = f"/admin/users/{org['mediator'].id}"
    before = get_user(app, "mona.mediator").password_hash
    response = client.submit(url + "/password", {"reset-password": "short",
                                                 "reset-confirm": "short"}, page=url,
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
    assert get_user(app, "mona.mediator").password_hash == before


BAD_INPUT = [
    ("empty username", {"username": ""}, "username", "This field is required."),
    ("username too long", {"username": "x" * 65}, "username", "Field cannot be longer"),
    ("username with spaces", {"username": "nina new"}, "username", "lower-case letters"),
    ("duplicate username", {"username": "mona.mediator"}, "username", "already used"),
    ("duplicate username, other case", {"username": "MONA.Mediator"}, "username",
     "already used"),
    ("empty name", {"full_name": "   "}, "full_name", "This field is required."),
    ("name too long", {"full_name": "N" * 121}, "full_name", "Field cannot be longer"),
    ("bad e-mail", {"email": "not-an-address"}, "email", "valid e-mail"),
    ("duplicate e-mail", {"email": "mona.mediator@example.org"}, "email", "already used"),
    ("short password", {"password": "too short", "confirm": "too short"}, "password",
     "at least 12 characters"),
    ("password too long", {"password": "p" * 129, "confirm": "p" * 129}, "password",
     "at most 128 characters"),
    ("passwords differ", {"confirm": "something else entirely"}, "confirm", "differ"),
    ("no role", {"roles": []}, "roles", "at least one role"),
    ("unknown role", {"roles": ["superuser"]}, "roles", "not a valid choice"),
    ("mediator without team", {"teams": []}, "roles", "at least one team"),
    ("unknown team", {"teams": ["99999"]}, "teams", "not a valid choice"),
    ("team not a number", {"teams": ["abc"]}, "teams", "Invalid choice"),
    ("unknown language", {"language": "de"}, "language", "Not a valid choice"),
]


@pytest.mark.parametrize("label, overrides, field, message", BAD_INPUT,
                         ids=[row[0] for row in BAD_INPUT])
def test_bad_input_on_the_new_account_form(app, client, org, label, overrides, field,
                                           message):
    client.login("alice.admin")
    before = count(app, User)
    response = client.submit("/admin/users/new", new_user_data(org, **overrides),
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.text
    assert f'id="{field}-error"' in page
    error_block = page.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert message in error_block
    assert count(app, User) == before


def test_script_in_a_name_is_shown_escaped(app, client, org):
    client.login("alice.admin")
    response = client.submit("/admin/users/new", new_user_data(
        org, full_name="<script>alert(1)</script>", email="bad"))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    # Saved as typed (it is text), and shown escaped in the list.
    client.submit("/admin/users/new", new_user_data(org, full_name="<script>x</script>"))
    listing = client.get("/admin/users").text
    assert "<script>x</script>" not in listing and "&lt;script&gt;x" in listing


def test_bad_input_on_the_edit_form_changes_nothing(app, client, org):
    client.login("alice.admin")
    url = f"/admin/users/{org['mediator'].id}"
    response = client.submit(url, {"username": "", "full_name": "x" * 500, "email": "@",
                                   "roles": ["mediator"], "teams": [], "language": ""})
    assert response.status_code == 200
    for field in ("username", "full_name", "email", "roles"):
        assert f'id="{field}-error"' in response.text
    user = get_user(app, "mona.mediator")
    assert user.full_name == "Mona Mediator" and user.team_names == ["Nord"]


def test_unknown_account_is_404(client, org):
    client.login("alice.admin")
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_creates_and_renames_a_team(app, client, org):
    client.login("alice.admin")
    assert client.submit("/admin/teams/new", {"name": "Habitat"}).status_code == 302
    with app.app_context():
        team = db.session.execute(select(Team).filter_by(name="Habitat")).scalar_one()
        team_id = team.id
    assert client.submit(f"/admin/teams/{team_id}", {"name": "Habitat social"}).status_code \
        == 302
    assert "Habitat social" in client.get("/admin/teams").text


@pytest.mark.parametrize("name, message", [
    ("", "This field is required."),
    ("T" * 81, "Field cannot be longer"),
    ("nord", "already exists"),
])
def test_bad_team_names_are_refused(app, client, org, name, message):
    client.login("alice.admin")
    before = count(app, Team)
    response = client.submit("/admin/teams/new", {"name": name},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in response.text.split('id="name-error"', 1)[1]
    assert count(app, Team) == before
