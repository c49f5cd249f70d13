"""Retention and anonymisation (RGPD): the only code that rewrites what a closed case holds.

Anonymising keeps every row — so every figure on the reports stays what it was — and takes
out what names or describes residents: names become a neutral placeholder (``#1``, ``#2``…
in the order the parties were added: language-neutral, distinct within the case), phones
and e-mails are blanked, addresses come down to the street (no house number, building,
staircase or floor; the territory, postcode and town stay for the statistics), free text
is blanked (descriptions, summaries, notes, minutes, commitments, the timeline's values),
stored documents and scans are deleted (a signed agreement keeps its SHA-256), and the
matching keys are emptied so that anonymised people match nobody. Replaying changes
nothing. Each anonymisation, erasure and retention run is in the access log, which holds
the case's reference and the kind of reason, never a resident's data.
"""
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, or_, select, update

from ..activity.models import FieldActivity
from ..agreements.models import (Agreement, AgreementScan, Commitment, FollowUp,
                                 FollowUpResult)
from ..audit import operations as audit
from ..audit.models import AccessEntry
from ..auth.models import LoginFailure
from ..cases import workflow
from ..cases.models import Case, PartnerReferral, TimelineEvent
from ..cases.operations import refresh_search_text
from ..core.clock import today, utcnow
from ..core.errors import OperationError
from ..extensions import db
from ..meetings.models import Intervention, RoundTable
from ..permissions import can

log = logging.getLogger(__name__)

# Why a case or a person is anonymised: the code is kept (cases.anonymised_reason, the
# access log); a staff member's note may follow it in anonymised_reason, never in the log.
REASONS = ("request", "retention", "other")
REASON_LABELS = {
    "request": _l("At the person's request"),
    "retention": _l("End of the retention period"),
    "other": _l("Other reason"),
}
REASON_LENGTH = Case.anonymised_reason.type.length  # 300
# What a NOT NULL, non-empty text column holds once blanked.
BLANK = "—"

# Timeline fields whose values name or describe nobody (codes, dates, counts, staff,
# reference lists, partners): kept when a case is anonymised. Every other value (names,
# addresses, contacts, summaries, places, details, and any field added later) is blanked.
KEPT_FIELDS = frozenset({
    "status", "outcome", "lead_mediator", "co_mediator", "received_on", "source",
    "referrer_organisation", "team", "territory", "postcode", "city", "categories",
    "urgency", "violence_or_threats", "legal_proceedings", "referred_to", "role", "kind",
    "language", "consent", "consent_on", "consent_method", "intervention_kind",
    "intervention_of", "duration_minutes", "mediators_present", "notes", "at", "starts_at",
    "round_table_status", "round_table_outcome", "agreement_version", "follow_up_on", "kept",
    "partly_kept", "not_kept", "partner", "referral_reason", "referral_stage", "referred_on",
    "taken_up", "taken_up_on", "scan", "sha256", "letter",
})
# A party's own fields, as the timeline names them: blanked when that person is erased.
PERSON_FIELDS = frozenset({
    "civility", "first_name", "last_name", "street", "building", "staircase", "floor",
    "phone", "email",
})

# A house number at the start of a street: "12", "12 bis", "12B", "12-14", "12, ".
_HOUSE_NUMBER = re.compile(
    r"^\s*\d+(?:\s*[-/]\s*\d+)?(?:\s*(?:bis|ter|quater|[a-z])\b)?\s*,?\s*", re.IGNORECASE)


def reduced_street(street: str) -> str:
    """The street without its house number: "12 bis, rue de l'Église" → "rue de l'Église"."""
    return _HOUSE_NUMBER.sub("", street or "").strip()


def placeholder(number: int) -> str:
    """The name an anonymised party takes: ``#1``, ``#2``… (its rank in the case)."""
    return f"#{number}"


def stored_reason(reason: str, note: str = "") -> str:
    """What ``cases.anonymised_reason`` keeps: the reason's code, and the staff's note."""
    if reason not in REASONS:
        raise OperationError(_l("Choose the reason."), field="reason")
    note = " ".join((note or "").split())
    return (f"{reason}: {note}" if note else reason)[:REASON_LENGTH]


# — Names, wherever they were written ——————————————————————————————————————————

def _display(first, last) -> str:
    return " ".join(x for x in (first, last) if x)


def known_names(party, events) -> set[str]:
    """Every name ``party`` had on the case's timeline (a rename leaves the old one
    there): its name now, then back through the edits that renamed it."""
    first, last = party.first_name or "", party.last_name or ""
    names = {_display(first, last)}
    for event in sorted(events, key=lambda e: e.id, reverse=True):
        if event.kind != "party_edited":
            continue
        changes = {c.get("field"): c for c in event.changes or []}
        if changes.get("party", {}).get("new") != _display(first, last):
            continue
        if "first_name" in changes:
            first = changes["first_name"].get("old") or ""
        if "last_name" in changes:
            last = changes["last_name"].get("old") or ""
        names.add(_display(first, last))
    return {name for name in names if name}


def _name_pattern(names, last_names=()):
    """Full names in any case; a last name alone only as written (« Petit » but not
    « petit »), both as whole words."""
    parts = [re.escape(n) for n in sorted(names, key=len, reverse=True) if n]
    exact = [re.escape(n) for n in sorted(last_names, key=len, reverse=True)
             if n and len(n) >= 2]
    if not parts and not exact:
        return None
    alternatives = []
    if parts:
        alternatives.append(rf"(?i:\b(?:{'|'.join(parts)})\b)")
    if exact:
        alternatives.append(rf"\b(?:{'|'.join(exact)})\b")
    return re.compile("|".join(alternatives))


def _scrub(value, pattern, replacement):
    """``value`` with the names ``pattern`` finds replaced (texts, and texts in lists)."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def _case_events(case):
    return db.session.execute(select(TimelineEvent).where(TimelineEvent.case_id == case.id)
                              .order_by(TimelineEvent.id)).scalars().all()


def _rewrite_timeline(rows):
    """Write the timeline's anonymised values: ``rows`` = [(event id, changes, reason)].
    The timeline is append-only for the application (the ORM refuses any update, see
    cases.models); anonymisation is the one exception the law asks for, so it goes
    through a Core UPDATE here, and nowhere else."""
    table = TimelineEvent.__table__
    for event_id, changes, reason in rows:
        db.session.execute(update(table).where(table.c.id == event_id)
                           .values(changes=changes, reason=reason))


def _blank_party(party, number, now):
    party.civility = ""
    party.first_name = ""
    party.last_name = placeholder(number)
    party.street = reduced_street(party.street)
    party.building = party.staircase = party.floor = ""
    party.phone = party.email = ""
    party.name_key = party.address_key = ""
    party.anonymised_at = now


def _case_parties(case):
    return sorted(case.parties, key=lambda p: p.id)


# — One closed case ——————————————————————————————————————————————————————————

def may_anonymise(user, case) -> bool:
    """The case's manager (permissions: anonymise), the privacy officer (run_retention),
    or the command line (no user)."""
    return user is None or can(user, "anonymise", case) or can(user, "run_retention")


def anonymise_case(case, *, user, reason, note="") -> bool:
    """Anonymise the closed ``case`` (see the module's docstring) and commit; ``reason``
    one of REASONS. Returns False, changing nothing, if it already is."""
    if case.anonymised_at is not None:
        return False
    if case.is_open:
        raise OperationError(_l("Only a closed case can be anonymised."))
    if not may_anonymise(user, case):
        raise PermissionError(f"account {user.id} may not anonymise case {case.reference}")
    stored = stored_reason(reason, note)
    now = utcnow()
    parties = _case_parties(case)
    events = _case_events(case)

    # The timeline: the placeholder where a party was named, other values kept only when
    # they name nobody, every free-text reason blanked.
    names = {}
    for number, party in enumerate(parties, start=1):
        for name in known_names(party, events):
            names[name] = placeholder(number)
    rows = []
    for event in events:
        changes = []
        for change in event.changes or []:
            name = change.get("field")
            change = dict(change)
            for side in ("old", "new"):
                value = change.get(side)
                if name == "party":
                    change[side] = names.get(value) if value is not None else None
                elif name not in KEPT_FIELDS:
                    change[side] = None
            changes.append(change)
        if changes != (event.changes or []) or event.reason:
            rows.append((event.id, changes, ""))
    _rewrite_timeline(rows)

    for number, party in enumerate(parties, start=1):
        _blank_party(party, number, now)
    case.referrer_name = case.referrer_contact = ""
    case.street = reduced_street(case.street)
    case.building = case.staircase = case.floor = ""
    case.description = BLANK
    case.eligibility_note = case.closing_summary = ""
    case.anonymised_at, case.anonymised_reason = now, stored

    db.session.execute(update(Intervention).where(Intervention.case_id == case.id)
                       .values(summary="", notes=""))
    db.session.execute(update(RoundTable).where(RoundTable.case_id == case.id).values(
        minutes="", status_reason="",
        place_text=sql_case((RoundTable.place_id.is_(None), BLANK), else_="")))
    db.session.execute(update(PartnerReferral).where(PartnerReferral.case_id == case.id)
                       .values(reason=""))
    agreement_ids = select(Agreement.id).where(Agreement.case_id == case.id)
    db.session.execute(update(Commitment).where(Commitment.agreement_id.in_(agreement_ids))
                       .values(text=BLANK, text_en=""))
    db.session.execute(update(FollowUp).where(FollowUp.case_id == case.id).values(note=""))
    db.session.execute(update(FollowUpResult).where(FollowUpResult.follow_up_id.in_(
        select(FollowUp.id).where(FollowUp.case_id == case.id))).values(note=""))
    pattern = _name_pattern(names)
    for agreement in db.session.execute(select(Agreement).where(
            Agreement.case_id == case.id)).scalars():
        _forget_documents(agreement)
        agreement.account = agreement.account_en = agreement.meeting_place = ""
        agreement.signatories = [
            {**s, "name": _party_signatory(s.get("name", ""), pattern, names)}
            if s.get("kind") == "party" else s for s in agreement.signatories or []]

    refresh_search_text(case)
    case.address_key = ""
    db.session.commit()
    log.info("case %s anonymised (%s) by %s", case.reference, reason,
             f"account {user.id}" if user else "the command line")
    audit.record("privacy", "anonymisation", user=user, case=case, detail=reason)
    return True


def _party_signatory(name, pattern, names):
    """A party's signature line: its placeholder, whatever civility came before."""
    if pattern is not None:
        found = pattern.search(name or "")
        if found:
            return names.get(found.group(0)) or next(
                (v for k, v in names.items() if k.lower() == found.group(0).lower()), BLANK)
    return BLANK


def _forget_documents(agreement):
    """The stored document and every scan's bytes go; the signed version's SHA-256 stays
    (the database allows it: see migration 0008), and so do each scan's SHA-256, size,
    type, uploader and date (migration 0011); a replacement's reason is blanked."""
    agreement.document = None
    # The signing copy and the data frozen with it name the parties too.
    agreement.signing_copy = agreement.snapshot = None
    db.session.execute(update(AgreementScan).where(
        AgreementScan.agreement_id == agreement.id).values(
        data=None, reason=sql_case((AgreementScan.number == 1, ""), else_=BLANK)))


def anonymise_by_reference(reference, *, user, reason, note="") -> Case:
    """The privacy officer's way: anonymise a closed case named by its reference, without
    opening it. Refused for a case still open, or already anonymised."""
    if not can(user, "run_retention"):
        raise PermissionError(f"account {user.id} may not anonymise cases by reference")
    found = db.session.execute(select(Case).where(
        Case.reference == (reference or "").strip())).scalar_one_or_none()
    if found is None:
        raise OperationError(_l("No case has this reference."), field="reference")
    if found.is_open:
        raise OperationError(_l("This case is still open: it can be anonymised once "
                                "closed."), field="reference")
    if found.anonymised_at is not None:
        raise OperationError(_l("This case is already anonymised."), field="reference")
    anonymise_case(found, user=user, reason=reason, note=note)
    return found


# — One person, at their request ——————————————————————————————————————————————

def erase_people(parties, *, user, reason, note="") -> int:
    """Erase one person (their party rows, in one or several cases) at their request:
    their name, contact and address, the timeline's values about them, their name in the
    case's free text, and the stored documents that name them. Refused while one of their
    cases is open (the case still needs them). Returns how many rows were erased."""
    if not can(user, "answer_data_requests"):
        raise PermissionError(f"account {user.id} may not erase people's data")
    stored_reason(reason, note)  # checks the reason
    parties = [p for p in parties if p.anonymised_at is None]
    still_open = sorted({p.case.reference for p in parties if p.case.is_open})
    if still_open:
        raise OperationError(_l(
            "Not erased: case %(references)s is still open, and the mediation needs this "
            "person's details. Erase them once it is closed.",
            references=", ".join(still_open)))
    now = utcnow()
    for party in parties:
        _erase_party(party, now)
    db.session.commit()
    for party in parties:
        audit.record("privacy", "erasure", user=user, case=party.case,
                     target=f"party {party.id}", detail=reason)
    log.info("%s party rows erased by account %s", len(parties), user.id)
    return len(parties)


def _erase_party(party, now):
    case = party.case
    number = next(i for i, p in enumerate(_case_parties(case), start=1) if p.id == party.id)
    name = placeholder(number)
    events = _case_events(case)
    names = known_names(party, events)
    last_names = {party.last_name} | {n.split(" ")[-1] for n in names}
    pattern = _name_pattern(names, last_names)

    rows = []
    for event in events:
        changes = []
        about = any(c.get("field") == "party" and (c.get("old") in names or c.get("new") in
                                                   names) for c in event.changes or [])
        for change in event.changes or []:
            change = dict(change)
            for side in ("old", "new"):
                value = change.get(side)
                if change.get("field") == "party" and value in names:
                    change[side] = name
                elif about and change.get("field") in PERSON_FIELDS:
                    change[side] = None
                else:
                    change[side] = _scrub(value, pattern, name)
            changes.append(change)
        reason = _scrub(event.reason or "", pattern, name)
        if changes != (event.changes or []) or reason != (event.reason or ""):
            rows.append((event.id, changes, reason))
    _rewrite_timeline(rows)

    def scrub(text):
        return _scrub(text or "", pattern, name)

    case.description = scrub(case.description) or BLANK
    case.eligibility_note = scrub(case.eligibility_note)
    case.closing_summary = scrub(case.closing_summary)
    for item in db.session.execute(select(Intervention).where(
            Intervention.case_id == case.id)).scalars():
        item.summary, item.notes = scrub(item.summary), scrub(item.notes)
    for table in db.session.execute(select(RoundTable).where(
            RoundTable.case_id == case.id)).scalars():
        table.minutes, table.status_reason = scrub(table.minutes), scrub(table.status_reason)
        table.place_text = scrub(table.place_text)
    for referral in db.session.execute(select(PartnerReferral).where(
            PartnerReferral.case_id == case.id)).scalars():
        referral.reason = scrub(referral.reason)
    for agreement in db.session.execute(select(Agreement).where(
            Agreement.case_id == case.id)).scalars():
        # The document names every party: it cannot be kept without this person's name.
        _forget_documents(agreement)
        agreement.account = scrub(agreement.account)
        agreement.account_en = scrub(agreement.account_en)
        agreement.meeting_place = scrub(agreement.meeting_place)
        agreement.signatories = [
            {**s, "name": name} if s.get("kind") == "party" and pattern is not None
            and pattern.search(s.get("name", "")) else s for s in agreement.signatories or []]
        for commitment in agreement.commitments:
            commitment.text = scrub(commitment.text) or BLANK
            commitment.text_en = scrub(commitment.text_en)
    for check in db.session.execute(select(FollowUp).where(
            FollowUp.case_id == case.id)).scalars():
        check.note = scrub(check.note)
        for result in check.results:
            result.note = scrub(result.note)

    _blank_party(party, number, now)
    refresh_search_text(case)


# — The retention run ——————————————————————————————————————————————————————————

@dataclass
class RetentionPlan:
    """What a retention run does (or, dry, would do)."""

    cases: list = field(default_factory=list)       # references of closed cases due
    field_activities: int = 0                         # notes to blank
    access_log_entries: int = 0                       # entries to delete
    login_failures: int = 0                           # failed logins to delete
    settings: dict = field(default_factory=dict)      # the periods in days

    def summary(self) -> str:
        """The run in a few words, for the access log (counts only)."""
        return (f"cases {len(self.cases)}, field activities {self.field_activities}, "
                f"access log {self.access_log_entries}, "
                f"failed logins {self.login_failures}")


SETTINGS = ("RETENTION_CLOSED_CASES_DAYS", "RETENTION_FIELD_ACTIVITY_DAYS",
            "RETENTION_ACCESS_LOG_DAYS", "RETENTION_LOGIN_FAILURES_DAYS")


def retention_settings() -> dict:
    """The periods in force, in days."""
    return {name: int(current_app.config[name]) for name in SETTINGS}


def _cutoffs(settings):
    now = utcnow()
    return {
        "cases": today() - timedelta(days=settings["RETENTION_CLOSED_CASES_DAYS"]),
        "field_activities": now - timedelta(days=settings["RETENTION_FIELD_ACTIVITY_DAYS"]),
        "access_log": now - timedelta(days=settings["RETENTION_ACCESS_LOG_DAYS"]),
        "login_failures": now - timedelta(days=settings["RETENTION_LOGIN_FAILURES_DAYS"]),
    }


def _cases_due(cutoff):
    return select(Case).where(Case.status == workflow.CLOSED, Case.anonymised_at.is_(None),
                              Case.closed_on < cutoff)


def _activities_due(cutoff):
    has_text = or_(FieldActivity.note != "", FieldActivity.id.in_(
        select(PartnerReferral.field_activity_id).where(PartnerReferral.reason != "")))
    return (FieldActivity.at < cutoff) & has_text


def retention_plan() -> RetentionPlan:
    """What is past its period now; changes nothing."""
    settings = retention_settings()
    cutoffs = _cutoffs(settings)

    def count(statement):
        return db.session.execute(statement).scalar_one()

    return RetentionPlan(
        cases=db.session.execute(_cases_due(cutoffs["cases"]).with_only_columns(
            Case.reference).order_by(Case.closed_on, Case.reference)).scalars().all(),
        field_activities=count(select(func.count(FieldActivity.id)).where(
            _activities_due(cutoffs["field_activities"]))),
        access_log_entries=count(select(func.count(AccessEntry.id)).where(
            AccessEntry.at < cutoffs["access_log"])),
        login_failures=count(select(func.count(LoginFailure.id)).where(
            LoginFailure.at < cutoffs["login_failures"])),
        settings=settings)


def run_retention(*, dry_run=False, user=None) -> RetentionPlan:
    """Apply the retention periods (see config.py): anonymise the closed cases past
    theirs, blank old field activities' notes (their counts stay), delete old access-log
    entries and failed logins. ``dry_run``: only say what would be done. Either way the
    run is in the access log."""
    plan = retention_plan()
    if dry_run:
        audit.record("privacy", "retention", user=user, detail="dry run: " + plan.summary())
        return plan
    cutoffs = _cutoffs(plan.settings)
    for case in db.session.execute(_cases_due(cutoffs["cases"]).order_by(
            Case.closed_on, Case.reference)).scalars().all():
        anonymise_case(case, user=user, reason="retention")
    due = _activities_due(cutoffs["field_activities"])
    activity_ids = select(FieldActivity.id).where(due)
    db.session.execute(update(PartnerReferral).where(
        PartnerReferral.field_activity_id.in_(activity_ids)).values(reason=""),
        execution_options={"synchronize_session": False})
    db.session.execute(update(FieldActivity).where(FieldActivity.at < cutoffs[
        "field_activities"], FieldActivity.note != "").values(note=""),
        execution_options={"synchronize_session": False})
    # Failed logins are the logins' table; the retention only deletes its old rows.
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.at < cutoffs["login_failures"]),
        execution_options={"synchronize_session": False})
    db.session.commit()
    audit.purge_before(cutoffs["access_log"])
    audit.record("privacy", "retention", user=user, detail=plan.summary())
    log.info("retention run: %s", plan.summary())
    return plan
