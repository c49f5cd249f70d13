#!/bin/bash
# kill -9 of gunicorn workers in the middle of writes: no half-written case, the app restarts.
#
#   bash benchmarks/kill9.sh                  # SQLite, then PostgreSQL if it answers
#   KILL9_DURATION=30 KILL9_EVERY=3 bash benchmarks/kill9.sh
#   KILL9_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/h_load bash benchmarks/kill9.sh
#
# benchmarks/writers.py runs 50 writers (default 60 s) against gunicorn -w 4 -k gthread
# --threads 4 and kills a worker with SIGKILL about every KILL9_EVERY seconds, at random
# moments, so that some die in the middle of a save. Afterwards it checks, in SQL over the
# database, the invariants that a half-written action would break (a case without its
# "created" event, an intervention without its mediator rows or its timeline event, a
# party missing from its case's timeline or search text, a field activity without its
# mediators…); that every save answered "saved" is there; that gunicorn runs all its
# workers again; and that the app answers (/healthz, a login, the case list).
# A save whose answer never came (its worker was killed) may be there or not: both are
# right, and the figures say how many of each. Exit status 1 when something is wrong.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
py="$root/.venv/bin/python"
DUR=${KILL9_DURATION:-60}; EVERY=${KILL9_EVERY:-4}; WRITERS=${KILL9_WRITERS:-50}
PG_URL=${KILL9_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/h_load_kill9}
status=0
quiet() { grep -v -E '^INFO  \[alembic|^(server|consent|accepted|were|\(m|and when|each|date)'; }

echo "### SQLite"
"$py" "$root/benchmarks/writers.py" --writers "$WRITERS" --duration "$DUR" \
    --kill-every "$EVERY" --port 6230 --work /tmp/casework-kill9 2>&1 | quiet
[ "${PIPESTATUS[0]}" = 0 ] || status=1

if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "### PostgreSQL"
  "$py" "$root/benchmarks/writers.py" --writers "$WRITERS" --duration "$DUR" \
      --kill-every "$EVERY" --port 6231 --work /tmp/casework-kill9 \
      --database-url "$PG_URL" 2>&1 | quiet
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
else
  echo "### PostgreSQL does not answer on 127.0.0.1:5432: not run"
fi
exit $status
