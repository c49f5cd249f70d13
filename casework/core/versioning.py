"""Optimistic locking: a save based on an older version of a record is refused, and two
saves at the same moment end in a conflict, never in an error page."""
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .errors import EditConflict


def check_version(record, version):
    """The form was opened on ``version`` of ``record``; anything else (or a tampered
    value) is a conflict. No version given: nothing to check."""
    if version is None or version == "":
        return
    try:
        opened = int(version)
    except (TypeError, ValueError):
        raise EditConflict() from None
    if opened != record.version:
        raise EditConflict()


def is_contention(error: DBAPIError) -> bool:
    """A lock or serialisation failure: another save held the row or the database."""
    text = str(getattr(error, "orig", error)).lower()
    return any(sign in text for sign in (
        "database is locked", "could not serialize", "deadlock detected",
        "lock timeout", "could not obtain lock"))


def commit(session):
    """Commit one user action. A record changed meanwhile by someone else, or a save held
    up by a simultaneous one, rolls the whole action back and raises EditConflict."""
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise EditConflict() from None
    except IntegrityError:
        session.rollback()
        raise
    except DBAPIError as error:
        session.rollback()
        if is_contention(error):
            raise EditConflict() from None
        raise
