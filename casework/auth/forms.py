"""Login, language and own-password forms."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..core.forms import Form, Problem, choices, required_message, strip
from .operations import PASSWORD_MAX_LENGTH, password_problem


class LoginForm(Form):
    username = StringField(_l("Username"), filters=[strip],
                           validators=[DataRequired(required_message()), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "autofocus": True})
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(required_message()),
                                         Length(max=PASSWORD_MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class LanguageForm(Form):
    """The switcher in every page's header."""

    language = SelectField(_l("Language"), choices=choices([("fr", "Français"), ("en", "English")]))
    next = HiddenField()


class AccountForm(Form):
    language = SelectField(
        _l("Interface language"),
        choices=choices([("", _l("As my browser asks")), ("fr", "Français"), ("en", "English")]),
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(required_message())],
        render_kw={"autocomplete": "current-password"})
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(required_message()), Problem(password_problem)],
        description=_l("At least 12 characters. A short sentence is easy to remember."),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(required_message()),
                    EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class SecondFactorForm(Form):
    """The second step of a login: the code the app shows, or a recovery code."""

    code = StringField(_l("Code"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=32)],
                       description=_l("The 6 digits your app shows, or one of your "
                                      "recovery codes."),
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none",
                                  "autofocus": True, "inputmode": "text"})


class ConfirmSecondFactorForm(Form):
    code = StringField(_l("Code shown by the app"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordCheckForm(Form):
    """Turning the second factor off, or new recovery codes: the password first."""

    password = PasswordField(_l("Current password"),
                             validators=[DataRequired(required_message()),
                                         Length(max=PASSWORD_MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
