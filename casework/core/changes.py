"""Changes as the timeline records them: (field, old, new), values as plain text."""
from datetime import date


def timeline_value(value):
    """A value as the timeline keeps it: plain text, names for people and list items."""
    if value is None:
        return None
    if hasattr(value, "full_name"):  # a staff account
        return value.full_name
    if hasattr(value, "label_fr"):  # a reference list item
        return value.label_fr
    if hasattr(value, "name"):  # a team, a partner
        return value.name
    if hasattr(value, "display_name"):  # a party
        return value.display_name
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(timeline_value(v)) for v in value)
    return value


def names(people) -> str:
    """Names in alphabetical order, whatever order the database gave the people in."""
    return ", ".join(sorted(timeline_value(person) for person in people))


def minute(moment) -> str:
    """A moment as the timeline keeps it, to the minute."""
    return moment.isoformat(timespec="minutes")


def apply(record, data: dict, fields) -> list:
    """Set ``fields`` of ``record`` from ``data``; return the (field, old, new) that
    changed. Lists (of rows) compare by id."""
    changed = []
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(record, field), data[field]
        if isinstance(old, list) or isinstance(new, list):
            if sorted(x.id for x in old or []) != sorted(x.id for x in new or []):
                changed.append((field, list(old or []), list(new or [])))
                setattr(record, field, list(new or []))
            continue
        if old != new:
            changed.append((field, old, new))
            setattr(record, field, new)
    return changed


def who(actor) -> str:
    """The actor as logs name them: by account id, never by name."""
    return "command line" if actor is None else f"account {actor.id}"
