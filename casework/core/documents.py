"""What every Word document Casework writes shares: the A4 page, the house colour and
font, the dates written out, and text that Word accepts."""
import copy
import dataclasses
from dataclasses import dataclass
import io
import re
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .text import clean

BRAND = RGBColor(0x1F, 0x4E, 0x79)


@lru_cache(maxsize=8)
def _parsed(template: bytes | None):
    """A base document, parsed once per process."""
    return Document(io.BytesIO(template)) if template else Document()


def new_document(template: bytes | None = None):
    """A fresh copy of the base document (copying is faster than parsing again)."""
    return copy.deepcopy(_parsed(template))


def a4_page(document, *, top_bottom_cm: float, sides_cm: float, font="Calibri", size=11):
    """An A4 page with these margins and the house font; returns the section."""
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(top_bottom_cm)
    section.left_margin = section.right_margin = Cm(sides_cm)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = font, Pt(size)
    return section


def page_footer(section, label: str, page_text: str, size: float = 8.5):
    """A centred footer « label — Page 2 of 9 »: ``page_text`` holds ``{page}`` and
    ``{pages}``, filled by Word (PAGE and NUMPAGES fields) as the document is laid out."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style.font.size = Pt(size)
    before, _, rest = page_text.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    footer.add_run(f"{label} — {before}")
    word_field(footer.add_run(), "PAGE")
    footer.add_run(middle)
    word_field(footer.add_run(), "NUMPAGES")
    footer.add_run(after)
    for run in footer.runs:
        run.font.size = Pt(size)


def word_field(run, instruction: str):
    """A Word field (PAGE, NUMPAGES) in ``run``."""
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), \
        OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, end):
        run._r.append(element)


def long_date(value: date, language: str) -> str:
    """« mardi 3 mars 2026 », « dimanche 1er mars 2026 » / "Tuesday 3 March 2026"."""
    pattern = "EEEE d'er' MMMM y" if language == "fr" and value.day == 1 else "EEEE d MMMM y"
    return format_date(value, pattern, locale=language)


def plain_date(value: date, language: str) -> str:
    """« 3 mars 2026 », « 1er mars 2026 » / "3 March 2026": a date without its weekday."""
    pattern = "d'er' MMMM y" if language == "fr" and value.day == 1 else "d MMMM y"
    return format_date(value, pattern, locale=language)


# Hebrew, Arabic (and Syriac, Thaana…), their presentation forms: right-to-left letters.
RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
FIRST_STRONG_ISOLATE, POP_ISOLATE = "\u2068", "\u2069"


def isolated(text: str) -> str:
    """A text holding right-to-left letters, each line in a bidi isolate (Unicode
    FSI … PDI): it keeps its own direction and does not reorder what the document writes
    around it (« Salle כהן, 3 rue Genton » would otherwise print « 3 ,כהן Salle rue »)."""
    if not RIGHT_TO_LEFT.search(text):
        return text
    return "\n".join(FIRST_STRONG_ISOLATE + line + POP_ISOLATE
                      if RIGHT_TO_LEFT.search(line) and not line.startswith(
                          FIRST_STRONG_ISOLATE) else line
                      for line in text.split("\n"))


def word_safe(value):
    """``value`` (a text, a list, a dataclass of them) with every text made safe for
    Word: no control character, which XML refuses, even in data recorded before the forms
    cleaned them; right-to-left text isolated (see isolated)."""
    if isinstance(value, str):
        return isolated(clean(value, multiline=True))
    if isinstance(value, list):
        return [word_safe(item) for item in value]
    if isinstance(value, tuple):
        return tuple(word_safe(item) for item in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: word_safe(getattr(value, f.name))
                                             for f in dataclasses.fields(value)})
    return value


# — Letters: what every letter shares (the letterhead, the window-envelope address, the
# date line, the signature, the document's properties) ——————————————————————————————

# The document's language tag, for Word's proofing and for screen readers.
LANGUAGE_TAGS = {"fr": "fr-FR", "en": "en-GB", "ar": "ar"}


@dataclass
class Organisation:
    """The organisation that writes: its name, address, switchboard and e-mail."""
    name: str
    address: str
    phone: str
    email: str = ""

    @classmethod
    def from_config(cls, config) -> "Organisation":
        """The organisation as the settings name it (ORGANISATION_NAME, _ADDRESS…)."""
        return cls(config["ORGANISATION_NAME"], config["ORGANISATION_ADDRESS"],
                   config["ORGANISATION_PHONE"], config["ORGANISATION_EMAIL"])


def letterhead(section, name: str, details: str, *, logo: bytes | None = None,
               name_pt: float = 13, details_pt: float = 9):
    """The organisation's name and its address · phone · e-mail in the page header, after
    its PNG ``logo`` if it has one."""
    header = section.header.paragraphs[0]
    if logo:
        header.add_run().add_picture(io.BytesIO(logo), height=Cm(1.4))
        header.add_run("  ")
    run = header.add_run(name)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(name_pt), BRAND
    header.add_run(f"\n{details}").font.size = Pt(details_pt)
    return header


def window_address(document, name: str, lines, space_after_cm: float = 1.5):
    """The addressee where a window envelope (DL, window on the right) shows it."""
    block = document.add_paragraph()
    block.paragraph_format.left_indent = Cm(9.5)
    block.paragraph_format.space_before = Cm(2.2)
    block.paragraph_format.space_after = Cm(space_after_cm)
    block.add_run(name).bold = True
    for line in lines:
        block.add_run("\n" + line)
    return block


def right_aligned(document, text: str):
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def signature_block(document, lines):
    """The signer's lines (the first in bold), together on the right half of the page."""
    block = document.add_paragraph()
    block.paragraph_format.left_indent = Cm(9.5)
    block.paragraph_format.keep_together = True
    block.paragraph_format.keep_with_next = True
    for index, line in enumerate(lines):
        block.add_run(("\n" if index else "") + line).bold = index == 0
    return block


def city_of(address: str) -> str:
    """« Lyon » from « 10 rue de la République, 69001 Lyon »."""
    return address.split(",")[-1].strip().lstrip("0123456789 ") if address else ""


def document_properties(document, *, title: str, author: str, language: str, created):
    """The properties Word shows: the title, the organisation as author, the language
    (fr-FR, en-GB) and the real moment it was made (not python-docx's 2013 default)."""
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.language = LANGUAGE_TAGS.get(language, language)
    properties.created = properties.modified = created
    properties.revision = 1


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HONORIFICS = {"fr": {"mme": "Mme", "m": "M."}, "en": {"mme": "Mrs", "m": "Mr"}}


def civil_name(civility: str, first_name: str, last_name: str, language: str) -> str:
    """« Mme Hélène Dupont » / "Mrs Hélène Dupont"; no civility when none is known."""
    honorific = HONORIFICS.get(language, HONORIFICS["fr"]).get(civility or "", "")
    return " ".join(x for x in (honorific, first_name, last_name) if x)


def postal_floor(floor: str) -> str:
    """A floor as a French address writes it: « 3ᵉ étage », « 1er étage »,
    « rez-de-chaussée »; anything else as typed."""
    floor = (floor or "").strip()
    if not floor.isdigit():
        return floor
    number = int(floor)
    return "rez-de-chaussée" if number == 0 else ("1er\u00a0étage" if number == 1
                                                  else f"{number}\u1d49\u00a0étage")


def postal_lines(place) -> list:
    """The postal lines of anything with a street, building, staircase, floor, postcode and
    city (a party, a case): building details first, as French addresses are written."""
    details = ", ".join(x for x in (place.building,
                                    f"esc. {place.staircase}" if place.staircase else "",
                                    postal_floor(place.floor)) if x)
    return [line for line in (details, place.street,
                              f"{place.postcode} {place.city}".strip()) if line]
