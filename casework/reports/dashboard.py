"""The dashboard's figures: what the association accounts for over a period, in a manager's
teams — interventions (in cases and in the field), cases received and open, outcomes,
delays, referrals to partners, satisfaction and each mediator's workload.

``dashboard(team_ids, period)`` returns plain dataclasses (no ORM object), labels already
in the current language, for the page, the spreadsheet and the annual report alike. Every
figure is computed in SQL, in a fixed number of queries whatever the number of rows;
medians and 90th percentiles too (window functions, portable to SQLite and PostgreSQL).

No figure names a resident: lines are kinds, teams, territories, partners, reasons and
staff members. Anything meant to leave the association may show a small breakdown cell as
"< 5" with ``small_cell``.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask_babel import format_date, get_locale
from sqlalchemy import (Date, Integer, and_, case, cast, event, exists, func, literal, or_,
                        select, union_all)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..activity.models import FieldActivity, field_activity_mediators
from ..auth.models import Team, User
from ..cases import workflow
from ..cases.models import (Case, Party, PartnerReferral, SatisfactionAnswer, case_categories)
from ..core.clock import local_zone, today
from ..extensions import db
from ..meetings.models import (Intervention, RoundTable, intervention_mediators,
                               intervention_parties, round_table_mediators)
from ..reference.models import Partner, ReferenceItem
from ..web.labels import INTERVENTION_KIND_LABELS, OUTCOME_LABELS, REFERRAL_STAGE_LABELS
from . import periods

# Under this many, a breakdown cell may point at a person: shown as "< 5" outside.
SMALL_CELL = 5
# Outcomes that mean an agreement was signed (then kept, or not, at follow-up).
AGREEMENT_OUTCOMES = ("agreement_respected", "agreement_breached")
# Answers on the 1–4 scale that count as positive ("useful or necessary", "satisfied"…).
POSITIVE_ANSWERS = (3, 4)
RESIDENT_QUESTIONS = ("useful", "satisfied", "recommend")
PARTNER_QUESTION = "effect"
# Ages of the open caseload, in months since the referral was received: (key, up to).
AGE_BUCKETS = (("under_1", 1), ("1_to_3", 3), ("3_to_6", 6), ("over_6", None))
DELAYS = ("first_contact", "first_round_table", "closure")
STAGES = ("intake", "case", "closure", "field")


# --- The shapes -----------------------------------------------------------------------

@dataclass
class Count:
    """One line of a simple breakdown. ``key``: a code or an id; ``of``: the total the
    share is taken of (0: no share)."""
    key: object
    label: str
    count: int = 0
    of: int = 0

    @property
    def share(self) -> float | None:
        return self.count / self.of if self.of else None


@dataclass
class InterventionLine:
    """Interventions in cases and in the field, and the people met, for one kind, team,
    territory, mediator or month. People met: in cases, the distinct parties met (a
    resident called five times is one person); in the field, the activities'
    ``people_met`` (counts, never names). ``minutes``: time spent, both together."""
    key: object
    label: str
    case: int = 0
    field: int = 0
    case_people: int = 0
    field_people: int = 0
    minutes: int = 0

    @property
    def total(self) -> int:
        return self.case + self.field

    @property
    def people(self) -> int:
        return self.case_people + self.field_people


@dataclass
class Interventions:
    """``by_kind`` keys are ``("case", code)`` or ``("field", reference item id)``;
    ``by_month`` splits the period by month (or by year beyond 24 months; ``unit`` says
    which, "" for a period within one month: then no split)."""
    total: InterventionLine
    unit: str = ""
    by_kind: list[InterventionLine] = field(default_factory=list)
    by_team: list[InterventionLine] = field(default_factory=list)
    by_territory: list[InterventionLine] = field(default_factory=list)
    by_mediator: list[InterventionLine] = field(default_factory=list)
    by_month: list[InterventionLine] = field(default_factory=list)


@dataclass
class Received:
    """Cases received (``received_on``) in the period. A case in two categories counts in
    each: the category lines may add up to more than ``total``."""
    total: int
    by_source: list[Count] = field(default_factory=list)
    by_category: list[Count] = field(default_factory=list)
    by_territory: list[Count] = field(default_factory=list)
    by_team: list[Count] = field(default_factory=list)


@dataclass
class Caseload:
    """The cases open today (whatever the period), by age since the referral was received
    (keys of AGE_BUCKETS) and by team."""
    open: int
    by_age: list[Count] = field(default_factory=list)
    by_team: list[Count] = field(default_factory=list)


@dataclass
class Outcomes:
    """Cases closed (``closed_on``) in the period: how many ended with an agreement signed
    (respected or breached at follow-up), how many of those were respected, and each
    closing outcome with its share of the closed cases."""
    closed: int
    agreements: int = 0
    respected: int = 0
    by_outcome: list[Count] = field(default_factory=list)

    @property
    def agreement_share(self) -> float | None:
        return self.agreements / self.closed if self.closed else None

    @property
    def respected_share(self) -> float | None:
        """Agreements respected at follow-up = respected / (respected + breached)."""
        return self.respected / self.agreements if self.agreements else None


@dataclass
class Delay:
    """Days from the referral (``received_on``) to a step, for the cases that reached the
    step in the period: first contact (first intervention, local date) made in the period,
    first held round table (local date) in the period, closure in the period. ``median``
    is the middle value (the mean of the two middle ones for an even count); ``p90`` the
    90th percentile by nearest rank. None when no case reached the step."""
    key: str
    label: str
    cases: int = 0
    median: float | None = None
    p90: int | None = None


@dataclass
class ReferralLine:
    """Referrals to partners, and what is known of their take-up."""
    key: object
    label: str
    count: int = 0
    yes: int = 0
    no: int = 0

    @property
    def known(self) -> int:
        return self.yes + self.no

    @property
    def take_up(self) -> float | None:
        """yes / (yes + no): the referrals whose take-up is unknown are left out."""
        return self.yes / self.known if self.known else None


@dataclass
class Referrals:
    """Referrals to partners made (``referred_on``) in the period by the teams — the
    portrait's "mises en relation"."""
    total: ReferralLine
    by_partner: list[ReferralLine] = field(default_factory=list)
    by_reason: list[ReferralLine] = field(default_factory=list)
    by_stage: list[ReferralLine] = field(default_factory=list)
    by_team: list[ReferralLine] = field(default_factory=list)


@dataclass
class Answers:
    """One survey question: answers given (a question left empty is no answer) and how
    many were 3 or 4 on the 1–4 scale."""
    key: str
    label: str
    answers: int = 0
    positive: int = 0

    @property
    def share(self) -> float | None:
        return self.positive / self.answers if self.answers else None


@dataclass
class Satisfaction:
    """Survey answers given (``answered_on``) in the period on the teams' cases.
    Response rates: residents who answered / parties of the cases closed in the period;
    partners' answers / cases closed in the period that a partner referred."""
    residents: list[Answers] = field(default_factory=list)
    partners: Answers | None = None
    respondents: int = 0
    parties_of_closed: int = 0
    partner_answers: int = 0
    closed_with_referrer: int = 0

    @property
    def resident_rate(self) -> float | None:
        return self.respondents / self.parties_of_closed if self.parties_of_closed else None

    @property
    def partner_rate(self) -> float | None:
        return (self.partner_answers / self.closed_with_referrer
                if self.closed_with_referrer else None)


@dataclass
class WorkloadLine:
    """A mediator's open cases today (as lead, as co-mediator) and interventions (in cases
    and in the field) and round tables held in the period."""
    key: int
    label: str
    open_lead: int = 0
    open_co: int = 0
    case_interventions: int = 0
    field_interventions: int = 0
    round_tables: int = 0

    @property
    def open_cases(self) -> int:
        return self.open_lead + self.open_co

    @property
    def interventions(self) -> int:
        return self.case_interventions + self.field_interventions


@dataclass
class Dashboard:
    period: periods.Period
    team_ids: list[int]
    interventions: Interventions | None
    received: Received | None
    caseload: Caseload | None
    outcomes: Outcomes | None
    delays: list[Delay] | None
    referrals: Referrals | None
    satisfaction: Satisfaction | None
    workload: list[WorkloadLine] | None


def small_cell(value: int, threshold: int = SMALL_CELL) -> int | str:
    """A breakdown cell for anything that leaves the association (spreadsheet, annual
    report): 1 to ``threshold - 1`` becomes "< 5", so a figure cannot point at a person;
    0 and larger counts are kept. Managers see exact figures on screen."""
    return f"< {threshold}" if 0 < value < threshold else value


PARTS = ("interventions", "received", "caseload", "outcomes", "delays", "referrals",
         "satisfaction", "workload")


def dashboard(team_ids, period: periods.Period, parts=PARTS) -> Dashboard:
    """The figures of ``period`` (local days, bounds in core.clock.local_zone) in the teams
    ``team_ids`` (already scoped to what the user may see). About forty queries, however
    many rows. ``parts``: only these sections (names of PARTS; the others are None), for
    a chart that needs one."""
    team_ids = sorted(team_ids)
    scope = _Scope(team_ids, period)
    makers = {"interventions": _interventions, "received": _received, "caseload": _caseload,
              "outcomes": _outcomes, "delays": _delays, "referrals": _referrals,
              "satisfaction": _satisfaction, "workload": _workload}
    return Dashboard(period=period, team_ids=team_ids, **{
        name: makers[name](scope) if name in parts else None for name in PARTS})


# --- SQL helpers ----------------------------------------------------------------------

class local_date(FunctionElement):
    """The local calendar day of a UTC moment, in the given time zone (a name)."""
    type = Date()
    inherit_cache = True


@compiles(local_date)
def _local_date_postgresql(element, compiler, **kw):
    moment, zone = list(element.clauses)
    return (f"CAST(timezone({compiler.process(zone, **kw)}, {compiler.process(moment, **kw)})"
            " AS DATE)")


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"cw_local_date({compiler.process(element.clauses, **kw)})"


class days_between(FunctionElement):
    """Whole days from the second date to the first."""
    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"CAST(round(julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)})) AS INTEGER)")


def _sqlite_local_date(moment, zone):
    """SQLite has no time zones: the moment as stored (UTC text) to its local day."""
    from zoneinfo import ZoneInfo

    if moment is None:
        return None
    value = datetime.fromisoformat(str(moment)[:26])
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(zone)).date().isoformat()


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function("cw_local_date", 2, _sqlite_local_date,
                                         deterministic=True)


def _language() -> str:
    return str(get_locale() or "fr")[:2]


def _item_label(item):
    """A reference item's label in the current language, in SQL."""
    if _language() == "en":
        return case((func.coalesce(item.label_en, "") != "", item.label_en),
                    else_=item.label_fr)
    return item.label_fr


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate in range(day.day, 0, -1):  # 31 March minus one month: 28 February
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class _Scope:
    def __init__(self, team_ids, period: periods.Period):
        self.team_ids, self.period = team_ids, period
        self.zone = local_zone()
        self.start, self.end = period.bounds(self.zone)
        self.unit, self.bucket_days = period.buckets()

    def between(self, column):
        return and_(column >= self.period.first, column <= self.period.last)

    def during(self, column):
        return and_(column >= self.start, column < self.end)

    def bucket(self, column):
        """The index of the month (or year) a UTC moment falls in."""
        edges = [periods.midnight_utc(day, self.zone) for day in self.bucket_days[1:]]
        if not edges:
            return literal(0)
        return case(*[(column < edge, index) for index, edge in enumerate(edges)],
                    else_=len(edges))

    def bucket_labels(self) -> list[str]:
        if self.unit == "month":
            return [format_date(day, "LLLL y") for day in self.bucket_days]
        return [str(day.year) for day in self.bucket_days]


def _rows(query):
    return db.session.execute(query).all()


# --- Interventions --------------------------------------------------------------------

NO_TERRITORY = "none"


def _interventions(scope: _Scope) -> Interventions:
    from flask_babel import gettext as _

    # Interventions carry their case's team: the period's rows of these teams by one index
    # (ix_interventions_team_at), the cases table joined only for a case's territory.
    case_where = and_(scope.during(Intervention.at),
                      Intervention.team_id.in_(scope.team_ids))
    field_where = and_(scope.during(FieldActivity.at),
                       FieldActivity.team_id.in_(scope.team_ids))
    territory = ReferenceItem.__table__.alias("territory")
    kind_item = ReferenceItem.__table__.alias("kind_item")

    def case_query(*columns, joins=()):
        query = select(*columns).select_from(Intervention)
        for target, on, outer in joins:
            query = query.join(target, on, isouter=outer)
        return query.where(case_where)

    def field_query(*columns, joins=()):
        query = select(*columns).select_from(FieldActivity)
        for target, on, outer in joins:
            query = query.join(target, on, isouter=outer)
        return query.where(field_where)

    people = intervention_parties
    mediators_case = (intervention_mediators,
                      intervention_mediators.c.intervention_id == Intervention.id, False)
    mediators_field = (field_activity_mediators,
                       field_activity_mediators.c.field_activity_id == FieldActivity.id, False)
    parties_join = (people, people.c.intervention_id == Intervention.id, False)
    dimensions = {
        # name: (case key+label columns, case joins, field key+label columns, field joins)
        "kind": ((Intervention.kind, literal("")), (),
                 (FieldActivity.kind_id, _item_label(kind_item.c)),
                 ((kind_item, kind_item.c.id == FieldActivity.kind_id, False),)),
        "team": ((Team.id, Team.name), ((Team, Team.id == Intervention.team_id, False),),
                 (Team.id, Team.name), ((Team, Team.id == FieldActivity.team_id, False),)),
        "territory": ((Case.territory_id, _item_label(territory.c)),
                      ((Case, Case.id == Intervention.case_id, False),
                       (territory, territory.c.id == Case.territory_id, True)),
                      (FieldActivity.territory_id, _item_label(territory.c)),
                      ((territory, territory.c.id == FieldActivity.territory_id, True),)),
        "mediator": ((User.id, User.full_name),
                     (mediators_case, (User, User.id == intervention_mediators.c.user_id,
                                       False)),
                     (User.id, User.full_name),
                     (mediators_field, (User, User.id == field_activity_mediators.c.user_id,
                                        False))),
        "month": ((scope.bucket(Intervention.at), literal("")), (),
                  (scope.bucket(FieldActivity.at), literal("")), ()),
    }
    if not scope.unit:
        dimensions.pop("month")

    case_measures = (func.count(Intervention.id),
                     func.coalesce(func.sum(Intervention.duration_minutes), 0))
    field_measures = (func.coalesce(func.sum(FieldActivity.interventions), 0),
                      func.coalesce(func.sum(FieldActivity.people_met), 0),
                      func.coalesce(func.sum(FieldActivity.duration_minutes), 0))

    count, minutes = db.session.execute(case_query(*case_measures)).one()
    case_people = db.session.scalar(case_query(
        func.count(func.distinct(people.c.party_id)), joins=(parties_join,)))
    field_count, field_people, field_minutes = db.session.execute(
        field_query(*field_measures)).one()
    result = Interventions(total=InterventionLine(
        None, _("Total"), count, field_count, case_people, field_people,
        minutes + field_minutes), unit=scope.unit)

    for name, (case_columns, case_joins, field_columns, field_joins) in dimensions.items():
        lines: dict[object, InterventionLine] = {}

        def line(key, label):
            if key not in lines:
                lines[key] = InterventionLine(key, label or "")
            return lines[key]

        group = [column for column in case_columns]
        for key, label, n, spent in _rows(case_query(*group, *case_measures, joins=case_joins)
                                          .group_by(*group)):
            key = ("case", key) if name == "kind" else key
            entry = line(key, label)
            entry.case, entry.minutes = n, entry.minutes + spent
        for key, label, n in _rows(case_query(
                *group, func.count(func.distinct(people.c.party_id)),
                joins=(*case_joins, parties_join)).group_by(*group)):
            line(("case", key) if name == "kind" else key, label).case_people = n
        group = [column for column in field_columns]
        for key, label, n, met, spent in _rows(field_query(
                *group, *field_measures, joins=field_joins).group_by(*group)):
            key = ("field", key) if name == "kind" else key
            entry = line(key, label)
            entry.field, entry.field_people = n, met
            entry.minutes += spent

        if name == "kind":
            kinds = list(INTERVENTION_KIND_LABELS)
            for entry in lines.values():
                if entry.key[0] == "case":
                    entry.label = str(INTERVENTION_KIND_LABELS.get(entry.key[1], entry.key[1]))
            result.by_kind = sorted(lines.values(), key=lambda e: (
                e.key[0] != "case", kinds.index(e.key[1]) if e.key[0] == "case" else 0,
                e.label))
        elif name == "month":
            labels = scope.bucket_labels()
            result.by_month = [lines.get(index) or InterventionLine(index, label)
                               for index, label in enumerate(labels)]
            for index, entry in enumerate(result.by_month):
                entry.key, entry.label = index, labels[index]
        else:
            for entry in lines.values():
                if entry.key is None:
                    entry.key, entry.label = NO_TERRITORY, _("No territory given")
            ordered = sorted(lines.values(), key=lambda e: (e.key == NO_TERRITORY,
                                                            e.label.casefold()))
            setattr(result, f"by_{name}", ordered)
    return result


# --- Cases received, caseload, outcomes -----------------------------------------------

def _counts(query, of=0) -> list[Count]:
    return [Count(key, label or "", n, of) for key, label, n in _rows(query)]


def _received(scope: _Scope) -> Received:
    from flask_babel import gettext as _

    where = and_(scope.between(Case.received_on), Case.team_id.in_(scope.team_ids))
    total = db.session.scalar(select(func.count(Case.id)).where(where))
    item = ReferenceItem.__table__.alias("item")
    label = _item_label(item.c)

    def by(key, on, outer=False, select_from=Case):
        return (select(key, label, func.count(func.distinct(Case.id))).select_from(select_from)
                .join(item, on, isouter=outer).where(where).group_by(key, label)
                .order_by(func.min(item.c.position), label))

    categories = _counts(
        select(item.c.id, label, func.count(func.distinct(Case.id))).select_from(Case)
        .join(case_categories, case_categories.c.case_id == Case.id)
        .join(item, item.c.id == case_categories.c.category_id)
        .where(where).group_by(item.c.id, label).order_by(func.min(item.c.position), label),
        total)
    territories = _counts(by(Case.territory_id, item.c.id == Case.territory_id, outer=True),
                          total)
    for line in territories:
        if line.key is None:
            line.key, line.label = NO_TERRITORY, _("No territory given")
    territories.sort(key=lambda line: line.key == NO_TERRITORY)
    return Received(
        total=total,
        by_source=_counts(by(item.c.id, item.c.id == Case.source_id), total),
        by_category=categories, by_territory=territories,
        by_team=_counts(select(Team.id, Team.name, func.count(Case.id))
                        .join(Team, Team.id == Case.team_id).where(where)
                        .group_by(Team.id, Team.name).order_by(Team.name), total))


def _caseload(scope: _Scope) -> Caseload:
    from flask_babel import gettext as _

    where = and_(Case.status.in_(workflow.OPEN_STATUSES), Case.team_id.in_(scope.team_ids))
    now = today()
    limits = [(key, _months_before(now, months) if months else None)
              for key, months in AGE_BUCKETS]
    # Received after the day ``months`` ago: younger than that.
    age = case(*[(Case.received_on > limit, index)
                 for index, (_key, limit) in enumerate(limits) if limit is not None],
               else_=len(limits) - 1)
    found = dict(_rows(select(age, func.count(Case.id)).where(where).group_by(age)))
    total = sum(found.values())
    labels = {"under_1": _("Under 1 month"), "1_to_3": _("1 to 3 months"),
              "3_to_6": _("3 to 6 months"), "over_6": _("Over 6 months")}
    return Caseload(
        open=total,
        by_age=[Count(key, labels[key], found.get(index, 0), total)
                for index, (key, _months) in enumerate(AGE_BUCKETS)],
        by_team=_counts(select(Team.id, Team.name, func.count(Case.id))
                        .join(Team, Team.id == Case.team_id).where(where)
                        .group_by(Team.id, Team.name).order_by(Team.name), total))


def _closed_where(scope: _Scope):
    return and_(Case.status == workflow.CLOSED, Case.closed_on.is_not(None),
                scope.between(Case.closed_on), Case.team_id.in_(scope.team_ids))


def _outcomes(scope: _Scope) -> Outcomes:
    found = {outcome: n for outcome, n in _rows(
        select(Case.outcome, func.count(Case.id)).where(_closed_where(scope))
        .group_by(Case.outcome))}
    closed = sum(found.values())
    by_outcome = [Count(outcome, str(OUTCOME_LABELS[outcome]), found.get(outcome, 0), closed)
                  for outcome in workflow.OUTCOMES]
    by_outcome += [Count(outcome, outcome or "", n, closed) for outcome, n in found.items()
                   if outcome not in OUTCOME_LABELS]
    return Outcomes(closed=closed,
                    agreements=sum(found.get(o, 0) for o in AGREEMENT_OUTCOMES),
                    respected=found.get("agreement_respected", 0), by_outcome=by_outcome)


# --- Delays ---------------------------------------------------------------------------

def _delays(scope: _Scope) -> list[Delay]:
    from flask_babel import gettext as _

    zone = literal(scope.zone.key)
    # A case's first contact (first held round table) is one in the period with none
    # before it: the period's rows, each checked on the (case, moment) index — not the
    # earliest row of every case ever, which grows with the years of history.
    # Interventions and round tables carry their case's team: the period's rows of these
    # teams by one index (team_id, moment), without the cases table.
    def first_of(moment, case_id, row_id, earlier, team_id, *, held=None, earlier_held=None):
        earlier_moment, earlier_case_id, earlier_id = earlier
        return (select(case_id.label("case_id"), moment.label("first_at"))
                .where(team_id.in_(scope.team_ids), moment >= scope.start, moment < scope.end,
                       *([] if held is None else [held]),
                       ~exists().where(
                           earlier_case_id == case_id,
                           *([] if earlier_held is None else [earlier_held]),
                           or_(earlier_moment < moment,
                               and_(earlier_moment == moment, earlier_id < row_id))))
                .subquery())

    before = aliased(Intervention)
    first_contact = first_of(Intervention.at, Intervention.case_id, Intervention.id,
                             (before.at, before.case_id, before.id), Intervention.team_id)
    held_before = aliased(RoundTable)
    first_table = first_of(RoundTable.starts_at, RoundTable.case_id, RoundTable.id,
                           (held_before.starts_at, held_before.case_id, held_before.id),
                           RoundTable.team_id,
                           held=RoundTable.status == "held",
                           earlier_held=held_before.status == "held")

    def reached(key, first):
        return (select(literal(key).label("step"),
                       days_between(local_date(first.c.first_at, zone),
                                    Case.received_on).label("days"))
                .select_from(first).join(Case, Case.id == first.c.case_id))

    steps = union_all(
        reached("first_contact", first_contact),
        reached("first_round_table", first_table),
        select(literal("closure").label("step"),
               days_between(Case.closed_on, Case.received_on).label("days"))
        .where(_closed_where(scope))).subquery()
    ranked = select(
        steps.c.step, steps.c.days,
        func.row_number().over(partition_by=steps.c.step, order_by=steps.c.days).label("rank"),
        func.count().over(partition_by=steps.c.step).label("n")).subquery()
    # Integer division on both databases: the two middle ranks (one when n is odd) and the
    # nearest rank of the 90th percentile, ceil(0.9 n).
    middle = or_(ranked.c.rank == (ranked.c.n + 1) // 2, ranked.c.rank == (ranked.c.n + 2) // 2)
    found = {step: (n, median, p90) for step, n, median, p90 in _rows(
        select(ranked.c.step, ranked.c.n,
               func.avg(case((middle, ranked.c.days))),
               func.max(case((ranked.c.rank == (9 * ranked.c.n + 9) // 10, ranked.c.days))))
        .group_by(ranked.c.step, ranked.c.n))}
    labels = {"first_contact": _("Referral to first contact"),
              "first_round_table": _("Referral to first round table"),
              "closure": _("Referral to closure")}
    delays = []
    for key in DELAYS:
        n, median, p90 = found.get(key, (0, None, None))
        delays.append(Delay(key, labels[key], n,
                            None if median is None else float(median),
                            None if p90 is None else int(p90)))
    return delays


# --- Referrals, satisfaction ----------------------------------------------------------

def _referrals(scope: _Scope) -> Referrals:
    from flask_babel import gettext as _

    where = and_(scope.between(PartnerReferral.referred_on),
                 PartnerReferral.team_id.in_(scope.team_ids))
    measures = (func.count(PartnerReferral.id),
                func.coalesce(func.sum(case((PartnerReferral.taken_up == "yes", 1), else_=0)), 0),
                func.coalesce(func.sum(case((PartnerReferral.taken_up == "no", 1), else_=0)), 0))
    total = ReferralLine(None, _("Total"),
                         *db.session.execute(select(*measures).where(where)).one())
    item = ReferenceItem.__table__.alias("reason")
    label = _item_label(item.c)

    def lines(key, name, *joins, order=None):
        query = select(key, name, *measures).select_from(PartnerReferral)
        for target, on, outer in joins:
            query = query.join(target, on, isouter=outer)
        query = query.where(where).group_by(key, name)
        return [ReferralLine(k, n or "", *m) for k, n, *m in _rows(
            query.order_by(*(order or (name,))))]

    by_reason = lines(PartnerReferral.reason_id, label,
                      (item, item.c.id == PartnerReferral.reason_id, True),
                      order=(func.min(item.c.position), label))
    for line in by_reason:
        if line.key is None:
            line.key, line.label = "none", _("No reason given")
    by_reason.sort(key=lambda line: line.key == "none")
    stage_labels = {key: str(label) for key, label in REFERRAL_STAGE_LABELS.items()}
    stages = {line.key: line for line in lines(PartnerReferral.stage, PartnerReferral.stage)}
    return Referrals(
        total=total,
        by_partner=lines(Partner.id, Partner.name,
                         (Partner, Partner.id == PartnerReferral.partner_id, False)),
        by_reason=by_reason,
        by_stage=[ReferralLine(stage, stage_labels[stage], *(
            (stages[stage].count, stages[stage].yes, stages[stage].no)
            if stage in stages else ())) for stage in STAGES],
        by_team=lines(Team.id, Team.name, (Team, Team.id == PartnerReferral.team_id, False)))


def _satisfaction(scope: _Scope) -> Satisfaction:
    from flask_babel import gettext as _

    resident = SatisfactionAnswer.party_id.is_not(None)
    partner = SatisfactionAnswer.party_id.is_(None)

    def answered(condition, question):
        column = getattr(SatisfactionAnswer, question)
        return (func.count(case((condition, column))),
                func.coalesce(func.sum(case((and_(condition, column.in_(POSITIVE_ANSWERS)), 1),
                                            else_=0)), 0))

    any_answer = or_(*[getattr(SatisfactionAnswer, q).is_not(None) for q in RESIDENT_QUESTIONS])
    columns = [measure for question in RESIDENT_QUESTIONS
               for measure in answered(resident, question)]
    columns += answered(partner, PARTNER_QUESTION)
    columns.append(func.count(func.distinct(case((and_(resident, any_answer),
                                                  SatisfactionAnswer.party_id)))))
    row = db.session.execute(
        select(*columns).select_from(SatisfactionAnswer)
        .where(scope.between(SatisfactionAnswer.answered_on),
               SatisfactionAnswer.team_id.in_(scope.team_ids))).one()
    labels = {"useful": _("Mediation useful or necessary"), "satisfied": _("Satisfied"),
              "recommend": _("Would recommend mediation"),
              "effect": _("Partners seeing an effect on their users")}
    residents = [Answers(question, labels[question], row[2 * i], row[2 * i + 1])
                 for i, question in enumerate(RESIDENT_QUESTIONS)]
    partners = Answers(PARTNER_QUESTION, labels[PARTNER_QUESTION], row[6], row[7])
    closed = _closed_where(scope)
    parties, with_referrer = db.session.execute(select(
        select(func.count(Party.id)).join(Case, Case.id == Party.case_id).where(closed)
        .scalar_subquery(),
        select(func.count(Case.id)).where(closed, Case.referrer_organisation != "")
        .scalar_subquery())).one()
    return Satisfaction(residents=residents, partners=partners, respondents=row[8],
                        parties_of_closed=parties, partner_answers=partners.answers,
                        closed_with_referrer=with_referrer)


# --- Workload -------------------------------------------------------------------------

def _workload(scope: _Scope) -> list[WorkloadLine]:
    open_cases = and_(Case.status.in_(workflow.OPEN_STATUSES), Case.team_id.in_(scope.team_ids))
    lines: dict[int, WorkloadLine] = {}

    def add(attribute, query):
        for user_id, name, n in _rows(query):
            line = lines.setdefault(user_id, WorkloadLine(user_id, name))
            setattr(line, attribute, int(n or 0))

    for attribute, column in (("open_lead", Case.lead_mediator_id),
                              ("open_co", Case.co_mediator_id)):
        add(attribute, select(User.id, User.full_name, func.count(Case.id))
            .join(User, User.id == column).where(open_cases).group_by(User.id, User.full_name))
    add("case_interventions", select(User.id, User.full_name, func.count(Intervention.id))
        .select_from(Intervention)
        .join(intervention_mediators, intervention_mediators.c.intervention_id == Intervention.id)
        .join(User, User.id == intervention_mediators.c.user_id)
        .where(scope.during(Intervention.at), Intervention.team_id.in_(scope.team_ids))
        .group_by(User.id, User.full_name))
    add("field_interventions", select(User.id, User.full_name,
                                      func.sum(FieldActivity.interventions))
        .select_from(FieldActivity)
        .join(field_activity_mediators,
              field_activity_mediators.c.field_activity_id == FieldActivity.id)
        .join(User, User.id == field_activity_mediators.c.user_id)
        .where(scope.during(FieldActivity.at), FieldActivity.team_id.in_(scope.team_ids))
        .group_by(User.id, User.full_name))
    add("round_tables", select(User.id, User.full_name, func.count(RoundTable.id))
        .select_from(RoundTable)
        .join(round_table_mediators, round_table_mediators.c.round_table_id == RoundTable.id)
        .join(User, User.id == round_table_mediators.c.user_id)
        .where(RoundTable.status == "held", scope.during(RoundTable.starts_at),
               RoundTable.team_id.in_(scope.team_ids))
        .group_by(User.id, User.full_name))
    return sorted(lines.values(), key=lambda line: line.label.casefold())
