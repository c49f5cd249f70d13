"""Login (password, then the second factor when the user has one), logout, and the user's
own account page with their second factor."""
import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

import segno
from flask import (Blueprint, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.clock import utcnow
from ..extensions import db, remote_address
from ..permissions import requires
from . import logins, operations, second_factor
from .forms import (AccountForm, ChangePasswordForm, ConfirmSecondFactorForm, LoginForm,
                    PasswordCheckForm, SecondFactorForm)
from .models import User

bp = Blueprint("auth", __name__)

# Between the password and the code: who, under which password, since when.
PENDING_KEY = "second_factor_pending"
PENDING_FOR = timedelta(minutes=5)


def generation(user) -> str:
    """Which password the pending login was under (a new one voids it), without putting
    the account's session_token itself in the cookie, which anyone can read."""
    return hashlib.sha256(user.session_token.encode()).hexdigest()[:32]


def safe_next(target):
    """Only follow a ``next`` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def wrong_login_message():
    # One message for an unknown username, a wrong password and a deactivated account.
    return _("Unknown username or wrong password.")


def too_many_message():
    return _("Too many failed attempts. Wait a few minutes, then try again.")


def start_session(user, next_url):
    """Password (and code) accepted: the server-side session, then the cookie."""
    session.pop(PENDING_KEY, None)
    user.login_token = logins.open_session(user)
    login_user(user)
    return redirect(safe_next(next_url) or url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        outcome = logins.check_password_login(form.username.data, form.password.data,
                                              remote_address())
        if outcome.status == "ok":
            return start_session(outcome.user, form.next.data)
        if outcome.status == "second_factor":
            session[PENDING_KEY] = {"user": outcome.user.id,
                                    "generation": generation(outcome.user),
                                    "at": utcnow().timestamp(),
                                    "next": safe_next(form.next.data)}
            return redirect(url_for("auth.second_step"))
        if outcome.status == "refused":
            form.form_errors.append(too_many_message())
            status = 429
        else:
            form.form_errors.append(wrong_login_message())
            status = 401
    return render_template("auth/login.html", form=form), status


def pending_user():
    """The user who gave the right password a few minutes ago, or None."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    started = pending.get("at") or 0
    if utcnow().timestamp() - started > PENDING_FOR.total_seconds():
        return None
    user = db.session.get(User, pending.get("user") or 0)
    if user is None or not user.active or generation(user) != pending.get("generation") \
            or not second_factor.is_enabled(user):
        return None
    return user


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_step():
    """The second step of a login, for users with a second factor."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Log in again: the code was not given in time."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        outcome = logins.check_second_factor_login(user, form.code.data, remote_address(),
                                                   second_factor.verify)
        if outcome.status == "ok":
            return start_session(user, session.get(PENDING_KEY, {}).get("next"))
        if outcome.status == "refused":
            session.pop(PENDING_KEY, None)
            form.form_errors.append(too_many_message())
            status = 429
        else:
            form.code.errors = [_("This code is not right, or was already used.")]
            status = 401
    return render_template("auth/second_step.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None:
        logins.close_session(user, user.login_token)
    logout_user()
    session.pop(PENDING_KEY, None)
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
        user = current_user._get_current_object()
        try:
            operations.change_own_password(user, password_form.current_password.data,
                                           password_form.password.data)
        except operations.OperationError as error:
            getattr(password_form, error.field or "password").errors.append(error.message)
        else:
            # The new password ended every session, this one included: it goes on under
            # a new token, the others stay ended.
            user.login_token = logins.renew_session(user, user.login_token)
            login_user(user)
            flash(_("Your password is changed. Your other sessions are logged out."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", language_form=language_form,
                           password_form=password_form,
                           second_factor_on=second_factor.is_enabled(current_user))


# — The second factor, on the account page ————————————————————————————————————

def second_factor_page(**forms):
    user = current_user
    qr_code = secret = None
    if not second_factor.is_enabled(user) and user.totp_secret:
        uri = second_factor.provisioning_uri(user, current_app.config["ORGANISATION_NAME"])
        qr_code = segno.make(uri).svg_inline(scale=4)
        secret = user.totp_secret
    forms.setdefault("confirm_form", ConfirmSecondFactorForm(prefix="confirm"))
    forms.setdefault("disable_form", PasswordCheckForm(prefix="disable"))
    forms.setdefault("codes_form", PasswordCheckForm(prefix="codes"))
    return render_template(
        "auth/second_factor.html", enabled=second_factor.is_enabled(user),
        secret=secret, qr_code=qr_code, codes=forms.pop("codes", None),
        codes_left=second_factor.recovery_codes_left(user) if second_factor.is_enabled(user)
        else 0,
        required=second_factor.is_missing(user, current_app.config[
            "SECOND_FACTOR_REQUIRED_ROLES"]),
        **forms)


@bp.route("/account/second-factor")
@requires("use_second_factor")
def second_factor_settings():
    return second_factor_page()


@bp.route("/account/second-factor/start", methods=["POST"])
@requires("use_second_factor")
def start_second_factor():
    # A button: CSRFProtect has checked the form's token, there is nothing else to read.
    try:
        second_factor.start(current_user)
    except operations.OperationError as error:
        flash(error.message, "warning")
    return redirect(url_for("auth.second_factor_settings"))


@bp.route("/account/second-factor/confirm", methods=["POST"])
@requires("use_second_factor")
def confirm_second_factor():
    form = ConfirmSecondFactorForm(prefix="confirm")
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm(current_user, form.code.data)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("The second factor is on: from now on, logging in asks for a code."),
                  "success")
            # Shown this once, on this page (which no cache keeps).
            return second_factor_page(codes=codes)
    return second_factor_page(confirm_form=form)


@bp.route("/account/second-factor/recovery-codes", methods=["POST"])
@requires("use_second_factor")
def new_recovery_codes():
    form = PasswordCheckForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = second_factor.new_recovery_codes(current_user, form.password.data)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("New recovery codes: the old ones no longer work."), "success")
            return second_factor_page(codes=codes)
    return second_factor_page(codes_form=form)


@bp.route("/account/second-factor/disable", methods=["POST"])
@requires("use_second_factor")
def disable_second_factor():
    form = PasswordCheckForm(prefix="disable")
    if form.validate_on_submit():
        try:
            second_factor.disable(current_user, form.password.data)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("The second factor is off."), "success")
            return redirect(url_for("auth.second_factor_settings"))
    return second_factor_page(disable_form=form)


@bp.route("/admin/users/<int:user_id>/second-factor/reset", methods=["POST"])
@requires("manage_users")
def reset_second_factor(user_id):
    """An administrator removes a user's second factor (a lost phone)."""
    account = db.get_or_404(User, user_id)
    second_factor.reset(current_user, account)
    flash(_("The second factor of %(name)s is removed: they log in with their password, "
            "and set it up again.", name=account.full_name), "success")
    return redirect(url_for("admin.edit_user", user_id=account.id))
