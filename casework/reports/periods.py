"""Reporting periods: a first and a last day (both included) in the organisation's time
zone, the usual choices (this month, last year…), and how a period splits into months or
years for a breakdown. Pure: no request, no database."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

# Longer periods than this are broken down by year rather than by month.
MAX_MONTHLY_BUCKETS = 24


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The first instant of the period and the first instant after it, in UTC."""
        return midnight_utc(self.first, zone), midnight_utc(self.last + timedelta(days=1), zone)

    def buckets(self) -> tuple[str, list[date]]:
        """``("month" | "year" | "", [first day of each bucket])``: the breakdown that
        suits the period; none for a period within one month."""
        months = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        if months == 0:
            return "", []
        if months < MAX_MONTHLY_BUCKETS:
            starts, day = [], self.first.replace(day=1)
            while day <= self.last:
                starts.append(max(day, self.first))
                day = _next_month(day)
            return "month", starts
        starts = [self.first] + [date(year, 1, 1)
                                 for year in range(self.first.year + 1, self.last.year + 1)]
        return "year", starts


def midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day begins, in UTC."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(timezone.utc)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    return Period(first, _next_month(first) - timedelta(days=1))


def quarter(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = _next_month(_next_month(_next_month(first))) - timedelta(days=1)
    return Period(first, last)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31))


def presets(today: date) -> dict[str, Period]:
    """The periods a manager asks for most, by code."""
    last_month = today.replace(day=1) - timedelta(days=1)
    return {
        "this_month": month(today.year, today.month),
        "last_month": month(last_month.year, last_month.month),
        "this_quarter": quarter(today),
        "last_quarter": quarter(quarter(today).first - timedelta(days=1)),
        "this_year": year(today.year),
        "last_year": year(today.year - 1),
    }
