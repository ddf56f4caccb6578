"""Husene side om side: the key figures and rules of several houses for one grid period, in one table, for a
steering group (or administrator) that spans several houses.

Who sees it is decided in `psykiatrihus.scoping` (`Access.compares_houses`, `houses_compared`). The figures
are each house's approved report of exactly that period, as it was published: suppressed with the house's
own threshold and audited with everything the house published (`reporting.disclosure`), so the page prints
nothing the house's own reports do not, and hides what they hide. A house without an approved report for the
period has a column saying so, never figures computed for the occasion (they would be a publication nobody
audited). Reads only stored runs: no table is built here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from psykiatrihus.models import House
from psykiatrihus.scoping import access_for, houses_compared
from reporting.access import runs_visible
from reporting.key_figures import KEYS, not_applicable
from reporting.models import ReportRun
from reporting.tables.periods import Period, half_year, period_for

# The `period` parameter of the page and the API: a whole year, a half-year or a quarter.
PERIOD_CHOICES = ("year", "h1", "h2", "q1", "q2", "q3", "q4")
SECTORS = ("kommune", "region")
RULES = ("admission_routes", "stay_frame_nights", "extension_by", "max_nights_per_month", "followup_interval_months",
         "stays_have_goals", "post_stay_followup")


class HouseNotFound(LookupError):
    """A house the user may not compare answers exactly like one that does not exist."""


def comparison_period(*, year: int, part: str) -> Period:
    """The grid period named by `year` and `part` (see PERIOD_CHOICES)."""
    if part == "year":
        return period_for(year=year)
    if part in ("h1", "h2"):
        return half_year(year=year, half=int(part[1]))
    if part in ("q1", "q2", "q3", "q4"):
        return period_for(year=year, quarter=int(part[1]))
    raise ValueError(_("Vælg hele året, et halvår eller et kvartal."))


def default_period(*, today: datetime.date) -> tuple[int, str]:
    """The last complete quarter (what the steering group meets about)."""
    quarter = (today.month - 1) // 3
    return (today.year, f"q{quarter}") if quarter else (today.year - 1, "q4")


@dataclass
class HouseColumn:
    """One house in the comparison: its approved report of the period (None: none yet), the key figures as
    the report published them and the rules in force at the period's end."""

    house: House
    run: ReportRun | None = None
    suppress_below: int = 0
    key_figures: dict[str, dict[str, object]] = field(default_factory=dict)  # sector -> figure -> value
    rules: dict[str, dict] = field(default_factory=dict)  # sector -> {"bed_set", "in_force", "changed"}


def houses_side_by_side(*, user, period: Period, slugs: list[str] | None = None) -> list[HouseColumn]:
    """The houses the user compares (or those of `slugs`, each of which must be one of them: else
    HouseNotFound, as for a house that does not exist), oldest name first, each from its latest approved
    version of the report for exactly `period`. Two queries per house."""
    houses = list(houses_compared(user).order_by("name"))
    if slugs:
        wanted = list(dict.fromkeys(slugs))
        by_slug = {h.slug: h for h in houses}
        if any(slug not in by_slug for slug in wanted):
            raise HouseNotFound(_("Huset findes ikke."))
        houses = [by_slug[slug] for slug in wanted]
    columns = []
    for house in houses:
        access = access_for(user, house)
        if not access.compares_houses:  # houses_compared and the right agree; asked again, never assumed
            raise HouseNotFound(_("Huset findes ikke."))
        run = (runs_visible(access).filter(period_start=period.start, period_end=period.end,
                                           approved_at__isnull=False,
                                           suppress_below__gte=max(2, house.small_number_threshold))
               .order_by("-version", "-approved_at").first())
        columns.append(_column(house, run))
    return columns


def _column(house: House, run: ReportRun | None) -> HouseColumn:
    column = HouseColumn(house=house, run=run, suppress_below=run.suppress_below if run else
                         house.small_number_threshold)
    if run is None:
        return column
    data = (run.figures_data or {}).get("data") or {}
    tables = data.get("tables") or {}
    figures = tables.get("key_figures") or {}
    for sector in SECTORS:
        if isinstance(figures.get(sector), dict):
            column.key_figures[sector] = {
                k: figures[sector][k]["value"] for k in KEYS if k in figures[sector]
                and not not_applicable(tables=tables, key=k, sector=sector)}
    for sector in SECTORS:
        part = (data.get("rules") or {}).get(sector)
        if not part or not part.get("versions"):
            continue
        last = part["versions"][-1]
        column.rules[sector] = {
            "bed_set": part.get("bed_set") or {},
            "in_force": {rule: last.get(rule) for rule in RULES},
            "post_stay_followup_days": last.get("post_stay_followup_days"),
            "changed": sorted({key for v in part["versions"][1:] for key in v.get("changed", [])}),
            "version": last,
        }
    return column


def columns_json(*, period: Period, columns: list[HouseColumn]) -> dict:
    """The API's answer: the period and one entry per house (JSON-ready)."""
    houses = []
    for c in columns:
        run = c.run
        houses.append({
            "house": c.house.slug,
            "name": c.house.name,
            "report": None if run is None else {
                "id": run.pk, "version": run.version, "revised": run.is_revision,
                "approved_at": run.approved_at.isoformat() if run.approved_at else None},
            "suppress_below": c.suppress_below,
            "key_figures": c.key_figures,
            "rules": {s: {"beds": r["bed_set"].get("beds"), "in_force": r["in_force"],
                          "changed_in_period": r["changed"]} for s, r in c.rules.items()},
        })
    return {"period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
            "houses": houses}
