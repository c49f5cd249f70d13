"""Account and team forms for administrators."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..auth import operations
from ..auth.models import ADMIN, MANAGER, MEDIATOR
from ..core.forms import Form, MultiCheckboxField, Problem, choices, required_message, strip

ROLE_CHOICES = choices([
    (ADMIN, _l("Administrator — accounts, teams and reference lists")),
    (MANAGER, _l("Manager — leads their teams, assigns cases")),
    (MEDIATOR, _l("Mediator — works the cases of their teams")),
])


def lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class UserForm(Form):
    username = StringField(
        _l("Username"), filters=[lower],
        validators=[DataRequired(required_message()), Length(max=64),
                    Problem(operations.username_problem)],
        description=_l("Used to log in, e.g. c.martin."),
        render_kw={"autocapitalize": "none", "autocomplete": "off"})
    full_name = StringField(
        _l("Full name"), filters=[strip],
        validators=[DataRequired(required_message()), Length(max=120)],
        render_kw={"autocomplete": "off"})
    email = StringField(
        _l("E-mail"), filters=[strip],
        validators=[DataRequired(required_message()), Length(max=254),
                    Problem(operations.email_problem)],
        render_kw={"autocomplete": "off", "type": "email"})
    roles = MultiCheckboxField(_l("Roles"), choices=ROLE_CHOICES)
    teams = MultiCheckboxField(_l("Teams"), coerce=int, choices=[])
    title = SelectField(
        _l("Title in documents"), default="",
        choices=choices([("", _l("Not said (« médiateur »)")),
                         ("f", _l("Woman (« médiatrice »)")),
                         ("m", _l("Man (« médiateur »)"))]),
        description=_l("How agreements and letters name this mediator in French."))
    language = SelectField(
        _l("Interface language"),
        choices=choices([("", _l("As their browser asks")), ("fr", "Français"),
                         ("en", "English")]))

    def __init__(self, *args, user=None, team_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.teams.choices = choices(team_choices)

    def validate_username(self, field):
        if operations.username_taken(field.data, except_user=self.user):
            raise ValidationError(_l("This username is already used."))

    def validate_email(self, field):
        if operations.email_taken(field.data, except_user=self.user):
            raise ValidationError(_l("This e-mail is already used by another account."))

    def validate_roles(self, field):
        problem = operations.roles_problem(field.data, self.teams.data)
        if problem:
            raise ValidationError(problem)


def password_fields(label):
    password = PasswordField(
        label, validators=[DataRequired(required_message()),
                           Problem(operations.password_problem)],
        description=_l("At least 12 characters."),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Password, again"),
        validators=[DataRequired(required_message()),
                    EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})
    return password, confirm


class NewUserForm(UserForm):
    password, confirm = password_fields(_l("Password"))


class ResetPasswordForm(Form):
    password, confirm = password_fields(_l("New password"))


class TeamForm(Form):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=80)])
