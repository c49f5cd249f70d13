"""The forms that produce a letter: which one, in which language, and who signs."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired

from ..core.forms import Form, choices, required_message

LANGUAGE_CHOICES = [("fr", _l("French")), ("en", _l("English"))]
REFERRER_LETTER_LABELS = {"taken_up": _l("The case was taken up"),
                          "closed": _l("The case is closed, with its outcome")}
PARTY_LETTER_LABELS = {"unreachable": _l("We could not reach you"),
                       "declined": _l("You declined mediation: the door stays open")}
SIGNER_TITLE_LABELS = {"mediatrice": _l("Social mediator, a woman (Médiatrice sociale)"),
                       "mediateur": _l("Social mediator, a man (Médiateur social)"),
                       "manager": _l("Team manager (Responsable d’équipe)")}


def language_field():
    return SelectField(_l("Language of the document"), choices=choices(LANGUAGE_CHOICES),
                       validators=[InputRequired(message=required_message())])


class ReferrerLetterForm(Form):
    kind = RadioField(_l("Letter"), choices=[],
                      validators=[InputRequired(message=_l("Choose a letter."))])
    language = language_field()

    def __init__(self, kinds, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices([(k, REFERRER_LETTER_LABELS[k]) for k in kinds])


class AttestationForm(Form):
    language = language_field()
    signer_title = SelectField(_l("Signed by you, as"), choices=choices(
        list(SIGNER_TITLE_LABELS.items())),
        validators=[InputRequired(message=required_message())])


class PartyLetterForm(Form):
    kind = RadioField(_l("Letter"), choices=choices(list(PARTY_LETTER_LABELS.items())),
                      validators=[InputRequired(message=_l("Choose a letter."))])
    language = language_field()
