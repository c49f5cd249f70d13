"""Reference list forms: one message per field; the operations check the same rules."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..auth.operations import email_problem
from ..core.forms import Form, Problem, required_message, strip
from . import operations


class PositionRange(NumberRange):
    """WTForms' range check, only once the value is a number (otherwise the field has
    already said "Not a valid integer value")."""

    def __call__(self, form, field):
        if field.data is not None:
            super().__call__(form, field)


class ItemForm(Form):
    """A source, a category or a territory (the city only for territories)."""

    label_fr = StringField(_l("Label in French"), filters=[strip],
                           validators=[DataRequired(required_message()),
                                       Length(max=operations.LABEL_MAX)])
    label_en = StringField(_l("Label in English"), filters=[strip],
                           validators=[Optional(), Length(max=operations.LABEL_MAX)],
                           description=_l("Left empty, the French label is shown."))
    city = StringField(_l("City"), filters=[strip],
                       validators=[Optional(), Length(max=operations.CITY_MAX)])
    code = StringField(_l("Code"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=40),
                                   Problem(operations.code_problem)],
                       description=_l("Lower-case letters, digits and _; it never changes "
                                      "once used, e.g. noise or lyon8_mermoz."),
                       render_kw={"autocapitalize": "none", "autocomplete": "off",
                                  "spellcheck": "false"})
    position = IntegerField(_l("Position in the list"), default=0,
                            validators=[Optional(), PositionRange(0, operations.POSITION_MAX)],
                            render_kw={"inputmode": "numeric"})

    def __init__(self, *args, kind=None, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.item = kind, item
        if kind != "territory":
            del self.city

    def validate_code(self, field):
        if field.data and self.kind and operations.code_taken(self.kind, field.data,
                                                              except_item=self.item):
            raise ValidationError(_l("This code is already used in this list."))

    @property
    def data_for_operation(self):
        return {"code": self.code.data, "label_fr": self.label_fr.data,
                "label_en": self.label_en.data,
                "city": self.city.data if "city" in self else "",
                "position": self.position.data or 0}


class PartnerForm(Form):
    """A partner organisation: only the name is required."""

    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=160)])
    kind_fr = StringField(_l("Kind, in French"), filters=[strip],
                          validators=[Optional(), Length(max=120)],
                          description=_l("E.g. Conciliation de justice, Services sociaux."))
    kind_en = StringField(_l("Kind, in English"), filters=[strip],
                          validators=[Optional(), Length(max=120)])
    address = StringField(_l("Address"), filters=[strip],
                          validators=[Optional(), Length(max=250)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)],
                        render_kw={"type": "tel"})
    email = StringField(_l("E-mail"), filters=[strip],
                        validators=[Optional(), Length(max=254), Problem(email_problem)],
                        render_kw={"type": "email"})

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner

    def validate_name(self, field):
        if field.data and operations.partner_name_taken(field.data,
                                                        except_partner=self.partner):
            raise ValidationError(_l("A partner with this name already exists."))

    @property
    def data_for_operation(self):
        return {key: getattr(self, key).data
                for key in ("name", "kind_fr", "kind_en", "address", "phone", "email")}


class PlaceForm(Form):
    """A room where round tables are held."""

    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(required_message()), Length(max=160)],
                       description=_l("E.g. Salle de réunion de l'association."))
    address = StringField(_l("Address"), filters=[strip],
                          validators=[Optional(), Length(max=250)])
