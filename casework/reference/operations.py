"""Changes to the reference lists (listes de référence). Items are never deleted:
deactivated ones stay on the cases that use them and leave the choices of new ones.

Each function checks the rules itself (the forms check the same ones, to answer per field),
commits, and logs by id only.
"""
import logging
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..auth.operations import email_problem
from ..core.changes import who
from ..core.errors import OperationError
from ..extensions import db
from .models import KINDS, TERRITORY, MeetingPlace, Partner, ReferenceItem

log = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[a-z0-9_]{2,40}$")
LABEL_MAX, CITY_MAX, POSITION_MAX = 120, 80, 9999
PARTNER_LIMITS = {"name": 160, "kind_fr": 120, "kind_en": 120, "address": 250, "phone": 40,
                  "email": 254}


def code_problem(code: str):
    """Why this code is refused, or None. One rule for the form and the operation."""
    if not CODE_RE.match(code or ""):
        return _l("2 to 40 characters: lower-case letters, digits and _.")
    return None


def _text(data, key) -> str:
    return (data.get(key) or "").strip()


def _too_long(value, limit, field):
    # The forms refuse this with a message; reaching here is a programming error.
    if len(value) > limit:
        raise ValueError(f"{field} is longer than {limit} characters")


def code_taken(kind, code, except_item=None) -> bool:
    query = select(ReferenceItem.id).where(ReferenceItem.kind == kind,
                                           ReferenceItem.code == code)
    if except_item is not None:
        query = query.where(ReferenceItem.id != except_item.id)
    return db.session.execute(query).first() is not None


def save_item(actor, kind, item, data):
    """Create (``item`` None) or change an item of the list ``kind`` (source, category or
    territory). ``data``: code, label_fr, label_en (empty: the French label is shown),
    city (territories only) and position."""
    if kind not in KINDS:
        raise ValueError(f"unknown reference kind {kind!r}")
    code, label_fr, label_en = _text(data, "code"), _text(data, "label_fr"), _text(data, "label_en")
    city = _text(data, "city") if kind == TERRITORY else ""
    position = data.get("position") or 0
    problem = code_problem(code)
    if problem:
        raise OperationError(problem, field="code")
    if not label_fr:
        raise OperationError(_l("This field is required."), field="label_fr")
    _too_long(label_fr, LABEL_MAX, "label_fr")
    _too_long(label_en, LABEL_MAX, "label_en")
    _too_long(city, CITY_MAX, "city")
    if not isinstance(position, int) or not 0 <= position <= POSITION_MAX:
        # The form refuses this with a message; reaching here is a programming error.
        raise ValueError(f"position {position!r} is not between 0 and {POSITION_MAX}")
    if code_taken(kind, code, except_item=item):
        raise OperationError(_l("This code is already used in this list."), field="code")
    created = item is None
    if created:
        item = ReferenceItem(kind=kind, active=True)
        db.session.add(item)
    elif item.kind != kind:
        raise ValueError("the item belongs to another list")
    item.code, item.label_fr, item.label_en = code, label_fr, label_en
    item.city = city or None
    item.position = position
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # Another request took the code between our check and our write.
        raise OperationError(_l("This code is already used in this list."), field="code")
    log.info("reference item %s (%s) %s by %s", item.id, kind,
             "created" if created else "changed", who(actor))
    return item


def set_item_active(actor, item, active: bool):
    """Offer the item again, or stop offering it (cases that use it keep it)."""
    item.active = bool(active)
    db.session.commit()
    log.info("reference item %s %s by %s", item.id,
             "activated" if active else "deactivated", who(actor))
    return item


def partner_name_taken(name, except_partner=None) -> bool:
    query = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if except_partner is not None:
        query = query.where(Partner.id != except_partner.id)
    return db.session.execute(query).first() is not None


def save_partner(actor, partner, data):
    """Create (``partner`` None) or change a partner organisation. ``data``: name, kind_fr,
    kind_en, address, phone, email; only the name is required, and it is unique (whatever
    its case)."""
    values = {key: _text(data, key) for key in PARTNER_LIMITS}
    if not values["name"]:
        raise OperationError(_l("This field is required."), field="name")
    for key, limit in PARTNER_LIMITS.items():
        _too_long(values[key], limit, key)
    if values["email"]:
        problem = email_problem(values["email"])
        if problem:
            raise OperationError(problem, field="email")
    if partner_name_taken(values["name"], except_partner=partner):
        raise OperationError(_l("A partner with this name already exists."), field="name")
    created = partner is None
    if created:
        partner = Partner(active=True)
        db.session.add(partner)
    for key, value in values.items():
        setattr(partner, key, value)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OperationError(_l("A partner with this name already exists."), field="name")
    log.info("partner %s %s by %s", partner.id, "created" if created else "changed",
             who(actor))
    return partner


def set_partner_active(actor, partner, active: bool):
    """Offer the partner again, or stop offering it."""
    partner.active = bool(active)
    db.session.commit()
    log.info("partner %s %s by %s", partner.id, "activated" if active else "deactivated",
             who(actor))
    return partner


def save_place(actor, place, data):
    """Create (``place`` None) or change a meeting place for round tables. ``data``: name,
    address."""
    name, address = _text(data, "name"), _text(data, "address")
    if not name:
        raise OperationError(_l("This field is required."), field="name")
    _too_long(name, 160, "name")
    _too_long(address, 250, "address")
    taken = select(MeetingPlace.id).where(func.lower(MeetingPlace.name) == name.lower())
    if place is not None:
        taken = taken.where(MeetingPlace.id != place.id)
    if db.session.execute(taken).first():
        raise OperationError(_l("A place with this name already exists."), field="name")
    created = place is None
    if created:
        place = MeetingPlace(active=True)
        db.session.add(place)
    place.name, place.address = name, address
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OperationError(_l("A place with this name already exists."), field="name")
    log.info("meeting place %s %s by %s", place.id, "created" if created else "changed",
             who(actor))
    return place


def set_place_active(actor, place, active: bool):
    place.active = bool(active)
    db.session.commit()
    log.info("meeting place %s %s by %s", place.id,
             "activated" if active else "deactivated", who(actor))
    return place
