"""Form pieces shared by every module."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


def strip(value):
    """Trim a text field; a field absent from the request reads as empty text."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def choices(pairs):
    """``[(value, label), …]`` as the options of a select or checkbox list."""
    return [SelectChoice(value, label) for value, label in pairs]


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
