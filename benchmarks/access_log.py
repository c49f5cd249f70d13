"""Does writing the access log slow the pages? The case page (one read entry, and one for
the confidential notes it shows) and a party's form, asked with the log as it runs and with
the log's hooks removed, alternating, in one process, on SQLite and (when it answers)
PostgreSQL. Prints the median time of each and the ratio with/without (target: 1.10 at
most, i.e. the log costs under a tenth of a page).

    .venv/bin/python benchmarks/access_log.py
    BENCH_DATABASES=sqlite BENCH_REQUESTS=300 .venv/bin/python benchmarks/access_log.py

SQLite file in $BENCH_TMP (/tmp/casework-bench); PostgreSQL database casework_bench_log at
$BENCH_PG_URL. Both are emptied and loaded anew at each run (a few cases).
"""
import os
import statistics
import sys
import time
from datetime import timedelta

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
WORK = os.environ.get("BENCH_TMP", "/tmp/casework-bench")
os.makedirs(os.path.join(WORK, "instance"), exist_ok=True)
os.environ.setdefault("CASEWORK_SECRET_KEY", "benchmark-only-secret")
os.environ["CASEWORK_INSTANCE_PATH"] = os.path.join(WORK, "instance")

from sqlalchemy import func, select  # noqa: E402

from casework import create_app  # noqa: E402
from casework.audit import operations as audit, tracking  # noqa: E402
from casework.audit.models import AccessEntry  # noqa: E402
from casework.extensions import db  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tests"))
import factories  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")


def database_url(kind):
    if kind == "sqlite":
        path = f"{WORK}/access-log.sqlite"
        if os.path.exists(path):
            os.remove(path)
        return f"sqlite:///{path}"
    import psycopg
    with psycopg.connect(PG_URL.replace("+psycopg", "") + "/postgres",
                         autocommit=True) as connection:
        connection.execute('DROP DATABASE IF EXISTS "casework_bench_log"')
        connection.execute('CREATE DATABASE "casework_bench_log"')
    return f"{PG_URL}/casework_bench_log"


def build(url, logged):
    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "TESTING": True,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    if not logged:
        hooks = app.after_request_funcs[None]
        for hook in (audit.write_access_log, tracking.note_read):
            hooks.remove(hook)
    return app


def load(app):
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        north = factories.team("Nord")
        manager = factories.user("bench.manager", roles=["manager"], teams=[north])
        mediator = factories.user("bench.mediator", roles=["mediator"], teams=[north])
        factories.reference("category", "noise", "Bruit", "Noise")
        case = factories.case(north, creator=manager, status="assigned", lead=mediator,
                              parties=[("Hélène", "Dupont"), ("Karim", "Benali")])
        for day in range(1, 6):
            item = factories.intervention(case, [mediator], at=factories.clock.utcnow()
                                          - timedelta(days=day))
            item.notes = "Notes confidentielles."
        db.session.commit()
        return case.reference, case.parties[0].id


def measure(client, urls):
    began = time.perf_counter()
    for _ in range(REQUESTS):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - began) / (REQUESTS * len(urls)) * 1000


def run(kind):
    url = database_url(kind)
    on, off = build(url, True), build(url, False)
    reference, party = load(on)
    urls = [f"/cases/{reference}", f"/cases/{reference}/parties/{party}"]
    clients = {}
    for name, app in (("with the log", on), ("without", off)):
        client = app.test_client()
        client.post("/login", data={"username": "bench.manager",
                                    "password": factories.PASSWORD})
        clients[name] = client
        measure(client, urls[:1])  # warm up
    times = {name: [] for name in clients}
    for _ in range(ROUNDS):
        for name, client in clients.items():
            times[name].append(measure(client, urls))
    with on.app_context():
        written = db.session.execute(select(func.count(AccessEntry.id))).scalar()
    with_log = statistics.median(times["with the log"])
    without = statistics.median(times["without"])
    print(f"{kind}: {with_log:.2f} ms a page with the log, {without:.2f} ms without; "
          f"ratio {with_log / without:.2f} (target ≤ 1.10); {written} entries written")
    return with_log / without


def main():
    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    for kind in kinds:
        if kind == "postgresql":
            try:
                import psycopg
                psycopg.connect(PG_URL.replace("+psycopg", "") + "/postgres").close()
            except Exception as error:  # noqa: BLE001
                print(f"postgresql: skipped ({error.__class__.__name__})")
                continue
        run(kind)


if __name__ == "__main__":
    main()
