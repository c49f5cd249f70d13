"""Case pages: referral intake, the case list and the referrals to assign, edits,
parties, assignment, workflow steps. Thin: read the request, call one operation, render or
redirect. Cases are loaded only by ``get_case_or_404``, which decides who may see what.
(The case page itself shows several modules: it lives in casefile.py.)"""
from flask import (Blueprint, abort, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..auth.models import Team, User
from ..core.clock import today
from ..core.errors import EditConflict, OperationError
from ..core.forms import id_or_none
from ..extensions import db
from ..permissions import case_scope, may_check_referral, may_take, requires
from ..reference.models import (CATEGORY, REFERRAL_REASON, SOURCE, TERRITORY, Partner,
                                ReferenceItem)
from ..web import labels
from ..web.conflict import conflict
from ..web.labels import STATUS_LABELS
from . import lists, operations, workflow
from .access import CASE_PAGE_OPTIONS, get_case_or_404, get_on_case_or_404
from .forms import (AssignForm, CaseForm, CaseSearchForm, PartnerSurveyForm, PartyForm,
                    ReferralForm, ReferralToPartnerForm, TakeUpForm, TransitionForm,
                    closing_form, closing_record)
from .models import Case, Party, PartnerReferral

bp = Blueprint("cases", __name__)
bp.add_app_template_global(lists.page_window)
# Words for the referrals and the survey (globals: imported macros see them too).
bp.record_once(lambda state: state.app.jinja_env.globals.update({
    "referral_stage_labels": labels.REFERRAL_STAGE_LABELS,
    "take_up_labels": labels.TAKE_UP_LABELS,
    "survey_question_labels": labels.SURVEY_QUESTION_LABELS,
    "survey_scale_labels": labels.SURVEY_SCALE_LABELS,
}))


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


def referral_reasons():
    return reference_items(REFERRAL_REASON)


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
    form = ReferralForm(partners=active_partners(), reasons=referral_reasons(),
                        **case_form_options())
    if request.method == "GET" and len(current_user.teams) == 1:
        form.team.data = current_user.teams[0].id
    if form.validate_on_submit():
        data = case_data(form)
        data["close_not_eligible"] = form.close_not_eligible.data
        partner = db.session.get(Partner, form.partner.data) if form.partner.data else None
        referral = None
        if partner is not None:
            referral = (partner, db.session.get(ReferenceItem, form.referral_reason.data),
                        form.referral_detail.data)
        try:
            case = operations.record_referral(current_user, data, chosen_categories(form),
                                              referral=referral)
        except PermissionError:
            abort(403)
        except OperationError as error:
            error.show_on(form)
            return render_template("cases/new.html", form=form)
        if case.is_open:
            flash(_("Referral %(reference)s recorded. Add the parties now.",
                    reference=case.reference), "success")
        elif case.referred_to is not None:
            flash(_("Referral %(reference)s recorded and closed as not eligible for "
                    "mediation; the residents were referred to %(partner)s.",
                    reference=case.reference, partner=case.referred_to.name), "success")
        else:
            flash(_("Referral %(reference)s recorded and closed as not eligible for "
                    "mediation.", reference=case.reference), "success")
        return redirect(url_for("casefile.show", reference=case.reference))
    return render_template("cases/new.html", form=form)


# — Lists ——————————————————————————————————————————————————————————————————————

@bp.route("/", methods=["GET", "POST"])
@requires("work_cases")
def index():
    """All cases of my teams: filters, search, sort, pages. The search form is posted:
    its terms go to the session, and the list's URL carries only their key (?s=…); an
    old link with ?q= is answered the same way, by a redirection without it."""
    if request.method == "POST" or "q" in request.args:
        form = CaseSearchForm(formdata=request.form if request.method == "POST"
                              else request.args, meta={"csrf": False})
        terms = form.q.data if form.validate() else ""  # a search, never an error
        filters = lists.CaseQuery(request.form if request.method == "POST" else request.args)
        return redirect(url_for("cases.index", **filters.args(
            s=lists.remember_search(session, terms), page=None)))
    filters = lists.CaseQuery(request.args, session)
    team_ids, mediator_id = case_scope(current_user)
    page = lists.case_page(filters, team_ids, mediator_id)
    return render_template("cases/index.html", cases=page.cases, filters=filters,
                           total=page.total, capped=page.capped, page=page.number,
                           pages=page.pages,
                           options=lists.filter_options(current_user, team_ids),
                           today=today())


@bp.route("/unassigned")
@requires("assign_cases")
def unassigned():
    """Referrals of my teams waiting for a mediator, oldest first, a page at a time."""
    page = lists.waiting_page([t.id for t in current_user.teams],
                              id_or_none(request.args.get("page", "")) or 1)
    return render_template("cases/unassigned.html", cases=page.cases, total=page.total,
                           page=page.number, pages=page.pages, today=today())


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
        except EditConflict as error:
            return conflict(form, error, case, "cases/edit.html")
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Case saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("casefile.show", reference=case.reference))
    return render_template("cases/edit.html", form=form, case=case)


def fill_case_form(form, case):
    form.version.data = case.version
    form.source.data = case.source_id
    form.team.data = case.team_id
    form.territory.data = case.territory_id or 0
    form.categories.data = [c.id for c in case.categories]


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
        return redirect(url_for("casefile.show", reference=case.reference) + "#parties")
    return render_template("cases/party.html", form=form, case=case, party=None)


@bp.route("/<reference>/parties/<int:party_id>", methods=["GET", "POST"])
def edit_party(reference, party_id):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    party = get_on_case_or_404(Party, case, party_id)
    form = PartyForm(obj=party if request.method == "GET" else None)
    form.previous_consent = party.consent
    if form.validate_on_submit():
        try:
            operations.update_party(current_user, party, form.version.data, party_data(form))
        except EditConflict as error:
            return conflict(form, error, party, "cases/party.html", case=case, party=party)
        flash(_("Party saved."), "success")
        return redirect(url_for("casefile.show", reference=case.reference) + "#parties")
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
        except EditConflict as error:
            return conflict(form, error, case, "cases/assign.html", workload=workload)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Case %(reference)s assigned to %(name)s.", reference=case.reference,
                    name=lead.full_name), "success")
            return redirect(request.args.get("back") == "queue"
                            and url_for("cases.unassigned")
                            or url_for("casefile.show", reference=case.reference))
    return render_template("cases/assign.html", form=form, case=case, workload=workload)


def mediator_workload(ids):
    """Open cases per mediator (lead or co), in one query."""
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
        return redirect(url_for("casefile.show", reference=case.reference))
    if not may_take(current_user, transition, case):
        abort(403)
    if transition.via:
        return redirect(url_for(transition.via, reference=case.reference))
    if transition.target == workflow.CLOSED:
        form = closing_form(case.parties, active_partners(), referral_reasons(),
                            outcomes=workflow.outcomes_from(case.status))
    else:
        form = TransitionForm(outcomes=workflow.outcomes_from(case.status))
    if "outcome" not in transition.needs:
        del form.outcome
    form.reason.flags.required = "reason" in transition.needs
    if request.method == "GET":
        form.version.data = case.version
        if "outcome" in form and request.args.get("outcome") in workflow.outcomes_from(
                case.status):
            form.outcome.data = request.args["outcome"]
    if form.validate_on_submit():
        outcome = form.outcome.data if "outcome" in form else None
        extra = closing_record(form, case.parties) if transition.target == workflow.CLOSED \
            else {}
        try:
            operations.transition(current_user, case, name, outcome=outcome or None,
                                  reason=form.reason.data, version=form.version.data,
                                  **extra)
        except EditConflict as error:
            return conflict(form, error, case, "cases/step.html", transition=transition)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("The case is now: %(status)s.",
                    status=STATUS_LABELS[case.status]), "success")
            return redirect(url_for("casefile.show", reference=case.reference))
    return render_template("cases/step.html", form=form, case=case, transition=transition)


# — Referrals to partners and the partner's survey ————————————————————————————

@bp.route("/<reference>/referrals/new", methods=["GET", "POST"])
def new_referral(reference):
    """Residents put in touch with a partner during the case (the case page's small form
    posts here; errors are shown on this page)."""
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    form = ReferralToPartnerForm(partners=active_partners(), reasons=referral_reasons())
    if form.validate_on_submit():
        try:
            operations.add_referral(
                current_user, case, partner=db.session.get(Partner, form.partner.data),
                reason_item=db.session.get(ReferenceItem, form.reason.data),
                detail=form.detail.data, referred_on=form.referred_on.data)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Referral to a partner recorded."), "success")
            return redirect(url_for("casefile.show", reference=case.reference) +
                            "#referrals")
    return render_template("cases/referral.html", form=form, case=case)


@bp.route("/<reference>/survey", methods=["GET", "POST"])
def partner_survey(reference):
    """The referring partner's answers, recorded after the closure."""
    case = get_case_or_404(reference, "record_survey", options=CASE_PAGE_OPTIONS)
    form = PartnerSurveyForm()
    if form.validate_on_submit():
        try:
            operations.record_partner_survey(
                current_user, case, effect=int(form.effect.data) if form.effect.data else None,
                satisfied=int(form.satisfied.data) if form.satisfied.data else None)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("The referring partner's answers are recorded."), "success")
            return redirect(url_for("casefile.show", reference=case.reference) + "#survey")
    return render_template("cases/survey.html", form=form, case=case)


@bp.route("/referrals")
@requires("check_referrals")
def referrals_to_check():
    """My teams' referrals to partners whose take-up is not known yet, oldest first."""
    page = lists.referrals_to_check_page([t.id for t in current_user.teams],
                                         id_or_none(request.args.get("page", "")) or 1,
                                         case_scope(current_user)[1])
    return render_template("cases/referrals.html", rows=page.cases, total=page.total,
                           page=page.number, pages=page.pages)


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@requires("check_referrals")
def check_referral(referral_id):
    """Record whether the residents took up a referral: on an open or closed case, or
    made during a field activity. Another team's referral answers 404."""
    referral = db.session.get(PartnerReferral, referral_id)
    case = db.session.get(Case, referral.case_id) if referral and referral.case_id else None
    if referral is None or not may_check_referral(current_user, referral, case):
        abort(404)
    form = TakeUpForm(obj=referral if request.method == "GET" else None)
    if request.method == "GET" and referral.taken_up_on is None:
        form.taken_up_on.data = today()
    if form.validate_on_submit():
        try:
            operations.record_take_up(current_user, referral, form.version.data,
                                      taken_up=form.taken_up.data,
                                      taken_up_on=form.taken_up_on.data, case=case)
        except EditConflict as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return render_template("cases/take_up.html", form=form, referral=referral,
                                   case=case), 409
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Take-up recorded."), "success")
            if request.args.get("back") == "case" and case is not None:
                return redirect(url_for("casefile.show", reference=case.reference) +
                                "#referrals")
            return redirect(url_for("cases.referrals_to_check"))
    return render_template("cases/take_up.html", form=form, referral=referral, case=case)
