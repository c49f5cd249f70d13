"""Reading the access log: its filters, a page of entries at a time (newest first, by
keyset, so the cost does not grow with the log), and every matching entry for the export."""
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select

from ..core.clock import to_utc
from ..core.forms import id_or_none
from ..extensions import db
from .models import ACTIONS, AccessEntry

PAGE_SIZE = 50


def _day(value):
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


@dataclass
class Page:
    entries: list
    # The id to ask for the next (older) page, or None on the last one.
    older: int | None


class LogQuery:
    """The log's filters, read from the query string (usernames, references, dates: no
    resident's data travels in the URL). Bad values are dropped and said so."""

    def __init__(self, args):
        self.user = (args.get("user") or "").strip().lower()[:64]
        self.case = (args.get("case") or "").strip().upper()[:12]
        action = args.get("action") or ""
        self.action = action if action in ACTIONS else ""
        self.since = _day(args.get("since"))
        self.until = _day(args.get("until"))
        self.before = id_or_none(args.get("before"))
        self.problems = [name for name in ("since", "until")
                         if (args.get(name) or "").strip() and getattr(self, name) is None]

    def args(self, **changes):
        values = {"user": self.user, "case": self.case, "action": self.action,
                  "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else "",
                  "before": self.before}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def filtered(self):
        return bool(self.user or self.case or self.action or self.since or self.until)

    def conditions(self):
        found = []
        if self.user:
            found.append(AccessEntry.username == self.user)
        if self.case:
            found.append(AccessEntry.case_reference == self.case)
        if self.action:
            found.append(AccessEntry.action == self.action)
        if self.since:
            found.append(AccessEntry.at >= to_utc(self.since, time(0)))
        if self.until:
            found.append(AccessEntry.at < to_utc(self.until + timedelta(days=1), time(0)))
        return found


def page(conditions, before=None, size=PAGE_SIZE) -> Page:
    """Up to ``size`` entries older than the id ``before``, newest first."""
    query = select(AccessEntry).where(*conditions)
    if before:
        query = query.where(AccessEntry.id < before)
    rows = db.session.execute(
        query.order_by(AccessEntry.id.desc()).limit(size + 1)).scalars().all()
    older = rows[size - 1].id if len(rows) > size else None
    return Page(rows[:size], older)


def every(conditions, batch=1000):
    """Every matching entry, oldest first, fetched a batch at a time (the export)."""
    return db.session.execute(
        select(AccessEntry).where(*conditions).order_by(AccessEntry.id)
        .execution_options(yield_per=batch)).scalars()
