"""Login sessions, security headers and the failed-login throttle."""
from flask import abort, request
from flask_babel import lazy_gettext as _l

from .extensions import db, login_manager

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
        from sqlalchemy.orm import joinedload

        from .auth.models import User

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
        answer 400 rather than fail further down."""
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    abort(400)
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
