"""Error pages (400, 403, 404, 429, 500…) in the app's layout and the user's language."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from ..core.errors import EditConflict
from ..core.versioning import is_contention
from ..extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The page could not understand what was sent.")),
    403: (_l("Access refused"), _l("Your account does not give access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist, or you cannot see it.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    409: (_l("Saved by someone else"),
          _l("Someone else saved the same thing at the same moment. Go back, reload the "
             "page to see their change, and try again.")),
    413: (_l("File too large"), _l("The file sent is larger than allowed.")),
    429: (_l("Too many attempts"),
          _l("Too many failed attempts. Wait a few minutes, then try again.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error occurred. It has been recorded; please try again later.")),
}


def render_error(code, detail=None):
    title, message = MESSAGES.get(code, (_l("Error"), ""))
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("This form has expired or was not sent from Casework. "
                                    "Go back, reload the page and try again."))

    @app.errorhandler(EditConflict)
    def edit_conflict(error):
        """A save that met another one at the same moment, where the view had no form to
        show it on: a clear page, nothing half-saved."""
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(StaleDataError)
    def stale_record(error):
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(DBAPIError)
    def database_error(error):
        """Two saves that met in the database (a lock, a serialisation failure) wherever
        it happened: a conflict page. Anything else is a real error."""
        db.session.rollback()
        if is_contention(error):
            return render_error(409)
        app.log_exception((type(error), error, error.__traceback__))
        return render_error(500)

    @app.errorhandler(PermissionError)
    def operation_refused(error):
        db.session.rollback()
        return render_error(403)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in MESSAGES:
            # A message of our own (abort(403, description=…)), or the page's usual one.
            custom = error.description if error.description != type(error).description \
                else None
            return render_error(error.code, custom)
        return error

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        # Flask has logged the traceback; SQL parameters are hidden from it (config.py).
        db.session.rollback()
        try:
            return render_error(500)
        except Exception:  # the layout itself failed: plain text, never a traceback
            return "Internal error / Erreur interne", 500
