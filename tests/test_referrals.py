"""Referrals to partners (mises en relation) as records of their own — at intake, during a
case, at closure, in the field — their take-up checked later, and the closing record
(summary, referrals, survey) kept the same way whichever page closes the case."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.agreements.models import FollowUp
from casework.cases.models import Case, PartnerReferral, SatisfactionAnswer, TimelineEvent
from casework.core import clock
from casework.extensions import db

from .simulate import colleague_saves_first
from .test_agreements import clauses, follow_up, signed_case  # noqa: F401  (a fixture)
from .test_referral import referral_data

EN = {"Accept-Language": "en"}
TODAY = clock.today()
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
def reasons(make):
    return {"legal": make.reference("referral_reason", "legal", "Accès au droit, justice",
                                    "Legal advice, justice"),
            "housing": make.reference("referral_reason", "housing", "Logement, bailleur",
                                      "Housing, landlord", position=1)}


@pytest.fixture
def social(make):
    return make.partner("Maison de la métropole (services sociaux)")


@pytest.fixture
def case(make, org, refs):
    """A case of team Nord in mediation since a week, led by mona.mediator."""
    return make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")],
                     received_on=TODAY - timedelta(days=7))


def referrals(app):
    with app.app_context():
        return db.session.execute(select(PartnerReferral).order_by(PartnerReferral.id)
                                  ).scalars().all()


def answers(app):
    with app.app_context():
        return [(a.party_id, a.useful, a.satisfied, a.recommend, a.effect, a.answered_on)
                for a in db.session.execute(select(SatisfactionAnswer).order_by(
                    SatisfactionAnswer.id)).scalars()]


def event_kinds(app, case):
    with app.app_context():
        return db.session.execute(select(TimelineEvent.kind).where(
            TimelineEvent.case_id == case.id).order_by(TimelineEvent.id)).scalars().all()


def error(response, field):
    return response.text.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]


# — At intake ——————————————————————————————————————————————————————————————————

def test_a_referral_not_eligible_records_its_orientation(app, client, org, refs, reasons):
    client.login("mona.mediator")
    response = client.submit("/cases/new", referral_data(
        org, refs, legal_proceedings="y", close_not_eligible="y",
        eligibility_note="Procédure en cours.", partner=str(refs["conciliator"].id),
        referral_reason=str(reasons["legal"].id), referral_detail="Audience en avril"))
    assert response.status_code == 302
    [referral] = referrals(app)
    assert (referral.stage, referral.partner_id, referral.reason_id, referral.reason,
            referral.made_by_id, referral.team_id, referral.referred_on) == (
        "intake", refs["conciliator"].id, reasons["legal"].id, "Audience en avril",
        org["mediator"].id, org["north"].id, TODAY)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.referred_to_id == refs["conciliator"].id and case.status == "closed"
    page = client.get(response.headers["Location"], headers=EN).text
    assert "Conciliateur de justice" in page and "Legal advice, justice" in page
    assert "At intake" in page


def test_an_intake_referral_needs_its_reason_and_its_partner(app, client, org, refs,
                                                            reasons):
    client.login("mona.mediator")
    response = client.submit("/cases/new", referral_data(
        org, refs, partner=str(refs["conciliator"].id)), headers=EN)
    assert "Choose the reason." in error(response, "referral_reason")
    response = client.submit("/cases/new", referral_data(
        org, refs, partner="0", referral_reason=str(reasons["legal"].id)), headers=EN)
    assert "Choose the partner." in error(response, "partner")
    assert referrals(app) == []
    with app.app_context():
        assert db.session.execute(select(func.count(Case.id))).scalar_one() == 0


# — During the case ————————————————————————————————————————————————————————————

def test_mediator_refers_the_residents_during_the_case(app, client, org, case, refs, reasons):
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    assert f'action="/cases/{case.reference}/referrals/new"' in page
    response = client.submit(f"/cases/{case.reference}/referrals/new", {
        "partner": str(refs["conciliator"].id), "reason": str(reasons["legal"].id),
        "detail": "Question de servitude", "referred_on": YESTERDAY.isoformat()},
        page=f"/cases/{case.reference}")
    assert response.status_code == 302
    [referral] = referrals(app)
    assert (referral.stage, referral.referred_on, referral.made_by_id, referral.team_id,
            referral.taken_up) == ("case", YESTERDAY, org["mediator"].id, org["north"].id,
                                   "unknown")
    assert event_kinds(app, case)[-1] == "referral_added"
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    card = page.split('id="referrals"', 1)[1].split("</section>", 1)[0]
    assert "Conciliateur de justice" in card and "Legal advice, justice" in card
    assert "Question de servitude" in card and "Mona" in card
    assert "Not known yet" in card and "During the case" in card


BAD_REFERRALS = [
    ("no partner", {"partner": "0"}, "partner", "Choose the partner."),
    ("unknown partner", {"partner": "99999"}, "partner", "Not a valid choice"),
    ("huge partner id", {"partner": "99999999999999999999"}, "partner", "Not a valid choice"),
    ("no reason", {"reason": "0"}, "reason", "Choose the reason."),
    ("a category as reason", {"reason": "{noise}"}, "reason", "Not a valid choice"),
    ("in the future", {"referred_on": TOMORROW.isoformat()}, "referred_on", "in the future"),
    ("before the case", {"referred_on": (TODAY - timedelta(days=8)).isoformat()},
     "referred_on", "before the case was received"),
    ("not a date", {"referred_on": "2026-02-30"}, "referred_on", "valid date"),
    ("detail too long", {"detail": "x" * 501}, "detail", "longer than 500"),
]


@pytest.mark.parametrize("label, overrides, field, message", BAD_REFERRALS,
                         ids=[row[0] for row in BAD_REFERRALS])
def test_bad_input_on_a_referral_during_the_case(app, client, org, case, refs, reasons,
                                                 label, overrides, field, message):
    client.login("mona.mediator")
    data = {"partner": str(refs["conciliator"].id), "reason": str(reasons["legal"].id),
            "detail": "", "referred_on": TODAY.isoformat()}
    data.update({k: v.format(noise=refs["noise"].id) for k, v in overrides.items()})
    response = client.submit(f"/cases/{case.reference}/referrals/new", data, headers=EN)
    assert response.status_code == 200
    assert message in error(response, field)
    assert referrals(app) == []


def test_a_reader_or_another_team_adds_no_referral(app, client, make, org, case, refs,
                                                   reasons):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    data = {"partner": str(refs["conciliator"].id), "reason": str(reasons["legal"].id),
            "referred_on": TODAY.isoformat()}
    for username, status in (("nico.north", 403), ("sam.south", 404), ("alice.admin", 404)):
        client.login(username)
        token = client.csrf_token("/account")
        response = client.post(f"/cases/{case.reference}/referrals/new",
                               data={**data, "csrf_token": token})
        assert response.status_code == status, username
        client.logout()
    assert referrals(app) == []
    client.login("nico.north")
    page = client.get(f"/cases/{case.reference}").text
    assert "/referrals/new" not in page


# — At closure: one way to name partners, no cap ———————————————————————————————

def close(client, case, data, **kwargs):
    return client.submit(f"/cases/{case.reference}/steps/close", data, headers=EN, **kwargs)


def test_the_close_form_has_one_way_to_add_referrals(client, case):
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}/steps/close", headers=EN).text
    assert 'name="partner"' not in page
    for row in (1, 2, 3):
        for name in ("partner", "reason", "detail"):
            assert f'name="referral_{name}_{row}"' in page
    assert 'name="referral_on_1"' not in page


def test_closing_referred_to_partners_records_every_row(app, client, org, case, refs,
                                                        reasons, social):
    client.login("mona.mediator")
    response = close(client, case, {
        "outcome": "referred_to_partner", "reason": "Hors champ de la médiation",
        "closing_summary": "Orientés vers le conciliateur et les services sociaux.",
        "referral_partner_1": str(refs["conciliator"].id),
        "referral_reason_1": str(reasons["legal"].id),
        "referral_partner_2": str(social.id), "referral_reason_2": str(reasons["housing"].id),
        "referral_detail_2": "Demande de relogement",
        "referral_partner_3": str(refs["conciliator"].id),
        "referral_reason_3": str(reasons["housing"].id)})
    assert response.status_code == 302
    rows = referrals(app)
    assert [(r.partner_id, r.reason_id, r.stage, r.referred_on) for r in rows] == [
        (refs["conciliator"].id, reasons["legal"].id, "closure", TODAY),
        (social.id, reasons["housing"].id, "closure", TODAY),
        (refs["conciliator"].id, reasons["housing"].id, "closure", TODAY)]
    with app.app_context():
        assert db.session.get(Case, case.id).referred_to_id == refs["conciliator"].id
    assert event_kinds(app, case)[-4:] == ["closed"] + ["referral_added"] * 3
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    closure = page.split('id="closure"', 1)[1].split("</section>", 1)[0]
    assert "Referred to a partner" in closure
    assert "Orientés vers le conciliateur et les services sociaux." in closure
    card = page.split('id="referrals"', 1)[1].split("</section>", 1)[0]
    assert card.count("At closure") == 3 and "Demande de relogement" in card


HALF_ROWS = [
    ("partner without reason", {"referral_partner_2": "{partner}"}, "referral_reason_2",
     "Choose the reason."),
    ("reason without partner", {"referral_reason_3": "{reason}"}, "referral_partner_3",
     "Choose the partner."),
    ("detail without partner", {"referral_detail_1": "Appeler le lundi"},
     "referral_partner_1", "Choose the partner."),
    ("unknown partner", {"referral_partner_1": "424242", "referral_reason_1": "{reason}"},
     "referral_partner_1", "Not a valid choice"),
    ("huge partner id", {"referral_partner_1": "2147483648", "referral_reason_1": "{reason}"},
     "referral_partner_1", "Not a valid choice"),
    ("referred to nobody", {"outcome": "referred_to_partner"}, "referral_partner_1",
     "say to which one"),
]


@pytest.mark.parametrize("label, overrides, field, message", HALF_ROWS,
                         ids=[row[0] for row in HALF_ROWS])
def test_half_filled_referral_rows_are_refused(app, client, org, case, refs, reasons,
                                               label, overrides, field, message):
    client.login("mona.mediator")
    values = {"partner": refs["conciliator"].id, "reason": reasons["legal"].id}
    data = {"outcome": "withdrawn", "reason": "Retrait"}
    data.update({k: v.format(**values) for k, v in overrides.items()})
    response = close(client, case, data)
    assert response.status_code == 200
    assert message in error(response, field)
    assert referrals(app) == []
    with app.app_context():
        assert db.session.get(Case, case.id).status == "mediation"


# — The survey, each question on its own ———————————————————————————————————————

def test_each_answered_question_is_kept_on_its_own(app, client, org, case):
    client.login("mona.mediator")
    dupont, benali = case.parties
    page = client.get(f"/cases/{case.reference}/steps/close", headers=EN).text
    assert "Is social mediation useful or necessary for you?" in page
    assert "4 — necessary" in page and "2 — hardly useful" in page
    assert "Did the mediation have an effect on your users" in page
    assert f'name="survey_{dupont.id}_effect"' not in page  # the partner's question only
    response = close(client, case, {
        "outcome": "withdrawn", "reason": "Situation apaisée",
        f"survey_{dupont.id}_useful": "4",              # one question of three
        f"survey_{benali.id}_satisfied": "2", f"survey_{benali.id}_recommend": "1",
        "survey_referrer_effect": "3"})                 # nobody asked the rest
    assert response.status_code == 302
    assert answers(app) == [(dupont.id, 4, None, None, None, TODAY),
                            (benali.id, None, 2, 1, None, TODAY),
                            (None, None, None, None, 3, TODAY)]


def test_nobody_answering_records_no_survey_row(app, client, case):
    client.login("mona.mediator")
    assert close(client, case, {"outcome": "withdrawn", "reason": "x"}).status_code == 302
    assert answers(app) == []


def test_the_partner_answers_later_on_the_closed_case(app, client, make, org, case):
    client.login("mona.mediator")
    close(client, case, {"outcome": "withdrawn", "reason": "x"})
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    assert f'action="/cases/{case.reference}/survey"' in page
    response = client.submit(f"/cases/{case.reference}/survey", {"effect": "", "satisfied": ""},
                             headers=EN)
    assert "Give at least one answer." in error(response, "effect")
    response = client.submit(f"/cases/{case.reference}/survey", {"effect": "9"}, headers=EN)
    assert "Not a valid choice" in error(response, "effect")
    assert answers(app) == []
    response = client.submit(f"/cases/{case.reference}/survey",
                             {"effect": "4", "satisfied": "3"})
    assert response.status_code == 302
    assert answers(app) == [(None, None, 3, None, 4, TODAY)]
    assert event_kinds(app, case)[-1] == "survey_recorded"
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    survey = page.split('id="survey"', 1)[1].split("</section>", 1)[0]
    assert "The referring partner" in survey and "4 — a strong effect" in survey
    assert f'action="/cases/{case.reference}/survey"' not in page  # answered once
    response = client.submit(f"/cases/{case.reference}/survey", {"effect": "1"},
                             page=f"/cases/{case.reference}/survey", headers=EN)
    assert "already recorded" in response.text
    assert len(answers(app)) == 1


def test_the_partner_survey_waits_for_the_closure_and_the_right_people(app, client, make,
                                                                       org, case):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/survey", {"effect": "3"}, headers=EN)
    assert response.status_code == 200 and "once the case is closed" in response.text
    close(client, case, {"outcome": "withdrawn", "reason": "x"})
    client.logout()
    for username, status in (("nico.north", 403), ("sam.south", 404), ("alice.admin", 404)):
        client.login(username)
        token = client.csrf_token("/account")
        response = client.post(f"/cases/{case.reference}/survey",
                               data={"effect": "3", "csrf_token": token})
        assert response.status_code == status, username
        client.logout()
    assert answers(app) == []


def test_survey_answers_are_shown_only_to_the_cases_mediators_and_managers(
        app, client, make, org, case):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("mona.mediator")
    dupont = case.parties[0]
    close(client, case, {"outcome": "withdrawn", "reason": "x",
                         "closing_summary": "Les voisins se parlent de nouveau.",
                         f"survey_{dupont.id}_useful": "4"})
    for username, sees in (("mona.mediator", True), ("marc.manager", True),
                           ("nico.north", False)):
        client.login(username)
        page = client.get(f"/cases/{case.reference}", headers=EN).text
        assert "Les voisins se parlent de nouveau." in page  # whoever may read the case
        assert ("4 — necessary" in page) is sees, username
        client.logout()


# — Take-up, checked later ——————————————————————————————————————————————————————

def check(client, referral_id, data, **kwargs):
    return client.submit(f"/cases/referrals/{referral_id}", data, headers=EN, **kwargs)


def test_referrals_to_check_lists_my_teams_unknown_take_ups_oldest_first(
        app, client, make, org, refs, case, reasons):
    other = make.case(org["south"], creator=org["manager"], status="mediation")
    newer = make.partner_referral(case, refs["conciliator"], made_by=org["mediator"],
                                  reason=reasons["legal"], referred_on=YESTERDAY)
    older = make.partner_referral(case, refs["conciliator"], made_by=org["mediator"],
                                  reason=reasons["housing"],
                                  referred_on=TODAY - timedelta(days=5))
    make.partner_referral(case, refs["conciliator"], taken_up="yes")
    make.partner_referral(other, refs["conciliator"])  # another team's
    client.login("mona.mediator")
    page = client.get("/cases/referrals", headers=EN).text
    assert "2 referrals to check." in page
    assert page.index(f"/cases/referrals/{older.id}\"") < \
        page.index(f"/cases/referrals/{newer.id}\"")
    assert page.count('href="/cases/referrals/') == 4  # two layouts: cards and table
    client.logout()
    client.login("alice.admin")
    assert client.get("/cases/referrals").status_code == 403


def test_referrals_to_check_make_the_same_queries_for_many(client, make, org, refs, case,
                                                           count_queries):
    make.partner_referral(case, refs["conciliator"], made_by=org["mediator"])
    client.login("mona.mediator")
    client.get("/cases/referrals")
    with count_queries() as few:
        assert client.get("/cases/referrals").status_code == 200
    for day in range(30):
        make.partner_referral(case, make.partner(f"Partenaire {day}"),
                              made_by=org["manager"],
                              referred_on=TODAY - timedelta(days=day % 7))
    with count_queries() as many:
        page = client.get("/cases/referrals?page=2", headers=EN)
    assert page.status_code == 200 and "31 referrals to check." in page.text
    assert many.count == few.count


def test_a_mediator_checks_the_take_up_of_a_closed_cases_referral(app, client, make, org,
                                                                  refs, reasons):
    closed = make.case(org["north"], creator=org["manager"], status="closed",
                       lead=org["mediator"], received_on=TODAY - timedelta(days=20))
    referral = make.partner_referral(closed, refs["conciliator"], stage="closure",
                                     reason=reasons["legal"],
                                     referred_on=TODAY - timedelta(days=10))
    client.login("mona.mediator")
    page = client.get(f"/cases/{closed.reference}", headers=EN).text
    assert f"/cases/referrals/{referral.id}?back=case" in page
    response = check(client, referral.id, {"version": "1", "taken_up": "yes",
                                            "taken_up_on": YESTERDAY.isoformat()},
                     query_string={"back": "case"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{closed.reference}#referrals"
    [saved] = referrals(app)
    assert (saved.taken_up, saved.taken_up_on, saved.taken_up_by_id) == (
        "yes", YESTERDAY, org["mediator"].id)
    assert event_kinds(app, closed)[-1] == "take_up_recorded"
    page = client.get(f"/cases/{closed.reference}", headers=EN).text
    assert "Taken up" in page.split('id="referrals"', 1)[1].split("</section>", 1)[0]
    assert client.get("/cases/referrals", headers=EN).text.count(
        f"/cases/referrals/{referral.id}\"") == 0


TAKE_UP_BAD = [
    ("before the referral", {"taken_up_on": (TODAY - timedelta(days=11)).isoformat()},
     "taken_up_on", "before the referral was made"),
    ("in the future", {"taken_up_on": TOMORROW.isoformat()}, "taken_up_on", "in the future"),
    ("no date", {"taken_up_on": ""}, "taken_up_on", "Give the date it was checked."),
    ("impossible date", {"taken_up_on": "2026-02-30"}, "taken_up_on", "valid date"),
    ("unknown answer", {"taken_up": "maybe"}, "taken_up", "Not a valid choice"),
]


@pytest.mark.parametrize("label, overrides, field, message", TAKE_UP_BAD,
                         ids=[row[0] for row in TAKE_UP_BAD])
def test_bad_input_on_the_take_up(app, client, make, org, refs, case, label, overrides, field,
                                  message):
    referral = make.partner_referral(case, refs["conciliator"],
                                     referred_on=TODAY - timedelta(days=5))
    client.login("mona.mediator")
    data = {"version": "1", "taken_up": "no", "taken_up_on": TODAY.isoformat()}
    data.update(overrides)
    response = check(client, referral.id, data)
    assert response.status_code == 200
    assert message in error(response, field)
    [saved] = referrals(app)
    assert (saved.taken_up, saved.taken_up_on) == ("unknown", None)


def test_a_field_activitys_referral_is_checked_by_its_team(app, client, make, org, refs,
                                                          reasons):
    kind = make.reference("activity", "presence", "Présence active de proximité",
                          "Public-space presence")
    activity = make.field_activity(org["north"], org["mediator"], kind,
                                   day=TODAY - timedelta(days=3))
    referral = make.partner_referral(None, refs["conciliator"], field_activity=activity,
                                     team=org["north"], reason=reasons["housing"],
                                     made_by=org["mediator"],
                                     referred_on=TODAY - timedelta(days=3))
    client.login("sam.south")  # a mediator of another team
    assert client.get(f"/cases/referrals/{referral.id}").status_code == 404
    response = check(client, referral.id, {"version": "1", "taken_up": "no",
                                            "taken_up_on": TODAY.isoformat()})
    assert response.status_code == 404
    client.logout()
    client.login("alice.admin")
    assert client.get(f"/cases/referrals/{referral.id}").status_code == 403
    client.logout()
    client.login("marc.manager")
    page = client.get("/cases/referrals", headers=EN).text
    assert "Field activity" in page and f"/cases/referrals/{referral.id}" in page
    response = check(client, referral.id, {"version": "1", "taken_up": "no",
                                            "taken_up_on": TODAY.isoformat()})
    assert response.status_code == 302
    [saved] = referrals(app)
    assert (saved.taken_up, saved.taken_up_by_id) == ("no", org["manager"].id)


def test_ids_that_name_no_referral_answer_not_found(client, org):
    client.login("mona.mediator")
    for referral_id in ("424242", "2147483648", "99999999999999999999"):
        assert client.get(f"/cases/referrals/{referral_id}").status_code == 404


def test_two_take_up_checks_at_the_same_moment_end_in_a_message(app, client, make, org, refs,
                                                                case):
    referral = make.partner_referral(case, refs["conciliator"], referred_on=YESTERDAY)
    client.login("mona.mediator")
    response = check(client, referral.id, {"version": "0", "taken_up": "yes",
                                            "taken_up_on": TODAY.isoformat()})
    assert response.status_code == 409 and "Someone else saved" in response.text
    with colleague_saves_first(app, PartnerReferral, referral.id):
        response = check(client, referral.id, {"version": "1", "taken_up": "yes",
                                                "taken_up_on": TODAY.isoformat()})
    assert response.status_code == 409 and "Someone else saved" in response.text
    [saved] = referrals(app)
    assert saved.taken_up == "unknown"


# — Closing from the follow-up ——————————————————————————————————————————————————

def test_closing_from_the_follow_up_keeps_the_whole_closing_record(
        app, client, make, org, refs, reasons, clauses):  # noqa: F811
    case = signed_case(app, client, make, org, clauses)
    dupont = case.parties[0]
    page = client.get(f"/cases/{case.reference}/follow-up", headers=EN).text
    assert 'name="closing_summary"' in page and 'name="referral_partner_3"' in page
    response = follow_up(client, case, app, ["kept"] * 4, "close_respected",
                         closing_summary="Engagements tenus, relations apaisées.",
                         referral_partner_1=str(refs["conciliator"].id),
                         referral_reason_1=str(reasons["legal"].id),
                         **{f"survey_{dupont.id}_useful": "3",
                            "survey_referrer_effect": "4"})
    assert response.status_code == 302
    with app.app_context():
        closed = db.session.get(Case, case.id)
        assert (closed.status, closed.outcome, closed.closing_summary) == (
            "closed", "agreement_respected", "Engagements tenus, relations apaisées.")
    [referral] = referrals(app)
    assert referral.stage == "closure" and referral.reason_id == reasons["legal"].id
    assert answers(app) == [(dupont.id, 3, None, None, None, TODAY),
                            (None, None, None, None, 4, TODAY)]
    assert event_kinds(app, case)[-3:] == ["follow_up_recorded", "closed", "referral_added"]


def test_closing_as_breached_from_the_follow_up_keeps_it_too(app, client, make, org, refs,
                                                             reasons, clauses):  # noqa: F811
    case = signed_case(app, client, make, org, clauses)
    response = follow_up(client, case, app, ["not_kept", "kept", "kept", "kept"],
                         "close_breached", reason="Les parties ne veulent plus se voir.",
                         closing_summary="Accord non tenu.")
    assert response.status_code == 302
    with app.app_context():
        closed = db.session.get(Case, case.id)
        assert (closed.outcome, closed.closing_summary) == ("agreement_breached",
                                                            "Accord non tenu.")


def test_a_follow_up_that_does_not_close_refuses_a_closing_record(app, client, make, org,
                                                                  refs, clauses):  # noqa: F811
    case = signed_case(app, client, make, org, clauses)
    response = follow_up(client, case, app, ["not_kept", "kept", "kept", "kept"],
                         "new_round_table", closing_summary="Pas encore.")
    assert response.status_code == 200
    assert "only when the case is closed" in error(response, "closing_summary")
    with app.app_context():
        assert db.session.get(Case, case.id).status == "follow_up"
        assert db.session.execute(select(FollowUp)).scalar_one().done_at is None


def test_the_follow_up_and_its_closing_record_commit_together_or_not_at_all(
        app, client, make, org, refs, reasons, clauses):  # noqa: F811
    case = signed_case(app, client, make, org, clauses)
    dupont = case.parties[0]
    with colleague_saves_first(app, Case, case.id):
        response = follow_up(client, case, app, ["kept"] * 4, "close_respected",
                             closing_summary="Tenu.",
                             referral_partner_1=str(refs["conciliator"].id),
                             referral_reason_1=str(reasons["legal"].id),
                             **{f"survey_{dupont.id}_useful": "4"})
    assert response.status_code == 200 and "Someone else saved" in response.text
    assert referrals(app) == [] and answers(app) == []
    with app.app_context():
        assert db.session.get(Case, case.id).status == "follow_up"
        assert db.session.execute(select(FollowUp)).scalar_one().done_at is None


# — The case page's queries ————————————————————————————————————————————————————

def test_the_case_page_makes_the_same_queries_whatever_its_referrals_and_answers(
        app, client, make, org, refs, reasons, count_queries):
    closed = make.case(org["north"], creator=org["manager"], status="closed",
                       lead=org["mediator"], parties=[("Hélène", "Dupont")])
    make.partner_referral(closed, refs["conciliator"], made_by=org["mediator"],
                          reason=reasons["legal"])
    client.login("mona.mediator")
    client.get(f"/cases/{closed.reference}")
    with count_queries() as few:
        assert client.get(f"/cases/{closed.reference}").status_code == 200
    for n in range(12):
        partner = make.partner(f"Partenaire {n}")
        make.partner_referral(closed, partner, made_by=org["manager"],
                              reason=reasons["housing"], stage="closure")
    with app.app_context():
        party_id = closed.parties[0].id
        db.session.add_all([SatisfactionAnswer(case_id=closed.id, party_id=party_id, useful=4),
                            SatisfactionAnswer(case_id=closed.id, effect=3)])
        db.session.commit()
    make.partner_referral(closed, refs["conciliator"], taken_up="yes")
    with count_queries() as many:
        page = client.get(f"/cases/{closed.reference}")
    assert page.status_code == 200 and page.text.count('id="referral-') == 14
    assert many.count == few.count
