"""Every change to a case goes through these functions: they check the rules, change the
database, and append the event to the case's timeline. Views only call them.

Logs name cases by reference and people by account id: never a resident's name or address.
"""
import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, literal, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import load_only
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import MEDIATOR, User
from ..auth.operations import OperationError
from ..extensions import db
from ..models import today
from ..permissions import can
from ..text import key
from . import workflow
from .models import Case, CaseCounter, Party, TimelineEvent

log = logging.getLogger(__name__)

CASE_FIELDS = ("received_on", "source", "referrer_organisation", "referrer_name",
               "referrer_contact", "team", "territory", "street", "building", "staircase",
               "floor", "postcode", "city", "description", "urgency", "violence_or_threats",
               "legal_proceedings", "eligibility_note")
PARTY_FIELDS = ("role", "kind", "civility", "first_name", "last_name", "street", "building",
                "staircase", "floor", "postcode", "city", "phone", "email", "language",
                "consent", "consent_on", "consent_method")


class EditConflict(OperationError):
    """Someone else saved the same record since the form was opened."""

    def __init__(self):
        super().__init__(_l("Someone else saved this case while you were editing it. "
                            "Their changes are shown below; check them, then make your "
                            "change again."))


def _denied(user, action, case):
    if not can(user, action, case):
        raise PermissionError(f"account {user.id if user else None} may not {action} "
                              f"case {case.reference}")


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


# — Timeline —————————————————————————————————————————————————————————————————

def _value(value):
    """A value as the timeline keeps it: plain text, names for people and list items."""
    if value is None:
        return None
    if isinstance(value, User):
        return value.full_name
    if hasattr(value, "label_fr"):
        return value.label_fr
    if hasattr(value, "name"):  # a team, a partner
        return value.name
    if hasattr(value, "display_name"):  # a party
        return value.display_name
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_value(v)) for v in value)
    return value


def record_event(case, actor, kind, changes=(), reason=""):
    """Append an event to the case's timeline (who, when, what, before → after)."""
    event = TimelineEvent(case_id=case.id, actor_id=actor.id if actor else None, kind=kind,
                          changes=[{"field": f, "old": _value(o), "new": _value(n)}
                                   for f, o, n in changes],
                          reason=(reason or "").strip())
    db.session.add(event)
    return event


def _apply(obj, data, fields):
    """Set ``fields`` of ``obj`` from ``data``; return the (field, old, new) that changed."""
    changes = []
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(obj, field), data[field]
        if isinstance(old, list) or isinstance(new, list):
            if sorted(x.id for x in old or []) != sorted(x.id for x in new or []):
                changes.append((field, list(old or []), list(new or [])))
                setattr(obj, field, list(new or []))
            continue
        if old != new:
            changes.append((field, old, new))
            setattr(obj, field, new)
    return changes


def refresh_search_text(case):
    """What the search box looks in: reference, parties' names, the addresses."""
    parts = [case.reference, case.street, case.postcode, case.city]
    for party in case.parties:
        parts += [party.first_name, party.last_name, party.street, party.city]
    case.search_text = key(*parts) + " " + case.reference
    case.address_key = key(case.street, case.postcode, case.city)


def _commit_with_version_check():
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict() from None


def _check_version(obj, version):
    """The form was opened on ``version``; anything else (or a tampered value) is a
    conflict, never an error."""
    if version is None or version == "":
        return
    try:
        opened = int(version)
    except (TypeError, ValueError):
        raise EditConflict() from None
    if opened != obj.version:
        raise EditConflict()


# — Referral ——————————————————————————————————————————————————————————————————

def record_referral(actor, data: dict, categories=(), not_eligible_partner=None) -> Case:
    """Record a referral (saisine). If ``data['close_not_eligible']``, close it at once as
    not eligible, sent to ``not_eligible_partner``."""
    team = data["team"]
    if not can(actor, "record_referral") or team.id not in actor.team_ids:
        raise PermissionError(f"account {actor.id} may not record referrals for this team")
    received_on = data["received_on"]
    year = received_on.year
    number = next_number(year)
    case = Case(year=year, number=number, reference=format_reference(year, number),
                created_by_id=actor.id, status=workflow.REFERRAL)
    _apply(case, data, CASE_FIELDS)
    case.categories = list(categories)
    refresh_search_text(case)
    db.session.add(case)
    db.session.flush()
    record_event(case, actor, "created",
                 [("status", None, workflow.REFERRAL), ("team", None, team)])
    if data.get("close_not_eligible"):
        case.status = workflow.CLOSED
        case.outcome = "not_eligible"
        case.closed_on = today()
        case.referred_to = not_eligible_partner
        record_event(case, actor, "closed",
                     [("status", workflow.REFERRAL, workflow.CLOSED),
                      ("outcome", None, "not_eligible"),
                      ("referred_to", None, not_eligible_partner.name
                       if not_eligible_partner else None)],
                     reason=data.get("eligibility_note", ""))
    db.session.commit()
    log.info("case %s recorded by account %s", case.reference, actor.id)
    return case


def update_case(actor, case, version, data: dict, categories=None) -> list:
    """Edit the case's details. Refused if someone saved it since ``version``."""
    _denied(actor, "change", case)
    _check_version(case, version)
    if data.get("team") is not None and data["team"].id != case.team_id \
            and not can(actor, "assign", case):
        raise OperationError(_l("Only the team's manager can move a case to another team."),
                             field="team")
    changes = _apply(case, data, CASE_FIELDS)
    if categories is not None:
        changes += _apply(case, {"categories": list(categories)}, ("categories",))
    if not changes:
        return []
    refresh_search_text(case)
    record_event(case, actor, "edited", changes)
    _commit_with_version_check()
    log.info("case %s edited by account %s", case.reference, actor.id)
    return changes


# — Parties ———————————————————————————————————————————————————————————————————

def _party_keys(party):
    party.name_key = key(party.last_name, party.first_name)
    party.address_key = key(party.street, party.postcode, party.city)


def add_party(actor, case, data: dict) -> Party:
    _denied(actor, "change", case)
    party = Party(case=case)
    _apply(party, data, PARTY_FIELDS)
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
    _denied(actor, "change", case)
    _check_version(party, version)
    changes = _apply(party, data, PARTY_FIELDS)
    if not changes:
        return []
    _party_keys(party)
    refresh_search_text(case)
    record_event(case, actor, "party_edited", [("party", None, party.display_name)] + changes)
    _commit_with_version_check()
    log.info("party %s of case %s edited by account %s", party.id, case.reference, actor.id)
    return changes


# What the case page shows of a related case.
RELATED_COLUMNS = (Case.reference, Case.status, Case.received_on, Case.street, Case.building,
                   Case.staircase, Case.floor, Case.postcode, Case.city)

# Why a case is related, strongest first: one of these people (same name at the same
# address), the same address, or only a person of the same name elsewhere (who may have
# moved, or may be somebody else: the mediator judges).
SAME_PERSON, SAME_ADDRESS, SAME_NAME = "same_person", "same_address", "same_name"


@dataclass
class RelatedCase:
    case: Case
    reason: str
    names: list[str]  # this case's parties found there, for SAME_PERSON and SAME_NAME


def related_cases(case, team_ids, limit=20) -> list[RelatedCase]:
    """Other cases, in the teams ``team_ids``, at the same address or with one of the same
    people (name and address, accents and case ignored), newest first, each with why it is
    related: repeat conflicts.

    Two indexed steps: the matching ids with their keys, then those cases themselves."""
    names = {p.name_key for p in case.parties if p.name_key}
    addresses = ({case.address_key} | {p.address_key for p in case.parties}) - {"", None}
    if not team_ids or not (names or addresses):
        return []
    lookups = []
    if addresses:
        lookups.append(select(Case.id, literal(None, String).label("name_key"),
                              Case.address_key).where(Case.address_key.in_(addresses)))
        lookups.append(select(Party.case_id, Party.name_key, Party.address_key)
                       .where(Party.address_key.in_(addresses)))
    if names:
        lookups.append(select(Party.case_id, Party.name_key, Party.address_key)
                       .where(Party.name_key.in_(names)))
    # case id → (names found there, and of those at the same address: "" for the address
    # alone). At most 200 rows: enough for any real address or person.
    matches: dict[int, tuple[set, set]] = {}
    for case_id, name_key, address_key in db.session.execute(union(*lookups).limit(200)):
        found = matches.get(case_id)
        if found is None:
            found = matches[case_id] = (set(), set())
        named = name_key in names
        if named:
            found[0].add(name_key)
        if address_key in addresses:
            found[1].add(name_key if named else "")
    matches.pop(case.id, None)
    if not matches:
        return []
    # The visible ones, newest first, chosen from the found ids by primary key: left to
    # itself, a planner without statistics may walk the whole team instead.
    found = db.session.execute(select(Case.id, Case.team_id, Case.received_on)
                               .where(Case.id.in_(matches))).all()
    teams = set(team_ids)
    newest = sorted((row for row in found if row.team_id in teams),
                    key=lambda row: (row.received_on, row.id), reverse=True)[:limit]
    if not newest:
        return []
    by_id = {c.id: c for c in db.session.execute(
        select(Case).where(Case.id.in_([row.id for row in newest]))
        .options(load_only(*RELATED_COLUMNS))).scalars()}
    shown = {p.name_key: p.display_name for p in case.parties}
    related = []
    for row in newest:
        found_names, found_address = matches[row.id]
        people = found_address - {""}
        if people:
            reason, keys = SAME_PERSON, people
        elif found_address:
            reason, keys = SAME_ADDRESS, set()
        else:
            reason, keys = SAME_NAME, found_names
        related.append(RelatedCase(by_id[row.id], reason, sorted(shown[k] for k in keys)))
    return related


# — Assignment ————————————————————————————————————————————————————————————————

def eligible_mediators(case):
    """Active mediators of the case's team."""
    from ..auth.models import Team, UserRole

    return db.session.execute(
        select(User).join(User.teams).join(UserRole, UserRole.user_id == User.id)
        .where(Team.id == case.team_id, User.active.is_(True), UserRole.role == MEDIATOR)
        .order_by(User.full_name)
    ).scalars().unique().all()


def assign(actor, case, lead, co=None, reason="", version=None):
    """Give the case its lead mediator and, optionally, a co-mediator (round tables are
    often held in pairs). Changing an existing assignment needs a reason."""
    _denied(actor, "assign", case)
    _check_version(case, version)
    if not case.is_open:
        raise OperationError(_l("A closed case cannot be assigned; reopen it first."))
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
    changes = _apply(case, {"lead_mediator": lead, "co_mediator": co},
                     ("lead_mediator", "co_mediator"))
    if case.status == workflow.REFERRAL:
        changes.append(("status", case.status, workflow.ASSIGNED))
        case.status = workflow.ASSIGNED
    if not changes:
        return []
    record_event(case, actor, "reassigned" if reassigning else "assigned", changes, reason)
    _commit_with_version_check()
    log.info("case %s assigned to account %s by account %s", case.reference, lead.id,
             actor.id)
    return changes


# — Workflow ——————————————————————————————————————————————————————————————————

def transition(actor, case, name, *, outcome=None, reason="", partner=None, version=None,
               closing_summary="", referrals=(), answers=()):
    """Take the workflow step ``name`` (see workflow.TRANSITIONS) on the case. Closing
    also records the closing summary, the referrals to partners (mises en relation:
    [(partner, reason, date)]) and the satisfaction answers ([(party or None for the
    referrer, useful, satisfied, recommend)])."""
    step = workflow.find(case.status, name)  # raises TransitionRefused
    _denied(actor, "reopen" if step.manager_only else "change", case)
    _check_version(case, version)
    try:
        workflow.check(case.status, name, outcome=outcome, reason=reason)
    except workflow.TransitionRefused:
        if "outcome" in step.needs and outcome not in workflow.outcomes_from(case.status):
            raise OperationError(_l("Choose the outcome of the case."), field="outcome")
        raise OperationError(_l("Give a reason."), field="reason")
    if outcome == "referred_to_partner" and partner is None:
        raise OperationError(_l("Choose the partner the case was referred to."),
                             field="partner")
    old = case.status
    target = workflow.reopen_target(case.lead_mediator_id) if name == "reopen" else step.target
    changes = [("status", old, target)]
    case.status = target
    if target == workflow.CLOSED:
        case.outcome = outcome
        case.closed_on = today()
        changes.append(("outcome", None, outcome))
        if closing_summary:
            case.closing_summary = closing_summary
            changes.append(("closing_summary", None, closing_summary))
        _record_closure_details(case, referrals, answers)
        if partner is not None:
            changes.append(("referred_to", case.referred_to, partner))
            case.referred_to = partner
        kind = "closed"
    elif old == workflow.CLOSED:
        changes.append(("outcome", case.outcome, None))
        case.outcome = None
        case.closed_on = None
        kind = "reopened"
    else:
        kind = "transition"
    record_event(case, actor, kind, changes, reason)
    _commit_with_version_check()
    log.info("case %s: %s → %s by account %s", case.reference, old, target, actor.id)
    return changes


def _record_closure_details(case, referrals, answers):
    from ..agreements.models import PartnerReferral, SatisfactionAnswer

    for referred_partner, why, on in referrals:
        db.session.add(PartnerReferral(case_id=case.id, partner_id=referred_partner.id,
                                       reason=why or "", referred_on=on or today()))
    for party, useful, satisfied, recommend in answers:
        db.session.add(SatisfactionAnswer(case_id=case.id,
                                          party_id=party.id if party else None,
                                          useful=useful, satisfied=satisfied,
                                          recommend=recommend))


def open_cases_count(user) -> int:
    return db.session.execute(
        select(func.count(Case.id)).where(
            Case.status != workflow.CLOSED,
            (Case.lead_mediator_id == user.id) | (Case.co_mediator_id == user.id))
    ).scalar_one()
