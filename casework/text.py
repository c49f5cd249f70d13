"""Text folded for matching: no accents, no case, single spaces ("Hélène" → "helene")."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def fold(value: str) -> str:
    """Lower-case, without accents, spaces collapsed: for search and comparison."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.replace("œ", "oe").replace("æ", "ae").lower()).strip()


def key(*parts: str) -> str:
    """A matching key: folded, punctuation removed ("12, rue de l'Église" → "12 rue de l eglise")."""
    text = " ".join(fold(part) for part in parts if part)
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def like_pattern(query: str) -> str:
    """A LIKE pattern finding ``query`` anywhere, with % and _ taken literally (escape \\)."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
