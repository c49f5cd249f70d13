"""Outside tests, the schema is made only by the Alembic migrations: they must give exactly
the models' schema, on SQLite and on PostgreSQL."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from casework import create_app
from casework.extensions import db

from .conftest import is_postgres


def migrated_app(tmp_path, scratch_schema):
    url = scratch_schema("cw_migrations") if is_postgres() else \
        f"sqlite:///{tmp_path}/migrated.sqlite"
    return create_app({"TESTING": True, "DATABASE_URL": url})


def differences(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
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
