"""Build accounts and teams for tests, straight in the database."""
from functools import lru_cache

from werkzeug.security import generate_password_hash

from casework.auth.models import Team, User
from casework.extensions import db

PASSWORD = "correct horse battery"


@lru_cache(maxsize=None)
def _hash(password):
    # Hashing (scrypt) is slow on purpose: do it once per password for the whole run.
    return generate_password_hash(password, method="scrypt")


def team(name="Territoires") -> Team:
    team = Team(name=name)
    db.session.add(team)
    db.session.commit()
    return team


def user(username="mediator", *, roles=("mediator",), teams=(), full_name=None,
         password=PASSWORD, active=True, language=None) -> User:
    account = User(
        username=username,
        full_name=full_name or username.replace(".", " ").title(),
        email=f"{username}@example.org",
        password_hash=_hash(password),
        active=active,
        language=language,
    )
    account.roles = roles
    account.teams = list(teams)
    db.session.add(account)
    db.session.commit()
    return account
