"""Citizens' ages as SQL expressions, for the owners' aggregates that count citizens by age band."""

from __future__ import annotations

from django.db.models import Case, Func, IntegerField, Q, Value, When

AGE_BANDS = ("under_20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
GENDERS = ("F", "M")


class Age(Func):
    """Whole years between two dates (PostgreSQL AGE)."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()


def age_band(field: str) -> Case:
    """The age band (one of `AGE_BANDS`) of an integer age annotation."""
    bounds = [(20, "under_20"), (30, "20-29"), (40, "30-39"), (50, "40-49"), (60, "50-59"), (70, "60-69")]
    return Case(*[When(Q(**{f"{field}__lt": upper}), then=Value(band)) for upper, band in bounds],
                default=Value("70+"))
