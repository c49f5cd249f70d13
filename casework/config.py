"""Configuration: defaults here, then ``instance/config.py``, then ``CASEWORK_*`` variables.

Every setting can be given in the environment with the ``CASEWORK_`` prefix, e.g.
``CASEWORK_DATABASE_URL`` or ``CASEWORK_SECRET_KEY``. Later sources win.
"""
import os

# Used only in debug and testing; the app refuses to start without a real key otherwise.
DEV_SECRET_KEY = "casework-development-key-not-for-production"


class Defaults:
    SECRET_KEY = None
    DATABASE_URL = None  # None: the embedded SQLite database in the instance folder
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # hide_parameters: values (residents' names…) never appear in error messages and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    # Sessions: a signed cookie that carries the token of a session held in the database
    # (login_sessions), so that several app servers share them and logging out ends them.
    SESSION_COOKIE_NAME = "casework_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: Secure everywhere but in debug and testing
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # a working day, in seconds
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 12 * 3600

    # How passwords are hashed (a Werkzeug method). Slow on purpose: keep scrypt; only the
    # tests use a cheap method, to log in hundreds of times.
    PASSWORD_HASH_METHOD = "scrypt"

    # Languages: French is the fallback.
    LANGUAGES = ("fr", "en")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

    # Bootstrap, served by the app itself: no CDN.
    BOOTSTRAP_SERVE_LOCAL = True

    # The calendar feed's request limit (Flask-Limiter); point it at Redis to share it
    # between servers. Failed logins are counted in the database instead (auth/logins.py),
    # whatever the number of servers and workers: for one username from one address, and
    # for one address (which then refuses only the usernames that failed from it).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_FAILURES_PER_USERNAME = "5 per 5 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "30 per 5 minutes"

    # Number of proxies in front of the app (load balancer): their X-Forwarded-* are trusted.
    # The older setting: used only when TRUSTED_PROXIES is empty.
    PROXY_COUNT = 0
    # The proxies' own addresses or networks, comma-separated ("10.0.0.5, 10.1.0.0/16"):
    # X-Forwarded-For is believed only when the request comes from one of them.
    TRUSTED_PROXIES = ""

    # Privacy (see the README's Privacy section). Retention periods, in days:
    RETENTION_CLOSED_CASES_DAYS = 3 * 365   # a closed case is anonymised 3 years after closure
    RETENTION_ACCESS_LOG_DAYS = 365         # access-log entries are deleted after a year
    RETENTION_FIELD_ACTIVITY_DAYS = 3 * 365  # a field activity's free-text note is blanked
    RETENTION_LOGIN_FAILURES_DAYS = 30      # failed-login records
    # True: mediators read only the cases they work on, not every case of their teams.
    MEDIATORS_READ_OWN_CASES_ONLY = False
    # Roles that must log in with a second factor, comma-separated ("admin,manager,
    # privacy_officer"); empty: the second factor is offered to them, not required.
    SECOND_FACTOR_REQUIRED_ROLES = ""
    # Sessions end after this long without a request, and in any case this long after login.
    SESSION_IDLE_LIFETIME = 4 * 3600
    SESSION_ABSOLUTE_LIFETIME = 12 * 3600

    # The organisation, as its letters and agreements show it.
    ORGANISATION_NAME = "Association de médiation sociale"
    ORGANISATION_ADDRESS = "10 rue de la République, 69001 Lyon"
    ORGANISATION_PHONE = "04 78 00 00 00"
    ORGANISATION_EMAIL = "mediation@example.org"
    # The languages the parties' letters are written in, comma-separated: the party form
    # offers only these. Casework can also write Arabic ("fr,en,ar"): add it once the
    # organisation's Arabic speakers have read its letters (README, "Letters"). A party
    # recorded with another language gets French letters with a line in theirs offering an
    # interpreter.
    LETTER_LANGUAGES = "fr,en"
    # Optional files for the agreement: a PNG logo for the letterhead, and the
    # organisation's own base .docx (its styles, header and footer are then used).
    ORGANISATION_LOGO = None
    AGREEMENT_TEMPLATE = None
    # Uploads (scanned signed agreements): 10 MB, plus the form around them.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024


def _coerce(value: str, default):
    """Read an environment string as the type of the setting's default."""
    if isinstance(default, bool) or default is None and value.lower() in ("true", "false"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    return value


def from_environment(environ=None) -> dict:
    """Settings given as ``CASEWORK_NAME=value`` in the environment."""
    environ = os.environ if environ is None else environ
    prefix = "CASEWORK_"
    settings = {}
    for key, value in environ.items():
        name = key[len(prefix):]
        if key.startswith(prefix) and name.isupper():
            settings[name] = _coerce(value, getattr(Defaults, name, None))
    return settings
