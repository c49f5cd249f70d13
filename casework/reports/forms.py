"""The report's period and team, read from the query string (a GET form: bookmarkable,
nothing changes, so no CSRF token)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from ..core.forms import Form, not_too_old
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, ValidationError

from ..core.clock import today
from .periods import Period

# Longer than this, a period is a typing mistake more than a question.
MAX_YEARS = 10


class PeriodForm(Form):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[DataRequired(_l("Enter a valid date.")),
                                              not_too_old])
    end = DateField(_l("To"), validators=[DataRequired(_l("Enter a valid date.")),
                                          not_too_old])
    team = SelectField(_l("Team"), coerce=int, default=0)

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end of the period comes before its start."))
        start = self.start.data
        if field.data and start and field.data >= _years_after(start, MAX_YEARS):
            raise ValidationError(_l("A period is at most %(years)d years long.",
                                     years=MAX_YEARS))
        limit = date(today().year + 2, 1, 1)
        if field.data and field.data >= limit:
            raise ValidationError(_l("Enter a date before %(date)s.", date=limit.isoformat()))

    @property
    def period(self) -> Period:
        return Period(self.start.data, self.end.data)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)
