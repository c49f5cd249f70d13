"""Case forms: referral intake and edit, parties, assignment, workflow steps."""
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.operations import email_problem
from ..core.clock import today
from ..core.forms import (Form, MultiCheckboxField, choices, not_in_future, not_too_old,
                          required_message, strip)
from ..web import labels
from . import models


def letter_languages() -> tuple:
    """The languages the organisation's letters are written in: those of its
    ``LETTER_LANGUAGES`` setting ("fr,en,ar") that Casework writes, French always."""
    setting = current_app.config.get("LETTER_LANGUAGES") or ""
    codes = {code.strip() for code in setting.split(",")} | {"fr"}
    return tuple(code for code in models.LETTER_LANGUAGES if code in codes)


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
    partner = SelectField(_l("Residents referred to partner"), coerce=int, choices=[], default=0,
                          description=_l("If you put them in touch with a partner now "
                                         "(orientation)."))
    referral_reason = SelectField(_l("Reason for the referral"), coerce=int, choices=[],
                                  default=0)
    referral_detail = StringField(_l("Detail (optional)"), filters=[strip],
                                  validators=[Optional(), Length(max=500)])

    def __init__(self, *args, partners=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partner.choices = partner_choices(partners)
        self.referral_reason.choices = reason_choices(reasons)

    def validate_referral_reason(self, field):
        if self.partner.data and not field.data:
            raise ValidationError(_l("Choose the reason."))

    def validate_partner(self, field):
        if not field.data and (self.referral_reason.data or self.referral_detail.data):
            raise ValidationError(_l("Choose the partner."))

    def validate_close_not_eligible(self, field):
        if field.data and not self.eligibility_note.data:
            raise ValidationError(_l("Say in the eligibility note why mediation is not "
                                     "appropriate."))


class PartyForm(Form):
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the languages letters are written in; a party recorded earlier with another
        # keeps it, said for what it is (their letters are in French, with an interpreter).
        offered = letter_languages()
        pairs = [(code, labels.LANGUAGE_LABELS[code]) for code in offered]
        kept = self.language.data
        if kept in models.LANGUAGES and kept not in offered:
            pairs.append((kept, gettext("%(language)s — letters in French, an interpreter "
                                        "offered", language=labels.LANGUAGE_LABELS[kept])))
        self.language.choices = choices(pairs)

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
    language = SelectField(_l("Preferred language"), choices=[],
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

    # The party's consent as recorded before this edit (None for a new party): consent is
    # withdrawn only once it was given.
    previous_consent = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Not an inline validator: an empty optional date stops the field's validators.
        if self.consent.data in ("given", "refused", "withdrawn") and not self.consent_on.data \
                and not self.consent_on.errors:
            self.consent_on.errors = list(self.consent_on.errors) + [
                _l("Give the date consent was withdrawn.") if self.consent.data == "withdrawn"
                else _l("Give the date consent was given or refused.")]
            valid = False
        return valid

    def validate_consent(self, field):
        if field.data == "withdrawn" and self.previous_consent not in ("given", "withdrawn"):
            raise ValidationError(_l("Consent is withdrawn only once it was given: choose "
                                     "“Refused” instead."))

    def validate_consent_method(self, field):
        if self.consent.data == "withdrawn" and not field.data:
            raise ValidationError(_l("Say how consent was withdrawn."))
        if self.consent.data in ("given", "refused") and not field.data:
            raise ValidationError(_l("Say how consent was given or refused."))


def consent_override_field():
    """A manager's reason to go ahead although a party's consent is not recorded as given
    (the templates show it only to those who may: can("override_consent", case))."""
    return TextAreaField(_l("Go ahead without recorded consent: why"), filters=[strip],
                         validators=[Optional(), Length(max=1000)],
                         description=_l("Managers only. Kept on the case's timeline; "
                                        "leave empty to record the consent first."))


class CaseSearchForm(Form):
    """The case list's search box, posted (see cases.lists: terms never go in a URL)."""

    q = StringField(_l("Search"), filters=[strip])  # cut to 100 characters when kept


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
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices([("", _l("— choose —"))] +
                                       [(o, labels.OUTCOME_LABELS[o]) for o in outcomes])


# — Referrals to partners and the satisfaction survey ———————————————————————————

def partner_choices(partners):
    return choices([(0, _l("— none —"))] + [(p.id, p.name) for p in partners])


def reason_choices(reasons):
    return choices([(0, _l("— choose —"))] + [(r.id, r.label) for r in reasons])


def scale_choices(question):
    return choices([("", _l("— not asked —"))] + [
        (str(n), text) for n, text in labels.SURVEY_SCALE_LABELS[question].items()])


class ReferralToPartnerForm(Form):
    """Residents put in touch with a partner during the case (mise en relation)."""

    partner = SelectField(_l("Partner"), coerce=int, choices=[])
    reason = SelectField(_l("Reason"), coerce=int, choices=[])
    detail = StringField(_l("Detail (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=500)],
                         description=_l("A few words; never a resident's name."))
    referred_on = DateField(_l("On"), default=today,
                            validators=[DataRequired(_l("Enter a valid date.")),
                                        not_in_future, not_too_old])

    def __init__(self, *args, partners=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partner.choices = partner_choices(partners)
        self.reason.choices = reason_choices(reasons)

    def validate_partner(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the partner."))

    def validate_reason(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the reason."))


class TakeUpForm(Form):
    """Did the residents take up the referral? Checked later by a mediator."""

    version = HiddenField()
    taken_up = SelectField(_l("Did the residents take it up?"),
                           choices=label_choices(models.TAKE_UPS, labels.TAKE_UP_LABELS))
    taken_up_on = DateField(_l("Checked on"), default=today,
                            validators=[Optional(), not_in_future, not_too_old])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.taken_up.data in ("yes", "no") and not self.taken_up_on.data \
                and not self.taken_up_on.errors:
            self.taken_up_on.errors = list(self.taken_up_on.errors) + [
                _l("Give the date it was checked.")]
            valid = False
        return valid


PARTY_QUESTIONS = ("useful", "satisfied", "recommend")
REFERRER_QUESTIONS = ("effect", "satisfied")


class PartnerSurveyForm(Form):
    """The referring partner's answers, asked after the closure."""

    effect = SelectField(labels.SURVEY_QUESTION_LABELS["effect"], choices=scale_choices("effect"),
                         default="")
    satisfied = SelectField(labels.SURVEY_QUESTION_LABELS["satisfied"],
                            choices=scale_choices("satisfied"), default="")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.effect.data or self.satisfied.data):
            self.effect.errors = list(self.effect.errors) + [_l("Give at least one answer.")]
            valid = False
        return valid


REFERRAL_ROWS = 3


def add_closing_fields(form_class, parties):
    """Add the closing record's fields to ``form_class``: the summary, up to
    REFERRAL_ROWS referrals to partners (partner, reason, detail: the one way to add them)
    and the survey, per party and from the referring partner. The close form and the
    follow-up form (which may close the case) share them."""
    form_class.closing_summary = TextAreaField(
        _l("Closing summary"), filters=[strip], validators=[Optional(), Length(max=5000)],
        description=_l("In neutral words: how the case ended."))
    for row in range(1, REFERRAL_ROWS + 1):
        setattr(form_class, f"referral_partner_{row}", SelectField(
            _l("Partner"), coerce=int, choices=[], default=0))
        setattr(form_class, f"referral_reason_{row}", SelectField(
            _l("Reason"), coerce=int, choices=[], default=0))
        setattr(form_class, f"referral_detail_{row}", StringField(
            _l("Detail (optional)"), filters=[strip], validators=[Optional(), Length(max=500)]))
    respondents = [(str(p.id), p.display_name, PARTY_QUESTIONS) for p in parties] + [
        ("referrer", _l("The referring partner"), REFERRER_QUESTIONS)]
    for key, _label, questions in respondents:
        for question in questions:
            setattr(form_class, f"survey_{key}_{question}", SelectField(
                labels.SURVEY_QUESTION_LABELS[question], choices=scale_choices(question),
                default=""))
    return respondents


def setup_closing_fields(form, respondents, partners, reasons):
    """Give the closing fields their choices, once the form is built."""
    for row in range(1, REFERRAL_ROWS + 1):
        form[f"referral_partner_{row}"].choices = partner_choices(partners)
        form[f"referral_reason_{row}"].choices = reason_choices(reasons)
    form.respondents = respondents
    form.referral_rows = range(1, REFERRAL_ROWS + 1)
    form.closing_partners = {p.id: p for p in partners}
    form.closing_reasons = {r.id: r for r in reasons}


def closing_record(form, parties) -> dict:
    """What the closing fields say, as the operations take it: the summary, the referrals
    [(partner, reason item, detail)] and the answers [(party or None, {question: n})]."""
    referrals = []
    for row in range(1, REFERRAL_ROWS + 1):
        partner = form.closing_partners.get(form[f"referral_partner_{row}"].data)
        if partner is not None:
            referrals.append((partner,
                              form.closing_reasons.get(form[f"referral_reason_{row}"].data),
                              form[f"referral_detail_{row}"].data))
    by_key = {str(p.id): p for p in parties}
    answers = []
    for key, _label, questions in form.respondents:
        values = {q: int(form[f"survey_{key}_{q}"].data) for q in questions
                  if form[f"survey_{key}_{q}"].data}
        if values:
            answers.append((by_key.get(key), values))
    return {"closing_summary": form.closing_summary.data, "referrals": referrals,
            "answers": answers}


def closing_fields_filled(form) -> bool:
    record = closing_record(form, ())
    return bool(record["closing_summary"] or record["referrals"] or record["answers"])


def check_referral_rows(form, referral_needed=False):
    """Each row filled in is whole (a partner and a reason); with ``referral_needed`` (the
    outcome "referred to a partner") at least one. Messages next to the fields."""
    valid = True
    filled = 0
    for row in range(1, REFERRAL_ROWS + 1):
        partner = form[f"referral_partner_{row}"]
        reason = form[f"referral_reason_{row}"]
        detail = form[f"referral_detail_{row}"]
        if partner.errors or reason.errors:
            valid = False
            continue
        if partner.data:
            filled += 1
            if not reason.data:
                reason.errors = list(reason.errors) + [_l("Choose the reason.")]
                valid = False
        elif reason.data or detail.data:
            partner.errors = list(partner.errors) + [_l("Choose the partner.")]
            valid = False
    first = form["referral_partner_1"]
    if referral_needed and not filled and not first.errors:
        first.errors = list(first.errors) + [
            _l("The case was referred to a partner: say to which one.")]
        valid = False
    return valid


def closing_form(parties, partners, reasons, **kwargs):
    """The closing form: outcome, reason, summary, referrals to partners, satisfaction
    survey per party and from the referring partner (answers optional: not everyone is
    asked)."""

    class ClosingForm(TransitionForm):
        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            needed = "outcome" in self and self.outcome.data == "referred_to_partner"
            return check_referral_rows(self, needed) and valid

    respondents = add_closing_fields(ClosingForm, parties)
    form = ClosingForm(**kwargs)
    setup_closing_fields(form, respondents, partners, reasons)
    return form
