"""Every change to accounts and teams goes through these functions (and is logged).

Logs name accounts by id only: staff names and e-mails stay out of the logs.
"""
import logging
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..core.changes import who
from ..core.errors import OperationError
from ..extensions import db
from .models import ADMIN, MANAGER, MEDIATOR, LoginFailure, Team, User, new_session_token

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def password_problem(password: str):
    """Why this password is refused, or None. One rule for forms and the command line."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _l("The password must be at least %(n)d characters long.", n=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _l("The password must be at most %(n)d characters long.", n=PASSWORD_MAX_LENGTH)
    if not password.strip():
        return _l("The password cannot be only spaces.")
    return None


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def username_problem(username: str):
    if not USERNAME_RE.match(username):
        return _l(
            "3 to 64 characters: lower-case letters, digits, dots, dashes and underscores, "
            "starting with a letter or a digit."
        )
    return None


def email_problem(email: str):
    if len(email) > 254 or not EMAIL_RE.match(email):
        return _l("Enter a valid e-mail address, such as prenom.nom@example.org.")
    return None


def roles_problem(roles, teams):
    if not roles:
        return _l("Choose at least one role.")
    if (MANAGER in roles or MEDIATOR in roles) and not teams:
        return _l("Managers and mediators belong to at least one team.")
    return None


def find_user(username: str):
    return db.session.execute(
        select(User).where(User.username == normalise_username(username))
    ).scalar_one_or_none()


def username_taken(username: str, except_user=None) -> bool:
    query = select(User.id).where(User.username == normalise_username(username))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.execute(query).first() is not None


def email_taken(email: str, except_user=None) -> bool:
    query = select(User.id).where(func.lower(User.email) == email.strip().lower())
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.execute(query).first() is not None


def _commit_user(user):
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # Another request took the name between our check and our write.
        raise OperationError(_l("This username or e-mail is already used."), field="username")


def create_user(actor, *, username, full_name, email, password, roles, teams=(),
                language=None, active=True, title="") -> User:
    """Create a staff account. ``actor`` is None when created from the command line."""
    username = normalise_username(username)
    problem = (username_problem(username) or password_problem(password)
               or email_problem(email.strip()) or roles_problem(roles, teams))
    if problem:
        raise OperationError(problem)
    user = User(username=username, full_name=full_name.strip(), email=email.strip().lower(),
                language=language or None, active=active, title=title or "")
    user.set_password(password)
    user.roles = roles
    user.teams = list(teams)
    db.session.add(user)
    _commit_user(user)
    log.info("account %s created by %s, roles %s", user.id, who(actor), sorted(roles))
    return user


def update_user(actor, user, *, username, full_name, email, roles, teams, language,
                title=None):
    """Change an account's identity, roles and teams (not its password or active flag)."""
    username = normalise_username(username)
    problem = (username_problem(username) or email_problem(email.strip())
               or roles_problem(roles, teams))
    if problem:
        raise OperationError(problem)
    if actor is not None and actor.id == user.id and ADMIN not in roles:
        raise OperationError(_l("You cannot remove your own admin role."), field="roles")
    user.username = username
    user.full_name = full_name.strip()
    user.email = email.strip().lower()
    user.roles = roles
    user.teams = list(teams)
    user.language = language or None
    if title is not None:
        user.title = title
    _commit_user(user)
    log.info("account %s updated by %s, roles %s", user.id, who(actor), sorted(roles))
    return user


def reset_password(actor, user, password):
    """Set a new password; every open session of the account ends."""
    problem = password_problem(password)
    if problem:
        raise OperationError(problem, field="password")
    user.set_password(password)
    db.session.commit()
    log.info("password of account %s reset by %s", user.id, who(actor))


def change_own_password(user, current_password, new_password):
    if not user.check_password(current_password):
        raise OperationError(_l("The current password is not correct."),
                             field="current_password")
    reset_password(user, user, new_password)


def set_active(actor, user, active: bool):
    """Activate or deactivate an account. Deactivating ends its open sessions at once."""
    if actor is not None and actor.id == user.id and not active:
        raise OperationError(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        user.session_token = new_session_token()
    db.session.commit()
    log.info("account %s %s by %s", user.id, "activated" if active else "deactivated",
             who(actor))


def set_language(user, language):
    """Remember the user's interface language (None: follow the browser)."""
    user.language = language
    db.session.commit()


def renew_calendar_token(user):
    """Give the user a new secret calendar-feed address; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.commit()
    return user.calendar_token


def purge_login_failures(before) -> int:
    """Delete the failed logins recorded before ``before`` (the retention run calls it with
    now minus RETENTION_LOGIN_FAILURES_DAYS); the limits look back minutes only. Logins and
    their sessions are in auth/logins.py."""
    deleted = db.session.execute(
        delete(LoginFailure).where(LoginFailure.at < before)).rowcount
    db.session.commit()
    return deleted


def team_name_taken(name: str, except_team=None) -> bool:
    query = select(Team.id).where(func.lower(Team.name) == name.strip().lower())
    if except_team is not None:
        query = query.where(Team.id != except_team.id)
    return db.session.execute(query).first() is not None


def save_team(actor, team, *, name) -> Team:
    """Create (``team`` None) or rename a team."""
    name = name.strip()
    if not name:
        raise OperationError(_l("This field is required."), field="name")
    if team_name_taken(name, except_team=team):
        raise OperationError(_l("A team with this name already exists."), field="name")
    created = team is None
    if created:
        team = Team(name=name)
        db.session.add(team)
    else:
        team.name = name
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OperationError(_l("A team with this name already exists."), field="name")
    log.info("team %s %s by %s", team.id, "created" if created else "renamed", who(actor))
    return team
