"""Every change to a case goes through these functions: they check the rules, change the
database, and append the event to the case's timeline. Views only call them.

Logs name cases by reference and people by account id: never a resident's name or address.
"""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..auth.models import MEDIATOR, Team, User, UserRole
from ..core.changes import apply
from ..core.clock import today
from ..core.errors import OperationError
from ..core.text import key
from ..core.versioning import check_version, commit
from ..extensions import db
from ..permissions import can, denied, may_check_referral
from ..reference.models import REFERRAL_REASON
from . import workflow
from .models import (SCALE, SURVEY_QUESTIONS, TAKE_UPS, Case, CaseCounter, Party,
                     PartnerReferral, SatisfactionAnswer)
from .timeline import record_event, record_party_edit

log = logging.getLogger(__name__)

CASE_FIELDS = ("received_on", "source", "referrer_organisation", "referrer_name",
               "referrer_contact", "team", "territory", "street", "building", "staircase",
               "floor", "postcode", "city", "description", "urgency", "violence_or_threats",
               "legal_proceedings", "eligibility_note")
PARTY_FIELDS = ("role", "kind", "civility", "first_name", "last_name", "street", "building",
                "staircase", "floor", "postcode", "city", "phone", "email", "language",
                "consent", "consent_on", "consent_method")


# — References ———————————————————————————————————————————————————————————————

def next_number(year: int) -> int:
    """The next case number of ``year``, taken atomically: an upsert on the year's counter
    row, which the database serialises, so two referrals saved at the same instant never
    get the same number."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(CaseCounter).values(year=year, last_number=1)
        .on_conflict_do_update(index_elements=["year"],
                               set_={"last_number": CaseCounter.last_number + 1})
        .returning(CaseCounter.last_number)
    )
    return db.session.execute(statement).scalar_one()


def format_reference(year: int, number: int) -> str:
    return f"{year}-{number:04d}"


def refresh_search_text(case):
    """What the search box looks in: reference, parties' names, the addresses."""
    parts = [case.reference, case.street, case.postcode, case.city]
    for party in case.parties:
        parts += [party.first_name, party.last_name, party.street, party.city]
    case.search_text = key(*parts) + " " + case.reference
    case.address_key = key(case.street, case.postcode, case.city)


# — Referral ——————————————————————————————————————————————————————————————————

def record_referral(actor, data: dict, categories=(), not_eligible_partner=None,
                    referral=None) -> Case:
    """Record a referral (saisine). If ``data['close_not_eligible']``, close it at once as
    not eligible. ``referral``: (partner, reason item, detail) when the residents were put
    in touch with a partner at intake (orientation); a closed case is then "referred to"
    that partner. (``not_eligible_partner`` alone, without a reason, is still accepted.)"""
    team = data["team"]
    if not can(actor, "record_referral") or team.id not in actor.team_ids:
        raise PermissionError(f"account {actor.id} may not record referrals for this team")
    if referral is None and not_eligible_partner is not None:
        referral = (not_eligible_partner, None, "")
    received_on = data["received_on"]
    year = received_on.year
    number = next_number(year)
    # A new case starts at the workflow's first status (the model's default).
    case = Case(year=year, number=number, reference=format_reference(year, number),
                created_by_id=actor.id)
    apply(case, data, CASE_FIELDS)
    case.categories = list(categories)
    refresh_search_text(case)
    db.session.add(case)
    db.session.flush()
    record_event(case, actor, "created",
                 [("status", None, case.status), ("team", None, team)])
    if referral is not None:
        partner, reason_item, detail = referral
        _add_referral(actor, case, partner, reason_item, detail, today(), "intake")
    if data.get("close_not_eligible"):
        partner = referral[0] if referral else None
        changes = workflow.take(case, "close", outcome="not_eligible")
        case.referred_to = partner
        record_event(case, actor, "closed",
                     changes + [("referred_to", None, partner.name if partner else None)],
                     reason=data.get("eligibility_note", ""))
    commit(db.session)
    log.info("case %s recorded by account %s", case.reference, actor.id)
    return case


def update_case(actor, case, version, data: dict, categories=None) -> list:
    """Edit the case's details. Refused if someone saved it since ``version``."""
    denied(actor, "change", case)
    check_version(case, version)
    if data.get("team") is not None and data["team"].id != case.team_id \
            and not can(actor, "assign", case):
        raise OperationError(_l("Only the team's manager can move a case to another team."),
                             field="team")
    old_team_id = case.team_id
    changes = apply(case, data, CASE_FIELDS)
    if categories is not None:
        changes += apply(case, {"categories": list(categories)}, ("categories",))
    if not changes:
        return []
    refresh_search_text(case)
    db.session.flush()
    if case.team_id != old_team_id:
        # A case's referrals to partners and survey answers count with its team, like
        # its interventions and round tables (meetings.models).
        for model in (PartnerReferral, SatisfactionAnswer):
            db.session.execute(update(model).where(model.case_id == case.id)
                               .values(team_id=case.team_id))
    record_event(case, actor, "edited", changes)
    commit(db.session)
    log.info("case %s edited by account %s", case.reference, actor.id)
    return changes


# — Parties ———————————————————————————————————————————————————————————————————

def _party_keys(party):
    party.name_key = key(party.last_name, party.first_name)
    party.address_key = key(party.street, party.postcode, party.city)


def add_party(actor, case, data: dict) -> Party:
    denied(actor, "change", case)
    party = Party(case=case)
    apply(party, data, PARTY_FIELDS)
    _party_keys(party)
    db.session.add(party)
    refresh_search_text(case)
    db.session.flush()
    record_event(case, actor, "party_added",
                 [("party", None, party.display_name), ("role", None, party.role)])
    db.session.commit()
    log.info("party %s added to case %s by account %s", party.id, case.reference, actor.id)
    return party


def update_party(actor, party, version, data: dict) -> list:
    case = party.case
    denied(actor, "change", case)
    check_version(party, version)
    changes = apply(party, data, PARTY_FIELDS)
    if not changes:
        return []
    _party_keys(party)
    refresh_search_text(case)
    record_party_edit(case, actor, party, changes)
    commit(db.session)
    log.info("party %s of case %s edited by account %s", party.id, case.reference, actor.id)
    return changes


# — Assignment ————————————————————————————————————————————————————————————————

def eligible_mediators(case):
    """Active mediators of the case's team."""
    return db.session.execute(
        select(User).join(User.teams).join(UserRole, UserRole.user_id == User.id)
        .where(Team.id == case.team_id, User.active.is_(True), UserRole.role == MEDIATOR)
        .order_by(User.full_name)
    ).scalars().unique().all()


def assign(actor, case, lead, co=None, reason="", version=None):
    """Give the case its lead mediator and, optionally, a co-mediator (round tables are
    often held in pairs). Changing an existing assignment needs a reason."""
    denied(actor, "assign", case)
    check_version(case, version)
    allowed = {m.id for m in eligible_mediators(case)}
    if lead is None or lead.id not in allowed:
        raise OperationError(_l("Choose an active mediator of the case's team."),
                             field="lead_mediator")
    if co is not None and co.id not in allowed:
        raise OperationError(_l("Choose an active mediator of the case's team."),
                             field="co_mediator")
    if co is not None and co.id == lead.id:
        raise OperationError(_l("The co-mediator must be another person."),
                             field="co_mediator")
    reassigning = case.lead_mediator_id is not None
    if reassigning and not (reason or "").strip():
        raise OperationError(_l("Say why the case changes hands."), field="reason")
    changes = apply(case, {"lead_mediator": lead, "co_mediator": co},
                     ("lead_mediator", "co_mediator"))
    if case.status == workflow.REFERRAL:
        changes += workflow.take(case, "assign")
    if not changes:
        return []
    record_event(case, actor, "reassigned" if reassigning else "assigned", changes, reason)
    commit(db.session)
    log.info("case %s assigned to account %s by account %s", case.reference, lead.id,
             actor.id)
    return changes


# — Workflow ——————————————————————————————————————————————————————————————————

def transition(actor, case, name, *, outcome=None, reason="", version=None,
               closing_summary="", referrals=(), answers=()):
    """Take the workflow step ``name`` (see workflow.TRANSITIONS) on the case and commit.
    Closing also records the closing summary, the referrals to partners (mises en
    relation: [(partner, reason item, detail)], made on the closing day) and the
    satisfaction answers ([(party, or None for the referring partner, {question:
    1..4})])."""
    changes = take_step(actor, case, name, outcome=outcome, reason=reason, version=version,
                        closing_summary=closing_summary, referrals=referrals,
                        answers=answers)
    commit(db.session)
    return changes


def take_step(actor, case, name, *, outcome=None, reason="", version=None,
              closing_summary="", referrals=(), answers=()):
    """``transition()`` without the commit: for an operation whose user action ends with a
    workflow step (a follow-up check closing the case), so both commit together or not at
    all. Every closure goes through here, with its closing record."""
    step = workflow.find(case.status, name)  # raises TransitionRefused
    denied(actor, step.action, case)
    check_version(case, version)
    try:
        workflow.check(case.status, name, outcome=outcome, reason=reason)
    except workflow.TransitionRefused:
        if "outcome" in step.needs and outcome not in workflow.outcomes_from(case.status):
            raise OperationError(_l("Choose the outcome of the case."), field="outcome")
        raise OperationError(_l("Give a reason."), field="reason")
    if outcome == "referred_to_partner" and not referrals:
        raise OperationError(_l("The case was referred to a partner: say to which one."),
                             field="referral_partner_1")
    answers = _checked_answers(case, answers)
    old = case.status
    changes = workflow.take(case, name, outcome=outcome, reason=reason)
    if case.status == workflow.CLOSED:
        if closing_summary:
            changes.append(("closing_summary", case.closing_summary or None,
                            closing_summary))
            case.closing_summary = closing_summary
        if referrals and outcome in ("referred_to_partner", "not_eligible"):
            partner = referrals[0][0]
            changes.append(("referred_to", case.referred_to, partner))
            case.referred_to = partner
        kind = "closed"
    elif old == workflow.CLOSED:
        kind = "reopened"
    else:
        kind = "transition"
    record_event(case, actor, kind, changes, reason)
    if case.status == workflow.CLOSED:
        for partner, reason_item, detail in referrals:
            _add_referral(actor, case, partner, reason_item, detail, today(), "closure")
        for party, values in answers:
            db.session.add(SatisfactionAnswer(case_id=case.id,
                                              party_id=party.id if party else None,
                                              answered_on=today(), **values))
    log.info("case %s: %s → %s by account %s", case.reference, old, case.status, actor.id)
    return changes


def _checked_answers(case, answers):
    """The survey answers kept: one row per respondent who answered at least one
    question, each question on its own (a question not asked stays empty). The partner's
    question (``effect``) is asked of the referring partner only."""
    party_ids = {p.id for p in case.parties}
    kept = []
    for party, values in answers:
        values = {q: v for q, v in values.items() if v is not None}
        if not values:
            continue
        if any(q not in SURVEY_QUESTIONS or v not in SCALE for q, v in values.items()):
            raise OperationError(_l("Answer on the scale from 1 to 4."))
        if party is not None and (party.id not in party_ids or "effect" in values):
            raise OperationError(_l("Choose among the parties of this case."))
        kept.append((party, values))
    return kept


# — Referrals to partners and the survey ——————————————————————————————————————

def _add_referral(actor, case, partner, reason_item, detail, referred_on, stage):
    if partner is None:
        raise OperationError(_l("Choose the partner."), field="partner")
    if reason_item is not None and reason_item.kind != REFERRAL_REASON:
        raise OperationError(_l("Choose the reason."), field="reason")
    referral = PartnerReferral(case_id=case.id, team_id=case.team_id, partner_id=partner.id,
                               reason_id=reason_item.id if reason_item else None,
                               reason=detail or "", referred_on=referred_on, stage=stage,
                               made_by_id=actor.id)
    db.session.add(referral)
    changes = [("partner", None, partner), ("referral_reason", None, reason_item),
               ("referral_stage", None, stage), ("referred_on", None, referred_on)]
    if detail:
        changes.append(("referral_detail", None, detail))
    record_event(case, actor, "referral_added", changes)
    return referral


def add_referral(actor, case, *, partner, reason_item, detail="", referred_on=None):
    """Residents put in touch with a partner while the case goes on (stage "case"). The
    date is neither in the future nor before the case was received."""
    denied(actor, "change", case)
    referred_on = referred_on or today()
    if referred_on > today():
        raise OperationError(_l("This date is in the future."), field="referred_on")
    if referred_on < case.received_on:
        raise OperationError(_l("This is before the case was received."),
                             field="referred_on")
    if reason_item is None:
        raise OperationError(_l("Choose the reason."), field="reason")
    referral = _add_referral(actor, case, partner, reason_item, detail, referred_on, "case")
    commit(db.session)
    log.info("referral %s on case %s made by account %s", referral.id, case.reference,
             actor.id)
    return referral


def record_take_up(actor, referral, version, *, taken_up, taken_up_on=None, case=None):
    """Whether the residents took up ``referral`` (yes, no, or back to unknown), checked on
    ``taken_up_on``: not before the referral, not in the future. Allowed on a closed case
    and on a field activity's referral (see permissions.may_check_referral). ``case``: the
    referral's case, whose timeline records the check."""
    if not may_check_referral(actor, referral):
        raise PermissionError(f"account {actor.id} may not check referral {referral.id}")
    check_version(referral, version)
    if taken_up not in TAKE_UPS:
        raise OperationError(_l("Choose an answer."), field="taken_up")
    if taken_up == "unknown":
        taken_up_on = None
    elif taken_up_on is None:
        raise OperationError(_l("Give the date it was checked."), field="taken_up_on")
    elif taken_up_on > today():
        raise OperationError(_l("This date is in the future."), field="taken_up_on")
    elif taken_up_on < referral.referred_on:
        raise OperationError(_l("This is before the referral was made."),
                             field="taken_up_on")
    changes = [("taken_up", referral.taken_up, taken_up)]
    if taken_up_on != referral.taken_up_on:
        changes.append(("taken_up_on", referral.taken_up_on, taken_up_on))
    referral.taken_up, referral.taken_up_on = taken_up, taken_up_on
    referral.taken_up_by_id = actor.id
    if case is not None and case.id == referral.case_id:
        record_event(case, actor, "take_up_recorded",
                     [("partner", None, referral.partner)] + changes)
    commit(db.session)
    log.info("take-up of referral %s recorded by account %s", referral.id, actor.id)
    return referral


def record_partner_survey(actor, case, *, effect=None, satisfied=None):
    """The referring partner's answers, asked after the closure (answered today)."""
    denied(actor, "record_survey", case)
    if case.is_open:
        raise OperationError(_l("The partner's survey is recorded once the case is closed."))
    already = db.session.execute(select(func.count(SatisfactionAnswer.id)).where(
        SatisfactionAnswer.case_id == case.id, SatisfactionAnswer.party_id.is_(None))
    ).scalar_one()
    if already:
        raise OperationError(_l("The referring partner's answers are already recorded."))
    answers = _checked_answers(case, [(None, {"effect": effect, "satisfied": satisfied})])
    if not answers:
        raise OperationError(_l("Give at least one answer."), field="effect")
    values = answers[0][1]
    db.session.add(SatisfactionAnswer(case_id=case.id, party_id=None, answered_on=today(),
                                      **values))
    # The answers themselves are for the case's mediators and managers: not on the timeline,
    # which every reader of the case sees.
    record_event(case, actor, "survey_recorded")
    commit(db.session)
    log.info("partner survey of case %s recorded by account %s", case.reference, actor.id)


def open_cases_count(user) -> int:
    return db.session.execute(
        select(func.count(Case.id)).where(
            Case.status != workflow.CLOSED,
            (Case.lead_mediator_id == user.id) | (Case.co_mediator_id == user.id))
    ).scalar_one()
