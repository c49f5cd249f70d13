"""Reports: the dashboard of a manager's teams over a period (figures, charts beside their
tables), the intervention figures and their spreadsheet — no resident's name in any."""
import csv
import io

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, format_percent, gettext as _
from flask_login import current_user

from ..auth.models import Team
from ..core.clock import local_zone, today
from ..extensions import db
from ..web.i18n import current_language
from ..web.labels import INTERVENTION_KIND_LABELS
from ..permissions import requires, visible_teams
from . import charts, dashboard as figures_of, figures, models, periods  # noqa: F401  (models: for create_all and Alembic)
from .forms import PeriodForm

bp = Blueprint("reports", __name__)


def _period_form(teams):
    """The form over the query string; without dates, this month (or ``?month=YYYY-MM``).
    A team the manager does not lead (an old bookmark) means all their teams, as in the
    case list's filters."""
    args = request.args.copy()
    if args.get("team") not in {str(team.id) for team in teams}:
        args.pop("team", None)
    if not args.get("start") and not args.get("end"):
        now = today()
        chosen = periods.month(now.year, now.month)
        try:
            year, number = (int(x) for x in args.get("month", "").split("-"))
            chosen = periods.month(year, number)
        except ValueError:
            pass
        args["start"], args["end"] = chosen.first.isoformat(), chosen.last.isoformat()
    form = PeriodForm(formdata=args)
    form.team.choices = [(0, _("All my teams"))] + [(team.id, team.name) for team in teams]
    return form


def _scope(form, teams):
    ids = {team.id for team in teams}
    return [form.team.data] if form.team.data in ids else sorted(ids)


def _teams():
    return db.session.execute(db.select(Team).where(Team.id.in_(visible_teams(current_user)))
                              .order_by(Team.name)).scalars().all()


# The charts of the dashboard: name → (the part of the dashboard it needs, how to draw it).
CHARTS = {
    "interventions-by-month": ("interventions",
                               lambda board, narrow: charts.interventions_by_month(
                                   board.interventions.by_month, narrow=narrow)),
    "outcomes": ("outcomes",
                 lambda board, narrow: charts.outcome_shares(board.outcomes, narrow=narrow)),
    "delays": ("delays", lambda board, narrow: charts.delays(board.delays, narrow=narrow)),
    "referrals-by-reason": ("referrals", lambda board, narrow: charts.referrals_by_reason(
        board.referrals.by_reason, narrow=narrow)),
}


@bp.route("/")
@requires("see_reports")
def dashboard():
    teams = _teams()
    form = _period_form(teams)
    context = {"form": form, "teams": teams, "presets": periods.presets(today())}
    if form.validate():
        query = {"start": form.start.data.isoformat(), "end": form.end.data.isoformat(),
                 "team": form.team.data or None}
        context.update(period=form.period, query=query,
                       board=figures_of.dashboard(_scope(form, teams), form.period))
    return render_template("reports/dashboard.html", **context)


@bp.route("/charts/<chart>.svg")
@requires("see_reports")
def chart(chart):
    if chart not in CHARTS:
        abort(404)
    teams = _teams()
    form = _period_form(teams)
    if not form.validate():
        abort(404)
    part, draw = CHARTS[chart]
    board = figures_of.dashboard(_scope(form, teams), form.period, parts=(part,))
    return Response(draw(board, request.args.get("size") == "narrow"), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=300"})


@bp.route("/interventions")
@requires("see_reports")
def interventions():
    teams = _teams()
    form = _period_form(teams)
    context = {"form": form, "teams": teams, "presets": periods.presets(today())}
    if form.validate():
        zone = local_zone()
        start, end = form.period.bounds(zone)
        unit, bucket_days = form.period.buckets()
        buckets = [(periods.midnight_utc(day, zone),
                    format_date(day, "LLLL y") if unit == "month" else str(day.year))
                   for day in bucket_days]
        context.update(
            period=form.period, unit=unit,
            figures=figures.intervention_figures(_scope(form, teams), start, end, buckets),
            query={"start": form.start.data.isoformat(), "end": form.end.data.isoformat(),
                   "team": form.team.data})
    return render_template("reports/interventions.html", **context)


def _cell(value):
    """Text a spreadsheet will not take for a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/interventions.csv")
@requires("see_reports")
def interventions_csv():
    teams = _teams()
    form = _period_form(teams)
    if not form.validate():
        return redirect(url_for(".interventions", **request.args))
    zone = local_zone()
    start, end = form.period.bounds(zone)
    french = current_language() == "fr"
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(out, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow([_("Date"), _("Time"), _("Case"), _("Team"), _("Kind"),
                     _("Duration (minutes)"), _("Mediators")])
    for row in figures.intervention_rows(_scope(form, teams), start, end):
        local = row.at.astimezone(zone)
        writer.writerow([local.date().isoformat(), local.strftime("%H:%M"), row.reference,
                         _cell(row.team), INTERVENTION_KIND_LABELS[row.kind], row.minutes,
                         _cell(", ".join(row.mediators))])
    name = f"interventions-{form.start.data.isoformat()}-{form.end.data.isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.app_template_filter("share")
def share_filter(value):
    """A share (0–1) as a percentage in the reader's language ("87 %"); "—" for none."""
    return "—" if value is None else format_percent(value)


@bp.app_template_filter("days")
def days_filter(value):
    return "—" if value is None else format_decimal(value, "#,##0.#")


@bp.app_template_filter("figure")
def figure_filter(value):
    """A count with the reader's digit grouping (34 444, 34,444)."""
    return format_decimal(value)
