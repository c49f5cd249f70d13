"""Changes to the reference lists. Items are never deleted: deactivated ones stay on the
cases that use them and leave the choices of new ones."""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..auth.operations import OperationError
from ..extensions import db
from .models import Partner, ReferenceItem, TERRITORY

log = logging.getLogger(__name__)


def save_item(actor, kind, item, *, code, label_fr, label_en="", city="", position=0):
    """Create (``item`` None) or change an item of the list ``kind``."""
    taken = select(ReferenceItem.id).where(ReferenceItem.kind == kind,
                                           ReferenceItem.code == code)
    if item is not None:
        taken = taken.where(ReferenceItem.id != item.id)
    if db.session.execute(taken).first():
        raise OperationError(_l("This code is already used in this list."), field="code")
    created = item is None
    if created:
        item = ReferenceItem(kind=kind)
        db.session.add(item)
    item.code, item.label_fr, item.label_en = code, label_fr, label_en or ""
    item.city = (city or None) if kind == TERRITORY else None
    item.position = position or 0
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OperationError(_l("This code is already used in this list."), field="code")
    log.info("reference item %s %s by account %s", item.id,
             "created" if created else "changed", actor.id)
    return item


def set_item_active(actor, item, active: bool):
    item.active = active
    db.session.commit()
    log.info("reference item %s %s by account %s", item.id,
             "activated" if active else "deactivated", actor.id)


def save_partner(actor, partner, *, name, kind_fr="", kind_en="", address="", phone="",
                 email=""):
    taken = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if partner is not None:
        taken = taken.where(Partner.id != partner.id)
    if db.session.execute(taken).first():
        raise OperationError(_l("A partner with this name already exists."), field="name")
    created = partner is None
    if created:
        partner = Partner()
        db.session.add(partner)
    partner.name, partner.kind_fr, partner.kind_en = name, kind_fr, kind_en
    partner.address, partner.phone, partner.email = address, phone, email
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OperationError(_l("A partner with this name already exists."), field="name")
    log.info("partner %s %s by account %s", partner.id, "created" if created else "changed",
             actor.id)
    return partner


def set_partner_active(actor, partner, active: bool):
    partner.active = active
    db.session.commit()
    log.info("partner %s %s by account %s", partner.id,
             "activated" if active else "deactivated", actor.id)


def save_place(actor, place, *, name, address=""):
    """Create (``place`` None) or change a meeting place for round tables."""
    from ..cases.models import MeetingPlace

    taken = select(MeetingPlace.id).where(func.lower(MeetingPlace.name) == name.lower())
    if place is not None:
        taken = taken.where(MeetingPlace.id != place.id)
    if db.session.execute(taken).first():
        raise OperationError(_l("A place with this name already exists."), field="name")
    created = place is None
    if created:
        place = MeetingPlace()
        db.session.add(place)
    place.name, place.address = name, address or ""
    db.session.commit()
    log.info("meeting place %s %s by account %s", place.id,
             "created" if created else "changed", actor.id)
    return place


def set_place_active(actor, place, active: bool):
    place.active = active
    db.session.commit()
    log.info("meeting place %s %s by account %s", place.id,
             "activated" if active else "deactivated", actor.id)
