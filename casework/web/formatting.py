"""Values as the reader sees them: timeline changes, addresses on one line, and the
labels and helpers every template may use."""
import re
from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..core.documents import long_date
from .i18n import current_language, date_long, datetime_long
from . import labels


def change_value(field, value):
    """A value recorded on the timeline, as the reader should see it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _l("yes") if value else _l("no")
    # Every date (received_on, consent_on, follow_up_on…) in words, as everywhere else.
    if field.endswith("_on") and isinstance(value, str):
        try:
            return date_long(date.fromisoformat(value))
        except ValueError:
            return value
    if field in ("at", "starts_at", "intervention_of") and isinstance(value, str):
        try:
            return datetime_long(datetime.fromisoformat(value))
        except ValueError:
            return value
    mapping = labels.VALUE_LABELS.get(field)
    if mapping is not None and value in mapping:
        return mapping[value]
    return value


SHORT_CHANGE = 80   # a change shorter than this on both sides is shown whole
CHANGE_CONTEXT = 40  # characters kept around the changed part of a long text
CHANGE_MAX = 300     # the longest removed or added part shown


def text_change(old: str, new: str):
    """What changed in a long text (a description, a summary), for the timeline: the
    unchanged words just before and after, and the part removed and the part added —
    so that a one-word change in a long description can be read. None when both sides
    are short enough to show whole."""
    old, new = str(old or ""), str(new or "")
    if len(old) <= SHORT_CHANGE and len(new) <= SHORT_CHANGE:
        return None
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    # Widen to whole words, so that « bruit » → « bruits » reads as words, not letters.
    while start > 0 and old[start - 1].isalnum():
        start -= 1
    while end > 0 and old[len(old) - end].isalnum():
        end -= 1
    before = old[max(0, start - CHANGE_CONTEXT):start]
    after = old[len(old) - end:len(old) - end + CHANGE_CONTEXT]

    def cut(part):
        return part if len(part) <= CHANGE_MAX else part[:CHANGE_MAX] + "…"

    return {"before": ("…" if start > CHANGE_CONTEXT else "") + before,
            "removed": cut(old[start:len(old) - end]), "added": cut(new[start:len(new) - end]),
            "after": after + ("…" if end > CHANGE_CONTEXT else "")}


def address(place) -> str:
    """A case's or party's address on one line: « 12 rue X, bâtiment C, escalier B,
    3ᵉ étage, 69008 Lyon ». A bare building or staircase letter gets its word, a bare
    floor number its ordinal (floor_label)."""
    building, staircase = place.building or "", place.staircase or ""
    if building and len(building) <= 3:
        building = gettext("building %(name)s", name=building)
    if staircase and len(staircase) <= 3:
        staircase = gettext("staircase %(name)s", name=staircase)
    details = [x for x in (building, staircase, floor_label(place.floor)) if x]
    town = f"{place.postcode} {place.city}".strip()
    return ", ".join(x for x in [place.street, *details, town] if x)


# « 3 », « 3e », « 3ème », « 3e étage », « RDC »: the ways a floor is typed in.
FLOOR_NUMBER = re.compile(r"^(-?\d{1,3})\s*(?:e|è|ème|eme|ᵉ|er|ᵉʳ|re|st|nd|rd|th)?\.?"
                          r"(?:\s*(?:étage|etage|floor))?$", re.IGNORECASE)
GROUND_FLOOR = re.compile(r"^(?:rdc|rez[- ]de[- ]chauss[ée]e|ground(?: floor)?)$", re.IGNORECASE)


def floor_label(floor) -> str:
    """A floor as it is written: « 3ᵉ étage », « 1er étage », « rez-de-chaussée »;
    "3rd floor", "ground floor". What is not a plain number is kept as typed."""
    text = (floor or "").strip()
    if GROUND_FLOOR.match(text):
        return gettext("ground floor")
    found = FLOOR_NUMBER.match(text)
    if found is None:
        return text
    number = int(found.group(1))
    if number == 0:
        return gettext("ground floor")
    if number < 0:
        return text
    return gettext("%(ordinal)s floor", ordinal=ordinal(number))


def ordinal(number: int) -> str:
    """« 1er », « 2ᵉ » in French; "1st", "2nd", "3rd", "11th" in English."""
    if current_language() == "fr":
        return "1er" if number == 1 else f"{number}\u1d49"
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}" + {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def quoted(text) -> str:
    """A quotation in the reader's language: « texte » (no-break spaces inside), “text”."""
    if current_language() == "fr":
        return f"«\u00a0{text}\u00a0»"
    return f"“{text}”"


def init_app(app):
    # Globals, not a context processor: imported macros see them too.
    app.jinja_env.globals.update({
        "change_value": change_value,
        "text_change": text_change,
        "long_date": long_date,
        "address": address,
        "quoted": quoted,
        "role_labels": labels.ROLE_LABELS,
        "status_labels": labels.STATUS_LABELS,
        "status_help": labels.STATUS_HELP,
        "outcome_labels": labels.OUTCOME_LABELS,
        "transition_labels": labels.TRANSITION_LABELS,
        "urgency_labels": labels.URGENCY_LABELS,
        "party_role_labels": labels.PARTY_ROLE_LABELS,
        "party_kind_labels": labels.PARTY_KIND_LABELS,
        "civility_labels": labels.CIVILITY_LABELS,
        "consent_labels": labels.CONSENT_LABELS,
        "consent_method_labels": labels.CONSENT_METHOD_LABELS,
        "language_labels": labels.LANGUAGE_LABELS,
        "event_labels": labels.EVENT_LABELS,
        "next_steps": labels.NEXT_STEP_LABELS,
        "intervention_kind_labels": labels.INTERVENTION_KIND_LABELS,
        "preset_labels": labels.PERIOD_PRESET_LABELS,
        "round_table_status_labels": labels.ROUND_TABLE_STATUS_LABELS,
        "round_table_outcome_labels": labels.ROUND_TABLE_OUTCOME_LABELS,
        "agreement_status_labels": labels.AGREEMENT_STATUS_LABELS,
        "field_labels": labels.FIELD_LABELS,
        "access_action_labels": labels.ACCESS_ACTION_LABELS,
        "access_object_labels": labels.ACCESS_OBJECT_LABELS,
    })
