"""Case pages: referral intake, the case page, edits, parties, assignment, workflow steps.
Thin: read the request, call one operation, render or redirect. Cases are loaded only by
``get_case_or_404``, which decides who may see what."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import Team, User
from ..extensions import db
from ..permissions import can, get_case_or_404, requires, visible_teams
from ..reference.models import CATEGORY, SOURCE, TERRITORY, Partner, ReferenceItem
from . import operations, workflow
from .forms import (AssignForm, CaseForm, PartyForm, ReferralForm, TransitionForm,
                    closing_form)
from ..models import utcnow
from .models import Case, Intervention, Party, RoundTable, TimelineEvent

bp = Blueprint("cases", __name__)

CASE_PAGE_OPTIONS = (
    joinedload(Case.team), joinedload(Case.source), joinedload(Case.territory),
    joinedload(Case.lead_mediator), joinedload(Case.co_mediator),
    joinedload(Case.referred_to), selectinload(Case.categories), selectinload(Case.parties),
)


# — Form helpers ——————————————————————————————————————————————————————————————

def reference_items(kind, keep=()):
    """Active items of a list, plus the ones a record already uses (even if deactivated)."""
    keep_ids = [item.id for item in keep if item is not None]
    condition = ReferenceItem.active.is_(True)
    if keep_ids:
        condition = condition | ReferenceItem.id.in_(keep_ids)
    return db.session.execute(
        select(ReferenceItem).where(ReferenceItem.kind == kind, condition)
        .order_by(ReferenceItem.position, ReferenceItem.label_fr)).scalars().all()


def active_partners():
    return db.session.execute(select(Partner).where(Partner.active.is_(True))
                              .order_by(Partner.name)).scalars().all()


def my_teams():
    return sorted(current_user.teams, key=lambda t: t.name)


def case_form_options(case=None):
    keep_categories = case.categories if case else ()
    teams = my_teams()
    if case is not None and case.team not in teams:
        teams = [case.team] + teams
    return {
        "sources": reference_items(SOURCE, keep=[case.source] if case else ()),
        "territories": reference_items(TERRITORY, keep=[case.territory] if case else ()),
        "categories": reference_items(CATEGORY, keep=keep_categories),
        "teams": teams,
    }


def case_data(form) -> dict:
    """The form's values as the operations take them (objects for ids)."""
    data = {name: getattr(form, name).data for name in operations.CASE_FIELDS
            if name not in ("source", "team", "territory") and hasattr(form, name)}
    data["source"] = db.session.get(ReferenceItem, form.source.data)
    data["team"] = db.session.get(Team, form.team.data)
    data["territory"] = db.session.get(ReferenceItem, form.territory.data) \
        if form.territory.data else None
    return data


def chosen_categories(form):
    ids = form.categories.data or []
    return db.session.execute(select(ReferenceItem).where(ReferenceItem.id.in_(ids))
                              ).scalars().all() if ids else []


# — Referral intake ———————————————————————————————————————————————————————————

@bp.route("/new", methods=["GET", "POST"])
@requires("record_referral")
def new():
    if not current_user.teams:
        abort(403)
    form = ReferralForm(partners=active_partners(), **case_form_options())
    if request.method == "GET" and len(current_user.teams) == 1:
        form.team.data = current_user.teams[0].id
    if form.validate_on_submit():
        data = case_data(form)
        data["close_not_eligible"] = form.close_not_eligible.data
        partner = db.session.get(Partner, form.partner.data) if form.partner.data else None
        try:
            case = operations.record_referral(current_user, data, chosen_categories(form),
                                              not_eligible_partner=partner)
        except PermissionError:
            abort(403)
        flash(_("Referral %(reference)s recorded. Add the parties now.",
                reference=case.reference), "success")
        return redirect(url_for("cases.show", reference=case.reference))
    return render_template("cases/new.html", form=form)


# — The case page —————————————————————————————————————————————————————————————

@bp.route("/<reference>")
def show(reference):
    case = get_case_or_404(reference, "read", options=CASE_PAGE_OPTIONS)
    events = db.session.execute(
        select(TimelineEvent).where(TimelineEvent.case_id == case.id)
        .options(joinedload(TimelineEvent.actor)).order_by(TimelineEvent.id.desc())
    ).scalars().all()
    related = operations.related_cases(case, visible_teams(current_user))
    interventions = db.session.execute(
        select(Intervention).where(Intervention.case_id == case.id)
        .options(selectinload(Intervention.mediators), selectinload(Intervention.parties))
        .order_by(Intervention.at.desc())).scalars().all()
    round_tables = db.session.execute(
        select(RoundTable).where(RoundTable.case_id == case.id)
        .options(joinedload(RoundTable.place), selectinload(RoundTable.mediators),
                 selectinload(RoundTable.invited), selectinload(RoundTable.attended))
        .order_by(RoundTable.starts_at.desc())).scalars().all()
    may_change = can(current_user, "change", case)
    steps = [t for t in workflow.transitions_from(case.status)
             if can(current_user, "reopen" if t.manager_only else "change", case)]
    from ..agreements import operations as agreement_operations

    agreement = agreement_operations.current_agreement(case)
    follow_up = agreement_operations.due_follow_up(case)
    return render_template("cases/show.html", case=case, events=events, related=related,
                           agreement=agreement, follow_up=follow_up,
                           may_change=may_change, may_assign=can(current_user, "assign", case),
                           steps=steps, interventions=interventions, round_tables=round_tables,
                           confidential=can(current_user, "read_confidential", case),
                           now=utcnow())


@bp.route("/<reference>/edit", methods=["GET", "POST"])
def edit(reference):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    form = CaseForm(obj=None if request.method == "POST" else case, **case_form_options(case))
    if request.method == "GET":
        fill_case_form(form, case)
    if form.validate_on_submit():
        try:
            changes = operations.update_case(current_user, case, form.version.data,
                                             case_data(form), chosen_categories(form))
        except operations.EditConflict as error:
            return conflict(form, error, case, "cases/edit.html")
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("Case saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("cases.show", reference=case.reference))
    return render_template("cases/edit.html", form=form, case=case)


def fill_case_form(form, case):
    form.version.data = case.version
    form.source.data = case.source_id
    form.team.data = case.team_id
    form.territory.data = case.territory_id or 0
    form.categories.data = [c.id for c in case.categories]


def conflict(form, error, record, template, **context):
    """Someone saved first: show what is saved now beside what this user typed, keep the
    typed values in the form, and let them save again knowingly (with the new version)."""
    db.session.rollback()
    db.session.refresh(record)
    form.version.data = record.version
    context.setdefault("case", record)
    return render_template(template, form=form, conflict=True,
                           differences=differences(record, form), **context), 409


def differences(record, form):
    """(label, saved now, typed) for each field where the two differ."""
    from ..labels import change_value

    rows = []
    for field in form:
        name = field.name
        if name in ("csrf_token", "version") or not hasattr(record, name):
            continue
        saved = getattr(record, name)
        if isinstance(saved, list):
            saved_key = sorted(item.id for item in saved)
            typed_key = sorted(field.data or [])
        elif hasattr(record, f"{name}_id"):
            saved_key, typed_key = getattr(record, f"{name}_id") or 0, field.data or 0
        else:
            saved_key, typed_key = saved if saved is not None else "", field.data
            if typed_key is None:
                typed_key = ""
        if saved_key == typed_key:
            continue
        rows.append((field.label.text, display(saved, name, change_value),
                     display_typed(field, change_value)))
    return rows


def display(value, name, change_value):
    if isinstance(value, list):
        return ", ".join(getattr(v, "label", str(v)) for v in value)
    for attribute in ("label", "full_name", "name"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return change_value(name, value)


def display_typed(field, change_value):
    labels = {str(choice.value): choice.label for choice in getattr(field, "choices", None)
              or []} if hasattr(field, "choices") else {}
    if isinstance(field.data, list):
        return ", ".join(str(labels.get(str(v), v)) for v in field.data)
    if labels:
        return labels.get(str(field.data), field.data)
    return change_value(field.name, field.data)


# — Parties ———————————————————————————————————————————————————————————————————

@bp.route("/<reference>/parties/new", methods=["GET", "POST"])
def new_party(reference):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    form = PartyForm()
    if request.method == "GET":
        # Most parties live where the conflict is: start from the case's address.
        form.role.data = "complainant" if not case.parties else "respondent"
        for name in ("street", "building", "staircase", "postcode", "city"):
            getattr(form, name).data = getattr(case, name)
    if form.validate_on_submit():
        operations.add_party(current_user, case, party_data(form))
        flash(_("Party added."), "success")
        if request.form.get("another"):
            return redirect(url_for("cases.new_party", reference=case.reference))
        return redirect(url_for("cases.show", reference=case.reference) + "#parties")
    return render_template("cases/party.html", form=form, case=case, party=None)


@bp.route("/<reference>/parties/<int:party_id>", methods=["GET", "POST"])
def edit_party(reference, party_id):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    party = db.session.get(Party, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    form = PartyForm(obj=party if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            operations.update_party(current_user, party, form.version.data, party_data(form))
        except operations.EditConflict as error:
            return conflict(form, error, party, "cases/party.html", case=case, party=party)
        flash(_("Party saved."), "success")
        return redirect(url_for("cases.show", reference=case.reference) + "#parties")
    return render_template("cases/party.html", form=form, case=case, party=party)


def party_data(form) -> dict:
    return {name: getattr(form, name).data for name in operations.PARTY_FIELDS}


# — Assignment ————————————————————————————————————————————————————————————————

@bp.route("/<reference>/assign", methods=["GET", "POST"])
def assign(reference):
    case = get_case_or_404(reference, "assign", options=CASE_PAGE_OPTIONS)
    mediators = operations.eligible_mediators(case)
    workload = mediator_workload([m.id for m in mediators])
    form = AssignForm(mediators=mediators)
    if request.method == "GET":
        form.version.data = case.version
        form.lead_mediator.data = case.lead_mediator_id or 0
        form.co_mediator.data = case.co_mediator_id or 0
    if form.validate_on_submit():
        lead = db.session.get(User, form.lead_mediator.data)
        co = db.session.get(User, form.co_mediator.data) if form.co_mediator.data else None
        try:
            operations.assign(current_user, case, lead, co, form.reason.data,
                              version=form.version.data)
        except operations.EditConflict as error:
            return conflict(form, error, case, "cases/assign.html", workload=workload)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("Case %(reference)s assigned to %(name)s.", reference=case.reference,
                    name=lead.full_name), "success")
            return redirect(request.args.get("back") == "queue"
                            and url_for("cases.unassigned")
                            or url_for("cases.show", reference=case.reference))
    return render_template("cases/assign.html", form=form, case=case, workload=workload)


def mediator_workload(ids):
    """Open cases per mediator (lead or co), in one query."""
    from sqlalchemy import func, or_

    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, func.count(Case.id)).join(
            Case, or_(Case.lead_mediator_id == User.id, Case.co_mediator_id == User.id))
        .where(User.id.in_(ids), Case.status != workflow.CLOSED).group_by(User.id)).all()
    return dict(rows)


# — Workflow steps ————————————————————————————————————————————————————————————

@bp.route("/<reference>/steps/<name>", methods=["GET", "POST"])
def step(reference, name):
    case = get_case_or_404(reference, "read", options=CASE_PAGE_OPTIONS)
    try:
        transition = workflow.find(case.status, name)
    except workflow.TransitionRefused:
        flash(_("This step is not possible from the case's current status."), "warning")
        return redirect(url_for("cases.show", reference=case.reference))
    if not can(current_user, "reopen" if transition.manager_only else "change", case):
        abort(403)
    if transition.via:
        return redirect(url_for(transition.via, reference=case.reference))
    partners = active_partners()
    if transition.target == workflow.CLOSED:
        form = closing_form(case.parties, partners,
                            outcomes=workflow.outcomes_from(case.status))
    else:
        form = TransitionForm(outcomes=workflow.outcomes_from(case.status), partners=partners)
    if "outcome" not in transition.needs:
        del form.outcome, form.partner
    form.reason.flags.required = "reason" in transition.needs
    if request.method == "GET":
        form.version.data = case.version
    if form.validate_on_submit():
        partner_id = form.partner.data if "partner" in form else None
        partner = db.session.get(Partner, partner_id) if partner_id else None
        outcome = form.outcome.data if "outcome" in form else None
        extra = closing_details(form, case) if transition.target == workflow.CLOSED else {}
        try:
            operations.transition(current_user, case, name, outcome=outcome or None,
                                  reason=form.reason.data, partner=partner,
                                  version=form.version.data, **extra)
        except operations.EditConflict as error:
            return conflict(form, error, case, "cases/step.html", transition=transition)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("The case is now: %(status)s.",
                    status=_status_label(case.status)), "success")
            return redirect(url_for("cases.show", reference=case.reference))
    return render_template("cases/step.html", form=form, case=case, transition=transition)


def closing_details(form, case):
    """The closing summary, referrals and survey answers typed in the closing form."""
    from .forms import REFERRAL_ROWS

    referrals = []
    for row in range(1, REFERRAL_ROWS + 1):
        partner_id = form[f"referral_partner_{row}"].data
        if partner_id:
            referrals.append((db.session.get(Partner, partner_id),
                              form[f"referral_reason_{row}"].data,
                              form[f"referral_on_{row}"].data))
    parties = {str(p.id): p for p in case.parties}
    answers = []
    for key, _label in form.respondents:
        values = [form[f"survey_{key}_{q}"].data for q in ("useful", "satisfied", "recommend")]
        if all(values):
            answers.append((parties.get(key), *(int(v) for v in values)))
    return {"closing_summary": form.closing_summary.data, "referrals": referrals,
            "answers": answers}


def _status_label(status):
    from ..labels import STATUS_LABELS

    return STATUS_LABELS[status]


from . import lists, meeting_views  # noqa: E402,F401  (their pages share this blueprint)
