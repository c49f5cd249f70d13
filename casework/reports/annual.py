"""The annual activity report (rapport d'activité) as a Word document: data in, bytes out.

Pure — no database, no request: the view gathers the year's figures (``dashboard``), the
charts (PNG) and the director's sections, this module lays them out. The shape is the
association's yearly portrait: the key figures first («34 444 interventions de médiation
sociale»), then interventions by team and by kind of activity, cases and their outcomes,
delays, referrals to partners, satisfaction, and the director's words around them.

French typography where the document is French: narrow no-break spaces as thousands
separators and before ; ! ? and %, a no-break space before : and inside «guillemets»,
typographic apostrophes, «1er janvier». A breakdown cell of 1 to 4 is shown «< 5»: the
document leaves the association.
"""
import dataclasses
import io
import re
from dataclasses import dataclass, field
from datetime import date

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..core.documents import (BRAND, a4_page, letterhead, new_document, page_footer,
                              word_safe)
from ..core.documents import plain_date as day  # «1er janvier 2026», "1 January 2026"
from .dashboard import Dashboard, small_cell

NARROW = "\u202f"   # espace fine insécable: thousands, before ; ! ? %
NBSP = "\u00a0"     # espace insécable: before :, inside « »
LIGHT = "DCE6F2"    # the tiles and the table stripes, a tint of BRAND
GREY = RGBColor(0x59, 0x59, 0x59)
LANGUAGES = ("fr", "en")
CHART_WIDTH = Cm(16)
# Breakdowns longer than this keep their largest lines and sum up the rest.
MAX_LINES = 12
# Tables up to this many lines stay on one page (Word keeps each line with the next).
KEEP_TOGETHER = 16


@dataclass
class AnnualData:
    organisation_name: str
    organisation_address: str
    organisation_phone: str
    organisation_email: str
    year: int
    language: str                    # fr | en
    teams: list                      # the teams' names the figures cover
    figures: Dashboard               # labels already in ``language``
    sections: dict                   # section → the director's text (may be empty)
    charts: dict = field(default_factory=dict)   # name → PNG bytes
    generated_on: date | None = None
    logo: bytes | None = None


TEXT = {
    "fr": {
        "title": "Rapport d'activité {year}",
        "period": "Du {first} au {last}",
        "teams": "Équipes : {teams}",
        "generated": "Document établi le {date}",
        "page": "Page {page} sur {pages}",
        "director_word": "Le mot de la direction",
        "projects": "Les projets de l'année",
        "perspectives": "Perspectives",
        "key_figures": "L'année en chiffres",
        "interventions": ("{n} intervention de médiation sociale",
                          "{n} interventions de médiation sociale"),
        "interventions_note": "dont {case} dans les situations de conflit de voisinage et "
                              "{field} sur le terrain",
        "people": ("{n} personne rencontrée", "{n} personnes rencontrées"),
        "referrals": ("{n} mise en relation avec des partenaires",
                      "{n} mises en relation avec des partenaires"),
        "referrals_note": "{share} suivies d'effet, parmi celles dont on connaît la suite",
        "received": ("{n} situation de conflit de voisinage reçue",
                     "{n} situations de conflit de voisinage reçues"),
        "received_note": ("{closed} dossier clos dans l'année", "{closed} dossiers clos dans "
                                                                  "l'année"),
        "agreement": "{share} des dossiers clos l'ont été par un accord signé",
        "respected": "{share} des accords signés étaient respectés lors du suivi",
        "useful": "{share} des habitants estiment que la médiation sociale est utile ou "
                  "nécessaire",
        "effect": "{share} des partenaires constatent un effet sur la satisfaction de leurs "
                  "usagers",
        "answers": ("{n} réponse", "{n} réponses"),
        "interventions_title": "Les interventions",
        "interventions_intro": "Une intervention est un contact avec un habitant ou un "
                               "partenaire : appel, visite à domicile, rendez-vous, porte-à-porte "
                               "dans les situations de conflit ; présence de proximité, "
                               "permanence, atelier sur le terrain. Un atelier compte pour une "
                               "intervention, quel que soit le nombre de participants.",
        "by_team": "Par équipe",
        "by_kind": "Par type d'activité",
        "by_territory": "Par territoire",
        "by_month": "Mois par mois",
        "team": "Équipe", "kind": "Activité", "territory": "Territoire", "where": "Cadre",
        "in_cases": "Conflits de voisinage", "in_field": "Terrain", "total": "Total",
        "people_met": "Personnes rencontrées", "interventions_col": "Interventions",
        "others": "Autres",
        "cases_title": "Les situations de conflit de voisinage",
        "cases_intro": "{received} ; {closed}.",
        "by_category": "Par motif", "by_source": "Par origine de la saisine",
        "category": "Motif", "source": "Origine", "cases": "Dossiers", "share": "Part",
        "category_note": "Une situation peut relever de plusieurs motifs.",
        "outcomes_title": "Les issues",
        "outcomes_intro": "{agreements} des dossiers clos l'ont été par un accord signé par "
                          "les parties ; {respected} des accords étaient respectés au suivi.",
        "outcome": "Issue",
        "delays_title": "Les délais",
        "delays_intro": "En jours depuis la réception de la saisine. La médiane partage les "
                        "dossiers en deux moitiés ; 90 % des dossiers ont été traités dans le "
                        "délai du 90ᵉ centile.",
        "delay": "Étape", "median": "Médiane (jours)", "p90": "90ᵉ centile (jours)",
        "referrals_title": "Les mises en relation avec les partenaires",
        "referrals_intro": ("{n} mise en relation dans l'année.",
                            "{n} mises en relation dans l'année."),
        "take_up_intro": " Lorsque la suite est connue, {share} ont été suivies d'effet.",
        "by_reason": "Par motif", "by_partner": "Principaux partenaires",
        "by_stage": "Par moment du parcours",
        "reason": "Motif", "partner": "Partenaire", "stage": "Moment",
        "referrals_col": "Mises en relation", "taken_up": "Suivies d'effet",
        "satisfaction_title": "La satisfaction",
        "satisfaction_intro": "Chaque question est notée de 1 à 4 ; une note de 3 ou 4 compte "
                              "comme une réponse positive.",
        "question": "Question", "answers_col": "Réponses", "positive": "Réponses positives",
        "resident_rate": "Taux de réponse des habitants : {rate} ({respondents} sur "
                         "{parties} parties aux dossiers clos).",
        "partner_rate": "Taux de réponse des partenaires : {rate} ({answers} sur {cases} "
                        "dossiers clos signalés par un partenaire).",
        "no_answers": "Aucune réponse au questionnaire cette année.",
        "method_title": "Notes de méthode",
        "method": ("Les chiffres portent sur {scope}, du {first} au {last}. Les effectifs de "
                   "1 à 4 sont indiqués « < 5 » afin qu'aucun chiffre ne permette de "
                   "reconnaître une personne. Aucun habitant n'est nommé dans ce rapport."),
        "method_scope": ("l'équipe {teams}", "les équipes {teams}"),
        "chart": {"interventions_by_month": "Interventions mois par mois",
                  "outcome_shares": "Issues des dossiers clos",
                  "delays": "Délais, en jours",
                  "referrals_by_reason": "Mises en relation par motif"},
        "nothing": "Aucune activité enregistrée pour cette période.",
    },
    "en": {
        "title": "Annual activity report {year}",
        "period": "From {first} to {last}",
        "teams": "Teams: {teams}",
        "generated": "Prepared on {date}",
        "page": "Page {page} of {pages}",
        "director_word": "A word from the director",
        "projects": "The year's projects",
        "perspectives": "Looking ahead",
        "key_figures": "The year in figures",
        "interventions": ("{n} social-mediation intervention",
                          "{n} social-mediation interventions"),
        "interventions_note": "{case} in neighbour disputes and {field} in the field",
        "people": ("{n} person met", "{n} people met"),
        "referrals": ("{n} referral to a partner organisation",
                      "{n} referrals to partner organisations"),
        "referrals_note": "{share} taken up, where the outcome is known",
        "received": ("{n} neighbour dispute referred to us", "{n} neighbour disputes "
                                                              "referred to us"),
        "received_note": ("{closed} case closed during the year",
                          "{closed} cases closed during the year"),
        "agreement": "{share} of the cases closed ended in a signed agreement",
        "respected": "{share} of the agreements signed were being kept at follow-up",
        "useful": "{share} of residents find social mediation useful or necessary",
        "effect": "{share} of partners see an effect on their users' satisfaction",
        "answers": ("{n} answer", "{n} answers"),
        "interventions_title": "Interventions",
        "interventions_intro": "An intervention is one contact with a resident or a partner: "
                               "a phone call, a home visit, a meeting or door-to-door work on "
                               "a dispute; a presence round, a drop-in session or a workshop "
                               "in the field. A workshop counts as one intervention, however "
                               "many people take part.",
        "by_team": "By team",
        "by_kind": "By kind of activity",
        "by_territory": "By area",
        "by_month": "Month by month",
        "team": "Team", "kind": "Activity", "territory": "Area", "where": "Setting",
        "in_cases": "Neighbour disputes", "in_field": "Field", "total": "Total",
        "people_met": "People met", "interventions_col": "Interventions",
        "others": "Others",
        "cases_title": "Neighbour disputes",
        "cases_intro": "{received}; {closed}.",
        "by_category": "By type of dispute", "by_source": "By who referred them",
        "category": "Type of dispute", "source": "Referred by", "cases": "Cases",
        "share": "Share",
        "category_note": "A dispute may be of more than one type.",
        "outcomes_title": "Outcomes",
        "outcomes_intro": "{agreements} of the cases closed ended in an agreement signed by "
                          "the parties; {respected} of the agreements were being kept at "
                          "follow-up.",
        "outcome": "Outcome",
        "delays_title": "Delays",
        "delays_intro": "In days from the referral. Half the cases took less than the median; "
                        "90% took no longer than the 90th percentile.",
        "delay": "Step", "median": "Median (days)", "p90": "90th percentile (days)",
        "referrals_title": "Referrals to partner organisations",
        "referrals_intro": ("{n} referral during the year.", "{n} referrals during the year."),
        "take_up_intro": " Where we know what happened next, {share} were taken up.",
        "by_reason": "By reason", "by_partner": "Main partners",
        "by_stage": "By stage",
        "reason": "Reason", "partner": "Partner", "stage": "Stage",
        "referrals_col": "Referrals", "taken_up": "Taken up",
        "satisfaction_title": "Satisfaction",
        "satisfaction_intro": "Each question is scored from 1 to 4; a 3 or a 4 counts as a "
                              "positive answer.",
        "question": "Question", "answers_col": "Answers", "positive": "Positive answers",
        "resident_rate": "Residents' response rate: {rate} ({respondents} out of {parties} "
                         "parties to the cases closed).",
        "partner_rate": "Partners' response rate: {rate} ({answers} out of {cases} closed "
                        "cases referred by a partner).",
        "no_answers": "No survey answers this year.",
        "method_title": "Notes on method",
        "method": ("The figures cover {scope} from {first} to {last}. Counts from 1 to 4 "
                   "are shown as \"< 5\" so that no figure can point to a person. No resident "
                   "is named in this report."),
        "method_scope": ("the {teams} team", "the {teams} teams"),
        "chart": {"interventions_by_month": "Interventions month by month",
                  "outcome_shares": "Outcomes of the cases closed",
                  "delays": "Delays, in days",
                  "referrals_by_reason": "Referrals by reason"},
        "nothing": "No activity was recorded for this period.",
    },
}


# --- Typography -----------------------------------------------------------------------

def number(value, language: str) -> str:
    """34 444 (narrow no-break space) in French, 34,444 in English; one decimal if any."""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    if language == "fr":
        return text.replace(",", NARROW).replace(".", ",")
    return text


def percent(share: float | None, language: str) -> str:
    """87 % (narrow no-break space) in French, 87% in English; a dash when unknown."""
    if share is None:
        return "—"
    value = round(100 * share)
    return f"{value}{NARROW}%" if language == "fr" else f"{value}%"


def count(value, language: str) -> str:
    """A breakdown cell: the number, or «< 5» for 1 to 4."""
    cell = small_cell(int(value or 0))
    return cell.replace(" ", NBSP) if isinstance(cell, str) else number(cell, language)


def names(items, language: str) -> str:
    """«Habitat, Nord et Sud»; "Habitat, North and South"."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + (" et " if language == "fr" else " and ") + items[-1]


def span(first: date, last: date, language: str) -> tuple[str, str]:
    """The two ends of a period, the year written once when both share it: («1er janvier»,
    «31 décembre 2026»)."""
    start = day(first, language)
    if first.year == last.year:
        start = start.rsplit(" ", 1)[0]
    return start, day(last, language)


_APOSTROPHE = re.compile(r"(?<=\w)'")
# 'a phrase' in single quotes, which may hold apostrophes (l'été) but starts after a space.
_SINGLE_QUOTED = re.compile(r"(?<!\S)'((?:[^'\n]|(?<=\w)'(?=\w))+?)'(?!\w)")
_OPENING_SINGLE = re.compile(r"(?<!\S)'")
_BEFORE_HIGH = re.compile(r"(?<=\S)[ \u00a0\u202f]*([;!?])(?=\s|$|»)")
_BEFORE_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_THOUSANDS = re.compile(r"(?<![\d,.\u202f])(\d{1,3})((?: \d{3})+)(?![\d,.]\d)(?!\d)")
_DOUBLE_QUOTES = re.compile(r'"([^"\n]+)"')


def french(text: str) -> str:
    """French typography for a text written with a keyboard: ’ for ', «guillemets» for
    "double quotes", a narrow no-break space before ; ! ? and a no-break space before :
    and inside «». Leaves times (18:00) and addresses (https://) alone."""
    text = _SINGLE_QUOTED.sub(r"«\1»", text)
    text = _APOSTROPHE.sub("\u2019", text)
    text = _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", NARROW), text)
    text = _DOUBLE_QUOTES.sub(r"«\1»", text)
    text = _BEFORE_HIGH.sub(lambda m: NARROW + m.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    return text


def english(text: str) -> str:
    """Typographic apostrophes and quotes for English."""
    text = _SINGLE_QUOTED.sub("\u2018\\1\u2019", text)
    text = _APOSTROPHE.sub("\u2019", text)
    text = _OPENING_SINGLE.sub("\u2018", text)
    return _DOUBLE_QUOTES.sub("\u201c\\1\u201d", text)


def _plural(pair, amount, language, **values):
    singular, plural = pair
    one = amount in (0, 1) if language == "fr" else amount == 1
    return (singular if one else plural).format(**values)


# --- Layout ---------------------------------------------------------------------------

def _shade(cell, colour):
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _white_gutters(table):
    """White borders between the tiles: shaded cells that stand apart."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "48"), ("w:color", "FFFFFF")):
            element.set(qn(key), value)
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _repeat_header(row):
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _cant_split(row):
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _style_headings(document):
    """Headings in the house font and colour, kept as Word headings (the navigation pane
    and a table of contents find them)."""
    for name, size, before in (("Heading 1", 16, 18), ("Heading 2", 12, 10)):
        style = document.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        if fonts is not None:
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)
        style.font.name, style.font.size, style.font.bold = "Calibri", Pt(size), True
        style.font.color.rgb = BRAND
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True


class _Report:
    def __init__(self, data: AnnualData):
        self.data = data
        self.language = data.language if data.language in LANGUAGES else "fr"
        self.text = TEXT[self.language]
        self.document = new_document()
        self.figures = data.figures

    # Words
    def t(self, key, **values):
        return self.typeset(self.text[key].format(**values) if values else self.text[key])

    def typeset(self, text):
        return french(text) if self.language == "fr" else english(text)

    def n(self, value):
        return number(value, self.language)

    def pct(self, share):
        return percent(share, self.language)

    def plural(self, key, amount, **values):
        return self.typeset(_plural(self.text[key], amount, self.language, **values))

    # Blocks
    def heading(self, text, level=1):
        return self.document.add_heading(text, level=level)

    def paragraph(self, text="", *, size=None, colour=None, italic=False, align=None,
                  keep=False):
        """A paragraph; ``keep``: on the same page as what follows (an introduction)."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = keep or None
        if text:
            run = paragraph.add_run(text)
            run.italic = italic
            if size:
                run.font.size = Pt(size)
            if colour is not None:
                run.font.color.rgb = colour
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def note(self, text):
        paragraph = self.paragraph(text, size=9, colour=GREY, italic=True)
        paragraph.paragraph_format.space_before = Pt(2)
        return paragraph

    def prose(self, text):
        """The director's words: a blank line between paragraphs, a single line break
        kept within one."""
        for block in re.split(r"\n\s*\n", text.strip()):
            paragraph = self.document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(6)
            lines = self.typeset(block.strip()).split("\n")
            for index, line in enumerate(lines):
                run = paragraph.add_run(line.strip())
                if index < len(lines) - 1:
                    run.add_break()

    def table(self, headers, rows, *, widths, total=None):
        """A figures table: a shaded header repeated on each page, numbers on the right,
        a bold total line."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _no_borders(table)
        all_rows = list(rows) + ([total] if total else [])
        for cell, header, width in zip(table.rows[0].cells, headers, widths):
            cell.width = width
            _shade(cell, "1F4E79")
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(header)
            run.bold, run.font.size = True, Pt(9.5)
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            if header is not headers[0]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _repeat_header(table.rows[0])
        for cell in table.rows[0].cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        for index, values in enumerate(all_rows):
            row = table.add_row()
            _cant_split(row)
            is_total = total is not None and index == len(all_rows) - 1
            for column, (cell, value, width) in enumerate(zip(row.cells, values, widths)):
                cell.width = width
                if index % 2 == 1 and not is_total:
                    _shade(cell, "F2F6FA")
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(1)
                run = paragraph.add_run(str(value))
                run.font.size = Pt(9.5)
                run.bold = is_total
                if column:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if len(all_rows) <= KEEP_TOGETHER and index < len(all_rows) - 1:
                for cell in row.cells:
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
            if is_total:
                for cell in row.cells:
                    borders = OxmlElement("w:tcBorders")
                    top = OxmlElement("w:top")
                    for key, value in (("w:val", "single"), ("w:sz", "6"),
                                       ("w:color", "1F4E79")):
                        top.set(qn(key), value)
                    borders.append(top)
                    cell._tc.get_or_add_tcPr().append(borders)
        self.document.add_paragraph().paragraph_format.space_after = Pt(2)
        return table

    def chart(self, name):
        image = self.data.charts.get(name)
        if not image:
            return
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(image), width=CHART_WIDTH)
        caption = self.paragraph(self.typeset(self.text["chart"][name]), size=9, colour=GREY,
                                 italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        caption.paragraph_format.space_after = Pt(8)

    # The document
    def build(self) -> bytes:
        document = self.document
        section = a4_page(document, top_bottom_cm=2.0, sides_cm=2.2)
        document.styles["Normal"].paragraph_format.space_after = Pt(4)
        _style_headings(document)
        data = self.data
        letterhead(section, data.organisation_name, " · ".join(
            x for x in (data.organisation_address, data.organisation_phone,
                        data.organisation_email) if x),
            logo=data.logo, name_pt=12, details_pt=8.5)
        self.footer(section)
        self.cover()
        for key in ("director_word",):
            self.director_section(key)
        self.key_figures()
        self.interventions()
        self.cases()
        self.outcomes_and_delays()
        self.referrals()
        self.satisfaction()
        for key in ("projects", "perspectives"):
            self.director_section(key)
        self.method()
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


    def footer(self, section):
        page_footer(section, self.t("title", year=self.data.year), self.text["page"])

    def cover(self):
        data, period = self.data, self.figures.period
        spacer = self.paragraph()
        spacer.paragraph_format.space_before = Pt(150)
        title = self.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        run = title.add_run(self.t("title", year=data.year))
        run.bold, run.font.size, run.font.color.rgb = True, Pt(30), BRAND
        name = self.paragraph(data.organisation_name, size=16,
                              align=WD_ALIGN_PARAGRAPH.CENTER)
        name.paragraph_format.space_before = Pt(12)
        first, last = span(period.first, period.last, self.language)
        self.paragraph(self.t("period", first=first, last=last),
                       size=12, colour=GREY, align=WD_ALIGN_PARAGRAPH.CENTER)
        if data.teams:
            self.paragraph(self.t("teams", teams=", ".join(data.teams)), size=10,
                           colour=GREY, align=WD_ALIGN_PARAGRAPH.CENTER)
        if data.generated_on:
            generated = self.paragraph(self.t("generated",
                                              date=day(data.generated_on, self.language)),
                                       size=9, colour=GREY, align=WD_ALIGN_PARAGRAPH.CENTER)
            generated.paragraph_format.space_before = Pt(160)
        self.document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    def director_section(self, key):
        text = (self.data.sections.get(key) or "").strip()
        if not text:
            return
        self.heading(self.t(key))
        self.prose(text)

    def key_figures(self):
        figures = self.figures
        total = figures.interventions.total
        referrals = figures.referrals.total
        outcomes = figures.outcomes
        satisfaction = figures.satisfaction
        useful = next((a for a in satisfaction.residents if a.key == "useful"), None)
        partners = satisfaction.partners
        tiles = [(self.n(total.total), self.plural("interventions", total.total, n=""),
                  self.t("interventions_note", case=self.n(total.case),
                         field=self.n(total.field)))]
        if total.people:
            tiles.append((self.n(total.people), self.plural("people", total.people, n=""),
                          ""))
        tiles.append((self.n(referrals.count),
                      self.plural("referrals", referrals.count, n=""),
                      self.t("referrals_note", share=self.pct(referrals.take_up))
                      if referrals.known else ""))
        tiles.append((self.n(figures.received.total),
                      self.plural("received", figures.received.total, n=""),
                      self.plural("received_note", outcomes.closed,
                                  closed=self.n(outcomes.closed))))
        if outcomes.closed:
            tiles.append((self.pct(outcomes.agreement_share),
                          self.t("agreement", share="").strip(), ""))
        if outcomes.agreements:
            tiles.append((self.pct(outcomes.respected_share),
                          self.t("respected", share="").strip(), ""))
        for answers, key in ((useful, "useful"), (partners, "effect")):
            if answers is not None and answers.answers:
                tiles.append((self.pct(answers.share), self.t(key, share="").strip(),
                              self.plural("answers", answers.answers,
                                          n=self.n(answers.answers))))
        heading = self.heading(self.t("key_figures"))
        # After the director's word, the figures open a page of their own.
        heading.paragraph_format.page_break_before = bool(
            (self.data.sections.get("director_word") or "").strip())
        table = self.document.add_table(rows=0, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _white_gutters(table)
        for start in range(0, len(tiles), 2):
            row = table.add_row()
            _cant_split(row)
            for cell, tile in zip(row.cells, tiles[start:start + 2] + [None]):
                cell.width = Cm(8.3)
                if tile is None:
                    continue
                big, caption, detail = tile
                _shade(cell, LIGHT)
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_before = Pt(6)
                run = paragraph.add_run(big)
                run.bold, run.font.size, run.font.color.rgb = True, Pt(24), BRAND
                paragraph.add_run(" " + caption.strip()).font.size = Pt(11)
                if detail:
                    extra = cell.add_paragraph()
                    run = extra.add_run(detail)
                    run.font.size, run.font.color.rgb = Pt(9), GREY
                cell.paragraphs[-1].paragraph_format.space_after = Pt(6)
        self.document.add_paragraph()

    def interventions(self):
        interventions = self.figures.interventions
        self.heading(self.t("interventions_title"))
        self.paragraph(self.t("interventions_intro"), keep=True)
        if not interventions.total.total:
            self.paragraph(self.t("nothing"))
            return
        total = interventions.total
        headers = [self.t("in_cases"), self.t("in_field"), self.t("total"),
                   self.t("people_met")]
        wide = [Cm(5.6), Cm(2.8), Cm(2.4), Cm(2.4), Cm(3.0)]

        def line(entry):
            return [entry.label, count(entry.case, self.language),
                    count(entry.field, self.language), count(entry.total, self.language),
                    count(entry.people, self.language)]

        # A total goes out like its lines: 1 to 4 is «< 5» (two lines of 1 would otherwise
        # be given away by a total of 2).
        total_line = [self.t("total"), count(total.case, self.language),
                      count(total.field, self.language), count(total.total, self.language),
                      count(total.people, self.language)]
        if len(interventions.by_team) > 1:
            self.heading(self.t("by_team"), 2)
            self.table([self.t("team")] + headers, [line(e) for e in interventions.by_team],
                       widths=wide, total=total_line)
        self.heading(self.t("by_kind"), 2)
        where = {"case": self.t("in_cases"), "field": self.t("in_field")}
        self.table([self.t("kind"), self.t("where"), self.t("interventions_col"),
                    self.t("people_met")],
                   [[entry.label, where[entry.key[0]], count(entry.total, self.language),
                     count(entry.people, self.language)]
                    for entry in interventions.by_kind if entry.total],
                   widths=[Cm(6.6), Cm(4.0), Cm(2.8), Cm(2.8)],
                   total=[self.t("total"), "", count(total.total, self.language),
                          count(total.people, self.language)])
        territories = [e for e in interventions.by_territory if e.total]
        if len(territories) > 1:
            self.heading(self.t("by_territory"), 2)
            self.table([self.t("territory")] + headers,
                       [line(e) for e in self._fold(territories, lambda e: e.total)],
                       widths=wide, total=total_line)
        if interventions.by_month and "interventions_by_month" in self.data.charts:
            self.heading(self.t("by_month"), 2)
            self.chart("interventions_by_month")

    def _fold(self, entries, size):
        """A list short enough to read: all its lines, or the largest ones and a line
        «Autres» summing up the rest (a share is still taken of the same whole)."""
        if len(entries) <= MAX_LINES:
            return list(entries)
        ordered = sorted(entries, key=size, reverse=True)
        shown, rest = ordered[:MAX_LINES - 1], ordered[MAX_LINES - 1:]
        values = {f.name: (rest[0].of if f.name == "of" else
                           sum(getattr(entry, f.name) for entry in rest))
                  for f in dataclasses.fields(rest[0]) if f.name not in ("key", "label")}
        return shown + [type(rest[0])(key="others", label=self.t("others"), **values)]

    def cases(self):
        received, outcomes = self.figures.received, self.figures.outcomes
        self.heading(self.t("cases_title"))
        self.paragraph(self.t(
            "cases_intro",
            received=self.plural("received", received.total, n=self.n(received.total)),
            closed=self.plural("received_note", outcomes.closed,
                               closed=self.n(outcomes.closed))), keep=True)
        if not received.total:
            return
        for key, column, entries in (("by_category", "category", received.by_category),
                                     ("by_source", "source", received.by_source)):
            entries = [e for e in entries if e.count]
            if not entries:
                continue
            self.heading(self.t(key), 2)
            self.table([self.t(column), self.t("cases"), self.t("share")],
                       [[e.label, count(e.count, self.language),
                         self._share(e.count, e.share)]
                        for e in self._fold(entries, lambda e: e.count)],
                       widths=[Cm(9.6), Cm(3.0), Cm(3.0)])
            if key == "by_category":
                self.note(self.t("category_note"))
        territories = [e for e in received.by_territory if e.count]
        if len(territories) > 1:
            self.heading(self.t("by_territory"), 2)
            self.table([self.t("territory"), self.t("cases"), self.t("share")],
                       [[e.label, count(e.count, self.language),
                         self._share(e.count, e.share)]
                        for e in self._fold(territories, lambda e: e.count)],
                       widths=[Cm(9.6), Cm(3.0), Cm(3.0)])

    def _share(self, n, share):
        """A share beside a count: hidden with the count when it is «< 5»."""
        return "" if isinstance(small_cell(int(n or 0)), str) else self.pct(share)

    def outcomes_and_delays(self):
        outcomes = self.figures.outcomes
        if outcomes.closed:
            self.heading(self.t("outcomes_title"))
            if outcomes.agreements:
                self.paragraph(self.t("outcomes_intro",
                                      agreements=self.pct(outcomes.agreement_share),
                                      respected=self.pct(outcomes.respected_share)),
                               keep=True)
            lines = [e for e in outcomes.by_outcome if e.count]
            self.table([self.t("outcome"), self.t("cases"), self.t("share")],
                       [[e.label, count(e.count, self.language), self._share(e.count, e.share)]
                        for e in lines], widths=[Cm(9.6), Cm(3.0), Cm(3.0)],
                       total=[self.t("total"), count(outcomes.closed, self.language),
                              self._share(outcomes.closed, 1.0)])
            self.chart("outcome_shares")
        delays = [d for d in self.figures.delays if d.cases]
        if delays:
            self.heading(self.t("delays_title"))
            self.paragraph(self.t("delays_intro"), keep=True)
            rows = []
            for delay in delays:
                small = isinstance(small_cell(delay.cases), str)
                rows.append([delay.label, count(delay.cases, self.language),
                             "" if small or delay.median is None else self.n(delay.median),
                             "" if small or delay.p90 is None else self.n(delay.p90)])
            self.table([self.t("delay"), self.t("cases"), self.t("median"), self.t("p90")],
                       rows, widths=[Cm(6.6), Cm(2.6), Cm(3.2), Cm(3.8)])
            self.chart("delays")

    def referrals(self):
        referrals = self.figures.referrals
        self.heading(self.t("referrals_title"))
        intro = self.plural("referrals_intro", referrals.total.count,
                            n=self.n(referrals.total.count))
        if referrals.total.known:
            intro += self.t("take_up_intro", share=self.pct(referrals.total.take_up))
        self.paragraph(intro, keep=True)
        if not referrals.total.count:
            return
        headers = [self.t("referrals_col"), self.t("taken_up")]
        widths = [Cm(9.6), Cm(3.4), Cm(3.0)]

        def line(entry):
            return [entry.label, count(entry.count, self.language),
                    self._share(entry.known, entry.take_up) if entry.known else "—"]

        total = [self.t("total"), count(referrals.total.count, self.language),
                 self._share(referrals.total.known, referrals.total.take_up)
                 if referrals.total.known else "—"]
        for key, column, entries in (("by_reason", "reason", referrals.by_reason),
                                     ("by_partner", "partner", referrals.by_partner),
                                     ("by_stage", "stage", referrals.by_stage)):
            entries = [e for e in entries if e.count]
            if not entries:
                continue
            self.heading(self.t(key), 2)
            self.table([self.t(column)] + headers,
                       [line(e) for e in self._fold(entries, lambda e: e.count)],
                       widths=widths, total=total)
            if key == "by_reason":
                self.chart("referrals_by_reason")

    def satisfaction(self):
        satisfaction = self.figures.satisfaction
        self.heading(self.t("satisfaction_title"))
        answers = [a for a in satisfaction.residents if a.answers]
        if satisfaction.partners is not None and satisfaction.partners.answers:
            answers.append(satisfaction.partners)
        if not answers:
            self.paragraph(self.t("no_answers"))
            return
        self.paragraph(self.t("satisfaction_intro"), keep=True)
        self.table([self.t("question"), self.t("answers_col"), self.t("positive"),
                    self.t("share")],
                   [[a.label, count(a.answers, self.language), count(a.positive, self.language),
                     self._share(a.answers, a.share)] for a in answers],
                   widths=[Cm(7.6), Cm(2.6), Cm(3.4), Cm(2.6)])
        if satisfaction.parties_of_closed:
            self.note(self.t("resident_rate", respondents=self.n(satisfaction.respondents),
                             parties=self.n(satisfaction.parties_of_closed),
                             rate=self.pct(satisfaction.resident_rate)))
        if satisfaction.closed_with_referrer:
            self.note(self.t("partner_rate", answers=self.n(satisfaction.partner_answers),
                             cases=self.n(satisfaction.closed_with_referrer),
                             rate=self.pct(satisfaction.partner_rate)))

    def method(self):
        period, teams = self.figures.period, self.data.teams
        self.heading(self.t("method_title"), 2)
        scope = _plural(self.text["method_scope"], len(teams), "en",
                        teams=names(teams, self.language))
        first, last = span(period.first, period.last, self.language)
        self.note(self.t("method", scope=scope, first=first, last=last))


def build(data: AnnualData) -> bytes:
    """The report as .docx bytes."""
    data = word_safe(data)
    data.sections = {key: word_safe(text) for key, text in data.sections.items()}
    return _Report(data).build()
