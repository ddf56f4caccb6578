"""The Nøgletal page: per sector, the period, the same period a year before and the change."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reporting.key_figures import not_applicable
from reporting.report_layout.cells import STRUCTURAL, is_number, number, sector_label


def _key_figure_names() -> dict[str, str]:
    return {
        "stays": _("Ophold"), "unique_citizens": _("Unikke borgere"), "nights": _("Nætter"),
        "occupancy_percent": _("Belægning (%)"), "contracts_in_force": _("Kontrakter i kraft ved periodens slutning"),
        "new_contracts": _("Nye kontrakter"), "turned_away_percent": _("Afviste henvendelser (%)"),
        "followups_overdue": _("Opfølgninger over tid ved periodens slutning"),
    }


@dataclass
class KeyFigures:
    """The Nøgletal page: per sector a column for the period, the year before and the change."""

    columns: list[str]
    rows: list[list[str]]


def key_figures_table(*, data: dict, previous: dict | None) -> KeyFigures | None:
    figures = (data.get("tables") or {}).get("key_figures")
    if not figures:
        return None
    names = _key_figure_names()
    this_label = data["period"]["label"]
    prev_label = previous["period"]["label"] if previous else _("året før")
    sectors = [s for s in ("kommune", "region") if s in figures]
    columns = [""]
    for sector in sectors:
        columns += [f"{sector_label(sector)} {this_label}", prev_label, _("Ændring")]
    keys = [k for k in names if any(k in figures[s] for s in sectors)]
    tables, before = data.get("tables") or {}, (previous or {}).get("tables") or {}
    rows = []
    for key in keys:
        row = [names[key]]
        for sector in sectors:
            cell = figures[sector].get(key)
            if cell is None:
                row += [STRUCTURAL, STRUCTURAL, ""]
                continue
            # "·" where the figure cannot exist (a share of nothing, no table that year), "–" only where hidden
            value = STRUCTURAL if not_applicable(tables=tables, key=key, sector=sector) else cell["value"]
            prior = "" if not previous else STRUCTURAL if not_applicable(tables=before, key=key, sector=sector) \
                else number(cell["previous"])
            change = cell["change"] if value != STRUCTURAL and prior != STRUCTURAL else None
            sign = "+" if is_number(change) and change > 0 else ""
            row += [number(value), prior, f"{sign}{number(change)}" if change is not None else ""]
        rows.append(row)
    return KeyFigures(columns=columns, rows=rows)


def key_figure_names() -> dict[str, str]:
    """The key figures' Danish names, as the Nøgletal page writes them."""
    return _key_figure_names()
