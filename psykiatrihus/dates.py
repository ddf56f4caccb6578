"""Calendar arithmetic shared by contracts (follow-up intervals), beds (færdigbehandling's 6 months) and the
dashboard (month windows), and THE window of sane dates every API field, form and import checks against.

Why a window: a year-1 or year-9999 date parses fine but overflows as soon as it is converted between time
zones or shifted by a day (Python's date range ends at 1 and 9999), and PostgreSQL would store year 1 as a
BC timestamp. Nothing in a psychiatry house happened before its history began or is booked decades ahead.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# History may be imported from 20 years before the house opened; bookings reach at most 5 years ahead.
HISTORY_YEARS_BEFORE_OPENING = 20
YEARS_AHEAD = 5
# A house whose opening date is not recorded: history from 1980 (2000 - 20).
FALLBACK_OPENING_YEAR = 2000


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DateWindow:
    """The closed range of local dates [first, last] a date entered into the system may take."""

    first: datetime.date
    last: datetime.date

    def __contains__(self, value: datetime.date | datetime.datetime) -> bool:
        return self.first <= _as_date(value) <= self.last

    def between(self) -> str:
        """'mellem 1. januar 1980 og 1. december 2031' in the active language."""
        return _("mellem %(first)s og %(last)s") % {"first": formats.date_format(self.first, "j. F Y"),
                                                   "last": formats.date_format(self.last, "j. F Y")}

    def message(self) -> str:
        return _("Datoen skal ligge %(between)s.") % {"between": self.between()}

    def check(self, value: datetime.date | datetime.datetime | None, *, field: str | None = None) -> None:
        """Raise a Danish ValidationError (on `field` when given) for a date outside the window."""
        if value is None or value in self:
            return
        raise ValidationError({field: self.message()} if field else self.message(), code="date_out_of_range")


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    # The wall-clock date as written: never convert between zones here (year 1 in UTC+1 overflows).
    return value.date() if isinstance(value, datetime.datetime) else value


def date_window(*, house=None, today: datetime.date | None = None) -> DateWindow:
    """The window for `house` (its opening year - 20 years … today + 5 years); without a house, or when
    its opening date is not recorded, history starts in FALLBACK_OPENING_YEAR - 20."""
    today = today or timezone.localdate()
    opened = getattr(house, "opened_on", None)
    first_year = opened.year if opened else FALLBACK_OPENING_YEAR
    return DateWindow(first=datetime.date(first_year - HISTORY_YEARS_BEFORE_OPENING, 1, 1),
                      last=add_months(today, 12 * YEARS_AHEAD))


def date_query_param(raw: str | None, *, default: datetime.date, house=None) -> datetime.date:
    """A date from a page's query string (`?fra=`, `?nat=`, `?dato=`): the ISO date when it parses and lies in
    the house's window, else `default`. A page that navigates by date shows its default rather than an error
    for a hand-edited or stale link."""
    try:
        value = datetime.date.fromisoformat(raw or "")
    except ValueError:
        return default
    return value if value in date_window(house=house) else default
