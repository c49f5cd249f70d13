"""Flat cost: the same pages over 1,000 and over 1,000,000 cases on PostgreSQL.

    bash benchmarks/scale.sh              # loads once (benchmarks/scale_load.py), then times
    BENCH_RUNS=9 .venv/bin/python benchmarks/scale.py

In one process, through the app's test client, as the benchmark's manager (six teams; My
cases as a mediator of one of them), alternating the 1k and the 1M database: the case
page, the case list (first page, a deep page, a filtered page), search, My cases, the
dashboard of a year and the exports of a month. Prints the medians, t(1M)/t(1k) (target:
1.3 at most) and the SQL statements of each page in each database (they must not grow
with the rows).
"""
import os
import statistics
import sys
import time

ROOT = os.path.abspath(os.path.dirname(__file__))
sys.path.insert(0, ROOT)

from sqlalchemy import event  # noqa: E402

import scale_load  # noqa: E402
from casework.extensions import db  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
YEAR = f"start={scale_load.REPORTED}-01-01&end={scale_load.REPORTED}-12-31"
MONTH = f"start={scale_load.REPORTED}-03-01&end={scale_load.REPORTED}-03-31"
CASE = f"{scale_load.REPORTED}-0500"  # the same case (same seed) in both databases
SEARCH = os.environ.get("BENCH_SEARCH", "tartempion")
# page: (who, path); "search" is posted once to get the list's ?s= key.
PAGES = {
    "case page": ("manager", f"/cases/{CASE}"),
    "list": ("manager", "/cases/"),
    "list, page 40": ("manager", "/cases/?page=40"),
    "list, mediation p3": ("manager", "/cases/?status=mediation&page=3"),
    "search": ("manager", None),
    "my cases": ("mediator", "/cases/mine"),
    "dashboard (year)": ("manager", f"/reports/?{YEAR}"),
    "interventions (year)": ("manager", f"/reports/interventions?{YEAR}"),
    "figures.xlsx (month)": ("manager", f"/reports/figures.xlsx?{MONTH}"),
    "interventions.csv (month)": ("manager", f"/reports/interventions.csv?{MONTH}"),
}


class Measured:
    """Logged-in clients of one database and the SQL statements of the last request."""

    def __init__(self, size):
        self.app = scale_load.app_for(size)
        self.queries = 0
        with self.app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._count)
        self.clients = {}
        for who, (username, password) in (("manager", scale_load.MANAGER_LOGIN),
                                          ("mediator", scale_load.MEDIATOR_LOGIN)):
            client = self.app.test_client()
            response = client.post("/login", data={"username": username,
                                                   "password": password})
            assert response.status_code == 302, f"{size}: {username} cannot log in"
            self.clients[who] = client
        response = self.clients["manager"].post("/cases/", data={"q": SEARCH})
        assert response.status_code == 302, response.status_code
        self.search_path = response.headers["Location"]

    def _count(self, *args):
        self.queries += 1

    def get(self, page) -> tuple[float, int]:
        who, path = PAGES[page]
        client = self.clients[who]
        self.queries = 0
        began = time.perf_counter()
        response = client.get(path or self.search_path)
        body = response.get_data()
        seconds = time.perf_counter() - began
        assert response.status_code == 200, (page, response.status_code)
        assert body, page
        return seconds, self.queries


def main():
    sizes = os.environ.get("BENCH_SIZES", "1k,1m").split(",")
    for size in sizes:
        if not scale_load.loaded(size):
            scale_load.load(size)
    measured = {size: Measured(size) for size in sizes}
    for client in measured.values():  # warm up: templates, caches, the planner
        for page in PAGES:
            client.get(page)
    times = {(size, page): [] for size in measured for page in PAGES}
    queries = {}
    for _run in range(RUNS):
        for page in PAGES:
            for size, client in measured.items():
                seconds, count = client.get(page)
                times[size, page].append(seconds)
                queries[size, page] = count
    if len(sizes) == 1:  # while working on one database
        for page in PAGES:
            print(f"  {page:<26} {statistics.median(times[sizes[0], page]) * 1000:8.1f} ms "
                  f"{queries[sizes[0], page]} queries")
        return
    print(f"PostgreSQL, median of {RUNS} runs (ms); target t(1M)/t(1k) <= 1.3")
    print(f"  {'page':<26} {'t(1k)':>8} {'t(1M)':>8} {'ratio':>6}  queries 1k/1M")
    worst = 0.0
    for page in PAGES:
        small, large = (statistics.median(times[size, page]) for size in ("1k", "1m"))
        ratio = large / small
        worst = max(worst, ratio)
        flag = "" if ratio <= 1.3 else "  <- not flat"
        print(f"  {page:<26} {small * 1000:8.1f} {large * 1000:8.1f} {ratio:6.2f}  "
              f"{queries['1k', page]}/{queries['1m', page]}{flag}", flush=True)
    print(f"  worst ratio {worst:.2f}")


if __name__ == "__main__":
    main()
