"""Text as Casework keeps and compares it: control characters out (in one place, for
every form), and keys folded for matching ("Hélène" → "helene")."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
# C0 controls but tab, line feed and carriage return; DEL; C1 controls. Word's Shift+Enter
# pastes U+000B, which no document format accepts.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\u2028\u2029]")


def clean(value: str, *, multiline: bool = True) -> str:
    """``value`` without control characters. Line breaks of every kind become ``\\n`` in a
    text of several lines, a space in a one-line field (a name, a street)."""
    if not isinstance(value, str):
        return value
    value = _LINE_BREAKS.sub("\n", value)
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    return _CONTROLS.sub("", value)


def fold(value: str) -> str:
    """Lower-case, without accents, spaces collapsed: for search and comparison."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.replace("œ", "oe").replace("æ", "ae").lower()).strip()


def key(*parts: str) -> str:
    """A matching key: folded, punctuation removed ("12, rue de l'Église" → "12 rue de l eglise")."""
    text = " ".join(fold(part) for part in parts if part)
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def search_words(query: str) -> list:
    """The words of a search, each as ``key`` writes the text it looks in ("Garnier
    L'Église" → ["garnier", "l eglise"]): a word typed with its punctuation stays one
    word. Words of punctuation alone ("%", "-") are dropped."""
    return [word for word in (key(part) for part in (query or "").split()) if word]


def like_pattern(query: str) -> str:
    """A LIKE pattern finding ``query`` anywhere, with % and _ taken literally (escape \\)."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def spreadsheet_cell(value) -> str:
    """Text a spreadsheet will not take for a formula (CSV and XLSX exports)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
