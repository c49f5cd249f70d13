"""Outside tests, the schema is made only by the Alembic migrations: they must give exactly
the models' schema, on SQLite and on PostgreSQL."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from casework import create_app
from casework.cases.models import compared_with_models
from casework.extensions import db

from .conftest import is_postgres


def migrated_app(tmp_path, scratch_schema):
    url = scratch_schema("cw_migrations") if is_postgres() else \
        f"sqlite:///{tmp_path}/migrated.sqlite"
    return create_app({"TESTING": True, "DATABASE_URL": url})


def differences(app):
    with app.app_context():
        with db.engine.connect() as connection:
            dialect = connection.dialect.name
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_object": lambda *args: compared_with_models(dialect, *args)})
            return compare_metadata(context, db.metadata)


def test_migrations_give_exactly_the_models_schema(tmp_path, scratch_schema):
    app = migrated_app(tmp_path, scratch_schema)
    with app.app_context():
        upgrade()
    assert differences(app) == []
    with app.app_context():
        db.engine.dispose()


def test_migrations_go_down_and_up_again(tmp_path, scratch_schema):
    app = migrated_app(tmp_path, scratch_schema)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
    assert differences(app) == []
    with app.app_context():
        db.engine.dispose()


def test_every_revision_file_is_named_by_its_number():
    folder = os.path.join(os.path.dirname(__file__), "..", "migrations", "versions")
    for name in os.listdir(folder):
        if name.endswith(".py"):
            assert name[:4].isdigit(), name


def test_upgrading_keeps_the_data(tmp_path, scratch_schema):
    """A migration that rebuilds a table must not lose rows that hang on it (on SQLite,
    dropping a table cascades to the rows that reference it)."""
    from sqlalchemy import text

    app = migrated_app(tmp_path, scratch_schema)
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO teams (id, name, created_at) VALUES (1, 'Nord', '2026-01-01')",
                "INSERT INTO users (id, username, full_name, email, password_hash, active, "
                "language, session_token, created_at) VALUES (1, 'mona', 'Mona', "
                "'mona@example.org', 'x', true, 'fr', 'token', '2026-01-01')",
                "INSERT INTO reference_items (id, kind, code, label_fr, label_en, position, "
                "active, city) VALUES (1, 'source', 'resident', 'Habitant', 'Resident', 0, "
                "true, '')",
                "INSERT INTO cases (id, reference, year, number, status, received_on, "
                "source_id, team_id, street, building, staircase, floor, postcode, city, "
                "address_key, description, urgency, violence_or_threats, legal_proceedings, "
                "eligibility_note, referrer_organisation, referrer_name, referrer_contact, "
                "search_text, created_by_id, created_at, updated_at, version) VALUES "
                "(1, '2026-0001', 2026, 1, 'mediation', '2026-01-02', 1, 1, '1 rue A', '', "
                "'', '', '69008', 'Lyon', 'k', 'd', 'normal', false, false, '', '', '', '', "
                "'', 1, '2026-01-02', '2026-01-02', 1)",
                "INSERT INTO interventions (id, case_id, kind, at, duration_minutes, summary, "
                "notes, created_by_id, created_at) VALUES (1, 1, 'phone', '2026-01-03', 20, "
                "'s', '', 1, '2026-01-03')",
                "INSERT INTO intervention_mediators (intervention_id, user_id) VALUES (1, 1)",
            ):
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT count(*) FROM intervention_mediators")).scalar_one() == 1
            assert connection.execute(text(
                "SELECT version FROM interventions")).scalar_one() == 1
        db.engine.dispose()
