"""The composite pages, which show several modules at once: the case page (the case, its
meetings, its agreement), My cases, and the agenda. The only code that knows them all;
the modules themselves never import each other both ways."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .agreements import operations as agreements
from .agreements.models import FollowUp
from .audit import operations as audit
from .auth import operations as accounts
from .cases import workflow
from .cases.access import CASE_PAGE_OPTIONS, get_case_or_404
from .cases.lists import LIST_OPTIONS, readable
from .cases.forms import PartnerSurveyForm, ReferralToPartnerForm
from .cases.models import Case, PartnerReferral, SatisfactionAnswer, TimelineEvent
from .cases.related import related_cases
from .cases.timeline import withdrawal
from .core.clock import today, utcnow
from .extensions import db
from .meetings.models import Intervention, RoundTable
from .cases.views import active_partners, referral_reasons
from .permissions import can, case_scope, may_check_referral, may_take, requires

bp = Blueprint("casefile", __name__)
bp.add_app_template_global(withdrawal, "consent_withdrawal")

MINE_LIMIT = 100
AGENDA_LIMIT = 200


@bp.route("/cases/<reference>")
def show(reference):
    """The case page: next steps, parties, the agreement, round tables, interventions,
    related cases and the timeline, in a number of queries that does not grow with them."""
    case = get_case_or_404(reference, "read", options=CASE_PAGE_OPTIONS)
    events = db.session.execute(
        select(TimelineEvent).where(TimelineEvent.case_id == case.id)
        .options(joinedload(TimelineEvent.actor)).order_by(TimelineEvent.id.desc())
    ).scalars().all()
    interventions = db.session.execute(
        select(Intervention).where(Intervention.case_id == case.id)
        .options(selectinload(Intervention.mediators), selectinload(Intervention.parties))
        .order_by(Intervention.at.desc())).scalars().all()
    round_tables = db.session.execute(
        select(RoundTable).where(RoundTable.case_id == case.id)
        .options(joinedload(RoundTable.place), selectinload(RoundTable.mediators),
                 selectinload(RoundTable.invited), selectinload(RoundTable.attended))
        .order_by(RoundTable.starts_at.desc())).scalars().all()
    steps = [t for t in workflow.transitions_from(case.status, offered_only=True)
             if may_take(current_user, t, case)]
    referrals = db.session.execute(
        select(PartnerReferral).where(PartnerReferral.case_id == case.id)
        .options(joinedload(PartnerReferral.partner), joinedload(PartnerReferral.reason_item),
                 joinedload(PartnerReferral.made_by), joinedload(PartnerReferral.taken_up_by))
        .order_by(PartnerReferral.referred_on, PartnerReferral.id)).scalars().all()
    confidential = can(current_user, "read_confidential", case)
    if confidential:
        # The page shows these to the case's mediators and managers: each is a read.
        notes = [str(i.id) for i in interventions if i.notes]
        minutes = [str(t.id) for t in round_tables if t.minutes]
        if notes:
            audit.record("read", "intervention_notes", case=case,
                         target=("intervention " + ", ".join(notes))[:80])
        if minutes:
            audit.record("read", "minutes", case=case,
                         target=("table " + ", ".join(minutes))[:80])
    # Survey answers: to the case's mediators and managers only (residents' opinions).
    answers = db.session.execute(
        select(SatisfactionAnswer).where(SatisfactionAnswer.case_id == case.id)
        .options(joinedload(SatisfactionAnswer.party))
        .order_by(SatisfactionAnswer.party_id.is_(None), SatisfactionAnswer.id)
    ).scalars().all() if confidential else []
    may_change = can(current_user, "change", case)
    referral_form = ReferralToPartnerForm(partners=active_partners(),
                                          reasons=referral_reasons()) if may_change else None
    survey_form = PartnerSurveyForm() if (
        not case.is_open and can(current_user, "record_survey", case)
        and not any(a.from_referrer for a in answers)) else None
    team_ids, mediator_id = case_scope(current_user)
    # A party withdrew consent: offer to close as "a party declined", or to wait.
    withdrawn = [p for p in case.parties if p.consent == "withdrawn"] if case.is_open else []
    declined = "party_declined" if "party_declined" in workflow.outcomes_from(case.status) \
        else None
    close_step = next((t for t in steps if t.name == "close"), None)
    return render_template(
        "casefile/show.html", case=case, events=events, withdrawn=withdrawn, declined=declined,
        close_url=url_for("cases.step", reference=case.reference, name="close",
                          outcome=declined) if close_step and withdrawn else None,
        related=related_cases(case, team_ids, mediator_id=mediator_id),
        agreement=agreements.current_agreement(case, *agreements.WITHOUT_FILES),
        follow_up=agreements.due_follow_up(case),
        may_change=may_change,
        may_assign=can(current_user, "assign", case), steps=steps,
        interventions=interventions, round_tables=round_tables,
        referrals=referrals, answers=answers, referral_form=referral_form,
        survey_form=survey_form,
        may_check_referrals=bool(referrals) and may_check_referral(current_user,
                                                                   referrals[0]),
        confidential=confidential, now=utcnow())


@bp.route("/cases/mine")
@requires("work_cases")
def mine():
    """My cases: open cases where I am lead or co-mediator, the most pressing first, and
    the follow-up checks due within a week."""
    urgency_rank = sql_case((Case.urgency == "high", 0), (Case.urgency == "normal", 1),
                            else_=2)
    status_rank = sql_case({s: i for i, s in enumerate(workflow.STATUSES)},
                           value=Case.status)
    mine_only = select(Case).where(Case.status != workflow.CLOSED,
                                   or_(Case.lead_mediator_id == current_user.id,
                                       Case.co_mediator_id == current_user.id))
    total = db.session.execute(select(func.count()).select_from(mine_only.subquery())
                               ).scalar_one()
    cases = db.session.execute(
        mine_only.order_by(urgency_rank, status_rank, Case.received_on, Case.id)
        .options(*LIST_OPTIONS).limit(MINE_LIMIT)).scalars().unique().all()
    due = agreements.follow_ups_due(current_user.id, today() + timedelta(days=7))
    return render_template("casefile/mine.html", cases=cases, total=total, today=today(),
                           follow_ups=due)


@bp.route("/agenda")
@requires("work_cases")
def agenda():
    """Upcoming round tables, mine and my teams', and the follow-up checks to make."""
    now = utcnow()
    visible = readable(*case_scope(current_user))
    upcoming = db.session.execute(
        select(RoundTable).join(Case)
        .where(visible, RoundTable.ends_at >= now,
               RoundTable.status == "scheduled")
        .options(joinedload(RoundTable.case), joinedload(RoundTable.place),
                 selectinload(RoundTable.mediators))
        .order_by(RoundTable.starts_at).limit(AGENDA_LIMIT)).scalars().all()
    mine = [t for t in upcoming if current_user.id in {m.id for m in t.mediators}]
    team = [t for t in upcoming if t not in mine]
    feed_url = url_for("meetings.feed", token=current_user.calendar_token, _external=True) \
        if current_user.calendar_token else None
    follow_ups = db.session.execute(
        select(FollowUp).join(Case).where(
            FollowUp.done_at.is_(None), Case.status == workflow.FOLLOW_UP, visible)
        .options(joinedload(FollowUp.case)).order_by(FollowUp.due_on).limit(AGENDA_LIMIT)
    ).scalars().all()
    return render_template("casefile/agenda.html", mine=mine, team=team, feed_url=feed_url,
                           follow_ups=follow_ups, today=today())


@bp.route("/agenda/calendar-link", methods=["POST"])
@requires("work_cases")
def renew_feed():
    """Make (or renew) the secret feed URL; the old one stops working at once."""
    accounts.renew_calendar_token(current_user)
    current_app.logger.info("calendar link of account %s renewed", current_user.id)
    flash(_("Your calendar link is new: the old one no longer works."), "success")
    return redirect(url_for("casefile.agenda") + "#feed")
