"""Editing a case: the timeline keeps old and new values; concurrent saves never overwrite
each other silently; the timeline is append-only."""
import pytest
from sqlalchemy import select

from casework.cases.models import Case, TimelineEvent
from casework.extensions import db

from .test_referral import referral_data


@pytest.fixture
def case(make, org, refs):
    return make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], street="3 rue Genton")


def edit_data(org, refs, case, **overrides):
    data = referral_data(org, refs, street=case.street, version=str(case.version),
                         categories=[str(refs["noise"].id)])
    data.pop("partner")
    data.update(overrides)
    return data


def saved(app):
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        db.session.expunge(case)
        return case


def test_edit_records_old_and_new_values(app, client, org, refs, case):
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/edit",
                             edit_data(org, refs, case, street="5 rue Genton"))
    assert response.status_code == 302
    assert saved(app).street == "5 rue Genton"
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "Case details edited" in page
    assert "<del>3 rue Genton</del> → 5 rue Genton" in page


def test_second_of_two_simultaneous_saves_is_told_and_sees_the_first(app, client, org, refs,
                                                                     case):
    first = app.test_client()
    first.login("marc.manager")
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/edit"
    # Both open the form on the same version, then both save.
    assert first.submit(url, edit_data(org, refs, case, street="Saved by Marc")
                        ).status_code == 302
    response = client.submit(url, edit_data(org, refs, case, street="Typed by Mona"),
                             headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "Someone else saved this" in response.text
    assert "Saved by Marc" in response.text      # what is saved now
    assert 'value="Typed by Mona"' in response.text  # what she typed is not lost
    assert saved(app).street == "Saved by Marc"
    # Saving again, now knowingly, takes her version.
    version = saved(app).version
    response = client.submit(url, edit_data(org, refs, case, street="Typed by Mona",
                                            version=str(version)))
    assert response.status_code == 302 and saved(app).street == "Typed by Mona"


def test_concurrent_party_edits_are_caught_too(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], lead=org["mediator"],
                     status="mediation", parties=[("Hélène", "Dupont")])
    party = case.parties[0]
    url = f"/cases/{case.reference}/parties/{party.id}"
    data = {"role": "complainant", "kind": "person", "civility": "", "first_name": "Hélène",
            "last_name": "Dupont", "language": "fr", "consent": "unknown",
            "consent_method": "", "version": str(party.version)}
    first = app.test_client()
    first.login("marc.manager")
    client.login("mona.mediator")
    assert first.submit(url, {**data, "phone": "06 11 11 11 11"}).status_code == 302
    response = client.submit(url, {**data, "phone": "06 22 22 22 22"})
    assert response.status_code == 409
    assert "06 11 11 11 11" in response.text


def test_stale_assignment_is_refused(app, client, make, org, refs, case):
    client.login("marc.manager")
    response = client.submit(f"/cases/{case.reference}/assign", {
        "lead_mediator": str(org["mediator"].id), "co_mediator": "0",
        "reason": "x", "version": str(case.version - 1 if case.version > 1 else 99)})
    assert response.status_code == 409


def test_mediator_cannot_move_a_case_to_another_team(app, client, org, refs, case):
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/edit",
                             edit_data(org, refs, case, team=str(org["south"].id)))
    assert response.status_code == 200 and 'id="team-error"' in response.text
    assert saved(app).team_id == org["north"].id


def test_timeline_is_append_only(app, client, org, refs, case):
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/edit", edit_data(org, refs, case, street="New"))
    with app.app_context():
        event = db.session.execute(select(TimelineEvent)).scalars().first()
        event.reason = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.execute(select(TimelineEvent)).scalars().first())
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()


def test_a_tampered_version_is_a_conflict_not_an_error(app, client, org, refs, case):
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/edit",
                             edit_data(org, refs, case, street="X", version="abc"))
    assert response.status_code == 409
    assert saved(app).street == "3 rue Genton"


def test_a_changed_description_can_be_read_on_the_timeline(app, client, org, refs, make):
    long_text = ("Les habitants du deuxième étage se plaignent de bruits de pas et de "
                 "musique le soir, surtout le week-end, depuis le mois de septembre dernier.")
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], description=long_text)
    client.login("mona.mediator")
    changed = long_text.replace("le week-end", "le vendredi")
    response = client.submit(f"/cases/{case.reference}/edit",
                             edit_data(org, refs, case, description=changed))
    assert response.status_code == 302
    page = client.get(f"/cases/{case.reference}").text
    # Both sides cut at the same point read alike; the words that changed are shown.
    assert "<del>week-end</del><ins>vendredi</ins>" in page
    assert "musique le soir, surtout le " in page


def test_text_change_shows_context_around_the_change():
    from casework.web.formatting import text_change

    assert text_change("court", "bref") is None
    old = "a" * 100 + " bruit " + "b" * 100
    excerpt = text_change(old, old.replace("bruit", "bruits"))
    assert (excerpt["removed"], excerpt["added"]) == ("bruit", "bruits")
    assert excerpt["before"].startswith("…") and excerpt["after"].endswith("…")


def test_a_case_moved_to_another_team_takes_its_referrals_along(app, client, make, org,
                                                                 refs, case):
    make.user("mia.both", roles=["manager"], teams=[org["north"], org["south"]])
    referral = make.partner_referral(case, refs["conciliator"], made_by=org["mediator"])
    client.login("mia.both")
    response = client.submit(f"/cases/{case.reference}/edit",
                             edit_data(org, refs, case, team=str(org["south"].id)))
    assert response.status_code == 302
    assert saved(app).team_id == org["south"].id
    with app.app_context():
        from casework.cases.models import PartnerReferral
        assert db.session.get(PartnerReferral, referral.id).team_id == org["south"].id


def test_a_case_moved_to_another_team_takes_its_interventions_along(app, client, make, org,
                                                                     refs, case):
    """The reports count an intervention, a round table and a survey answer with its
    case's team: after the move, with the new team, no longer with the old one."""
    from datetime import datetime, timedelta, timezone

    from casework.cases.models import SatisfactionAnswer
    from casework.core import clock

    today = clock.today()
    make.intervention(case, [org["mediator"]], minutes=40, at=datetime.combine(
        today, datetime.min.time(), tzinfo=timezone.utc).replace(hour=9))
    make.round_table(case, [org["mediator"]], starts_in_days=-1, status="held")
    with app.app_context():
        db.session.add(SatisfactionAnswer(case_id=case.id, party_id=None, effect=3))
        db.session.commit()
    make.user("mia.both", roles=["manager"], teams=[org["north"], org["south"]])
    client.login("mia.both")
    week = {"start": (today - timedelta(days=7)).isoformat(), "end": today.isoformat()}

    def figures(team):
        """(interventions, round tables held) of the team's report for the week."""
        page = client.get("/reports/interventions", query_string={**week, "team": team.id},
                          headers={"Accept-Language": "en"}).text
        if "No intervention was logged in this period." in page:
            return 0, 0
        cards = page.split('<p class="display-6 mb-0">')
        return int(cards[1].split("<")[0]), int(cards[4].split("<")[0])

    assert (figures(org["north"]), figures(org["south"])) == ((1, 1), (0, 0))
    response = client.submit(f"/cases/{case.reference}/edit",
                             edit_data(org, refs, case, team=str(org["south"].id)))
    assert response.status_code == 302
    assert (figures(org["north"]), figures(org["south"])) == ((0, 0), (1, 1))
    csv_text = client.get("/reports/interventions.csv",
                          query_string={**week, "team": org["south"].id}).text
    assert f"{case.reference};Sud;" in csv_text
    with app.app_context():
        assert db.session.execute(select(SatisfactionAnswer.team_id)).scalar_one() \
            == org["south"].id
