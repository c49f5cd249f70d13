"""The list of my teams' field activities, a month at a time, with the month's totals:
the same number of queries whatever the number of rows."""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..cases.models import PartnerReferral
from ..core.clock import to_utc, today
from ..core.forms import id_or_none
from ..extensions import db
from .models import FieldActivity

PAGE_SIZE = 25
LIST_OPTIONS = (joinedload(FieldActivity.kind), joinedload(FieldActivity.team),
                joinedload(FieldActivity.territory), selectinload(FieldActivity.mediators),
                selectinload(FieldActivity.referrals))


@dataclass
class Totals:
    activities: int
    people_met: int
    interventions: int
    referrals: int


@dataclass
class Page:
    activities: list
    totals: Totals
    number: int
    pages: int


def _month(value):
    try:
        moment = datetime.strptime(value or "", "%Y-%m")
    except ValueError:
        return None
    return moment.date() if 2000 <= moment.year <= 2100 else None


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


class ActivityQuery:
    """The list's filters, read from the query string (bad values are ignored)."""

    def __init__(self, args, team_ids):
        team = id_or_none(args.get("team"))
        self.team = team if team in team_ids else None
        self.kind = id_or_none(args.get("kind"))
        self.month = _month(args.get("month")) or today().replace(day=1)
        self.page = id_or_none(args.get("page")) or 1
        self.team_ids = set(team_ids)

    @property
    def is_current_month(self):
        return self.month == today().replace(day=1)

    def args(self, **changes):
        values = {"team": self.team, "kind": self.kind,
                  "month": self.month.strftime("%Y-%m"), "page": self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", 1)}

    def conditions(self):
        start = to_utc(self.month, time(0))
        end = to_utc(next_month(self.month), time(0))
        found = [FieldActivity.team_id.in_(self.team_ids), FieldActivity.at >= start,
                 FieldActivity.at < end]
        if self.team:
            found.append(FieldActivity.team_id == self.team)
        if self.kind:
            found.append(FieldActivity.kind_id == self.kind)
        return found


def activity_page(query: ActivityQuery) -> Page:
    """The month's activities of my teams (newest first), a page at a time, and the
    month's totals under the same filters, summed by the database."""
    conditions = query.conditions()
    referrals = select(func.count(PartnerReferral.id)).join(
        FieldActivity, PartnerReferral.field_activity_id == FieldActivity.id
    ).where(*conditions).scalar_subquery()
    row = db.session.execute(
        select(func.count(FieldActivity.id), func.coalesce(func.sum(FieldActivity.people_met), 0),
               func.coalesce(func.sum(FieldActivity.interventions), 0), referrals)
        .where(*conditions)).one()
    totals = Totals(*(int(value) for value in row))
    pages = max(1, -(-totals.activities // PAGE_SIZE))
    number = min(max(query.page, 1), pages)
    activities = db.session.execute(
        select(FieldActivity).where(*conditions).options(*LIST_OPTIONS)
        .order_by(FieldActivity.at.desc(), FieldActivity.id.desc())
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).scalars().all()
    return Page(activities, totals, number, pages)
