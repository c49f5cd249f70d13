#!/bin/bash
# The dashboard of one year over 1 and over 100 years of history, on SQLite and (when it
# answers) PostgreSQL: times, SQL queries and the ratio large/small (target ≤ 1.3).
#
#   bash benchmarks/dashboard.sh                        # both databases
#   BENCH_DATABASES=sqlite BENCH_RUNS=9 bash benchmarks/dashboard.sh
#   BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432 bash benchmarks/dashboard.sh
#
# The first run loads the databases (about 4 minutes each for the large one, in
# /tmp/casework-bench or the PostgreSQL databases casework_bench_small/_large); later runs
# reuse them. See benchmarks/dashboard.py.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" && exec .venv/bin/python benchmarks/dashboard.py 2> >(grep -v '^INFO  \[alembic' >&2)
