"""Load the two PostgreSQL databases of benchmarks/scale.py (once; later runs reuse them).

    .venv/bin/python benchmarks/scale_load.py            # both, if missing
    BENCH_SCALE=1k .venv/bin/python benchmarks/scale_load.py

- ``1k``: the demo organisation (six teams, its staff) and one year (2025) of its work drawn
  by the demo's year generator (casework/demo/year.py): 1,000 cases with their parties,
  contacts, round tables, referrals, survey answers, timeline events, and the year's field
  activities.
- ``1m``: the same organisation and ten years of its work (2016–2025, each year from the same
  seed as the 1k database's, so 2025 is the same year) — 10,000 cases — then that
  association copied 99 times inside the database with ``INSERT … SELECT`` (each copy a
  group of six teams with its own staff, its cases renumbered): a federation of 600 teams
  and 1,000,000 cases, every row of a copy pointing at the copy's teams, staff, cases and
  parties. The search columns are the generator's, computed with the app's own key
  (casework/core/text.py), and renumbered in the copies.

The benchmark's manager leads the six teams of the first group: in both databases they see
one year of 1,000 cases for 2025; in the large one they also see nine more years, and the
tables hold a thousand times the rows.
"""
import os
import random
import sys
import time
from datetime import date

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
os.environ.setdefault("CASEWORK_SECRET_KEY", "benchmark-only-secret")

from sqlalchemy import func, select, text  # noqa: E402

from casework import create_app  # noqa: E402
from casework.auth import operations as accounts  # noqa: E402
from casework.auth.models import MANAGER, MEDIATOR  # noqa: E402
from casework.cases.models import Case  # noqa: E402
from casework.demo import load_organisation, year  # noqa: E402
from casework.extensions import db  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
REPORTED = 2025
CASES_PER_YEAR = 1000
SIZES = {  # name: (database, years of history, groups of six teams)
    "1k": ("scale_1k", 1, 1),
    "1m": ("scale_1m", 10, 100),
}
MANAGER_LOGIN = ("bench.manager", "benchmark-manager-password")
MEDIATOR_LOGIN = ("bench.mediator", "benchmark-mediator-password")
# Tables every copy shares (reference lists, partners, places) or that start empty.
SHARED = {"reference_items", "partners", "meeting_places", "clause_templates",
          "case_counters", "access_log", "access_log_purges", "login_failures",
          "login_sessions", "recovery_codes", "annual_report_texts", "alembic_version"}
GROUP_NUMBERS = 10000  # a copy's case numbers: the original's + g × this


def database_url(name: str) -> str:
    import psycopg
    with psycopg.connect(PG_URL.replace("+psycopg", "") + "/postgres",
                         autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_URL}/{name}"


def app_for(size: str):
    return create_app({"DATABASE_URL": database_url(SIZES[size][0]),
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "SESSION_COOKIE_SECURE": False})


def loaded(size: str) -> bool:
    from flask_migrate import upgrade
    app = app_for(size)
    with app.app_context():
        upgrade()
        return bool(db.session.execute(select(func.count(Case.id))).scalar())


def load(size: str) -> dict:
    from flask_migrate import upgrade
    _name, years, groups = SIZES[size]
    app = app_for(size)
    began = time.perf_counter()
    with app.app_context():
        upgrade()
        if db.session.execute(select(func.count(Case.id))).scalar():
            return counts()
        teams, _made = load_organisation()
        accounts.create_user(None, username=MANAGER_LOGIN[0], full_name="Direction (bench)",
                             email="bench@mediation-demo.example", password=MANAGER_LOGIN[1],
                             roles=[MANAGER], teams=list(teams.values()))
        accounts.create_user(None, username=MEDIATOR_LOGIN[0], full_name="Médiatrice (bench)",
                             email="bench.mediator@mediation-demo.example",
                             password=MEDIATOR_LOGIN[1], roles=[MEDIATOR],
                             teams=[teams["Territoires"]])
        db.session.commit()
        world = year.World.read()
        now = date(REPORTED + 1, 12, 1)  # the cases' lives as seen on 1 December 2026
        for number in range(REPORTED - years + 1, REPORTED + 1):
            year.generate(world, date(number, 1, 1), date(number, 12, 31), now,
                          random.Random(number),
                          cases_scale=CASES_PER_YEAR / sum(p.cases
                                                           for p in year.TEAMS.values()))
            db.session.commit()
        world.save_counters()
        db.session.commit()
        print(f"  {size}: {years} year(s) generated in {time.perf_counter() - began:.0f} s",
              flush=True)
        if groups > 1:
            copy_groups(groups)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        figures = counts()
    print(f"  {size}: loaded in {time.perf_counter() - began:.0f} s: "
          + ", ".join(f"{n} {t}" for t, n in figures.items()), flush=True)
    return figures


def counts() -> dict:
    return {table.name: db.session.execute(
                select(func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables if table.name not in SHARED}


def _expression(table, column, offsets) -> str:
    """The SQL of a column of copy ``g`` (a column ``g`` of generate_series)."""
    name, t = column.name, table.name
    quoted = f'src."{name}"'
    if t == "teams" and name == "name":
        return f"{quoted} || ' (' || g || ')'"
    if t == "users":
        if name in ("username",):
            return f"{quoted} || '.' || g"
        if name == "email":
            return f"'g' || g || '.' || {quoted}"
        if name == "session_token":
            return "md5(random()::text || clock_timestamp()::text)"
        if name in ("calendar_token", "totp_secret"):
            return "NULL"
    if t == "cases":
        new_number = f"(src.number + g * {GROUP_NUMBERS})"
        digits = f"{new_number}::text"  # four digits at least, as format_reference writes
        new_reference = f"(src.year || '-' || lpad({digits}, greatest(4, length({digits})), '0'))"
        if name == "number":
            return new_number
        if name == "reference":
            return new_reference
        if name == "search_text":
            return (f"replace(replace(src.search_text, src.reference, {new_reference}), "
                    f"replace(src.reference, '-', ' '), replace({new_reference}, '-', ' '))")
    if column.primary_key and name == "id":
        return f"{quoted} + g * {offsets[t]}"
    for key in column.foreign_keys:
        target = key.column.table.name
        if target not in SHARED:
            return f"{quoted} + g * {offsets[target]}"
    return quoted


def copy_groups(groups: int):
    """Copy the association (its teams, staff and everything they did) ``groups - 1``
    times, with ``INSERT … SELECT`` in the database: a statement per table."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in SHARED]
    offsets = {}
    for table in tables:
        if "id" in table.c:
            top = db.session.execute(select(func.max(table.c.id))).scalar() or 0
            offsets[table.name] = 10 ** len(str(top))  # ids of copy g: g × offset + id
    for table in tables:
        began = time.perf_counter()
        columns = list(table.c)
        names = ", ".join(f'"{c.name}"' for c in columns)
        values = ", ".join(_expression(table, c, offsets) for c in columns)
        result = db.session.execute(text(
            f'INSERT INTO "{table.name}" ({names}) SELECT {values} '
            f'FROM "{table.name}" AS src CROSS JOIN generate_series(1, {groups - 1}) AS g'))
        db.session.commit()
        print(f"    {table.name}: {result.rowcount} rows copied in "
              f"{time.perf_counter() - began:.0f} s", flush=True)
    for table in tables:
        if "id" in table.c:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT max(id) FROM \"{table.name}\"))"))
    db.session.execute(text(
        f"UPDATE case_counters SET last_number = sub.top FROM (SELECT year, max(number) AS "
        f"top FROM cases GROUP BY year) AS sub WHERE sub.year = case_counters.year"))
    db.session.commit()


if __name__ == "__main__":
    for size in os.environ.get("BENCH_SCALE", "1k,1m").split(","):
        if loaded(size):
            print(f"  {size}: already loaded")
        else:
            load(size)
