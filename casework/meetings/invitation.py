"""Invitation letters (convocations) to a round table, as Word documents.

Pure: data in, bytes out — no database, no request. The party's language chooses the text
(French, or English; other languages get French). Dates read the French way in French:
« mardi 3 mars 2026 à 18 h 00 ».
"""
import io
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date, format_datetime
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from ..core.documents import BRAND, a4_page, new_document, word_safe

TEXT = {
    "fr": {
        "subject": "Objet : invitation à une rencontre de médiation (table ronde)",
        "reference": "Dossier n° {reference}",
        "made_in": "{city}, le {today}",
        "greeting": {"mme": "Madame,", "m": "Monsieur,", "": "Madame, Monsieur,"},
        "body": ("Vous avez accepté de rechercher, avec l'aide de notre service de médiation, "
                 "une solution au différend qui vous concerne. Nous vous invitons à une "
                 "rencontre avec l'autre partie et les médiateurs :"),
        "when": "Date et heure",
        "where": "Lieu",
        "length": "Durée prévue",
        "length_value": "environ {hours}",
        "rules_title": "Comment se déroule la rencontre",
        "rules": [
            "Chacun s'exprime à son tour et écoute l'autre sans l'interrompre.",
            "Les médiateurs sont neutres : ils ne jugent pas et ne prennent parti pour "
            "personne.",
            "Ce qui est dit pendant la rencontre reste confidentiel.",
            "Les solutions sont trouvées par les parties elles-mêmes ; personne n'est "
            "obligé d'accepter un accord.",
            "Les échanges restent courtois ; les médiateurs peuvent suspendre la rencontre.",
        ],
        "contact": ("Pour toute question, ou si vous ne pouvez pas venir, merci d'appeler "
                    "{mediator} au {phone}."),
        "closing": ("Nous vous prions d'agréer, {civility}, l'expression de nos salutations "
                    "distinguées."),
        "civility": {"mme": "Madame", "m": "Monsieur", "": "Madame, Monsieur"},
        "signature": "Le service de médiation",
        "honorific": {"mme": "Madame", "m": "Monsieur", "": ""},
    },
    "en": {
        "subject": "Invitation to a mediation meeting (round table)",
        "reference": "Case {reference}",
        "made_in": "{city}, {today}",
        "greeting": {"mme": "Dear Mrs {name},", "m": "Dear Mr {name},", "": "Dear {name},"},
        "body": ("You have agreed to look, with the help of our mediation service, for a "
                 "solution to the disagreement that concerns you. We invite you to a "
                 "meeting with the other party and the mediators:"),
        "when": "Date and time",
        "where": "Place",
        "length": "Expected length",
        "length_value": "about {hours}",
        "rules_title": "How the meeting works",
        "rules": [
            "Each person speaks in turn and listens to the other without interrupting.",
            "The mediators are neutral: they do not judge and take nobody's side.",
            "What is said during the meeting stays confidential.",
            "The parties find the solutions themselves; nobody has to accept an "
            "agreement.",
            "Everyone stays courteous; the mediators may pause the meeting.",
        ],
        "contact": ("If you have any question, or if you cannot come, please call "
                    "{mediator} on {phone}."),
        "closing": "Yours sincerely,",
        "civility": {"mme": "", "m": "", "": ""},
        "signature": "The mediation service",
        "honorific": {"mme": "Mrs", "m": "Mr", "": ""},
    },
}
LANGUAGES = tuple(TEXT)


@dataclass
class Organisation:
    name: str
    address: str
    phone: str
    email: str = ""


@dataclass
class Addressee:
    civility: str  # "", "mme", "m"
    first_name: str
    last_name: str
    address_lines: list
    language: str


@dataclass
class Meeting:
    reference: str
    starts_at: datetime  # aware, in the organisation's time zone
    duration_minutes: int
    place: str
    mediator_name: str
    mediator_phone: str


def letter_language(language: str) -> str:
    return language if language in LANGUAGES else "fr"


def when(moment: datetime, language: str) -> str:
    """« mardi 3 mars 2026 à 18 h 00 » / "Tuesday 3 March 2026 at 6:00 PM"."""
    if language == "fr":
        return format_datetime(moment, "EEEE d MMMM y 'à' H' h 'mm", locale="fr",
                               tzinfo=moment.tzinfo)
    return format_datetime(moment, "EEEE d MMMM y 'at' h:mm a", locale="en",
                           tzinfo=moment.tzinfo)


def _hours(minutes: int, language: str) -> str:
    hours, rest = divmod(minutes, 60)
    if language == "fr":
        return f"{hours} h {rest:02d}" if hours else f"{rest} min"
    return (f"{hours} h {rest:02d} min" if rest else f"{hours} h") if hours else f"{rest} min"


def invitation(organisation: Organisation, addressee: Addressee, meeting: Meeting,
               today) -> bytes:
    """The invitation letter of one party, as .docx bytes."""
    organisation, addressee, meeting = word_safe((organisation, addressee, meeting))
    language = letter_language(addressee.language)
    text = TEXT[language]
    document = new_document()
    section = a4_page(document, top_bottom_cm=1.8, sides_cm=2.0)

    # Letterhead, in the page header.
    header = section.header.paragraphs[0]
    run = header.add_run(organisation.name)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(13), BRAND
    header.add_run(f"\n{organisation.address} · {organisation.phone}"
                   + (f" · {organisation.email}" if organisation.email else "")).font.size = Pt(9)

    # The addressee, where a window envelope (DL, window on the right) shows it.
    block = document.add_paragraph()
    block.paragraph_format.left_indent = Cm(9.5)
    block.paragraph_format.space_before = Cm(2.2)
    block.paragraph_format.space_after = Cm(1.5)
    honorific = text["honorific"][addressee.civility]
    name = " ".join(x for x in (honorific, addressee.first_name, addressee.last_name) if x)
    block.add_run(name).bold = True
    for line in addressee.address_lines:
        block.add_run("\n" + line)

    city = organisation.address.split(",")[-1].strip().lstrip("0123456789 ") or ""
    dated = document.add_paragraph(text["made_in"].format(
        city=city, today=format_date(today, "d MMMM y", locale=language)))
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(text["reference"].format(reference=meeting.reference))
    subject = document.add_paragraph()
    subject.add_run(text["subject"]).bold = True

    greeting = text["greeting"][addressee.civility]
    document.add_paragraph(greeting.format(name=addressee.last_name))
    document.add_paragraph(text["body"])

    details = document.add_table(rows=3, cols=2)
    details.style = "Table Grid"
    details.autofit = False
    details.columns[0].width, details.columns[1].width = Cm(4.5), Cm(12.5)
    for row, (label, value) in zip(details.rows, (
            (text["when"], when(meeting.starts_at, language)),
            (text["where"], meeting.place),
            (text["length"], text["length_value"].format(
                hours=_hours(meeting.duration_minutes, language))))):
        row.cells[0].text = label
        row.cells[0].paragraphs[0].runs[0].bold = True
        row.cells[1].text = value
        row.cells[0].width, row.cells[1].width = Cm(4.5), Cm(12.5)

    document.add_paragraph()
    rules = document.add_paragraph()
    rules.add_run(text["rules_title"]).bold = True
    for rule in text["rules"]:
        document.add_paragraph(rule, style="List Bullet")
    document.add_paragraph(text["contact"].format(mediator=meeting.mediator_name,
                                                  phone=meeting.mediator_phone))
    document.add_paragraph(text["closing"].format(
        civility=text["civility"][addressee.civility]))
    signature = document.add_paragraph()
    signature.paragraph_format.left_indent = Cm(9.5)
    signature.add_run(meeting.mediator_name).bold = True
    signature.add_run(f"\n{text['signature']}")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
