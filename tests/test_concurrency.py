"""Many saves at the same moment, through a real threaded server: each ends in success or
a conflict message, never in a 500 (7 of 80 simultaneous scan uploads answered 500 once)."""
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from werkzeug.serving import make_server

from casework.core import clock

from .test_agreements import PDF, clauses, signed_case  # noqa: F401  (a fixture)

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def server(app):
    running = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{running.server_port}"
    running.shutdown()
    thread.join(5)


class Browser:
    """A logged-in user over HTTP (cookies kept), as a real browser would be."""

    def __init__(self, base, username, password):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/login", {"username": username, "password": password}, page="/login")

    def get(self, path):
        return self.opener.open(self.base + path, timeout=60).read().decode()

    def token(self, page):
        return CSRF.search(self.get(page)).group(1)

    def post(self, path, data, page=None, files=None, token=None):
        data = {**data, "csrf_token": token or self.token(page or path)}
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for key, value in data.items():
                body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\""
                         f"\r\n\r\n{value}\r\n").encode()
            for key, (name, content) in files.items():
                body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"; "
                         f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
                         ).encode() + content + b"\r\n"
            body += f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            kind = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Content-Type": kind,
                                                  "Accept-Language": "en"})
        try:
            response = self.opener.open(request, timeout=60)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def at_once(count, action):
    """Run ``action(i)`` in ``count`` threads released together; their results."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(index):
        start.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def test_simultaneous_scan_uploads_never_answer_500(app, client, org, make, refs, clauses,
                                                    server):
    case = signed_case(app, client, make, org, clauses)
    from .factories import PASSWORD

    browser = Browser(server, "mona.mediator", PASSWORD)
    token = browser.token(f"/cases/{case.reference}/agreement")
    results = at_once(20, lambda i: browser.post(
        f"/cases/{case.reference}/agreement/v1/scan", {}, token=token,
        files={"scan": (f"scan-{i}.pdf", PDF)}))
    statuses = sorted(status for status, _body in results)
    assert all(status < 500 for status in statuses), statuses


def test_interventions_and_case_edits_at_the_same_moment_never_answer_500(
        app, org, make, refs, server):
    case = make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")])
    from .factories import PASSWORD
    from .test_case_edit import edit_data

    mediator = Browser(server, "mona.mediator", PASSWORD)
    manager = Browser(server, "marc.manager", PASSWORD)
    log_token = mediator.token(f"/cases/{case.reference}/interventions/new")
    edit_token = manager.token(f"/cases/{case.reference}/edit")
    edit = edit_data(org, refs, case, street="4 rue Changée")

    def action(index):
        if index % 2:
            return manager.post(f"/cases/{case.reference}/edit",
                                {**edit, "version": str(case.version)}, token=edit_token)
        return mediator.post(f"/cases/{case.reference}/interventions/new", {
            "kind": "phone", "day": clock.today().isoformat(), "moment": "00:01",
            "duration_minutes": "20", "summary": f"Appel {index}",
            "mediators": str(org["mediator"].id)}, token=log_token)

    results = at_once(16, action)
    statuses = sorted(status for status, _body in results)
    assert all(status < 500 for status in statuses), statuses
