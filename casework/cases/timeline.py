"""The case's timeline: every change, dated and attributed, old → new. Append-only."""
from ..core.changes import timeline_value
from ..extensions import db
from .models import TimelineEvent


def record_event(case, actor, kind, changes=(), reason=""):
    """Append an event to the case's timeline (who, when, what, before → after)."""
    event = TimelineEvent(case_id=case.id, actor_id=actor.id if actor else None, kind=kind,
                          changes=[{"field": f, "old": timeline_value(o),
                                    "new": timeline_value(n)} for f, o, n in changes],
                          reason=(reason or "").strip())
    db.session.add(event)
    return event
