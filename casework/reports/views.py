"""Reports: the dashboard of a manager's teams over a period (figures, charts beside their
tables), the intervention figures and their spreadsheet, the dashboard as a spreadsheet
(XLSX: every breakdown and the period's rows) and the annual activity report (.docx) with
the sections the director writes — no resident's name in any."""
import csv
import dataclasses
import io
import tempfile

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, send_file, url_for)
from flask_babel import force_locale, format_date, format_decimal, format_percent, gettext as _
from flask_login import current_user

from ..auth.models import Team
from ..core.clock import local_zone, today
from ..core.errors import EditConflict
from ..core.text import spreadsheet_cell
from ..extensions import db
from ..web.i18n import current_language
from ..web.labels import INTERVENTION_KIND_LABELS
from ..permissions import requires, visible_teams
from . import annual, charts, dashboard as figures_of, figures, models, operations, periods
from . import rows, spreadsheet
from .forms import AnnualTextsForm, PeriodForm

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
                         spreadsheet_cell(row.team), INTERVENTION_KIND_LABELS[row.kind],
                         row.minutes, spreadsheet_cell(", ".join(row.mediators))])
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/figures.xlsx")
@requires("see_reports")
def figures_xlsx():
    """Every breakdown of the dashboard and the period's rows, as a spreadsheet. Built in
    a temporary file in constant memory, then streamed from it."""
    teams = _teams()
    form = _period_form(teams)
    if not form.validate():
        return redirect(url_for(".dashboard", **request.args))
    team_ids = _scope(form, teams)
    zone, period, language = local_zone(), form.period, current_language()
    start, end = period.bounds(zone)
    figures_ = figures_of.dashboard(team_ids, period)
    names = [team.name for team in teams if team.id in team_ids]
    first, last = annual.span(period.first, period.last, language)
    out = tempfile.TemporaryFile()
    try:
        spreadsheet.write_workbook(
            out, figures_, spreadsheet.Rows(
                interventions=rows.intervention_rows(team_ids, start, end),
                field_activities=rows.field_activity_rows(team_ids, start, end, language),
                referrals=rows.referral_rows(team_ids, period.first, period.last, language),
                closed_cases=rows.closed_case_rows(team_ids, period.first, period.last,
                                                   language)),
            language=language, zone=zone, teams_label=", ".join(names),
            period_label=_("From %(start)s to %(end)s", start=first, end=last))
        out.seek(0)
    except BaseException:
        out.close()
        raise
    name = f"casework-{period.first.isoformat()}-{period.last.isoformat()}.xlsx"
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=name,
                     max_age=0)


# --- The annual activity report --------------------------------------------------------

FIRST_YEAR = 2000


def _annual_year_or_404(year: int) -> int:
    """A year the report can be about: from 2000 to this one."""
    if not FIRST_YEAR <= year <= today().year:
        abort(404)
    return year


@bp.route("/annual")
@requires("see_reports")
def annual_latest():
    """The report a director writes: last year's, until this year's is worth writing
    (from November on)."""
    now = today()
    return redirect(url_for(".annual_page", year=now.year if now.month >= 11 else now.year - 1))


@bp.route("/annual/<int:year>", methods=["GET", "POST"])
@requires("see_reports")
def annual_page(year):
    _annual_year_or_404(year)
    saved = operations.annual_texts(year)
    form = AnnualTextsForm()
    if request.method == "GET":
        for section in models.SECTIONS:
            record = saved.get(section)
            form[section].data = record.text if record else ""
            form[f"version_{section}"].data = str(record.version) if record else ""
    status, differences = 200, {}
    if form.validate_on_submit():
        try:
            changed = operations.save_annual_texts(
                current_user, year, {s: form[s].data for s in models.SECTIONS},
                {s: form[f"version_{s}"].data for s in models.SECTIONS})
        except EditConflict as error:
            form.form_errors.append(error.message)
            saved = operations.annual_texts(year)
            for section in getattr(error, "sections", models.SECTIONS):
                record = saved.get(section)
                differences[section] = record.text if record else ""
            for section in models.SECTIONS:
                record = saved.get(section)
                form[f"version_{section}"].data = str(record.version) if record else ""
            status = 409
        else:
            flash(_("The texts of the %(year)s report are saved.", year=year) if changed
                  else _("Nothing has changed."), "success")
            return redirect(url_for(".annual_page", year=year))
    teams = _teams()
    return render_template("reports/annual.html", form=form, year=year, teams=teams,
                           saved=saved, differences=differences, today_year=today().year,
                           language=current_language()), status


@bp.route("/annual/<int:year>.docx")
@requires("see_reports")
def annual_docx(year):
    """The year's report, built now from the figures and the director's saved texts, in
    the user's language or ``?lang=fr|en``."""
    _annual_year_or_404(year)
    language = request.args.get("lang")
    if language not in annual.LANGUAGES:
        language = current_language()
    teams = _teams()
    team_ids = sorted(team.id for team in teams)
    texts = operations.annual_texts(year)
    config = current_app.config
    with force_locale(language):
        figures_ = figures_of.dashboard(team_ids, periods.year(year))
        images = _annual_charts(figures_)
    body = annual.build(annual.AnnualData(
        organisation_name=config["ORGANISATION_NAME"],
        organisation_address=config["ORGANISATION_ADDRESS"],
        organisation_phone=config["ORGANISATION_PHONE"],
        organisation_email=config.get("ORGANISATION_EMAIL", ""),
        year=year, language=language, teams=[team.name for team in teams],
        figures=figures_, charts=images, generated_on=today(),
        sections={section: record.text for section, record in texts.items()},
        logo=_logo()))
    name = (f"rapport-activite-{year}.docx" if language == "fr"
            else f"annual-report-{year}.docx")
    return Response(body, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _annual_charts(board) -> dict[str, bytes]:
    """The report's charts, as PNG. The document leaves the association: a chart draws
    only lines of 5 cases or more (the tables show the others "< 5"), and is left out when
    no line is left — or, for the months, when a month holds 1 to 4 interventions."""
    def shown(count):
        return count >= figures_of.SMALL_CELL

    images = {}
    months = board.interventions.by_month
    if board.interventions.total.total and months and not any(
            0 < value < figures_of.SMALL_CELL for line in months for value in (line.case, line.field)):
        images["interventions_by_month"] = charts.interventions_by_month(months, fmt="png")
    outcomes = [line for line in board.outcomes.by_outcome if shown(line.count)]
    if outcomes:
        images["outcome_shares"] = charts.outcome_shares(
            dataclasses.replace(board.outcomes, by_outcome=outcomes), fmt="png")
    delays = [delay for delay in board.delays if shown(delay.cases)]
    if delays:
        images["delays"] = charts.delays(delays, fmt="png")
    reasons = [line for line in board.referrals.by_reason if shown(line.count)]
    if reasons:
        images["referrals_by_reason"] = charts.referrals_by_reason(reasons, fmt="png")
    return images


def _logo():
    path = current_app.config.get("ORGANISATION_LOGO")
    if not path:
        return None
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None
