"""Interventions and round tables: log, correct, schedule, record, print the invitations,
download a session to a calendar; and each user's private calendar feed."""
from datetime import timedelta

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit import operations as audit
from ..auth.models import User
from ..cases.access import CASE_PAGE_OPTIONS, get_case_or_404, get_on_case_or_404
from ..cases.consent import lacking
from ..cases.forms import letter_languages
from ..cases.lists import readable
from ..cases.models import Case, Party
from ..cases.operations import eligible_mediators
from ..core.clock import to_local, to_utc, today, utcnow
from ..core.documents import Organisation, postal_lines
from ..core.errors import EditConflict, OperationError
from ..core.forms import choices
from ..extensions import db, limiter
from ..permissions import can, case_scope
from ..reference.models import MeetingPlace
from ..web.conflict import conflict
from ..web.i18n import current_language
from . import calendar, invitation as letters, operations
from .forms import (CancelRoundTableForm, InterventionForm, RecordRoundTableForm,
                    RescheduleForm, RoundTableForm)
from .models import Intervention, RoundTable, round_table_mediators

bp = Blueprint("meetings", __name__)

FEED_PAST_DAYS = 60


def _chosen(model, ids):
    if not ids:
        return []
    return db.session.execute(select(model).where(model.id.in_(ids))).scalars().all()


def _team_mediators(case):
    return eligible_mediators(case)


def _intervention_data(form):
    """What the intervention form says, as the operations take it."""
    return {"kind": form.kind.data, "at": to_utc(form.day.data, form.moment.data),
            "duration_minutes": form.duration_minutes.data, "summary": form.summary.data,
            "notes": form.notes.data, "mediators": _chosen(User, form.mediators.data),
            "parties": _chosen(Party, form.parties.data)}


@bp.route("/cases/<reference>/interventions/new", methods=["GET", "POST"])
def new_intervention(reference):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    form = InterventionForm()
    form.set_people(_team_mediators(case), case.parties)
    if request.method == "GET":
        form.mediators.data = [current_user.id]
        form.moment.data = to_local(utcnow()).time().replace(second=0, microsecond=0)
    if form.validate_on_submit():
        try:
            operations.log_intervention(current_user, case, **_intervention_data(form))
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Intervention logged."), "success")
            if request.form.get("another"):
                return redirect(url_for("meetings.new_intervention", reference=reference))
            return redirect(url_for("casefile.show", reference=reference) + "#interventions")
    return render_template("meetings/intervention.html", form=form, case=case)


@bp.route("/cases/<reference>/interventions/<int:intervention_id>", methods=["GET", "POST"])
def edit_intervention(reference, intervention_id):
    """Correct a logged contact: the case's mediators and their managers, while it is open."""
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    intervention = get_on_case_or_404(Intervention, case, intervention_id)
    form = InterventionForm(obj=intervention)
    eligible = _team_mediators(case)
    # A colleague who has since left the team stays a choice on the contacts they made.
    form.set_people(eligible + [m for m in intervention.mediators if m not in eligible],
                    case.parties)
    local = to_local(intervention.at)
    form.logged_on = local.date()
    if request.method == "GET":
        form.day.data, form.moment.data = local.date(), local.time().replace(second=0)
        form.mediators.data = [m.id for m in intervention.mediators]
        form.parties.data = [p.id for p in intervention.parties]
    if form.validate_on_submit():
        try:
            changes = operations.edit_intervention(current_user, intervention,
                                                 form.version.data, **_intervention_data(form))
        except EditConflict as error:
            return conflict(form, error, intervention, "meetings/intervention.html", case=case,
                            intervention=intervention)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Intervention corrected.") if changes else _("Nothing was changed."),
                  "success")
            return redirect(url_for("casefile.show", reference=reference)
                            + f"#intervention-{intervention.id}")
    return render_template("meetings/intervention.html", form=form, case=case,
                           intervention=intervention)


def _places():
    return db.session.execute(select(MeetingPlace).where(MeetingPlace.active.is_(True))
                              .order_by(MeetingPlace.name)).scalars().all()


def _place_data(form):
    """The place chosen in the list, or the one typed (the form accepts only one)."""
    if form.place.data:
        return {"place": db.session.get(MeetingPlace, form.place.data), "place_text": ""}
    return {"place": None, "place_text": form.place_text.data}


def _default_place(case, places):
    """The place of this case's last round table, if still offered; else none: a place
    from another town must not be pre-selected."""
    last = db.session.execute(select(RoundTable.place_id).where(
        RoundTable.case_id == case.id, RoundTable.place_id.is_not(None))
        .order_by(RoundTable.starts_at.desc()).limit(1)).scalar_one_or_none()
    return last if last in {p.id for p in places} else 0


@bp.route("/cases/<reference>/round-tables/new", methods=["GET", "POST"])
def new_round_table(reference):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    form = RoundTableForm()
    form.set_people(_team_mediators(case), case.parties, party_fields=("invited",))
    places = _places()
    form.set_places(places)
    clashes = []
    if request.method == "GET":
        form.place.data = _default_place(case, places)
        form.mediators.data = [m for m in (case.lead_mediator_id, case.co_mediator_id) if m]
        form.invited.data = [p.id for p in case.parties]
    if form.validate_on_submit():
        try:
            table = operations.schedule_round_table(
                current_user, case, starts_at=form.starts_at(),
                duration_minutes=form.duration_minutes.data, **_place_data(form),
                mediators=_chosen(User, form.mediators.data),
                invited=_chosen(Party, form.invited.data),
                allow_double_booking=form.confirm_double_booking.data,
                consent_override=_override(form, case))
        except operations.DoubleBooking as error:
            clashes = error.clashes
        except OperationError as error:
            error.show_on(form)
        else:
            if table.starts_at < utcnow():
                flash(_("Round table entered. Now record what happened."), "success")
                return redirect(url_for("meetings.record_round_table", reference=reference,
                                        table_id=table.id))
            flash(_("Round table scheduled. Print the invitations from the case page."),
                  "success")
            return redirect(url_for("casefile.show", reference=reference)
                            + f"#round-table-{table.id}")
    return render_template("meetings/round_table.html", form=form, case=case, clashes=clashes,
                           lacking=lacking(case.parties))


def _change_page(case, table, form=None, cancel_form=None, clashes=(), status=200):
    """The page that gives a round table a new date or cancels it."""
    if form is None:
        form = _reschedule_form(case, table, formdata=None)
    if cancel_form is None:
        cancel_form = CancelRoundTableForm(formdata=None, prefix="cancel")
        cancel_form.version.data = table.version
    return render_template("meetings/change_round_table.html", form=form,
                           cancel_form=cancel_form, case=case, table=table,
                           clashes=clashes), status


def _reschedule_form(case, table, **kwargs):
    form = RescheduleForm(**kwargs)
    eligible = _team_mediators(case)
    form.set_people(eligible + [m for m in table.mediators if m not in eligible], [],
                    party_fields=())
    places = _places()
    if table.place is not None and table.place not in places:
        places.append(table.place)  # a place since retired stays the current choice
    form.set_places(places)
    if kwargs.get("formdata", True) is None:
        local = to_local(table.starts_at)
        form.version.data = table.version
        form.day.data, form.moment.data = local.date(), local.time().replace(second=0)
        form.duration_minutes.data = table.duration_minutes
        form.place.data = table.place_id or 0
        form.place_text.data = table.place_text
        form.mediators.data = [m.id for m in table.mediators]
    return form


def _still_to_come(case, table):
    if table.status not in ("scheduled", "postponed"):
        flash(_("This round table is already recorded as held or cancelled: it can no "
                "longer be changed."), "warning")
        return redirect(url_for("casefile.show", reference=case.reference)
                        + f"#round-table-{table.id}")
    return None


@bp.route("/cases/<reference>/round-tables/<int:table_id>/change", methods=["GET", "POST"])
def reschedule_round_table(reference, table_id):
    """A new date, time, place or mediators; or, from the same page, a cancellation."""
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    table = get_on_case_or_404(RoundTable, case, table_id)
    refused = _still_to_come(case, table)
    if refused:
        return refused
    if request.method == "GET":
        return _change_page(case, table)
    form = _reschedule_form(case, table)
    clashes = []
    if form.validate_on_submit():
        try:
            changes = operations.reschedule_round_table(
                current_user, table, form.version.data, starts_at=form.starts_at(),
                duration_minutes=form.duration_minutes.data, **_place_data(form),
                mediators=_chosen(User, form.mediators.data), reason=form.reason.data,
                allow_double_booking=form.confirm_double_booking.data)
        except EditConflict as error:
            db.session.rollback()
            db.session.refresh(table)
            form.version.data = table.version
            flash(_("Someone changed this round table meanwhile: check it and save again."),
                  "warning")
            return _change_page(case, table, form=form, status=409)
        except operations.DoubleBooking as error:
            clashes = error.clashes
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Round table changed. Print the new letters from the case page.")
                  if changes else _("Nothing was changed."), "success")
            return redirect(url_for("casefile.show", reference=reference)
                            + f"#round-table-{table.id}")
    return _change_page(case, table, form=form, clashes=clashes)


@bp.route("/cases/<reference>/round-tables/<int:table_id>/cancel", methods=["GET", "POST"])
def cancel_round_table(reference, table_id):
    """Cancel, with the reason; the form is on the change page (a GET shows that page)."""
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    table = get_on_case_or_404(RoundTable, case, table_id)
    refused = _still_to_come(case, table)
    if refused:
        return refused
    if request.method == "GET":
        return _change_page(case, table)
    form = CancelRoundTableForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            operations.cancel_round_table(current_user, table, form.version.data,
                                          reason=form.reason.data)
        except EditConflict:
            db.session.rollback()
            db.session.refresh(table)
            form.version.data = table.version
            flash(_("Someone changed this round table meanwhile: check it and save again."),
                  "warning")
            return _change_page(case, table, cancel_form=form, status=409)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Round table cancelled. Print the cancellation letters from the case "
                    "page."), "success")
            return redirect(url_for("casefile.show", reference=reference)
                            + f"#round-table-{table.id}")
    return _change_page(case, table, cancel_form=form)


def _override(form, case):
    """The manager's reason to go ahead without a party's recorded consent (only theirs)."""
    return form.consent_override.data if can(current_user, "override_consent", case) else ""


@bp.route("/cases/<reference>/round-tables/<int:table_id>", methods=["GET", "POST"])
def record_round_table(reference, table_id):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    table = get_on_case_or_404(RoundTable, case, table_id)
    form = RecordRoundTableForm()
    form.attended.choices = choices([(p.id, p.display_name) for p in case.parties])
    if request.method == "GET":
        form.version.data = table.version
        form.status.data = table.status if table.status != "scheduled" else "held"
        form.attended.data = [p.id for p in (table.attended or table.invited)]
        form.outcome.data = table.outcome or ""
        form.minutes.data = table.minutes
        form.status_reason.data = table.status_reason
    if form.validate_on_submit():
        try:
            operations.record_round_table(
                current_user, table, form.version.data, status=form.status.data,
                status_reason=form.status_reason.data,
                attended=_chosen(Party, form.attended.data), outcome=form.outcome.data or None,
                minutes=form.minutes.data, consent_override=_override(form, case))
        except EditConflict as error:
            return conflict(form, error, table, "meetings/record_round_table.html", case=case,
                            table=table)
        except OperationError as error:
            error.show_on(form)
        else:
            if table.outcome == "agreement":
                flash(_("Agreement reached: draft the agreement protocol now."), "success")
                return redirect(url_for("casefile.show", reference=reference) + "#next-title")
            flash(_("Round table recorded."), "success")
            return redirect(url_for("casefile.show", reference=reference)
                            + f"#round-table-{table.id}")
    return render_template("meetings/record_round_table.html", form=form, case=case, table=table,
                           lacking=lacking(case.parties))


def _session(table, url=""):
    """A round table as a calendar event: one UID for its whole life, its SEQUENCE raised
    at each change, so that a calendar updates the event it holds."""
    return calendar.Session(
        uid=f"round-table-{table.id}@casework", reference=table.case.reference,
        starts_at=table.starts_at, ends_at=table.ends_at, place=table.place_label,
        status=table.status, url=url, sequence=table.sequence)


@bp.route("/cases/<reference>/round-tables/<int:table_id>.ics")
def round_table_ics(reference, table_id):
    """The session for the user's own calendar: in the user's interface language."""
    case = get_case_or_404(reference, "read")
    table = get_on_case_or_404(RoundTable, case, table_id)
    url = url_for("casefile.show", reference=case.reference, _external=True)
    body = calendar.calendar([_session(table, url)],
                             zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
                             language=current_language())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="table-ronde-{case.reference}.ics"'})


LETTER_FILE_NAMES = {"invitation": "invitation", "new_date": "nouvelle-date",
                     "cancellation": "annulation"}


def letter_kind(table):
    """Which letter a party gets now: the letters always follow the session as it stands.
    None when there is no valid letter to give (postponed, waiting for a new date)."""
    if table.status == "cancelled":
        return "cancellation"
    if table.status == "postponed":
        return None
    return "new_date" if table.sequence or table.replaces_starts_at else "invitation"


@bp.route("/cases/<reference>/round-tables/<int:table_id>/invitations/<int:party_id>.docx")
def invitation(reference, table_id, party_id):
    """A party's letter about the session as it stands now (invitation, new date or
    cancellation), dated the day it is produced, in the party's language; the timeline
    records that it was produced."""
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    table = get_on_case_or_404(RoundTable, case, table_id)
    party = next((p for p in table.invited if p.id == party_id), None)
    if party is None:
        abort(404)
    kind = letter_kind(table)
    if kind is None:
        flash(_("This round table is postponed: give it a new date to print the new "
                "letters. The earlier invitation is no longer valid."), "warning")
        return redirect(url_for("casefile.show", reference=reference)
                        + f"#round-table-{table.id}")
    config = current_app.config
    # The case's lead mediator signs, when they take part; else the first of the session.
    mediator = next((m for m in table.mediators if m.id == case.lead_mediator_id),
                    (table.mediators or [current_user])[0])
    body = letters.letter(
        kind,
        Organisation.from_config(config),
        letters.Addressee(party.civility, party.first_name, party.last_name,
                          party_address_lines(party, case), party.language),
        letters.Meeting(case.reference, to_local(table.starts_at), table.duration_minutes,
                        table.place_label, mediator.full_name, config["ORGANISATION_PHONE"],
                        mediator_email=mediator.email,
                        others=len([p for p in table.invited if p.id != party.id]),
                        replaces=to_local(table.replaces_starts_at)
                        if table.replaces_starts_at else None,
                        changed=kind == "new_date"),
        today=today(), created=utcnow(), offered=letter_languages())
    operations.record_letter(current_user, table, party, kind)
    filename = f"{LETTER_FILE_NAMES[kind]}-{case.reference}-{party.id}.docx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def party_address_lines(party, case):
    """The postal lines of a party; the case's address when theirs was not given."""
    return postal_lines(party if party.street else case)


@bp.route("/calendar/<token>.ics")
@limiter.limit("60 per minute")
def feed(token):
    """A user's round tables as a calendar a phone subscribes to. No login: the secret
    token is the key; the events show only the case reference and the place. What it
    shows is decided at each request, as for the user's pages: sessions they sit on, of
    cases they may read now (a user moved out of a team no longer sees that team's; a
    deactivated account's feed answers 404)."""
    if len(token) < 20:
        abort(404)
    user = db.session.execute(select(User).where(User.calendar_token == token,
                                                 User.active.is_(True))).scalar_one_or_none()
    if user is None:
        abort(404)
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    tables = db.session.execute(
        select(RoundTable).join(round_table_mediators).join(Case, Case.id == RoundTable.case_id)
        .where(round_table_mediators.c.user_id == user.id, RoundTable.ends_at >= since,
               readable(*case_scope(user)))
        .options(joinedload(RoundTable.case), joinedload(RoundTable.place))
        .order_by(RoundTable.starts_at)).scalars().all()
    sessions = [_session(t) for t in tables]
    body = calendar.calendar(sessions, zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
                             language=user.language or "fr",
                             name="Casework — tables rondes")
    audit.record("read", "calendar_feed", user=user, detail=f"{len(sessions)} round tables")
    return Response(body, mimetype="text/calendar")
