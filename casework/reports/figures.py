"""The intervention figures: how many contacts, on how many cases, how much time, by kind,
by mediator, by team and by month — the numbers the association gives its funders. Each
function makes a fixed number of queries, whatever the period or the number of rows."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select

from ..auth.models import Team, User
from ..cases.models import Case
from ..meetings.models import Intervention, RoundTable, intervention_mediators
from ..extensions import db
from ..web.labels import INTERVENTION_KIND_LABELS


@dataclass
class Line:
    """One line of a breakdown: interventions, distinct cases, minutes spent."""
    label: str
    interventions: int = 0
    cases: int = 0
    minutes: int = 0
    key: object = None


@dataclass
class Figures:
    total: Line
    round_tables_held: int
    by_kind: list[Line] = field(default_factory=list)
    by_mediator: list[Line] = field(default_factory=list)
    by_team: list[Line] = field(default_factory=list)
    by_bucket: list[Line] = field(default_factory=list)


def _measures():
    return (func.count(Intervention.id), func.count(func.distinct(Intervention.case_id)),
            func.coalesce(func.sum(Intervention.duration_minutes), 0))


def _in_period(team_ids, start: datetime, end: datetime):
    """The period's interventions in these teams: by ix_interventions_team_at alone."""
    return and_(Intervention.at >= start, Intervention.at < end,
                Intervention.team_id.in_(team_ids))


def intervention_figures(team_ids, start: datetime, end: datetime,
                         buckets: list[tuple[datetime, str]] = ()) -> Figures:
    """The figures for interventions from ``start`` (included) to ``end`` (excluded), both
    UTC, in these teams. ``buckets`` — ``(first instant in UTC, label)``, ascending, the
    first at ``start`` — split the period for a breakdown by month or year."""
    in_period = _in_period(team_ids, start, end)
    base = select().select_from(Intervention)

    count, cases, minutes = db.session.execute(
        base.add_columns(*_measures()).where(in_period)).one()
    figures = Figures(total=Line("", count, cases, minutes), round_tables_held=db.session.scalar(
        select(func.count(RoundTable.id)).where(
            RoundTable.status == "held", RoundTable.starts_at >= start,
            RoundTable.starts_at < end, RoundTable.team_id.in_(team_ids))))
    if not count:
        return figures

    by_kind = {kind: measures for kind, *measures in db.session.execute(
        base.add_columns(Intervention.kind, *_measures()).where(in_period)
        .group_by(Intervention.kind))}
    figures.by_kind = [Line(label, *by_kind[kind], key=kind)
                       for kind, label in INTERVENTION_KIND_LABELS.items() if kind in by_kind]

    # An intervention made by two mediators counts once for each of them.
    figures.by_mediator = [
        Line(name, *measures, key=user_id) for user_id, name, *measures in db.session.execute(
            base.add_columns(User.id, User.full_name, *_measures())
            .join(intervention_mediators,
                  intervention_mediators.c.intervention_id == Intervention.id)
            .join(User, User.id == intervention_mediators.c.user_id)
            .where(in_period).group_by(User.id, User.full_name)
            .order_by(User.full_name, User.id))]

    figures.by_team = [
        Line(name, *measures, key=team_id) for team_id, name, *measures in db.session.execute(
            base.add_columns(Team.id, Team.name, *_measures())
            .join(Team, Team.id == Intervention.team_id)
            .where(in_period).group_by(Team.id, Team.name).order_by(Team.name))]

    if len(buckets) > 1:
        bucket = case(*[(Intervention.at < edge, index)
                        for index, (edge, _label) in enumerate(buckets[1:])],
                      else_=len(buckets) - 1)
        found = {index: measures for index, *measures in db.session.execute(
            base.add_columns(bucket, *_measures()).where(in_period).group_by(bucket))}
        figures.by_bucket = [Line(label, *found.get(index, (0, 0, 0)), key=index)
                             for index, (_edge, label) in enumerate(buckets)]
    return figures


@dataclass
class Row:
    """One intervention as exported: nothing that names or describes a resident."""
    at: datetime
    reference: str
    team: str
    kind: str
    minutes: int
    mediators: list[str]


def intervention_rows(team_ids, start: datetime, end: datetime) -> list[Row]:
    """Every intervention of the period, oldest first, for a spreadsheet: two queries."""
    in_period = _in_period(team_ids, start, end)
    names: dict[int, list[str]] = {}
    for intervention_id, name in db.session.execute(
            select(intervention_mediators.c.intervention_id, User.full_name)
            .join(Intervention, Intervention.id == intervention_mediators.c.intervention_id)
            .join(User, User.id == intervention_mediators.c.user_id)
            .where(in_period).order_by(User.full_name)):
        names.setdefault(intervention_id, []).append(name)
    return [Row(at, reference, team, kind, minutes, names.get(intervention_id, []))
            for intervention_id, at, reference, team, kind, minutes in db.session.execute(
                select(Intervention.id, Intervention.at, Case.reference, Team.name,
                       Intervention.kind, Intervention.duration_minutes)
                .join(Case, Case.id == Intervention.case_id)
                .join(Team, Team.id == Intervention.team_id)
                .where(in_period).order_by(Intervention.at, Intervention.id))]
