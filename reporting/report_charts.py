"""The report's charts as SVG (matplotlib), drawn from the already suppressed figures.

Text is drawn as paths (svg.fonttype "path"), so the PDF needs no font for the charts. A suppressed value
("<5") or a hidden one (None) is drawn as an empty, hatched stub and labelled, never as its true height.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from reporting.charts import SERIES_STYLES, Series, bar_chart  # noqa: E402

# The dashboard's colours and patterns (reporting.charts): a sector looks the same on screen and on paper.
COLOURS = {sector: SERIES_STYLES[sector]["colour"] for sector in ("kommune", "region")}
HATCHES = {sector: "///" if SERIES_STYLES[sector]["pattern"] == "hatch" else None for sector in COLOURS}
PERIOD_COLOURS = (SERIES_STYLES["total"]["colour"], "#a0aec0")  # the period, the year before
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _numeric(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _grouped_bars(ax, categories: list[str], series: dict[str, list], *, stub: float = 0.0) -> None:
    """Bars per category, one colour per sector; non-numeric values become labelled hatched stubs."""
    width = 0.8 / max(len(series), 1)
    for i, (sector, values) in enumerate(series.items()):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(categories))]
        heights = [_numeric(v) or 0.0 for v in values]
        ax.bar(xs, heights, width=width, color="#fff" if HATCHES.get(sector) else COLOURS.get(sector, "#555"),
               edgecolor=COLOURS.get(sector, "#555"), hatch=HATCHES.get(sector),
               label={"kommune": _("Kommune"), "region": _("Region")}.get(sector, sector))
        for x, v in zip(xs, values, strict=True):
            if _numeric(v) is None:
                ax.bar([x], [stub], width=width, fill=False, hatch="///", edgecolor=COLOURS.get(sector, "#555"))
                ax.annotate("–" if v is None else str(v), (x, stub), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(categories)))
    ax.set_xticklabels(categories, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8)


def chart_stays_per_month(table: dict) -> str:
    sectors = [s for s in ("kommune", "region") if s in table]
    months = list(table[sectors[0]]["counts"].keys()) if sectors else []
    labels = [f"{MONTHS[int(m[5:7]) - 1]} {m[2:4]}" for m in months]
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    _grouped_bars(ax, labels, {s: [table[s]["counts"][m] for m in months] for s in sectors}, stub=0.5)
    ax.set_ylabel(_("Ophold"), fontsize=8)
    ax.set_title(_("Ophold pr. ankomstmåned"), fontsize=10)
    return _svg(fig)


def chart_stay_lengths(table: dict) -> str:
    sectors = [s for s in ("kommune", "region") if s in table]
    buckets = ["0-1", "2", "3", "4", "5+"]
    labels = ["0–1", "2", "3", "4", "5+"]
    fig, ax = plt.subplots(figsize=(7.5, 2.6))
    _grouped_bars(ax, labels, {s: [table[s]["stays_by_nights"][b] for b in buckets] for s in sectors}, stub=0.5)
    ax.set_xlabel(_("Nætter pr. ophold"), fontsize=8)
    ax.set_ylabel(_("Ophold"), fontsize=8)
    ax.set_title(_("Opholdenes længde"), fontsize=10)
    return _svg(fig)


def chart_occupancy(table: dict, previous: dict | None, this_label: str, prev_label: str) -> str:
    sectors = [s for s in ("kommune", "region") if s in table]
    categories = [{"kommune": _("Kommune"), "region": _("Region")}[s] for s in sectors]
    fig, ax = plt.subplots(figsize=(7.5, 2.6))
    width = 0.35
    series = [(this_label, table, PERIOD_COLOURS[0])]
    if previous:
        series.insert(0, (prev_label, previous, PERIOD_COLOURS[1]))
    for i, (label, source, colour) in enumerate(series):
        values = [source.get(s, {}).get("percent") for s in sectors]
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(sectors))]
        ax.bar(xs, [_numeric(v) or 0 for v in values], width=width, color=colour, label=label)
        for x, v in zip(xs, values, strict=True):
            ax.annotate(f"{v:.1f} %".replace(".", ",") if _numeric(v) is not None else "–", (x, _numeric(v) or 0),
                        ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(sectors)))
    ax.set_xticklabels(categories, fontsize=9)
    ax.set_ylim(0, 100)
    ax.set_ylabel(_("Belægning (%)"), fontsize=8)
    ax.set_title(_("Belægning i sengenætter"), fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


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
