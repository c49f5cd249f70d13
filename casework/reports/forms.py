"""The report's period and team, read from the query string (a GET form: bookmarkable,
nothing changes, so no CSRF token); the sections of the annual report the director writes."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..core.clock import today
from ..core.forms import Form, not_too_old, strip
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


# The longest text a section of the annual report takes: a few pages.
SECTION_MAX = 20_000


class AnnualTextsForm(Form):
    """The sections of the annual activity report the director writes, each with the
    version it was opened on (an empty version: the section was not written yet)."""

    director_word = TextAreaField(
        _l("A word from the director"), filters=[strip],
        validators=[Length(max=SECTION_MAX)],
        description=_l("Opens the report. A blank line starts a new paragraph."))
    projects = TextAreaField(
        _l("The year's projects"), filters=[strip], validators=[Length(max=SECTION_MAX)],
        description=_l("What the association built or started this year."))
    perspectives = TextAreaField(
        _l("Perspectives"), filters=[strip], validators=[Length(max=SECTION_MAX)],
        description=_l("What comes next. Closes the report."))
    version_director_word = HiddenField()
    version_projects = HiddenField()
    version_perspectives = HiddenField()
