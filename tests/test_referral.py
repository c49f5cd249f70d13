"""Referral intake: recording how a conflict reached the service."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casework.cases.models import Case, TimelineEvent
from casework.extensions import db
from casework.core import clock


def referral_data(org, refs, **overrides):
    data = {
        "received_on": clock.today().isoformat(),
        "source": str(refs["landlord"].id),
        "referrer_organisation": "Grand Lyon Habitat, agence Mermoz",
        "referrer_name": "M. Gardien",
        "referrer_contact": "04 72 00 00 00",
        "team": str(org["north"].id),
        "territory": str(refs["mermoz"].id),
        "street": "12 rue Professeur Beauvisage",
        "building": "Bât. C", "staircase": "B", "floor": "3e",
        "postcode": "69008", "city": "Lyon",
        "categories": [str(refs["noise"].id), str(refs["animals"].id)],
        "description": "Aboiements et bruits de pas signalés par plusieurs voisins.",
        "urgency": "normal",
        "eligibility_note": "",
        "partner": "0",
    }
    data.update(overrides)
    return data


def cases_in_db(app):
    with app.app_context():
        return db.session.execute(select(func.count(Case.id))).scalar_one()


def test_manager_records_a_referral(app, client, org, refs):
    client.login("marc.manager")
    response = client.submit("/cases/new", referral_data(org, refs))
    assert response.status_code == 302
    reference = f"{clock.today().year}-0001"
    assert response.headers["Location"] == f"/cases/{reference}"
    page = client.get(f"/cases/{reference}", headers={"Accept-Language": "en"}).text
    assert "12 rue Professeur Beauvisage" in page and "Bât. C" in page
    assert "Noise" in page and "Animals" in page
    assert "Grand Lyon Habitat, agence Mermoz" in page
    assert "Referral recorded" in page  # the timeline's first event
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.status == "referral" and case.created_by_id == org["manager"].id
        assert [c.label_fr for c in case.categories] == ["Bruit", "Animaux"]


def test_mediator_records_a_referral_for_their_team(client, org, refs):
    client.login("mona.mediator")
    assert client.submit("/cases/new", referral_data(org, refs)).status_code == 302


def test_nobody_records_a_referral_for_another_team(app, client, org, refs):
    client.login("mona.mediator")
    response = client.submit("/cases/new", referral_data(org, refs, team=str(org["south"].id)))
    assert response.status_code == 200
    assert 'id="team-error"' in response.text
    assert cases_in_db(app) == 0


def test_admin_records_no_referral(client, org, refs):
    client.login("alice.admin")
    assert client.get("/cases/new").status_code == 403


def test_referral_closed_at_once_as_not_eligible(app, client, org, refs, make):
    legal = make.reference("referral_reason", "legal", "Accès au droit, justice",
                           "Legal advice, justice")
    client.login("marc.manager")
    response = client.submit("/cases/new", referral_data(
        org, refs, legal_proceedings="y", close_not_eligible="y",
        eligibility_note="Procédure en cours devant le tribunal.",
        partner=str(refs["conciliator"].id), referral_reason=str(legal.id)))
    assert response.status_code == 302
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert (case.status, case.outcome) == ("closed", "not_eligible")
        assert case.legal_proceedings and case.referred_to.name == "Conciliateur de justice"
        kinds = db.session.execute(select(TimelineEvent.kind).order_by(TimelineEvent.id)
                                   ).scalars().all()
        assert kinds == ["created", "referral_added", "closed"]


def test_not_eligible_needs_a_note(app, client, org, refs):
    client.login("marc.manager")
    response = client.submit("/cases/new", referral_data(org, refs, close_not_eligible="y"),
                             headers={"Accept-Language": "en"})
    assert 'id="close_not_eligible-error"' in response.text
    assert cases_in_db(app) == 0


TOMORROW = (clock.today() + timedelta(days=1)).isoformat()
BAD_INPUT = [
    ("empty street", {"street": ""}, "street", "This field is required."),
    ("street too long", {"street": "x" * 201}, "street", "Field cannot be longer"),
    ("empty city", {"city": " "}, "city", "This field is required."),
    ("empty description", {"description": ""}, "description", "This field is required."),
    ("description too long", {"description": "d" * 5001}, "description",
     "Field cannot be longer"),
    ("impossible date", {"received_on": "2026-02-30"}, "received_on", "valid date"),
    ("not a date", {"received_on": "yesterday"}, "received_on", "valid date"),
    ("date in the future", {"received_on": TOMORROW}, "received_on", "in the future"),
    ("date too old", {"received_on": "1899-01-01"}, "received_on", "after 1 January 2000"),
    ("no category", {"categories": []}, "categories", "at least one category"),
    ("unknown category", {"categories": ["99999"]}, "categories", "not a valid choice"),
    ("unknown source", {"source": "99999"}, "source", "Not a valid choice"),
    ("source not a number", {"source": "abc"}, "source", "Invalid"),
    ("bad postcode", {"postcode": "69 8"}, "postcode", "five digits"),
    ("unknown urgency", {"urgency": "panic"}, "urgency", "Not a valid choice"),
    ("referrer too long", {"referrer_name": "n" * 121}, "referrer_name",
     "Field cannot be longer"),
]


@pytest.mark.parametrize("label, overrides, field, message", BAD_INPUT,
                         ids=[row[0] for row in BAD_INPUT])
def test_bad_input_on_the_referral_form(app, client, org, refs, label, overrides, field,
                                        message):
    client.login("marc.manager")
    response = client.submit("/cases/new", referral_data(org, refs, **overrides),
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    error = response.text.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert cases_in_db(app) == 0


def test_script_in_the_description_is_shown_escaped(client, org, refs):
    client.login("marc.manager")
    response = client.submit("/cases/new", referral_data(
        org, refs, description="<script>alert('x')</script>"))
    page = client.get(response.headers["Location"]).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_references_follow_each_other_within_a_year(client, org, refs):
    client.login("marc.manager")
    last_year = date(clock.today().year - 1, 12, 30).isoformat()
    locations = [client.submit("/cases/new", referral_data(org, refs)).headers["Location"]
                 for _ in range(2)]
    locations.append(client.submit("/cases/new", referral_data(
        org, refs, received_on=last_year)).headers["Location"])
    year = clock.today().year
    assert locations == [f"/cases/{year}-0001", f"/cases/{year}-0002",
                         f"/cases/{year - 1}-0001"]
