"""The library of standard clauses, per dispute category, that managers keep."""
import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms import choices
from ..permissions import requires
from ..reference.models import CATEGORY, ReferenceItem
from .forms import ClauseForm
from .models import ClauseTemplate

bp = Blueprint("clauses", __name__)
log = logging.getLogger(__name__)


def categories():
    return db.session.execute(select(ReferenceItem).where(ReferenceItem.kind == CATEGORY)
                              .order_by(ReferenceItem.position)).scalars().all()


@bp.route("/")
@requires("manage_clauses")
def index():
    rows = db.session.execute(select(ClauseTemplate).order_by(
        ClauseTemplate.category_id, ClauseTemplate.joint, ClauseTemplate.position,
        ClauseTemplate.id)).scalars().all()
    grouped = {}
    for clause in rows:
        grouped.setdefault(clause.category, []).append(clause)
    return render_template("agreements/clauses.html", grouped=grouped)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:clause_id>", methods=["GET", "POST"])
@requires("manage_clauses")
def edit(clause_id=None):
    clause = db.session.get(ClauseTemplate, clause_id) if clause_id else None
    if clause_id and clause is None:
        abort(404)
    form = ClauseForm(obj=clause)
    form.category.choices = choices([(0, _("Every category"))] +
                                    [(c.id, c.label) for c in categories()])
    if request.method == "GET" and clause is not None:
        form.category.data = clause.category_id or 0
    if form.validate_on_submit():
        created = clause is None
        if created:
            clause = ClauseTemplate()
            db.session.add(clause)
        clause.category_id = form.category.data or None
        clause.joint = form.joint.data
        clause.text_fr, clause.text_en = form.text_fr.data, form.text_en.data
        clause.position = form.position.data or 0
        db.session.commit()
        log.info("clause %s %s by account %s", clause.id, "created" if created else "changed",
                 current_user.id)
        flash(_("Clause saved."), "success")
        return redirect(url_for("clauses.index"))
    return render_template("agreements/clause_form.html", form=form, clause=clause)


@bp.route("/<int:clause_id>/active", methods=["POST"])
@requires("manage_clauses")
def set_active(clause_id):
    clause = db.session.get(ClauseTemplate, clause_id)
    if clause is None:
        abort(404)
    clause.active = request.form.get("active") == "1"
    db.session.commit()
    flash(_("Clause saved."), "success")
    return redirect(url_for("clauses.index"))
