"""The dashboard's Danish labels (sectors, turn-away reasons, months, weekdays) and the colours of the bed
states: shared by the page's parts, the lists and the grid charts (passed in as functions there)."""

from __future__ import annotations

from django.utils.translation import gettext as _

MONTH_NAMES = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
WEEKDAYS = ["man", "tir", "ons", "tor", "fre", "lør", "søn"]
# Bed states; the same colours as the legend in app.css (.legend-*).
BED_COLOURS = {"occupied": "#c8553d", "booked": "#e0a800", "blocked": "#8a939b", "free": "#3f8f4f"}


def sector_label(sector: str) -> str:
    return {"kommune": _("Kommune"), "region": _("Region")}.get(sector, sector)


def reason_label(reason: str) -> str:
    return {"no_bed": _("Ingen ledig seng"), "not_eligible": _("Ikke egnet"),
            "no_contract": _("Ingen gyldig kontrakt"), "other": _("Andet")}.get(reason, reason)


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year[2:]}"
