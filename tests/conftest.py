"""Test fixtures: a fresh app per test over a clean database, and a client that fills forms.

The database is chosen by CASEWORK_DATABASE_URL: unset, a temporary SQLite file; a
PostgreSQL URL, a schema of its own in that database, dropped at the end.
"""
import os
import re
import tempfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url

# Tests never read the developer's instance/config.py (it may point at a real database).
os.environ["CASEWORK_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="casework-test-instance-")

from casework import create_app  # noqa: E402
from casework.extensions import db  # noqa: E402

from . import factories  # noqa: E402

EXTERNAL_URL = os.environ.get("CASEWORK_DATABASE_URL")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


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
        made.append(schema)
        return url_with_schema(EXTERNAL_URL, schema)

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


@pytest.fixture
def app(database_url):
    """A fresh app. No app context stays pushed: each request gets its own, as in
    production (wrap direct database access in ``with app.app_context():``)."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    app.test_client_class = Client
    yield app
    with app.app_context():
        empty_all_tables()
        db.engine.dispose()


def empty_all_tables():
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            if names:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


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
