"""The period's rows, for the spreadsheet: interventions, field activities, referrals to
partners and closed cases, one row each — with nothing that names or describes a resident
(no party, no address, no note, no summary, no free-text reason).

Each function is a generator over one query, read from the database in batches
(``yield_per``: a server-side cursor on PostgreSQL), so a year of rows never sits in memory.
Several values of one row (its mediators, a case's categories) come from a join ordered by
row and gathered here, rather than one query per row.
"""
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..activity.models import FieldActivity, field_activity_mediators
from ..auth.models import Team, User
from ..cases.models import Case, PartnerReferral, case_categories
from ..extensions import db
from ..meetings.models import Intervention, RoundTable, intervention_mediators
from ..reference.models import Partner, ReferenceItem

BATCH = 1000


@dataclass
class InterventionRow:
    at: datetime              # UTC
    reference: str
    team: str
    kind: str                 # a code of INTERVENTION_KIND_LABELS
    minutes: int
    mediators: list[str]


@dataclass
class FieldActivityRow:
    at: datetime              # UTC
    kind: str                 # label in the current language
    team: str
    territory: str
    place: str                # typed by a mediator: a spreadsheet must not run it
    mode: str                 # individual | collective
    people_met: int
    interventions: int
    minutes: int
    mediators: list[str]


@dataclass
class ReferralRow:
    on: date
    stage: str                # a code of REFERRAL_STAGES
    reference: str | None     # None: made during a field activity
    team: str
    partner: str
    reason: str               # the reference list's label, never the free-text detail
    taken_up: str             # unknown | yes | no


@dataclass
class ClosedCaseRow:
    reference: str
    team: str
    territory: str
    source: str
    categories: list[str]
    received_on: date
    closed_on: date
    outcome: str              # a code of workflow.OUTCOMES
    first_contact_at: datetime | None   # UTC: the first intervention
    first_round_table_at: datetime | None  # UTC: the first round table held


def _label(language, french, english):
    return (english if language == "en" else french) or french or ""


def _stream(statement):
    return db.session.execute(statement.execution_options(yield_per=BATCH))


def intervention_rows(team_ids, start: datetime, end: datetime):
    """The interventions of the period (UTC bounds, end excluded) in these teams' cases,
    oldest first. One query."""
    statement = (
        select(Intervention.id, Intervention.at, Case.reference, Team.name, Intervention.kind,
               Intervention.duration_minutes, User.full_name)
        .join(Case, Case.id == Intervention.case_id)
        .join(Team, Team.id == Intervention.team_id)
        .outerjoin(intervention_mediators,
                   intervention_mediators.c.intervention_id == Intervention.id)
        .outerjoin(User, User.id == intervention_mediators.c.user_id)
        .where(Intervention.at >= start, Intervention.at < end,
               Intervention.team_id.in_(team_ids))
        .order_by(Intervention.at, Intervention.id, User.full_name))
    for _id, lines in groupby(_stream(statement), key=lambda line: line[0]):
        lines = list(lines)
        _, at, reference, team, kind, minutes, _name = lines[0]
        yield InterventionRow(at, reference, team, kind, minutes,
                              [line[6] for line in lines if line[6]])


def field_activity_rows(team_ids, start: datetime, end: datetime, language: str):
    """The field activities of the period in these teams, oldest first. One query."""
    kind, territory = aliased(ReferenceItem), aliased(ReferenceItem)
    statement = (
        select(FieldActivity.id, FieldActivity.at, kind.label_fr, kind.label_en, Team.name,
               territory.label_fr, territory.label_en, FieldActivity.place,
               FieldActivity.mode, FieldActivity.people_met, FieldActivity.interventions,
               FieldActivity.duration_minutes, User.full_name)
        .join(kind, kind.id == FieldActivity.kind_id)
        .join(Team, Team.id == FieldActivity.team_id)
        .outerjoin(territory, territory.id == FieldActivity.territory_id)
        .outerjoin(field_activity_mediators,
                   field_activity_mediators.c.field_activity_id == FieldActivity.id)
        .outerjoin(User, User.id == field_activity_mediators.c.user_id)
        .where(FieldActivity.at >= start, FieldActivity.at < end,
               FieldActivity.team_id.in_(team_ids))
        .order_by(FieldActivity.at, FieldActivity.id, User.full_name))
    for _id, lines in groupby(_stream(statement), key=lambda line: line[0]):
        lines = list(lines)
        (_, at, kind_fr, kind_en, team, territory_fr, territory_en, place, mode, people,
         interventions, minutes, _name) = lines[0]
        yield FieldActivityRow(at, _label(language, kind_fr, kind_en), team,
                               _label(language, territory_fr, territory_en), place, mode,
                               people, interventions, minutes,
                               [line[12] for line in lines if line[12]])


def referral_rows(team_ids, first: date, last: date, language: str):
    """The referrals to partners made from ``first`` to ``last`` (local days, both
    included) by these teams, oldest first. One query."""
    statement = (
        select(PartnerReferral.referred_on, PartnerReferral.stage, Case.reference, Team.name,
               Partner.name, ReferenceItem.label_fr, ReferenceItem.label_en,
               PartnerReferral.taken_up)
        .join(Team, Team.id == PartnerReferral.team_id)
        .join(Partner, Partner.id == PartnerReferral.partner_id)
        .outerjoin(Case, Case.id == PartnerReferral.case_id)
        .outerjoin(ReferenceItem, ReferenceItem.id == PartnerReferral.reason_id)
        .where(PartnerReferral.referred_on >= first, PartnerReferral.referred_on <= last,
               PartnerReferral.team_id.in_(team_ids))
        .order_by(PartnerReferral.referred_on, PartnerReferral.id))
    for on, stage, reference, team, partner, reason_fr, reason_en, taken_up in \
            _stream(statement):
        yield ReferralRow(on, stage, reference, team, partner,
                          _label(language, reason_fr, reason_en), taken_up)


def closed_case_rows(team_ids, first: date, last: date, language: str):
    """The cases closed from ``first`` to ``last`` (local days, both included) in these
    teams, by closing date. One query: the first contact and the first round table held
    are correlated subqueries, the categories a join gathered here."""
    territory, source, category = (aliased(ReferenceItem) for _ in range(3))
    first_contact = (select(func.min(Intervention.at)).where(Intervention.case_id == Case.id)
                     .correlate(Case).scalar_subquery())
    first_round_table = (select(func.min(RoundTable.starts_at))
                         .where(RoundTable.case_id == Case.id, RoundTable.status == "held")
                         .correlate(Case).scalar_subquery())
    statement = (
        select(Case.id, Case.reference, Team.name, territory.label_fr, territory.label_en,
               source.label_fr, source.label_en, Case.received_on, Case.closed_on,
               Case.outcome, first_contact, first_round_table,
               category.label_fr, category.label_en)
        .join(Team, Team.id == Case.team_id)
        .join(source, source.id == Case.source_id)
        .outerjoin(territory, territory.id == Case.territory_id)
        .outerjoin(case_categories, case_categories.c.case_id == Case.id)
        .outerjoin(category, category.id == case_categories.c.category_id)
        .where(Case.status == "closed", Case.closed_on >= first, Case.closed_on <= last,
               Case.team_id.in_(team_ids))
        .order_by(Case.closed_on, Case.id, category.position, category.label_fr))
    for _id, lines in groupby(_stream(statement), key=lambda line: line[0]):
        lines = list(lines)
        (_, reference, team, territory_fr, territory_en, source_fr, source_en, received_on,
         closed_on, outcome, contact, round_table, *_category) = lines[0]
        yield ClosedCaseRow(
            reference, team, _label(language, territory_fr, territory_en),
            _label(language, source_fr, source_en),
            [_label(language, line[12], line[13]) for line in lines if line[12]],
            received_on, closed_on, outcome, contact, round_table)
