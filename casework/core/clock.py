"""The one clock: every "now" and "today" the app uses comes from here, and so does the
organisation's time zone. Tests and the demo set the time; nothing else reads the system
clock."""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Europe/Paris"

_told_now: ContextVar = ContextVar("casework_told_now", default=None)
_frozen_now: datetime | None = None


def utcnow() -> datetime:
    """Now, in UTC. Every timestamp the app writes comes from here."""
    return _told_now.get() or _frozen_now or datetime.now(timezone.utc)


def local_zone() -> ZoneInfo:
    """The organisation's time zone (``BABEL_DEFAULT_TIMEZONE``), where people live."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def today() -> date:
    """Today, in the organisation's time zone (at 00:30 in Lyon it is already tomorrow)."""
    return utcnow().astimezone(local_zone()).date()


def to_utc(day: date, moment: time) -> datetime:
    """A date and time typed in the organisation's time zone, as a UTC moment."""
    return datetime.combine(day, moment, tzinfo=local_zone()).astimezone(timezone.utc)


def to_local(value: datetime) -> datetime:
    return value.astimezone(local_zone())


@contextmanager
def clock_at(moment: datetime):
    """Write as if it were ``moment``: the demo data tells a story over past weeks."""
    token = _told_now.set(moment)
    try:
        yield
    finally:
        _told_now.reset(token)


def freeze(moment: datetime | None):
    """Stop the clock at ``moment`` for the whole process (every thread), or let it run
    again with None. For tests: their dates then never depend on the day they run."""
    global _frozen_now
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen_now = moment
