"""The one place that decides who may see or do what.

Views never test roles themselves: they call ``can()`` or use ``@requires()``.
Case actions (read, change, assign…) are decided here too, by ``can(user, action, case)``.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .auth.models import ADMIN, MANAGER, MEDIATOR

# Actions that do not concern a single case, and the roles that may do them.
GLOBAL_ACTIONS = {
    "manage_users": {ADMIN},
    "manage_teams": {ADMIN},
    "manage_reference": {ADMIN},
    "work_cases": {MANAGER, MEDIATOR},
}


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
    raise ValueError(f"unknown case action {action!r}")


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
