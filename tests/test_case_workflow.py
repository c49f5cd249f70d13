"""The workflow through the case page: exactly the allowed steps, enforced on every route."""
import re

import pytest
from sqlalchemy import select

from casework.cases import workflow
from casework.cases.models import Case, TimelineEvent
from casework.extensions import db


def status_of(app, reference):
    with app.app_context():
        case = db.session.execute(select(Case).filter_by(reference=reference)).scalar_one()
        return case.status, case.outcome


def step_buttons(page):
    return set(re.findall(r'data-step="([a-z_]+)"', page))


@pytest.mark.parametrize("status", workflow.STATUSES)
def test_case_page_offers_exactly_the_allowed_steps(client, make, org, refs, status):
    case = make.case(org["north"], creator=org["manager"], status=status,
                     lead=org["mediator"] if status != "referral" else None)
    client.login("marc.manager")
    page = client.get(f"/cases/{case.reference}").text
    assert step_buttons(page) == {t.name for t in workflow.transitions_from(
        status, offered_only=True)}


def test_mediator_is_not_offered_to_reopen(client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="closed",
                     lead=org["mediator"])
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}").text
    assert step_buttons(page) == set()
    assert client.get(f"/cases/{case.reference}/steps/reopen").status_code == 403


def test_mediator_moves_a_case_along_and_the_timeline_says_so(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"])
    client.login("mona.mediator")
    for name, status in (("start_mediation", "mediation"),):
        page = f"/cases/{case.reference}"
        response = client.submit(f"/cases/{case.reference}/steps/{name}",
                                 {"version": str(get_version(app, case.reference))},
                                 page=page)
        assert response.status_code == 302, name
        assert status_of(app, case.reference)[0] == status
    with app.app_context():
        events = db.session.execute(select(TimelineEvent).order_by(TimelineEvent.id)
                                    ).scalars().all()
        assert [e.changes[0]["new"] for e in events] == ["mediation"]
        assert all(e.actor_id == org["mediator"].id for e in events)


def get_version(app, reference):
    with app.app_context():
        return db.session.execute(select(Case.version).filter_by(reference=reference)
                                  ).scalar_one()


def test_a_step_not_allowed_from_the_status_is_refused_on_the_route(app, client, make, org,
                                                                      refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"])
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/steps/mark_signed", {},
                             page=f"/cases/{case.reference}")
    assert response.status_code == 302
    assert status_of(app, case.reference) == ("mediation", None)
    assert client.get(f"/cases/{case.reference}/steps/nonsense").status_code == 302


def test_closing_needs_an_outcome(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"])
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/steps/close"
    response = client.submit(url, {"outcome": ""},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200 and 'id="outcome-error"' in response.text
    response = client.submit(url, {"outcome": "agreement_respected"})
    assert response.status_code == 200 and 'id="outcome-error"' in response.text
    assert status_of(app, case.reference) == ("mediation", None)
    response = client.submit(url, {"outcome": "no_agreement",
                                   "reason": "Les parties restent sur leurs positions."})
    assert response.status_code == 302
    assert status_of(app, case.reference) == ("closed", "no_agreement")


def test_close_form_offers_only_the_outcomes_that_fit(client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="follow_up",
                     lead=org["mediator"])
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}/steps/close").text
    offered = set(re.findall(r'<option value="([a-z_]+)"', page.split('id="outcome"')[1]
                             .split("</select>")[0]))
    assert offered == set(workflow.outcomes_from("follow_up"))


def test_referral_to_a_partner_needs_the_partner(app, client, make, org, refs):
    legal = make.reference("referral_reason", "legal", "Accès au droit, justice",
                           "Legal advice, justice")
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"])
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/steps/close"
    page = client.get(url).text
    assert 'name="partner"' not in page  # one way to name partners: the referral rows
    response = client.submit(url, {"outcome": "referred_to_partner",
                                   "referral_partner_1": "0"},
                             headers={"Accept-Language": "en"})
    assert 'id="referral_partner_1-error"' in response.text
    assert status_of(app, case.reference) == ("mediation", None)
    response = client.submit(url, {"outcome": "referred_to_partner",
                                   "referral_partner_1": str(refs["conciliator"].id),
                                   "referral_reason_1": str(legal.id)})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.execute(select(Case)).scalar_one()
        assert saved.referred_to.name == "Conciliateur de justice"


def test_manager_reopens_a_closed_case_with_a_reason(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="closed",
                     lead=org["mediator"])
    client.login("marc.manager")
    url = f"/cases/{case.reference}/steps/reopen"
    response = client.submit(url, {"reason": "  "}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and 'id="reason-error"' in response.text
    assert status_of(app, case.reference)[0] == "closed"
    response = client.submit(url, {"reason": "Les nuisances ont repris."})
    assert response.status_code == 302
    assert status_of(app, case.reference) == ("mediation", None)
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "Case reopened" in page and "Les nuisances ont repris." in page


def test_reason_too_long_is_refused(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="closed")
    client.login("marc.manager")
    response = client.submit(f"/cases/{case.reference}/steps/reopen", {"reason": "r" * 2001},
                             headers={"Accept-Language": "en"})
    assert "Field cannot be longer" in response.text
    assert status_of(app, case.reference)[0] == "closed"
