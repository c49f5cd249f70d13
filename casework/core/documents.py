"""What every Word document Casework writes shares: the A4 page, the house colour and
font, the dates written out, and text that Word accepts."""
import copy
import dataclasses
import io
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from docx import Document
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


def long_date(value: date, language: str) -> str:
    """« mardi 3 mars 2026 », « dimanche 1er mars 2026 » / "Tuesday 3 March 2026"."""
    pattern = "EEEE d'er' MMMM y" if language == "fr" and value.day == 1 else "EEEE d MMMM y"
    return format_date(value, pattern, locale=language)


def word_safe(value):
    """``value`` (a text, a list, a dataclass of them) with every text made safe for
    Word: no control character, which XML refuses, even in data recorded before the forms
    cleaned them."""
    if isinstance(value, str):
        return clean(value, multiline=True)
    if isinstance(value, list):
        return [word_safe(item) for item in value]
    if isinstance(value, tuple):
        return tuple(word_safe(item) for item in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: word_safe(getattr(value, f.name))
                                             for f in dataclasses.fields(value)})
    return value
