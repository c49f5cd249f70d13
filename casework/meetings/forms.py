"""Forms for interventions and round tables. Times are typed in the organisation's time
zone (Europe/Paris) and stored in UTC."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField, TimeField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from ..cases.forms import consent_override_field
from ..core.clock import today
from ..core.forms import Form, MultiCheckboxField, choices, required_message, strip
from ..web import labels
from . import models


class _People:
    """Mediators and parties as checkboxes, from the case."""

    def set_people(self, mediators, parties, mediator_field="mediators",
                   party_fields=("parties",)):
        getattr(self, mediator_field).choices = choices([(m.id, m.full_name)
                                                         for m in mediators])
        for name in party_fields:
            getattr(self, name).choices = choices([(p.id, p.display_name) for p in parties])


class InterventionForm(Form, _People):
    version = HiddenField()
    kind = SelectField(_l("Kind of contact"), choices=choices(
        [(k, labels.INTERVENTION_KIND_LABELS[k]) for k in models.INTERVENTION_KINDS]))
    day = DateField(_l("Date"), default=today,
                    validators=[DataRequired(_l("Enter a valid date."))])
    moment = TimeField(_l("Time"), validators=[DataRequired(_l("Enter a valid time."))])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=30,
                                    validators=[InputRequired(_l("Enter a number of minutes.")),
                                                NumberRange(1, 600)])
    mediators = MultiCheckboxField(_l("Mediators present"), coerce=int, choices=[])
    parties = MultiCheckboxField(_l("Parties met"), coerce=int, choices=[])
    summary = StringField(_l("Summary"), filters=[strip],
                          validators=[DataRequired(required_message()), Length(max=500)],
                          description=_l("A line that anyone in the team may read."))
    notes = TextAreaField(_l("Confidential notes"), filters=[strip],
                          validators=[Optional(), Length(max=10000)],
                          description=_l("Read only by the case's mediators and their "
                                         "managers."))

    # When correcting an intervention: its day, which stays acceptable however old.
    logged_on = None

    def validate_day(self, field):
        if field.data and field.data > today():
            raise ValidationError(_l("An intervention is logged once it has happened."))
        if field.data and field.data != self.logged_on and \
                field.data < today() - timedelta(days=366):
            raise ValidationError(_l("This date is more than a year ago."))

    def validate_mediators(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one mediator."))


class RoundTableForm(Form, _People):
    day = DateField(_l("Date"), validators=[DataRequired(_l("Enter a valid date."))])
    moment = TimeField(_l("Time"), validators=[DataRequired(_l("Enter a valid time."))])
    duration_minutes = IntegerField(_l("Expected duration (minutes)"), default=90,
                                    validators=[InputRequired(_l("Enter a number of minutes.")),
                                                NumberRange(15, 600)])
    place = SelectField(_l("Place"), coerce=int, choices=[])
    place_text = StringField(_l("Or another place"), filters=[strip],
                             validators=[Length(max=250)],
                             description=_l("Name and address, if the place is not in the "
                                            "list."))
    mediators = MultiCheckboxField(_l("Mediators"), coerce=int, choices=[],
                                   description=_l("Usually two."))
    invited = MultiCheckboxField(_l("Invited parties"), coerce=int, choices=[])
    confirm_double_booking = BooleanField(_l("I know; schedule it anyway"))
    consent_override = consent_override_field()

    def set_places(self, places):
        self.place.choices = choices([(0, _l("— another place, typed below —"))] +
                                     [(p.id, p.name) for p in places])

    def validate_day(self, field):
        if field.data and field.data < today() - timedelta(days=30):
            raise ValidationError(_l("This date is long past."))
        if field.data and field.data > today() + timedelta(days=366):
            raise ValidationError(_l("This date is more than a year ahead."))

    def validate_mediators(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one mediator."))

    def validate_invited(self, field):
        if not field.data:
            raise ValidationError(_l("Invite at least one party."))

    def validate_place_text(self, field):
        if not self.place.data and not field.data:
            raise ValidationError(_l("Choose a place from the list or type one."))


class RecordRoundTableForm(Form):
    version = HiddenField()
    status = SelectField(_l("The round table was"), choices=choices(
        [(s, labels.ROUND_TABLE_STATUS_LABELS[s]) for s in ("held", "postponed",
                                                           "cancelled")]))
    status_reason = TextAreaField(_l("Why (postponed or cancelled)"), filters=[strip],
                                  validators=[Length(max=2000)])
    attended = MultiCheckboxField(_l("Who came"), coerce=int, choices=[])
    outcome = SelectField(_l("Outcome"), choices=choices(
        [("", _l("— choose —"))] + [(o, labels.ROUND_TABLE_OUTCOME_LABELS[o])
                                    for o in models.ROUND_TABLE_OUTCOMES]))
    minutes = TextAreaField(_l("Minutes (confidential)"), filters=[strip],
                            validators=[Optional(), Length(max=20000)],
                            description=_l("Read only by the case's mediators and their "
                                           "managers."))
    consent_override = consent_override_field()

    def validate_outcome(self, field):
        if self.status.data == "held" and not field.data:
            raise ValidationError(_l("Choose the outcome of the round table."))

    def validate_status_reason(self, field):
        if self.status.data in ("postponed", "cancelled") and not field.data:
            raise ValidationError(_l("Say why."))
