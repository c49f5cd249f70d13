"""A person's data as a readable Word document (the answer to a subject access request):
records in, bytes out. No database; the words come from the interface language."""
import io
from types import SimpleNamespace

from docx.shared import Pt
from flask_babel import gettext as _

from ..core.documents import BRAND, a4_page, new_document, page_footer, word_safe
from ..web.formatting import address
from ..web.i18n import date_long, datetime_long
from ..web.labels import (AGREEMENT_STATUS_LABELS, CIVILITY_LABELS, CONSENT_LABELS,
                          CONSENT_METHOD_LABELS, INTERVENTION_KIND_LABELS, LANGUAGE_LABELS,
                          OUTCOME_LABELS, PARTY_KIND_LABELS, PARTY_ROLE_LABELS,
                          ROUND_TABLE_STATUS_LABELS, STATUS_LABELS, SURVEY_QUESTION_LABELS)


def _label(mapping, code):
    return str(mapping.get(code, code)) if code else "—"


def _facts(document, rows):
    """A two-column table of (label, value)."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = word_safe(str(label)), word_safe(str(value or "—"))
    return table


ADDRESS_PARTS = ("street", "building", "staircase", "floor", "postcode", "city")


def _heading(document, text, level):
    heading = document.add_heading(word_safe(text), level=level)
    for run in heading.runs:
        run.font.color.rgb = BRAND
    return heading


def subject_access_docx(records, *, organisation: str, generated_at, language: str) -> bytes:
    """The document: for each party row the person is, their own details, their case in
    outline, the contacts and round tables they took part in, the agreement versions that
    name them and their survey answers. Never another party, never a note."""
    document = new_document()
    section = a4_page(document, top_bottom_cm=2.0, sides_cm=2.2)
    page_footer(section, word_safe(organisation), _("Page {page} of {pages}"))
    _heading(document, _("Personal data held by %(organisation)s",
                         organisation=organisation), 0)
    intro = document.add_paragraph(word_safe(_(
        "Produced on %(date)s in answer to a request for access to personal data. It lists "
        "what is recorded about this person; the other parties' details and what was said "
        "in confidence are not part of it.", date=datetime_long(generated_at))))
    intro.runs[0].font.size = Pt(10)

    for number, record in enumerate(records, start=1):
        party, case = record.party, record.case
        _heading(document, _("%(number)s. Case %(reference)s", number=number,
                             reference=case["reference"]), 1)
        _heading(document, _("The person's details"), 2)
        _facts(document, [
            (_("Role"), _label(PARTY_ROLE_LABELS, party["role"])),
            (_("Person or household"), _label(PARTY_KIND_LABELS, party["kind"])),
            (_("Civility"), _label(CIVILITY_LABELS, party["civility"])),
            (_("First name"), party["first_name"]),
            (_("Last name"), party["last_name"]),
            (_("Address"), address(SimpleNamespace(**{
                name: party[name] for name in ADDRESS_PARTS}))),
            (_("Phone"), party["phone"]),
            (_("E-mail"), party["email"]),
            (_("Preferred language"), _label(LANGUAGE_LABELS, party["language"])),
            (_("Consent to mediation"), _label(CONSENT_LABELS, party["consent"])),
            (_("Consent recorded on"), date_long(party["consent_on"])),
            (_("Consent given how"), _label(CONSENT_METHOD_LABELS, party["consent_method"])),
            (_("Recorded on"), datetime_long(party["created_at"])),
        ])
        _heading(document, _("The case"), 2)
        _facts(document, [
            (_("Reference"), case["reference"]),
            (_("Categories"), ", ".join(c[language] or c["fr"] for c in case["categories"])),
            (_("Received on"), date_long(case["received_on"])),
            (_("Status"), _label(STATUS_LABELS, case["status"])),
            (_("Outcome"), _label(OUTCOME_LABELS, case["outcome"])),
            (_("Closed on"), date_long(case["closed_on"])),
        ])
        _heading(document, _("Contacts with the mediators"), 2)
        if record.interventions:
            for item in record.interventions:
                document.add_paragraph(word_safe(
                    f"{datetime_long(item['at'])} — "
                    f"{_label(INTERVENTION_KIND_LABELS, item['kind'])}"), style="List Bullet")
        else:
            document.add_paragraph(_("None recorded."))
        _heading(document, _("Round tables"), 2)
        if record.round_tables:
            for table in record.round_tables:
                presence = _("attended") if table["attended"] else _("invited")
                document.add_paragraph(word_safe(
                    f"{datetime_long(table['starts_at'])} — {table['place']} — "
                    f"{_label(ROUND_TABLE_STATUS_LABELS, table['status'])} ({presence})"),
                    style="List Bullet")
        else:
            document.add_paragraph(_("None."))
        _heading(document, _("Documents that name the person"), 2)
        if record.agreements:
            for agreement in record.agreements:
                signed = _("signed on %(date)s", date=date_long(agreement["signed_on"])) \
                    if agreement["signed_on"] else _label(AGREEMENT_STATUS_LABELS,
                                                          agreement["status"])
                document.add_paragraph(word_safe(_(
                    "Agreement protocol, version %(number)s, drafted on %(date)s: %(signed)s",
                    number=agreement["number"], date=datetime_long(agreement["created_at"]),
                    signed=signed)), style="List Bullet")
        else:
            document.add_paragraph(_("None."))
        if record.survey:
            _heading(document, _("Satisfaction survey"), 2)
            for answer in record.survey:
                given = ", ".join(f"{SURVEY_QUESTION_LABELS[q]} {answer[q]}/4"
                                  for q in ("useful", "satisfied", "recommend")
                                  if answer[q] is not None)
                document.add_paragraph(word_safe(f"{date_long(answer['answered_on'])} — "
                                                 f"{given}"), style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
