"""Column helpers shared by every module's models, and the clock."""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


_frozen_now: ContextVar = ContextVar("casework_frozen_now", default=None)


def utcnow() -> datetime:
    """Now, in UTC. Every timestamp the app writes comes from here."""
    return _frozen_now.get() or datetime.now(timezone.utc)


def today() -> date:
    return utcnow().date()


@contextmanager
def clock_at(moment: datetime):
    """Write as if it were ``moment``: the demo data tells a story over past weeks."""
    token = _frozen_now.set(moment)
    try:
        yield
    finally:
        _frozen_now.reset(token)


class UTCDateTime(TypeDecorator):
    """A moment in time, stored in UTC and read back timezone-aware on every database
    (SQLite keeps no time zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTCDateTime column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value
