"""Interventions: every contact logged, notes kept confidential, counts for funders."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import Case
from casework.meetings.models import Intervention
from casework.extensions import db
from casework.core import clock


@pytest.fixture
def case(make, org, refs):
    return make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")])


def intervention_data(case, org, **overrides):
    data = {"kind": "phone", "day": clock.today().isoformat(), "moment": "10:30",
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
    ("future date", {"day": (clock.today() + timedelta(days=2)).isoformat()}, "day",
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
    last_year = f"{clock.today().year - 1}-01"
    page = client.get(f"/reports/interventions?month={last_year}").text
    assert '<p class="display-6 mb-0">0</p>' in page
    assert client.get("/reports/interventions?month=2026-13").status_code == 200
    client.logout()
    client.login("mona.mediator")
    assert client.get("/reports/interventions").status_code == 403


def logged(app, client, case, org, **overrides):
    client.submit(f"/cases/{case.reference}/interventions/new",
                  intervention_data(case, org, **overrides))
    return stored(app)[-1]


def test_mediator_corrects_an_intervention_and_the_timeline_keeps_the_old_values(
        app, client, org, case, make):
    colleague = make.user("nina.north", roles=["mediator"], teams=[org["north"]],
                          full_name="Nina Nord")
    client.login("mona.mediator")
    item = logged(app, client, case, org)
    url = f"/cases/{case.reference}/interventions/{item.id}"
    form = client.get(url, headers={"Accept-Language": "en"}).text
    assert "Correct an intervention" in form and 'value="20"' in form and "10:30" in form
    response = client.submit(url, intervention_data(
        case, org, kind="home_visit", duration_minutes="45",
        mediators=[str(org["mediator"].id), str(colleague.id)],
        notes="Nouvelle note très confidentielle.", version="1"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#intervention-{item.id}")
    with app.app_context():
        corrected = db.session.get(Intervention, item.id)
        assert (corrected.kind, corrected.duration_minutes) == ("home_visit", 45)
        assert {m.full_name for m in corrected.mediators} == {"Mona Mediator", "Nina Nord"}
        assert corrected.notes == "Nouvelle note très confidentielle."
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    timeline = page.split('id="timeline-title"', 1)[1]
    assert "Intervention corrected" in timeline
    assert "<del>Phone call</del> → Home visit" in timeline
    assert "<del>20</del> → 45" in timeline
    assert "Mona Mediator, Nina Nord" in timeline
    assert "changed (not shown on the timeline)" in timeline
    assert "très confidentielle" not in timeline


def test_saving_a_correction_unchanged_changes_nothing(app, client, org, case):
    client.login("mona.mediator")
    item = logged(app, client, case, org)
    response = client.submit(f"/cases/{case.reference}/interventions/{item.id}",
                             intervention_data(case, org, version="1"))
    assert response.status_code == 302
    assert stored(app)[-1].version == 1
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "Intervention corrected" not in page


def test_two_corrections_at_once_the_second_sees_the_first(app, client, org, case):
    client.login("mona.mediator")
    item = logged(app, client, case, org)
    url = f"/cases/{case.reference}/interventions/{item.id}"
    client.submit(url, intervention_data(case, org, duration_minutes="25", version="1"))
    response = client.submit(url, intervention_data(case, org, duration_minutes="90",
                                                    version="1"),
                             headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "Someone else saved" in response.text and 'value="90"' in response.text
    assert stored(app)[-1].duration_minutes == 25


def test_a_correction_with_bad_values_is_refused_field_by_field(app, client, org, case):
    client.login("mona.mediator")
    item = logged(app, client, case, org)
    response = client.submit(f"/cases/{case.reference}/interventions/{item.id}",
                             intervention_data(case, org, duration_minutes="0", summary="",
                                               mediators=[], day="2026-02-30",
                                               version="1"),
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    for field in ("duration_minutes", "summary", "mediators", "day"):
        assert f'id="{field}-error"' in response.text
    assert stored(app)[-1].summary.startswith("Premier appel")


def test_an_old_intervention_keeps_its_day_when_corrected(app, client, org, case, make):
    long_ago = clock.utcnow().replace(microsecond=0) - timedelta(days=400)
    item = make.intervention(case, [org["mediator"]], at=long_ago)
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/interventions/{item.id}"
    form = client.get(url).text
    day = form.split('id="day"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    response = client.submit(url, intervention_data(case, org, day=day, summary="Corrigé.",
                                                    version="1"))
    assert response.status_code == 302
    assert stored(app)[-1].summary == "Corrigé."


def test_an_intervention_of_another_case_is_404(app, client, org, case, make):
    other = make.case(org["north"], creator=org["manager"], lead=org["mediator"],
                      status="assigned", parties=["Autre"])
    client.login("mona.mediator")
    item = logged(app, client, case, org)
    assert client.get(f"/cases/{other.reference}/interventions/{item.id}").status_code == 404
    assert client.get(f"/cases/{case.reference}/interventions/99999").status_code == 404
