"""Writing the access log.

In a request, ``record()`` collects entries on ``g``; they are written after the view, in
one INSERT and a transaction of their own, before the response leaves. If that write fails,
the user gets an error page instead of the page: no page is ever served without its entry.
Outside a request (the command line), ``record()`` writes at once.

Entries never hold a resident's data: the case by reference, objects by kind and id.
"""
import logging

from flask import abort, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import func, insert, select

from ..core.clock import utcnow
from ..extensions import db
from .models import ACTIONS, AccessEntry, AccessLogPurge

log = logging.getLogger(__name__)


def _actor(user):
    if user is None and has_request_context() and current_user \
            and getattr(current_user, "is_authenticated", False):
        user = current_user
    if user is None or not getattr(user, "id", None):
        return None, ""
    return user.id, user.username


def entry(action, object, *, user=None, case=None, case_id=None, target="", detail=""):
    """One entry's values, with the request's address and route when there is one."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access-log action {action!r}")
    user_id, username = _actor(user)
    row = {
        "at": utcnow(), "user_id": user_id, "username": username or "",
        "action": action, "object": object,
        "case_id": getattr(case, "id", None) or case_id,
        "case_reference": (getattr(case, "reference", "") or "")[:12],
        "target": str(target)[:80], "detail": str(detail)[:300],
        "address": "", "endpoint": "",
    }
    if has_request_context():
        row["address"] = (request.remote_addr or "")[:64]
        row["endpoint"] = f"{request.endpoint or ''} {request.method}"[:80]
    return row


def record(action, object, *, user=None, case=None, target="", detail=""):
    """Note one entry: ``action`` (see models.ACTIONS) on ``object`` (a kind of thing),
    optionally of ``case``, ``target`` naming which one (by id or code), ``detail`` a few
    words that hold no resident's data. ``user`` defaults to the logged-in user."""
    row = entry(action, object, user=user, case=case, target=target, detail=detail)
    if has_request_context():
        g.setdefault("access_entries", []).append(row)
    else:
        db.session.execute(insert(AccessEntry), [row])
        db.session.commit()


def pending():
    """The entries this request has noted so far (for the hook and for tests)."""
    return g.get("access_entries", []) if has_request_context() else []


def write_pending():
    """Write this request's entries, in a transaction of their own."""
    rows = g.pop("access_entries", None)
    if not rows:
        return
    try:
        session = db.session
        if session.new or session.dirty or session.deleted:
            # Nothing the view left half-done goes in with the log.
            session.rollback()
        db.session.execute(insert(AccessEntry), rows)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("the access log could not be written: the page is not served")
        raise


def purge_before(moment) -> int:
    """Delete the entries older than ``moment`` (the retention run): the one deletion the
    database allows, by a permit written and removed in the same transaction."""
    up_to = db.session.execute(
        select(func.max(AccessEntry.id)).where(AccessEntry.at < moment)).scalar()
    if up_to is None:
        return 0
    db.session.add(AccessLogPurge(up_to_id=up_to))
    db.session.flush()
    deleted = db.session.execute(
        AccessEntry.__table__.delete().where(AccessEntry.id <= up_to)).rowcount
    db.session.execute(AccessLogPurge.__table__.delete())
    db.session.commit()
    return deleted


def write_access_log(response):
    """After each request (registered by ``tracking.init_app``): write what it noted, or
    refuse the page."""
    if g.get("access_entries"):
        try:
            write_pending()
        except Exception:
            abort(500)
    return response
