"""The field-activity form: one short screen on a phone. Times are typed in the
organisation's time zone (Europe/Paris) and stored in UTC; people met are a count."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (HiddenField, IntegerField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields import DateField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError

from ..core.clock import today
from ..core.forms import Form, MultiCheckboxField, choices, strip
from .models import MAX_MINUTES, MAX_PEOPLE
from ..web import labels

# Referral rows offered on the form (empty rows are ignored).
REFERRAL_ROWS = 3
# The durations a mediator picks most, in minutes; any other is typed.
QUICK_DURATIONS = (15, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480)
OTHER = 0


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}\u00a0min"
    return f"{hours}\u00a0h" + (f"\u00a0{rest:02d}" if rest else "")


class FieldActivityForm(Form):
    version = HiddenField()
    kind = SelectField(_l("Kind of activity"), coerce=int, choices=[],
                       validators=[DataRequired(_l("Choose a kind of activity."))])
    day = DateField(_l("Date"), default=today,
                    validators=[DataRequired(_l("Enter a valid date."))])
    moment = TimeField(_l("Start time"), validators=[DataRequired(_l("Enter a valid time."))],
                       render_kw={"step": 300})
    duration_minutes = SelectField(
        _l("Duration"), coerce=int, default=60,
        choices=choices([(m, duration_label(m)) for m in QUICK_DURATIONS] +
                        [(OTHER, _l("other…"))]))
    duration_other = IntegerField(
        _l("Or minutes"), validators=[Optional(), NumberRange(
            1, MAX_MINUTES, _l("Between 1 and %(max)d minutes.", max=MAX_MINUTES))],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_MINUTES})
    mode = RadioField(_l("People met"), default="individual", choices=choices(
        list(labels.ACTIVITY_MODE_LABELS.items())))
    people_met = IntegerField(
        _l("How many people"), default=0,
        validators=[InputRequired(_l("Enter a number (0 if nobody).")), NumberRange(
            0, MAX_PEOPLE, _l("Between 0 and %(max)d people.", max=MAX_PEOPLE))],
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_PEOPLE},
        description=_l("Individual: one intervention per person met. Collective: one "
                       "intervention, its participants counted."))
    mediators = MultiCheckboxField(_l("Mediators"), coerce=int, choices=[])
    team = SelectField(_l("Team"), coerce=int, choices=[])
    territory = SelectField(_l("Territory"), coerce=int, choices=[], default=0)
    place = StringField(_l("Place"), filters=[strip], validators=[Length(max=200)],
                        description=_l("In a few words, e.g. « École Pasteur, CM2 »."))
    note = TextAreaField(_l("Note"), filters=[strip],
                         validators=[Optional(), Length(max=2000)],
                         description=_l("What was done, in a few words. No resident's name."),
                         render_kw={"rows": 2})
    remove_referrals = MultiCheckboxField(_l("Remove"), coerce=int, choices=[])

    # When correcting an activity: its day, which stays acceptable however old.
    logged_on = None

    def set_choices(self, *, kinds, teams, territories, mediators, partners, reasons,
                    referrals=()):
        self.kind.choices = choices([(0, _l("— choose —"))] +
                                    [(k.id, k.label) for k in kinds])
        self.team.choices = choices([(t.id, t.name) for t in teams])
        self.territory.choices = choices([(0, _l("— none —"))] +
                                         [(t.id, t.label) for t in territories])
        self.mediators.choices = choices([(m.id, m.full_name) for m in mediators])
        partner_choices = choices([(0, _l("— no referral —"))] +
                                  [(p.id, p.name) for p in partners])
        reason_choices = choices([(0, _l("— choose —"))] + [(r.id, r.label) for r in reasons])
        for row in range(1, REFERRAL_ROWS + 1):
            self[f"referral_partner_{row}"].choices = partner_choices
            self[f"referral_reason_{row}"].choices = reason_choices
        self.remove_referrals.choices = choices([(r.id, r.partner.name) for r in referrals])

    @property
    def minutes(self):
        """The duration chosen or typed (the typed number wins)."""
        if self.duration_other.data:
            return self.duration_other.data
        return self.duration_minutes.data or None

    def referral_rows(self):
        """[(row, partner field, reason field, detail field)] for the template."""
        return [(row, self[f"referral_partner_{row}"], self[f"referral_reason_{row}"],
                 self[f"referral_detail_{row}"]) for row in range(1, REFERRAL_ROWS + 1)]

    def filled_referrals(self):
        """[(partner id, reason id, detail)] of the rows filled in."""
        return [(partner.data, reason.data, detail.data)
                for _row, partner, reason, detail in self.referral_rows() if partner.data]

    def validate_day(self, field):
        if not field.data:
            return
        if field.data > today() + timedelta(days=1):
            raise ValidationError(_l("An activity is logged once it has happened."))
        if field.data != self.logged_on and field.data < today() - timedelta(days=365):
            raise ValidationError(_l("This date is more than a year ago."))

    def validate_duration_minutes(self, field):
        typed = self.duration_other.raw_data or [""]
        if field.data == OTHER and not (typed[0] or "").strip():
            raise ValidationError(_l("Choose a duration or type the minutes."))

    def validate_people_met(self, field):
        if self.mode.data == "collective" and field.data == 0:
            raise ValidationError(_l("A collective activity has at least one participant."))

    def validate_mediators(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one mediator."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for _row, partner, reason, detail in self.referral_rows():
            if partner.errors or reason.errors:
                continue
            if partner.data and not reason.data:
                reason.errors = list(reason.errors) + [_l("Choose why.")]
                valid = False
            elif not partner.data and (reason.data or detail.data):
                partner.errors = list(partner.errors) + [_l("Choose the partner, or empty "
                                                            "this row.")]
                valid = False
        return valid


for _row in range(1, REFERRAL_ROWS + 1):
    setattr(FieldActivityForm, f"referral_partner_{_row}", SelectField(
        _l("Partner"), coerce=int, choices=[], default=0))
    setattr(FieldActivityForm, f"referral_reason_{_row}", SelectField(
        _l("Why"), coerce=int, choices=[], default=0))
    setattr(FieldActivityForm, f"referral_detail_{_row}", StringField(
        _l("Detail"), filters=[strip], validators=[Length(max=500)]))


class DeleteForm(Form):
    """Delete an activity: the version it was seen at (CSRF included)."""

    version = HiddenField()
