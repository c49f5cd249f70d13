"""Field activity pages: my teams' activities a month at a time, log one from a phone,
see and correct it, delete it."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import Team, User
from ..cases.models import PartnerReferral
from ..core.clock import to_local, to_utc, utcnow
from ..core.errors import EditConflict, OperationError
from ..extensions import db
from ..permissions import may_on_activity, requires
from ..reference.models import ACTIVITY, REFERRAL_REASON, TERRITORY, Partner, ReferenceItem
from ..web.conflict import conflict
from . import lists, operations
from .forms import OTHER, QUICK_DURATIONS, DeleteForm, FieldActivityForm
from .models import FieldActivity

bp = Blueprint("activity", __name__)


def get_activity_or_404(activity_id: int, action: str = "edit") -> FieldActivity:
    """The only way these views load an activity: another team's answers 404, like one
    that does not exist; one the user may see but not ``action`` answers 403."""
    activity = db.session.execute(
        select(FieldActivity).where(FieldActivity.id == activity_id).options(
            joinedload(FieldActivity.kind), joinedload(FieldActivity.team),
            joinedload(FieldActivity.territory), joinedload(FieldActivity.created_by),
            selectinload(FieldActivity.mediators),
            selectinload(FieldActivity.referrals).joinedload(PartnerReferral.partner),
            selectinload(FieldActivity.referrals).joinedload(PartnerReferral.reason_item))
    ).scalar_one_or_none()
    if activity is None or not may_on_activity(current_user, "edit", activity):
        abort(404)
    if action != "edit" and not may_on_activity(current_user, action, activity):
        abort(403)
    return activity


def _items(kind, keep=None):
    """Active items of a reference list, and ``keep`` (the activity's own) if inactive."""
    items = db.session.execute(
        select(ReferenceItem).where(ReferenceItem.kind == kind, ReferenceItem.active.is_(True))
        .order_by(ReferenceItem.position, ReferenceItem.label_fr)).scalars().all()
    if keep is not None and keep not in items:
        items.append(keep)
    return items


def _set_choices(form, activity=None):
    mediators = operations.team_mediators(current_user.team_ids)
    if activity is not None:
        mediators += [m for m in activity.mediators if m not in mediators]
    partners = db.session.execute(select(Partner).where(Partner.active.is_(True))
                                  .order_by(Partner.name)).scalars().all()
    form.set_choices(
        kinds=_items(ACTIVITY, activity.kind if activity else None),
        teams=current_user.teams,
        territories=_items(TERRITORY, activity.territory if activity else None),
        mediators=mediators, partners=partners, reasons=_items(REFERRAL_REASON),
        referrals=activity.referrals if activity else ())


def _chosen(model, ids):
    if not ids:
        return []
    return db.session.execute(select(model).where(model.id.in_(ids))).scalars().all()


def _activity_data(form):
    """What the form says, as the operations take it."""
    partners = {p.id: p for p in _chosen(Partner, [p for p, _r, _d in form.filled_referrals()])}
    reasons = {r.id: r for r in _chosen(ReferenceItem,
                                        [r for _p, r, _d in form.filled_referrals()])}
    return {
        "kind": db.session.get(ReferenceItem, form.kind.data),
        "at": to_utc(form.day.data, form.moment.data),
        "duration_minutes": form.minutes,
        "team": db.session.get(Team, form.team.data),
        "territory": db.session.get(ReferenceItem, form.territory.data)
        if form.territory.data else None,
        "place": form.place.data, "mode": form.mode.data, "people_met": form.people_met.data,
        "note": form.note.data, "mediators": _chosen(User, form.mediators.data),
        "referrals": [operations.Referral(partners.get(p), reasons.get(r), d)
                      for p, r, d in form.filled_referrals()],
    }


def _show_error(error, form):
    """A refusal about the referrals goes next to the first referral row."""
    if error.field == "referrals":
        form.referral_partner_1.errors = list(form.referral_partner_1.errors) + [error.message]
    else:
        error.show_on(form)


def _fill_duration(form, minutes):
    if minutes in QUICK_DURATIONS:
        form.duration_minutes.data = minutes
    else:
        form.duration_minutes.data, form.duration_other.data = OTHER, minutes


@bp.route("/")
@requires("log_field_activity")
def index():
    """My teams' field activities, a month at a time, with the month's totals."""
    query = lists.ActivityQuery(request.args, current_user.team_ids)
    page = lists.activity_page(query)
    return render_template("activity/index.html", page=page, query=query,
                           kinds=_items(ACTIVITY), teams=current_user.teams,
                           previous_month=lists.previous_month(query.month),
                           next_month=lists.next_month(query.month),
                           month_label=lambda first: format_date(first, "LLLL y"),
                           number=format_decimal)


@bp.route("/new", methods=["GET", "POST"])
@requires("log_field_activity")
def new():
    """Log a field activity: one short screen on a phone, with the usual defaults."""
    if not current_user.teams:
        flash(_("You belong to no team: an administrator must add you to one before you "
                "can log field activity."), "warning")
        return redirect(url_for("activity.index"))
    form = FieldActivityForm()
    _set_choices(form)
    if request.method == "GET":
        now = to_local(utcnow())
        rounded = now.replace(second=0, microsecond=0) + timedelta(minutes=2, seconds=30)
        rounded -= timedelta(minutes=rounded.minute % 5)
        form.day.data, form.moment.data = rounded.date(), rounded.time()
        form.team.data = current_user.teams[0].id
        kind, territory = operations.habits(current_user)
        form.territory.data = territory.id if territory else 0
        # The kind I logged last, else the first of the list (a presence round).
        form.kind.data = kind.id if kind else (form.kind.choices[1].value
                                               if len(form.kind.choices) > 1 else 0)
        form.mediators.data = [c.value for c in form.mediators.choices
                               if c.value == current_user.id]
    if form.validate_on_submit():
        try:
            activity = operations.log_activity(current_user, **_activity_data(form))
        except PermissionError:
            form.team.errors = list(form.team.errors) + [
                _("Choose among your teams and their mediators.")]
        except OperationError as error:
            _show_error(error, form)
        else:
            flash(_("Field activity logged."), "success")
            if request.form.get("another"):
                return redirect(url_for("activity.new"))
            return redirect(url_for("activity.index", month=to_local(activity.at)
                                    .strftime("%Y-%m")))
    return render_template("activity/form.html", form=form, activity=None)


@bp.route("/<int:activity_id>", methods=["GET", "POST"])
@requires("log_field_activity")
def show(activity_id):
    """See a field activity and correct it: its team's mediators and managers."""
    activity = get_activity_or_404(activity_id)
    form = FieldActivityForm(obj=None if request.method == "POST" else activity)
    _set_choices(form, activity)
    local = to_local(activity.at)
    form.logged_on = local.date()
    if request.method == "GET":
        form.version.data = activity.version
        form.kind.data, form.team.data = activity.kind_id, activity.team_id
        form.territory.data = activity.territory_id or 0
        form.day.data, form.moment.data = local.date(), local.time().replace(second=0)
        form.mediators.data = [m.id for m in activity.mediators]
        _fill_duration(form, activity.duration_minutes)
    if form.validate_on_submit():
        removed = [r for r in activity.referrals if r.id in set(form.remove_referrals.data)]
        try:
            changed = operations.edit_activity(current_user, activity, form.version.data,
                                               removed_referrals=removed,
                                               **_activity_data(form))
        except EditConflict as error:
            return conflict(form, error, activity, "activity/form.html", activity=activity,
                            may_delete=may_on_activity(current_user, "delete", activity))
        except PermissionError:
            form.team.errors = list(form.team.errors) + [
                _("Choose among your teams and their mediators.")]
        except OperationError as error:
            _show_error(error, form)
        else:
            flash(_("Field activity saved.") if changed else _("Nothing was changed."),
                  "success")
            return redirect(url_for("activity.show", activity_id=activity.id))
    return render_template("activity/form.html", form=form, activity=activity,
                           may_delete=may_on_activity(current_user, "delete", activity))


@bp.route("/<int:activity_id>/delete", methods=["POST"])
@requires("log_field_activity")
def delete(activity_id):
    """Delete an activity logged by mistake, and its referrals: its author or a manager
    of its team, after confirming."""
    activity = get_activity_or_404(activity_id, "delete")
    month = to_local(activity.at).strftime("%Y-%m")
    form = DeleteForm()
    if not form.validate_on_submit():
        flash(_("The page had expired: try again."), "warning")
        return redirect(url_for("activity.show", activity_id=activity.id))
    try:
        operations.delete_activity(current_user, activity, form.version.data)
    except EditConflict:
        flash(_("Someone else saved this activity meanwhile: check it before deleting it."),
              "warning")
        return redirect(url_for("activity.show", activity_id=activity_id))
    flash(_("Field activity deleted."), "success")
    return redirect(url_for("activity.index", month=month))
