"""The one place that decides who may see or do what.

Views never test roles themselves: they call ``can()`` or use ``@requires()``.
Case actions (read, change, assign…) are decided here too, by ``can(user, action, case)``;
cases are loaded through ``cases.access.get_case_or_404``, which asks here. Tables and
decisions only: no queries.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .auth.models import ADMIN, MANAGER, MEDIATOR, PRIVACY_OFFICER

# Actions that do not concern a single case, and the roles that may do them.
GLOBAL_ACTIONS = {
    "manage_users": {ADMIN},
    "manage_teams": {ADMIN},
    "manage_reference": {ADMIN},
    "work_cases": {MANAGER, MEDIATOR},
    "record_referral": {MANAGER, MEDIATOR},
    "assign_cases": {MANAGER},
    "manage_clauses": {MANAGER},
    "see_reports": {MANAGER},
    # Record whether residents took up a referral to a partner (see may_check_referral).
    "check_referrals": {MANAGER, MEDIATOR},
    # Field activity (presence rounds, workshops…): logged for one's own teams.
    "log_field_activity": {MANAGER, MEDIATOR},
    # Privacy (RGPD): the privacy officer reads the access log, runs the retention and
    # answers people's requests about their data — and reads no case.
    "read_access_log": {PRIVACY_OFFICER},
    "run_retention": {PRIVACY_OFFICER},
    "answer_data_requests": {PRIVACY_OFFICER},
    # A second factor at login (TOTP, recovery codes), for the accounts that see the most.
    "use_second_factor": {ADMIN, MANAGER, PRIVACY_OFFICER},
}


# Actions on one case, decided by can(user, action, case):
#   read               see the case (summary, parties, timeline)
#   change             edit it, add parties, log contacts, take the workflow's steps
#   assign             choose or change its mediators
#   reopen             reopen it once closed
#   read_confidential  read confidential notes and minutes (the case's mediators, managers)
#   record_survey      record the referring partner's survey answers later, on a closed case
#                      too (the case's mediators, managers)
#   read_access_history  see who read and changed the case (its managers)
#   anonymise          anonymise a closed case at once, with a reason (its managers; the
#                      privacy officer does it from the privacy pages, by reference)
# A closed case is read-only: nobody may change or assign it; a manager may reopen it.


def manages(user, case) -> bool:
    """A manager leads the teams they belong to."""
    return MANAGER in user.roles and case.team_id in user.team_ids


def works_on(user, case) -> bool:
    """The case's lead mediator or co-mediator."""
    return MEDIATOR in user.roles and user.id in case.mediator_ids


def in_team(user, case) -> bool:
    return bool(user.roles & {MANAGER, MEDIATOR}) and case.team_id in user.team_ids


def can(user, action: str, case=None) -> bool:
    """May ``user`` do ``action`` (on ``case``, for case actions)?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if case is None:
        try:
            allowed = GLOBAL_ACTIONS[action]
        except KeyError:
            raise ValueError(f"unknown action {action!r}") from None
        return bool(user.roles & allowed)
    if action == "read":
        return in_team(user, case)
    if action == "change":
        return case.is_open and (manages(user, case) or works_on(user, case))
    if action == "assign":
        return case.is_open and manages(user, case)
    if action == "reopen":
        return not case.is_open and manages(user, case)
    if action == "read_confidential":
        return manages(user, case) or works_on(user, case)
    if action == "record_survey":
        # Asked after the closure: allowed on a closed case, unlike "change".
        return manages(user, case) or works_on(user, case)
    if action == "read_access_history":
        return manages(user, case)
    if action == "anonymise":
        return not case.is_open and case.anonymised_at is None and manages(user, case)
    raise ValueError(f"unknown case action {action!r}")


def may_check_referral(user, referral) -> bool:
    """May ``user`` record whether residents took up ``referral``? A manager or mediator of
    the referral's team, whether it belongs to a case (open or closed: the take-up is
    known only later) or to a field activity (no case at all)."""
    return can(user, "check_referrals") and referral.team_id in user.team_ids


def may_on_activity(user, action: str, activity) -> bool:
    """May ``user`` ``edit`` (see and correct) or ``delete`` a field activity? Its team's
    mediators and managers edit it; its author or a manager of its team deletes it."""
    if not can(user, "log_field_activity") or activity.team_id not in user.team_ids:
        return False
    if action == "edit":
        return True
    if action == "delete":
        return activity.created_by_id == user.id or MANAGER in user.roles
    raise ValueError(f"unknown activity action {action!r}")


def visible_teams(user) -> set[int]:
    """The teams whose cases ``user`` may read: lists and searches filter on these."""
    if not user.roles & {MANAGER, MEDIATOR}:
        return set()
    return user.team_ids


def may_take(user, step, case) -> bool:
    """May ``user`` take the workflow step ``step`` (a workflow.Transition) on ``case``?
    The one place that says which steps need a manager: the step names its action."""
    return can(user, step.action, case)


def denied(user, action, case):
    """Raise PermissionError unless ``can(user, action, case)``: operations call it first,
    whoever calls them (a view, a command, a test)."""
    if not can(user, action, case):
        raise PermissionError(f"account {user.id if user else None} may not {action} "
                              f"case {case.reference}")


def requires(action: str):
    """View decorator: log in first, then 403 unless ``can(current_user, action)``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app):
    @app.context_processor
    def permission_helpers():
        return {"can": lambda action, case=None: can(current_user, action, case)}
