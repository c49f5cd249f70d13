"""Logging in: the failed-login limits, counted in the database, and the sessions held on
the server (operations: they write, and note each event in the access log).

Failed logins are rows of ``login_failures``, so that every worker of every app server sees
the same counts. Two limits (``LOGIN_FAILURES_PER_USERNAME``, ``LOGIN_FAILURES_PER_ADDRESS``,
"5 per 5 minutes" and "30 per 5 minutes" by default):

- one username from one address: after 5 failures the next attempts are refused, right
  password or not, until the oldest failure leaves the window;
- one address, all usernames: after 30 failures the address is refused only for the
  usernames that have failed from it within the window. A username that has not failed
  from it is still checked, so that one person (or a script) failing thirty times from an
  office's shared address does not lock out every colleague behind it; an attacker there
  keeps at most one guess per username per window. Unknown usernames are treated exactly
  like known ones, so the refusals say nothing about which accounts exist.

Each attempt writes its row *before* the counts are read, and removes it if the password
was right or the attempt was refused unchecked: parallel attempts see each other, so firing
a hundred at once gives no more guesses than firing them one by one.

A session is a ``login_sessions`` row; the cookie carries only its random token. Logging
out deletes the row; it ends by itself after ``SESSION_IDLE_LIFETIME`` seconds without a
request and ``SESSION_ABSOLUTE_LIFETIME`` seconds after login; and a new password or a
deactivation (which renew ``User.session_token``) ends every one of the user's sessions.
"""
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.operations import record
from ..core.clock import utcnow
from ..extensions import db
from .models import LoginFailure, LoginSession, User, new_session_token
from .operations import find_user, normalise_username

log = logging.getLogger(__name__)

# last_seen_at is written at most this often: no write per request.
TOUCH_EVERY = timedelta(minutes=1)

LIMIT_RE = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$",
                      re.IGNORECASE)
UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta


def parse_limit(text: str) -> Limit:
    """``"5 per 5 minutes"`` (the notation the settings have always used)."""
    match = LIMIT_RE.match(text or "")
    if not match:
        raise ValueError(f"not a limit such as '5 per 5 minutes': {text!r}")
    count, number, unit = match.groups()
    return Limit(int(count), timedelta(seconds=int(number or 1) * UNITS[unit.lower()]))


def limits(config=None) -> tuple[Limit, Limit]:
    config = config if config is not None else current_app.config
    return (parse_limit(config["LOGIN_FAILURES_PER_USERNAME"]),
            parse_limit(config["LOGIN_FAILURES_PER_ADDRESS"]))


# — Passwords, in the same time whether the account exists or not ————————————————

_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A constant hash made with the app's method, checked when no account has the
    username, so that the answer takes as long as for a real account."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") \
        if has_app_context() else "scrypt"
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("no account has this password",
                                                       method=method)
    return _dummy_hashes[method]


def password_matches(user, password: str) -> bool:
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)


# — Attempts and their limits ———————————————————————————————————————————————

@dataclass
class Attempt:
    username: str
    address: str
    row_id: int
    refused: bool


def begin_attempt(username: str, address: str) -> Attempt:
    """Write the attempt as a failure, then count the earlier ones: is it refused?"""
    username = normalise_username(username)[:64]
    address = (address or "unknown")[:64]
    now = utcnow()
    row = LoginFailure(username=username, address=address, at=now)
    db.session.add(row)
    db.session.commit()
    per_username, per_address = limits()
    username_failures = db.session.execute(
        select(func.count()).select_from(LoginFailure).where(
            LoginFailure.username == username, LoginFailure.address == address,
            LoginFailure.at > now - per_username.window, LoginFailure.id != row.id)
    ).scalar()
    refused = username_failures >= per_username.count
    if not refused and username_failures:
        address_failures = db.session.execute(
            select(func.count()).select_from(LoginFailure).where(
                LoginFailure.address == address, LoginFailure.at > now - per_address.window,
                LoginFailure.id != row.id)
        ).scalar()
        refused = address_failures >= per_address.count
    return Attempt(username, address, row.id, refused)


def _forget(attempt):
    db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt.row_id))
    db.session.commit()


def _failed(attempt, user, why):
    record("login", "session", user=user, target=attempt.username, detail=f"failure: {why}")
    log.info("failed login for account %s: %s", user.id if user else None, why)


@dataclass
class Outcome:
    """``ok``: open a session; ``second_factor``: ask the code first; ``failed``: wrong
    password, unknown username or deactivated account (one message for all three);
    ``refused``: too many failures, nothing checked."""
    status: str
    user: User | None = None


def check_password_login(username: str, password: str, address: str) -> Outcome:
    """The first step of a login: the username and password, within the limits."""
    attempt = begin_attempt(username, address)
    user = find_user(attempt.username)
    if attempt.refused:
        _forget(attempt)
        _failed(attempt, user, "too many failed attempts")
        return Outcome("refused", user)
    if not password_matches(user, password):
        _failed(attempt, user, "wrong password" if user else "unknown username")
        return Outcome("failed", user)
    if not user.active:
        # The right password, but said exactly like a wrong one: the message confirms
        # nothing to whoever is trying passwords.
        _failed(attempt, user, "deactivated account")
        return Outcome("failed", user)
    _forget(attempt)
    return Outcome("second_factor" if user.totp_enabled_at else "ok", user)


def check_second_factor_login(user, code: str, address: str, verify) -> Outcome:
    """The second step: ``verify(user, code)`` (a TOTP code or a recovery code), within
    the same limits as passwords."""
    attempt = begin_attempt(user.username, address)
    if attempt.refused:
        _forget(attempt)
        _failed(attempt, user, "too many failed attempts")
        return Outcome("refused", user)
    if not user.active or not verify(user, code):
        _failed(attempt, user, "wrong second-factor code")
        return Outcome("failed", user)
    _forget(attempt)
    return Outcome("ok", user)


# — Sessions ——————————————————————————————————————————————————————————————————

def open_session(user) -> str:
    """Log ``user`` in: a new server-side session; its token goes in the cookie."""
    now = utcnow()
    row = LoginSession(token=new_session_token(), user_id=user.id,
                       generation=user.session_token, created_at=now, last_seen_at=now)
    db.session.add(row)
    user.last_login_at = now
    db.session.commit()
    record("login", "session", user=user, target=user.username, detail="success")
    log.info("account %s logged in", user.id)
    return row.token


def renew_session(user, token) -> str:
    """After the user changed their own password (which ended every session): this one
    goes on under a new token, the others stay ended."""
    db.session.execute(delete(LoginSession).where(LoginSession.token == token))
    now = utcnow()
    row = LoginSession(token=new_session_token(), user_id=user.id,
                       generation=user.session_token, created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.commit()
    return row.token


def close_session(user, token):
    """Log out: the row goes, so a copy of the cookie opens nothing any more."""
    db.session.execute(delete(LoginSession).where(LoginSession.token == token))
    db.session.commit()
    if user is not None:
        record("login", "session", user=user, target=user.username, detail="logout")
        log.info("account %s logged out", user.id)


def _load(token):
    return db.session.execute(
        select(LoginSession, User).join(User, LoginSession.user_id == User.id)
        .where(LoginSession.token == token)
        .options(joinedload(User.teams), joinedload(User.role_rows))
    ).unique().first()


def session_user(token, *, idle_seconds, absolute_seconds):
    """The user of the session ``token`` and None, or None and why it ended: "ended"
    (logged out, password changed, account deactivated, unknown token), "idle",
    "expired". One query per request; the row is written at most once a minute."""
    found = _load(token) if token else None
    if found is None:
        return None, "ended"
    row, user = found
    now = utcnow()
    why = None
    if not user.active or row.generation != user.session_token:
        why = "ended"
    elif now - row.created_at > timedelta(seconds=absolute_seconds):
        why = "expired"
    elif now - row.last_seen_at > timedelta(seconds=idle_seconds):
        why = "idle"
    if why:
        db.session.execute(delete(LoginSession).where(LoginSession.id == row.id))
        db.session.commit()
        if why != "ended":
            record("login", "session", user=user, target=user.username,
                   detail=f"session expired ({why})")
        return None, why
    if now - row.last_seen_at >= TOUCH_EVERY:
        db.session.execute(update(LoginSession).where(LoginSession.id == row.id)
                           .values(last_seen_at=now))
        db.session.commit()
        row, user = _load(token)
    return user, None


def purge_sessions(idle_seconds, absolute_seconds) -> int:
    """Delete the rows of sessions that have ended by themselves (the retention run)."""
    now = utcnow()
    deleted = db.session.execute(delete(LoginSession).where(
        (LoginSession.last_seen_at < now - timedelta(seconds=idle_seconds))
        | (LoginSession.created_at < now - timedelta(seconds=absolute_seconds)))).rowcount
    db.session.commit()
    return deleted
