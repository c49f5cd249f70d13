"""Login, logout and the user's own account page."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter, remote_address
from . import operations
from .forms import AccountForm, ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def safe_next(target):
    """Only follow a ``next`` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_failed(response):
    return bool(g.get("login_failed"))


def _username_and_address():
    username = operations.normalise_username(request.form.get("username", ""))[:64]
    return f"login:{username}@{remote_address()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURES_PER_USERNAME"],
               key_func=_username_and_address, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
               key_func=lambda: f"login@{remote_address()}", methods=["POST"],
               deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = operations.find_user(form.username.data)
        if user is not None and user.check_password(form.password.data):
            if not user.active:
                g.login_failed = True
                form.form_errors.append(_("This account is deactivated. Ask an administrator."))
            else:
                login_user(user)
                operations.record_login(user)
                return redirect(safe_next(form.next.data) or url_for("main.home"))
        else:
            g.login_failed = True
            form.form_errors.append(_("Unknown username or wrong password."))
    status = 401 if g.get("login_failed") else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    language_form = AccountForm(prefix="lang", language=current_user.language or "")
    password_form = ChangePasswordForm(prefix="pw")
    if request.method == "POST" and "lang-language" in request.form:
        if language_form.validate_on_submit():
            operations.set_language(current_user, language_form.language.data or None)
            flash(_("Your language is saved."), "success")
            return redirect(url_for("auth.account"))
    elif request.method == "POST" and password_form.validate_on_submit():
        try:
            operations.change_own_password(current_user, password_form.current_password.data,
                                           password_form.password.data)
        except operations.OperationError as error:
            getattr(password_form, error.field or "password").errors.append(error.message)
        else:
            # The new password ended every session, this one included: open a new one.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Your other sessions are logged out."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", language_form=language_form,
                           password_form=password_form)
