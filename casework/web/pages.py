"""The home page, the language switcher and the load balancer's health check."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from ..auth import operations
from ..auth.forms import LanguageForm
from ..auth.views import safe_next
from ..extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Mediators land on their cases, managers on the referrals to assign."""
    if current_user.has_role("mediator"):
        return redirect(url_for("casefile.mine"))
    if current_user.has_role("manager"):
        return redirect(url_for("cases.unassigned"))
    return render_template("home.html")


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; remembered in the session and, if logged in, the
    user's profile."""
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("main.home")
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            operations.set_language(current_user, form.language.data)
    return redirect(target)


@bp.route("/healthz")
def health():
    """For the load balancer: answers 200 when the app reaches its database."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.app_context_processor
def language_switcher():
    """Where the switcher comes back to: this page (its query string too, for a GET)."""
    back = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return {"language_next": back}
