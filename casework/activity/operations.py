"""Field activity: log, correct and delete the work that belongs to no case, and the
referrals to partners made on the spot. People met are counts, never names; the log lines
name accounts and ids only."""
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..auth.models import MEDIATOR, User, UserRole, user_teams
from ..cases.models import PartnerReferral
from ..core.clock import to_local, utcnow
from ..core.errors import OperationError
from ..core.versioning import check_version, commit
from ..extensions import db
from ..permissions import can, may_on_activity
from ..reference.models import ACTIVITY, REFERRAL_REASON, TERRITORY, Partner, ReferenceItem
from .models import MAX_MINUTES, MAX_PEOPLE, MODES, FieldActivity, interventions_for

log = logging.getLogger(__name__)

# How far back an activity may be logged, and how far ahead (a round that ends after
# midnight, a clock a little off): beyond, the date is a typing mistake.
MAX_AGE = timedelta(days=366)
MAX_AHEAD = timedelta(days=1)


@dataclass
class Referral:
    """A referral to a partner made during the activity, as the form gives it."""

    partner: Partner
    reason: ReferenceItem
    detail: str = ""


def team_mediators(team_ids) -> list[User]:
    """Active mediators of these teams, by name."""
    if not team_ids:
        return []
    return db.session.execute(
        select(User).join(user_teams, user_teams.c.user_id == User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(user_teams.c.team_id.in_(list(team_ids)), User.active.is_(True),
               UserRole.role == MEDIATOR)
        .order_by(User.full_name, User.id)).scalars().unique().all()


def habits(user) -> tuple[ReferenceItem | None, ReferenceItem | None]:
    """The kind and "my usual territory": those of the last activity this user logged,
    while they are still in their lists."""
    row = db.session.execute(
        select(FieldActivity.kind_id, FieldActivity.territory_id)
        .where(FieldActivity.created_by_id == user.id)
        .order_by(FieldActivity.created_at.desc(), FieldActivity.id.desc()).limit(1)
    ).one_or_none()
    if row is None:
        return None, None
    found = []
    for item_id in row:
        item = db.session.get(ReferenceItem, item_id) if item_id else None
        found.append(item if item is not None and item.active else None)
    return found[0], found[1]


def _may_log(actor):
    if not can(actor, "log_field_activity"):
        raise PermissionError(f"account {actor.id if actor else None} may not log field "
                              "activity")


def _check(actor, *, kind, at, duration_minutes, team, territory, mode, people_met,
           mediators, activity=None):
    """The rules every saved activity keeps, whoever calls (a view, a command, a test)."""
    if team is None or team.id not in actor.team_ids:
        raise PermissionError(f"account {actor.id} is not in team "
                              f"{team.id if team else None}")
    same_kind = activity is not None and kind is not None and kind.id == activity.kind_id
    if kind is None or kind.kind != ACTIVITY or not (kind.active or same_kind):
        raise OperationError(_l("Choose a kind of activity from the list."), field="kind")
    same_territory = activity is not None and territory is not None and \
        territory.id == activity.territory_id
    if territory is not None and (territory.kind != TERRITORY or
                                  not (territory.active or same_territory)):
        raise OperationError(_l("Choose a territory from the list."), field="territory")
    now = utcnow()
    if at is None or at > now + MAX_AHEAD:
        raise OperationError(_l("An activity is logged once it has happened."), field="day")
    if at < now - MAX_AGE and not (activity is not None and at == activity.at):
        raise OperationError(_l("This date is more than a year ago."), field="day")
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= MAX_MINUTES:
        raise OperationError(_l("Enter a duration between 1 minute and 12 hours."),
                             field="duration_minutes")
    if mode not in MODES:
        raise OperationError(_l("Choose individual or collective."), field="mode")
    if not isinstance(people_met, int) or not 0 <= people_met <= MAX_PEOPLE:
        raise OperationError(_l("Enter a number of people between 0 and %(max)d.",
                                max=MAX_PEOPLE), field="people_met")
    if mode == "collective" and people_met < 1:
        raise OperationError(_l("A collective activity has at least one participant."),
                             field="people_met")
    if not mediators:
        raise OperationError(_l("Choose at least one mediator."), field="mediators")
    allowed = {m.id for m in team_mediators([team.id])}
    if activity is not None:
        # A colleague who has since left the team stays on the activities they took part in.
        allowed |= {m.id for m in activity.mediators}
    if any(m.id not in allowed for m in mediators):
        raise OperationError(_l("Choose among the mediators of the team."),
                             field="mediators")


def _check_referrals(referrals):
    for referral in referrals:
        if referral.partner is None or not referral.partner.active:
            raise OperationError(_l("Choose a partner from the list."), field="referrals")
        if referral.reason is None or referral.reason.kind != REFERRAL_REASON or \
                not referral.reason.active:
            raise OperationError(_l("Choose a reason from the list."), field="referrals")


def _add_referrals(actor, activity, referrals):
    for referral in referrals:
        activity.referrals.append(PartnerReferral(
            stage="field", team_id=activity.team_id, partner_id=referral.partner.id,
            reason_id=referral.reason.id, reason=(referral.detail or "").strip(),
            referred_on=to_local(activity.at).date(), made_by_id=actor.id))


def log_activity(actor, *, kind, at, duration_minutes, team, territory=None, place="",
                 mode="individual", people_met=0, note="", mediators=(), referrals=()):
    """Log a field activity (action de terrain) and the referrals to partners made during
    it. ``interventions`` follows from the mode: one per person met individually, one for
    a collective activity."""
    _may_log(actor)
    mediators = list(mediators)
    _check(actor, kind=kind, at=at, duration_minutes=duration_minutes, team=team,
           territory=territory, mode=mode, people_met=people_met, mediators=mediators)
    _check_referrals(referrals)
    activity = FieldActivity(
        kind_id=kind.id, at=at, duration_minutes=duration_minutes, team_id=team.id,
        territory_id=territory.id if territory is not None else None,
        place=(place or "").strip(), mode=mode, people_met=people_met,
        interventions=interventions_for(mode, people_met), note=(note or "").strip(),
        created_by_id=actor.id, mediators=mediators)
    db.session.add(activity)
    _add_referrals(actor, activity, referrals)
    db.session.flush()
    commit(db.session)
    log.info("field activity %s logged by account %s (%s people, %s referrals)",
             activity.id, actor.id, people_met, len(referrals))
    return activity


def edit_activity(actor, activity, version, *, kind, at, duration_minutes, team,
                  territory=None, place="", mode="individual", people_met=0, note="",
                  mediators=(), referrals=(), removed_referrals=()):
    """Correct a field activity (the figures reported to funders must be right), add the
    referrals forgotten, take off those recorded by mistake. Its referrals keep its team
    and its date. Returns whether anything changed."""
    if not may_on_activity(actor, "edit", activity):
        raise PermissionError(f"account {actor.id} may not edit field activity {activity.id}")
    check_version(activity, version)
    mediators = list(mediators)
    _check(actor, kind=kind, at=at, duration_minutes=duration_minutes, team=team,
           territory=territory, mode=mode, people_met=people_met, mediators=mediators,
           activity=activity)
    _check_referrals(referrals)
    removed_ids = {r.id for r in removed_referrals}
    if any(r.field_activity_id != activity.id for r in removed_referrals):
        raise OperationError(_l("This referral is not one of this activity's."),
                             field="remove_referrals")
    day = to_local(at).date()
    if any(r.taken_up_on is not None and r.taken_up_on < day and r.id not in removed_ids
           for r in activity.referrals):
        raise OperationError(_l("A referral of this activity was taken up before this "
                                "date."), field="day")
    values = {"kind_id": kind.id, "at": at, "duration_minutes": duration_minutes,
              "team_id": team.id, "territory_id": territory.id if territory else None,
              "place": (place or "").strip(), "mode": mode, "people_met": people_met,
              "interventions": interventions_for(mode, people_met),
              "note": (note or "").strip()}
    changed = [name for name, value in values.items() if getattr(activity, name) != value]
    if {m.id for m in activity.mediators} != {m.id for m in mediators}:
        changed.append("mediators")
    if not changed and not referrals and not removed_ids:
        return False
    for name, value in values.items():
        setattr(activity, name, value)
    activity.mediators = mediators
    activity.referrals = [r for r in activity.referrals if r.id not in removed_ids]
    for referral in activity.referrals:
        referral.team_id, referral.referred_on = activity.team_id, day
    _add_referrals(actor, activity, referrals)
    if not changed:
        # Only its referrals changed: the activity's version still moves, so that a
        # colleague's form opened before is told.
        flag_modified(activity, "note")
    commit(db.session)
    log.info("field activity %s corrected by account %s (%s; %s referrals added, %s "
             "removed)", activity.id, actor.id, ", ".join(changed) or "referrals",
             len(referrals), len(removed_ids))
    return True


def delete_activity(actor, activity, version=None):
    """Delete a field activity logged by mistake, with its referrals: its author or a
    manager of its team."""
    if not may_on_activity(actor, "delete", activity):
        raise PermissionError(f"account {actor.id} may not delete field activity "
                              f"{activity.id}")
    check_version(activity, version)
    activity_id = activity.id
    db.session.delete(activity)
    commit(db.session)
    log.info("field activity %s deleted by account %s", activity_id, actor.id)
