"""Login sessions and the login wall, security headers, and odd input refused before any
view sees it."""
from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..extensions import db, login_manager

# The only pages open without logging in.
PUBLIC_ENDPOINTS = {"auth.login", "auth.logout", "main.set_language", "main.health",
                    "static", "bootstrap.static", "meetings.feed"}

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app):
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token):
        """Sessions carry the user's session token, not their id: deactivating the account
        or resetting its password changes the token, which ends every open session."""
        # One query per request for the user, their teams and roles.
        user = db.session.execute(
            db.select(User).filter_by(session_token=session_token)
            .options(joinedload(User.teams), joinedload(User.role_rows))
        ).unique().scalar_one_or_none()
        if user is None or not user.active:
            return None
        return user

    @app.before_request
    def refuse_nul_characters():
        """A NUL character is never typed by a person, and PostgreSQL refuses it in text:
        in a page's address it names no page (404); in a form or a query string it is a
        bad request (400). Either way no view, query or log line ever sees it."""
        if "\x00" in request.path:
            abort(404)
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    abort(400)
        return None

    @app.before_request
    def require_login():
        """Every page but the public ones needs a logged-in user."""
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and not (request.endpoint or "").startswith("bootstrap."):
            # Pages may hold personal data: no copy in shared or browser caches.
            headers.setdefault("Cache-Control", "no-store")
        return response
