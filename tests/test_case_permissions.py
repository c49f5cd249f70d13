"""Who may see and change which case: every role × every case route × own / other team.
A case of another team answers 404, exactly as a case that does not exist."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.cases.models import Case
from casework.meetings.models import Intervention, RoundTable
from casework.extensions import db
from casework.core import clock

READ, CHANGE, ASSIGN = "read", "change", "assign"
HISTORY = "read_access_history"
# Anonymising: only a closed case, by its managers; the world's case is open, so nobody.
ANONYMISE = "anonymise"
# The letters and attestations: the case's mediators and managers, open or closed.
LETTERS = "write_letters"

# Route (as a function of the case and its party), and what it needs.
ROUTES = [
    ("/cases/{ref}", READ),
    ("/cases/{ref}/edit", CHANGE),
    ("/cases/{ref}/parties/new", CHANGE),
    ("/cases/{ref}/parties/{party}", CHANGE),
    ("/cases/{ref}/steps/start_mediation", CHANGE),
    ("/cases/{ref}/steps/close", CHANGE),
    ("/cases/{ref}/assign", ASSIGN),
    ("/cases/{ref}/interventions/new", CHANGE),
    ("/cases/{ref}/interventions/{intervention}", CHANGE),
    ("/cases/{ref}/round-tables/new", CHANGE),
    ("/cases/{ref}/round-tables/{table}", CHANGE),
    ("/cases/{ref}/round-tables/{table}/change", CHANGE),
    ("/cases/{ref}/round-tables/{table}/cancel", CHANGE),
    ("/cases/{ref}/round-tables/{table}/invitations/{party}.docx", CHANGE),
    ("/cases/{ref}/round-tables/{table}.ics", READ),
    ("/cases/{ref}/referrals/new", CHANGE),
    # The partner's survey after the closure: the case's mediators and managers, the same
    # people as CHANGE on an open case (the page refuses to record on an open case).
    ("/cases/{ref}/survey", CHANGE),
    # Who read and changed the case: its managers.
    ("/cases/{ref}/access-history", HISTORY),
    ("/cases/{ref}/anonymise", ANONYMISE),
    ("/cases/{ref}/letters/referrer", LETTERS),
    ("/cases/{ref}/letters/attestation/{party}", LETTERS),
    ("/cases/{ref}/letters/party/{party}", LETTERS),
]

# What each person may do on the case of team Nord assigned to mona.mediator.
RIGHTS = {
    "alice.admin": set(),                      # admin: reads no case
    "marc.manager": {READ, CHANGE, ASSIGN, HISTORY, LETTERS},  # manager of Nord
    "mona.mediator": {READ, CHANGE, LETTERS},  # its mediator
    "nico.north": {READ},                      # another mediator of Nord
    "sam.south": set(),                        # a mediator of Sud
    "sue.south": set(),                        # the manager of Sud
    "pia.privacy": set(),                      # the privacy officer: reads the log, no case
}


@pytest.fixture
def world(make, org, refs):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    make.user("sue.south", roles=["manager"], teams=[org["south"]])
    make.user("pia.privacy", roles=["privacy_officer"])
    case = make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")])
    table = make.round_table(case, [org["mediator"]])
    intervention = make.intervention(case, [org["mediator"]],
                                     at=clock.utcnow() - timedelta(days=1))
    return {"case": case, "party": case.parties[0], "table": table,
            "intervention": intervention}


def url_is_download(route):
    return route.endswith((".docx", ".ics"))


def expected(username, need, method):
    rights = RIGHTS[username]
    if READ not in rights:
        return 404
    return 200 if need in rights else 403


@pytest.mark.parametrize("username", sorted(RIGHTS))
@pytest.mark.parametrize("route, need", ROUTES, ids=[r[0] for r in ROUTES])
def test_get_matrix(client, world, username, route, need):
    client.login(username)
    url = route.format(ref=world["case"].reference, party=world["party"].id,
                       table=world["table"].id, intervention=world["intervention"].id)
    assert client.get(url).status_code == expected(username, need, "GET")


def post_matrix():
    """Every route × person, those with nothing to refuse skipped before the case is built."""
    for route, need in ROUTES:
        for username in sorted(RIGHTS):
            marks = ()
            if need in (READ, HISTORY) or url_is_download(route):
                marks = pytest.mark.skip(reason="answers GET only")
            elif expected(username, need, "POST") == 200:
                marks = pytest.mark.skip(reason="allowed: the behaviour is tested with each route")
            yield pytest.param(route, need, username, marks=marks, id=f"{route}-{username}")


@pytest.mark.parametrize("route, need, username", list(post_matrix()))
def test_post_matrix_refused_changes_nothing(app, client, world, username, route, need):
    client.login(username)
    url = route.format(ref=world["case"].reference, party=world["party"].id,
                       table=world["table"].id, intervention=world["intervention"].id)
    token = client.csrf_token("/account")
    response = client.post(url, data={"csrf_token": token, "street": "Changed",
                                      "last_name": "Changed", "lead_mediator": "1",
                                      "outcome": "withdrawn", "reason": "x"})
    assert response.status_code == expected(username, need, "POST")
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.street == "12 rue Garibaldi" and case.status == "assigned"
        assert db.session.execute(select(func.count(RoundTable.id))).scalar_one() == 1
        assert db.session.execute(select(Intervention.summary)).scalars().all() == [
            "Appel de suivi."]
        assert case.parties[0].last_name == "Dupont" and len(case.parties) == 1


def test_other_teams_case_looks_exactly_like_a_missing_one(client, world):
    client.login("sam.south")
    hidden = client.get(f"/cases/{world['case'].reference}")
    missing = client.get("/cases/1999-9999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(world["case"].reference, "") == missing.text.replace(
        "1999-9999", "")


def test_lists_and_search_show_only_the_users_teams(client, world, make, org):
    make.case(org["south"], creator=org["manager"], street="9 rue du Sud",
              parties=[("Hélène", "Dupont")])
    client.login("sam.south")
    listing = client.submit("/cases/", {"q": "dupont"},
                            follow_redirects=True).text
    assert "9 rue du Sud" in listing and world["case"].reference not in listing
    client.logout()
    client.login("mona.mediator")
    listing = client.submit("/cases/", {"q": "dupont"},
                            follow_redirects=True).text
    assert world["case"].reference in listing and "9 rue du Sud" not in listing


def test_related_cases_of_other_teams_stay_hidden(client, world, make, org):
    other = make.case(org["south"], creator=org["manager"], parties=[("Hélène", "Dupont")])
    client.login("marc.manager")
    page = client.get(f"/cases/{world['case'].reference}").text
    assert other.reference not in page


def test_admin_who_is_also_a_manager_reads_their_teams_cases(client, world, make, org):
    make.user("boss", roles=["admin", "manager"], teams=[org["north"]])
    client.login("boss")
    assert client.get(f"/cases/{world['case'].reference}").status_code == 200


def test_assignment_queue_is_for_managers(client, world):
    client.login("mona.mediator")
    assert client.get("/cases/unassigned").status_code == 403
    client.logout()
    client.login("marc.manager")
    assert client.get("/cases/unassigned").status_code == 200


def test_visitors_are_sent_to_the_login_page(client, world):
    for route, _ in ROUTES:
        url = route.format(ref=world["case"].reference, party=world["party"].id,
                           table=world["table"].id, intervention=world["intervention"].id)
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
