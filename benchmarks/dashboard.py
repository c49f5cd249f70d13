"""The dashboard of one year over a short history and over a long one: does its cost grow
with the years behind it?

    .venv/bin/python benchmarks/dashboard.py            # or: bash benchmarks/dashboard.sh
    BENCH_DATABASES=sqlite,postgresql BENCH_RUNS=9 .venv/bin/python benchmarks/dashboard.py

Builds (once, then reuses) two databases of the demo organisation, loaded in bulk with the
demo's year generator (casework/demo/year.py) at about the same size every year — about
1,000 cases, 10,000 case interventions and 4,650 field activities a year:

- small: the reported year alone (about 1,000 cases);
- large: a hundred years of history ending with the same year (about 100,000 cases and
  1,000,000 case interventions), each year drawn from the same seed as in the small one.

Then, alternating small and large, it asks the dashboard (``/reports`` for the year, as a
manager of the six teams, through the app's test client), its four charts and the
interventions report, and prints the median times, the ratio large/small (target: 1.3 at
most) and the number of SQL queries of each page. SQLite files go to $BENCH_TMP
(/tmp/casework-bench); PostgreSQL databases (when it answers at $BENCH_PG_URL) are named
casework_bench_small and casework_bench_large.
"""
import os
import random
import statistics
import sys
import time
from datetime import date

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
WORK = os.environ.get("BENCH_TMP", "/tmp/casework-bench")
os.makedirs(os.path.join(WORK, "instance"), exist_ok=True)
os.environ.setdefault("CASEWORK_SECRET_KEY", "benchmark-only-secret")
os.environ["CASEWORK_INSTANCE_PATH"] = os.path.join(WORK, "instance")

from sqlalchemy import event, func, select, text  # noqa: E402

from casework import create_app  # noqa: E402
from casework.auth import operations as accounts  # noqa: E402
from casework.auth.models import MANAGER, Team  # noqa: E402
from casework.cases.models import Case  # noqa: E402
from casework.core.clock import today  # noqa: E402
from casework.demo import load_organisation, year  # noqa: E402
from casework.extensions import db  # noqa: E402

REPORTED = int(os.environ.get("BENCH_YEAR", "2025"))
YEARS = {"small": 1, "large": int(os.environ.get("BENCH_YEARS", "100"))}
CASES_PER_YEAR = 1000
CONTACTS_SCALE = 2.4  # about ten contacts a case: 1,000,000 over 100,000 cases
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
USERNAME, PASSWORD = "bench.manager", "benchmark-manager-password"
PERIOD = f"start={REPORTED}-01-01&end={REPORTED}-12-31"
PAGES = {
    "dashboard": f"/reports/?{PERIOD}",
    "charts (4)": [f"/reports/charts/{name}.svg?{PERIOD}" for name in (
        "interventions-by-month", "outcomes", "delays", "referrals-by-reason")],
    "interventions": f"/reports/interventions?{PERIOD}",
}


def database_url(kind: str, size: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{WORK}/dashboard-{size}.sqlite"
    import psycopg
    name = f"casework_bench_{size}"
    with psycopg.connect(PG_URL.replace("+psycopg", "") + "/postgres",
                         autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_URL}/{name}"


def build(url: str, size: str):
    """The app over its database, loading the database first if it is not loaded."""
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    years = YEARS[size]
    with app.app_context():
        upgrade()
        first = db.session.execute(select(func.min(Case.year))).scalar()
        if first == REPORTED - years + 1:
            return app
        if first is not None:
            sys.exit(f"{url} holds other data: remove it (a file, or DROP DATABASE)")
        began = time.perf_counter()
        teams, _made = load_organisation()
        accounts.create_user(None, username=USERNAME, full_name="Direction (benchmark)",
                             email="bench@mediation-demo.example", password=PASSWORD,
                             roles=[MANAGER], teams=list(teams.values()))
        world = year.World.read()
        rows = {}
        now = today()
        for number in range(REPORTED - years + 1, REPORTED + 1):
            made = year.generate(world, date(number, 1, 1), date(number, 12, 31), now,
                                 random.Random(number),
                                 cases_scale=CASES_PER_YEAR / sum(
                                     p.cases for p in year.TEAMS.values()),
                                 contacts_scale=CONTACTS_SCALE)
            for name, count in made.items():
                rows[name] = rows.get(name, 0) + count
            db.session.commit()
            if (number - REPORTED) % 10 == 0 and years > 1:
                print(f"  {size}: loaded up to {number} "
                      f"({time.perf_counter() - began:.0f} s)", flush=True)
        world.save_counters()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"  {size}: {rows.get('cases', 0)} cases, {rows.get('case_interventions', 0)} "
              f"case interventions, {rows.get('field_activities', 0)} field activities, "
              f"{rows.get('referrals', 0)} referrals, loaded in "
              f"{time.perf_counter() - began:.0f} s", flush=True)
    return app


class Measured:
    """A logged-in client and the number of SQL statements of its last request."""

    def __init__(self, app):
        self.app, self.client, self.queries = app, app.test_client(), 0
        with app.app_context():
            assert db.session.execute(select(func.count(Team.id))).scalar_one() == 6
            event.listen(db.engine, "before_cursor_execute", self._count)
        response = self.client.post("/login", data={"username": USERNAME,
                                                    "password": PASSWORD})
        assert response.status_code == 302, "login failed"

    def _count(self, *args):
        self.queries += 1

    def get(self, paths) -> tuple[float, int]:
        """Seconds and SQL statements for the pages (all of a list, one after the other)."""
        self.queries = 0
        began = time.perf_counter()
        for path in [paths] if isinstance(paths, str) else paths:
            response = self.client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return time.perf_counter() - began, self.queries


def compare(kind: str):
    print(f"{kind}: building the databases (once; reused afterwards)…", flush=True)
    clients = {size: Measured(build(database_url(kind, size), size)) for size in YEARS}
    times = {(size, page): [] for size in YEARS for page in PAGES}
    queries = {}
    for size, client in clients.items():  # warm up: templates, caches, the query planner
        for page, paths in PAGES.items():
            client.get(paths)
    for _run in range(RUNS):
        for page, paths in PAGES.items():
            for size, client in clients.items():
                seconds, count = client.get(paths)
                times[size, page].append(seconds)
                queries[size, page] = count
    print(f"{kind}: median of {RUNS} runs, year {REPORTED}, history of "
          f"{YEARS['small']} vs {YEARS['large']} years")
    print(f"  {'page':<15} {'small':>9} {'large':>9} {'ratio':>6}  queries small/large")
    ratios = {}
    for page in PAGES:
        small, large = (statistics.median(times[size, page]) for size in ("small", "large"))
        ratios[page] = large / small
        print(f"  {page:<15} {small * 1000:7.0f}ms {large * 1000:7.0f}ms {ratios[page]:6.2f}"
              f"  {queries['small', page]}/{queries['large', page]}")
    verdict = "meets" if ratios["dashboard"] <= 1.3 else "misses"
    print(f"  dashboard t(large)/t(small) = {ratios['dashboard']:.2f} ({verdict} the "
          f"target of 1.3)", flush=True)


def postgres_answers() -> bool:
    try:
        import psycopg
        psycopg.connect(PG_URL.replace("+psycopg", "") + "/postgres", connect_timeout=3
                        ).close()
        return True
    except Exception:  # noqa: BLE001 — any failure: no PostgreSQL here
        return False


if __name__ == "__main__":
    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    for kind in kinds:
        if kind == "postgresql" and not postgres_answers():
            print("postgresql: not answering, skipped")
            continue
        compare(kind)
