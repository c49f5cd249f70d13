"""Concurrent writers against a gunicorn-served Casework: no lost write, no 5xx.

    .venv/bin/python benchmarks/writers.py                       # SQLite, gthread -w 4 --threads 4
    .venv/bin/python benchmarks/writers.py --worker-class sync   # SQLite, 4 sync workers
    .venv/bin/python benchmarks/writers.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/h_load
    .venv/bin/python benchmarks/writers.py --kill-every 4        # kill -9 a worker every ~4 s

Prepares a fresh database (the PostgreSQL database named in the URL is dropped and made
again; SQLite: a new file), the demo organisation's teams and reference lists, one mediator
account per writer with three cases of their own; serves it with gunicorn on loopback; then
each writer logs in and, until the time is up, does what a mediator does all day: log an
intervention on one of their cases, edit a case, add a party, log a field activity — each
through the page's form (GET, then POST what a browser would send). Writers work on their
own cases, so a 409 (the conflict page) should not happen; it is counted apart.

At the end it looks in the database for every write that was answered with a redirect (the
app's "saved"): a write answered but absent is LOST. It checks the invariants that a
half-written action would break (SQL below), and prints the figures. Exit status 1 when a
write is lost, a 5xx was answered, a login failed or an invariant is broken.
"""
import argparse
import http.client
import html.parser
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "writers-bench-password"
CASES_EACH = 3

# What a half-written action would leave behind; each query counts the rows that break it.
INVARIANTS = {
    "case without its 'created' timeline event":
        "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM timeline_events e "
        "WHERE e.case_id = c.id AND e.kind = 'created')",
    "intervention without a mediator row":
        "SELECT count(*) FROM interventions i WHERE NOT EXISTS (SELECT 1 FROM "
        "intervention_mediators m WHERE m.intervention_id = i.id)",
    "case with fewer 'intervention' timeline events than interventions":
        "SELECT count(*) FROM cases c WHERE (SELECT count(*) FROM interventions i WHERE "
        "i.case_id = c.id) > (SELECT count(*) FROM timeline_events e WHERE e.case_id = c.id "
        "AND e.kind = 'intervention')",
    "case with fewer 'party_added' timeline events than parties":
        "SELECT count(*) FROM cases c WHERE (SELECT count(*) FROM parties p WHERE "
        "p.case_id = c.id) > (SELECT count(*) FROM timeline_events e WHERE e.case_id = c.id "
        "AND e.kind = 'party_added')",
    "party missing from its case's search text":
        "SELECT count(*) FROM parties p JOIN cases c ON c.id = p.case_id WHERE "
        "p.last_name <> '' AND lower(c.search_text) NOT LIKE '%' || lower(p.last_name) || '%'",
    "field activity without a mediator row":
        "SELECT count(*) FROM field_activities a WHERE NOT EXISTS (SELECT 1 FROM "
        "field_activity_mediators m WHERE m.field_activity_id = a.id)",
    "case number above its year's counter":
        "SELECT count(*) FROM cases c JOIN case_counters k ON k.year = c.year "
        "WHERE c.number > k.last_number",
    "case with an 'edited' event but still at version 1":
        "SELECT count(*) FROM cases c WHERE c.version < 2 AND EXISTS (SELECT 1 FROM "
        "timeline_events e WHERE e.case_id = c.id AND e.kind = 'edited')",
    "interventions or parties without their access-log 'change' entry (missing entries)":
        "SELECT CASE WHEN (SELECT count(*) FROM interventions) + (SELECT count(*) FROM "
        "timeline_events WHERE kind IN ('party_added', 'edited')) - {setup_parties} > "
        "(SELECT count(*) FROM access_log WHERE action = 'change') THEN 1 ELSE 0 END",
}


# — Preparing the database ———————————————————————————————————————————————————————

def fresh_database(url, work):
    """A new empty database for ``url``: a new SQLite file, or the PostgreSQL database
    dropped and created again (never the server's others)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    name = target.database
    if name in (None, "", "postgres", "test", "template0", "template1"):
        sys.exit(f"refusing to drop the database {name!r}: name one of your own")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def prepare(url, writers):
    """Schema, the demo organisation (no cases), one mediator per writer with their cases.
    Returns [(username, [case references])] and the number of parties made here."""
    os.environ["CASEWORK_DATABASE_URL"] = url
    sys.path.insert(0, ROOT)
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from casework import create_app, demo
    from casework.auth.models import Team, User
    from casework.cases.timeline import record_event
    from casework.extensions import db
    from tests import factories

    app = create_app({"TESTING": False})
    accounts = []
    parties = 0
    with app.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"))
        demo.load_organisation()
        teams = [db.session.execute(db.select(Team).filter_by(name=name)).scalar_one()
                 for name in ("Territoires", "Habitat")]
        manager = db.session.execute(db.select(User).filter_by(username="manager")).scalar_one()
        hashed = generate_password_hash(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
        for index in range(writers):
            team = teams[index % 2]
            user = User(username=f"writer{index:02d}", full_name=f"Writer {index:02d}",
                        email=f"writer{index:02d}@bench.example", password_hash=hashed,
                        active=True, language="en")
            user.roles = ["mediator"]
            user.teams = [team]
            db.session.add(user)
            db.session.commit()
            references = []
            for number in range(CASES_EACH):
                case = factories.case(team, creator=manager, status="assigned", lead=user,
                                      parties=[("Anne", f"Durand{index}x{number}"),
                                               ("Paul", f"Martin{index}x{number}")],
                                      consent="given")
                record_event(case, manager, "created", [("status", None, "referral")])
                for party in case.parties:
                    record_event(case, manager, "party_added", [("party", None, "x")])
                    parties += 1
                db.session.commit()
                references.append(case.reference)
            accounts.append((user.username, references))
        db.engine.dispose()
    return accounts, parties


# — A browser, as little as needed ——————————————————————————————————————————————

class Forms(html.parser.HTMLParser):
    """The page's forms: action, method, and what a browser would send (defaults)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = {"action": a.get("action") or "", "method": (a.get("method") or
                         "get").lower(), "fields": [], "selects": {}}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self.form["fields"].append([a["name"], a.get("value") or ("on" if kind in (
                "checkbox", "radio") else "")])
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "options": [], "selected": None}
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select["options"].append(value)
            if "selected" in a:
                self.select["selected"] = value
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None and self.form is not None:
            s = self.select
            value = s["selected"]
            if value is None:  # no choice made: the first real one, as a person would
                value = next((o for o in s["options"] if o not in ("", "0")), "")
            self.form["fields"].append([s["name"], value])
            self.form["selects"][s["name"]] = s["options"]
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form["fields"].append(self.textarea)
            self.textarea = None


def main_form(page, path):
    parser = Forms()
    parser.feed(page)
    posts = [f for f in parser.forms if f["method"] == "post"
             and urllib.parse.urlsplit(f["action"]).path in ("", path)]
    if not posts:
        return None
    return max(posts, key=lambda f: len(f["fields"]))


class Browser:
    def __init__(self, host, port, timeout=60):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies = {}

    def request(self, method, path, form=None):
        """(status, body, location); raises OSError/HTTPException when the answer never
        came (a worker killed in the middle)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Accept-Language": "en", "Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            items = form.items() if isinstance(form, dict) else form
            body = urllib.parse.urlencode([tuple(item) for item in items])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if "expires=thu, 01 jan 1970" in value.lower() or not cookie_value:
                        self.cookies.pop(name.strip(), None)
                    else:
                        self.cookies[name.strip()] = cookie_value
            return response.status, text, response.getheader("Location") or ""
        finally:
            connection.close()


# — The writers ———————————————————————————————————————————————————————————————

def token(run, writer, seq):
    """Letters only (a party's name may refuse digits): run, writer, sequence."""
    def letters(number, width):
        out = ""
        for _ in range(width):
            number, digit = divmod(number, 26)
            out = chr(ord("a") + digit) + out
        return out
    return f"Zq{run}{letters(writer, 2)}{letters(seq, 4)}"


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()      # every answer, GET and POST
        self.outcomes = Counter()      # the writes: succeeded, conflict, refused, 5xx…
        self.by_kind = Counter()
        self.latencies = []
        self.saved = []                # (kind, token, case reference)
        self.interrupted = []          # (kind, token): no answer (a killed worker)
        self.logins = Counter()
        self.samples = {}

    def answer(self, status):
        with self.lock:
            self.statuses[status] += 1


def write(browser, tally, kind, path, overrides, tok, reference):
    """GET the form, POST it with ``overrides``: one write, counted."""
    try:
        status, page, _ = browser.request("GET", path)
    except (OSError, http.client.HTTPException):
        with tally.lock:
            tally.outcomes["no answer to the form's GET"] += 1
        return
    tally.answer(status)
    if status != 200:
        with tally.lock:
            tally.outcomes["5xx" if status >= 500 else f"form GET answered {status}"] += 1
        return
    form = main_form(page, path)
    if form is None:
        with tally.lock:
            tally.outcomes["no form on the page"] += 1
        return
    fields = [f for f in form["fields"] if f[0] not in overrides]
    for name, value in overrides.items():
        if callable(value):
            value = value(form)
        for item in (value if isinstance(value, list) else [value]):
            fields.append([name, item])
    started = time.monotonic()
    try:
        status, page, location = browser.request("POST", path, fields)
    except (OSError, http.client.HTTPException):
        with tally.lock:
            tally.outcomes["interrupted (no answer)"] += 1
            tally.interrupted.append((kind, tok))
        return
    elapsed = time.monotonic() - started
    tally.answer(status)
    with tally.lock:
        tally.latencies.append(elapsed)
        tally.by_kind[kind] += 1
        if status in (301, 302, 303) and "/login" not in location:
            tally.outcomes["succeeded"] += 1
            tally.saved.append((kind, tok, reference))
        elif status == 409:
            tally.outcomes["conflict (409)"] += 1
        elif status >= 500:
            tally.outcomes["5xx"] += 1
            tally.samples.setdefault(f"5xx {kind}", page[:400])
        else:
            tally.outcomes[f"refused ({status})"] += 1
            errors = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>\s*([^<]+)', page)
            tally.samples.setdefault(f"{status} {kind}", errors[:3] or page[:300])


def writer_loop(index, account, base, deadline, tally, start, run):
    username, references = account
    browser = Browser(*base)
    start.wait()
    status, location, page = None, "", ""
    for attempt in range(10):  # a login whose worker was killed is tried again
        try:
            status, page, _ = browser.request("GET", "/login")
            form = main_form(page, "/login")
            fields = dict(form["fields"]) if form else {}
            fields.update(username=username, password=PASSWORD)
            status, page, location = browser.request("POST", "/login", fields)
            tally.answer(status)
            break
        except (OSError, http.client.HTTPException):
            status = None
            with tally.lock:
                tally.logins["interrupted, tried again"] += 1
            time.sleep(0.5)
    if status not in (302, 303) or "/login" in location:
        with tally.lock:
            tally.logins["failed"] += 1
            tally.samples.setdefault(f"login {status}", page[:300] if status else "")
        return
    with tally.lock:
        tally.logins["ok"] += 1
    rng = random.Random(index)
    seq = 0
    while time.monotonic() < deadline:
        seq += 1
        tok = token(run, index, seq)
        reference = rng.choice(references)
        action = rng.choices(("intervention", "edit", "party", "activity"), (4, 2, 2, 2))[0]
        if action == "intervention":
            write(browser, tally, action, f"/cases/{reference}/interventions/new",
                  {"summary": f"{tok} appel de suivi", "kind": "phone"}, tok, reference)
        elif action == "edit":
            write(browser, tally, action, f"/cases/{reference}/edit",
                  {"description": f"{tok} bruits de pas le soir, nouvelle plainte."},
                  tok, reference)
        elif action == "party":
            write(browser, tally, action, f"/cases/{reference}/parties/new",
                  {"last_name": tok, "first_name": "Louise", "role": "other"}, tok, reference)
        else:
            write(browser, tally, action, "/activities/new",
                  {"note": f"{tok} tournée du soir", "people_met": "3"}, tok, None)


def worker_pids(master):
    try:
        with open(f"/proc/{master}/task/{master}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def killer(master, every, deadline, kills, rng):
    """kill -9 one of gunicorn's workers, at a random moment around every ``every`` s."""
    while True:
        pause = rng.uniform(every * 0.5, every * 1.5)
        if time.monotonic() + pause >= deadline - 2:
            return
        time.sleep(pause)
        pids = worker_pids(master)
        if pids:
            victim = rng.choice(pids)
            try:
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)
            except ProcessLookupError:
                pass


def healthy(host, port, tries=100):
    for _ in range(tries):
        try:
            status, _, _ = Browser(host, port, timeout=5).request("GET", "/healthz")
            if status == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    return False


# — Checking the database ———————————————————————————————————————————————————————

def check_database(url, tally, setup_parties):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as c:
        present = {
            "intervention": {r[0].split()[0].lower() for r in c.execute(text(
                "SELECT summary FROM interventions WHERE summary LIKE 'Zq%'"))},
            "party": {r[0].lower() for r in c.execute(text(
                "SELECT last_name FROM parties WHERE last_name LIKE 'Zq%'"))},
            "activity": {r[0].split()[0].lower() for r in c.execute(text(
                "SELECT note FROM field_activities WHERE note LIKE 'Zq%'"))},
        }
        edited = set()
        for (changes,) in c.execute(text("SELECT changes FROM timeline_events "
                                         "WHERE kind = 'edited'")):
            edited.update(t.lower() for t in re.findall(r"Zq[a-zA-Z]+", json.dumps(changes)))
        present["edit"] = edited
        broken = {}
        for name, query in INVARIANTS.items():
            broken[name] = c.execute(text(query.format(setup_parties=setup_parties))).scalar()
    engine.dispose()
    lost = [(kind, tok, ref) for kind, tok, ref in tally.saved
            if tok.lower() not in present[kind]]
    in_db_anyway = sum(1 for kind, tok in tally.interrupted if tok.lower() in present[kind])
    return lost, in_db_anyway, broken


# — The run ———————————————————————————————————————————————————————————————————————

def percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="default: a new SQLite file in the work folder")
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=6200)
    parser.add_argument("--kill-every", type=float, default=0,
                        help="kill -9 a gunicorn worker about every N seconds (0: never)")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(),
                                                        "casework-writers"))
    args = parser.parse_args(argv)

    os.makedirs(args.work, exist_ok=True)
    url = args.database_url or f"sqlite:///{args.work}/writers.sqlite"
    engine_name = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    host = "127.0.0.1"
    os.environ.update(CASEWORK_SECRET_KEY="writers-benchmark-only",
                      CASEWORK_SESSION_COOKIE_SECURE="false",
                      CASEWORK_INSTANCE_PATH=os.path.join(args.work, "instance"))
    fresh_database(url, args.work)
    began = time.monotonic()
    accounts, setup_parties = prepare(url, args.writers)
    print(f"prepared {len(accounts)} mediators with {CASES_EACH} cases each "
          f"in {time.monotonic() - began:.0f} s", flush=True)

    gunicorn = shutil.which("gunicorn", path=os.path.join(ROOT, ".venv", "bin")) \
        or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    command = [gunicorn, "-w", str(args.workers), "-k", args.worker_class, "-b",
               f"{host}:{args.port}", "--timeout", "60", "--graceful-timeout", "5",
               "--log-level", "warning", "--error-logfile", os.path.join(args.work, "gunicorn.log")]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    command.append("casework:create_app()")
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "CASEWORK_DATABASE_URL": url})
    kills = []
    try:
        if not healthy(host, args.port):
            sys.exit("gunicorn did not answer /healthz")
        tally = Tally()
        run = "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3))
        start = threading.Barrier(args.writers + 1)
        deadline = time.monotonic() + args.duration + 5  # the logins' few seconds more
        threads = [threading.Thread(target=writer_loop, args=(i, accounts[i], (host, args.port),
                                                              deadline, tally, start, run))
                   for i in range(args.writers)]
        for thread in threads:
            thread.start()
        start.wait()
        if args.kill_every:
            threading.Thread(target=killer, args=(server.pid, args.kill_every, deadline, kills,
                                                  random.Random(7)), daemon=True).start()
        for thread in threads:
            thread.join()
        restarted = None
        if args.kill_every:
            for _ in range(50):
                if len(worker_pids(server.pid)) == args.workers:
                    break
                time.sleep(0.2)
            restarted = len(worker_pids(server.pid))
        answers = healthy(host, args.port, tries=25)
        if answers:  # and a logged-in page, after the kills
            browser = Browser(host, args.port)
            _, page, _ = browser.request("GET", "/login")
            fields = dict(main_form(page, "/login")["fields"])
            fields.update(username=accounts[0][0], password=PASSWORD)
            status, _, _ = browser.request("POST", "/login", fields)
            answers = status == 302 and browser.request("GET", "/cases/")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()

    lost, in_db_anyway, broken = check_database(url, tally, setup_parties)
    o = tally.outcomes
    attempted = len(tally.latencies) + o["interrupted (no answer)"]
    five = sum(n for s, n in tally.statuses.items() if s >= 500)
    label = args.worker_class + (f" -w {args.workers} --threads {args.threads}"
                                 if args.worker_class == "gthread" else f" -w {args.workers}")
    print(f"== {engine_name}, gunicorn {label}, {args.writers} writers, {args.duration:.0f} s"
          + (f", kill -9 about every {args.kill_every:g} s" if args.kill_every else ""))
    print(f"logins ok {tally.logins['ok']}, failed {tally.logins['failed']}"
          + (f" (interrupted by a kill and tried again: {tally.logins['interrupted, tried again']})"
             if args.kill_every else ""))
    print(f"writes attempted {attempted}: succeeded {o['succeeded']}, "
          f"conflict (409; none expected, writers share no row) {o['conflict (409)']}, "
          f"5xx {o['5xx']}, "
          f"interrupted (no answer) {o['interrupted (no answer)']}, lost {len(lost)}")
    others = {k: v for k, v in o.items() if k not in (
        "succeeded", "conflict (409)", "5xx", "interrupted (no answer)")}
    if others:
        print("other outcomes:", dict(others))
    print(f"by kind: {dict(tally.by_kind)}; 5xx answers (GET and POST) {five}")
    print(f"write latency p50 {percentile(tally.latencies, 0.5) * 1000:.0f} ms, "
          f"p95 {percentile(tally.latencies, 0.95) * 1000:.0f} ms, "
          f"{o['succeeded'] / args.duration:.1f} writes/s")
    if args.kill_every:
        print(f"kill -9: {len(kills)} workers killed; afterwards {restarted} of {args.workers} "
              f"workers running; interrupted writes found in the database anyway: "
              f"{in_db_anyway} of {len(tally.interrupted)} (either is right: the answer never "
              f"came)")
    print(f"app answers after the run (healthz, login, case list): {'yes' if answers else 'NO'}")
    bad = {name: n for name, n in broken.items() if n}
    print("invariants: " + ("all hold (" + str(len(broken)) + " checked)" if not bad
                            else "BROKEN " + json.dumps(bad)))
    for key, sample in list(tally.samples.items())[:6]:
        print(f"  sample {key}: {sample}")
    for kind, tok, ref in lost[:5]:
        print(f"  lost: {kind} {tok} on {ref}")
    # Writers share no row: a 409 here is a save that gave up waiting for the database.
    failed = lost or five or tally.logins["failed"] or bad or not answers or \
        o["conflict (409)"] or \
        (args.kill_every and restarted != args.workers)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
