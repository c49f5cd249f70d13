"""Privacy forms: anonymise a case (from its page, or by reference), find a person, and
choose their rows to export or erase. Search terms are posted, never put in a URL."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form, choices, required_message, strip
from .operations import REASON_LABELS, REASONS

NOTE_LENGTH = 200


def _reason_field():
    return SelectField(_l("Reason"), choices=choices([(r, REASON_LABELS[r]) for r in REASONS]),
                       default="request", validators=[DataRequired(required_message())])


def _note_field():
    return StringField(_l("Note (optional)"), filters=[strip],
                       validators=[Optional(), Length(max=NOTE_LENGTH)],
                       description=_l("E.g. the date of the letter asking for it. "
                                      "No resident's name."))


class AnonymiseForm(Form):
    """Anonymise this closed case now."""

    reason = _reason_field()
    note = _note_field()
    confirm = BooleanField(_l("I understand that names, addresses, notes and documents of "
                              "this case are erased for good."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class AnonymiseByReferenceForm(AnonymiseForm):
    """The privacy officer's: a closed case named by its reference."""

    reference = StringField(_l("Case reference"), filters=[strip],
                            validators=[DataRequired(required_message()), Length(max=12)],
                            description=_l("E.g. 2021-0042."))


class PeopleSearchForm(Form):
    """Find a person across every case: any of the terms, accents and case ignored."""

    name = StringField(_l("Name"), filters=[strip], validators=[Optional(), Length(max=160)])
    address = StringField(_l("Address"), filters=[strip],
                          validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)])
    email = StringField(_l("E-mail"), filters=[strip], validators=[Optional(), Length(max=254)])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not any((self.name.data, self.address.data, self.phone.data, self.email.data)):
            self.name.errors = list(self.name.errors) + [
                _l("Give at least a name, an address, a phone number or an e-mail.")]
            return False
        return True

    def terms(self) -> dict:
        return {"name": self.name.data, "address": self.address.data,
                "phone": self.phone.data, "email": self.email.data}


class SelectionForm(Form):
    """The person's rows, ticked in the search results."""

    party = SelectMultipleField(_l("Rows"), coerce=int, validate_choice=False,
                                validators=[DataRequired(_l("Tick the rows that are this "
                                                            "person."))])


class EraseForm(SelectionForm):
    reason = _reason_field()
    note = _note_field()
    confirm = BooleanField(_l("I checked that these rows are the person who asked, and that "
                              "no legal reason requires keeping their data."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
