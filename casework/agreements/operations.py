"""Agreement operations: draft, edit, sign and freeze, amend, follow up (the scans: scans.py).
Each checks the rules, writes, and appends to the case's timeline."""
import difflib
import hashlib
import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

from ..cases import workflow
from ..cases.consent import require_consent
from ..cases.models import Case
from ..cases.operations import take_step
from ..cases.timeline import record_event
from ..core.clock import today, utcnow
from ..core.errors import OperationError
from ..core.versioning import check_version, commit
from ..extensions import db
from ..meetings.models import RoundTable
from ..permissions import denied
from .models import Agreement, ClauseTemplate, Commitment, FollowUp, FollowUpResult

log = logging.getLogger(__name__)

def current_agreement(case, *options):
    """The newest version of the case's agreement, or None; ``options`` such as
    WITHOUT_FILES for a page that shows only its number and status."""
    return db.session.execute(select(Agreement).where(Agreement.case_id == case.id)
                              .order_by(Agreement.number.desc()).limit(1).options(*options)
                              ).scalar_one_or_none()


# The signed document, the signing copy and the frozen text (tens of kilobytes each): read
# only when used.
WITHOUT_FILES = (defer(Agreement.document), defer(Agreement.signing_copy),
                 defer(Agreement.snapshot))


def all_versions(case):
    return db.session.execute(select(Agreement).where(Agreement.case_id == case.id)
                              .order_by(Agreement.number)).scalars().all()


def parties_language(parties):
    """The agreement's language by default: the one the parties share, English when every
    party prefers English; French and English (the French text authoritative) when some
    prefer English and others not; French otherwise — never the interface language of
    whoever drafts it."""
    languages = {p.language for p in parties}
    if languages == {"en"}:
        return "en"
    return "fr-en" if "en" in languages else "fr"


def missing_english(agreement):
    """What a bilingual agreement still lacks in English: {"account": True} and, per party
    id (None: the joint commitments), the numbers of the commitments not translated."""
    if agreement.language != "fr-en":
        return {}
    missing = {}
    if agreement.account.strip() and not agreement.account_en.strip():
        missing["account"] = True
    numbers = {}
    for commitment in agreement.commitments:
        numbers.setdefault(commitment.party_id, []).append(commitment)
    for party_id, commitments in numbers.items():
        lacking = [n for n, c in enumerate(commitments, start=1) if not c.text_en.strip()]
        if lacking:
            missing[party_id] = lacking
    return missing


def start_draft(actor, case):
    """Start drafting: from mediation (after a round table), or — an amendment — from
    follow-up, copying the signed version's commitments into a new version."""
    denied(actor, "change", case)
    previous = current_agreement(case)
    if previous is not None and previous.status == "draft":
        return previous
    name = "amend_agreement" if case.status == workflow.FOLLOW_UP else "draft_agreement"
    workflow.find(case.status, name)  # raises TransitionRefused before anything is written
    table = db.session.execute(
        select(RoundTable).where(RoundTable.case_id == case.id, RoundTable.status == "held")
        .order_by(RoundTable.starts_at.desc()).limit(1)).scalar_one_or_none()
    agreement = Agreement(
        case=case, number=(previous.number + 1) if previous else 1, created_by_id=actor.id,
        language=parties_language(case.parties),
        meeting_date=table.starts_at.date() if table else today(),
        meeting_place=table.place_label if table else "",
        account=previous.account if previous else "",
        account_en=previous.account_en if previous else "")
    if previous is not None:
        agreement.language = previous.language
        agreement.follow_up_weeks = previous.follow_up_weeks
        agreement.commitments = [Commitment(party_id=c.party_id, position=c.position,
                                            text=c.text, text_en=c.text_en)
                                 for c in previous.commitments]
    db.session.add(agreement)
    changes = workflow.take(case, name)
    record_event(case, actor, "agreement_drafted" if previous is None else "agreement_amended",
                 changes + [("agreement_version", None, agreement.number)])
    commit(db.session)
    log.info("agreement v%s of case %s started by account %s", agreement.number,
             case.reference, actor.id)
    return agreement


def save_draft(actor, agreement, version, *, language, meeting_date, meeting_place, account,
               follow_up_weeks, commitments, account_en=""):
    """Save the draft. ``commitments``: [(party_id or None for joint, text)] or, bilingual,
    [(party_id, French, English)], in order; a bilingual draft may be saved with English
    texts still missing (it cannot be prepared for signing until they are written).
    A signing copy prepared earlier no longer matches: it is dropped."""
    case = agreement.case
    denied(actor, "change", case)
    if agreement.status != "draft":
        raise OperationError(_l("A signed agreement cannot be changed; amend it instead."))
    check_version(agreement, version)
    party_ids = {p.id for p in case.parties}
    commitments = [tuple(row) + ("",) * (3 - len(row)) for row in commitments]
    if any(row[0] is not None and row[0] not in party_ids for row in commitments):
        raise OperationError(_l("Choose among the parties of this case."))
    amended = previous_signed(agreement) if agreement.number > 1 else None
    if amended is not None and meeting_date and amended.signed_on \
            and meeting_date < amended.signed_on:
        raise OperationError(_l("An amendment follows the agreement it amends: its round "
                                "table cannot be dated before that agreement was signed."),
                             field="meeting_date")
    agreement.language = language
    agreement.meeting_date = meeting_date
    agreement.meeting_place = meeting_place
    agreement.account = account
    agreement.account_en = account_en or ""
    agreement.follow_up_weeks = follow_up_weeks
    agreement.commitments = [Commitment(party_id=pid, position=i, text=text, text_en=text_en)
                             for i, (pid, text, text_en) in enumerate(commitments)]
    drop_signing_copy(agreement)
    commit(db.session)
    return agreement


def drop_signing_copy(agreement):
    agreement.signing_copy = agreement.signing_sha256 = agreement.snapshot = None
    agreement.prepared_at = None


def check_can_sign(case, agreement):
    if agreement.status != "draft":
        raise OperationError(_l("This version is already signed."))
    try:
        workflow.find(case.status, "mark_signed")
    except workflow.TransitionRefused:
        raise OperationError(_l("This step is not possible from the case's current "
                                "status.")) from None
    if not agreement.commitments:
        raise OperationError(_l("An agreement needs at least one commitment."))
    if missing_english(agreement):
        raise OperationError(_l("The English text is not complete: write it in the editor, "
                                "beside the French, before preparing the signing copy."))


def prepare_signing_copy(actor, agreement, version, *, signed_on, signed_place, follow_up_on,
                         build):
    """Prepare the signing copy: the document with its place, date, follow-up date and
    every signatory, to download and print. ``build(agreement)`` returns (the data as a
    dict, the document's bytes); both are kept, and marking as signed freezes exactly
    these bytes."""
    case = agreement.case
    denied(actor, "change", case)
    check_version(agreement, version)
    check_can_sign(case, agreement)
    if follow_up_on <= signed_on:
        raise OperationError(_l("The follow-up comes after the signature."),
                             field="follow_up_on")
    agreement.signed_on = signed_on
    agreement.signed_place = signed_place
    agreement.follow_up_on = follow_up_on
    snapshot, body = build(agreement)
    agreement.snapshot = snapshot
    agreement.signatories = [dict(row) for row in snapshot.get("signatory_kinds", [])]
    agreement.signing_copy = body
    agreement.signing_sha256 = hashlib.sha256(body).hexdigest()
    agreement.prepared_at = utcnow()
    commit(db.session)
    log.info("agreement v%s of case %s: signing copy prepared by account %s, sha256 %s",
             agreement.number, case.reference, actor.id, agreement.signing_sha256[:12])
    return agreement


def sign(actor, agreement, version, *, sha256, current, consent_override=""):
    """Mark as signed: the signing copy prepared and printed becomes the signed document,
    byte for byte, with its SHA-256, never to change again; schedule the follow-up; the
    case moves to follow-up. ``sha256`` is the copy the user has in hand; ``current(agreement)``
    the data as the copy would be built now: if the draft or the case changed since the
    copy was prepared, it must be prepared (and printed) again. The agreement names every
    party of the case: each one's consent must be recorded as given, unless a manager of
    the case gives a reason (``consent_override``), kept on the timeline."""
    case = agreement.case
    denied(actor, "change", case)
    check_version(agreement, version)
    check_can_sign(case, agreement)
    if agreement.signing_copy is None:
        raise OperationError(_l("Prepare the signing copy first, print it, then mark it as "
                                "signed."))
    if sha256 != agreement.signing_sha256 or current(agreement) != agreement.snapshot:
        raise OperationError(_l("The draft or the case has changed since the signing copy "
                                "was prepared: prepare it again and print the new copy."))
    require_consent(actor, case, case.parties, step="agreement_signed",
                    override=consent_override)
    agreement.signed_at = utcnow()
    agreement.document, agreement.sha256 = agreement.signing_copy, agreement.signing_sha256
    agreement.signing_copy = None
    agreement.status = "signed"
    follow_up_on = agreement.follow_up_on
    for older in db.session.execute(select(Agreement).where(
            Agreement.case_id == case.id, Agreement.status == "signed",
            Agreement.id != agreement.id)).scalars():
        older.status = "superseded"
    # A newer signature replaces the pending check of an earlier version.
    for pending in db.session.execute(select(FollowUp).where(
            FollowUp.case_id == case.id, FollowUp.done_at.is_(None))).scalars():
        db.session.delete(pending)
    db.session.add(FollowUp(case=case, agreement=agreement, due_on=follow_up_on))
    changes = workflow.take(case, "mark_signed")
    record_event(case, actor, "agreement_signed",
                 changes + [("agreement_version", None, agreement.number),
                  ("follow_up_on", None, follow_up_on.isoformat())])
    commit(db.session)
    log.info("agreement v%s of case %s signed, sha256 %s", agreement.number, case.reference,
             agreement.sha256[:12])
    return agreement


def previous_signed(agreement):
    """The signed version an amendment amends (the newest signed before it), or None."""
    return db.session.execute(select(Agreement).where(
        Agreement.case_id == agreement.case_id, Agreement.number < agreement.number,
        Agreement.status.in_(("signed", "superseded")))
        .order_by(Agreement.number.desc()).limit(1)).scalar_one_or_none()


def commitment_changes(before, after):
    """What changes from ``before`` to ``after``, both [(party_id or None, text)] in order:
    {"added": [(pid, text)], "changed": [(pid, old, new)], "withdrawn": [(pid, text)],
    "unchanged": [(pid, text)]}, per party, a replaced line at the same place being a
    change."""
    result = {"added": [], "changed": [], "withdrawn": [], "unchanged": []}
    owners = list(dict.fromkeys([pid for pid, _ in before] + [pid for pid, _ in after]))
    for pid in owners:
        old = [text for p, text in before if p == pid]
        new = [text for p, text in after if p == pid]
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                result["unchanged"] += [(pid, text) for text in old[i1:i2]]
            elif tag == "delete":
                result["withdrawn"] += [(pid, text) for text in old[i1:i2]]
            elif tag == "insert":
                result["added"] += [(pid, text) for text in new[j1:j2]]
            else:
                pairs = min(i2 - i1, j2 - j1)
                result["changed"] += [(pid, old[i1 + k], new[j1 + k]) for k in range(pairs)]
                result["withdrawn"] += [(pid, text) for text in old[i1 + pairs:i2]]
                result["added"] += [(pid, text) for text in new[j1 + pairs:j2]]
    return result


def due_follow_up(case):
    return db.session.execute(select(FollowUp).where(
        FollowUp.case_id == case.id, FollowUp.done_at.is_(None))
        .order_by(FollowUp.due_on).limit(1)).scalar_one_or_none()


def record_follow_up(actor, follow_up, *, results, note, decision, reason="",
                     next_check_on=None, closing=None):
    """Record the check: for each commitment kept / partly kept / not kept. Everything
    kept closes the case as "agreement respected"; otherwise the mediator chooses: a new
    round table, closing as "agreement breached", or checking again later. Closing keeps
    the same closing record as any closure: ``closing`` = {closing_summary, referrals,
    answers}, as cases.operations.transition takes them."""
    closing = closing or {}
    case = follow_up.case
    denied(actor, "change", case)
    if follow_up.done_at is not None:
        raise OperationError(_l("This follow-up is already recorded."))
    commitment_ids = {c.id for c in follow_up.agreement.commitments}
    if set(results) != commitment_ids:
        raise OperationError(_l("Give a result for every commitment."))
    all_kept = all(result == "kept" for result, _ in results.values())
    if all_kept and decision not in ("close_respected", "check_again"):
        decision = "close_respected"
    if not all_kept and decision == "close_respected":
        raise OperationError(_l("Not every commitment is kept: choose what happens next."),
                             field="decision")
    if decision == "check_again" and next_check_on is None:
        raise OperationError(_l("Give the date of the next check."), field="next_check_on")
    follow_up.results = [FollowUpResult(commitment_id=cid, result=result, note=text or "")
                         for cid, (result, text) in sorted(results.items())]
    follow_up.note = note or ""
    follow_up.done_at = utcnow()
    follow_up.done_by_id = actor.id
    summary = {r: sum(1 for v, _ in results.values() if v == r)
               for r in ("kept", "partly_kept", "not_kept")}
    record_event(case, actor, "follow_up_recorded",
                 [("kept", None, summary["kept"]), ("partly_kept", None, summary["partly_kept"]),
                  ("not_kept", None, summary["not_kept"])], reason=note)
    if decision == "check_again":
        db.session.add(FollowUp(case=case, agreement=follow_up.agreement,
                                due_on=next_check_on))
    # The check and the case's resulting step are one action: they commit together.
    if decision == "close_respected":
        take_step(actor, case, "close", outcome="agreement_respected", reason=note, **closing)
    elif decision == "close_breached":
        take_step(actor, case, "close", outcome="agreement_breached", reason=reason or note,
                  **closing)
    elif decision == "new_round_table":
        take_step(actor, case, "new_round_table",
                  reason=reason or note or str(_l("Commitments not kept.")))
    commit(db.session)
    return follow_up


def default_follow_up_date(agreement, signed_on):
    return signed_on + timedelta(weeks=agreement.follow_up_weeks or 4)


def follow_ups_due(mediator_id, until):
    """Open follow-up checks of a mediator's cases, due by ``until``."""
    return db.session.execute(
        select(FollowUp).join(Case).where(
            FollowUp.done_at.is_(None), FollowUp.due_on <= until,
            Case.status == workflow.FOLLOW_UP,
            (Case.lead_mediator_id == mediator_id) | (Case.co_mediator_id == mediator_id))
        .options(joinedload(FollowUp.case)).order_by(FollowUp.due_on)).scalars().all()


def count_versions(case):
    return db.session.execute(select(func.count(Agreement.id)).where(
        Agreement.case_id == case.id)).scalar_one()


# — The clause library ————————————————————————————————————————————————————————

def save_clause(actor, clause, *, category_id, joint, text_fr, text_en, position):
    """Create (``clause`` None) or change a standard clause of the library."""
    created = clause is None
    if created:
        clause = ClauseTemplate()
        db.session.add(clause)
    clause.category_id = category_id or None
    clause.joint = joint
    clause.text_fr, clause.text_en = text_fr, text_en
    clause.position = position or 0
    commit(db.session)
    log.info("clause %s %s by account %s", clause.id, "created" if created else "changed",
             actor.id)
    return clause


def set_clause_active(actor, clause, active: bool):
    """Offer the clause when drafting, or no longer (it is never deleted)."""
    clause.active = active
    commit(db.session)
    log.info("clause %s %s by account %s", clause.id,
             "activated" if active else "deactivated", actor.id)
    return clause
