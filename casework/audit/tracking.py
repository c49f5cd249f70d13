"""The access log's automatic entries, so that no route depends on remembering to log.

- **Reads**: after a successful GET of a route of ``policy.READS``, one entry (the case comes
  from ``cases.access.get_case_or_404``, which leaves it on ``g.case``).
- **Changes**: the first flush of a request that writes anything notes one ``change`` entry,
  inserted on the flush's own connection: it commits with the change or is rolled back with
  it, so a change is never without its entry.
- **Administrators' actions**: every flush that creates, changes or removes an account, a
  role, a team, a password, a second factor or a reference list writes an ``admin`` entry
  saying what changed (field names and ids, never a password or a resident's data), in the
  same transaction — in a request or on the command line, whatever the log level.

The database tables are named rather than their models imported, so that the log knows no
domain module.
"""
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from . import policy
from .models import AccessEntry
from .operations import entry, write_access_log

# Rows that are the log's own or the login's bookkeeping: they make no "change".
BOOKKEEPING = {"access_log", "access_log_purges", "login_sessions", "login_failures"}

# Administrators' objects, by table: what the entry calls them.
ADMIN_TABLES = {
    "users": "account", "user_roles": "account", "recovery_codes": "account",
    "teams": "team", "reference_items": "reference", "partners": "reference",
    "meeting_places": "reference", "clause_templates": "reference",
}
# An account's fields, as the entry names them; the rest (last login, session token,
# language) change by themselves and are not an administrator's action.
ACCOUNT_FIELDS = {
    "username": "username", "full_name": "name", "email": "e-mail",
    "password_hash": "password", "active": "active", "totp_secret": "second factor",
    "totp_enabled_at": "second factor", "calendar_token": "calendar link", "teams": "teams",
}


def _table(obj):
    return getattr(type(obj), "__tablename__", "")


def _changed_fields(obj):
    state = inspect(obj)
    return [attr.key for attr in state.attrs if attr.history.has_changes()]


def _teams_change(user):
    history = inspect(user).attrs.teams.history
    return "teams" + "".join(f" +{t.id}" for t in sorted(history.added, key=lambda t: t.id)) \
        + "".join(f" -{t.id}" for t in sorted(history.deleted, key=lambda t: t.id))


def _account_detail(user, created, added_roles, removed_roles):
    """"created, roles manager, mediator, teams 1" or "roles +manager; password"."""
    if created:
        roles = ", ".join(sorted(added_roles)) or "none"
        teams = ", ".join(str(team.id) for team in user.teams) or "none"
        return f"created, roles {roles}, teams {teams}"
    parts = []
    for field in _changed_fields(user):
        label = ACCOUNT_FIELDS.get(field)
        if label == "active":
            label = "activated" if user.active else "deactivated"
        elif label == "teams":
            label = _teams_change(user)
        if label and label not in parts:
            parts.append(label)
    if added_roles or removed_roles:
        parts.append("roles" + "".join(f" +{r}" for r in sorted(added_roles))
                     + "".join(f" -{r}" for r in sorted(removed_roles)))
    return "; ".join(parts)


def _actor_id():
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


def admin_entries(session):
    """The administrators' entries of one flush (see the module's docstring)."""
    rows = []
    actor = _actor_id()
    # Accounts: the user row and its role rows together, one entry per account.
    accounts = {}
    for state, objs in (("new", session.new), ("dirty", session.dirty),
                        ("deleted", session.deleted)):
        for obj in objs:
            table = _table(obj)
            if table not in ADMIN_TABLES:
                continue
            if table in ("users", "user_roles", "recovery_codes"):
                user_id = obj.id if table == "users" else obj.user_id
                item = accounts.setdefault(user_id, {"user": None, "created": False,
                                                     "deleted": False, "added": set(),
                                                     "removed": set(), "codes": False})
                if table == "users":
                    item["user"] = obj
                    item["created"] = state == "new"
                    item["deleted"] = state == "deleted"
                elif table == "user_roles" and state != "dirty":
                    (item["added"] if state == "new" else item["removed"]).add(obj.role)
                else:
                    item["codes"] = True
                continue
            if state == "dirty" and not session.is_modified(obj):
                continue
            what = {"new": "created", "deleted": "removed"}.get(state) or \
                "changed: " + ", ".join(_changed_fields(obj))
            rows.append(entry("admin", ADMIN_TABLES[table],
                              target=f"{table.removesuffix('s')} {obj.id}", detail=what))
    for user_id, item in accounts.items():
        user = item["user"]
        if item["deleted"]:
            detail = "removed"
        elif user is not None:
            detail = _account_detail(user, item["created"], item["added"], item["removed"])
        else:
            detail = "roles" + "".join(f" +{r}" for r in sorted(item["added"])) + \
                "".join(f" -{r}" for r in sorted(item["removed"]))
        if item["codes"]:
            detail = "; ".join(part for part in (detail, "recovery codes") if part)
        if not detail:
            continue
        own = actor is not None and actor == user_id
        rows.append(entry("change" if own else "admin", "own_account" if own else "account",
                          target=f"account {user_id}", detail=detail))
    return rows


def _case_of(session):
    """The case a write is about: the one the view loaded, or the one written."""
    case = g.get("case")
    if case is not None:
        return case, None
    for obj in list(session.new) + list(session.dirty):
        if _table(obj) == "cases":
            return obj, None
        case_id = getattr(obj, "case_id", None)
        if isinstance(case_id, int):
            return None, case_id
    return None, None


def change_entry(session):
    """The one ``change`` entry of a writing request, or None."""
    if not has_request_context() or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if g.get("access_change_noted") or request.endpoint in policy.CHANGES_RECORDED_BY_VIEW:
        return None
    written = [obj for objs in (session.new, session.dirty, session.deleted) for obj in objs
               if _table(obj) not in BOOKKEEPING]
    if not written:
        return None
    case, case_id = _case_of(session)
    endpoint = request.endpoint or ""
    obj = policy.CHANGE_OBJECTS.get(endpoint, endpoint.rpartition(".")[2] or "page")
    return entry("change", obj, case=case, case_id=case_id,
                 target=policy.target_of(request.view_args))


def after_flush(session, flush_context):
    """Note what the flush did: administrators' actions are gathered for the commit (one
    action often takes several flushes); a request's first other write is noted now."""
    rows = admin_entries(session)
    if rows:
        pending = session.info.setdefault("audit_admin", {})
        for row in rows:
            key = (row["action"], row["object"], row["target"])
            if key in pending:
                parts = pending[key]["detail"].split("; ")
                parts += [p for p in row["detail"].split("; ") if p not in parts]
                pending[key]["detail"] = "; ".join(parts)[:300]
            else:
                pending[key] = row
        # An administrator's entry says more than a bare "change": it stands for it.
        if has_request_context():
            g.access_change_noted = True
        return
    row = change_entry(session)
    if row is not None:
        g.access_change_noted = True
        session.connection().execute(insert(AccessEntry.__table__), [row])


def before_commit(session):
    """Write the administrators' entries in the transaction of their action."""
    session.flush()
    pending = session.info.pop("audit_admin", None)
    if pending:
        session.connection().execute(insert(AccessEntry.__table__), list(pending.values()))


def after_rollback(session):
    session.info.pop("audit_admin", None)
    if has_request_context():
        g.pop("access_change_noted", None)


def note_read(response):
    """After a successful GET of a route that shows a case, a document or an export."""
    if request.method == "GET" and response.status_code == 200:
        what = policy.READS.get(request.endpoint)
        if what is not None:
            # First: the page, then what the view noted it showed.
            g.setdefault("access_entries", []).insert(0, entry(
                what[0], what[1], case=g.get("case"),
                target=policy.target_of(request.view_args)))
    return response


def init_app(app):
    # On every ORM session (the app's scoped session makes plain Sessions); once, however
    # many apps a process builds.
    for name, listener in (("after_flush", after_flush), ("before_commit", before_commit),
                           ("after_rollback", after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    # after_request functions run last registered first: note the read, then write it.
    app.after_request(write_access_log)
    app.after_request(note_read)
