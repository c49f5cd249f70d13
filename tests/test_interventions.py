"""Interventions: every contact logged, notes kept confidential, counts for funders."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import Case, Intervention
from casework.extensions import db


@pytest.fixture
def case(make, org, refs):
    return make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")])


def intervention_data(case, org, **overrides):
    data = {"kind": "phone", "day": date.today().isoformat(), "moment": "10:30",
            "duration_minutes": "20", "mediators": [str(org["mediator"].id)],
            "parties": [str(case.parties[0].id)],
            "summary": "Premier appel : Mme Dupont décrit les bruits du soir.",
            "notes": "Mme Dupont se dit épuisée ; évoque un arrêt maladie."}
    data.update(overrides)
    return data


def stored(app):
    with app.app_context():
        return db.session.execute(select(Intervention)).scalars().all()


def status(app):
    with app.app_context():
        return db.session.execute(select(Case.status)).scalar_one()


def test_first_intervention_starts_the_mediation(app, client, org, case):
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/interventions/new",
                             intervention_data(case, org))
    assert response.status_code == 302
    assert status(app) == "mediation"
    client.submit(f"/cases/{case.reference}/interventions/new",
                  intervention_data(case, org, kind="home_visit", moment="17:00",
                                    duration_minutes="45", summary="Visite à domicile."))
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "Phone call" in page and "Home visit" in page
    assert "Intervention logged" in page  # on the timeline
    assert len(stored(app)) == 2


def test_confidential_notes_by_role(client, make, org, case):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/interventions/new", intervention_data(case, org))
    secret = "évoque un arrêt maladie"
    assert secret in client.get(f"/cases/{case.reference}").text
    client.logout()
    client.login("marc.manager")
    assert secret in client.get(f"/cases/{case.reference}").text
    client.logout()
    client.login("nico.north")  # same team, not on the case
    page = client.get(f"/cases/{case.reference}").text
    assert "Premier appel" in page and secret not in page


BAD = [
    ("empty summary", {"summary": ""}, "summary", "This field is required."),
    ("summary too long", {"summary": "s" * 501}, "summary", "Field cannot be longer"),
    ("impossible date", {"day": "2026-02-30"}, "day", "valid date"),
    ("future date", {"day": (date.today() + timedelta(days=2)).isoformat()}, "day",
     "once it has happened"),
    ("bad time", {"moment": "25:61"}, "moment", "valid time"),
    ("zero minutes", {"duration_minutes": "0"}, "duration_minutes", "between 1 and 600"),
    ("minutes not a number", {"duration_minutes": "long"}, "duration_minutes",
     "Not a valid integer"),
    ("minutes missing", {"duration_minutes": ""}, "duration_minutes", "number of minutes"),
    ("no mediator", {"mediators": []}, "mediators", "at least one mediator"),
    ("unknown kind", {"kind": "telepathy"}, "kind", "Not a valid choice"),
    ("party of another case", {"parties": ["99999"]}, "parties", "not a valid choice"),
]


@pytest.mark.parametrize("label, overrides, field, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_on_the_intervention_form(app, client, org, case, label, overrides, field,
                                            message):
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/interventions/new",
                             intervention_data(case, org, **overrides),
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in response.text.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert stored(app) == [] and status(app) == "assigned"


def test_script_in_a_summary_is_escaped(client, org, case):
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/interventions/new",
                  intervention_data(case, org, summary="<script>x()</script>"))
    page = client.get(f"/cases/{case.reference}").text
    assert "<script>x()" not in page and "&lt;script&gt;x()" in page


def test_mediator_not_on_the_case_cannot_log(client, make, org, case):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("nico.north")
    assert client.get(f"/cases/{case.reference}/interventions/new").status_code == 403


def test_counts_per_kind_and_mediator_for_the_month(app, client, org, case):
    client.login("mona.mediator")
    for kind in ("phone", "phone", "home_visit"):
        client.submit(f"/cases/{case.reference}/interventions/new",
                      intervention_data(case, org, kind=kind))
    client.logout()
    client.login("marc.manager")
    page = client.get("/reports/interventions", headers={"Accept-Language": "en"}).text
    assert '<p class="display-6 mb-0">3</p>' in page
    assert "Mona Mediator" in page
    last_year = f"{date.today().year - 1}-01"
    page = client.get(f"/reports/interventions?month={last_year}").text
    assert '<p class="display-6 mb-0">0</p>' in page
    assert client.get("/reports/interventions?month=2026-13").status_code == 200
    client.logout()
    client.login("mona.mediator")
    assert client.get("/reports/interventions").status_code == 403
