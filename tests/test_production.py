"""The README's production set-up, tested: two app servers (gunicorn) on two ports, one
PostgreSQL database, one Redis. A user logs in on one and goes on on the other; failed
logins, the calendar feed's request limit and logging out count on both; a change saved
through one is seen at once through the other; ``/healthz`` fails when the database is gone.

Runs when CASEWORK_DATABASE_URL points at PostgreSQL (CI's PostgreSQL pass) and Redis
answers (CASEWORK_TEST_REDIS_URL, redis://127.0.0.1:6379/5 by default); skipped, with the
reason, otherwise. It makes a database of its own on that server (the servers' and the
test's only), and keys of its own in Redis, and removes both at the end.

Also here: SQLite's part of "sound under load" that a test can check quickly (the busy
timeout); the load itself is benchmarks/writers.py and benchmarks/kill9.sh.
"""
import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casework import create_app
from casework.database import SQLITE_BUSY_TIMEOUT_MS
from casework.extensions import db

from . import factories
from .conftest import EXTERNAL_URL, TEST_SETTINGS, is_postgres
from .test_parties import party_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDIS_URL = os.environ.get("CASEWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
GUNICORN = shutil.which("gunicorn", path=os.path.dirname(sys.executable))

# The benchmark's small browser (cookies by hand, forms filled as a browser would).
_spec = importlib.util.spec_from_file_location("writers", os.path.join(ROOT, "benchmarks",
                                                                       "writers.py"))
writers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(writers)


def _redis_problem():
    try:
        import redis
    except ImportError:
        return "the redis package is not installed (pip install -e '.[dev]')"
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 — any failure means: no Redis to test with
        return f"Redis does not answer at {REDIS_URL} ({type(error).__name__})"
    return None


def _skip_reason():
    if not is_postgres():
        return "needs CASEWORK_DATABASE_URL pointing at PostgreSQL (two servers, one database)"
    if GUNICORN is None:
        return "gunicorn is not installed (pip install -e '.[dev]')"
    return _redis_problem()


def free_ports(count, start=int(os.environ.get("CASEWORK_TEST_PORT_BASE", "6210"))):
    ports = []
    for port in range(start, start + 80):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError("no free port for the app servers")


def serve(port, env, log):
    command = [GUNICORN, "-w", "1", "-k", "gthread", "--threads", "2", "-b",
               f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "2",
               "--log-level", "warning", "casework:create_app()"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def health(port):
    try:
        return writers.Browser("127.0.0.1", port, timeout=5).request("GET", "/healthz")[0]
    except OSError:
        return None


class Person(writers.Browser):
    """Someone at a browser; ``on(port)`` sends the next requests to that server, with the
    same cookies, as a load balancer would."""

    def __init__(self, port):
        super().__init__("127.0.0.1", port, timeout=20)

    def on(self, port):
        self.port = port
        return self

    def get(self, path):
        return self.request("GET", path)

    def submit(self, path, overrides, page=None):
        """Fill the form of ``page`` (``path`` itself by default) as a browser would."""
        status, body, _ = self.get(page or path)
        assert status == 200, f"{page or path} answered {status}"
        form = writers.main_form(body, path)
        assert form is not None, f"no form posting to {path} on {page or path}"
        fields = [f for f in form["fields"] if f[0] not in overrides]
        fields += list(overrides.items())
        return self.request("POST", path, fields)

    def login(self, username, password=factories.PASSWORD):
        return self.submit("/login", {"username": username, "password": password})


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two gunicorn servers, A and B, over one new database and one Redis."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    server_url = make_url(EXTERNAL_URL)
    name = f"casework_production_{os.getpid()}"
    url = server_url.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url})
    with app.app_context():
        db.create_all()
        team = factories.team("Territoires")
        ana = factories.user("ana", teams=[team], full_name="Ana Lopez")
        factories.user("ben", teams=[team], full_name="Ben Okafor")
        factories.user("chloe", teams=[team], full_name="Chloé Petit")
        ana.calendar_token = "feed-" + uuid.uuid4().hex
        db.session.commit()
        case = factories.case(team, lead=ana, status="assigned",
                              parties=[("Anne", "Durand"), ("Paul", "Martin")])
        facts = {"reference": case.reference, "feed": ana.calendar_token}
        db.engine.dispose()

    prefix = f"casework-test-{uuid.uuid4().hex[:12]}"
    instance = tmp_path_factory.mktemp("production-instance")
    env = {**os.environ, "CASEWORK_DATABASE_URL": url, "CASEWORK_SECRET_KEY": "one-secret-" +
           uuid.uuid4().hex, "CASEWORK_SESSION_COOKIE_SECURE": "false",
           "CASEWORK_RATELIMIT_STORAGE_URI": REDIS_URL, "CASEWORK_RATELIMIT_KEY_PREFIX": prefix,
           "CASEWORK_INSTANCE_PATH": str(instance), "CASEWORK_PASSWORD_HASH_METHOD":
           factories.PASSWORD_HASH_METHOD}
    log = open(instance / "gunicorn.log", "wb")
    ports = free_ports(2)
    processes = [serve(port, env, log) for port in ports]
    try:
        deadline = time.monotonic() + 30
        while any(health(port) != 200 for port in ports):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                pytest.fail("the app servers did not start: "
                            + (instance / "gunicorn.log").read_text()[-2000:])
            time.sleep(0.2)
        yield {"a": ports[0], "b": ports[1], "db": name, "admin": admin, **facts}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        keys = list(store.scan_iter(f"*{prefix}*"))
        if keys:
            store.delete(*keys)


def test_logged_in_on_one_server_the_user_goes_on_on_the_other(servers):
    ana = Person(servers["a"])
    status, _, location = ana.login("ana")
    assert status == 302 and "/login" not in location
    status, page, _ = ana.on(servers["b"]).get("/cases/")
    assert status == 200
    assert "Ana Lopez" in page
    assert servers["reference"] in page


def test_a_change_saved_through_one_is_seen_at_once_through_the_other(servers):
    ana = Person(servers["a"])
    ana.login("ana")
    path = f"/cases/{servers['reference']}/edit"
    status, _, _ = ana.submit(path, {"description": "Music every night after 23 h."})
    assert status == 302
    status, page, _ = ana.on(servers["b"]).get(f"/cases/{servers['reference']}")
    assert status == 200
    assert "Music every night after 23 h." in page


def test_failed_logins_on_one_server_are_counted_on_the_other(servers):
    someone = Person(servers["a"])
    for _ in range(5):
        status, page, _ = someone.login("ben", "not his password")
        assert status == 401
    # Even the right password is refused on B now: the failures are shared.
    status, page, _ = someone.on(servers["b"]).login("ben")
    assert status == 429
    assert "Too many failed attempts" in page
    status, _, location = someone.get("/cases/")
    assert status == 302 and "/login" in location


def test_the_calendar_feeds_request_limit_is_shared(servers):
    """60 requests a minute from one address, whichever server answers (Redis)."""
    feed = f"/calendar/{servers['feed']}.ics"
    phone = Person(servers["a"])
    answers = [phone.on(servers["a" if i % 2 else "b"]).get(feed)[0] for i in range(60)]
    assert answers == [200] * 60
    # With a memory store each server would allow 60 of its own: here both refuse.
    assert phone.on(servers["a"]).get(feed)[0] == 429
    assert phone.on(servers["b"]).get(feed)[0] == 429


def test_logging_out_on_one_server_ends_the_session_on_the_other(servers):
    chloe = Person(servers["a"])
    chloe.login("chloe")
    cookie = dict(chloe.cookies)
    assert chloe.on(servers["b"]).get("/cases/")[0] == 200
    status, _, location = chloe.on(servers["a"]).submit("/logout", {}, page="/cases/")
    assert status == 302 and "/login" in location
    # The same cookie, kept by someone (another tab, a copy): B no longer opens it.
    copy = Person(servers["b"])
    copy.cookies = cookie
    status, _, location = copy.get("/cases/")
    assert status == 302 and "/login" in location


def test_healthz_fails_when_the_database_is_gone_and_recovers(servers):
    assert health(servers["a"]) == 200 and health(servers["b"]) == 200
    with servers["admin"].connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{servers["db"]}" ALLOW_CONNECTIONS false'))
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = :name"), {"name": servers["db"]})
    try:
        assert health(servers["a"]) not in (200, None)
        assert health(servers["b"]) not in (200, None)
    finally:
        with servers["admin"].connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{servers["db"]}" ALLOW_CONNECTIONS true'))
    # Back as soon as the database is: no restart needed.
    deadline = time.monotonic() + 10
    while health(servers["a"]) != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert health(servers["a"]) == 200 and health(servers["b"]) == 200


# — SQLite under load (quick checks; the load itself is in benchmarks/) ——————————————

@pytest.mark.skipif(is_postgres() or bool(EXTERNAL_URL), reason="SQLite only")
def test_sqlite_waits_for_another_writer_rather_than_refusing(app):
    """A save that meets another one waits up to 15 s (50 writers at once: some waited
    over 5 s, the former timeout, and were refused "database is locked")."""
    with app.app_context():
        found = db.session.execute(text("PRAGMA busy_timeout")).scalar()
        mode = db.session.execute(text("PRAGMA journal_mode")).scalar()
    assert SQLITE_BUSY_TIMEOUT_MS >= 15_000
    assert found == SQLITE_BUSY_TIMEOUT_MS
    assert mode == "wal"


@pytest.mark.skipif(is_postgres() or bool(EXTERNAL_URL), reason="SQLite only")
def test_sqlite_a_save_waits_while_another_holds_the_database(app, client):
    """Another connection holds the write lock for a moment: the save is not refused."""
    with app.app_context():
        team = factories.team()
        ana = factories.user("ana", teams=[team])
        reference = factories.case(team, lead=ana, status="assigned",
                                   parties=["Durand"]).reference
        path = db.engine.url.database
    client.login("ana")
    url = f"/cases/{reference}/parties/new"
    token = client.csrf_token(url)
    other = sqlite3.connect(path, timeout=1, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(1.0, other.execute, args=("COMMIT",))
    releaser.start()
    try:
        response = client.post(url, data={**party_data(), "csrf_token": token})
    finally:
        releaser.join()
        other.close()
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
