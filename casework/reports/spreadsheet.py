"""The dashboard as a spreadsheet (.xlsx): a summary, one sheet per breakdown, then the
period's rows — interventions, field activities, referrals to partners, closed cases.

Written by XlsxWriter in ``constant_memory`` mode, row after row, into a file the caller
gives (a temporary file, then streamed): memory stays the same for a month or ten years.
This file leaves the association, so a breakdown cell of 1 to 4 is written "< 5"
(``dashboard.small_cell``), with its share left empty (the share would give the count back).
The rows name no resident and carry no note; every text is written as text — one that a
spreadsheet could take for a formula (= + - @, tab, carriage return) is marked as text
(Excel's quote prefix), so "=HYPERLINK(…)" typed as a place stays a place.

Headers in the current language (the request's), frozen, bold, columns sized to fit.
"""
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

import xlsxwriter
from flask_babel import gettext as _

from ..core.text import clean
from ..web.labels import (ACTIVITY_MODE_LABELS, INTERVENTION_KIND_LABELS, OUTCOME_LABELS,
                          REFERRAL_STAGE_LABELS, TAKE_UP_LABELS)
from .dashboard import Dashboard, small_cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
DATE_FORMATS = {"fr": "dd/mm/yyyy", "en": "d mmm yyyy"}

# Column kinds: how a value is written and how wide the column is.
TEXT, WIDE, COUNT, NUMBER, HOURS, SHARE, DAYS, DATE, TIME = (
    "text", "wide", "count", "number", "hours", "share", "days", "date", "time")
WIDTHS = {TEXT: 22, WIDE: 34, COUNT: 12, NUMBER: 12, HOURS: 12, SHARE: 10, DAYS: 12,
          DATE: 12, TIME: 8}


def stage_labels():
    return {key: str(label) for key, label in REFERRAL_STAGE_LABELS.items()}


def take_up_labels():
    return {key: str(label) for key, label in TAKE_UP_LABELS.items()}


def mode_labels():
    return {key: str(label) for key, label in ACTIVITY_MODE_LABELS.items()}


@dataclass
class Rows:
    """The period's rows, as iterables (generators from ``reports.rows``)."""
    interventions: Iterable
    field_activities: Iterable
    referrals: Iterable
    closed_cases: Iterable


class _Book:
    """The workbook, its formats and a few writing rules."""

    def __init__(self, out, language):
        self.workbook = xlsxwriter.Workbook(out, {"constant_memory": True,
                                                  "strings_to_formulas": False,
                                                  "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        add = self.workbook.add_format
        self.header = add({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.bold = add({"bold": True})
        self.quoted = add({"quote_prefix": True})
        self.formats = {
            HOURS: add({"num_format": "0.0"}), SHARE: add({"num_format": "0%"}),
            DAYS: add({"num_format": "0.#"}),
            DATE: add({"num_format": DATE_FORMATS.get(language, DATE_FORMATS["en"])}),
            TIME: add({"num_format": "hh:mm"}),
            COUNT: add({"align": "right"}),
        }
        self.names: set[str] = set()

    def sheet(self, name, columns):
        """A new sheet named ``name`` with ``columns`` — ``[(header, kind)]`` — its header
        row written and frozen."""
        sheet = self.workbook.add_worksheet(self._unique(name))
        for index, (header, kind) in enumerate(columns):
            sheet.set_column(index, index, max(WIDTHS[kind], min(len(header) + 2, 40)))
        sheet.set_row(0, 30 if any(len(header) > 14 for header, _kind in columns) else None)
        for index, (header, _kind) in enumerate(columns):
            sheet.write_string(0, index, header, self.header)
        sheet.freeze_panes(1, 0)
        # Printed: A4 landscape, as wide as one page, the header on every page.
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        return _Sheet(self, sheet, [kind for _header, kind in columns])

    def _unique(self, name):
        base = " ".join(name.translate(SHEET_NAME_FORBIDDEN).split())[:SHEET_NAME_MAX]
        base = base.strip("'") or "Sheet"
        candidate, number = base, 2
        while candidate.casefold() in self.names:
            suffix = f" ({number})"
            candidate, number = base[:SHEET_NAME_MAX - len(suffix)] + suffix, number + 1
        self.names.add(candidate.casefold())
        return candidate

    def close(self):
        self.workbook.close()


class _Sheet:
    def __init__(self, book, sheet, kinds):
        self.book, self.sheet, self.kinds, self.row = book, sheet, kinds, 1

    def write(self, values, *, bold_first=False):
        """One row; a value of None leaves its cell empty."""
        for column, (value, kind) in enumerate(zip(values, self.kinds)):
            self.cell(column, value, kind, bold=bold_first and column == 0)
        self.row += 1

    def cell(self, column, value, kind, bold=False):
        sheet, book, row = self.sheet, self.book, self.row
        if value is None or value == "":
            return
        if isinstance(value, str):
            text = clean(value, multiline=False)
            if text.startswith(FORMULA_STARTS):
                sheet.write_string(row, column, text, book.quoted)
            elif kind == COUNT:  # "< 5", on the right like the numbers around it
                sheet.write_string(row, column, text, book.formats[COUNT])
            else:
                sheet.write_string(row, column, text, book.bold if bold else None)
        elif isinstance(value, datetime) or isinstance(value, date):
            sheet.write_datetime(row, column, value, book.formats[kind])
        elif hasattr(value, "hour"):  # a time of day
            sheet.write_datetime(row, column, value, book.formats[TIME])
        else:
            sheet.write_number(row, column, value, book.formats.get(kind))


def _masked(count):
    """A breakdown count as it leaves the association: "< 5" for 1 to 4."""
    return small_cell(int(count or 0))


def _share(count, share):
    """A share, left empty when its count is masked or there is nothing to share."""
    if share is None or isinstance(_masked(count), str):
        return None
    return share


def _hours(minutes):
    return round((minutes or 0) / 60, 1)


def write_workbook(out, figures: Dashboard, rows: Rows, *, language: str, zone: ZoneInfo,
                   period_label: str, teams_label: str):
    """Write the spreadsheet of ``figures`` and ``rows`` into ``out`` (a path or a binary
    file). ``language`` for the date format; labels come from the current locale."""
    book = _Book(out, language)
    _summary(book, figures, period_label, teams_label)
    _interventions(book, figures)
    _cases(book, figures)
    _outcomes(book, figures)
    _referrals(book, figures)
    _satisfaction(book, figures)
    _workload(book, figures)
    _rows(book, rows, zone)
    book.close()


def _summary(book, figures, period_label, teams_label):
    sheet = book.sheet(_("Summary"), [(_("Figure"), WIDE), (_("Value"), NUMBER),
                                      (_("Out of"), NUMBER), (_("Share"), SHARE)])
    sheet.write([_("Period"), period_label])
    sheet.write([_("Teams"), teams_label])
    total = figures.interventions.total
    outcomes, referrals = figures.outcomes, figures.referrals
    satisfaction = figures.satisfaction
    useful = next((a for a in satisfaction.residents if a.key == "useful"), None)
    partners = satisfaction.partners
    lines = [
        (_("Interventions"), total.total, None, None),
        (_("Interventions in cases"), total.case, None, None),
        (_("Interventions in the field"), total.field, None, None),
        (_("People met"), total.people, None, None),
        (_("Time spent (hours)"), _hours(total.minutes), None, None),
        (_("Cases received"), figures.received.total, None, None),
        (_("Cases open today"), figures.caseload.open, None, None),
        (_("Cases closed"), outcomes.closed, None, None),
        (_("Closed with an agreement signed"), outcomes.agreements, outcomes.closed,
         outcomes.agreement_share),
        (_("Agreements respected at follow-up"), outcomes.respected, outcomes.agreements,
         outcomes.respected_share),
        (_("Referrals to partners"), referrals.total.count, None, None),
        (_("Referrals taken up (where known)"), referrals.total.yes, referrals.total.known,
         referrals.total.take_up),
    ]
    if useful is not None:
        lines.append((_("Residents finding mediation useful or necessary"), useful.positive,
                      useful.answers, useful.share))
    if partners is not None:
        lines.append((_("Partners seeing an effect on their users' satisfaction"),
                       partners.positive, partners.answers, partners.share))
    lines += [
        (_("Residents who answered the survey"), satisfaction.respondents,
         satisfaction.parties_of_closed, satisfaction.resident_rate),
        (_("Partners who answered the survey"), satisfaction.partner_answers,
         satisfaction.closed_with_referrer, satisfaction.partner_rate),
    ]
    for label, value, of, share in lines:
        sheet.write([label, value, of, share])


def _interventions(book, figures):
    interventions = figures.interventions

    def lines(name, first_header, entries):
        columns = [(first_header, TEXT), (_("In cases"), COUNT), (_("In the field"), COUNT),
                   (_("Interventions"), COUNT), (_("People met"), COUNT),
                   (_("Time spent (hours)"), HOURS)]
        if name == "kind":
            columns.insert(1, (_("Where"), TEXT))
        sheet = book.sheet(_sheet_names()[f"interventions_{name}"], columns)
        where = {"case": _("In cases"), "field": _("In the field")}
        for entry in entries:
            values = [entry.label, _masked(entry.case), _masked(entry.field),
                      _masked(entry.total), _masked(entry.people), _hours(entry.minutes)]
            if name == "kind":
                values.insert(1, where[entry.key[0]])
            sheet.write(values)
        total = interventions.total
        values = [_("Total"), total.case, total.field, total.total, total.people,
                  _hours(total.minutes)]
        if name == "kind":
            values.insert(1, None)
        sheet.write(values, bold_first=True)

    lines("kind", _("Kind"), interventions.by_kind)
    lines("team", _("Team"), interventions.by_team)
    lines("territory", _("Territory"), interventions.by_territory)
    lines("mediator", _("Mediator"), interventions.by_mediator)
    if interventions.by_month:
        lines("month", _("Month") if interventions.unit == "month" else _("Year"),
              interventions.by_month)


def _counts(book, name, first_header, entries, total, header=None):
    sheet = book.sheet(_sheet_names()[name], [(first_header, TEXT),
                                              (header or _("Cases"), COUNT),
                                              (_("Share"), SHARE)])
    for entry in entries:
        sheet.write([entry.label, _masked(entry.count), _share(entry.count, entry.share)])
    sheet.write([_("Total"), total, None], bold_first=True)


def _cases(book, figures):
    received, caseload = figures.received, figures.caseload
    _counts(book, "received_source", _("Source"), received.by_source, received.total)
    _counts(book, "received_category", _("Category"), received.by_category, received.total)
    _counts(book, "received_territory", _("Territory"), received.by_territory, received.total)
    _counts(book, "received_team", _("Team"), received.by_team, received.total)
    _counts(book, "open_age", _("Age"), caseload.by_age, caseload.open, _("Open cases"))
    _counts(book, "open_team", _("Team"), caseload.by_team, caseload.open, _("Open cases"))


def _outcomes(book, figures):
    outcomes = figures.outcomes
    _counts(book, "outcomes", _("Outcome"), outcomes.by_outcome, outcomes.closed,
            _("Cases closed"))
    sheet = book.sheet(_sheet_names()["delays"], [
        (_("Delay"), WIDE), (_("Cases"), COUNT), (_("Median (days)"), DAYS),
        (_("90th percentile (days)"), DAYS)])
    for delay in figures.delays:
        small = isinstance(_masked(delay.cases), str)
        sheet.write([delay.label, _masked(delay.cases), None if small else delay.median,
                     None if small else delay.p90])


def _referrals(book, figures):
    referrals = figures.referrals

    def lines(name, first_header, entries):
        sheet = book.sheet(_sheet_names()[name], [
            (first_header, WIDE if name == "referrals_partner" else TEXT),
            (_("Referrals"), COUNT), (_("Taken up"), COUNT), (_("Not taken up"), COUNT),
            (_("Take-up rate (where known)"), SHARE)])
        for entry in entries:
            sheet.write([entry.label, _masked(entry.count), _masked(entry.yes),
                         _masked(entry.no), _share(entry.known, entry.take_up)])
        total = referrals.total
        sheet.write([_("Total"), total.count, total.yes, total.no, total.take_up],
                    bold_first=True)

    lines("referrals_partner", _("Partner"), referrals.by_partner)
    lines("referrals_reason", _("Reason"), referrals.by_reason)
    lines("referrals_stage", _("Stage"), referrals.by_stage)
    lines("referrals_team", _("Team"), referrals.by_team)


def _satisfaction(book, figures):
    satisfaction = figures.satisfaction
    sheet = book.sheet(_sheet_names()["satisfaction"], [
        (_("Question"), WIDE), (_("Answers"), COUNT), (_("Yes (3 or 4 out of 4)"), COUNT),
        (_("Share"), SHARE)])
    answers = list(satisfaction.residents) + ([satisfaction.partners]
                                              if satisfaction.partners else [])
    for answer in answers:
        sheet.write([answer.label, _masked(answer.answers), _masked(answer.positive),
                     _share(answer.answers, answer.share)])


def _workload(book, figures):
    sheet = book.sheet(_sheet_names()["workload"], [
        (_("Mediator"), TEXT), (_("Open cases (lead)"), COUNT),
        (_("Open cases (co-mediator)"), COUNT), (_("Interventions in cases"), COUNT),
        (_("Interventions in the field"), COUNT), (_("Round tables held"), COUNT)])
    for line in figures.workload:
        sheet.write([line.label] + [_masked(value) for value in (
            line.open_lead, line.open_co, line.case_interventions, line.field_interventions,
            line.round_tables)])


def _sheet_names():
    return {
        "interventions_kind": _("Interventions by kind"),
        "interventions_team": _("Interventions by team"),
        "interventions_territory": _("Interventions by territory"),
        "interventions_mediator": _("Interventions by mediator"),
        "interventions_month": _("Interventions by period"),
        "received_source": _("Cases by source"),
        "received_category": _("Cases by category"),
        "received_territory": _("Cases by territory"),
        "received_team": _("Cases by team"),
        "open_age": _("Open cases by age"),
        "open_team": _("Open cases by team"),
        "outcomes": _("Outcomes"),
        "delays": _("Delays"),
        "referrals_partner": _("Referrals by partner"),
        "referrals_reason": _("Referrals by reason"),
        "referrals_stage": _("Referrals by stage"),
        "referrals_team": _("Referrals by team"),
        "satisfaction": _("Satisfaction"),
        "workload": _("Workload"),
        "interventions": _("Interventions (rows)"),
        "field_activities": _("Field activities (rows)"),
        "referrals": _("Referrals (rows)"),
        "closed_cases": _("Closed cases (rows)"),
    }


def _rows(book, rows: Rows, zone):
    names = _sheet_names()
    _write_rows(book, names["interventions"], [
        (_("Date"), DATE), (_("Time"), TIME), (_("Case"), TEXT), (_("Team"), TEXT),
        (_("Kind"), TEXT), (_("Duration (minutes)"), NUMBER), (_("Mediators"), WIDE)],
        rows.interventions, lambda row: [
            *_day_and_time(row.at, zone), row.reference, row.team,
            str(INTERVENTION_KIND_LABELS.get(row.kind, row.kind)), row.minutes,
            ", ".join(row.mediators)])
    modes = mode_labels()
    _write_rows(book, names["field_activities"], [
        (_("Date"), DATE), (_("Time"), TIME), (_("Kind"), TEXT), (_("Team"), TEXT),
        (_("Territory"), TEXT), (_("Place"), WIDE), (_("Mode"), TEXT),
        (_("People met"), NUMBER), (_("Interventions"), NUMBER),
        (_("Duration (minutes)"), NUMBER), (_("Mediators"), WIDE)],
        rows.field_activities, lambda row: [
            *_day_and_time(row.at, zone), row.kind, row.team, row.territory, row.place,
            modes.get(row.mode, row.mode), row.people_met, row.interventions, row.minutes,
            ", ".join(row.mediators)])
    stages, take_ups = stage_labels(), take_up_labels()
    field_activity = _("Field activity")
    _write_rows(book, names["referrals"], [
        (_("Date"), DATE), (_("Stage"), TEXT), (_("Case"), TEXT), (_("Team"), TEXT),
        (_("Partner"), WIDE), (_("Reason"), TEXT), (_("Taken up"), TEXT)],
        rows.referrals, lambda row: [
            row.on, stages.get(row.stage, row.stage), row.reference or field_activity,
            row.team, row.partner, row.reason, take_ups.get(row.taken_up, row.taken_up)])
    _write_rows(book, names["closed_cases"], [
        (_("Case"), TEXT), (_("Team"), TEXT), (_("Territory"), TEXT), (_("Source"), TEXT),
        (_("Categories"), WIDE), (_("Received on"), DATE), (_("Closed on"), DATE),
        (_("Outcome"), TEXT), (_("Days to first contact"), NUMBER),
        (_("Days to first round table"), NUMBER), (_("Days to closure"), NUMBER)],
        rows.closed_cases, lambda row: [
            row.reference, row.team, row.territory, row.source, ", ".join(row.categories),
            row.received_on, row.closed_on, str(OUTCOME_LABELS.get(row.outcome, row.outcome)),
            _days(row.first_contact_at, row.received_on, zone),
            _days(row.first_round_table_at, row.received_on, zone),
            (row.closed_on - row.received_on).days])


def _day_and_time(moment: datetime, zone):
    """The local date and time of a UTC moment, as a spreadsheet keeps them (no zone)."""
    local = moment.astimezone(zone)
    return local.date(), local.time().replace(tzinfo=None)


def _days(moment: datetime | None, received_on: date, zone) -> int | None:
    """Days from the referral to a moment's local date."""
    if moment is None:
        return None
    return (moment.astimezone(zone).date() - received_on).days


def _write_rows(book, name, columns, rows: Iterable, values: Callable):
    sheet = book.sheet(name, columns)
    for row in rows:
        sheet.write(values(row))
