#!/bin/bash
# Flat cost and memory on PostgreSQL: 1,000 against 1,000,000 cases.
#
#   bash benchmarks/scale.sh                  # BENCH_RUNS=9 for more runs
#   BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432 bash benchmarks/scale.sh
#
# 1. Loads, once, the databases scale_1k and scale_1m (benchmarks/scale_load.py: the demo's
#    year generator, then the association copied in SQL; about 36 million rows for the
#    large one) and brings them to the latest migration; later runs reuse them.
# 2. Times the case page, the list, search, My cases, the dashboard of a year and the
#    exports of a month in one process, alternating 1k and 1M (benchmarks/scale.py), and
#    prints t(1M)/t(1k) and the SQL statements of each page.
# 3. Serves the 1M database with gunicorn (2 sync workers, port 6100), asks every page
#    and export as the manager and My cases as the mediator, then prints each worker's
#    resident memory (VmRSS, and its peak VmHWM) from /proc (target: under 150 MB).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PG=${BENCH_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-6100}
W=${BENCH_TMP:-/tmp/casework-scale}; mkdir -p "$W/instance"
export CASEWORK_SECRET_KEY=benchmark-only-secret CASEWORK_INSTANCE_PATH="$W/instance"
quiet() { grep -v '^INFO  \[alembic' >&2; }

.venv/bin/python benchmarks/scale_load.py 2> >(quiet)
.venv/bin/python benchmarks/scale.py 2> >(quiet)

# --- Memory of a gunicorn worker after every page and export, on the 1M database -------
[ -x .venv/bin/gunicorn ] || .venv/bin/pip install -q gunicorn
export CASEWORK_DATABASE_URL="$PG/scale_1m" CASEWORK_SESSION_COOKIE_SECURE=false
.venv/bin/gunicorn -w 2 -b "127.0.0.1:$PORT" --log-level warning 'casework:create_app()' &
gpid=$!
trap 'kill $gpid 2>/dev/null' EXIT
for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
base="http://127.0.0.1:$PORT"
login() {  # a cookie jar logged in as $1 (password $2)
  local jar="$W/$1.jar" token
  rm -f "$jar"
  token=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
    --data-urlencode "username=$1" --data-urlencode "password=$2" "$base/login"
  echo "$jar"
}
manager=$(login bench.manager benchmark-manager-password)
mediator=$(login bench.mediator benchmark-mediator-password)
token=$(curl -s -b "$manager" "$base/cases/" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
search=$(curl -s -b "$manager" -c "$manager" -o /dev/null -w '%{redirect_url}' \
  --data-urlencode "csrf_token=$token" --data-urlencode "q=${BENCH_SEARCH:-tartempion}" "$base/cases/")
year="start=2025-01-01&end=2025-12-31"; month="start=2025-03-01&end=2025-03-31"
pages=(/cases/2025-0500 /cases/ "/cases/?page=40" "/cases/?status=mediation&page=3"
       "${search#$base}" /cases/unassigned /cases/referrals /agenda /activities/
       "/reports/?$year" "/reports/interventions?$year"
       /reports/charts/{interventions-by-month,outcomes,delays,referrals-by-reason}.svg?$year
       "/reports/figures.xlsx?$year" "/reports/interventions.csv?$year"
       "/reports/figures.xlsx?$month" "/reports/interventions.csv?$month"
       /reports/annual/2025 /reports/annual/2025.docx)
for round in 1 2; do  # twice, so that both workers serve each page
  for path in "${pages[@]}"; do
    code=$(curl -s -b "$manager" -o /dev/null -w '%{http_code}' "$base$path")
    [ "$code" = 200 ] || echo "  $path answered $code" >&2
  done
  code=$(curl -s -b "$mediator" -o /dev/null -w '%{http_code}' "$base/cases/mine")
  [ "$code" = 200 ] || echo "  /cases/mine answered $code" >&2
done
echo "gunicorn workers on 1,000,000 cases after ${#pages[@]} pages and exports (and My cases), twice (target < 150 MB):"
for pid in $(pgrep -P "$gpid"); do
  awk -v pid="$pid" '/^VmRSS|^VmHWM/ {v[$1]=$2} END {printf "  worker %s: VmRSS %.0f MB, peak VmHWM %.0f MB\n", pid, v["VmRSS:"]/1024, v["VmHWM:"]/1024}' "/proc/$pid/status"
done
kill $gpid; wait $gpid 2>/dev/null || true; trap - EXIT
