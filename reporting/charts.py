"""Hand-written server-side SVG charts for the dashboard (no JavaScript, no plotting library).

Accessible and printable: each chart is `role="img"` with a <title> and a <desc> summing it up (the exact
numbers are in the table the template puts under every chart); the two sectors differ by fill pattern as
well as by colour, so a black-and-white print stays readable; text is real text in a scalable viewBox.
Every string that goes into the markup is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 34, 46

SERIES_STYLES = {
    "kommune": {"colour": "#1f6f8b", "pattern": None},
    "region": {"colour": "#7a3e9d", "pattern": "hatch"},
    "total": {"colour": "#12355b", "pattern": None},
    # the mirror image: the year before a contract beside the year after (sector colours)
    "kommune-before": {"colour": "#b5651d", "pattern": None},
    "region-before": {"colour": "#b5651d", "pattern": "dots"},
}
FALLBACK_STYLES = [{"colour": "#1f6f8b", "pattern": None}, {"colour": "#7a3e9d", "pattern": "hatch"},
                   {"colour": "#b5651d", "pattern": "dots"}]


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: list[float | int | None]


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _fmt(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.1f}".replace(".", ",")
    else:
        text = str(int(value))
    return f"{text}{unit}"


def _style(series: Series, index: int) -> dict:
    return SERIES_STYLES.get(series.key) or FALLBACK_STYLES[index % len(FALLBACK_STYLES)]


def _defs(chart_id: str, styles: list[dict]) -> str:
    parts = []
    for i, style in enumerate(styles):
        if style["pattern"] == "hatch":
            parts.append(
                f'<pattern id="{chart_id}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
                f'<rect width="3" height="6" fill="{style["colour"]}"/></pattern>')
        elif style["pattern"] == "dots":
            parts.append(
                f'<pattern id="{chart_id}-p{i}" width="5" height="5" patternUnits="userSpaceOnUse">'
                f'<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.6" '
                f'fill="{style["colour"]}"/></pattern>')
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _fill(chart_id: str, style: dict, index: int) -> str:
    return f"url(#{chart_id}-p{index})" if style["pattern"] else style["colour"]


def _open(chart_id: str, title: str, desc: str, height: int = HEIGHT) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet" '
        f'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _axis(parts: list[str], y_max: float, unit: str, height: int) -> None:
    plot_h = height - TOP - BOTTOM
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c9d0d6" '
                     f'stroke-width="{1 if i == 0 else 0.6}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#1d2329">'
                     f'{escape(_fmt(round(value, 1) if not float(value).is_integer() else value, unit))}</text>')


def _legend(parts: list[str], chart_id: str, series: list[Series], styles: list[dict]) -> None:
    x = LEFT
    for i, (s, style) in enumerate(zip(series, styles, strict=True)):
        parts.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{_fill(chart_id, style, i)}" '
                     f'stroke="{style["colour"]}" stroke-width="1.5"/>')
        parts.append(f'<text x="{x + 20}" y="19" fill="#1d2329">{escape(s.label)}</text>')
        x += 30 + 8 * len(s.label)


def _x_labels(parts: list[str], categories: list[str], centres: list[float], height: int) -> None:
    step = 1 if len(categories) <= 12 else math.ceil(len(categories) / 12)
    for i, (label, cx) in enumerate(zip(categories, centres, strict=True)):
        if i % step and i != len(categories) - 1:
            continue
        parts.append(f'<text x="{cx:.1f}" y="{height - BOTTOM + 18}" text-anchor="middle" fill="#1d2329">'
                     f'{escape(label)}</text>')


def _summary(series: list[Series], categories: list[str], unit: str) -> str:
    """One sentence per series for screen readers: total (for counts) and the highest value."""
    bits = []
    for s in series:
        numbers = [v for v in s.values if v is not None]
        if not numbers:
            bits.append(_("%(series)s: ingen tal") % {"series": s.label})
            continue
        peak = max((i for i, v in enumerate(s.values) if v is not None), key=lambda i: s.values[i])
        text = _("%(series)s: højest %(value)s (%(category)s)") % {
            "series": s.label, "value": _fmt(s.values[peak], unit), "category": categories[peak]}
        if not unit:
            text += _(", i alt %(total)s") % {"total": _fmt(sum(numbers))}
        bits.append(text)
    return "; ".join(bits) + ". " + _("Tallene står i tabellen under diagrammet.")


def bar_chart(*, chart_id: str, title: str, categories: list[str], series: list[Series], unit: str = "",
              y_max: float | None = None, height: int = HEIGHT) -> SafeString:
    """Grouped bars: one group per category, one bar per series. Values on the bars when there is room."""
    styles = [_style(s, i) for i, s in enumerate(series)]
    values = [v for s in series for v in s.values if v is not None]
    top = y_max or nice_max(max(values, default=0))
    parts = _open(chart_id, title, _summary(series, categories, unit), height)
    parts.append(_defs(chart_id, styles))
    _axis(parts, top, unit, height)
    _legend(parts, chart_id, series, styles)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    show_values = len(categories) * len(series) <= 26
    centres = []
    for c, category in enumerate(categories):
        gx = LEFT + c * group_w + group_w * 0.1
        centres.append(LEFT + (c + 0.5) * group_w)
        for i, (s, style) in enumerate(zip(series, styles, strict=True)):
            value = s.values[c]
            h = 0 if value is None else plot_h * min(value, top) / top
            x, y = gx + i * bar_w, TOP + plot_h - h
            label = f"{s.label}, {category}: {_fmt(value, unit)}"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 1):.1f}" height="{h:.1f}" '
                         f'fill="{_fill(chart_id, style, i)}" stroke="{style["colour"]}" stroke-width="1">'
                         f'<title>{escape(label)}</title></rect>')
            if show_values and value is not None:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                             f'font-size="11" fill="#1d2329">{escape(_fmt(value, unit))}</text>')
    _x_labels(parts, categories, centres, height)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic string above is escaped


def line_chart(*, chart_id: str, title: str, categories: list[str], series: list[Series], unit: str = "",
               y_max: float | None = None, height: int = HEIGHT) -> SafeString:
    """Lines with markers (a different marker per series for print); gaps where a value is missing."""
    styles = [_style(s, i) for i, s in enumerate(series)]
    values = [v for s in series for v in s.values if v is not None]
    top = y_max or nice_max(max(values, default=0))
    parts = _open(chart_id, title, _summary(series, categories, unit), height)
    parts.append(_defs(chart_id, styles))
    _axis(parts, top, unit, height)
    _legend(parts, chart_id, series, styles)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    step = plot_w / max(len(categories), 1)
    centres = [LEFT + (c + 0.5) * step for c in range(len(categories))]
    for s, style in zip(series, styles, strict=True):
        points: list[tuple[float, float, float | int, str]] = []
        segments: list[list[str]] = [[]]
        for c, value in enumerate(s.values):
            if value is None:
                segments.append([])
                continue
            y = TOP + plot_h - plot_h * min(value, top) / top
            segments[-1].append(f"{centres[c]:.1f},{y:.1f}")
            points.append((centres[c], y, value, categories[c]))
        dash = ' stroke-dasharray="6 3"' if style["pattern"] else ""
        for seg in segments:
            if len(seg) > 1:
                parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{style["colour"]}" '
                             f'stroke-width="2"{dash}/>')
        for x, y, value, category in points:
            label = escape(f"{s.label}, {category}: {_fmt(value, unit)}")
            if style["pattern"]:
                parts.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#fff" '
                             f'stroke="{style["colour"]}" stroke-width="2"><title>{label}</title></rect>')
            else:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{style["colour"]}">'
                             f'<title>{label}</title></circle>')
    _x_labels(parts, categories, centres, height)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic string above is escaped


def stacked_bar(*, chart_id: str, title: str, segments: list[tuple[str, str, int]], height: int = 34) -> SafeString:
    """One horizontal bar split into parts (label, css colour, count): the bed state of one night."""
    total = sum(seg[2] for seg in segments) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 {height}" class="bedbar" role="img" '
             f'aria-label="{escape(title)}" preserveAspectRatio="none">']
    x = 0.0
    for label, colour, n in segments:
        w = 200 * n / total
        if n:
            parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{colour}" '
                         f'stroke="#1d2329" stroke-width="0.5"><title>{escape(label)}: {n}</title></rect>')
        x += w
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - escaped
