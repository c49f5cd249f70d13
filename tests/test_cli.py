"""The commands: create-user for the first admin, demo-data."""
import pytest
from sqlalchemy import func, select

from casework.auth.models import Team, User
from casework.demo import DEMO_PASSWORD, STAFF, TEAMS
from casework.extensions import db

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


def test_demo_data_loads_the_organisation_once(demo_app):
    app = demo_app
    runner = app.test_cli_runner()
    result = app.first_run
    assert result.exit_code == 0, result.output
    assert "casework-demo" in result.output
    assert counts(app) == (len(STAFF), len(TEAMS))
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    assert counts(app) == (len(STAFF), len(TEAMS))
    assert len(TEAMS) == 6 and sum(1 for s in STAFF if s[2] == ["manager"]) == 2
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
        every = db.session.execute(select(Case)).scalars().all()
        assert {c.city for c in every} == {"Lyon", "Saint-Étienne"}
        addresses = [c.address_key for c in every]
        assert len(set(addresses)) < len(addresses)  # several cases at the same address
        assert all(len(c.parties) == 2 and c.events for c in every)
    count = len(every)
    app.test_cli_runner().invoke(args=["demo-data"])
    with app.app_context():
        assert db.session.execute(select(func.count(Case.id))).scalar_one() == count


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
    assert client.get("/cases/?q=lyon").status_code == 200
