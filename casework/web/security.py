"""Login sessions and the login wall, security headers, and odd input refused before any
view sees it."""
from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url, logout_user

from .. import permissions
from ..auth import logins, second_factor
from ..extensions import login_manager

# The only pages open without logging in.
PUBLIC_ENDPOINTS = {"auth.login", "auth.second_step", "auth.logout", "main.set_language",
                    "main.health", "static", "bootstrap.static", "meetings.feed"}
STATIC_ENDPOINTS = {"static", "bootstrap.static"}
# What a user who must set up a second factor may still open.
SETUP_ENDPOINTS = {"auth.second_factor_settings", "auth.start_second_factor",
                   "auth.confirm_second_factor"}

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


def check_settings(config):
    """The login settings, read once at startup: ValueError says which is wrong."""
    logins.limits(config)
    roles = second_factor.required_roles(config["SECOND_FACTOR_REQUIRED_ROLES"])
    not_allowed = roles - permissions.GLOBAL_ACTIONS["use_second_factor"]
    if not_allowed:
        raise ValueError("SECOND_FACTOR_REQUIRED_ROLES names roles that cannot use a "
                         "second factor: " + ", ".join(sorted(not_allowed)))


def init_app(app):
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token):
        """The login cookie carries the token of a server-side session (LoginSession),
        which logging out deletes and which ends by itself when idle or too old; a new
        password or a deactivation ends all the user's sessions. Flask-Login's remember-me
        cookie, never set by Casework, would come here too and meet the same checks."""
        user, ended = logins.session_user(
            token, idle_seconds=current_app.config["SESSION_IDLE_LIFETIME"],
            absolute_seconds=current_app.config["SESSION_ABSOLUTE_LIFETIME"])
        if user is None:
            g.session_ended = ended
            return None
        user.login_token = token
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
    def notice_ended_session():
        """A cookie whose session has ended (logged out elsewhere, idle, too old, password
        changed, account deactivated): forget it and say so, once."""
        if "_user_id" not in session or request.endpoint in STATIC_ENDPOINTS:
            return None
        if current_user.is_authenticated or not g.get("session_ended"):
            return None
        logout_user()
        flash(_("Your session has ended, please log in again."), "warning")
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        # The same address as Flask-Login's own redirect to the login page.
        return redirect(login_url(login_manager.login_view, next_url=request.url))

    @app.before_request
    def require_login():
        """Every page but the public ones needs a logged-in user."""
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return None

    @app.before_request
    def require_second_factor():
        """Where the organisation requires a second factor for the user's role, nothing
        but setting it up until it is set up."""
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint in SETUP_ENDPOINTS \
                or request.endpoint is None or not current_user.is_authenticated:
            return None
        if second_factor.is_missing(current_user,
                                    current_app.config["SECOND_FACTOR_REQUIRED_ROLES"]):
            flash(_("Your organisation asks for a second factor for your account: set it "
                    "up to go on."), "warning")
            return redirect(url_for("auth.second_factor_settings"))
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
