"""The leaders' trend charts (raw monthly figures): one card per figure with its SVG chart and the same
figures as a table, linked to the lists behind them where the viewer's scope allows. Those without raw
figures get the suppressed quarters instead (`reporting.dashboard_grid_charts`, same card shape)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from psykiatrihus.scoping import Access
from reporting import charts
from reporting.dashboard.labels import month_label, reason_label, sector_label
from reporting.dashboard.scope import _list_url
from reporting.dashboard_selectors import LENGTH_BUCKETS, TURN_AWAY_REASONS


def _table(columns: list[str], rows: list[tuple[str, list]]) -> dict:
    """A data table: rows of (label, [cell]); a cell is a value or (value, url)."""
    return {"columns": columns, "rows": [
        {"label": label, "cells": [c if isinstance(c, tuple) else (c, None) for c in cells]} for label, cells in rows
    ]}


def _trend_charts(*, access: Access, data: dict, sectors: list[str]) -> list[dict]:
    months = data["months"]
    labels = [month_label(m) for m in months]

    def series(values_by_sector: dict) -> list[charts.Series]:
        return [charts.Series(s, sector_label(s), values_by_sector[s]) for s in sectors]

    def linked(values_by_sector: dict, figure: str | None) -> list[tuple[str, list]]:
        rows = []
        for s in sectors:
            cells = []
            for m, v in zip(months, values_by_sector[s], strict=True):
                url = _list_url(figure, s, access, month=m) if figure and v else None
                cells.append((v, url))
            rows.append((sector_label(s), cells))
        return rows

    result = []
    if data.get("occupancy") is not None:
        occ = data["occupancy"]
        result.append({
            "id": "occupancy", "title": _("Belægning pr. måned"),
            "note": _("Optagne sengenætter / tilgængelige sengenætter (spærrede senge tæller ikke som "
                      "tilgængelige). Samme definition for begge sektorer."),
            "svg": charts.line_chart(chart_id="ch-occupancy", title=_("Belægning pr. måned (%)"), categories=labels,
                                     series=series(occ), unit=" %", y_max=100),
            "table": _table(labels, [(sector_label(s), [("–" if v is None else f"{v:.1f} %".replace(".", ","))
                                                         for v in occ[s]]) for s in sectors]),
        })
    result.append({
        "id": "stays", "title": _("Ophold pr. måned"),
        "note": _("Almindelige ophold der blev til noget, efter ankomstmåned."),
        "svg": charts.bar_chart(chart_id="ch-stays", title=_("Ophold pr. måned"), categories=labels,
                                series=series(data["stays"])),
        "table": _table(labels, linked(data["stays"], "stays_month")),
    })
    result.append({
        "id": "citizens", "title": _("Forskellige borgere pr. måned"),
        "note": _("Antal forskellige borgere med mindst ét ophold i måneden."),
        "svg": charts.bar_chart(chart_id="ch-citizens", title=_("Forskellige borgere pr. måned"), categories=labels,
                                series=series(data["citizens"])),
        "table": _table(labels, linked(data["citizens"], "stays_month")),
    })
    buckets = [_("%(n)s nætter") % {"n": b} for b in LENGTH_BUCKETS]
    result.append({
        "id": "length", "title": _("Opholdslængde"),
        "note": _("Almindelige ophold i hele perioden fordelt på antal nætter."),
        "svg": charts.bar_chart(chart_id="ch-length", title=_("Opholdslængde (nætter)"), categories=buckets,
                                series=series(data["length_mix"])),
        "table": _table(buckets, [(sector_label(s), data["length_mix"][s]) for s in sectors]),
    })
    contract_series = []
    for s in sectors:
        contract_series.append(charts.Series(s, _("%(sector)s nye") % {"sector": sector_label(s)},
                                             data["contracts"]["new"][s]))
    for s in sectors:
        contract_series.append(charts.Series(f"{s}-ended", _("%(sector)s afsluttede") % {"sector": sector_label(s)},
                                             data["contracts"]["ended"][s]))
    rows = [(_("%(sector)s nye") % {"sector": sector_label(s)}, cells)
            for (_label, cells), s in zip(linked(data["contracts"]["new"], "contracts_new_month"), sectors,
                                          strict=True)]
    rows += [(_("%(sector)s afsluttede") % {"sector": sector_label(s)}, cells)
             for (_label, cells), s in zip(linked(data["contracts"]["ended"], "contracts_ended_month"), sectors,
                                           strict=True)]
    result.append({
        "id": "contracts", "title": _("Nye og afsluttede kontrakter"),
        "note": _("Brugerstyrede kontrakter bevilget og afsluttet pr. måned."),
        "svg": charts.bar_chart(chart_id="ch-contracts", title=_("Nye og afsluttede kontrakter pr. måned"),
                                categories=labels, series=contract_series),
        "table": _table(labels, rows),
    })
    ta = data["turned_away"]
    result.append({
        "id": "turned-away", "title": _("Afviste henvendelser"),
        "note": _("Henvendelser om ophold der blev afvist, pr. måned; årsagerne for hele perioden står i "
                  "tabellen."),
        "svg": charts.bar_chart(chart_id="ch-turned", title=_("Afviste henvendelser pr. måned"), categories=labels,
                                series=series(ta["per_month"])),
        "table": _table(labels, linked(ta["per_month"], "turned_away_month")),
        "extra_table": _table([reason_label(r) for r in TURN_AWAY_REASONS],
                              [(sector_label(s), ta["reasons"][s]) for s in sectors]),
    })
    if data.get("mirror") and data["mirror"]["cohorts"]:  # a house with no cohort yet has nothing to show
        result.append(_mirror_chart(data["mirror"], sectors))
    if data.get("activity_attendance") is not None:
        values = data["activity_attendance"]
        result.append({
            "id": "attendance", "title": _("Fremmøde til aktiviteter"),
            "note": _("Deltagere i husets aktiviteter pr. måned (begge sektorer)."),
            "svg": charts.bar_chart(chart_id="ch-attendance", title=_("Fremmøde til aktiviteter pr. måned"),
                                    categories=labels, series=[charts.Series("total", _("I alt"), values)]),
            "table": _table(labels, [(_("I alt"), values)]),
        })
    return result


def _mirror_chart(mirror: dict, sectors: list[str]) -> dict:
    """Bed-days in psychiatric wards the year before and the year after the first contract, per quarterly
    cohort and sector, with the admissions, the cohort's size and its nights in the house in the table."""
    cohorts = mirror["cohorts"]
    chart_series, rows = [], []
    for s in sectors:
        m = mirror[s]
        chart_series.append(charts.Series(f"{s}-before", _("%(sector)s før") % {"sector": sector_label(s)},
                                          m["bed_days_before"]))
        chart_series.append(charts.Series(s, _("%(sector)s efter") % {"sector": sector_label(s)},
                                          m["bed_days_after"]))
        for key, label in (("citizens", _("borgere")), ("admissions_before", _("indlæggelser før")),
                           ("admissions_after", _("indlæggelser efter")), ("bed_days_before", _("sengedage før")),
                           ("bed_days_after", _("sengedage efter")), ("house_nights_after", _("nætter i huset efter"))):
            rows.append((f"{sector_label(s)}: {label}", ["–" if v is None else v for v in m[key]]))
    return {
        "id": "mirror", "title": _("Spejlbillede: indlæggelser før og efter kontrakten"),
        "note": _("Borgere hvis første kontrakt i sektoren blev bevilget i kvartalet: sengedage i psykiatrien i "
                  "året før og året efter bevillingen. De seneste fire kvartaler med nye kontrakter, hvor året "
                  "efter er gået for alle. Små kohorter viser kun antallet af borgere."),
        "svg": charts.bar_chart(chart_id="ch-mirror", title=_("Sengedage før og efter kontrakten"),
                                categories=cohorts, series=chart_series),
        "table": _table(cohorts, rows),
    }
