"""Interventions and round tables: the operations that log contacts and hold sessions.
Like every operation, each checks the rules (a closed case refuses them all), writes, and
appends to the case's timeline."""
import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from ..cases import workflow
from ..cases.consent import require_consent
from ..cases.timeline import record_event
from ..core.changes import minute, names
from ..core.clock import utcnow
from ..core.errors import OperationError
from ..core.versioning import check_version, commit
from ..extensions import db
from ..permissions import denied
from .models import Intervention, RoundTable, round_table_mediators

log = logging.getLogger(__name__)


def _case_people(case, mediators, parties):
    """Mediators must be mediators of the case's team; parties must be the case's."""
    party_ids = {p.id for p in case.parties}
    if any(p.id not in party_ids for p in parties):
        raise OperationError(_l("Choose among the parties of this case."), field="parties")
    if not mediators:
        raise OperationError(_l("Choose at least one mediator."), field="mediators")


def log_intervention(actor, case, *, kind, at, duration_minutes, summary, notes="",
                     mediators=(), parties=()):
    """Log a contact. The first one on an ``assigned`` case starts the mediation."""
    denied(actor, "change", case)
    _case_people(case, mediators, parties)
    intervention = Intervention(case=case, team_id=case.team_id, kind=kind, at=at,
                                duration_minutes=duration_minutes, summary=summary,
                                notes=notes or "", created_by_id=actor.id,
                                mediators=list(mediators), parties=list(parties))
    db.session.add(intervention)
    db.session.flush()
    record_event(case, actor, "intervention",
                 [("intervention_kind", None, kind), ("at", None, minute(at))])
    _start_mediation(case, actor)
    commit(db.session)
    log.info("intervention %s logged on case %s by account %s", intervention.id,
             case.reference, actor.id)
    return intervention


def edit_intervention(actor, intervention, version, *, kind, at, duration_minutes, summary,
                      notes="", mediators=(), parties=()):
    """Correct a logged contact (a wrong time, a forgotten colleague…): the figures reported
    to funders must be right. The timeline keeps what was there before, except the
    confidential notes, of which it says only that they changed."""
    case = intervention.case
    denied(actor, "change", case)
    check_version(intervention, version)
    _case_people(case, mediators, parties)
    changes = [(field, old, new) for field, old, new in (
        ("intervention_kind", intervention.kind, kind),
        ("at", minute(intervention.at), minute(at)),
        ("duration_minutes", intervention.duration_minutes, duration_minutes),
        ("summary", intervention.summary, summary)) if old != new]
    for field, old, new in (("mediators_present", intervention.mediators, list(mediators)),
                            ("parties_met", intervention.parties, list(parties))):
        if {item.id for item in old} != {item.id for item in new}:
            changes.append((field, names(old), names(new)))
    if (notes or "") != intervention.notes:
        changes.append(("notes", None, "changed"))
    if not changes:
        return []
    intervention.kind, intervention.at = kind, at
    intervention.duration_minutes, intervention.summary = duration_minutes, summary
    intervention.notes = notes or ""
    intervention.mediators, intervention.parties = list(mediators), list(parties)
    record_event(case, actor, "intervention_edited",
                 [("intervention_of", None, minute(at))] + changes)
    commit(db.session)
    log.info("intervention %s of case %s corrected by account %s", intervention.id,
             case.reference, actor.id)
    return changes


def _start_mediation(case, actor):
    """The first contact or round table on an ``assigned`` case starts the mediation."""
    if case.status == workflow.ASSIGNED:
        record_event(case, actor, "transition", workflow.take(case, "start_mediation"))


def double_bookings(starts_at, duration_minutes, mediators, place, exclude_id=None):
    """Scheduled round tables that overlap this slot with one of these mediators or in this
    place: [(round table, "mediator" | "place", who or what)]."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    overlap = and_(RoundTable.starts_at < ends_at, RoundTable.ends_at > starts_at,
                   RoundTable.status == "scheduled")
    if exclude_id:
        overlap = and_(overlap, RoundTable.id != exclude_id)
    mediator_ids = [m.id for m in mediators]
    conditions = []
    if mediator_ids:
        conditions.append(RoundTable.id.in_(
            select(round_table_mediators.c.round_table_id)
            .where(round_table_mediators.c.user_id.in_(mediator_ids))))
    if place is not None:
        conditions.append(RoundTable.place_id == place.id)
    if not conditions:
        return []
    clashes = []
    for other in db.session.execute(select(RoundTable).where(overlap, or_(*conditions))
                                    .order_by(RoundTable.starts_at)).scalars():
        for mediator in other.mediators:
            if mediator.id in mediator_ids:
                clashes.append((other, "mediator", mediator.full_name))
        if place is not None and other.place_id == place.id:
            clashes.append((other, "place", place.name))
    return clashes


def schedule_round_table(actor, case, *, starts_at, duration_minutes, place=None,
                         place_text="", mediators=(), invited=(), allow_double_booking=False,
                         consent_override=""):
    """Schedule a round table. Overlaps with the mediators' or the room's other sessions
    are refused unless ``allow_double_booking`` (the user saw the warning). Every invited
    party's consent must be recorded as given, unless a manager of the case gives a
    reason (``consent_override``) to go ahead without it, which the timeline keeps."""
    denied(actor, "change", case)
    _case_people(case, mediators, invited)
    if place is None and not (place_text or "").strip():
        raise OperationError(_l("Choose a place from the list or type one."), field="place")
    clashes = double_bookings(starts_at, duration_minutes, mediators, place)
    if clashes and not allow_double_booking:
        raise DoubleBooking(clashes)
    require_consent(actor, case, invited, step="round_table_scheduled",
                    override=consent_override, field="invited")
    table = RoundTable(case=case, starts_at=starts_at, duration_minutes=duration_minutes,
                       ends_at=starts_at + timedelta(minutes=duration_minutes), place=place,
                       place_text=(place_text or "").strip() if place is None else "",
                       mediators=list(mediators), invited=list(invited),
                       created_by_id=actor.id)
    db.session.add(table)
    db.session.flush()
    record_event(case, actor, "round_table_scheduled",
                 [("starts_at", None, minute(starts_at)),
                  ("place", None, table.place_label)])
    _start_mediation(case, actor)
    commit(db.session)
    log.info("round table %s scheduled on case %s by account %s", table.id, case.reference,
             actor.id)
    return table


class DoubleBooking(OperationError):
    """The slot overlaps another session of a mediator or of the room."""

    def __init__(self, clashes):
        super().__init__(_l("This slot overlaps other round tables."), field="starts_at")
        self.clashes = clashes


def record_round_table(actor, table, version, *, status, status_reason="", attended=(),
                       outcome=None, minutes="", consent_override=""):
    """Record what happened: held (who came, the outcome, the minutes), postponed or
    cancelled (with the reason). A session is held only with parties whose consent is
    recorded as given (or a manager's reason, ``consent_override``, kept on the timeline);
    correcting the record of a session already held asks it only of the parties added to
    those who came: a consent withdrawn since does not lock the minutes."""
    case = table.case
    denied(actor, "change", case)
    check_version(table, version)
    if status in ("postponed", "cancelled") and not (status_reason or "").strip():
        raise OperationError(_l("Say why."), field="status_reason")
    if status == "held" and outcome is None:
        raise OperationError(_l("Choose the outcome of the round table."), field="outcome")
    if status == "held" and table.starts_at > utcnow():
        raise OperationError(_l("This round table has not started yet: it can be recorded "
                                "as held once it has taken place."), field="status")
    party_ids = {p.id for p in case.parties}
    if any(p.id not in party_ids for p in attended):
        raise OperationError(_l("Choose among the parties of this case."), field="attended")
    if status == "held":
        already = {p.id for p in table.attended} if table.status == "held" else set()
        require_consent(actor, case, [p for p in attended if p.id not in already],
                        step="round_table_held", override=consent_override,
                        field="attended")
    old_status = table.status
    if status != old_status and "held" not in (status, old_status):
        table.sequence += 1  # the calendars strike it out (or bring it back)
    table.status = status
    table.status_reason = (status_reason or "").strip()
    table.attended = list(attended) if status == "held" else []
    table.outcome = outcome if status == "held" else None
    table.minutes = minutes or ""
    record_event(case, actor, "round_table_recorded",
                 [("round_table_status", old_status, status),
                  ("round_table_outcome", None, table.outcome)], reason=table.status_reason)
    commit(db.session)
    log.info("round table %s recorded as %s by account %s", table.id, status, actor.id)
    return table


def reschedule_round_table(actor, table, version, *, starts_at, duration_minutes, place=None,
                           place_text="", mediators=(), reason="",
                           allow_double_booking=False):
    """Give a round table still to come (scheduled or postponed) a new date, time, length,
    place or mediators. The same session, so the same calendar event: its SEQUENCE goes
    up, and the parties' letter becomes the « nouvelle date » letter naming the date it
    replaces. Overlaps are refused unless ``allow_double_booking``, as when scheduling.
    Returns the changes ([] when nothing changed)."""
    case = table.case
    denied(actor, "change", case)
    check_version(table, version)
    if table.status not in ("scheduled", "postponed"):
        raise OperationError(_l("Only a round table still to come can be given a new date."),
                             field="day")
    _case_people(case, mediators, table.invited)
    place_text = (place_text or "").strip() if place is None else ""
    if place is None and not place_text:
        raise OperationError(_l("Choose a place from the list or type one."), field="place")
    new_label = (", ".join(x for x in (place.name, place.address) if x) if place is not None
                 else place_text)
    changes = [(field, old, new) for field, old, new in (
        ("starts_at", minute(table.starts_at), minute(starts_at)),
        ("duration_minutes", table.duration_minutes, duration_minutes),
        ("place", table.place_label, new_label)) if old != new]
    if {m.id for m in table.mediators} != {m.id for m in mediators}:
        changes.append(("mediators_present", names(table.mediators), names(list(mediators))))
    if table.status == "postponed":
        changes.append(("round_table_status", "postponed", "scheduled"))
    if not changes:
        return []
    clashes = double_bookings(starts_at, duration_minutes, mediators, place,
                              exclude_id=table.id)
    if clashes and not allow_double_booking:
        raise DoubleBooking(clashes)
    if starts_at != table.starts_at:
        table.replaces_starts_at = table.starts_at
    table.starts_at, table.duration_minutes = starts_at, duration_minutes
    table.ends_at = starts_at + timedelta(minutes=duration_minutes)
    table.place, table.place_text = place, place_text
    table.mediators = list(mediators)
    table.status, table.status_reason = "scheduled", ""
    table.sequence += 1
    record_event(case, actor, "round_table_rescheduled", changes, reason=reason)
    commit(db.session)
    log.info("round table %s rescheduled by account %s", table.id, actor.id)
    return changes


def cancel_round_table(actor, table, version, *, reason):
    """Cancel a round table still to come, with the reason (kept on the timeline, never
    written in the parties' letters)."""
    if table.status not in ("scheduled", "postponed"):
        denied(actor, "change", table.case)
        raise OperationError(_l("Only a round table still to come can be cancelled."),
                             field="reason")
    if not (reason or "").strip():
        raise OperationError(_l("Say why."), field="reason")
    return record_round_table(actor, table, version, status="cancelled", status_reason=reason)


def record_letter(actor, table, party, kind):
    """A letter to a party was produced (printed or downloaded): the timeline says which
    letter, to whom and when — never its content."""
    case = table.case
    denied(actor, "change", case)
    record_event(case, actor, "letter_produced",
                 [("letter_kind", None, kind), ("party", None, party.display_name),
                  ("starts_at", None, minute(table.starts_at))])
    commit(db.session)
    log.info("%s letter for round table %s produced by account %s", kind, table.id, actor.id)
