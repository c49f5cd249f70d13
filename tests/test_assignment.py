"""Managers assign referrals; mediators find them under My cases."""
from datetime import timedelta

from sqlalchemy import select

from casework.cases.models import Case, TimelineEvent
from casework.extensions import db
from casework.core import clock


def get_case(app, reference):
    with app.app_context():
        case = db.session.execute(select(Case).filter_by(reference=reference)).scalar_one()
        db.session.expunge(case)
        return case


def test_queue_lists_the_teams_referrals_oldest_first_with_their_age(client, make, org,
                                                                      refs):
    recent = make.case(org["north"], creator=org["manager"],
                       received_on=clock.today() - timedelta(days=2), street="Recent street")
    old = make.case(org["north"], creator=org["manager"],
                    received_on=clock.today() - timedelta(days=12), street="Old street")
    assigned = make.case(org["north"], creator=org["manager"], status="assigned",
                         lead=org["mediator"])
    other_team = make.case(org["south"], creator=org["manager"], street="South street")
    client.login("marc.manager")
    page = client.get("/cases/unassigned", headers={"Accept-Language": "en"}).text
    assert page.index(old.reference) < page.index(recent.reference)
    assert "12 days" in page and "2 days" in page
    assert assigned.reference not in page and other_team.reference not in page


def test_manager_assigns_referral_to_mediator(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"])
    helper = make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("marc.manager")
    response = client.submit(f"/cases/{case.reference}/assign", {
        "lead_mediator": str(org["mediator"].id), "co_mediator": str(helper.id),
        "version": "1"})
    assert response.status_code == 302
    saved = get_case(app, case.reference)
    assert saved.status == "assigned"
    assert (saved.lead_mediator_id, saved.co_mediator_id) == (org["mediator"].id, helper.id)
    client.logout()
    client.login("mona.mediator")
    mine = client.get("/cases/mine").text
    assert case.reference in mine
    client.logout()
    client.login("nico.north")
    assert case.reference in client.get("/cases/mine").text


def test_mediator_home_page_is_my_cases(client, org):
    client.login("mona.mediator")
    assert client.get("/").headers["Location"] == "/cases/mine"


def test_reassigning_needs_a_reason_and_is_on_the_timeline(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"])
    other = make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("marc.manager")
    url = f"/cases/{case.reference}/assign"
    response = client.submit(url, {"lead_mediator": str(other.id), "co_mediator": "0",
                                   "version": str(case.version)},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "Say why" in response.text
    assert get_case(app, case.reference).lead_mediator_id == org["mediator"].id
    response = client.submit(url, {"lead_mediator": str(other.id), "co_mediator": "0",
                                   "reason": "Mona is on leave for a month.",
                                   "version": str(case.version)})
    assert response.status_code == 302
    saved = get_case(app, case.reference)
    assert saved.lead_mediator_id == other.id and saved.status == "mediation"
    with app.app_context():
        event = db.session.execute(select(TimelineEvent).order_by(TimelineEvent.id.desc())
                                   ).scalars().first()
        assert event.kind == "reassigned" and event.reason == "Mona is on leave for a month."
        assert {"field": "lead_mediator", "old": "Mona Mediator",
                "new": "Nico North"} in event.changes


def test_only_mediators_of_the_cases_team_can_be_assigned(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"])
    client.login("marc.manager")
    url = f"/cases/{case.reference}/assign"
    for lead in (org["south_mediator"].id, org["manager"].id, 99999):
        response = client.submit(url, {"lead_mediator": str(lead), "co_mediator": "0",
                                       "version": "1"})
        assert response.status_code == 200
        assert 'id="lead_mediator-error"' in response.text
    response = client.submit(url, {"lead_mediator": str(org["mediator"].id),
                                   "co_mediator": str(org["mediator"].id), "version": "1"},
                             headers={"Accept-Language": "en"})
    assert "must be another person" in response.text
    assert get_case(app, case.reference).status == "referral"


def test_inactive_mediator_cannot_be_assigned(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"])
    gone = make.user("gone.mediator", roles=["mediator"], teams=[org["north"]],
                     active=False)
    client.login("marc.manager")
    page = client.get(f"/cases/{case.reference}/assign").text
    assert "Gone Mediator" not in page
    response = client.submit(f"/cases/{case.reference}/assign", {
        "lead_mediator": str(gone.id), "co_mediator": "0", "version": "1"})
    assert 'id="lead_mediator-error"' in response.text


def test_bad_input_on_the_assignment_form(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"])
    other = make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("marc.manager")
    url = f"/cases/{case.reference}/assign"
    for data, field in (({"lead_mediator": "0"}, "lead_mediator"),
                        ({"lead_mediator": "abc"}, "lead_mediator"),
                        ({"lead_mediator": str(other.id), "reason": "r" * 1001}, "reason"),
                        ({"lead_mediator": str(other.id), "co_mediator": "-5",
                          "reason": "x"}, "co_mediator")):
        response = client.submit(url, {"co_mediator": "0", "version": str(case.version),
                                       **data})
        assert response.status_code == 200, data
        assert f'id="{field}-error"' in response.text, data
    assert get_case(app, case.reference).lead_mediator_id == org["mediator"].id


def test_closed_case_cannot_be_assigned(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="closed",
                     lead=org["mediator"])
    client.login("marc.manager")
    page = client.get(f"/cases/{case.reference}").text
    assert f"/cases/{case.reference}/assign" not in page
    response = client.submit(f"/cases/{case.reference}/assign", {
        "lead_mediator": str(org["mediator"].id), "co_mediator": "0", "reason": "x",
        "version": str(case.version)}, headers={"Accept-Language": "en"})
    assert "reopen it first" in response.text
