"""Reference list forms."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import required_message, strip

CODE_RE = re.compile(r"^[a-z0-9_]{2,40}$")


class ItemForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=40)],
                       description=_l("Lower-case letters, digits and _; it never changes once "
                                      "used, e.g. noise or lyon8_mermoz."))
    label_fr = StringField(_l("Label in French"), filters=[strip],
                           validators=[DataRequired(required_message()), Length(max=120)])
    label_en = StringField(_l("Label in English"), filters=[strip],
                           validators=[Optional(), Length(max=120)],
                           description=_l("Left empty, the French label is shown."))
    city = StringField(_l("City"), filters=[strip], validators=[Optional(), Length(max=80)])
    position = IntegerField(_l("Position in the list"), default=0,
                            validators=[Optional(), NumberRange(0, 9999)])

    def validate_code(self, field):
        if field.data and not CODE_RE.match(field.data):
            raise ValidationError(_l("2 to 40 characters: lower-case letters, digits and _."))


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=160)])
    kind_fr = StringField(_l("Kind, in French"), filters=[strip],
                          validators=[Optional(), Length(max=120)],
                          description=_l("E.g. Conciliation de justice, Services sociaux."))
    kind_en = StringField(_l("Kind, in English"), filters=[strip],
                          validators=[Optional(), Length(max=120)])
    address = StringField(_l("Address"), filters=[strip], validators=[Optional(), Length(max=250)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)])
    email = StringField(_l("E-mail"), filters=[strip], validators=[Optional(), Length(max=254)])

    def validate_email(self, field):
        from ..auth.operations import email_problem

        if field.data and email_problem(field.data):
            raise ValidationError(email_problem(field.data))


class PlaceForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=160)],
                       description=_l("E.g. Salle de réunion de l'association."))
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=250)])
