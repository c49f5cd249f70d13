"""The dashboard (/reports): every figure against a fixture counted by hand — interventions
in cases and in the field, cases received and open, outcomes, delays (medians and 90th
percentiles), referrals and their take-up, satisfaction with its response rates, each
mediator's workload — scoped to the manager's teams, in a constant number of queries, with
charts served as SVG beside their tables."""
from datetime import date, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from casework.activity.models import FieldActivity
from casework.auth.models import User
from casework.cases.models import Case, Party, PartnerReferral, SatisfactionAnswer
from casework.extensions import db
from casework.meetings.models import Intervention, RoundTable
from casework.reports import charts, dashboard as figures
from casework.reports.periods import Period
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
QUARTER = Period(date(2026, 1, 1), date(2026, 3, 31))
QUERY = {"start": "2026-01-01", "end": "2026-03-31"}


def at(day, hour=10, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def case(team, received, *, status="mediation", outcome=None, closed=None, territory=None,
         source=None, referrer="", parties=(), **kwargs):
    item = factories.case(team, status=status, received_on=received, outcome=outcome,
                          parties=[("", name) for name in parties], **kwargs)
    item = db.session.get(Case, item.id)
    item.closed_on, item.territory, item.referrer_organisation = closed, territory, referrer
    if source is not None:
        item.source = source
    db.session.commit()
    return item


def contact(item, mediators, moment, *, kind="phone", minutes=30, met=()):
    intervention = factories.intervention(item, mediators, at=moment, kind=kind,
                                          minutes=minutes)
    intervention = db.session.get(Intervention, intervention.id)
    intervention.parties = [party for party in db.session.get(Case, item.id).parties
                            if party.last_name in met]
    db.session.commit()


def held(item, mediators, moment, status="held"):
    db.session.add(RoundTable(
        case_id=item.id, starts_at=moment, ends_at=moment + timedelta(hours=1),
        duration_minutes=60, place_text="Centre social", status=status,
        created_by_id=mediators[0].id, mediators=[db.session.get(User, m.id) for m in mediators]))
    db.session.commit()


def activity(team, kind, moment, mediators, *, people, mode="individual", minutes=60,
             territory=None):
    from casework.activity.models import interventions_for

    item = FieldActivity(kind_id=kind.id, at=moment, duration_minutes=minutes, team_id=team.id,
                         territory_id=territory.id if territory else None, mode=mode,
                         people_met=people, interventions=interventions_for(mode, people),
                         created_by_id=mediators[0].id,
                         mediators=[db.session.get(User, m.id) for m in mediators])
    db.session.add(item)
    db.session.commit()
    return item


def referral(team, partner, on, *, case=None, field=None, reason=None, stage="case",
             taken_up="unknown"):
    db.session.add(PartnerReferral(
        case_id=case.id if case else None, field_activity_id=field.id if field else None,
        team_id=team.id, partner_id=partner.id, reason_id=reason.id if reason else None,
        referred_on=on, stage=stage, taken_up=taken_up))
    db.session.commit()


def answer(item, party_name, on, **answers):
    party = next((p.id for p in db.session.get(Case, item.id).parties
                  if p.last_name == party_name), None) if party_name else None
    db.session.add(SatisfactionAnswer(case_id=item.id, party_id=party, answered_on=on,
                                      **answers))
    db.session.commit()


@pytest.fixture
def world(app, make, org, refs):
    """A first quarter of 2026 in the north team (and a little in the south team, which
    the north manager does not see). Counted by hand in the tests below."""
    make.user("nina.north", roles=["mediator"], teams=[org["north"]], full_name="Nina Nord")
    make.user("mia.multi", roles=["manager"], teams=[org["north"], org["south"]])
    with app.app_context():
        north, south = db.session.merge(org["north"]), db.session.merge(org["south"])
        mona = db.session.get(User, org["mediator"].id)
        nina = db.session.execute(db.select(User).filter_by(username="nina.north")).scalar_one()
        sam = db.session.get(User, org["south_mediator"].id)
        mermoz = db.session.merge(refs["mermoz"])
        landlord = db.session.merge(refs["landlord"])
        conciliator = db.session.merge(refs["conciliator"])
        caf = factories.partner("CAF du Rhône")
        housing = factories.reference("referral_reason", "housing", "Logement", "Housing")
        rights = factories.reference("referral_reason", "rights", "Accès aux droits",
                                     "Access to rights", position=1)
        presence = factories.reference("activity", "presence", "Présence de proximité",
                                       "Presence round")
        workshop = factories.reference("activity", "workshop", "Atelier", "Workshop",
                                       position=1)

        a = case(north, date(2026, 1, 5), status="closed", outcome="agreement_respected",
                 closed=date(2026, 2, 20), territory=mermoz, referrer="Alliade Habitat",
                 lead=mona, co=nina, parties=("Dupont", "Benali"), categories=("noise",))
        b = case(north, date(2026, 1, 10), status="closed", outcome="agreement_breached",
                 closed=date(2026, 3, 5), source=landlord, lead=mona, parties=("Roux",),
                 categories=("noise", "animals"))
        c = case(north, date(2026, 1, 29), status="closed", outcome="no_agreement",
                 closed=date(2026, 3, 2), territory=mermoz, referrer="Mairie du 8e",
                 lead=nina, parties=("Martin", "Petit"), categories=("animals",))
        d = case(north, date(2025, 12, 1), lead=mona, co=nina, parties=("Morel",))
        e = case(north, date(2026, 3, 1), status="assigned", lead=mona, parties=("Blanc",))
        case(north, date(2025, 6, 1), status="referral", parties=("Faure",))
        s = case(south, date(2026, 1, 15), status="closed", outcome="withdrawn",
                 closed=date(2026, 2, 15), lead=sam, parties=("Sudre",))
        case(south, date(2026, 2, 20), lead=sam, parties=("Garnier",))
        del e

        contact(a, [mona], at(date(2026, 1, 6)), met=("Dupont",))
        contact(a, [mona, nina], at(date(2026, 1, 20)), kind="home_visit", minutes=60,
                met=("Dupont", "Benali"))
        contact(b, [mona], at(date(2026, 1, 17)), minutes=20, met=("Roux",))
        # Half past midnight in Lyon on 1 February: still 31 January in UTC.
        contact(c, [nina], at(date(2026, 2, 1), 0, 30), kind="office", minutes=45)
        contact(d, [mona], at(date(2025, 12, 3)))  # before the quarter
        contact(d, [mona], at(date(2026, 3, 3)), minutes=15)
        contact(s, [sam], at(date(2026, 1, 16)), met=("Sudre",))

        held(a, [mona, nina], at(date(2026, 2, 10), 18))
        held(b, [mona], at(date(2026, 2, 1), 14))
        held(b, [mona], at(date(2026, 2, 15), 14))
        held(c, [nina], at(date(2026, 3, 20), 14), status="scheduled")

        f1 = activity(north, presence, at(date(2026, 1, 15), 14), [mona, nina], people=12,
                      minutes=120, territory=mermoz)
        f2 = activity(north, workshop, at(date(2026, 2, 12), 9), [nina], people=25,
                      mode="collective", minutes=90)
        activity(north, presence, at(date(2026, 3, 4)), [mona], people=0, minutes=30,
                 territory=mermoz)
        activity(north, presence, at(date(2025, 12, 20)), [mona], people=7)  # before
        activity(south, presence, at(date(2026, 1, 20)), [sam], people=5)

        referral(north, conciliator, date(2026, 1, 25), case=a, reason=housing, taken_up="yes")
        referral(north, caf, date(2026, 2, 20), case=a, reason=rights, stage="closure",
                 taken_up="no")
        referral(north, conciliator, date(2026, 1, 10), case=b, reason=housing,
                 stage="intake")
        referral(north, caf, date(2026, 1, 15), field=f1, reason=rights, stage="field",
                 taken_up="yes")
        referral(north, conciliator, date(2026, 2, 12), field=f2, stage="field",
                 taken_up="yes")
        referral(south, conciliator, date(2026, 1, 20), case=s, taken_up="yes")
        referral(north, conciliator, date(2025, 12, 15), case=d, taken_up="yes")  # before

        answer(a, "Dupont", date(2026, 2, 20), useful=4, satisfied=3, recommend=2)
        answer(a, "Benali", date(2026, 2, 20), useful=2)
        answer(a, None, date(2026, 2, 25), effect=3)
        answer(b, "Roux", date(2026, 3, 5), useful=3, satisfied=4, recommend=4)
        answer(c, None, date(2026, 3, 2), effect=1)
        answer(s, "Sudre", date(2026, 2, 15), useful=1)
        answer(a, "Dupont", date(2025, 12, 1), useful=1)  # before the quarter
    return org


def board(app, team_ids, period=QUARTER, language="en"):
    with app.test_request_context(headers={"Accept-Language": language}):
        return figures.dashboard(team_ids, period)


def lines(breakdown, *attributes):
    return {line.label: tuple(getattr(line, a) for a in attributes) for line in breakdown}


def test_interventions_in_cases_and_in_the_field(app, world):
    iv = board(app, [world["north"].id]).interventions
    t = iv.total
    assert (t.case, t.field, t.total, t.case_people, t.field_people, t.minutes) == \
        (5, 14, 19, 3, 37, 410)
    assert [line.label for line in iv.by_kind] == [
        "Phone call", "Home visit", "Office meeting", "Presence round", "Workshop"]
    assert lines(iv.by_kind, "case", "field", "people") == {
        "Phone call": (3, 0, 2), "Home visit": (1, 0, 2), "Office meeting": (1, 0, 0),
        "Presence round": (0, 13, 12), "Workshop": (0, 1, 25)}
    assert lines(iv.by_team, "case", "field", "people") == {"Nord": (5, 14, 40)}
    assert lines(iv.by_territory, "case", "field", "case_people", "field_people") == {
        "Mermoz": (3, 13, 2, 12), "No territory given": (2, 1, 1, 25)}
    assert [line.label for line in iv.by_territory][-1] == "No territory given"
    # Two mediators on one contact or one round: it counts once for each.
    assert lines(iv.by_mediator, "case", "field", "case_people", "field_people") == {
        "Mona Mediator": (4, 13, 3, 12), "Nina Nord": (2, 13, 2, 37)}
    # The contact at 00:30 on 1 February in Lyon is February's, not January's.
    assert iv.unit == "month"
    assert [(line.label, line.case, line.field) for line in iv.by_month] == [
        ("January 2026", 3, 12), ("February 2026", 1, 1), ("March 2026", 1, 1)]


def test_cases_received_and_the_open_caseload(app, world):
    result = board(app, [world["north"].id])
    received = result.received
    assert received.total == 4
    assert lines(received.by_source, "count") == {"Resident": (3,), "Social landlord": (1,)}
    assert [line.label for line in received.by_source] == ["Resident", "Social landlord"]
    assert lines(received.by_category, "count", "share") == {
        "Noise": (3, 0.75), "Animals": (2, 0.5)}
    assert lines(received.by_territory, "count") == {"Mermoz": (2,),
                                                     "No territory given": (2,)}
    assert lines(received.by_team, "count") == {"Nord": (4,)}
    # Today is 10 March 2026: received 1 March, 1 December and 1 June 2025.
    caseload = result.caseload
    assert caseload.open == 3
    assert [(line.key, line.count) for line in caseload.by_age] == [
        ("under_1", 1), ("1_to_3", 0), ("3_to_6", 1), ("over_6", 1)]
    assert lines(caseload.by_team, "count") == {"Nord": (3,)}


def test_outcomes_of_the_cases_closed(app, world):
    outcomes = board(app, [world["north"].id]).outcomes
    assert (outcomes.closed, outcomes.agreements, outcomes.respected) == (3, 2, 1)
    assert outcomes.agreement_share == pytest.approx(2 / 3)
    assert outcomes.respected_share == 0.5
    shown = {line.key: (line.count, line.share) for line in outcomes.by_outcome if line.count}
    assert shown == {"agreement_respected": (1, pytest.approx(1 / 3)),
                     "agreement_breached": (1, pytest.approx(1 / 3)),
                     "no_agreement": (1, pytest.approx(1 / 3))}


def test_delays_median_and_90th_percentile(app, world):
    delays = {d.key: (d.cases, d.median, d.p90) for d in board(app, [world["north"].id]).delays}
    # First contacts in the quarter: 1, 7 and 3 days (the case received 29 January, first
    # called at 00:30 on 1 February in Lyon: 3 days, not 2); the December one is not.
    assert delays["first_contact"] == (3, 3.0, 7)
    # First round tables held: 36 and 22 days (the second of the same case is not first).
    assert delays["first_round_table"] == (2, 29.0, 36)
    assert delays["closure"] == (3, 46.0, 54)


def test_percentiles_by_nearest_rank(app, org, refs):
    with app.app_context():
        north = db.session.merge(org["north"])
        for days in (5, 1, 9, 3, 7, 2, 10, 4, 8, 6, 11):  # eleven closures: 1 to 11 days
            case(north, date(2026, 1, 1), status="closed", closed=date(2026, 1, 1 + days),
                 parties=("X",))
    delay = board(app, [org["north"].id]).delays[2]
    assert (delay.cases, delay.median, delay.p90) == (11, 6.0, 10)
    with app.app_context():
        case(db.session.merge(org["north"]), date(2026, 1, 1), status="closed",
             closed=date(2026, 1, 13), parties=("Y",))
    delay = board(app, [org["north"].id]).delays[2]
    # Twelve: the median is between the 6th and the 7th; the 90th percentile is the 11th.
    assert (delay.cases, delay.median, delay.p90) == (12, 6.5, 11)


def test_referrals_to_partners_and_their_take_up(app, world):
    referrals = board(app, [world["north"].id]).referrals
    total = referrals.total
    assert (total.count, total.yes, total.no, total.known, total.take_up) == (5, 3, 1, 4, 0.75)
    assert lines(referrals.by_partner, "count", "yes", "no", "take_up") == {
        "CAF du Rhône": (2, 1, 1, 0.5), "Conciliateur de justice": (3, 2, 0, 1.0)}
    assert lines(referrals.by_reason, "count", "known", "take_up") == {
        "Housing": (2, 1, 1.0), "Access to rights": (2, 2, 0.5), "No reason given": (1, 1, 1.0)}
    assert [line.label for line in referrals.by_reason][-1] == "No reason given"
    assert [(line.key, line.count) for line in referrals.by_stage] == [
        ("intake", 1), ("case", 1), ("closure", 1), ("field", 2)]
    assert lines(referrals.by_team, "count") == {"Nord": (5,)}


def test_satisfaction_with_its_response_rates(app, world):
    satisfaction = board(app, [world["north"].id]).satisfaction
    assert [(a.key, a.answers, a.positive) for a in satisfaction.residents] == [
        ("useful", 3, 2), ("satisfied", 2, 2), ("recommend", 2, 1)]
    assert satisfaction.residents[0].share == pytest.approx(2 / 3)
    partners = satisfaction.partners
    assert (partners.answers, partners.positive, partners.share) == (2, 1, 0.5)
    # Three residents answered of the five parties of the three cases closed; both closed
    # cases a partner referred had the partner's answer.
    assert (satisfaction.respondents, satisfaction.parties_of_closed) == (3, 5)
    assert satisfaction.resident_rate == 0.6
    assert (satisfaction.partner_answers, satisfaction.closed_with_referrer) == (2, 2)
    assert satisfaction.partner_rate == 1.0


def test_workload_per_mediator(app, world):
    workload = board(app, [world["north"].id]).workload
    assert [(w.label, w.open_lead, w.open_co, w.case_interventions, w.field_interventions,
             w.round_tables) for w in workload] == [
        ("Mona Mediator", 2, 0, 4, 13, 3), ("Nina Nord", 0, 1, 2, 13, 1)]


def test_both_teams_or_one(app, world):
    both = board(app, [world["north"].id, world["south"].id])
    assert (both.interventions.total.case, both.interventions.total.field) == (6, 19)
    assert both.received.total == 6 and both.caseload.open == 4
    assert both.referrals.total.count == 6 and both.outcomes.closed == 4
    assert lines(both.interventions.by_team, "case", "field") == {
        "Nord": (5, 14), "Sud": (1, 5)}
    south = board(app, [world["south"].id])
    assert south.interventions.total.total == 6
    assert [(w.label, w.open_lead, w.interventions) for w in south.workload] == [
        ("Sam South", 1, 6)]
    assert south.satisfaction.residents[0].answers == 1


def test_the_query_count_does_not_grow_with_the_rows(app, world, count_queries):
    with count_queries() as few:
        board(app, [world["north"].id])
    with app.app_context():
        north = db.session.merge(world["north"])
        mona = db.session.get(User, world["mediator"].id)
        kind = factories.reference("activity", "presence")
        partner = factories.partner("Maison de la justice")
        for number in range(6):
            item = case(north, date(2026, 2, 1), status="closed", outcome="no_agreement",
                        closed=date(2026, 3, 1), lead=mona, parties=(f"P{number}", "Q"),
                        territory=factories.reference("territory", f"t{number}", f"T{number}",
                                                      f"T{number}"))
            contact(item, [mona], at(date(2026, 2, 2 + number)), met=(f"P{number}",))
            held(item, [mona], at(date(2026, 2, 10 + number)))
            referral(north, partner, date(2026, 2, 3), case=item, taken_up="no",
                     reason=factories.reference("referral_reason", f"r{number}", f"R{number}",
                                                f"R{number}"))
            answer(item, f"P{number}", date(2026, 3, 1), useful=4)
            activity(north, kind, at(date(2026, 2, 3 + number)), [mona], people=number + 1)
    with count_queries() as many:
        result = board(app, [world["north"].id])
    assert result.outcomes.closed == 9 and len(result.referrals.by_reason) == 9
    assert many.count == few.count


def test_small_cells_for_what_leaves_the_association():
    assert [figures.small_cell(n) for n in (0, 1, 4, 5, 120)] == [0, "< 5", "< 5", 5, 120]


def test_the_page_shows_the_figures_and_their_tables(client, world):
    client.login("marc.manager")
    page = client.get("/reports/", query_string=QUERY,
                      headers={"Accept-Language": "en"}).text
    for caption in ("Interventions by month", "Interventions by kind",
                    "Interventions by mediator", "Cases received by source",
                    "Outcomes of the cases closed", "Delays, in days",
                    "Referrals to partners by reason", "Survey answers",
                    "Workload per mediator"):
        assert f'<caption class="visually-hidden">{caption}</caption>' in page
    assert 'src="/reports/charts/interventions-by-month.svg?start=2026-01-01' in page
    assert 'alt="Bar chart of the interventions' in page
    assert "Presence round" in page and "Nina Nord" in page and "75%" in page
    # The portrait's shares, each with its number of answers and response rate.
    assert "2 answers · response rate 100%" in page and "3 answers · response rate 60%" in page
    # No resident is named, nor the other team's mediator.
    for name in ("Dupont", "Benali", "Roux", "Sudre", "Sam South"):
        assert name not in page


@pytest.mark.parametrize("chart", sorted(["interventions-by-month", "outcomes", "delays",
                                          "referrals-by-reason"]))
def test_the_charts_are_svg_images(client, world, chart):
    client.login("marc.manager")
    response = client.get(f"/reports/charts/{chart}.svg", query_string=QUERY)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert ElementTree.fromstring(response.data).tag == "{http://www.w3.org/2000/svg}svg"


def test_an_unknown_chart_or_a_bad_period_is_not_found(client, world):
    client.login("marc.manager")
    assert client.get("/reports/charts/secrets.svg", query_string=QUERY).status_code == 404
    assert client.get("/reports/charts/delays.svg",
                      query_string={"start": "2026-03-01", "end": "2026-01-01"}
                      ).status_code == 404


def test_charts_also_as_png_for_the_annual_report(app, world):
    result = board(app, [world["north"].id])
    with app.test_request_context():
        for image in (charts.interventions_by_month(result.interventions.by_month, "png"),
                      charts.outcome_shares(result.outcomes, "png"),
                      charts.delays(result.delays, "png"),
                      charts.referrals_by_reason(result.referrals.by_reason, "png")):
            assert image.startswith(b"\x89PNG")


@pytest.mark.parametrize("args, message", [
    ({"start": "2026-03-01", "end": "2026-01-01"}, "The end of the period comes before"),
    ({"start": "2010-01-01", "end": "2025-12-31"}, "A period is at most 10 years long."),
    ({"start": "2016-06-15", "end": "2026-06-15"}, "A period is at most 10 years long."),
    ({"start": "someday", "end": "2026-01-01"}, "Enter a valid date."),
])
def test_bad_periods_are_told_next_to_the_field(client, world, args, message):
    client.login("marc.manager")
    response = client.get("/reports/", query_string=args, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in response.text and "Survey answers" not in response.text


@pytest.mark.parametrize("start, end", [("2017-01-01", "2026-12-31"),
                                        ("2016-06-15", "2026-06-14")])
def test_a_ten_year_period_is_accepted(client, world, start, end):
    client.login("marc.manager")
    page = client.get("/reports/", query_string={"start": start, "end": end},
                      headers={"Accept-Language": "en"}).text
    assert "Survey answers" in page and "Interventions by year" in page


def test_managers_see_only_their_teams(client, world):
    client.login("marc.manager")
    south = world["south"].id
    page = client.get("/reports/", query_string={**QUERY, "team": south},
                      headers={"Accept-Language": "en"}).text
    assert "Sam South" not in page  # an old bookmark: all my teams, which is the north
    client.logout()
    client.login("mia.multi")
    page = client.get("/reports/", query_string={**QUERY, "team": south},
                      headers={"Accept-Language": "en"}).text
    assert "Sam South" in page and "Nina Nord" not in page


@pytest.mark.parametrize("username", ["mona.mediator", "alice.admin"])
def test_mediators_and_administrators_may_not(client, world, username):
    client.login(username)
    assert client.get("/reports/", query_string=QUERY).status_code == 403
    assert client.get("/reports/charts/delays.svg", query_string=QUERY).status_code == 403


def test_a_phone_gets_narrower_charts(client, world):
    client.login("marc.manager")
    page = client.get("/reports/", query_string=QUERY).text
    assert 'media="(max-width: 575.98px)"' in page and "size=narrow" in page
    wide = client.get("/reports/charts/interventions-by-month.svg", query_string=QUERY)
    narrow = client.get("/reports/charts/interventions-by-month.svg",
                        query_string={**QUERY, "size": "narrow"})
    width = [float(ElementTree.fromstring(r.data).get("width").rstrip("pt"))
             for r in (wide, narrow)]
    assert width[1] < width[0]


def test_charts_are_drawn_outside_the_app_process():
    """matplotlib (about 55 MB) is loaded by the chart process only: an app worker that
    served charts stays light. Run in a fresh interpreter, where nothing else loaded it."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from casework import create_app\n"
        "from casework.reports import charts\n"
        "from casework.reports.dashboard import InterventionLine\n"
        "app = create_app({'TESTING': True, 'SECRET_KEY': 'x',\n"
        "                  'DATABASE_URL': 'sqlite://'})\n"
        "with app.test_request_context():\n"
        "    svg = charts.interventions_by_month([InterventionLine('m', 'mars', 3, 4)])\n"
        "    png = charts.delays([], fmt='png')\n"
        "assert svg.lstrip().startswith(b'<?xml') and png.startswith(b'\\x89PNG'), svg[:40]\n"
        "print('matplotlib' in sys.modules, 'numpy' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "False"]
