"""Administration of the reference lists: sources, categories, territories, partners (and the
meeting places of round tables). Administrators only; nothing is ever deleted."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, func, select

from ..core.errors import OperationError
from ..extensions import db
from ..permissions import requires
from . import models  # noqa: F401  (the tables must be known to create_all and Alembic)
from . import operations
from .forms import ItemForm, PartnerForm, PlaceForm
from .models import (ACTIVITY, CATEGORY, REFERRAL_REASON, SOURCE, TERRITORY, MeetingPlace,
                     Partner, ReferenceItem)

bp = Blueprint("reference", __name__)

# The lists as they appear in URLs: name → (kind of item, title).
LISTS = {
    "sources": (SOURCE, _l("Referral sources")),
    "categories": (CATEGORY, _l("Dispute categories")),
    "territories": (TERRITORY, _l("Territories")),
    "activity-kinds": (ACTIVITY, _l("Kinds of field activity")),
    "referral-reasons": (REFERRAL_REASON, _l("Reasons for a referral to a partner")),
}


def list_or_404(kind):
    """The list named ``kind`` in the URL (sources, categories, territories), or 404."""
    if kind not in LISTS:
        abort(404)
    return LISTS[kind]


def get_item_or_404(kind, item_id) -> ReferenceItem:
    item_kind = list_or_404(kind)[0]
    item = db.session.get(ReferenceItem, item_id)
    if item is None or item.kind != item_kind:
        abort(404)
    return item


def wants_active() -> bool:
    return request.form.get("active") == "1"


def flash_offered(label, active):
    if active:
        flash(_("%(label)s is offered again.", label=label), "success")
    else:
        flash(_("%(label)s is no longer offered; the cases that use it keep it.",
                label=label), "success")


@bp.route("/")
@requires("manage_reference")
def index():
    counts = {kind: (active or 0, total) for kind, active, total in db.session.execute(
        select(ReferenceItem.kind, func.sum(case((ReferenceItem.active.is_(True), 1), else_=0)),
               func.count()).group_by(ReferenceItem.kind)).all()}
    partners = db.session.execute(
        select(func.sum(case((Partner.active.is_(True), 1), else_=0)), func.count())
        .select_from(Partner)).one()
    return render_template("reference/index.html", lists=LISTS, counts=counts,
                           partner_count=(partners[0] or 0, partners[1]))


@bp.route("/<kind>")
@requires("manage_reference")
def items(kind):
    item_kind, title = list_or_404(kind)
    rows = db.session.execute(
        select(ReferenceItem).where(ReferenceItem.kind == item_kind)
        .order_by(ReferenceItem.position, ReferenceItem.label_fr, ReferenceItem.id)
    ).scalars().all()
    return render_template("reference/items.html", kind=kind, item_kind=item_kind,
                           title=title, items=rows)


@bp.route("/<kind>/new", methods=["GET", "POST"])
@bp.route("/<kind>/<int:item_id>", methods=["GET", "POST"])
@requires("manage_reference")
def edit_item(kind, item_id=None):
    item_kind, title = list_or_404(kind)
    item = get_item_or_404(kind, item_id) if item_id is not None else None
    form = ItemForm(obj=item, kind=item_kind, item=item)
    if form.validate_on_submit():
        try:
            item = operations.save_item(current_user, item_kind, item, form.data_for_operation)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Saved: %(label)s.", label=item.label_fr), "success")
            return redirect(url_for("reference.items", kind=kind))
    return render_template("reference/item_form.html", kind=kind, item_kind=item_kind,
                           title=title, form=form, item=item)


@bp.route("/<kind>/<int:item_id>/active", methods=["POST"])
@requires("manage_reference")
def set_item_active(kind, item_id):
    item = get_item_or_404(kind, item_id)
    operations.set_item_active(current_user, item, wants_active())
    flash_offered(item.label_fr, item.active)
    return redirect(url_for("reference.items", kind=kind))


@bp.route("/partners")
@requires("manage_reference")
def partners():
    rows = db.session.execute(select(Partner).order_by(Partner.name)).scalars().all()
    return render_template("reference/partners.html", partners=rows)


@bp.route("/partners/new", methods=["GET", "POST"])
@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@requires("manage_reference")
def edit_partner(partner_id=None):
    partner = db.get_or_404(Partner, partner_id) if partner_id is not None else None
    form = PartnerForm(obj=partner, partner=partner)
    if form.validate_on_submit():
        try:
            partner = operations.save_partner(current_user, partner, form.data_for_operation)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Saved: %(label)s.", label=partner.name), "success")
            return redirect(url_for("reference.partners"))
    return render_template("reference/partner_form.html", form=form, partner=partner)


@bp.route("/partners/<int:partner_id>/active", methods=["POST"])
@requires("manage_reference")
def set_partner_active(partner_id):
    partner = db.get_or_404(Partner, partner_id)
    operations.set_partner_active(current_user, partner, wants_active())
    flash_offered(partner.name, partner.active)
    return redirect(url_for("reference.partners"))


@bp.route("/places")
@requires("manage_reference")
def places():
    rows = db.session.execute(select(MeetingPlace).order_by(MeetingPlace.name)).scalars().all()
    return render_template("reference/places.html", places=rows)


@bp.route("/places/new", methods=["GET", "POST"])
@bp.route("/places/<int:place_id>", methods=["GET", "POST"])
@requires("manage_reference")
def edit_place(place_id=None):
    place = db.get_or_404(MeetingPlace, place_id) if place_id is not None else None
    form = PlaceForm(obj=place)
    if form.validate_on_submit():
        try:
            place = operations.save_place(current_user, place, {
                "name": form.name.data, "address": form.address.data})
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Saved: %(label)s.", label=place.name), "success")
            return redirect(url_for("reference.places"))
    return render_template("reference/place_form.html", form=form, place=place)


@bp.route("/places/<int:place_id>/active", methods=["POST"])
@requires("manage_reference")
def set_place_active(place_id):
    place = db.get_or_404(MeetingPlace, place_id)
    operations.set_place_active(current_user, place, wants_active())
    flash_offered(place.name, place.active)
    return redirect(url_for("reference.places"))
