"""The one place that decides who may see or do what.

Views never test roles themselves: they call ``can()`` or use ``@requires()``.
Case actions (read, change, assign…) are decided here too, by ``can(user, action, case)``;
cases are loaded through ``cases.access.get_case_or_404``, which asks here. Tables and
decisions only: no queries.
"""
from functools import wraps

from flask import abort, current_app
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
#   override_consent   schedule or hold a round table, or record an agreement as signed,
#                      although a party's consent is not recorded as given, with a reason
#                      kept on the timeline (its managers, while the case is open)
#   write_letters      produce the case's letters and attestations (to the referrer, the
#                      attestation of a mediation attempt, to a party): its mediators and
#                      managers, open or closed (the closing letter and the attestation come
#                      after the closure) — not once anonymised (the names are gone)
# A closed case is read-only: nobody may change or assign it; a manager may reopen it.
# Reading: a manager or mediator reads every case of their teams — unless the
# organisation sets MEDIATORS_READ_OWN_CASES_ONLY, when a mediator (who is not also a
# manager) reads only the cases they work on, as lead or co-mediator. Lists and searches
# follow the same rule through case_scope().


def manages(user, case) -> bool:
    """A manager leads the teams they belong to."""
    return MANAGER in user.roles and case.team_id in user.team_ids


def works_on(user, case) -> bool:
    """The case's lead mediator or co-mediator."""
    return MEDIATOR in user.roles and user.id in case.mediator_ids


def in_team(user, case) -> bool:
    return bool(user.roles & {MANAGER, MEDIATOR}) and case.team_id in user.team_ids


def reads_own_cases_only(user) -> bool:
    """Does the organisation's choice (MEDIATORS_READ_OWN_CASES_ONLY) narrow ``user``'s
    reading to the cases they work on? Mediators only: a manager reads their teams'."""
    return bool(current_app.config.get("MEDIATORS_READ_OWN_CASES_ONLY")) \
        and MEDIATOR in user.roles and MANAGER not in user.roles


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
        if reads_own_cases_only(user):
            return in_team(user, case) and works_on(user, case)
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
    if action == "override_consent":
        return case.is_open and manages(user, case)
    if action == "write_letters":
        return case.anonymised_at is None and (manages(user, case) or works_on(user, case))
    raise ValueError(f"unknown case action {action!r}")


def may_check_referral(user, referral, case=None) -> bool:
    """May ``user`` record whether residents took up ``referral``? A manager or mediator of
    the referral's team, whether it belongs to a case (open or closed: the take-up is
    known only later) or to a field activity (no case at all). Given the referral's
    ``case``, they must also be allowed to read it (see MEDIATORS_READ_OWN_CASES_ONLY)."""
    return can(user, "check_referrals") and referral.team_id in user.team_ids \
        and (case is None or can(user, "read", case))


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
    """The teams whose cases ``user`` may read: lists and searches filter on these (and,
    see case_scope, perhaps on the user's own cases within them)."""
    if not user.roles & {MANAGER, MEDIATOR}:
        return set()
    return user.team_ids


def case_scope(user) -> tuple[set[int], int | None]:
    """What lists, searches and counts may show ``user``, as can(user, "read", case)
    decides it for one case: (the teams, and the mediator whose cases alone are shown —
    None when every case of those teams is). cases.lists.readable() makes it a query's
    condition."""
    return visible_teams(user), user.id if reads_own_cases_only(user) else None


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
