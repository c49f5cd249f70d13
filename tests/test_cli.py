"""The commands: create-user for the first admin, demo-data."""
import pytest
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from casework.auth.models import Team, User
from casework.demo import DEMO_PASSWORD, STAFF, TEAMS
from casework.extensions import db
from casework.core import clock

from .conftest import build_app, is_postgres


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, scratch_schema):
    """An app over a database of its own where ``demo-data`` ran once (it takes seconds):
    the demo tests read it, run the command again and check nothing is duplicated."""
    url = scratch_schema("cw_demo") if is_postgres() else \
        "sqlite:///" + str(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    app = build_app(url)
    with app.app_context():
        db.create_all()
    app.first_run = app.test_cli_runner().invoke(args=["demo-data"])
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def counts(app):
    with app.app_context():
        return (db.session.execute(select(func.count(User.id))).scalar_one(),
                db.session.execute(select(func.count(Team.id))).scalar_one())


def test_create_user_makes_the_first_admin(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "chief", "--full-name", "Chef de service", "--email", "chef@example.org",
        "--password", "a strong first password"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    client.login("chief", "a strong first password")
    assert client.get("/admin/users").status_code == 200


def test_create_user_prompts_for_the_password_twice(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "chief", "--full-name", "Chef", "--email", "c@example.org"],
        input="a strong first password\na strong first password\n")
    assert result.exit_code == 0, result.output
    assert "a strong first password" not in result.output


def test_create_user_refuses_a_short_password_and_a_taken_name(app, org):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "chief", "--full-name", "C", "--email",
                                 "c@example.org", "--password", "short"])
    assert result.exit_code != 0 and "at least 12" in result.output
    result = runner.invoke(args=["create-user", "alice.admin", "--full-name", "C", "--email",
                                 "c2@example.org", "--password", "long enough password"])
    assert result.exit_code != 0 and "already used" in result.output
    assert counts(app)[0] == 4


def test_create_user_with_team_and_role(app, org):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "nouvelle", "--full-name", "Nouvelle Médiatrice", "--email",
        "n@example.org", "--password", "long enough password", "--role", "mediator",
        "--team", "Nord"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username="nouvelle")).scalar_one()
        assert user.roles == {"mediator"} and [t.name for t in user.teams] == ["Nord"]


def table_counts(app):
    """How many rows each table of the demo holds."""
    with app.app_context():
        return {name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in db.metadata.tables.items()}


def test_demo_data_loads_the_organisation_once(demo_app):
    app = demo_app
    runner = app.test_cli_runner()
    result = app.first_run
    assert result.exit_code == 0, result.output
    assert "casework-demo" in result.output
    assert counts(app) == (len(STAFF), len(TEAMS))
    before = table_counts(app)
    assert before["field_activities"] > 4000 and before["partner_referrals"] > 1400
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    assert runner.invoke(args=["demo-data", "--if-empty"]).exit_code == 0
    assert table_counts(app) == before
    assert len(TEAMS) == 6 and sum(1 for s in STAFF if s[2] == ["manager"]) == 3
    assert sum(1 for s in STAFF if s[2] == ["mediator"]) == 8


def test_demo_logins_work_and_see_their_pages(demo_app):
    app = demo_app
    client = app.test_client()
    client.login("admin", DEMO_PASSWORD)
    assert client.get("/admin/users").status_code == 200
    client.logout()
    client.login("manager", DEMO_PASSWORD)
    client.logout()
    client.login("mediator", DEMO_PASSWORD)
    assert client.get("/admin/users").status_code == 403
    with app.app_context():
        manager = db.session.execute(select(User).filter_by(username="manager")).scalar_one()
        mediator = db.session.execute(select(User).filter_by(username="mediator")).scalar_one()
        assert manager.team_ids & mediator.team_ids


def test_demo_data_if_empty_leaves_a_used_database_alone(app, org):
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert "not loaded again" in result.output
    assert counts(app) == (4, 2)


def test_demo_cases_cover_every_status_in_the_demo_users_team(demo_app):
    from casework.cases import workflow
    from casework.cases.models import Case

    app = demo_app
    with app.app_context():
        mediator = db.session.execute(select(User).filter_by(username="mediator")).scalar_one()
        manager = db.session.execute(select(User).filter_by(username="manager")).scalar_one()
        shared = manager.team_ids & mediator.team_ids
        cases = db.session.execute(select(Case).where(Case.team_id.in_(shared))).scalars().all()
        assert {c.status for c in cases} == set(workflow.STATUSES)
        assert sum(1 for c in cases if c.lead_mediator_id == mediator.id) >= 2
        every = db.session.execute(select(Case).options(
            selectinload(Case.parties), selectinload(Case.events))).scalars().all()
        assert {c.city for c in every} == {"Lyon", "Saint-Étienne"}
        addresses = [c.address_key for c in every]
        assert len(set(addresses)) < len(addresses)  # several cases at the same address
        assert all(len(c.parties) == 2 and c.events for c in every)
    count = len(every)
    app.test_cli_runner().invoke(args=["demo-data"])
    with app.app_context():
        assert db.session.execute(select(func.count(Case.id))).scalar_one() == count


# — The demo's past year ————————————————————————————————————————————————————————

LAST_YEAR = (date(2025, 1, 1), date(2025, 12, 31))  # the clock is frozen in March 2026


def scalar(statement):
    return db.session.execute(statement).scalar_one()


def test_demo_year_has_the_yearly_portraits_orders_of_magnitude(demo_app):
    """The year before the demo's today looks like the association's yearly portrait:
    about 34,000 interventions, 1,600 referrals, 87 % of residents finding it useful."""
    from casework.activity.models import FieldActivity
    from casework.cases.models import Case, PartnerReferral, SatisfactionAnswer
    from casework.core.clock import local_zone
    from casework.meetings.models import Intervention, RoundTable
    from casework.reference.models import ReferenceItem
    from casework.reports.periods import year

    first, last = LAST_YEAR
    with demo_app.app_context():
        start, end = year(2025).bounds(local_zone())
        field = db.session.execute(
            select(ReferenceItem.code, FieldActivity.mode, func.count(FieldActivity.id),
                   func.sum(FieldActivity.interventions), func.min(FieldActivity.people_met),
                   func.max(FieldActivity.people_met))
            .join(ReferenceItem, ReferenceItem.id == FieldActivity.kind_id)
            .where(FieldActivity.at >= start, FieldActivity.at < end)
            .group_by(ReferenceItem.code, FieldActivity.mode)).all()
        by_kind = {code: (mode, n, total, low, high) for code, mode, n, total, low, high
                   in field}
        case_interventions = scalar(select(func.count(Intervention.id)).where(
            Intervention.at >= start, Intervention.at < end))
        interventions = sum(total for _m, _n, total, _l, _h in by_kind.values()) \
            + case_interventions
        assert 30_000 <= interventions <= 40_000
        assert 3_000 <= case_interventions <= 8_000
        assert set(by_kind) == {"presence_round", "phone_campaign", "reception_presence",
                                "school_action", "school_workshop", "technical_watch",
                                "partner_meeting"}
        mode, n, total, low, high = by_kind["school_workshop"]
        assert mode == "collective" and total == n and 15 <= low <= high <= 30
        assert by_kind["presence_round"][2] > by_kind["presence_round"][1]  # contacts
        teams = db.session.execute(select(func.count(func.distinct(FieldActivity.team_id)))
                                   .where(FieldActivity.at >= start,
                                          FieldActivity.at < end)).scalar_one()
        assert teams == len(TEAMS)

        referrals = db.session.execute(
            select(PartnerReferral.stage, PartnerReferral.taken_up, func.count())
            .where(PartnerReferral.referred_on.between(first, last))
            .group_by(PartnerReferral.stage, PartnerReferral.taken_up)).all()
        assert 1_400 <= sum(n for _s, _t, n in referrals) <= 1_800
        assert {s for s, _t, _n in referrals} == {"intake", "case", "closure", "field"}
        assert {t for _s, t, _n in referrals} == {"yes", "no", "unknown"}
        assert scalar(select(func.count()).where(PartnerReferral.reason_id.is_(None))) == 0

        answered = and_(SatisfactionAnswer.answered_on.between(first, last))
        useful, useful_yes, residents, unanswered = db.session.execute(
            select(func.count(SatisfactionAnswer.useful),
                   func.count(SatisfactionAnswer.useful).filter(SatisfactionAnswer.useful >= 3),
                   func.count(), func.count().filter(SatisfactionAnswer.satisfied.is_(None)))
            .where(answered, SatisfactionAnswer.party_id.is_not(None))).one()
        assert 84 <= 100 * useful_yes / useful <= 90 and useful > 300
        assert useful < residents and unanswered > 0  # some questions left empty
        effect, effect_yes = db.session.execute(
            select(func.count(SatisfactionAnswer.effect),
                   func.count(SatisfactionAnswer.effect).filter(SatisfactionAnswer.effect >= 3))
            .where(answered, SatisfactionAnswer.party_id.is_(None))).one()
        assert 75 <= 100 * effect_yes / effect <= 85 and effect > 80

        outcomes = dict(db.session.execute(
            select(Case.outcome, func.count()).where(Case.closed_on.between(first, last))
            .group_by(Case.outcome)).all())
        assert 800 <= sum(outcomes.values()) <= 1_500 and len(outcomes) == 9
        assert outcomes["agreement_respected"] > outcomes["agreement_breached"] > 0
        held = scalar(select(func.count(RoundTable.id)).where(
            RoundTable.status == "held", RoundTable.starts_at >= start,
            RoundTable.starts_at < end))
        assert 200 <= held <= 600
        received = scalar(select(func.count(Case.id)).where(
            Case.received_on.between(first, last)))
        assert 1_000 <= received <= 1_300


def test_demo_year_rows_belong_to_existing_teams_and_their_mediators(demo_app):
    from casework.activity.models import FieldActivity, field_activity_mediators
    from casework.auth.models import user_teams
    from casework.cases.models import Case, PartnerReferral
    from casework.meetings.models import Intervention, intervention_mediators

    def outside_team(link, user_column, team_column, *joins):
        statement = select(func.count()).select_from(link)
        for target, on in joins:
            statement = statement.join(target, on)
        member = select(user_teams.c.user_id).where(user_teams.c.user_id == user_column,
                                                    user_teams.c.team_id == team_column)
        return scalar(statement.where(~member.exists()))

    with demo_app.app_context():
        assert outside_team(field_activity_mediators, field_activity_mediators.c.user_id,
                            FieldActivity.team_id,
                            (FieldActivity, FieldActivity.id ==
                             field_activity_mediators.c.field_activity_id)) == 0
        assert outside_team(intervention_mediators, intervention_mediators.c.user_id,
                            Case.team_id,
                            (Intervention, Intervention.id ==
                             intervention_mediators.c.intervention_id),
                            (Case, Case.id == Intervention.case_id)) == 0
        assert outside_team(Case, Case.lead_mediator_id, Case.team_id) == scalar(
            select(func.count(Case.id)).where(Case.lead_mediator_id.is_(None)))
        assert outside_team(PartnerReferral, PartnerReferral.made_by_id,
                            PartnerReferral.team_id) == 0
        # A case's referral counts for the case's team.
        assert scalar(select(func.count(PartnerReferral.id))
                      .join(Case, Case.id == PartnerReferral.case_id)
                      .where(Case.team_id != PartnerReferral.team_id)) == 0
        assert scalar(select(func.count(FieldActivity.id)).where(
            FieldActivity.team_id.not_in(select(Team.id)))) == 0


def test_no_case_intervention_outside_the_cases_life(demo_app):
    from casework.cases.models import Case, TimelineEvent
    from casework.core.clock import to_local, today
    from casework.meetings.models import Intervention

    with demo_app.app_context():
        rows = db.session.execute(select(Intervention.at, Case.received_on, Case.closed_on)
                                  .join(Case, Case.id == Intervention.case_id)).all()
        assert len(rows) > 5000
        now = today()
        outside = [row for row in rows if not (
            row.received_on <= to_local(row.at).date() <= (row.closed_on or now))]
        assert outside == []
        # Each case's timeline starts with its creation, and a closed case says when.
        kinds = {(case_id, kind) for case_id, kind in db.session.execute(
            select(TimelineEvent.case_id, TimelineEvent.kind)
            .where(TimelineEvent.kind.in_(("created", "closed"))))}
        for case_id, status in db.session.execute(select(Case.id, Case.status)):
            assert (case_id, "created") in kinds
            assert (status == "closed") == ((case_id, "closed") in kinds), case_id


def test_demo_data_adds_plain_cases_for_benchmarks(demo_app):
    """Last of the demo tests: it adds 120 plain cases to the demo."""
    from casework.cases.models import Case

    app = demo_app
    with app.app_context():
        before = db.session.execute(select(func.count(Case.id))).scalar_one()
    result = app.test_cli_runner().invoke(args=["demo-data", "--cases", "120"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        references = db.session.execute(select(Case.reference)).scalars().all()
        assert len(references) == len(set(references)) == before + 120
    client = app.test_client()
    client.login("manager", DEMO_PASSWORD)
    assert client.submit("/cases/", {"q": "lyon"}, follow_redirects=True).status_code == 200


def test_the_director_sees_the_demo_year_in_the_portraits_shape(demo_app):
    """The six teams' director: last year's dashboard and annual report carry the yearly
    portrait's orders of magnitude."""
    import io
    import re

    from docx import Document

    client = demo_app.test_client()
    client.login("director", DEMO_PASSWORD)
    last = clock.today().year - 1
    page = client.get(f"/reports/?start={last}-01-01&end={last}-12-31")
    assert page.status_code == 200
    report = client.get(f"/reports/annual/{last}.docx")
    assert report.status_code == 200
    document = Document(io.BytesIO(report.data))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows
                      for cell in row.cells)

    def figure(words):
        found = re.search(r"(\d[\d\u202f\u00a0]*)\s*" + words, text)
        assert found, words
        return int(re.sub(r"\D", "", found.group(1)))

    assert 30_000 <= figure("interventions? de médiation sociale") <= 40_000
    assert 1_400 <= figure("mises? en relation") <= 1_800
    assert len(document.inline_shapes) >= 4    # the charts, as images
    assert 80 <= figure("% des habitants estiment que la médiation sociale est utile") <= 95
