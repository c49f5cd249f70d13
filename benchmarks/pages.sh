#!/bin/bash
# Case pages on 100,000 cases, against the bare-stack baseline in the same run.
#
#   bash benchmarks/pages.sh            # SQLite; BENCH_N=20000 for a quicker run
#   BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test bash benchmarks/pages.sh
#
# Serves Casework with gunicorn (2 sync workers) as a logged-in manager, measures
# requests/s with wrk -t2 -c16 of the case page, the list, a search (posted, then its list
# at ?s=…), the dashboard and a signed agreement's download, then runs
# ../shared/baseline/run.sh (BENCH_BASELINE=folder where shared/ is elsewhere) and prints
# the ratios. The baseline runs after Casework: on a busy machine compare several runs.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
W=${BENCH_TMP:-/tmp/casework-bench}; mkdir -p "$W"
N=${BENCH_N:-100000}; DUR=${BENCH_DUR:-8s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x "$root/.venv/bin/gunicorn" ] || "$root/.venv/bin/pip" install -q gunicorn

export CASEWORK_SECRET_KEY=benchmark-only-secret CASEWORK_INSTANCE_PATH="$W/instance"
export CASEWORK_SESSION_COOKIE_SECURE=false
export CASEWORK_DATABASE_URL=${BENCH_DATABASE_URL:-sqlite:///$W/casework-$N.sqlite}
mkdir -p "$W/instance"
flask="$root/.venv/bin/flask --app casework"
py="$root/.venv/bin/python"
in_app() { "$py" -c "from casework import create_app; from casework.extensions import db; from casework.cases.models import Case; from casework.agreements.models import Agreement
with create_app().app_context(): $1"; }
$flask db upgrade >/dev/null 2>&1
have=$(in_app "print(db.session.query(Case).count())")
if [ "$have" -lt "$N" ]; then
  echo "Loading $((N - have)) cases (once)…"
  $flask demo-data --cases "$((N - have))" | head -1
fi
# A case of the manager's teams, in the middle of the table.
ref=$(in_app "print(db.session.query(Case.reference).filter(Case.team.has(name='Territoires')).order_by(Case.id).offset($N // 20).limit(1).scalar())")
[ -n "$ref" ] || { echo "no case to measure"; exit 1; }

(cd "$root" && exec .venv/bin/gunicorn -w 2 -b 127.0.0.1:5902 --log-level warning 'casework:create_app()') & gpid=$!
trap 'kill $gpid 2>/dev/null' EXIT
for i in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:5902/healthz && break; sleep 0.2; done

jar="$W/cookies.txt"; rm -f "$jar"
token=$(curl -s -c "$jar" http://127.0.0.1:5902/login | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf_token=$token&username=manager&password=casework-demo" http://127.0.0.1:5902/login
cookie=$(awk '$6 == "casework_session" {print $7}' "$jar")
[ -n "$cookie" ] || { echo "login failed"; exit 1; }
rps() {  # requests/s of a page, after checking that it answers 200 with the right page
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: casework_session=$cookie" "$1")" = 200 ] \
    || { echo "$1 does not answer 200" >&2; exit 1; }
  wrk -t2 -c16 -d"$DUR" -H "Cookie: casework_session=$cookie" "$@" | awk '/Requests\/sec/ {print int($2)}'; }

# A case of those teams with a signed agreement, for the download of the signed copy.
signed=$(in_app "print(db.session.query(Case.reference).join(Agreement, Agreement.case_id == Case.id).filter(Case.team.has(name='Territoires'), Agreement.status == 'signed').order_by(Case.id).limit(1).scalar() or '')")

page=$(rps "http://127.0.0.1:5902/cases/$ref")
list=$(rps "http://127.0.0.1:5902/cases/?status=mediation&page=3")
# The search is posted; its terms stay in the session and the list's URL carries their key.
token=$(curl -s -b "$jar" http://127.0.0.1:5902/cases/ | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
search_url=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' \
  -d "csrf_token=$token&q=helene" http://127.0.0.1:5902/cases/)
cookie=$(awk '$6 == "casework_session" {print $7}' "$jar")
case "$search_url" in *"s="*) ;; *) echo "the search did not answer with its list ($search_url)"; exit 1;; esac
search=$(rps "$search_url")
dashboard=$(rps "http://127.0.0.1:5902/reports/")
agreement=""
[ -z "$signed" ] || agreement=$(rps "http://127.0.0.1:5902/cases/$signed/agreement.docx")
kill $gpid 2>/dev/null; trap - EXIT; sleep 1

echo "casework case_page $page"
echo "casework case_list $list"
echo "casework case_search $search"
echo "casework dashboard $dashboard"
echo "casework signed_agreement ${agreement:-none (no signed agreement in these teams)}"
baseline=${BENCH_BASELINE:-$root/../shared/baseline}  # a worktree may keep shared/ elsewhere
base=$(BENCH_N=$N BENCH_DUR=$DUR bash "$baseline/run.sh" 2>/dev/null || true)
echo "$base"
b_page=$(echo "$base" | awk '/case_page/ {print $3}'); b_list=$(echo "$base" | awk '/case_list/ {print $3}')
if [ -n "$b_page" ] && [ -n "$b_list" ]; then
  python3 -c "print(f'ratio case_page {$page/$b_page:.2f}  case_list {$list/$b_list:.2f}  search/list {$search/$b_list:.2f}  dashboard/page {$dashboard/$b_page:.3f}  signed_agreement/page {${agreement:-0}/$b_page:.2f} (Casework / bare stack)')"
fi
