"""Languages: French and English, negotiated from the browser, chosen by the user.

The choice is remembered in the session, and in the user's profile once logged in;
French is the fallback.
"""
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user
from ..core.clock import to_local
from ..extensions import babel

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def supported() -> tuple:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_language = getattr(current_user, "language", None) if current_user else None
    if user_language in supported():
        return user_language
    if session.get("language") in supported():
        return session["language"]
    return request.accept_languages.best_match(supported()) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


class RequestDomain(Domain):
    """Flask-Babel's message domain, which finds the catalogue anew for every string it
    translates (the request's context, its locale, the locale's name, the cache): a case
    page translates a few hundred. Here the catalogue is found once per request and kept
    where Flask-Babel's own ``refresh()`` and ``force_locale()`` reset it
    (``babel_translations`` of its request context), so a change of language within a
    request is still followed."""

    def get_translations(self):
        context = g.get("_flask_babel") if has_app_context() else None
        found = getattr(context, "babel_translations", None)
        if found is None:
            found = super().get_translations()
            context = g.get("_flask_babel") if has_app_context() else None
            if context is not None:
                context.babel_translations = found
        return found


def translations():
    """The catalogue of this request (see RequestDomain)."""
    return babel.domain_instance.get_translations()


def init_app(app):
    if not isinstance(babel.__dict__.get("domain_instance"), RequestDomain):
        # Flask-Babel's one Babel object serves every app of the process.
        babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)
    # The templates' _(), ngettext()… straight to this request's catalogue.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)

    @app.context_processor
    def language_context():
        return {
            "current_language": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "language_names": LANGUAGE_NAMES,
        }

    app.jinja_env.globals["colon"] = colon
    app.jinja_env.filters["date_long"] = date_long
    app.jinja_env.filters["datetime_long"] = datetime_long
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["date_short"] = lambda value: format_date(value, "medium") \
        if value else ""


# The French way: « mardi 3 mars 2026 » and « mardi 3 mars 2026 à 18 h 00 ».
DATE_PATTERNS = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y"}
DATETIME_PATTERNS = {"fr": "EEEE d MMMM y 'à' H' h 'mm", "en": "EEEE d MMMM y 'at' h:mm a"}


def first_of_month(pattern: str, value, language: str) -> str:
    """« 1er mars » in French: the pattern's day gets its ordinal on the first."""
    if language == "fr" and value.day == 1:
        return pattern.replace("d ", "d'er' ", 1)
    return pattern


def current_language() -> str:
    """The interface language of this request: ``"fr"`` or ``"en"``."""
    return str(get_locale() or "fr")[:2]


def colon() -> str:
    """« : » in French (with a no-break space before), ": " in English."""
    return "\u00a0: " if current_language() == "fr" else ": "


def date_long(value):
    """A date in words, in the interface language."""
    if not value:
        return ""
    language = current_language()
    return format_date(value, first_of_month(
        DATE_PATTERNS.get(language, DATE_PATTERNS["fr"]), value, language))


def datetime_long(value):
    """A moment in words, in the interface language and the organisation's time zone."""
    if not value:
        return ""
    language = current_language()
    pattern = DATETIME_PATTERNS.get(language, DATETIME_PATTERNS["fr"])
    return format_datetime(value, first_of_month(pattern, to_local(value), language))


def duration(minutes: int) -> str:
    """Time spent, as people write it: « 45 min », « 2 h », « 1 237 h 05 » (« … min » added
    in English)."""
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours:
        return f"{rest}\u00a0min"
    number = format_decimal(hours)
    if not rest:
        return f"{number}\u00a0h"
    if current_language() == "fr":
        return f"{number}\u00a0h\u00a0{rest:02d}"
    return f"{number}\u00a0h {rest:02d}\u00a0min"
