"""Report periods: a quarter, a half-year, a whole year, or (raw figures only) an explicit from–to range."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

# The evaluation report is written for the steering group in the house's language (Danish), whatever language
# the person who ordered it reads: its labels are made in this language explicitly, never the ambient one.
REPORT_LANGUAGE: str = settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Period:
    """A closed range of local dates [start, end]; stays count in the period of their arrival date."""

    start: datetime.date
    end: datetime.date
    label: str

    def previous_year(self) -> Period:
        """The same period one year earlier (the comparison column in the report)."""
        return Period(start=_shift_year(self.start, -1), end=_shift_year(self.end, -1),
                      label=_previous_label(self))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[tuple[int, int]]:
        """(year, month) pairs the period touches, in order."""
        result, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            result.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return result


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _previous_label(period: Period) -> str:
    """"1. kvartal 2021" → "1. kvartal 2020", "2021" → "2020"; a from–to range gets its shifted dates."""
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}–\d{2}\.\d{2}\.\d{4}", period.label):
        return f"{_shift_year(period.start, -1):%d.%m.%Y}–{_shift_year(period.end, -1):%d.%m.%Y}"
    return period.label.replace(str(period.start.year), str(period.start.year - 1))


def period_for(*, year: int, quarter: int | None = None, start: datetime.date | None = None,
               end: datetime.date | None = None) -> Period:
    """A quarter (`quarter` 1–4), a whole year, or an explicit from–to range."""
    if start is not None or end is not None:
        if start is None or end is None or end < start:
            raise ValueError(_("Angiv en periode hvor slutdatoen ikke ligger før startdatoen."))
        return Period(start=start, end=end, label=f"{start:%d.%m.%Y}–{end:%d.%m.%Y}")
    if quarter is None:
        return Period(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31), label=str(year))
    if quarter not in (1, 2, 3, 4):
        raise ValueError(_("Kvartalet skal være 1–4."))
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    with translation.override(REPORT_LANGUAGE):
        label = _("%(q)s. kvartal %(y)s") % {"q": quarter, "y": year}
    return Period(
        start=datetime.date(year, first_month, 1),
        end=datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        label=label,
    )


def half_year(*, year: int, half: int) -> Period:
    """The first (1) or second (2) half of a year."""
    if half not in (1, 2):
        raise ValueError(_("Halvåret skal være 1 eller 2."))
    start, end = (datetime.date(year, 1, 1), datetime.date(year, 6, 30)) if half == 1 else \
        (datetime.date(year, 7, 1), datetime.date(year, 12, 31))
    with translation.override(REPORT_LANGUAGE):
        label = _("%(h)s. halvår %(y)s") % {"h": half, "y": year}
    return Period(start=start, end=end, label=label)


def period_is_grid(period: Period) -> bool:
    """Whether the period is a calendar quarter, half-year or year: the only periods suppressed figures are
    published for, so that two outputs never differ by a few days (a quarter minus the range ending one day
    before it would give that day's arrivals)."""
    s, e = period.start, period.end
    if s.day != 1 or s.year != e.year or (e + datetime.timedelta(days=1)).day != 1:
        return False
    months = (e.year - s.year) * 12 + e.month - s.month + 1
    return (months == 3 and s.month in (1, 4, 7, 10)) or (months == 6 and s.month in (1, 7)) \
        or (months == 12 and s.month == 1)


def previous_quarter(*, today: datetime.date) -> Period:
    """The last complete quarter before `today` (what beat builds on a quarter's first day)."""
    quarter = (today.month - 1) // 3 + 1
    year = today.year
    quarter -= 1
    if quarter == 0:
        year, quarter = year - 1, 4
    return period_for(year=year, quarter=quarter)
