"""Case forms: referral intake and edit, parties, assignment, workflow steps."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.operations import email_problem
from ..core.clock import today
from ..core.forms import (Form, MultiCheckboxField, choices, not_in_future, not_too_old,
                          required_message, strip)
from ..web import labels
from . import models


def label_choices(codes, mapping):
    return choices([(code, mapping[code]) for code in codes])


def text(label, max_length, required=False, **kwargs):
    validators = [DataRequired(required_message()) if required else Optional(),
                  Length(max=max_length)]
    return StringField(label, filters=[strip], validators=validators, **kwargs)


class CaseForm(Form):
    """Referral intake (saisine) and later edits of the same details."""

    version = HiddenField()
    received_on = DateField(_l("Received on"), default=today,
                            validators=[DataRequired(_l("Enter a valid date.")), not_in_future,
                                        not_too_old])
    source = SelectField(_l("Source of the referral"), coerce=int, choices=[],
                         validate_choice=True)
    referrer_organisation = text(_l("Referring organisation"), 160,
                                 description=_l("E.g. the landlord's agency, the town hall."))
    referrer_name = text(_l("Referring person"), 120)
    referrer_contact = text(_l("Referrer's phone or e-mail"), 160)
    team = SelectField(_l("Team"), coerce=int, choices=[])
    territory = SelectField(_l("Territory"), coerce=int, choices=[])
    street = text(_l("Street and number"), 200, required=True,
                  description=_l("Where the conflict takes place."))
    building = text(_l("Building"), 60)
    staircase = text(_l("Staircase"), 30)
    floor = text(_l("Floor"), 30)
    postcode = StringField(_l("Postcode"), filters=[strip],
                           validators=[Optional(), Length(max=10)])
    city = text(_l("City"), 80, required=True)
    categories = MultiCheckboxField(_l("What is it about?"), coerce=int, choices=[])
    description = TextAreaField(
        _l("Description"), filters=[strip],
        validators=[DataRequired(required_message()), Length(max=5000)],
        description=_l("In neutral words: what the parties report, since when."))
    urgency = SelectField(_l("Urgency"), default="normal",
                          choices=label_choices(models.URGENCIES, labels.URGENCY_LABELS))
    violence_or_threats = BooleanField(_l("Violence or threats reported"))
    legal_proceedings = BooleanField(_l("Legal proceedings already under way"))
    eligibility_note = TextAreaField(_l("Eligibility note"), filters=[strip],
                                     validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, sources=(), teams=(), territories=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = choices([(s.id, s.label) for s in sources])
        self.team.choices = choices([(t.id, t.name) for t in teams])
        self.territory.choices = choices([(0, _l("— not given —"))] +
                                         [(t.id, f"{t.label} ({t.city})" if t.city else t.label)
                                          for t in territories])
        self.categories.choices = choices([(c.id, c.label) for c in categories])

    def validate_categories(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one category."))

    def validate_postcode(self, field):
        if field.data and not (field.data.isdigit() and len(field.data) == 5):
            raise ValidationError(_l("A French postcode has five digits, e.g. 69008."))


class ReferralForm(CaseForm):
    """Intake adds the choice to close at once as not eligible."""

    close_not_eligible = BooleanField(_l("Not eligible: close the case at once"))
    partner = SelectField(_l("Sent to partner"), coerce=int, choices=[])

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partner.choices = choices([(0, _l("— none —"))] +
                                       [(p.id, p.name) for p in partners])

    def validate_close_not_eligible(self, field):
        if field.data and not self.eligibility_note.data:
            raise ValidationError(_l("Say in the eligibility note why mediation is not "
                                     "appropriate."))


class PartyForm(Form):
    version = HiddenField()
    role = SelectField(_l("Role in the case"),
                       choices=label_choices(models.PARTY_ROLES, labels.PARTY_ROLE_LABELS))
    kind = SelectField(_l("Person or household"),
                       choices=label_choices(models.PARTY_KINDS, labels.PARTY_KIND_LABELS))
    civility = SelectField(_l("Civility"),
                           choices=label_choices(models.CIVILITIES, labels.CIVILITY_LABELS))
    first_name = text(_l("First name"), 80)
    last_name = text(_l("Last name"), 80, required=True,
                     description=_l("For a household, the family name."))
    street = text(_l("Street and number"), 200)
    building = text(_l("Building"), 60)
    staircase = text(_l("Staircase"), 30)
    floor = text(_l("Floor"), 30)
    postcode = StringField(_l("Postcode"), filters=[strip],
                           validators=[Optional(), Length(max=10)])
    city = text(_l("City"), 80)
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    email = StringField(_l("E-mail"), filters=[strip],
                        validators=[Optional(), Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "off"})
    language = SelectField(_l("Preferred language"),
                           choices=label_choices(models.LANGUAGES, labels.LANGUAGE_LABELS),
                           description=_l("Letters and the agreement are written in French "
                                          "or English."))
    consent = SelectField(_l("Consent to mediation"),
                          choices=label_choices(models.CONSENTS, labels.CONSENT_LABELS))
    consent_on = DateField(_l("Consent recorded on"),
                           validators=[Optional(), not_in_future, not_too_old])
    consent_method = SelectField(_l("How"), choices=label_choices(
        models.CONSENT_METHODS, labels.CONSENT_METHOD_LABELS))

    def validate_postcode(self, field):
        CaseForm.validate_postcode(self, field)

    def validate_phone(self, field):
        allowed = set("0123456789 +().-")
        if field.data and (not set(field.data) <= allowed
                           or sum(c.isdigit() for c in field.data) < 6):
            raise ValidationError(_l("Enter a phone number, e.g. 06 12 34 56 78."))

    def validate_email(self, field):
        if field.data:
            problem = email_problem(field.data)
            if problem:
                raise ValidationError(problem)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Not an inline validator: an empty optional date stops the field's validators.
        if self.consent.data in ("given", "refused") and not self.consent_on.data \
                and not self.consent_on.errors:
            self.consent_on.errors = list(self.consent_on.errors) + [
                _l("Give the date consent was given or refused.")]
            valid = False
        return valid

    def validate_consent_method(self, field):
        if self.consent.data in ("given", "refused") and not field.data:
            raise ValidationError(_l("Say how consent was given or refused."))


class AssignForm(Form):
    version = HiddenField()
    lead_mediator = SelectField(_l("Lead mediator"), coerce=int, choices=[])
    co_mediator = SelectField(_l("Co-mediator (optional)"), coerce=int, choices=[],
                              description=_l("Round tables are often held in pairs."))
    reason = TextAreaField(_l("Reason for the change"), filters=[strip],
                           validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, mediators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_mediator.choices = choices([(0, _l("— choose —"))] +
                                             [(m.id, m.full_name) for m in mediators])
        self.co_mediator.choices = choices([(0, _l("— none —"))] +
                                           [(m.id, m.full_name) for m in mediators])

    def validate_lead_mediator(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the lead mediator."))


class TransitionForm(Form):
    version = HiddenField()
    outcome = SelectField(_l("Outcome"), choices=[])
    partner = SelectField(_l("Referred to (partner)"), coerce=int, choices=[],
                          description=_l("When the residents were sent to a partner "
                                         "organisation."))
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, outcomes=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices([("", _l("— choose —"))] +
                                       [(o, labels.OUTCOME_LABELS[o]) for o in outcomes])
        self.partner.choices = choices([(0, _l("— none —"))] +
                                       [(p.id, p.name) for p in partners])


SCALE_CHOICES = [("", _l("— not asked —")), ("1", _l("1 — not at all")), ("2", _l("2 — a little")),
                 ("3", _l("3 — mostly")), ("4", _l("4 — fully"))]
QUESTIONS = (("useful", _l("Was mediation useful?")), ("satisfied", _l("Satisfied?")),
             ("recommend", _l("Would recommend it?")))
REFERRAL_ROWS = 2


def closing_form(parties, partners, **kwargs):
    """The closing form: outcome, summary, referrals to partners, satisfaction survey per
    party and from the referring partner (answers optional: not everyone is asked)."""

    class ClosingForm(TransitionForm):
        closing_summary = TextAreaField(_l("Closing summary"), filters=[strip],
                                        validators=[Optional(), Length(max=5000)])

    for row in range(1, REFERRAL_ROWS + 1):
        setattr(ClosingForm, f"referral_partner_{row}", SelectField(
            _l("Referred to"), coerce=int, choices=[], default=0))
        setattr(ClosingForm, f"referral_reason_{row}", StringField(
            _l("Why"), filters=[strip], validators=[Optional(), Length(max=500)]))
        setattr(ClosingForm, f"referral_on_{row}", DateField(
            _l("On"), validators=[Optional(), not_in_future, not_too_old]))
    respondents = [(str(p.id), p.display_name) for p in parties] + [
        ("referrer", _l("The referring partner"))]
    for key, _label in respondents:
        for question, text in QUESTIONS:
            setattr(ClosingForm, f"survey_{key}_{question}", SelectField(
                text, choices=choices(SCALE_CHOICES), default=""))
    form = ClosingForm(partners=partners, **kwargs)
    partner_choices = choices([(0, _l("— none —"))] + [(p.id, p.name) for p in partners])
    for row in range(1, REFERRAL_ROWS + 1):
        form[f"referral_partner_{row}"].choices = partner_choices
    form.respondents = respondents
    return form
