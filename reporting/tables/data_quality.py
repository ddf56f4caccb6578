"""Data quality: where the report's figures are thin. Per sector, the share of a table's citizens recorded as
unknown and the stays booked without a recorded request; for the house's activity counts, the months of the
period with nothing reported. Made from the other tables' raw figures (registered last, `from_tables`), so
every count here is the same figure as in its own table: the relations say so, and suppression hides them
together. A share is derived from two counts and is published only where both are (`Derived`).

The report shows these as short warnings beside the table they concern (`report_layout`), and as a sheet.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from psykiatrihus.models import House
from reporting.tables.periods import Period
from reporting.tables.registry import Derived, Path, Relation, Table, register, same

# table key → the partition (inside the sector's section) whose "unknown" cell is counted
UNKNOWN_IN: dict[str, tuple[str, ...]] = {
    "referral_sources": (),
    "diagnoses": ("diagnosis",),
    "treatment_responsibility": (),
    "municipal_services": (),
}
# activity tables with a monthly count: table key → the figure that says how many months were reported
MONTHLY_COUNTS: dict[str, str] = {"open_dialogue": "months_reported", "home_treatment": "months_reported",
                                  "peer_hours": ""}
HOUSE = "house"  # the house's own counts, not per sector


def _get(value, path: tuple[str, ...]):
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _months_reported(key: str, table: dict, period: Period) -> int | None:
    months = {f"{y}-{m:02d}" for y, m in period.months()}
    if key == "peer_hours":
        by_month = table.get("by_month")
        return len(months & set(by_month)) if isinstance(by_month, dict) else None
    figure = MONTHLY_COUNTS[key]
    by_year = table.get("by_year") if isinstance(table.get("by_year"), dict) else {}
    reported = [_count((entry or {}).get(figure)) for entry in by_year.values()]
    if by_year and all(r is not None for r in reported):
        return min(sum(reported), len(months))
    return _count(table.get(figure))


def table_data_quality(*, house: House, period: Period, tables: dict) -> dict | None:
    """`{sector: {"unknown": {table: {"unknown", "of", "percent"}}, "stays_without_request": {"stays",
    "without_request", "percent"}}, "house": {"months_without_counts": {table: {"months", "reported",
    "missing"}}}}` from the raw `tables` built before it. None when there is nothing to say."""
    result: dict = {}
    for key, inner in UNKNOWN_IN.items():
        for sector, section in (tables.get(key) or {}).items():
            part = _get(section, inner)
            unknown, total = _count(_get(part, ("counts", "unknown"))), _count(_get(part, ("total",)))
            if unknown is None or total is None:
                continue
            entry = {"unknown": unknown, "of": total, "percent": _share(unknown, total)}
            result.setdefault(sector, {}).setdefault("unknown", {})[key] = entry
    for sector, section in (tables.get("requests") or {}).items():
        stays, linked = _count((section or {}).get("stays")), _count((section or {}).get("stays_with_request"))
        if stays is None or linked is None:
            continue
        result.setdefault(sector, {})["stays_without_request"] = {
            "stays": stays, "without_request": stays - linked, "percent": _share(stays - linked, stays)}
    months = len(period.months())
    for key in MONTHLY_COUNTS:
        table = tables.get(key)
        if not isinstance(table, dict):
            continue
        reported = _months_reported(key, table, period)
        if reported is None:
            continue
        result.setdefault(HOUSE, {}).setdefault("months_without_counts", {})[key] = {
            "months": months, "reported": reported, "missing": max(0, months - reported)}
    return result or None


# --- relations -------------------------------------------------------------------------------------------


def _relations(key: str, data: dict) -> Iterator[Relation]:
    for sector, section in data.items():
        for table in section.get("unknown") or {}:
            inner = (table, sector, *UNKNOWN_IN.get(table, ()))
            yield same((key, sector, "unknown", table, "unknown"), (*inner, "counts", "unknown"))
            yield same((key, sector, "unknown", table, "of"), (*inner, "total"))
        if "stays_without_request" in section:
            base = (key, sector, "stays_without_request")
            yield same((*base, "stays"), ("requests", sector, "stays"))
            # without = stays − with a request
            yield Relation(total=(*base, "stays"), parts=((*base, "without_request"),
                                                           ("requests", sector, "stays_with_request")))


def _derived(key: str, data: dict) -> Iterator[Derived]:
    for sector, section in data.items():
        for table in section.get("unknown") or {}:
            base = (key, sector, "unknown", table)
            yield Derived((*base, "percent"), ((*base, "unknown"), (*base, "of")))
        if "stays_without_request" in section:
            base = (key, sector, "stays_without_request")
            yield Derived((*base, "percent"), ((*base, "without_request"), (*base, "stays")))


def _flow(path: Path) -> bool:
    return path[1] != HOUSE and "stays_without_request" in path


register(Table(
    key="data_quality",
    title=_("Datakvalitet"),
    explanation=_("Hvor tallene er tynde: andelen registreret som ukendt, ophold booket uden en registreret "
                  "henvendelse, og måneder uden indberettede aktivitetstal."),
    footnote=_("'Ukendt': feltet er ikke udfyldt på kontrakten. Andele er beregnet af offentliggjorte tal og "
               "vises kun, hvor begge tal er vist."),
    sheet=_("Datakvalitet"),
    build=table_data_quality,
    relations=_relations,
    derived=_derived,
    flow=_flow,
    not_counts=frozenset({"months", "reported", "missing"}),
    from_tables=True,
))
