"""The report's charts, drawn from the already suppressed figures by the dashboard's own SVG charts
(`reporting.charts`): the same colours and patterns on paper as on screen, text as real text, and a few
hundred SVG elements per chart instead of a plotting library's thousands (WeasyPrint draws every one).

A suppressed value ("<5") or a hidden one ("–") gets no bar: the table under the chart gives it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting.charts import Series, bar_chart

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _numeric(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _sector_series(table: dict, values) -> list[Series]:
    names = {"kommune": _("Kommune"), "region": _("Region")}
    return [Series(key=s, label=str(names[s]), values=[_numeric(v) for v in values(table[s])])
            for s in ("kommune", "region") if s in table]


def chart_stays_per_month(table: dict) -> str:
    sectors = [s for s in ("kommune", "region") if s in table]
    months = list(table[sectors[0]]["counts"].keys()) if sectors else []
    labels = [f"{MONTHS[int(m[5:7]) - 1]} {m[2:4]}" for m in months]
    series = _sector_series(table, lambda part: [part["counts"].get(m) for m in months])
    return str(bar_chart(chart_id="stays-per-month", title=_("Ophold pr. ankomstmåned"), categories=labels,
                         series=series))


def chart_stay_lengths(table: dict) -> str:
    buckets = ["0-1", "2", "3", "4", "5+"]
    labels = [_("%(n)s nætter") % {"n": "0–1" if b == "0-1" else b} for b in buckets]
    series = _sector_series(table, lambda part: [part["stays_by_nights"].get(b) for b in buckets])
    return str(bar_chart(chart_id="stay-lengths", title=_("Opholdenes længde"), categories=labels, series=series))


def chart_occupancy(table: dict, previous: dict | None, this_label: str, prev_label: str) -> str:
    sectors = [s for s in ("kommune", "region") if s in table]
    categories = [str({"kommune": _("Kommune"), "region": _("Region")}[s]) for s in sectors]
    series = [Series(key="total", label=this_label,
                     values=[_numeric(table.get(s, {}).get("percent")) for s in sectors])]
    if previous:
        series.insert(0, Series(key="kommune-before", label=prev_label,
                                values=[_numeric(previous.get(s, {}).get("percent")) for s in sectors]))
    return str(bar_chart(chart_id="occupancy", title=_("Belægning i sengenætter"), categories=categories,
                         series=series, unit=" %", y_max=100))


def chart_trend(chart: dict) -> str:
    """One trend (a key figure over the periods, both sectors) drawn by the dashboard's own chart code, so
    colours and patterns are the dashboard's. A hidden figure ("<5", "–") gets no bar; the table above the
    chart gives it."""
    sector_names = {"kommune": _("Kommune"), "region": _("Region")}
    series = [Series(key=s, label=str(sector_names.get(s, s)), values=[_numeric(v) for v in values])
              for s, values in chart["series"].items()]
    values = [v for s in series for v in s.values if v is not None]
    top = 100 if chart.get("percent") else _whole_axis(max(values, default=0))
    return str(bar_chart(chart_id=f"trend-{chart['key']}", title=chart["title"], categories=chart["categories"],
                         series=series, unit=" %" if chart.get("percent") else "", y_max=top, height=200))


def _whole_axis(value: float) -> int:
    """An axis top whose four gridlines fall on whole numbers (counts have no 6,2): 4 × a round step."""
    import math

    if value <= 0:
        return 4
    exp = 10 ** max(0, math.floor(math.log10(value / 4)))
    for step in (1, 2, 3, 4, 5, 6, 8, 10):
        if 4 * step * exp >= value:
            return 4 * step * exp
    return 40 * exp
