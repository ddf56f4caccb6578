"""The report's files: PDF (WeasyPrint), XLSX (openpyxl) and JSON, from `report_data` figures.

Everything users typed (the house name) reaches the PDF through Django's autoescaping templates; the PDF
is rendered with a `base_url` and fonts from local files only, so rendering never fetches anything.
"""

from __future__ import annotations

import atexit
import base64
import datetime
import io
import json
import threading
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import report_charts
from reporting.report_layout import (
    Block,
    cell_text,
    changes_lines,
    data_quality_rows,
    key_figures_table,
    number,
    report_blocks,
    rules_tables,
    sheet_names,
    trend_tables,
)
from reporting.tables import TABLES

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# One font configuration and user-agent sheet per process: the report's three DejaVu faces are registered
# with Fontconfig and Pango once, not for every PDF. WeasyPrint's font state is not meant to be shared
# between threads, hence the lock (a worker renders one report at a time anyway).
_FONTS_LOCK = threading.Lock()
_FONTS: list = []
# Freed before interpreter teardown: WeasyPrint's FontConfiguration.__del__ needs its cffi libraries alive.
atexit.register(_FONTS.clear)


def _danish_date(value: str | datetime.date) -> str:
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day}.{day.month}.{day.year}"


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _comparison(block: Block, data: dict, previous: dict | None) -> str:
    """One sentence comparing the period with the same period a year before (stays, beyond the frame, occupancy)."""
    if previous is None:
        return ""
    parts = []
    for sector, name in (("kommune", _("Kommune")), ("region", _("Region"))):
        now = data["tables"].get(block.key, {}).get(sector)
        before = previous["tables"].get(block.key, {}).get(sector)
        if not now or not before:
            continue
        if block.key == "stays":
            parts.append(_("%(sector)s: %(now)s ophold (%(before)s året før)")
                         % {"sector": name, "now": number(now["stays"]), "before": number(before["stays"])})
        elif block.key == "compliance":
            frame = now.get("stays_by_frame") or {}
            parts.append(_("%(sector)s: %(n)s af %(stays)s ophold var længere end rammen (%(before)s året før)")
                         % {"sector": name, "n": number(now.get("stays_beyond_frame")),
                            "stays": number(frame.get("total")), "before": number(before.get("stays_beyond_frame"))})
        elif block.key == "occupancy":
            parts.append(_("%(sector)s: %(now)s %% belægning (%(before)s %% året før)")
                         % {"sector": name, "now": number(now.get("percent")),
                            "before": number(before.get("percent"))})
    return "; ".join(parts) + "." if parts else ""


def render_json(*, data: dict, notes: dict | None = None) -> bytes:
    """The figures; an approved report also carries `approval`, `comments` and, for a correction, `revision`."""
    body = dict(data)
    for key in ("approval", "comments", "revision"):
        if notes and notes.get(key):
            body[key] = notes[key]
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def _notes_context(notes: dict | None, data: dict) -> dict:
    """The approval stamp, the leader's comments and a correction's changes, as the PDF shows them."""
    notes = notes or {}
    approval = notes.get("approval")
    revision = notes.get("revision")
    return {
        "comments": notes.get("comments") or {},
        "approval": {**approval, "date": _danish_date(approval["at"])} if approval else None,
        "revision": {**revision, "date": _danish_date(revision["revises_approved"]),
                     "lines": changes_lines(revision["changes"])} if revision else None,
    }


def render_pdf(*, data: dict, previous: dict | None, notes: dict | None = None) -> bytes:
    blocks = report_blocks(data=data, previous=previous)
    tables = data["tables"]
    prev_tables = previous["tables"] if previous else {}
    for block in blocks:
        block.text_rows = [[row[0], *[cell_text(c) for c in row[1:]]] for row in block.rows]
        block.comparison = _comparison(block, data, previous)
        block.chart = ""
        if block.key == "stays_per_month":
            block.chart = _data_uri(report_charts.chart_stays_per_month(tables["stays_per_month"]))
        elif block.key == "stays":
            block.chart = _data_uri(report_charts.chart_stay_lengths(tables["stays"]))
        elif block.key == "occupancy":
            block.chart = _data_uri(report_charts.chart_occupancy(
                tables["occupancy"], prev_tables.get("occupancy"), data["period"]["label"],
                previous["period"]["label"] if previous else ""))
    below = data["suppress_below"]
    context = _notes_context(notes, data)
    for block in blocks:
        block.comment = context["comments"].get(block.key, "")
    trends = trend_tables(data=data)
    if trends is not None:
        for chart in trends.charts:
            chart["uri"] = _data_uri(report_charts.chart_trend(chart))
    html = render_to_string("reporting/report_pdf.html", {
        **context,
        "key_figures": key_figures_table(data=data, previous=previous),
        "trends": trends,
        "blocks": blocks,
        "rules": rules_tables(rules=data.get("rules", {})),
        "house_name": data["house_name"],
        "period_label": data["period"]["label"],
        "period_start": _danish_date(data["period"]["start"]),
        "period_end": _danish_date(data["period"]["end"]),
        "previous_label": previous["period"]["label"] if previous else "",
        "created": _danish_date(timezone.localdate()),
        "suppress_below": below,
        "suppress_max": below - 1,
        "small_mark": f"<{below}",  # escaped by the template ("<5" written into HTML would vanish as a tag)
        "font_dir": FONT_DIR.as_uri(),
    })
    return _pdf(html)


def _user_agent_sheet():
    """WeasyPrint's HTML user-agent sheet without what this report never uses but every element pays for.

    Its universal `::marker`, `::footnote-*` and `::note-*` rules give each of the ~1,900 elements six
    pseudo-element styles to compute (11,000 of 12,000 computed styles in a year report). The report has no
    footnote or note areas, and only `li` shows a marker, so those rules are dropped and `::marker` is
    scoped to `li`. Everything else in the sheet stays as WeasyPrint ships it."""
    import re

    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    text, dropped = re.subn(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", "", UA, flags=re.M)
    text, scoped = re.subn(r"^::marker \{", "li::marker {", text, flags=re.M)
    if dropped != 5 or scoped != 1:  # a new WeasyPrint changed its sheet: fall back to it rather than guess
        return None
    # Its @counter-style rules are WeasyPrint's own, already in the counter styles every render starts from
    # (`HTML._ua_counter_style`); read into a fresh set, as WeasyPrint reads its sheet, they redefine nothing.
    return CSS(string=text, counter_style=CounterStyle())


def _renderer():
    """The font configuration and the HTML class the report is rendered with, made once per process."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    sheet = _user_agent_sheet()

    class ReportHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet] if sheet is not None and not forms else super()._ua_stylesheets(forms)

    return FontConfiguration(), ReportHTML


def _pdf(html: str) -> bytes:
    with _FONTS_LOCK:
        if not _FONTS:
            _FONTS.extend(_renderer())
        font_config, report_html = _FONTS
        return report_html(string=html, base_url=str(FONT_DIR)).write_pdf(font_config=font_config)


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in '[]:*?/\\')[:28].strip()
    name, i = clean, 2
    while name in used:
        name, i = f"{clean[:26]} {i}", i + 1
    used.add(name)
    return name


def _rules_sheet(sheet, data: dict) -> None:
    """The house's rules in the period: per sector, one column per version of the rules."""
    from openpyxl.styles import Font

    sheet.append([_("Husets regler i perioden")])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Reglerne, som de gjaldt i perioden; er en regel ændret i perioden, står hver version med "
                    "den dato, den gjaldt fra.")])
    for table in rules_tables(rules=data.get("rules", {})):
        sheet.append([])
        sheet.append([table.label, table.bed_set])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(table.columns)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([row[0], *[text for text, _changed in row[1:]]])
        for change in table.changes:
            sheet.append([change])
    sheet.column_dimensions["A"].width = 34
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 34


def _trends_sheet(sheet, trends, data: dict) -> None:
    """Udvikling: per sector the key figures, one column per period; numbers stay numbers."""
    from openpyxl.styles import Font

    sheet.append([_("Udvikling")])
    sheet["A1"].font = Font(bold=True)
    raw = data["tables"]["trends"]
    keys = [p["key"] for p in raw["periods"]]
    for sector, label, rows in trends.sectors:
        sheet.append([])
        sheet.append([label, *trends.columns[1:]])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for name, row in rows:
            values = raw[sector].get(name, {})
            sheet.append([row[0], *[values[k] if _is_number(values.get(k)) else text
                                    for k, text in zip(keys, row[1:], strict=True)]])
    sheet.append([])
    sheet.append([trends.footnote])
    sheet.column_dimensions["A"].width = 42
    for letter in "BCDEFGHIJK":
        sheet.column_dimensions[letter].width = 16


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def render_xlsx(*, data: dict, previous: dict | None, notes: dict | None = None) -> bytes:
    """One sheet per table; numbers stay numbers, "<5" and hidden figures ("–") are text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    blocks = report_blocks(data=data, previous=previous)
    book = Workbook()
    cover = book.active
    cover.title = _("Om rapporten")
    cover.append([_("Evalueringsrapport"), data["house_name"]])
    cover.append([_("Periode"), data["period"]["label"], _danish_date(data["period"]["start"]),
                  _danish_date(data["period"]["end"])])
    cover.append([_("Skjul tal under"), data["suppress_below"]])
    if data["suppress_below"] > 1:
        cover.append(["", _("„<%(n)s“: et tal fra 1 til %(m)s. „–“: skjult, for at et lille tal ikke kan regnes "
                            "ud af de andre tal (aldrig 0).") % {"n": data["suppress_below"],
                                                                "m": data["suppress_below"] - 1}])
    cover.append([_("Oprettet"), _danish_date(timezone.localdate())])
    context = _notes_context(notes, data)
    if context["approval"]:
        cover.append([_("Godkendt"), context["approval"]["date"], context["approval"]["by"]])
    if context["revision"]:
        cover.append([_("Revideret"), _("Version %(v)s; erstatter version %(o)s godkendt %(d)s") % {
            "v": context["revision"]["version"], "o": context["revision"]["revises_version"],
            "d": context["revision"]["date"]}])
        for line in context["revision"]["lines"]:
            cover.append(["", line])
    if context["comments"].get("summary"):
        cover.append([_("Ledelsens kommentar"), context["comments"]["summary"]])
    cover["A1"].font = Font(bold=True)
    used = {cover.title}
    kf = key_figures_table(data=data, previous=previous)
    if kf is not None:
        sheet = book.create_sheet(_sheet_title(_("Nøgletal"), used))
        sheet.append([_("Nøgletal")])
        sheet["A1"].font = Font(bold=True)
        sheet.append([])
        sheet.append(kf.columns)
        for row in kf.rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 42
    trends = trend_tables(data=data)
    if trends is not None:
        _trends_sheet(book.create_sheet(_sheet_title(_("Udvikling"), used)), trends, data)
    _rules_sheet(book.create_sheet(_sheet_title(_("Husets regler"), used)), data)
    short = sheet_names()
    columns, rows = data_quality_rows(data=data)
    if rows:
        sheet = book.create_sheet(_sheet_title(short.get("data_quality", _("Datakvalitet")), used))
        sheet.append([_("Datakvalitet")])
        sheet["A1"].font = Font(bold=True)
        sheet.append([str(TABLES["data_quality"].explanation)])
        sheet.append([])
        sheet.append(columns)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([v if isinstance(v, int | float) and not isinstance(v, bool) or v == "" else number(v)
                          for v in row])
        sheet.append([])
        sheet.append([str(TABLES["data_quality"].footnote)])
        sheet.column_dimensions["A"].width = 52
    short = sheet_names()
    for block in blocks:
        sheet = book.create_sheet(_sheet_title(short.get(block.key, block.title), used))
        sheet.append([block.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([block.explanation])
        sheet.append([])
        sheet.append(block.columns)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in block.rows:
            values = [row[0]]
            for c in row[1:]:
                v = c["value"]
                values.append(v if isinstance(v, int | float) and not isinstance(v, bool) else number(v))
            sheet.append(values)
        sheet.append([])
        sheet.append([block.footnote])
        for warning in block.warnings:
            sheet.append([_("Bemærk"), warning])
        if context["comments"].get(block.key):
            sheet.append([_("Ledelsens kommentar"), context["comments"][block.key]])
        sheet.column_dimensions["A"].width = 42
        for letter in "BCDEFG":
            sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
