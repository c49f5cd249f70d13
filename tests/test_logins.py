"""Logins that hold (issue 15), tried as a hostile user would: sessions that end on the
server, failed-login limits counted in the database, X-Forwarded-For believed only from the
configured proxies, the second factor, failed logins that say and time nothing, and every
login event in the access log."""
import re
import statistics
import time
from datetime import timedelta

import pyotp
import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import event, func, select
from werkzeug.security import generate_password_hash

from casework import ConfigurationError, create_app
from casework.audit.models import AccessEntry
from casework.auth import logins, operations
from casework.auth.models import LoginFailure, LoginSession, RecoveryCode, User
from casework.core import clock
from casework.extensions import db

from .factories import PASSWORD

COOKIE = "casework_session"
ENDED = "Your session has ended, please log in again."
EN = {"Accept-Language": "en"}


@pytest.fixture
def move_clock():
    """``move_clock(minutes=5)``: the clock jumps that far from the test's start."""
    start = clock.utcnow()

    def move(**delta):
        clock.freeze(start + timedelta(**delta))

    yield move
    clock.freeze(start)


def entries(app, **filters):
    with app.app_context():
        return db.session.execute(select(AccessEntry).filter_by(**filters)
                                  .order_by(AccessEntry.id)).scalars().all()


def count(app, model, **filters):
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(model).filter_by(**filters)).scalar()


def account(app, username):
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        db.session.expunge(user)
        return user


def attempt(client, username, password, address=None, headers=None):
    kwargs = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    token = client.csrf_token()
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password},
                       headers={**EN, **(headers or {})}, **kwargs)


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def ends_with_message(client):
    """The next page sends to the login page and says the session has ended."""
    response = client.get("/account", headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"
    page = client.get(response.headers["Location"], headers=EN).text
    assert ENDED in page and "Please log in to see this page." not in page
    assert ENDED not in client.get("/login", headers=EN).text  # said once


# — Sessions held on the server ———————————————————————————————————————————————

def test_after_logout_a_copied_cookie_opens_nothing(app, client, org):
    client.login("mona.mediator")
    copied = client.get_cookie(COOKIE).value
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert is_logged_in(thief)  # the copy works while the session is open…
    client.logout()
    ends_with_message(thief)    # …and not once it is logged out
    assert count(app, LoginSession) == 0


def test_the_cookie_holds_a_session_token_not_the_user(app, client, org):
    client.login("mona.mediator")
    other = app.test_client()
    other.login("mona.mediator")
    with app.app_context():
        tokens = db.session.execute(select(LoginSession.token)).scalars().all()
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    other.logout()
    assert is_logged_in(client)  # logging out one session leaves the other open


def test_a_remember_me_cookie_cannot_bring_an_ended_session_back(app, client, org):
    client.login("mona.mediator")
    with app.app_context():
        token = db.session.execute(select(LoginSession.token)).scalar_one()
        remember = encode_cookie(token)
    client.logout()
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert not is_logged_in(thief)


def test_an_idle_session_ends_and_says_so(app, client, org, move_clock):
    client.login("mona.mediator")
    idle = app.config["SESSION_IDLE_LIFETIME"]
    move_clock(seconds=idle - 30)
    assert is_logged_in(client)
    move_clock(seconds=2 * idle - 29)
    ends_with_message(client)
    assert count(app, LoginSession) == 0
    [expired] = [e for e in entries(app, action="login") if "expired" in e.detail]
    assert expired.detail == "session expired (idle)"
    assert expired.user_id == org["mediator"].id


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, client, org, move_clock):
    client.login("mona.mediator")
    assert app.config["SESSION_IDLE_LIFETIME"] == 4 * 3600
    assert app.config["SESSION_ABSOLUTE_LIFETIME"] == 12 * 3600
    for hours in (3, 6, 9, 11.9):
        move_clock(hours=hours)
        assert is_logged_in(client), hours
    move_clock(hours=12, seconds=1)
    ends_with_message(client)
    [expired] = [e for e in entries(app, action="login") if "expired" in e.detail]
    assert expired.detail == "session expired (expired)"


def test_the_session_is_written_at_most_once_a_minute(app, client, org, move_clock):
    client.login("mona.mediator")
    with app.app_context():
        engine = db.engine
    writes = []

    def note(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE LOGIN_SESSIONS"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        for seconds in (0, 10, 30, 59):
            move_clock(seconds=seconds)
            assert is_logged_in(client)
        assert writes == []
        move_clock(seconds=61)
        assert is_logged_in(client)
        assert is_logged_in(client)
        assert len(writes) == 1
    finally:
        event.remove(engine, "before_cursor_execute", note)
    with app.app_context():
        seen = db.session.execute(select(LoginSession.last_seen_at)).scalar_one()
    assert seen == clock.utcnow()


def test_deactivation_and_a_password_reset_end_the_sessions(app, client, org):
    client.login("mona.mediator")
    with app.app_context():
        operations.set_active(db.session.get(User, org["admin"].id),
                              db.session.get(User, org["mediator"].id), False)
    ends_with_message(client)
    client.login("marc.manager")
    with app.app_context():
        operations.reset_password(None, db.session.get(User, org["manager"].id),
                                  "a brand new password")
    ends_with_message(client)


def test_changing_ones_password_keeps_this_session_and_ends_the_others(app, org):
    here, elsewhere = app.test_client(), app.test_client()
    here.login("mona.mediator")
    elsewhere.login("mona.mediator")
    response = here.submit("/account", {"pw-current_password": PASSWORD,
                                        "pw-password": "another good password",
                                        "pw-confirm": "another good password"})
    assert response.status_code == 302
    assert is_logged_in(here)
    ends_with_message(elsewhere)
    assert count(app, LoginSession) == 1


# — Failed-login limits, counted in the database ——————————————————————————————

def test_failures_are_counted_across_app_servers(new_app, org):
    """Two app servers (or workers) over one database: five failures in all, not each."""
    servers = [new_app(), new_app()]
    for number in range(5):
        response = attempt(servers[number % 2].test_client(), "mona.mediator", "nope")
        assert response.status_code == 401
    response = attempt(servers[1].test_client(), "mona.mediator", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    response = attempt(servers[0].test_client(), "mona.mediator", PASSWORD)
    assert response.status_code == 429
    assert count(servers[0], LoginFailure, username="mona.mediator") == 5


def test_the_username_limit_lifts_after_its_window(client, org, move_clock):
    for _ in range(5):
        assert attempt(client, "mona.mediator", "nope").status_code == 401
    move_clock(minutes=4, seconds=59)
    assert attempt(client, "mona.mediator", PASSWORD).status_code == 429
    move_clock(minutes=5, seconds=1)
    assert attempt(client, "mona.mediator", PASSWORD).status_code == 302


def test_guesses_fired_at_once_get_no_more_tries(app, org, monkeypatch):
    """Twelve attempts in parallel while each password check is slow: each attempt is
    written before the counts are read, so no more than five are checked."""
    import threading

    def slow_wrong(user, password):
        time.sleep(0.3)
        return False

    monkeypatch.setattr(logins, "password_matches", slow_wrong)
    clients = [app.test_client() for _ in range(12)]
    tokens = [c.csrf_token() for c in clients]
    start, statuses = threading.Barrier(len(clients)), []

    def guess(client, token):
        start.wait()
        statuses.append(client.post("/login", data={
            "csrf_token": token, "username": "mona.mediator", "password": "guess"}).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 12 and set(statuses) <= {401, 429}
    assert 1 <= statuses.count(401) <= 5
    assert count(app, LoginFailure) == statuses.count(401)


def test_an_address_over_its_limit_does_not_lock_out_the_office(client, org):
    office = "192.0.2.10"
    # Thirty failures from the office's address: six names, five times each.
    for name in range(6):
        for _ in range(5):
            assert attempt(client, f"ghost{name}", "nope", office).status_code == 401
    # A colleague who has not failed from here logs in with the right password…
    assert attempt(client, "marc.manager", PASSWORD, office).status_code == 302
    client.logout()
    # …one who then fails once is refused for the window, like the names that failed…
    assert attempt(client, "mona.mediator", "typo", office).status_code == 401
    assert attempt(client, "mona.mediator", PASSWORD, office).status_code == 429
    assert attempt(client, "ghost0", "again", office).status_code == 429
    # …and from another address nothing is refused.
    assert attempt(client, "mona.mediator", PASSWORD, "198.51.100.20").status_code == 302


def test_the_limits_are_the_documented_ones(app):
    per_username, per_address = logins.limits(app.config)
    assert (per_username.count, per_username.window) == (5, timedelta(minutes=5))
    assert (per_address.count, per_address.window) == (30, timedelta(minutes=5))


def test_old_failures_are_purged_for_the_retention_run(app, client, org, move_clock):
    attempt(client, "mona.mediator", "nope")
    move_clock(days=40)
    attempt(client, "mona.mediator", "nope again")
    with app.app_context():
        deleted = operations.purge_login_failures(clock.utcnow() - timedelta(days=30))
    assert deleted == 1 and count(app, LoginFailure) == 1


# — X-Forwarded-For, only from the trusted proxies ————————————————————————————

def failure_address(app):
    with app.app_context():
        return db.session.execute(select(LoginFailure.address)
                                  .order_by(LoginFailure.id.desc())).scalars().first()


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(new_app, org):
    app = new_app(TRUSTED_PROXIES="10.0.0.1, 172.16.0.0/12")
    client = app.test_client()
    forged = {"X-Forwarded-For": "198.51.100.7"}
    attempt(client, "mona.mediator", "nope", "203.0.113.9", forged)
    assert failure_address(app) == "203.0.113.9"  # a client cannot choose its address
    attempt(client, "mona.mediator", "nope", "10.0.0.1", forged)
    assert failure_address(app) == "198.51.100.7"
    # Through two proxies of ours; what the client wrote on the left is ignored.
    attempt(client, "mona.mediator", "nope", "10.0.0.1",
            {"X-Forwarded-For": "1.2.3.4, 198.51.100.8, 172.16.5.5"})
    assert failure_address(app) == "198.51.100.8"
    entry = entries(app, action="login")[-1]
    assert entry.address == "198.51.100.8"


def test_a_forged_forwarded_for_does_not_escape_the_limit(new_app, org):
    app = new_app(TRUSTED_PROXIES="10.0.0.1")
    client = app.test_client()
    for number in range(5):
        attempt(client, "mona.mediator", "nope", "203.0.113.9",
                {"X-Forwarded-For": f"198.51.100.{number}"})
    response = attempt(client, "mona.mediator", PASSWORD, "203.0.113.9",
                       {"X-Forwarded-For": "198.51.100.99"})
    assert response.status_code == 429


def test_proxy_count_still_works_without_trusted_proxies(new_app, org):
    app = new_app(PROXY_COUNT=1)
    attempt(app.test_client(), "mona.mediator", "nope", "10.9.9.9",
            {"X-Forwarded-For": "198.51.100.7"})
    assert failure_address(app) == "198.51.100.7"


def test_a_wrong_trusted_proxies_setting_stops_the_start(database_url):
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        create_app({"TESTING": True, "DATABASE_URL": database_url,
                    "TRUSTED_PROXIES": "10.0.0.1, the-load-balancer"})


# — The second factor ——————————————————————————————————————————————————————————

SETUP = "/account/second-factor"


def code(secret, seconds=0):
    """The code an app shows now (by the app's clock), or ``seconds`` from now."""
    return pyotp.TOTP(secret).at(clock.utcnow() + timedelta(seconds=seconds))


def enrol(app, client, username):
    """Set up a second factor through the pages; the secret and the recovery codes. The
    phone's clock is 30 s slow, so that the code of now is still unused for logging in."""
    assert client.submit(SETUP + "/start", {}, page=SETUP).status_code == 302
    page = client.get(SETUP, headers=EN).text
    secret = account(app, username).totp_secret
    assert secret and secret in page and "<svg" in page
    response = client.submit(SETUP + "/confirm", {"confirm-code": code(secret, -30)},
                             page=SETUP, headers=EN)
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", response.text)
    return secret, codes


def test_a_manager_sets_up_a_second_factor_and_gets_ten_recovery_codes(app, client, org):
    client.login("marc.manager")
    assert "Set up a second factor" in client.get("/account", headers=EN).text
    secret, codes = enrol(app, client, "marc.manager")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert account(app, "marc.manager").totp_enabled_at == clock.utcnow()
    with app.app_context():
        hashes = db.session.execute(select(RecoveryCode.code_hash)).scalars().all()
    assert len(hashes) == 10 and not set(codes) & set(hashes)  # kept hashed only
    page = client.get(SETUP, headers=EN).text
    assert "10 recovery codes left." in page and codes[0] not in page  # shown once
    assert [e.detail for e in entries(app, object="second_factor")] == ["enrolled"]


def test_a_wrong_confirmation_code_leaves_the_second_factor_off(app, client, org):
    client.login("marc.manager")
    client.submit(SETUP + "/start", {}, page=SETUP)
    response = client.submit(SETUP + "/confirm", {"confirm-code": "000000"}, page=SETUP,
                             headers=EN)
    assert response.status_code == 200
    assert "This code is not the one your app shows" in response.text
    assert account(app, "marc.manager").totp_enabled_at is None


def test_mediators_are_not_offered_a_second_factor(client, org):
    client.login("mona.mediator")
    assert "Second factor" not in client.get("/account", headers=EN).text
    assert client.get(SETUP).status_code == 403


def test_login_asks_for_the_code_before_opening_a_session(app, client, org):
    client.login("marc.manager")
    secret, _codes = enrol(app, client, "marc.manager")
    client.logout()
    sessions = count(app, LoginSession)
    response = client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    assert response.headers["Location"] == "/login/second-factor"
    assert not is_logged_in(client) and count(app, LoginSession) == sessions
    response = client.submit("/login/second-factor", {"code": "123456"}, headers=EN)
    assert response.status_code == 401 and "This code is not right" in response.text
    response = client.submit("/login/second-factor", {"code": code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_logged_in(client)


def test_a_code_is_accepted_only_once(app, client, org, move_clock):
    """Someone who saw the code typed cannot use it again, even within its 30 seconds."""
    client.login("marc.manager")
    secret, _codes = enrol(app, client, "marc.manager")
    client.logout()
    client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    seen = code(secret)
    assert client.submit("/login/second-factor", {"code": seen}).status_code == 302
    client.logout()
    client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    assert client.submit("/login/second-factor", {"code": seen}).status_code == 401
    move_clock(seconds=30)
    assert client.submit("/login/second-factor", {"code": code(secret)}).status_code == 302


def test_a_recovery_code_logs_in_once(app, client, org):
    client.login("marc.manager")
    _secret, codes = enrol(app, client, "marc.manager")
    client.logout()
    client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    response = client.submit("/login/second-factor", {"code": codes[3].upper()})
    assert response.status_code == 302 and is_logged_in(client)
    client.logout()
    client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    assert client.submit("/login/second-factor", {"code": codes[3]}).status_code == 401
    assert count(app, RecoveryCode, used_at=None) == 9


def test_wrong_codes_count_against_the_limit(app, client, org):
    client.login("marc.manager")
    secret, _codes = enrol(app, client, "marc.manager")
    client.logout()
    client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    for _ in range(5):
        assert client.submit("/login/second-factor", {"code": "000000"}).status_code == 401
    response = client.submit("/login/second-factor", {"code": code(secret)})
    assert response.status_code == 429 and not is_logged_in(client)


def test_the_code_must_follow_the_password_within_minutes(app, client, org, move_clock):
    client.login("marc.manager")
    secret, _codes = enrol(app, client, "marc.manager")
    client.logout()
    client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    move_clock(minutes=5, seconds=1)
    response = client.submit("/login/second-factor", {"code": code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not is_logged_in(client)


def test_turning_the_second_factor_off_needs_the_password(app, client, org):
    client.login("marc.manager")
    enrol(app, client, "marc.manager")
    response = client.submit(SETUP + "/disable", {"disable-password": "not my password"},
                             page=SETUP, headers=EN)
    assert "The current password is not correct." in response.text
    assert account(app, "marc.manager").totp_enabled_at is not None
    client.submit(SETUP + "/disable", {"disable-password": PASSWORD}, page=SETUP)
    assert account(app, "marc.manager").totp_secret is None
    assert count(app, RecoveryCode) == 0
    client.logout()
    client.login("marc.manager")  # the password alone again
    assert [e.detail for e in entries(app, object="second_factor")] == ["enrolled",
                                                                       "disabled"]


def test_new_recovery_codes_replace_the_old_ones(app, client, org):
    client.login("marc.manager")
    _secret, old = enrol(app, client, "marc.manager")
    response = client.submit(SETUP + "/recovery-codes", {"codes-password": PASSWORD},
                             page=SETUP)
    new = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", response.text)
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    client.submit("/login", {"username": "marc.manager", "password": PASSWORD})
    assert client.submit("/login/second-factor", {"code": old[0]}).status_code == 401
    assert client.submit("/login/second-factor", {"code": new[0]}).status_code == 302


def test_a_required_second_factor_must_be_set_up_before_anything_else(new_app, org):
    app = new_app(SECOND_FACTOR_REQUIRED_ROLES="admin, manager")
    client = app.test_client()
    client.login("marc.manager")
    for page in ("/", "/cases/", "/account", "/reports/"):
        response = client.get(page, headers=EN)
        assert response.status_code == 302 and response.headers["Location"] == SETUP, page
    assert "asks for a second factor" in client.get(SETUP, headers=EN).text
    enrol(app, client, "marc.manager")
    assert client.get("/cases/").status_code == 200
    mediator = app.test_client()
    mediator.login("mona.mediator")  # not a required role
    assert mediator.get("/cases/").status_code == 200


@pytest.mark.parametrize("roles", ["mediator", "admin, chief"])
def test_only_roles_that_can_use_a_second_factor_may_require_it(database_url, roles):
    with pytest.raises(ConfigurationError, match="SECOND_FACTOR_REQUIRED_ROLES|roles"):
        create_app({"TESTING": True, "DATABASE_URL": database_url,
                    "SECOND_FACTOR_REQUIRED_ROLES": roles})


def test_an_administrator_resets_a_lost_second_factor(app, client, org):
    manager = app.test_client()
    manager.login("marc.manager")
    enrol(app, manager, "marc.manager")
    client.login("alice.admin")
    marc = org["manager"].id
    response = client.submit(f"/admin/users/{marc}/second-factor/reset", {},
                             page=f"/admin/users/{marc}")
    assert response.status_code == 302
    assert account(app, "marc.manager").totp_enabled_at is None
    assert count(app, RecoveryCode) == 0
    [entry] = entries(app, action="admin", detail="second factor reset")
    assert entry.user_id == org["admin"].id and entry.target == str(marc)
    manager.logout()
    manager.login("marc.manager")  # the password alone


# — Failed logins say nothing and take the same time ——————————————————————————

def message(response):
    return re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', response.text, re.S)


def test_a_deactivated_account_is_told_the_same_whatever_the_password(client, make):
    make.user("gone.user", active=False)
    right = attempt(client, "gone.user", PASSWORD)
    wrong = attempt(client, "gone.user", "not the password")
    unknown = attempt(client, "nobody.here", PASSWORD)
    assert right.status_code == wrong.status_code == unknown.status_code == 401
    assert message(right) == message(wrong) == message(unknown)
    assert "Unknown username or wrong password." in right.text
    assert "deactivated" not in right.text


def test_an_unknown_username_costs_a_password_check_too(app, client, org, monkeypatch):
    import casework.auth.logins as logins_module
    import casework.auth.models as models_module

    checks = []

    def counting(real):
        def check(hash_, password):
            checks.append(hash_)
            return real(hash_, password)
        return check

    monkeypatch.setattr(logins_module, "check_password_hash",
                        counting(logins_module.check_password_hash))
    monkeypatch.setattr(models_module, "check_password_hash",
                        counting(models_module.check_password_hash))
    attempt(client, "nobody.here", "a guess")
    attempt(client, "mona.mediator", "a guess")
    assert len(checks) == 2


def test_a_failed_login_takes_as_long_whether_the_username_exists(app, client, org):
    """With the production hash (scrypt), where the check is what takes time."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    with app.app_context():
        user = db.session.get(User, org["mediator"].id)
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
        db.session.commit()
    attempt(client, "nobody.warmup", "x")  # the dummy hash is made once

    def duration(username, address):
        start = time.perf_counter()
        assert attempt(client, username, "a wrong guess", address).status_code == 401
        return time.perf_counter() - start

    known = statistics.median(duration("mona.mediator", f"192.0.2.{n}") for n in range(4))
    unknown = statistics.median(duration("nobody.here", f"192.0.2.{n}") for n in range(4))
    assert 0.5 < unknown / known < 2, (known, unknown)


# — The access log ————————————————————————————————————————————————————————————

def test_every_login_event_is_in_the_access_log_and_no_password(app, client, org):
    attempt(client, "mona.mediator", "my secret guess")
    attempt(client, "nobody.here", "another secret guess")
    client.login("mona.mediator")
    client.logout()
    logged = [(e.user_id, e.target, e.detail) for e in entries(app, action="login")]
    mona = org["mediator"].id
    assert logged == [(mona, "mona.mediator", "failure: wrong password"),
                      (None, "nobody.here", "failure: unknown username"),
                      (mona, "mona.mediator", "success"),
                      (mona, "mona.mediator", "logout")]
    with app.app_context():
        rows = db.session.execute(select(AccessEntry.__table__)).all()
    text = repr(rows)
    assert "secret guess" not in text and PASSWORD not in text


def test_the_admin_account_page_part_offers_the_reset(app, client, org):
    """templates/auth/_admin_second_factor.html, which the admin's account page includes."""
    from flask import render_template

    manager = app.test_client()
    manager.login("marc.manager")
    enrol(app, manager, "marc.manager")
    with app.test_request_context(headers=EN):
        marc = db.session.get(User, org["manager"].id)
        part = render_template("auth/_admin_second_factor.html", account=marc)
        mona = render_template("auth/_admin_second_factor.html",
                               account=db.session.get(User, org["mediator"].id))
    assert f'action="/admin/users/{marc.id}/second-factor/reset"' in part
    assert "second-factor/reset" not in mona and "Not in use." in mona
