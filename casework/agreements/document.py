"""The agreement protocol as a Word document: data in, bytes out.

Pure — no database, no request — so it is easy to test, benchmark and freeze. Layout:
letterhead in the header, page numbers in the footer, A4; commitments numbered per party
(numbered by hand: Word's "List Number" would run on from one party to the next)."""
import io
from dataclasses import dataclass, field
from datetime import date

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..core.documents import BRAND, a4_page, long_date, new_document, page_footer, word_safe


@dataclass
class PartyBlock:
    name: str            # « Mme Hélène Dupont »
    address: str
    commitments: list    # texts, in order


@dataclass
class AgreementData:
    organisation_name: str
    organisation_address: str
    organisation_phone: str
    reference: str
    language: str                      # fr | en
    meeting_date: date | None
    meeting_place: str
    categories: str                    # « bruit, animaux », neutral words
    account: str
    parties: list                      # [PartyBlock]
    mediators: list                    # names
    joint_commitments: list
    follow_up_on: date | None
    signed_on: date | None = None
    signed_place: str = ""
    version_number: int = 1
    logo: bytes | None = None
    template: bytes | None = None      # an organisation's own base .docx
    signatories: list = field(default_factory=list)  # [(name, role label)]


TEXT = {
    "fr": {
        "title": "Protocole d'accord",
        "reference": "Dossier n° {reference}",
        "amendment": "Avenant n° {n}",
        "parties": "Entre les parties",
        "mediators": "En présence des médiateurs",
        "preamble_title": "Préambule",
        "preamble": ("Les parties se sont rencontrées{when}{where}, en présence des médiateurs "
                     "({organisation}), librement et volontairement, afin de rechercher "
                     "ensemble une solution à un différend relatif à : {categories}."),
        "when": " le {date}",
        "where": " à {place}",
        "account_title": "Exposé de la situation",
        "commitments_title": "Engagements",
        "party_commits": "{name} s'engage à :",
        "joint_title": "Engagements communs",
        "joint": "Les parties s'engagent à :",
        "follow_up_title": "Suivi",
        "follow_up": ("Les médiateurs prendront contact avec les parties aux alentours du "
                      "{date} pour faire le point sur la mise en œuvre du présent accord."),
        "follow_up_undated": ("Les médiateurs prendront contact avec les parties dans un délai "
                              "d'environ un mois pour faire le point sur la mise en œuvre du "
                              "présent accord."),
        "breach_title": "En cas de difficulté",
        "breach": ("Si un engagement n'est pas respecté, les parties conviennent de "
                   "s'adresser d'abord aux médiateurs, avant toute autre démarche."),
        "confidentiality_title": "Confidentialité",
        "confidentiality": ("Les échanges intervenus lors de la médiation sont confidentiels. "
                            "Le présent protocole ne peut être communiqué qu'avec l'accord de "
                            "toutes les parties."),
        "nature_title": "Portée du protocole",
        "nature": ("Le présent protocole traduit l'engagement moral des parties. Il ne "
                   "constitue pas une décision de justice."),
        "signatures_title": "Signatures",
        "made_at": "Fait à {place}, le {date}, en autant d'exemplaires originaux que de "
                   "parties.",
        "made_at_blank": "Fait à ____________________, le ____________________, en autant "
                         "d'exemplaires originaux que de parties.",
        "read": "Lu et approuvé",
        "signatory": "Signataire",
        "signature": "Signature",
        "party": "Partie",
        "mediator": "Médiateur",
        "page": "Page {page} sur {pages}",
    },
    "en": {
        "title": "Agreement protocol",
        "reference": "Case {reference}",
        "amendment": "Amendment {n}",
        "parties": "Between the parties",
        "mediators": "In the presence of the mediators",
        "preamble_title": "Preamble",
        "preamble": ("The parties met{when}{where} with the mediators ({organisation}), "
                     "freely and voluntarily, to find together a solution to a "
                     "disagreement about: {categories}."),
        "when": " on {date}",
        "where": " at {place}",
        "account_title": "The situation",
        "commitments_title": "Commitments",
        "party_commits": "{name} undertakes to:",
        "joint_title": "Joint commitments",
        "joint": "The parties undertake to:",
        "follow_up_title": "Follow-up",
        "follow_up": ("The mediators will contact the parties on or around {date} to see how "
                      "the agreement is working."),
        "follow_up_undated": ("The mediators will contact the parties in about a month to see "
                              "how the agreement is working."),
        "breach_title": "If a commitment is not kept",
        "breach": ("If a commitment is not kept, the parties agree to contact the mediators "
                   "first, before taking any other step."),
        "confidentiality_title": "Confidentiality",
        "confidentiality": ("The discussions held during the mediation are confidential. "
                            "This protocol may be shown only with the agreement of all "
                            "parties."),
        "nature_title": "Nature of this protocol",
        "nature": ("This protocol records the parties' moral commitment. It is not a court "
                   "judgment."),
        "signatures_title": "Signatures",
        "made_at": "Made at {place} on {date}, in as many originals as there are parties.",
        "made_at_blank": "Made at ____________________ on ____________________, in as many "
                         "originals as there are parties.",
        "read": "Read and approved",
        "signatory": "Signatory",
        "signature": "Signature",
        "party": "Party",
        "mediator": "Mediator",
        "page": "Page {page} of {pages}",
    },
}


def _heading(document, text, level=1):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10 if level == 1 else 6)
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(12 if level == 1 else 11)
    run.font.color.rgb = BRAND
    return paragraph


def _numbered(document, number, text):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(1.0)
    paragraph.paragraph_format.first_line_indent = Cm(-0.6)
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.add_run(f"{number}.\t").bold = True
    paragraph.add_run(text)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
    return paragraph


def build(data: AgreementData) -> bytes:
    data = word_safe(data)
    text = TEXT[data.language if data.language in TEXT else "fr"]
    lang = data.language if data.language in TEXT else "fr"
    document = new_document(data.template)
    section = document.sections[0]
    if not data.template:
        a4_page(document, top_bottom_cm=2.0, sides_cm=2.2)
        document.styles["Normal"].paragraph_format.space_after = Pt(4)

        header = section.header.paragraphs[0]
        if data.logo:
            header.add_run().add_picture(io.BytesIO(data.logo), height=Cm(1.4))
            header.add_run("  ")
        name = header.add_run(data.organisation_name)
        name.bold, name.font.size, name.font.color.rgb = True, Pt(12), BRAND
        header.add_run(f"\n{data.organisation_address} · {data.organisation_phone}"
                       ).font.size = Pt(8.5)

    page_footer(section, text["reference"].format(reference=data.reference), text["page"])

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    run = title.add_run(text["title"])
    run.bold, run.font.size, run.font.color.rgb = True, Pt(20), BRAND
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(text["reference"].format(reference=data.reference))
    if data.version_number > 1:
        subtitle.add_run(" — " + text["amendment"].format(n=data.version_number - 1))

    _heading(document, text["parties"])
    for party in data.parties:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.5)
        paragraph.add_run(party.name).bold = True
        if party.address:
            paragraph.add_run(f", {party.address}")
    _heading(document, text["mediators"])
    paragraph = document.add_paragraph(", ".join(data.mediators) + f" ({data.organisation_name})")
    paragraph.paragraph_format.left_indent = Cm(0.5)

    _heading(document, text["preamble_title"])
    when = text["when"].format(date=long_date(data.meeting_date, lang)) \
        if data.meeting_date else ""
    where = text["where"].format(place=data.meeting_place) if data.meeting_place else ""
    document.add_paragraph(text["preamble"].format(
        when=when, where=where, organisation=data.organisation_name,
        categories=data.categories))
    if data.account.strip():
        _heading(document, text["account_title"])
        for block in data.account.strip().split("\n\n"):
            document.add_paragraph(block.strip())

    _heading(document, text["commitments_title"])
    for party in data.parties:
        if not party.commitments:
            continue
        _heading(document, text["party_commits"].format(name=party.name), level=2)
        for number, commitment in enumerate(party.commitments, start=1):
            _numbered(document, number, commitment)
    if data.joint_commitments:
        _heading(document, text["joint_title"], level=2)
        document.add_paragraph(text["joint"])
        for number, commitment in enumerate(data.joint_commitments, start=1):
            _numbered(document, number, commitment)

    _heading(document, text["follow_up_title"])
    document.add_paragraph(text["follow_up"].format(date=long_date(data.follow_up_on, lang))
                           if data.follow_up_on else text["follow_up_undated"])
    for key in ("breach", "confidentiality", "nature"):
        _heading(document, text[f"{key}_title"])
        document.add_paragraph(text[key])

    heading = _heading(document, text["signatures_title"])
    heading.paragraph_format.page_break_before = len(data.parties) > 3
    if data.signed_on:
        document.add_paragraph(text["made_at"].format(
            place=data.signed_place or data.meeting_place,
            date=long_date(data.signed_on, lang)))
    else:
        document.add_paragraph(text["made_at_blank"])
    rows = data.signatories or (
        [(p.name, text["party"]) for p in data.parties]
        + [(m, text["mediator"]) for m in data.mediators])
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(7.5), Cm(9.0))
    for cell, label, width in zip(table.rows[0].cells, (text["signatory"], text["signature"]),
                                  widths):
        cell.text = label
        cell.paragraphs[0].runs[0].bold = True
        cell.width = width
    for name, role in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = widths
        cells[0].text = ""
        cells[0].paragraphs[0].add_run(name).bold = True
        cells[0].add_paragraph(role)
        read = cells[1].paragraphs[0].add_run(text["read"])
        read.italic, read.font.size = True, Pt(9)
        for _ in range(3):  # room to sign
            cells[1].add_paragraph()
    for row in table.rows:
        row._tr.get_or_add_trPr().append(_cant_split())

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cant_split():
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    return element
