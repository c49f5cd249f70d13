"""Administration of the reference lists: sources, categories, territories, partners."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.operations import OperationError
from ..extensions import db
from ..permissions import requires
from . import operations
from .forms import ItemForm, PartnerForm
from .models import CATEGORY, SOURCE, TERRITORY, Partner, ReferenceItem

bp = Blueprint("reference", __name__)

# URL name → (kind, title)
LISTS = {
    "sources": (SOURCE, _l("Referral sources")),
    "categories": (CATEGORY, _l("Dispute categories")),
    "territories": (TERRITORY, _l("Territories")),
}


def list_or_404(name):
    if name not in LISTS:
        abort(404)
    return LISTS[name]


def show_error(form, error):
    getattr(form, error.field).errors = list(getattr(form, error.field).errors) + [
        error.message]


@bp.route("/")
@requires("manage_reference")
def index():
    return render_template("reference/index.html", lists=LISTS)


@bp.route("/<name>")
@requires("manage_reference")
def items(name):
    kind, title = list_or_404(name)
    rows = db.session.execute(select(ReferenceItem).where(ReferenceItem.kind == kind)
                              .order_by(ReferenceItem.position, ReferenceItem.label_fr)
                              ).scalars().all()
    return render_template("reference/items.html", name=name, kind=kind, title=title,
                           items=rows)


@bp.route("/<name>/new", methods=["GET", "POST"])
@bp.route("/<name>/<int:item_id>", methods=["GET", "POST"])
@requires("manage_reference")
def edit_item(name, item_id=None):
    kind, title = list_or_404(name)
    item = None
    if item_id is not None:
        item = db.session.get(ReferenceItem, item_id)
        if item is None or item.kind != kind:
            abort(404)
    form = ItemForm(obj=item)
    if kind != TERRITORY:
        del form.city
    if form.validate_on_submit():
        try:
            item = operations.save_item(
                current_user, kind, item, code=form.code.data, label_fr=form.label_fr.data,
                label_en=form.label_en.data,
                city=form.city.data if "city" in form else "", position=form.position.data)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Saved: %(label)s.", label=item.label_fr), "success")
            return redirect(url_for("reference.items", name=name))
    return render_template("reference/item_form.html", name=name, title=title, form=form,
                           item=item)


@bp.route("/<name>/<int:item_id>/active", methods=["POST"])
@requires("manage_reference")
def set_item_active(name, item_id):
    kind, _title = list_or_404(name)
    item = db.session.get(ReferenceItem, item_id)
    if item is None or item.kind != kind:
        abort(404)
    operations.set_item_active(current_user, item, request.form.get("active") == "1")
    flash(_("%(label)s is offered again.", label=item.label_fr) if item.active else
          _("%(label)s is no longer offered; the cases that use it keep it.",
            label=item.label_fr), "success")
    return redirect(url_for("reference.items", name=name))


@bp.route("/partners")
@requires("manage_reference")
def partners():
    rows = db.session.execute(select(Partner).order_by(Partner.name)).scalars().all()
    return render_template("reference/partners.html", partners=rows)


@bp.route("/partners/new", methods=["GET", "POST"])
@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@requires("manage_reference")
def edit_partner(partner_id=None):
    partner = None
    if partner_id is not None:
        partner = db.session.get(Partner, partner_id)
        if partner is None:
            abort(404)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        try:
            partner = operations.save_partner(
                current_user, partner, name=form.name.data, kind_fr=form.kind_fr.data,
                kind_en=form.kind_en.data, address=form.address.data, phone=form.phone.data,
                email=form.email.data)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Saved: %(label)s.", label=partner.name), "success")
            return redirect(url_for("reference.partners"))
    return render_template("reference/partner_form.html", form=form, partner=partner)


@bp.route("/partners/<int:partner_id>/active", methods=["POST"])
@requires("manage_reference")
def set_partner_active(partner_id):
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    operations.set_partner_active(current_user, partner, request.form.get("active") == "1")
    flash(_("%(label)s is offered again.", label=partner.name) if partner.active else
          _("%(label)s is no longer offered; the cases that use it keep it.",
            label=partner.name), "success")
    return redirect(url_for("reference.partners"))


@bp.route("/places")
@requires("manage_reference")
def places():
    from ..cases.models import MeetingPlace

    rows = db.session.execute(select(MeetingPlace).order_by(MeetingPlace.name)).scalars().all()
    return render_template("reference/places.html", places=rows)


@bp.route("/places/new", methods=["GET", "POST"])
@bp.route("/places/<int:place_id>", methods=["GET", "POST"])
@requires("manage_reference")
def edit_place(place_id=None):
    from ..cases.models import MeetingPlace
    from .forms import PlaceForm

    place = None
    if place_id is not None:
        place = db.session.get(MeetingPlace, place_id)
        if place is None:
            abort(404)
    form = PlaceForm(obj=place)
    if form.validate_on_submit():
        try:
            place = operations.save_place(current_user, place, name=form.name.data,
                                          address=form.address.data)
        except OperationError as error:
            show_error(form, error)
        else:
            flash(_("Saved: %(label)s.", label=place.name), "success")
            return redirect(url_for("reference.places"))
    return render_template("reference/place_form.html", form=form, place=place)


@bp.route("/places/<int:place_id>/active", methods=["POST"])
@requires("manage_reference")
def set_place_active(place_id):
    from ..cases.models import MeetingPlace

    place = db.session.get(MeetingPlace, place_id)
    if place is None:
        abort(404)
    operations.set_place_active(current_user, place, request.form.get("active") == "1")
    flash(_("%(label)s is offered again.", label=place.name) if place.active else
          _("%(label)s is no longer offered; the cases that use it keep it.",
            label=place.name), "success")
    return redirect(url_for("reference.places"))
