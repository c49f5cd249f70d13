"""Browser tests: the app served by a real server on a free loopback port, over a fresh
database with the demo organisation, driven by Playwright in Debian's Chromium."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AXE = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
PASSWORD = "casework-demo"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install -y chromium): "
                                   "browser tests not run")
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, scratch_schema):
    """The app with the demo organisation, on http://127.0.0.1:<free port>, over a
    database of its own (a temporary SQLite file, or a PostgreSQL schema)."""
    from casework import create_app
    from casework import demo
    from casework.extensions import db

    from ..conftest import is_postgres

    url = scratch_schema("cw_e2e") if is_postgres() else \
        "sqlite:///" + str(tmp_path_factory.mktemp("e2e") / "casework-e2e.sqlite")
    app = create_app({"TESTING": True, "DATABASE_URL": url,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        db.create_all()
        demo.load()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "app": app}
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server["url"]


@pytest.fixture
def login(page, base_url):
    def log_in(username, language="fr"):
        page.context.set_extra_http_headers({"Accept-Language": language})
        page.goto(f"{base_url}/login")
        page.get_by_label("Identifiant" if language == "fr" else "Username").fill(username)
        page.get_by_label("Mot de passe" if language == "fr" else "Password").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter" if language == "fr" else "Log in").click()
        page.wait_for_load_state()
    return log_in


@pytest.fixture(autouse=True)
def accept_confirmations(page):
    """Irreversible steps ask for confirmation: answer yes, as the user would."""
    page.on("dialog", lambda dialog: dialog.accept())


@pytest.fixture
def axe(page):
    """Run axe-core in the page; returns the serious and critical violations."""
    if not os.path.exists(AXE):
        pytest.skip("axe-core is not installed (npm ci): accessibility not checked")
    source = open(AXE, encoding="utf-8").read()

    def check():
        page.evaluate(source)  # through the debugging protocol: the CSP stays in force
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: "
                               "['violations']})).violations")
        return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in result if v["impact"] in ("serious", "critical")]
    return check


@pytest.fixture(scope="session")
def screenshots():
    folder = os.path.join(ROOT, "tests", "_artifacts")
    os.makedirs(folder, exist_ok=True)
    return folder
