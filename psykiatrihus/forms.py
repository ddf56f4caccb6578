"""Form fields with bounded input: dates inside the window of psykiatrihus.dates (a Danish message beside the
field instead of an overflow further on). A form that knows its house sets `field.house` (see `window_for`)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from psykiatrihus.dates import date_window

# Free text stored in a TextField (notes, crisis plans): bounded before the database all the same.
TEXT_MAX_LENGTH = 5000


def window_for(form: forms.BaseForm, house) -> None:
    """Check every window date field of `form` against `house`'s window (its opening year)."""
    for field in form.fields.values():
        if isinstance(field, WindowDateField | WindowDateTimeField):
            field.house = house


class _WindowMixin:
    house = None

    def _check_window(self, value: datetime.date | datetime.datetime | None) -> None:
        if value is None:
            return
        window = date_window(house=self.house)
        if value not in window:
            raise ValidationError(window.message(), code="date_out_of_range")


class WindowDateField(_WindowMixin, forms.DateField):
    def to_python(self, value):
        day = super().to_python(value)
        self._check_window(day)
        return day


class WindowDateTimeField(_WindowMixin, forms.DateTimeField):
    """Checked on the wall-clock value as typed, before Django makes it aware (year 1 overflows in UTC)."""

    def to_python(self, value):
        self._check_window(self._naive(value))
        return super().to_python(value)

    def _naive(self, value) -> datetime.datetime | None:
        if isinstance(value, datetime.datetime):
            return value
        if isinstance(value, datetime.date):
            return datetime.datetime.combine(value, datetime.time())
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            return None
        if parsed is not None:
            return parsed
        for fmt in self.input_formats:
            try:
                return self.strptime(value.strip(), fmt)
            except (ValueError, TypeError):
                continue
        return None
