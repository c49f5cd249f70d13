"""The agenda (upcoming round tables, mine and my teams'), and each user's calendar feed."""
import secrets
from datetime import timedelta

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from . import calendar_export
from .auth.models import User
from .cases.models import Case, RoundTable, round_table_mediators
from .extensions import db, limiter
from .models import utcnow
from .permissions import requires, visible_teams

bp = Blueprint("agenda", __name__)

FEED_PAST_DAYS = 60


@bp.route("/agenda")
@requires("work_cases")
def agenda():
    now = utcnow()
    upcoming = db.session.execute(
        select(RoundTable).join(Case)
        .where(Case.team_id.in_(visible_teams(current_user)),
               RoundTable.ends_at >= now, RoundTable.status == "scheduled")
        .options(joinedload(RoundTable.case), joinedload(RoundTable.place),
                 selectinload(RoundTable.mediators))
        .order_by(RoundTable.starts_at).limit(200)).scalars().all()
    mine = [t for t in upcoming if current_user.id in {m.id for m in t.mediators}]
    team = [t for t in upcoming if t not in mine]
    feed_url = url_for("agenda.feed", token=current_user.calendar_token, _external=True) \
        if current_user.calendar_token else None
    from .agreements.models import FollowUp

    follow_ups = db.session.execute(
        select(FollowUp).join(Case).where(
            FollowUp.done_at.is_(None), Case.status == "follow_up",
            Case.team_id.in_(visible_teams(current_user)))
        .options(joinedload(FollowUp.case)).order_by(FollowUp.due_on).limit(200)
    ).scalars().all()
    return render_template("agenda/agenda.html", mine=mine, team=team, feed_url=feed_url,
                           follow_ups=follow_ups, today=now.date())


@bp.route("/agenda/calendar-link", methods=["POST"])
@requires("work_cases")
def renew_feed():
    """Make (or renew) the secret feed URL; the old one stops working at once."""
    current_user.calendar_token = secrets.token_urlsafe(32)
    db.session.commit()
    current_app.logger.info("calendar link of account %s renewed", current_user.id)
    flash(_("Your calendar link is new: the old one no longer works."), "success")
    return redirect(url_for("agenda.agenda") + "#feed")


@bp.route("/calendar/<token>.ics")
@limiter.limit("60 per minute")
def feed(token):
    """A user's round tables as a calendar a phone subscribes to. No login: the secret
    token is the key; the events show only the case reference and the place."""
    if len(token) < 20:
        abort(404)
    user = db.session.execute(select(User).where(User.calendar_token == token,
                                                 User.active.is_(True))).scalar_one_or_none()
    if user is None:
        abort(404)
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    tables = db.session.execute(
        select(RoundTable).join(round_table_mediators)
        .where(round_table_mediators.c.user_id == user.id, RoundTable.ends_at >= since)
        .options(joinedload(RoundTable.case), joinedload(RoundTable.place))
        .order_by(RoundTable.starts_at)).scalars().all()
    sessions = [calendar_export.Session(
        uid=f"round-table-{t.id}@casework", reference=t.case.reference, starts_at=t.starts_at,
        ends_at=t.ends_at, place=t.place_label, status=t.status) for t in tables]
    body = calendar_export.calendar(sessions, zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
                                    language=user.language or "fr",
                                    name="Casework — tables rondes")
    return Response(body, mimetype="text/calendar")
