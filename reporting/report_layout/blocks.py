"""The report's tables as blocks: figures down, this period and the year before across, per sector."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting.report_layout.cells import (
    MONTH_NAMES,
    NA,
    STRUCTURAL,
    Block,
    flatten_figures,
    number,
    row_label,
    row_labels,
    sector_label,
    table_meta,
    value_at,
)
from reporting.report_layout.quality import data_quality_warnings
from reporting.report_layout.series import SERIES_KEYS, series_block


def _share(path: tuple, section: dict) -> float | None:
    """The cell's share of its partition total, when both are shown."""
    stay_totals = {"citizens_by_stays": "unique_citizens", "stays_by_nights": "stays"}
    cell = value_at(section, path)
    if not isinstance(cell, int) or isinstance(cell, bool):
        return None
    if len(path) == 2 and path[0] in stay_totals:
        total = section.get(stay_totals[path[0]])
    elif "counts" in path:
        parent = value_at(section, path[: path.index("counts")])
        total = parent.get("total") if isinstance(parent, dict) else None
    else:
        return None
    if not isinstance(total, int) or total <= 0:
        return None
    return 100.0 * cell / total


def _value(section, path: tuple):
    """A figure of the section; a category a partition does not list is 0; anything else absent is NA."""
    if section is None:
        return NA
    value = section
    for i, p in enumerate(path):
        if not isinstance(value, dict):
            return NA
        if p not in value:
            return 0 if i > 0 and path[i - 1] == "counts" else NA
        value = value[p]
    return value


def _ordered(paths: list[tuple], *, sort_counts: bool = False) -> list[tuple]:
    """Rows in first-seen order (sorted if asked), each partition's total after all of its cells."""
    cells = [p for p in paths if p[-1] != "total"]
    if sort_counts:
        cells.sort()
    for total in (p for p in paths if p[-1] == "total"):
        prefix = total[:-1]
        last = max((i for i, p in enumerate(cells) if p[: len(prefix)] == prefix), default=len(cells) - 1)
        cells.insert(last + 1, total)
    return cells


def _months_aligned(table: dict, previous: dict | None) -> tuple[dict, dict | None]:
    """Stays per month keyed by month name, so a month sits beside the same month a year before."""
    def rekey(source: dict, names: list[str]) -> dict:
        out = {}
        for sector, part in source.items():
            values = list(part["counts"].values())
            out[sector] = {**part, "counts": dict(zip(names, values, strict=False))}
        return out

    months = next(iter(table.values()))["counts"].keys() if table else []
    several_years = len({m[:4] for m in months}) > 1
    names = [f"{MONTH_NAMES[int(m[5:7]) - 1]} {m[:4]}" if several_years else MONTH_NAMES[int(m[5:7]) - 1]
             for m in months]
    return rekey(table, names), (rekey(previous, names) if previous else previous)


def report_blocks(*, data: dict, previous: dict | None) -> list[Block]:
    """Blocks for every table in `data["tables"]`, each value beside the same period a year before."""
    meta = table_meta()
    labels = row_labels()
    this_label = data["period"]["label"]
    prev_label = previous["period"]["label"] if previous else ""
    quality = data["tables"].get("data_quality") or {}
    blocks = []
    for key, table in data["tables"].items():
        if not isinstance(table, dict) or key in OWN_PLACE:
            continue
        title, explanation, footnote = meta.get(key, (labels.get(key, key.replace("_", " ").capitalize()), "", ""))
        prev_table = (previous or {}).get("tables", {}).get(key, {}) if previous else {}
        series = next((k for k in SERIES_KEYS if isinstance(table.get(k), dict)), None)
        if series is not None:
            block = series_block(key=key, table=table, prev_table=prev_table or {}, series=series,
                                  data=data, previous=previous, meta=(title, explanation, footnote),
                                  labels=labels)
            block.warnings = data_quality_warnings(key, quality)
            blocks.append(block)
            continue
        if key == "stays_per_month":
            table, prev_table = _months_aligned(table, prev_table)
        sectors = [s for s in ("kommune", "region") if s in table] or [None]
        columns = [""]
        for sector in sectors:
            name = sector_label(sector) if sector else ""
            columns.append(f"{name} {this_label}".strip())
            if previous:
                columns.append(f"{name} {prev_label}".strip())
        paths: list[tuple] = []
        for sector in sectors:
            for source in (table, prev_table):
                section = source.get(sector) if sector else source
                for path, _v in flatten_figures(section or {}):
                    if path not in paths:
                        paths.append(path)
        paths = _ordered(paths, sort_counts=key == "contracts_by_quarter_granted")
        block = Block(key=key, title=title, explanation=explanation, footnote=footnote, columns=columns)
        for path in paths:
            row: list = [row_label(path, labels)]
            for sector in sectors:
                section = table.get(sector) if sector else table
                row.append({"value": _value(section, path), "share": _share(path, section or {})})
                if previous:
                    prev_section = prev_table.get(sector) if sector else prev_table
                    value = _value(prev_section, path)
                    if _after(path, previous["period"]["end"]):
                        value = STRUCTURAL  # granted after that period: not a zero, it could not exist
                    row.append({"value": value, "share": _share(path, prev_section or {})})
            block.rows.append(row)
        block.warnings = data_quality_warnings(key, quality)
        blocks.append(block)
    return blocks


# Tables the report shows in a place of their own: the Nøgletal page, and data quality as warnings beside the
# tables it concerns (and a sheet of its own in the XLSX).
OWN_PLACE = frozenset({"key_figures", "data_quality", "trends"})


def _after(path: tuple, end: str) -> bool:
    """Whether a row "2021 K1" (a quarter of grant) begins after the period ending on `end`."""
    last = str(path[-1]) if path else ""
    if len(last) != 7 or last[4:6] != " K" or not last[:4].isdigit() or last[6] not in "1234":
        return False
    first_month = 3 * (int(last[6]) - 1) + 1
    return f"{last[:4]}-{first_month:02d}-01" > end


def changes_lines(changes: list[dict]) -> list[str]:
    """A correction's changed figures, one readable line each: "Ophold · Kommune · Nætter: 120 → 123"."""
    meta, labels = table_meta(), row_labels()
    lines = []
    for change in changes:
        if "more" in change:
            lines.append(_("… og %(n)s ændrede tal mere.") % {"n": change["more"]})
            continue
        title = meta.get(change["table"], (labels.get(change["table"], change["table"]),))[0]
        path = tuple(change["path"])
        label = row_label(path, labels) if path else ""
        lines.append(f"{title} · {label}: {number(change['old'])} → {number(change['new'])}")
    return lines
