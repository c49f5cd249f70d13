"""Form pieces shared by every module. Every form derives from ``Form``, which takes the
control characters out of every text it receives: one place for all of them."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .clock import today
from .text import clean

# The largest id a database integer column holds (PostgreSQL's INTEGER): anything larger
# in a URL or a filter names nothing.
MAX_ID = 2**31 - 1


def _clean_multiline(value):
    return clean(value, multiline=True)


def _clean_line(value):
    return clean(value, multiline=False)


class Form(FlaskForm):
    """A Flask-WTF form (CSRF included) whose text fields lose their control characters
    before any validator or operation sees them."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            multiline = issubclass(unbound_field.field_class, TextAreaField)
            cleaner = _clean_multiline if multiline else _clean_line
            options["filters"] = [cleaner, *unbound_field.kwargs.get("filters", ())]
            return super().bind_field(form, unbound_field, options)


def strip(value):
    """Trim a text field; a field absent from the request reads as empty text."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def choices(pairs):
    """``[(value, label), …]`` as the options of a select or checkbox list."""
    return [SelectChoice(value, label) for value, label in pairs]


def id_or_none(value):
    """A database id typed in a query string: ASCII digits within the integer range, or
    None (``²``, ``-1`` or ``99999999999`` name nothing)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Problem:
    """A validator from a ``*_problem(value)`` function that returns a message or None."""

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        message = self.check(field.data or "")
        if message:
            raise ValidationError(message)


def required_message():
    return _l("This field is required.")


def not_in_future(form, field):
    if field.data and field.data > today():
        raise ValidationError(_l("This date is in the future."))


def not_too_old(form, field):
    if field.data and field.data.year < 2000:
        raise ValidationError(_l("Enter a date after 1 January 2000."))
