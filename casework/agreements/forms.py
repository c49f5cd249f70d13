"""Agreement forms. The editor is built per case: one commitments box per party."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from ..cases.forms import (add_closing_fields, check_referral_rows, closing_fields_filled,
                           consent_override_field, setup_closing_fields)
from ..core.forms import Form, MultiCheckboxField, choices, required_message, strip

MAX_COMMITMENTS = 30
MAX_COMMITMENT_LENGTH = 500


def commitment_lines(text):
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def translation_lines(text):
    """A bilingual agreement's English, line by line against the French: line 2 translates
    commitment 2, so an empty line in between is a translation not written yet."""
    lines = [line.strip(" -•\t") for line in (text or "").splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def check_translations(form, field):
    lines = translation_lines(field.data)
    if any(len(line) > MAX_COMMITMENT_LENGTH for line in lines):
        raise ValidationError(_l("A commitment has at most %(n)d characters.",
                                 n=MAX_COMMITMENT_LENGTH))


def check_commitments(form, field):
    lines = commitment_lines(field.data)
    if len(lines) > MAX_COMMITMENTS:
        raise ValidationError(_l("At most %(n)d commitments.", n=MAX_COMMITMENTS))
    if any(len(line) > MAX_COMMITMENT_LENGTH for line in lines):
        raise ValidationError(_l("A commitment has at most %(n)d characters.",
                                 n=MAX_COMMITMENT_LENGTH))


class AgreementFormBase(Form):
    version = HiddenField()
    language = SelectField(_l("Language of the document"),
                           choices=choices([("fr", "Français"), ("en", "English"), (
                               "fr-en", _l("French and English (the French text is "
                                           "authoritative)"))]))
    meeting_date = DateField(_l("Date of the round table"),
                             validators=[DataRequired(_l("Enter a valid date."))])
    meeting_place = StringField(_l("Place of the round table"), filters=[strip],
                                validators=[Length(max=250)])
    account = TextAreaField(_l("The situation, in the parties' words (optional)"),
                            filters=[strip], validators=[Length(max=5000)],
                            description=_l("Written for the parties, in neutral words: "
                                           "« the parties say that… »; never who is wrong, "
                                           "never copied from the referral."))
    account_en = TextAreaField(_l("The situation, in English"),
                               filters=[strip], validators=[Length(max=5000)],
                               description=_l("The translation of the text above, for the "
                                              "English column of the document."))
    follow_up_weeks = IntegerField(_l("Follow-up after (weeks)"), default=4,
                                   validators=[InputRequired(_l("Enter a number of weeks.")),
                                               NumberRange(1, 26)])


def agreement_form(parties, clauses_by_scope, **kwargs):
    """The editor's form class for these parties. ``clauses_by_scope``: {"party": […],
    "joint": […]} standard clauses offered."""

    class AgreementForm(AgreementFormBase):
        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            for key in [p.id for p in parties] + ["joint"]:
                french = commitment_lines(self[f"commitments_{key}"].data)
                english = self[f"commitments_en_{key}"]
                if self.language.data == "fr-en" \
                        and len(translation_lines(english.data)) > len(french):
                    english.errors = list(english.errors) + [_l(
                        "More lines in English than commitments in French: line 1 "
                        "translates commitment 1, line 2 commitment 2…")]
                    valid = False
            return valid

    party_clauses = choices([(c.id, c.text_fr) for c in clauses_by_scope["party"]])
    joint_clauses = choices([(c.id, c.text_fr) for c in clauses_by_scope["joint"]])
    for party in parties:
        setattr(AgreementForm, f"commitments_{party.id}", TextAreaField(
            _l("%(name)s undertakes to (one commitment per line)", name=party.display_name),
            validators=[check_commitments]))
        setattr(AgreementForm, f"commitments_en_{party.id}", TextAreaField(
            _l("In English, line by line (line 1 translates commitment 1)"),
            validators=[check_translations]))
        setattr(AgreementForm, f"clauses_{party.id}", MultiCheckboxField(
            _l("Add standard clauses"), coerce=int, choices=party_clauses))
    AgreementForm.commitments_joint = TextAreaField(
        _l("The parties undertake to (one commitment per line)"),
        validators=[check_commitments])
    AgreementForm.commitments_en_joint = TextAreaField(
        _l("In English, line by line (line 1 translates commitment 1)"),
        validators=[check_translations])
    AgreementForm.clauses_joint = MultiCheckboxField(_l("Add standard clauses"), coerce=int,
                                                     choices=joint_clauses)
    return AgreementForm(**kwargs)


class PrepareForm(Form):
    """The signing copy's place, date and follow-up date: what is printed and signed."""
    version = HiddenField()
    signed_on = DateField(_l("Signed on"), validators=[DataRequired(_l("Enter a valid date."))])
    signed_place = StringField(_l("Signed at (town)"), filters=[strip],
                               validators=[DataRequired(required_message()), Length(max=120)],
                               description=_l("Written « Fait à Lyon » / « Signed in Lyon »."))
    follow_up_on = DateField(_l("Follow-up check on"),
                             validators=[DataRequired(_l("Enter a valid date."))],
                             description=_l("About a month later, by default."))

    def validate_follow_up_on(self, field):
        if field.data and self.signed_on.data and field.data <= self.signed_on.data:
            raise ValidationError(_l("The follow-up comes after the signature."))


class SignForm(Form):
    version = HiddenField()
    sha256 = HiddenField()
    confirm = BooleanField(_l("Everyone signed the copy I printed: freeze this version"))
    consent_override = consent_override_field()

    def validate_confirm(self, field):
        if not field.data:
            raise ValidationError(_l("Tick this box to confirm: the document will no longer "
                                     "change."))


class ScanForm(Form):
    scan = FileField(_l("Scanned signed copy (PDF, JPEG or PNG, 10 MB at most)"))
    # Needed when a scan is already attached (the operation says so next to the field).
    reason = TextAreaField(_l("Why does this scan replace the current one?"),
                           filters=[strip], validators=[Length(max=500)],
                           description=_l("For example: a page was missing, the copy was "
                                          "unreadable."))


RESULT_CHOICES = [("kept", _l("Kept")), ("partly_kept", _l("Partly kept")),
                  ("not_kept", _l("Not kept"))]


CLOSING_DECISIONS = ("close_respected", "close_breached")


def follow_up_form(commitments, parties=(), partners=(), reasons=(), **kwargs):
    """The follow-up check; it carries the closing record (summary, referrals, survey),
    filled in when the check closes the case, as on the close form."""

    class FollowUpForm(Form):
        note = TextAreaField(_l("What the parties say"), filters=[strip],
                             validators=[Length(max=5000)])
        decision = SelectField(_l("What happens next"), choices=choices([
            ("close_respected", _l("Everything is kept: close the case (agreement respected)")),
            ("new_round_table", _l("Hold a new round table")),
            ("close_breached", _l("Close the case: agreement breached")),
            ("check_again", _l("Check again later")),
        ]))
        reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Length(max=2000)])
        next_check_on = DateField(_l("Next check on"), validators=[Optional()])

        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            valid = check_referral_rows(self) and valid
            if valid and self.decision.data not in CLOSING_DECISIONS \
                    and closing_fields_filled(self):
                self.closing_summary.errors = list(self.closing_summary.errors) + [
                    _l("The closing record is kept only when the case is closed: choose to "
                       "close it, or leave these fields empty.")]
                valid = False
            return valid

    for commitment in commitments:
        setattr(FollowUpForm, f"result_{commitment.id}", SelectField(
            commitment.text, choices=choices(RESULT_CHOICES)))
        setattr(FollowUpForm, f"note_{commitment.id}", StringField(
            _l("Note"), filters=[strip], validators=[Length(max=500)]))
    respondents = add_closing_fields(FollowUpForm, parties)
    form = FollowUpForm(**kwargs)
    setup_closing_fields(form, respondents, partners, reasons)
    return form


class ClauseForm(Form):
    category = SelectField(_l("Category"), coerce=int, choices=[])
    joint = BooleanField(_l("A joint commitment (« Les parties s'engagent à… »)"))
    text_fr = TextAreaField(_l("Text in French"), filters=[strip],
                            validators=[DataRequired(required_message()), Length(max=500)],
                            description=_l("What follows « s'engage à » — e.g. ne pas faire "
                                           "de bruit après 22 h."))
    text_en = TextAreaField(_l("Text in English"), filters=[strip],
                            validators=[Length(max=500)])
    position = IntegerField(_l("Position in the list"), default=0,
                            validators=[Optional(), NumberRange(0, 9999)])
