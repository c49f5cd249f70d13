"""Administration of accounts and teams. Only administrators come here."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth import operations
from ..auth.models import Team, User, user_teams
from ..extensions import db
from ..permissions import requires
from .forms import NewUserForm, ResetPasswordForm, TeamForm, UserForm

bp = Blueprint("admin", __name__)


def team_choices():
    teams = db.session.execute(select(Team).order_by(Team.name)).scalars()
    return [(team.id, team.name) for team in teams]


def teams_by_id(ids):
    if not ids:
        return []
    return list(db.session.execute(select(Team).where(Team.id.in_(ids))).scalars())


def account_form(account, **kwargs):
    """The edit form, filled from the request when posted, else from the account."""
    form = UserForm(user=account, team_choices=team_choices(), **kwargs)
    if not form.is_submitted() or kwargs.get("formdata", True) is None:
        form.username.data = account.username
        form.full_name.data = account.full_name
        form.email.data = account.email
        form.roles.data = sorted(account.roles)
        form.teams.data = [team.id for team in account.teams]
        form.language.data = account.language or ""
        form.title.data = account.title or ""
    return form


@bp.route("/")
@requires("manage_users")
def index():
    return redirect(url_for("admin.users"))


@bp.route("/users")
@requires("manage_users")
def users():
    show = request.args.get("show", "active")
    query = select(User).order_by(User.full_name).options(
        selectinload(User.teams), selectinload(User.role_rows))
    if show == "active":
        query = query.where(User.active.is_(True))
    elif show == "inactive":
        query = query.where(User.active.is_(False))
    accounts = db.session.execute(query).scalars().all()
    return render_template("admin/users.html", accounts=accounts, show=show)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("manage_users")
def new_user():
    form = NewUserForm(team_choices=team_choices())
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                current_user, username=form.username.data, full_name=form.full_name.data,
                email=form.email.data, password=form.password.data, roles=form.roles.data,
                teams=teams_by_id(form.teams.data), language=form.language.data,
                title=form.title.data)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, account=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("manage_users")
def edit_user(user_id):
    account = db.get_or_404(User, user_id)
    form = account_form(account)
    if form.validate_on_submit():
        try:
            operations.update_user(
                current_user, account, username=form.username.data,
                full_name=form.full_name.data, email=form.email.data, roles=form.roles.data,
                teams=teams_by_id(form.teams.data), language=form.language.data,
                title=form.title.data)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("Account %(username)s saved.", username=account.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, account=account,
                           password_form=ResetPasswordForm(prefix="reset"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires("manage_users")
def reset_password(user_id):
    account = db.get_or_404(User, user_id)
    form = ResetPasswordForm(prefix="reset")
    if form.validate_on_submit():
        operations.reset_password(current_user, account, form.password.data)
        flash(_("New password set for %(username)s. Their open sessions are logged out.",
                username=account.username), "success")
        return redirect(url_for("admin.edit_user", user_id=account.id))
    return render_template("admin/user_form.html", form=account_form(account, formdata=None),
                           account=account, password_form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires("manage_users")
def set_active(user_id):
    account = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        operations.set_active(current_user, account, active)
    except operations.OperationError as error:
        flash(error.message, "danger")
    else:
        if active:
            flash(_("Account %(username)s is active again.", username=account.username),
                  "success")
        else:
            flash(_("Account %(username)s is deactivated: it can no longer log in.",
                    username=account.username), "success")
    return redirect(url_for("admin.edit_user", user_id=account.id))


@bp.route("/teams")
@requires("manage_teams")
def teams():
    counts = dict(db.session.execute(
        select(user_teams.c.team_id, func.count())
        .join(User, User.id == user_teams.c.user_id)
        .where(User.active.is_(True))
        .group_by(user_teams.c.team_id)).all())
    rows = db.session.execute(select(Team).order_by(Team.name)).scalars().all()
    return render_template("admin/teams.html", teams=rows, counts=counts)


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@requires("manage_teams")
def edit_team(team_id=None):
    team = db.get_or_404(Team, team_id) if team_id is not None else None
    form = TeamForm(obj=team)
    if form.validate_on_submit():
        try:
            team = operations.save_team(current_user, team, name=form.name.data)
        except operations.OperationError as error:
            error.show_on(form)
        else:
            flash(_("Team %(name)s saved.", name=team.name), "success")
            return redirect(url_for("admin.teams"))
    members = []
    if team is not None:
        members = db.session.execute(
            select(User).join(User.teams).where(Team.id == team.id)
            .order_by(User.full_name).options(selectinload(User.role_rows))).scalars().all()
    return render_template("admin/team_form.html", form=form, team=team, members=members)
