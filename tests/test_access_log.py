"""The access log: who read and changed what, when and from where — every route accounted
for, administrators' actions always recorded, the database refusing any change to it, the
page refused when its entry cannot be written, and the two pages that show it."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from casework.audit import operations as audit, policy
from casework.audit.models import AccessEntry
from casework.core import clock
from casework.extensions import db

from .conftest import is_postgres
from .test_admin import new_user_data
from .test_parties import party_data

PRIVACY = "pia.privacy"
START = {}


@pytest.fixture(autouse=True)
def after_the_fixtures(request, app):
    """Count only what the test itself does: remember the last entry of the fixtures."""
    for name in ("world", "org", "refs"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
    with app.app_context():
        START["id"] = db.session.execute(select(AccessEntry.id).order_by(
            AccessEntry.id.desc())).scalar() or 0


@pytest.fixture
def world(app, make, org, refs):
    make.user(PRIVACY, roles=["privacy_officer"])
    case = make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")])
    with app.app_context():
        item = make.intervention(case, [org["mediator"]], at=clock.utcnow() - timedelta(days=1))
        from casework.meetings.models import Intervention

        db.session.get(Intervention, item.id).notes = "Confie des difficultés familiales."
        db.session.commit()
    return {"case": case, "intervention": item}


def switch(client, username):
    client.logout()
    client.login(username)


def entries(app, **where):
    """The entries of the test's requests and commands (not those of its fixtures, which
    have no user and no route), oldest first."""
    with app.app_context():
        query = select(AccessEntry).filter_by(**where).order_by(AccessEntry.id).where(
            AccessEntry.id > START.get("id", 0))
        rows = db.session.execute(query).scalars().all()
        db.session.expunge_all()
        return rows


def test_every_route_is_accounted_for(app):
    """A new route must say what the log records of it: a read, the view's own entries, or
    why nothing (and no stale name stays in the policy)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    tables = (set(policy.READS), set(policy.RECORDED_BY_VIEW), set(policy.NOT_RECORDED))
    classified = set().union(*tables)
    assert endpoints - classified == set(), "say what the access log records of these"
    assert classified - endpoints == set(), "these routes no longer exist"
    assert sum(len(t) for t in tables) == len(classified), "a route is in two tables"
    for endpoint in policy.CHANGE_OBJECTS:
        assert endpoint in endpoints, endpoint


def test_opening_a_case_is_recorded_with_its_confidential_notes(app, client, org, world):
    case = world["case"]
    client.login("marc.manager")
    assert client.get(f"/cases/{case.reference}").status_code == 200
    rows = entries(app, case_id=case.id)
    assert [(r.action, r.object) for r in rows] == [("read", "case"),
                                                     ("read", "intervention_notes")]
    first = rows[0]
    assert first.username == "marc.manager" and first.user_id == org["manager"].id
    assert first.case_reference == case.reference
    assert first.address == "127.0.0.1"
    assert first.endpoint == "casefile.show GET"
    assert rows[1].target == f"intervention {world['intervention'].id}"


def test_a_page_refused_leaves_no_read(app, client, org, world):
    client.login("sam.south")  # another team: the case does not exist for him
    assert client.get(f"/cases/{world['case'].reference}").status_code == 404
    assert entries(app, case_id=world["case"].id) == []


def test_documents_and_exports_are_recorded(app, client, org, world):
    case = world["case"]
    client.login("marc.manager")
    table = client.application  # noqa: F841 (the app, for the factories below)
    with app.app_context():
        from tests import factories

        made = factories.round_table(case, [org["mediator"]])
        party_id = made.invited[0].id
        table_id = made.id
    assert client.get(f"/cases/{case.reference}/round-tables/{table_id}/invitations/"
                      f"{party_id}.docx").status_code == 200
    assert client.get(f"/cases/{case.reference}/round-tables/{table_id}.ics"
                      ).status_code == 200
    assert client.get("/reports/figures.xlsx").status_code == 200
    assert client.get("/reports/interventions.csv").status_code == 200
    got = [(r.action, r.object, r.target) for r in entries(app)]
    assert ("read", "invitation_letter", f"table {table_id}, party {party_id}") in got
    assert ("read", "calendar_entry", f"table {table_id}") in got
    assert ("export", "figures_xlsx", "") in got
    assert ("export", "interventions_csv", "") in got


def test_a_change_is_recorded_in_its_own_transaction_and_a_refused_one_is_not(
        app, client, org, world):
    case = world["case"]
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/parties/new"
    assert client.submit(url, party_data(first_name="Karim", last_name="Benali")
                         ).status_code == 302
    changes = entries(app, action="change")
    assert [(c.object, c.case_id, c.username) for c in changes] == [
        ("party", case.id, "mona.mediator")]
    # Refused input: nothing saved, nothing recorded.
    response = client.submit(url, party_data(email="not an address"))
    assert response.status_code == 200
    assert len(entries(app, action="change")) == 1


def test_administrators_actions_are_recorded_in_detail(app, client, org, world):
    client.login("alice.admin")
    assert client.submit("/admin/users/new", new_user_data(org)).status_code == 302
    with app.app_context():
        from casework.auth.models import User

        nina = db.session.execute(select(User).filter_by(username="nina.new")).scalar_one()
        nina_id = nina.id
    mona = org["mediator"].id
    assert client.submit(f"/admin/users/{mona}", {
        "username": "mona.mediator", "full_name": "Mona Mediator",
        "email": "mona.mediator@example.org", "roles": ["mediator", "manager"],
        "teams": [str(org["north"].id), str(org["south"].id)], "language": ""}
    ).status_code == 302
    url = f"/admin/users/{mona}"
    assert client.submit(url + "/password", {"reset-password": "another good secret",
                                             "reset-confirm": "another good secret"},
                         page=url).status_code == 302
    assert client.submit(url + "/active", {"active": "0"}, page=url).status_code == 302
    assert client.submit(f"/admin/teams/{org['south'].id}", {"name": "Sud-Est"},
                         page=f"/admin/teams/{org['south'].id}").status_code == 302
    got = [(r.action, r.object, r.target, r.detail, r.username)
           for r in entries(app, action="admin")]
    assert got == [
        ("admin", "account", f"account {nina_id}",
         f"created, roles mediator, teams {org['north'].id}", "alice.admin"),
        ("admin", "account", f"account {mona}",
         f"roles +manager; teams +{org['south'].id}", "alice.admin"),
        ("admin", "account", f"account {mona}", "password", "alice.admin"),
        ("admin", "account", f"account {mona}", "deactivated", "alice.admin"),
        ("admin", "team", f"team {org['south'].id}", "changed: name", "alice.admin"),
    ]
    # The password itself is nowhere in the log.
    assert not [r for r in entries(app) if "secret" in r.detail]


def test_a_change_of_ones_own_password_is_a_change_not_an_admin_action(app, client, org):
    client.login("mona.mediator")
    response = client.submit("/account", {"current_password": "correct horse battery",
                                          "new_password": "another good secret",
                                          "confirm": "another good secret"})
    assert response.status_code in (200, 302)
    rows = [(r.action, r.object, r.detail) for r in entries(app)
            if r.object in ("own_account", "account") and r.username == "mona.mediator"]
    if response.status_code == 302:
        assert rows == [("change", "own_account", "password")]


def test_reference_lists_and_the_command_line_are_recorded(app, client, org, refs):
    client.login("alice.admin")
    before = len(entries(app, action="admin", object="reference"))
    url = f"/admin/reference/partners/{refs['conciliator'].id}/active"
    assert client.submit(url, {"active": "0"}, page="/admin/reference/partners"
                         ).status_code == 302
    rows = entries(app, action="admin", object="reference")
    assert len(rows) == before + 1
    assert rows[-1].target == f"partner {refs['conciliator'].id}"
    assert rows[-1].detail == "changed: active"
    result = app.test_cli_runner().invoke(args=[
        "create-user", "carl.cli", "--full-name", "Carl", "--email", "carl@example.org",
        "--role", "admin", "--password", "long enough secret"])
    assert result.exit_code == 0, result.output
    last = entries(app, action="admin")[-1]
    assert (last.object, last.username, last.endpoint) == ("account", "", "")
    assert last.detail.startswith("created, roles admin")


def test_the_database_refuses_to_change_or_delete_an_entry(app, client, org, world):
    client.login("marc.manager")
    client.get(f"/cases/{world['case'].reference}")
    with app.app_context():
        for statement in ("UPDATE access_log SET username = 'someone'",
                          "DELETE FROM access_log"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        if is_postgres():
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text("TRUNCATE access_log"))
            db.session.rollback()
        names = db.session.execute(select(AccessEntry.username).where(
            AccessEntry.id > START["id"])).scalars().all()
        assert set(names) == {"marc.manager"} and len(names) >= 3  # login, page, notes


def test_only_the_retention_purge_removes_old_entries(app, client, org, world):
    client.login("marc.manager")
    client.get(f"/cases/{world['case'].reference}")
    with app.app_context():
        assert audit.purge_before(clock.utcnow() - timedelta(days=1)) == 0
        held = db.session.execute(select(func.count(AccessEntry.id))).scalar()
        assert audit.purge_before(clock.utcnow() + timedelta(seconds=1)) == held
        assert db.session.execute(select(AccessEntry)).first() is None
        # The permit went with the purge: deleting is refused again.
        audit.record("read", "case")
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text("DELETE FROM access_log"))
        db.session.rollback()


@pytest.fixture
def refusing_log(app):
    """``refusing_log()``: from then on the database refuses every new entry (a full disk,
    a broken grant…)."""
    def start():
        with app.app_context():
            if is_postgres():
                db.session.execute(text(
                    "CREATE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'log unavailable'; END $$"))
                db.session.execute(text(
                    "CREATE TRIGGER refuse_entry BEFORE INSERT ON access_log "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_entry()"))
            else:
                db.session.execute(text(
                    "CREATE TRIGGER refuse_entry BEFORE INSERT ON access_log "
                    "BEGIN SELECT RAISE(ABORT, 'log unavailable'); END"))
            db.session.commit()
        app.config["PROPAGATE_EXCEPTIONS"] = False
        started.append(True)

    started = []
    yield start
    if not started:
        return
    with app.app_context():
        db.session.execute(text("DROP TRIGGER refuse_entry" + (
            " ON access_log" if is_postgres() else "")))
        if is_postgres():
            db.session.execute(text("DROP FUNCTION refuse_entry()"))
        db.session.commit()


def test_no_page_is_served_without_its_entry(app, client, org, world, refusing_log):
    client.login("marc.manager")
    refusing_log()
    response = client.get(f"/cases/{world['case'].reference}")
    assert response.status_code == 500
    assert "Hélène" not in response.text and "Dupont" not in response.text


def test_no_change_is_kept_without_its_entry(app, client, org, world, refusing_log):
    client.login("mona.mediator")
    token = client.csrf_token("/account")
    refusing_log()
    response = client.submit(f"/cases/{world['case'].reference}/parties/new",
                             dict(party_data(first_name="Karim", last_name="Benali"),
                                  csrf_token=token))
    assert response.status_code == 500
    with app.app_context():
        from casework.cases.models import Party

        assert db.session.execute(select(Party).filter_by(last_name="Benali")).first() is None


def test_a_managers_case_access_history(app, client, org, world):
    case = world["case"]
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}").text
    assert "access-history" not in page
    assert client.get(f"/cases/{case.reference}/access-history").status_code == 403
    switch(client, "marc.manager")
    page = client.get(f"/cases/{case.reference}").text
    assert f"/cases/{case.reference}/access-history" in page
    history = client.get(f"/cases/{case.reference}/access-history",
                         headers={"Accept-Language": "en"})
    assert history.status_code == 200
    text_ = history.text
    assert text_.count("mona.mediator") >= 2  # her case page and her notes
    assert "Confidential notes" in text_ and "Case page" in text_
    assert "marc.manager" in text_
    # Another team's manager does not learn the case exists.
    switch(client, "sam.south")
    assert client.get(f"/cases/{case.reference}/access-history").status_code == 404


def test_the_history_pages_by_keyset(app, client, org, world, monkeypatch):
    from casework.audit import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    monkeypatch.setattr(lists.page, "__defaults__", (None, 2))
    case = world["case"]
    client.login("marc.manager")
    for _ in range(2):
        client.get(f"/cases/{case.reference}")
    # Four entries (two pages, each with its notes), then the history itself.
    first = client.get(f"/cases/{case.reference}/access-history")
    assert "Older entries" in first.text or "Entrées plus anciennes" in first.text
    ids = [r.id for r in entries(app, case_id=case.id)]
    second = client.get(f"/cases/{case.reference}/access-history?before={ids[-2]}")
    assert second.status_code == 200
    assert client.get(f"/cases/{case.reference}/access-history?before=junk"
                      ).status_code == 200


def test_the_privacy_officer_reads_the_log_and_no_case(app, client, org, world):
    case = world["case"]
    client.login("marc.manager")
    client.get(f"/cases/{case.reference}")
    assert client.get("/privacy/log").status_code == 403
    switch(client, PRIVACY)
    assert client.get(f"/cases/{case.reference}").status_code == 404
    page = client.get("/privacy/log", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "marc.manager" in page.text and case.reference in page.text
    filtered = client.get(f"/privacy/log?user=alice.admin&case={case.reference}")
    assert "marc.manager" not in filtered.text.split("<tbody>")[-1] if "<tbody>" in \
        filtered.text else True
    only_reads = client.get(f"/privacy/log?action=read&case={case.reference.lower()}")
    assert "marc.manager" in only_reads.text
    bad = client.get("/privacy/log?since=31/02/2026", headers={"Accept-Language": "en"})
    assert bad.status_code == 200 and "Not a valid date." in bad.text


def test_the_log_exports_as_csv_and_the_export_is_logged(app, client, org, world):
    case = world["case"]
    client.login("marc.manager")
    client.get(f"/cases/{case.reference}")
    switch(client, PRIVACY)
    response = client.get(f"/privacy/log.csv?case={case.reference}",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 200
    lines = response.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("Entry,Date and time,User,Action")
    assert len(lines) == 3  # the case page and its notes
    assert all(case.reference in line for line in lines[1:])
    last = entries(app)[-1]
    assert (last.action, last.object, last.username) == ("export", "access_log", PRIVACY)


def test_the_calendar_feed_names_its_owner(app, client, org, world):
    with app.app_context():
        from casework.auth import operations as accounts
        from casework.auth.models import User

        token = accounts.renew_calendar_token(db.session.get(User, org["mediator"].id))
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    last = entries(app, object="calendar_feed")[-1]
    assert (last.action, last.username) == ("read", "mona.mediator")


def test_the_log_holds_no_residents_data(app, client, org, world):
    case = world["case"]
    client.login("mona.mediator")
    client.get(f"/cases/{case.reference}")
    client.submit(f"/cases/{case.reference}/parties/new",
                  party_data(first_name="Karim", last_name="Benali"))
    client.get(f"/cases/{case.reference}/parties/new")
    for row in entries(app):
        values = " ".join(str(v) for v in (row.target, row.detail, row.object, row.endpoint))
        for word in ("Hélène", "Dupont", "Karim", "Benali", "Beauvisage", "familiales"):
            assert word not in values
