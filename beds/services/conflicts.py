"""Refused writes: the database's exclusion constraints, translated into `BookingConflict` and a Danish answer."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils.translation import gettext as _


class BookingConflict(Exception):
    """The database refused the stay: the bed is taken (`bed_taken`) or the citizen already has a stay
    (`citizen_has_stay`) in an overlapping period."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


CONSTRAINT_CODES = {
    "stay_bed_no_overlap": "bed_taken",
    "stay_citizen_no_overlap": "citizen_has_stay",
    "stay_bed_one_guest_present": "bed_still_occupied",
    "stay_citizen_one_bed_present": "citizen_checked_in_elsewhere",
}


def conflict_message(code: str, *, bed: str = "", moving: bool = False) -> str:
    """The Danish answer to a refused write (`moving`: a stay's period moved, e.g. by an early check-in)."""
    if code == "citizen_checked_in_elsewhere":
        if bed:
            return _("Borgeren er stadig indskrevet på %(bed)s. Udskriv borgeren dér først.") % {"bed": bed}
        return _("Borgeren er indskrevet i en anden seng på det tidspunkt.")
    if code == "bed_still_occupied":
        if bed:
            return _("Den forrige gæst på %(bed)s er ikke udskrevet endnu. Udskriv den forrige gæst først.") % {
                "bed": bed}
        return _("Der er en anden gæst indskrevet i sengen på det tidspunkt.")
    if code == "citizen_has_stay":
        return _("Borgeren har allerede et ophold i perioden.")
    if moving:
        return _("Sengen er booket til en anden på det tidspunkt. Vælg et senere tidspunkt, eller registrér "
                 "den forrige booking som udeblevet.")
    return _("Sengen er lige blevet booket af en anden i perioden. Vælg en anden seng eller periode.")


def _conflict_from(exc: IntegrityError, *, moving: bool = False) -> BookingConflict | None:
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
    if not name:
        name = next((n for n in CONSTRAINT_CODES if n in str(exc)), "")
    code = CONSTRAINT_CODES.get(name)
    return BookingConflict(code, conflict_message(code, moving=moving)) if code else None
