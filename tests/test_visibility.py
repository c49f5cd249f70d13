"""Who reads which cases: by default every case of one's teams; with
MEDIATORS_READ_OWN_CASES_ONLY, a mediator only the cases they work on (lead or co-mediator)
— on the case page, the list and its search, the related cases, the agenda, the referrals
to check and the calendar feed alike. And the calendar feed follows the user's teams of
the moment."""
import pytest
from icalendar import Calendar
from sqlalchemy import select

from casework.auth.models import Team, User
from casework.extensions import db


@pytest.fixture
def world(make, org, refs):
    """Team Nord: mona.mediator leads one case and co-mediates another; nico.north leads a
    third, at the same address as mona's, with the same complainant. A round table and a
    referral to a partner on each of mona's lead case and nico's."""
    nico = make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    street = "12 rue Professeur Beauvisage"
    own = make.case(org["north"], creator=org["manager"], status="mediation",
                    lead=org["mediator"], street=street, parties=[("Hélène", "Dupont")])
    co = make.case(org["north"], creator=org["manager"], status="mediation", lead=nico,
                   co=org["mediator"], street="3 rue Genton", parties=[("Karim", "Benali")])
    other = make.case(org["north"], creator=org["manager"], status="mediation", lead=nico,
                      street=street, parties=[("Hélène", "Dupont")])
    tables = {"own": make.round_table(own, [org["mediator"]]),
              # mona sits on the round table of nico's case, without working on the case
              "other": make.round_table(other, [nico, org["mediator"]], starts_in_days=9)}
    referrals = {name: make.partner_referral(case, refs["conciliator"], made_by=nico)
                 for name, case in (("own", own), ("other", other))}
    return {"own": own, "co": co, "other": other, "nico": nico, "tables": tables,
            "referrals": referrals}


@pytest.fixture
def own_only(new_app):
    """A client of an app where mediators read their own cases only."""
    return new_app(MEDIATORS_READ_OWN_CASES_ONLY=True).test_client()


def shown(page, world):
    return sorted(name for name in ("own", "co", "other")
                  if f">{world[name].reference}</a>" in page)


def search(client, terms):
    return client.submit("/cases/", {"q": terms}, follow_redirects=True).text


def test_by_default_a_mediator_reads_every_case_of_the_team(client, world):
    client.login("mona.mediator")
    assert shown(client.get("/cases/").text, world) == ["co", "other", "own"]
    assert client.get(f"/cases/{world['other'].reference}").status_code == 200


def test_own_cases_only_the_list_shows_the_cases_a_mediator_works_on(own_only, world):
    own_only.login("mona.mediator")
    page = own_only.get("/cases/", headers={"Accept-Language": "en"}).text
    assert shown(page, world) == ["co", "own"]
    assert "2 cases" in page


def test_own_cases_only_the_search_finds_none_of_the_colleagues(own_only, world):
    own_only.login("mona.mediator")
    assert shown(search(own_only, "dupont"), world) == ["own"]
    assert shown(search(own_only, world["other"].reference), world) == []


def test_own_cases_only_a_colleagues_case_is_404_like_a_missing_one(own_only, world):
    own_only.login("mona.mediator")
    assert own_only.get(f"/cases/{world['other'].reference}").status_code == 404
    assert own_only.get(f"/cases/{world['other'].reference}/agreement").status_code == 404
    table = world["tables"]["other"]
    assert own_only.get(f"/cases/{world['other'].reference}/round-tables/{table.id}.ics"
                        ).status_code == 404
    for name in ("own", "co"):
        assert own_only.get(f"/cases/{world[name].reference}").status_code == 200


def test_own_cases_only_managers_still_read_their_teams_cases(own_only, world):
    own_only.login("marc.manager")
    assert shown(own_only.get("/cases/").text, world) == ["co", "other", "own"]
    assert own_only.get(f"/cases/{world['other'].reference}").status_code == 200


def test_own_cases_only_related_cases_hide_the_colleagues(client, own_only, world):
    url = f"/cases/{world['own'].reference}"
    client.login("mona.mediator")
    assert f">{world['other'].reference}</a>" in client.get(url).text
    own_only.login("mona.mediator")
    page = own_only.get(url).text
    assert f">{world['other'].reference}</a>" not in page


def agenda_references(page, world):
    return sorted(name for name in ("own", "other")
                  if f"case {world[name].reference}" in page)


def test_own_cases_only_the_agenda_shows_the_round_tables_of_ones_cases(client, own_only,
                                                                       world):
    client.login("mona.mediator")
    english = {"Accept-Language": "en"}
    assert agenda_references(client.get("/agenda", headers=english).text,
                             world) == ["other", "own"]
    own_only.login("mona.mediator")
    assert agenda_references(own_only.get("/agenda", headers=english).text,
                             world) == ["own"]


def test_own_cases_only_referrals_to_check_are_those_of_ones_cases(client, own_only, world):
    referrals = world["referrals"]
    client.login("mona.mediator")
    page = client.get("/cases/referrals").text
    assert all(f"/cases/referrals/{r.id}" in page for r in referrals.values())
    own_only.login("mona.mediator")
    page = own_only.get("/cases/referrals").text
    assert f"/cases/referrals/{referrals['own'].id}" in page
    assert f"/cases/referrals/{referrals['other'].id}" not in page
    assert own_only.get(f"/cases/referrals/{referrals['other'].id}").status_code == 404
    assert own_only.get(f"/cases/referrals/{referrals['own'].id}").status_code == 200


# — The calendar feed ————————————————————————————————————————————————————————————

def feed_token(app, client, username):
    client.login(username)
    client.submit("/agenda/calendar-link", {}, page="/agenda")
    with app.app_context():
        return db.session.execute(select(User.calendar_token).filter_by(username=username)
                                  ).scalar_one()


def feed(client, token):
    response = client.get(f"/calendar/{token}.ics")
    if response.status_code != 200:
        return response.status_code
    return sorted(str(event.get("uid")) for event in
                  Calendar.from_ical(response.data).walk("VEVENT"))


def uid(table):
    return f"round-table-{table.id}@casework"


def test_the_feed_follows_the_users_teams_of_the_moment(app, client, make, org, world):
    token = feed_token(app, client, "nico.north")
    tables = world["tables"]
    assert feed(client, token) == [uid(tables["other"])]
    with app.app_context():  # an administrator moves nico to team Sud
        nico = db.session.get(User, world["nico"].id)
        nico.teams = [db.session.get(Team, org["south"].id)]
        db.session.commit()
    assert feed(client, token) == []
    with app.app_context():  # … and back
        db.session.get(User, world["nico"].id).teams = [db.session.get(Team,
                                                                       org["north"].id)]
        db.session.commit()
    assert feed(client, token) == [uid(tables["other"])]


def test_a_deactivated_users_feed_answers_404(app, client, world):
    token = feed_token(app, client, "nico.north")
    with app.app_context():
        db.session.get(User, world["nico"].id).active = False
        db.session.commit()
    assert feed(client, token) == 404


def test_a_renewed_feed_link_retires_the_old_one(app, client, world):
    old = feed_token(app, client, "nico.north")
    new = feed_token(app, client, "nico.north")
    assert old != new and feed(client, old) == 404
    assert feed(client, new) == [uid(world["tables"]["other"])]


def test_own_cases_only_the_feed_keeps_to_ones_cases(app, client, own_only, world):
    token = feed_token(app, client, "mona.mediator")
    tables = world["tables"]
    assert feed(client, token) == sorted([uid(tables["own"]), uid(tables["other"])])
    assert feed(own_only, token) == [uid(tables["own"])]
