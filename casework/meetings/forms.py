"""Forms for interventions and round tables. Times are typed in the organisation's time
zone (Europe/Paris) and stored in UTC."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField, TimeField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from ..cases.forms import consent_override_field
from ..core.clock import to_utc, today, utcnow
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


class _Slot:
    """Date, time, length, place and mediators of a round table: when scheduling it and
    when giving it a new date."""

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
    confirm_double_booking = BooleanField(_l("I know; schedule it anyway"))

    # A past date may be entered (a session recorded after the fact) only when scheduling.
    allow_past = False
    asked_past = False

    def set_places(self, places):
        self.place.choices = choices([(0, _l("— choose a place, or type one below —"))] +
                                     [(p.id, p.name) for p in places])

    def starts_at(self):
        return to_utc(self.day.data, self.moment.data)

    def validate_day(self, field):
        if not field.data:
            return
        if field.data < today() - timedelta(days=366):
            raise ValidationError(_l("This date is more than a year ago."))
        if field.data > today() + timedelta(days=366):
            raise ValidationError(_l("This date is more than a year ahead."))
        if self.moment.data and self.starts_at() < utcnow():
            if not self.allow_past:
                raise ValidationError(_l("This date is past: choose a date to come."))
            if not self.confirm_past.data:
                self.asked_past = True
                raise ValidationError(_l("This date is past. To enter a round table after "
                                         "the fact, tick the box below; you will then "
                                         "record what happened."))

    def validate_mediators(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one mediator."))

    def validate_place_text(self, field):
        if not self.place.data and not field.data:
            raise ValidationError(_l("Choose a place from the list or type one."))
        if self.place.data and field.data:
            raise ValidationError(_l("You chose a place in the list and typed another one: "
                                     "keep only one (empty this box, or choose “— choose a "
                                     "place, or type one below —” in the list)."))


class RoundTableForm(Form, _People, _Slot):
    invited = MultiCheckboxField(_l("Invited parties"), coerce=int, choices=[])
    confirm_past = BooleanField(_l("It took place on that date: enter it after the fact"))
    consent_override = consent_override_field()
    allow_past = True

    def validate_invited(self, field):
        if not field.data:
            raise ValidationError(_l("Invite at least one party."))


class RescheduleForm(Form, _People, _Slot):
    """A new date, time, place or mediators for a round table still to come."""
    version = HiddenField()
    confirm_past = BooleanField()  # never offered: a new date is to come
    reason = TextAreaField(_l("Why (optional)"), filters=[strip],
                           validators=[Optional(), Length(max=2000)],
                           description=_l("Kept on the case's timeline; the parties' letter "
                                          "does not give it."))


class CancelRoundTableForm(Form):
    version = HiddenField()
    reason = TextAreaField(_l("Why is it cancelled?"), filters=[strip],
                           validators=[DataRequired(_l("Say why.")), Length(max=2000)],
                           description=_l("Kept on the case's timeline; the parties' letter "
                                          "does not give it."))


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
