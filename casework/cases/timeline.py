"""The case's timeline: every change, dated and attributed, old → new. Append-only."""
from datetime import date

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


def record_party_edit(case, actor, party, changes):
    """A party's details changed. When the change is a withdrawal of consent (the party
    stops taking part), the event says so — "consent withdrawn" rather than "party
    edited" — and always carries the withdrawal's date and how it was said, even when
    they equal the consent's earlier ones."""
    changes = list(changes)
    withdrawn = any(field == "consent" and new == "withdrawn" and old != "withdrawn"
                    for field, old, new in changes)
    if not withdrawn:
        return record_event(case, actor, "party_edited",
                            [("party", None, party.display_name)] + changes)
    fields = {field for field, _old, _new in changes}
    extra = [(name, None, getattr(party, name)) for name in ("consent_on", "consent_method")
             if name not in fields]
    return record_event(case, actor, "consent_withdrawn",
                        [("party", None, party.display_name)] + changes + extra)


def withdrawal(event):
    """For a "consent withdrawn" event: {"on": the date, "how": the method code}, as the
    timeline shows them ("Consent withdrawn on 9 March 2026 (by phone)"); else None."""
    if event.kind != "consent_withdrawn":
        return None
    values = {change["field"]: change["new"] for change in event.changes or []}
    try:
        on = date.fromisoformat(values.get("consent_on") or "")
    except ValueError:
        on = None
    return {"party": values.get("party") or "", "on": on,
            "how": values.get("consent_method") or ""}
