"""Logging in and out, sessions, the failed-login throttle, CSRF. (The sessions held on the
server, the limits shared by every app server, the proxies and the second factor:
test_logins.py.)"""
import pytest

from casework.auth import operations
from casework.auth.models import User
from casework.extensions import db

from .factories import PASSWORD


def assert_logged_out(client):
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_login_page_is_the_only_page_open_to_visitors(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="username"' in response.text and 'name="password"' in response.text


def test_every_page_but_login_needs_a_logged_in_user(app, client):
    open_pages = {"/login", "/healthz"}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments - {"filename"}:
            continue
        if rule.rule in open_pages or rule.endpoint in ("static", "bootstrap.static"):
            continue
        response = client.get(rule.rule)
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/login"), rule.rule


def test_pages_with_an_id_need_a_logged_in_user_too(client, org):
    for url in (f"/admin/users/{org['mediator'].id}", f"/admin/teams/{org['north'].id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_user_logs_in_and_out(client, org):
    response = client.submit("/login", {"username": "mona.mediator", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/cases/mine"
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert "Mona Mediator" in home.text

    response = client.logout()
    assert response.status_code == 302
    assert_logged_out(client)


def test_username_is_not_case_sensitive(client, org):
    response = client.submit("/login", {"username": "  Mona.Mediator ", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_message(client, org):
    response = client.submit("/login", {"username": "mona.mediator", "password": "wrong one"},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "Unknown username or wrong password" in response.text
    assert_logged_out(client)


def test_empty_login_form_says_what_is_missing(client):
    response = client.submit("/login", {"username": "", "password": ""}, headers={
        "Accept-Language": "en"})
    assert response.status_code == 200
    assert response.text.count("This field is required.") == 2


def test_login_follows_next_only_within_the_site(client, org):
    response = client.submit("/login", {"username": "mona.mediator", "password": PASSWORD,
                                        "next": "/admin/teams"})
    assert response.headers["Location"] == "/admin/teams"
    client.logout()
    response = client.submit("/login", {"username": "mona.mediator", "password": PASSWORD,
                                        "next": "https://evil.example/phish"})
    assert response.headers["Location"] == "/"


def test_inactive_user_cannot_log_in(client, make):
    make.user("gone.user", active=False)
    response = client.submit("/login", {"username": "gone.user", "password": PASSWORD})
    assert response.status_code == 401
    # The same words as a wrong password: the right one is not confirmed (test_logins.py).
    assert "Identifiant inconnu ou mot de passe erroné" in response.text
    assert_logged_out(client)


def test_deactivating_a_user_ends_their_open_session(app, client, org):
    client.login("mona.mediator")
    assert client.get("/account").status_code == 200
    with app.app_context():
        admin = db.session.get(User, org["admin"].id)
        operations.set_active(admin, db.session.get(User, org["mediator"].id), False)
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_reset_ends_the_users_open_sessions(app, client, org):
    client.login("mona.mediator")
    with app.app_context():
        operations.reset_password(None, db.session.get(User, org["mediator"].id),
                                  "a brand new password")
    assert_logged_out(client)
    client.login("mona.mediator", "a brand new password")
    assert client.get("/account").status_code == 200


def test_repeated_failed_logins_are_slowed(app, client, org):
    for _ in range(5):
        response = client.submit("/login", {"username": "mona.mediator", "password": "nope"})
        assert response.status_code == 401
    # The right password no longer helps for a while: the attempts are throttled.
    response = client.submit("/login", {"username": "mona.mediator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many" in response.text or "Trop" in response.text
    # Another account from the same address is not locked by these failures.
    assert client.submit("/login", {"username": "marc.manager",
                                    "password": PASSWORD}).status_code == 302


def test_successful_logins_are_not_throttled(client, org):
    for _ in range(8):
        client.login("mona.mediator")
        client.logout()


def test_post_without_csrf_token_is_refused(app, org):
    client = app.test_client()
    response = client.post("/login", data={"username": "mona.mediator", "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.text or "expiré" in response.text
    assert_logged_out(client)


def test_logout_needs_a_post_with_csrf_token(client, org):
    client.login("mona.mediator")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("debug", [False, True])
def test_session_cookie_is_httponly_samesite_and_secure_outside_debug(database_url, debug):
    from casework import create_app

    app = create_app({"DEBUG": debug, "SECRET_KEY": "k" * 32, "DATABASE_URL": database_url})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is (not debug)


def test_session_cookie_flags_as_sent(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers_forbid_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.text  # every script comes from a file


def test_no_page_loads_anything_from_another_site(client, org):
    client.login("alice.admin")
    for url in ("/", "/admin/users", "/account"):
        page = client.get(url).text
        assert "http://" not in page and "https://" not in page, url


def test_bootstrap_is_served_by_the_app(client):
    page = client.get("/login").text
    assert "/bootstrap/static/css/bootstrap.min.css" in page
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
