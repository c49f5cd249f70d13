"""URL converters: an id in a page's address is ASCII digits within the database's integer
range, or the address names no page (404) — never a query that overflows."""
from werkzeug.routing import IntegerConverter

from ..core.forms import MAX_ID


class DatabaseId(IntegerConverter):
    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=False)


def init_app(app):
    app.url_map.converters["int"] = DatabaseId
