"""Danish CPR numbers: validation, derived birth date and legal gender, masking."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError

from psykiatrihus.cprtext import cpr_digits


def cpr_clean(value: str) -> str:
    """Return the 10 digits of a valid CPR number or raise a Danish ValidationError (no digits echoed).

    The accepted ways of writing one (hyphens, Unicode dashes, spaces) are `psykiatrihus.cprtext`'s, the same
    the log mask looks for."""
    digits = cpr_digits(value) or ""
    try:
        stdnum_cpr.validate(digits)
    except StdnumError as exc:
        raise ValidationError(_("Ugyldigt CPR-nummer. Skriv 10 cifre, fx 010190-1234."), code="invalid_cpr") from exc
    return digits


def cpr_birth_date(digits: str) -> datetime.date:
    return stdnum_cpr.get_birth_date(digits)


def cpr_gender(digits: str) -> str:
    """Legal gender from the last digit: odd = M, even = F."""
    return "M" if int(digits[-1]) % 2 else "F"


def cpr_mask(digits: str) -> str:
    """`010190-xxxx`: the birth date part only."""
    return f"{digits[:6]}-xxxx"
