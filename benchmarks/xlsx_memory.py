"""The spreadsheet of a period streams in constant memory, whatever the number of rows.

    .venv/bin/python benchmarks/xlsx_memory.py [SMALL] [LARGE]

Fills a scratch SQLite database with SMALL then LARGE interventions (default 10,000 and
100,000, in one team, over one year, by bulk inserts), downloads /reports/figures.xlsx for
that year as its manager, and prints for each the rows written, the time taken, the peak of
Python memory during the request (tracemalloc) and the size of the file; then the ratio of
the two peaks. Constant memory: a ratio near 1 while the rows grow tenfold.
"""
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from casework import create_app  # noqa: E402
from casework.auth.models import Team, User  # noqa: E402
from casework.cases.models import Case  # noqa: E402
from casework.extensions import db  # noqa: E402
from casework.meetings.models import Intervention, intervention_mediators  # noqa: E402
from casework.reference.models import ReferenceItem  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

YEAR = 2025
PASSWORD = "benchmark password"


def fill(app, interventions):
    with app.app_context():
        db.drop_all()
        db.create_all()
        team = Team(name="Territoires")
        manager = User(username="manager", full_name="Claire Fontaine",
                       email="m@example.org", password_hash=generate_password_hash(
                           PASSWORD, method="pbkdf2:sha256:1"))
        manager.roles, manager.teams = ["manager"], [team]
        mediator = User(username="mediator", full_name="Karim Haddad", email="k@example.org",
                        password_hash="x")
        mediator.roles, mediator.teams = ["mediator"], [team]
        source = ReferenceItem(kind="source", code="resident", label_fr="Habitant",
                               label_en="Resident")
        db.session.add_all([team, manager, mediator, source])
        db.session.flush()
        cases = max(interventions // 20, 1)
        db.session.execute(Case.__table__.insert(), [dict(
            reference=f"{YEAR}-{n:05d}", year=YEAR, number=n, received_on=date(YEAR, 1, 1),
            source_id=source.id, team_id=team.id, street="1 rue", city="Lyon", address_key="",
            description="x", status="mediation", created_by_id=manager.id, search_text="",
            urgency="normal", created_at=datetime(YEAR, 1, 1, tzinfo=timezone.utc),
            updated_at=datetime(YEAR, 1, 1, tzinfo=timezone.utc), version=1)
            for n in range(1, cases + 1)])
        case_ids = db.session.scalars(db.select(Case.id)).all()
        start = datetime(YEAR, 1, 2, 8, tzinfo=timezone.utc)
        step = timedelta(days=360) / interventions
        db.session.execute(Intervention.__table__.insert(), [dict(
            case_id=case_ids[n % len(case_ids)], kind="phone", at=start + n * step,
            duration_minutes=20, summary="x", notes="", created_by_id=mediator.id,
            created_at=start, version=1) for n in range(interventions)])
        db.session.execute(intervention_mediators.insert().from_select(
            ["intervention_id", "user_id"],
            db.select(Intervention.id, db.literal(mediator.id))))
        db.session.commit()


def download(app):
    client = app.test_client()
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "username": "manager",
                                "password": PASSWORD})
    tracemalloc.start()
    began = time.perf_counter()
    response = client.get(f"/reports/figures.xlsx?start={YEAR}-01-01&end={YEAR}-12-31")
    size = sum(len(chunk) for chunk in response.response)  # read as a server would
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    assert response.status_code == 200, response.status_code
    return seconds, peak, size


def main():
    small, large = (int(x) for x in (sys.argv[1:3] or (10_000, 100_000)))
    folder = tempfile.mkdtemp(prefix="casework-xlsx-")
    app = create_app({"TESTING": True, "SECRET_KEY": "benchmark",
                      "DATABASE_URL": os.environ.get("CASEWORK_DATABASE_URL") or
                      f"sqlite:///{folder}/bench.sqlite",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    fill(app, 100)
    download(app)  # warm up: imports, templates and translations loaded once per process
    peaks = []
    for count in (small, large):
        fill(app, count)
        seconds, peak, size = download(app)
        peaks.append(peak)
        print(f"{count:>9,} interventions: {seconds:6.1f} s, peak Python memory "
              f"{peak / 2**20:6.1f} MiB, file {size / 2**20:6.1f} MiB")
    print(f"peak memory ratio (large / small): {peaks[1] / peaks[0]:.2f}")


if __name__ == "__main__":
    main()
