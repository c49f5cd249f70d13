"""Test fixtures: one app for the whole run, over a database emptied after each test, and
a client that fills forms.

Building the app (and compiling its templates) costs about half a second, so every test
gets the same one; after each test its tables are emptied, its config put back as it was,
and the failed-login counts forgotten. A test that must change the app itself (add a
route…) builds one of its own with ``new_app()``.

The database is chosen by CASEWORK_DATABASE_URL: unset, a temporary SQLite file; a
PostgreSQL URL, a schema of its own in that database, dropped at the end.
"""
import copy
import os
import re
import tempfile
from datetime import datetime, timezone

import pytest
from flask import globals as flask_globals
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url

# Tests never read the developer's instance/config.py (it may point at a real database).
os.environ["CASEWORK_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="casework-test-instance-")

from casework import create_app  # noqa: E402
from casework.core import clock  # noqa: E402
from casework.extensions import db, limiter  # noqa: E402

from . import factories  # noqa: E402

# Every test runs at the same moment, whatever the day it runs: Tuesday 10 March 2026,
# 10:00 UTC (11:00 in Paris, before summer time). Module constants of the tests
# (NEXT_WEEK…) are computed after this line, so they see it too.
FROZEN_NOW = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc)
clock.freeze(FROZEN_NOW)

EXTERNAL_URL = os.environ.get("CASEWORK_DATABASE_URL")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Every test app: a cheap password hash (logins would otherwise cost a scrypt each).
TEST_SETTINGS = {"TESTING": True, "RATELIMIT_STORAGE_URI": "memory://",
                 "PASSWORD_HASH_METHOD": factories.PASSWORD_HASH_METHOD}


def is_postgres() -> bool:
    return bool(EXTERNAL_URL) and EXTERNAL_URL.startswith("postgresql")


def pytest_report_header(config):
    return "database: " + ("PostgreSQL" if is_postgres() else "SQLite (temporary file)")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs CASEWORK_DATABASE_URL pointing at PostgreSQL")
    for item in items:
        if "postgres_only" in item.keywords and not is_postgres():
            item.add_marker(skip)


def url_with_schema(url: str, schema: str) -> str:
    """The same PostgreSQL database, with ``schema`` first on the search path."""
    return make_url(url).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def trigram_schema(connection) -> str:
    """The schema of the pg_trgm extension (the search's index), made if missing. Made in
    pg_catalog, which every search path sees, it outlives the scratch schemas (a
    database has one copy of an extension; created in a scratch schema, it would go
    with it)."""
    found = connection.execute(text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension "
        "WHERE extname = 'pg_trgm'")).scalar()
    if found is None:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA pg_catalog"))
        found = "pg_catalog"
    return found


@pytest.fixture(scope="session")
def scratch_schema():
    """Make (and at the end drop) PostgreSQL schemas of this test run's own."""
    made = []
    engine = create_engine(EXTERNAL_URL) if is_postgres() else None

    def make(name):
        schema = f"{name}_{os.getpid()}"
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            extensions = trigram_schema(connection)
        made.append(schema)
        path = schema if extensions == "pg_catalog" else f"{schema},{extensions}"
        return url_with_schema(EXTERNAL_URL, path)

    yield make
    if engine is not None:
        with engine.begin() as connection:
            for schema in made:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, scratch_schema):
    if is_postgres():
        url = scratch_schema("cw_test")
    elif EXTERNAL_URL:
        url = EXTERNAL_URL
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "casework-test.sqlite")
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


class Client(FlaskClient):
    """A test client that, like a browser, takes the CSRF token from the page it posts."""

    def csrf_token(self, page="/login") -> str:
        response = self.get(page, follow_redirects=True)
        match = CSRF_RE.search(response.get_data(as_text=True))
        assert match, f"no CSRF token on {page} ({response.status_code})"
        return match.group(1)

    def submit(self, url, data=None, page=None, **kwargs):
        """POST ``data`` to ``url`` with the token of ``page`` (``url`` itself by default)."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(page or url))
        return self.post(url, data=data, **kwargs)

    def login(self, username, password=factories.PASSWORD):
        response = self.submit("/login", {"username": username, "password": password})
        assert response.status_code == 302, f"login of {username} failed"
        return response

    def logout(self):
        return self.submit("/logout", page="/")


def build_app(database_url, **settings):
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, **settings})
    app.test_client_class = Client
    with app.app_context():
        # A throwaway database: no need to wait for the disk at each commit.
        no_fsync = _no_fsync.get(db.engine.dialect.name)
        if no_fsync:
            event.listen(db.engine, "connect", no_fsync)
    return app


def _sqlite_no_fsync(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


def _postgresql_no_fsync(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO OFF")
    cursor.close()
    dbapi_connection.commit()


_no_fsync = {"sqlite": _sqlite_no_fsync, "postgresql": _postgresql_no_fsync}


@pytest.fixture(scope="session")
def shared_app(database_url):
    """The app every test shares (see ``app``)."""
    app = build_app(database_url)
    app._limiter_storage = limiter.storage
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(shared_app):
    """The app, as fresh as a new one: after each test, its tables are emptied, its config
    restored and the failed-login counts reset. No app context stays pushed: each request
    gets its own, as in production (wrap direct database access in
    ``with app.app_context():``)."""
    app = shared_app
    config = copy.deepcopy(dict(app.config))
    reset_limiter(app)
    try:
        yield app
    finally:
        pop_leftover_contexts()
        app.config.clear()
        app.config.update(config)
        app.test_client_class = Client
        with app.app_context():
            db.session.remove()
            empty_all_tables()
        reset_limiter(app)


@pytest.fixture
def new_app(database_url):
    """``new_app(**settings)``: an app of the test's own, over the same database, for a test
    that changes the app itself (a route added…), which the shared one must not see."""
    made = []

    def build(**settings):
        made.append(build_app(database_url, **settings))
        return made[-1]

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


def reset_limiter(app):
    """Forget the failed-login counts. The limiter is one object for every app: a test that
    built its own app (another storage, Redis…) left it bound there; bind it back."""
    if getattr(app, "_limiter_storage", None) is not limiter.storage:
        limiter.init_app(app)
        app._limiter_storage = limiter.storage
    limiter.reset()


def pop_leftover_contexts():
    """A test that pushed an app or request context and failed before popping it must not
    hand it (and its database session) to the next test."""
    while flask_globals._cv_request.get(None) is not None:
        flask_globals._cv_request.get().pop()
    while flask_globals._cv_app.get(None) is not None:
        flask_globals._cv_app.get().pop()


def empty_all_tables():
    """Empty every table and restart its ids at 1, as a new database would."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # As TRUNCATE … RESTART IDENTITY, but DELETE of a few rows is far quicker than
            # TRUNCATE (which makes new files for every table) after each test.
            statements = ACCESS_LOG_PURGE + [f'DELETE FROM "{table.name}"'
                                             for table in reversed(db.metadata.sorted_tables)]
            sequences = _sequences(connection)
            if sequences:
                statements.append("SELECT " + ", ".join(
                    f"setval('{name}', 1, false)" for name in sequences))
            connection.exec_driver_sql("; ".join(statements))
        else:
            for statement in ACCESS_LOG_PURGE:
                connection.exec_driver_sql(statement)
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


# The access log refuses deletions (a trigger) but through a purge permit (audit.models).
ACCESS_LOG_PURGE = ["INSERT INTO access_log_purges (up_to_id) VALUES (2147483647)",
                    "DELETE FROM access_log"]


_SEQUENCES = {}


def _sequences(connection):
    """The id sequences of the PostgreSQL schema the tests use (they do not change)."""
    url = str(connection.engine.url)
    if url not in _SEQUENCES:
        _SEQUENCES[url] = connection.execute(text(
            "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
            "FROM information_schema.sequences WHERE sequence_schema = current_schema()"
        )).scalars().all()
    return _SEQUENCES[url]


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


class Make:
    """``make.user(...)``, ``make.team(...)``: the factories, each run in its own app context;
    they return detached objects with every attribute loaded."""

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):
        factory = getattr(factories, name)

        def build(*args, **kwargs):
            with self.app.app_context():
                obj = factory(*args, **kwargs)
                for attribute in sa_inspect(obj).mapper.attrs:
                    getattr(obj, attribute.key)
                db.session.expunge_all()
                return obj

        return build


@pytest.fixture
def make(app):
    return Make(app)


@pytest.fixture
def org(make):
    """A small organisation: two teams, an admin, a manager and a mediator in each team."""
    north, south = make.team("Nord"), make.team("Sud")
    return {
        "north": north,
        "south": south,
        "admin": make.user("alice.admin", roles=["admin"]),
        "manager": make.user("marc.manager", roles=["manager"], teams=[north]),
        "mediator": make.user("mona.mediator", roles=["mediator"], teams=[north]),
        "south_mediator": make.user("sam.south", roles=["mediator"], teams=[south]),
    }


@pytest.fixture
def refs(make):
    """The reference lists a referral needs: sources, categories, a territory, a partner."""
    return {
        "resident": make.reference("source", "resident", "Habitant", "Resident"),
        "landlord": make.reference("source", "social_landlord", "Bailleur social",
                                   "Social landlord", position=1),
        "noise": make.reference("category", "noise", "Bruit", "Noise"),
        "animals": make.reference("category", "animals", "Animaux", "Animals", position=1),
        "mermoz": make.reference("territory", "lyon8_mermoz", "Mermoz", "Mermoz",
                                 city="Lyon"),
        "conciliator": make.partner("Conciliateur de justice"),
    }


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: …`` then ``counter.count`` SQL statements."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
