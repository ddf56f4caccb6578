"""The Udvikling page: the key figures of every trend column, per sector."""

from __future__ import annotations

from dataclasses import dataclass, field

from reporting.report_layout.cells import STRUCTURAL, number, sector_label
from reporting.report_layout.key_figures import key_figure_names


@dataclass
class TrendTable:
    """The trend page: per sector one table (figures down, periods across, the oldest first), and one chart
    per figure with both sectors."""

    columns: list[str]
    # (sector, sector label, rows (figure key, [label, text, text, ...]))
    sectors: list[tuple[str, str, list[tuple[str, list[str]]]]]
    charts: list[dict] = field(default_factory=list)  # {"key", "title", "categories", "series": {sector: [...]}}
    footnote: str = ""
    wide: bool = False


PERCENT_FIGURES = frozenset({"occupancy_percent", "turned_away_percent"})


def trend_tables(*, data: dict) -> TrendTable | None:
    """The "Udvikling" page from `tables.trends` (None if the report has none). A figure a column has no table
    for is "·" (not a zero); a hidden one "–" or "<N", as everywhere."""
    from reporting.trends import trend_footnote

    trends = (data.get("tables") or {}).get("trends")
    if not trends or not trends.get("periods"):
        return None
    names = key_figure_names()
    periods = trends["periods"]
    keys = [p["key"] for p in periods]
    columns = ["", *[p["label"] for p in periods]]
    sectors, charts = [], []
    present = [s for s in ("kommune", "region") if isinstance(trends.get(s), dict)]
    for sector in present:
        rows = []
        for name, label in names.items():
            values = trends[sector].get(name)
            if values is None:
                continue
            rows.append((name, [label, *[number(values[k]) if k in values else STRUCTURAL for k in keys]]))
        sectors.append((sector, sector_label(sector), rows))
    for name, label in names.items():
        series = {s: [trends[s].get(name, {}).get(k) for k in keys] for s in present if name in trends[s]}
        if series:
            charts.append({"key": name, "title": label, "categories": [p["label"] for p in periods],
                           "series": series, "percent": name in PERCENT_FIGURES})
    return TrendTable(columns=columns, sectors=sectors, charts=charts, footnote=trend_footnote(table=trends),
                      wide=len(columns) > 8)
