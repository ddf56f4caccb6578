"""The steering group's trend charts and tables (quarterly, suppressed; see `reporting.dashboard_grid`).

Shaping only: a printed figure is drawn and written, "<N" is written (no bar), a hidden one is "–". No
links: the lists behind the figures are citizen-level data, and a quarter is not a leader's month.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting import charts
from reporting.dashboard_grid import LENGTH_BUCKETS, TURN_AWAY_REASONS, quarter_label


def shown(value) -> str | int:
    """A figure as the table prints it: the count, "<N", or "–"."""
    if value is None:
        return "–"
    return value


def drawn(value) -> int | float | None:
    """A figure as the chart draws it: only printed counts."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _percent(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1f} %".replace(".", ",")
    return shown(value)


def _table(columns: list[str], rows: list[tuple[str, list]]) -> dict:
    return {"columns": columns,
            "rows": [{"label": label, "cells": [(c, None) for c in cells]} for label, cells in rows]}


def grid_charts(*, data: dict, sectors: list[str], sector_label, reason_label) -> list[dict]:
    """Chart cards in the same shape as the leaders' (`reporting.dashboard.trend_charts._trend_charts`)."""
    labels = [quarter_label(k) for k in data["quarters"]]

    def series(values_by_sector: dict) -> list[charts.Series]:
        return [charts.Series(s, sector_label(s), [drawn(v) for v in values_by_sector[s]]) for s in sectors]

    def rows(values_by_sector: dict) -> list[tuple[str, list]]:
        return [(sector_label(s), [shown(v) for v in values_by_sector[s]]) for s in sectors]

    result = [{
        "id": "occupancy", "title": _("Belægning pr. kvartal"),
        "note": _("Optagne sengenætter / tilgængelige sengenætter (spærrede senge tæller ikke som "
                  "tilgængelige). Samme definition for begge sektorer."),
        "svg": charts.line_chart(chart_id="ch-occupancy", title=_("Belægning pr. kvartal (%)"), categories=labels,
                                 series=series(data["occupancy"]), unit=" %", y_max=100),
        "table": _table(labels, [(sector_label(s), [_percent(v) for v in data["occupancy"][s]]) for s in sectors]),
    }, {
        "id": "stays", "title": _("Ophold pr. kvartal"),
        "note": _("Almindelige ophold der blev til noget, efter ankomstkvartal."),
        "svg": charts.bar_chart(chart_id="ch-stays", title=_("Ophold pr. kvartal"), categories=labels,
                                series=series(data["stays"])),
        "table": _table(labels, rows(data["stays"])),
    }, {
        "id": "citizens", "title": _("Forskellige borgere pr. kvartal"),
        "note": _("Antal forskellige borgere med mindst ét ophold i kvartalet."),
        "svg": charts.bar_chart(chart_id="ch-citizens", title=_("Forskellige borgere pr. kvartal"),
                                categories=labels, series=series(data["citizens"])),
        "table": _table(labels, rows(data["citizens"])),
    }]
    buckets = [_("%(n)s nætter") % {"n": b} for b in LENGTH_BUCKETS]
    latest = len(labels) - 1
    result.append({
        "id": "length", "title": _("Opholdslængde"),
        "note": _("Almindelige ophold pr. kvartal fordelt på antal nætter; figuren viser det seneste kvartal."),
        "svg": charts.bar_chart(chart_id="ch-length", title=_("Opholdslængde (nætter), %(q)s") % {"q": labels[-1]},
                                categories=buckets,
                                series=[charts.Series(s, sector_label(s),
                                                      [drawn(v) for v in data["length_mix"][s][latest]])
                                        for s in sectors]),
        "table": _table(buckets, [(f"{sector_label(s)} {labels[i]}", [shown(v) for v in data["length_mix"][s][i]])
                                  for s in sectors for i in range(len(labels))]),
    })
    contract_series, contract_rows = [], []
    for key, word in (("new", _("nye")), ("ended", _("afsluttede"))):
        for s in sectors:
            name = f"{sector_label(s)} {word}"
            contract_series.append(charts.Series(s if key == "new" else f"{s}-ended", name,
                                                 [drawn(v) for v in data["contracts"][key][s]]))
            contract_rows.append((name, [shown(v) for v in data["contracts"][key][s]]))
    result.append({
        "id": "contracts", "title": _("Nye og afsluttede kontrakter"),
        "note": _("Brugerstyrede kontrakter bevilget og afsluttet pr. kvartal."),
        "svg": charts.bar_chart(chart_id="ch-contracts", title=_("Nye og afsluttede kontrakter pr. kvartal"),
                                categories=labels, series=contract_series),
        "table": _table(labels, contract_rows),
    })
    ta = data["turned_away"]
    result.append({
        "id": "turned-away", "title": _("Afviste henvendelser"),
        "note": _("Henvendelser om ophold der blev afvist, pr. kvartal, og årsagerne pr. kvartal."),
        "svg": charts.bar_chart(chart_id="ch-turned", title=_("Afviste henvendelser pr. kvartal"), categories=labels,
                                series=series(ta["per_quarter"])),
        "table": _table(labels, rows(ta["per_quarter"])),
        "extra_title": _("Årsager pr. kvartal"),
        "extra_table": _table([reason_label(r) for r in TURN_AWAY_REASONS],
                              [(f"{sector_label(s)} {labels[i]}", [shown(v) for v in ta["reasons"][s][i]])
                               for s in sectors for i in range(len(labels))]),
    })
    mirror = data.get("mirror") or {}
    if mirror.get("cohorts"):
        result.append(_mirror_card(mirror, sectors, sector_label))
    values = data.get("activity_attendance")
    if values is not None:
        result.append({
            "id": "attendance", "title": _("Fremmøde til aktiviteter"),
            "note": _("Deltagere i husets aktiviteter pr. kvartal (begge sektorer)."),
            "svg": charts.bar_chart(chart_id="ch-attendance", title=_("Fremmøde til aktiviteter pr. kvartal"),
                                    categories=labels,
                                    series=[charts.Series("total", _("I alt"), [drawn(v) for v in values])]),
            "table": _table(labels, [(_("I alt"), [shown(v) for v in values])]),
        })
    return result


def _mirror_card(mirror: dict, sectors: list[str], sector_label) -> dict:
    cohorts = [quarter_label(k) for k in mirror["cohorts"]]
    chart_series, rows = [], []
    for s in sectors:
        m = mirror[s]
        chart_series.append(charts.Series(f"{s}-before", _("%(sector)s før") % {"sector": sector_label(s)},
                                          [drawn(v) for v in m["bed_days_before"]]))
        chart_series.append(charts.Series(s, _("%(sector)s efter") % {"sector": sector_label(s)},
                                          [drawn(v) for v in m["bed_days_after"]]))
        for key, label in (("citizens", _("borgere")), ("admissions_before", _("indlæggelser før")),
                           ("admissions_after", _("indlæggelser efter")), ("bed_days_before", _("sengedage før")),
                           ("bed_days_after", _("sengedage efter")), ("house_nights_after", _("nætter i huset efter"))):
            rows.append((f"{sector_label(s)}: {label}", [shown(v) for v in m[key]]))
    return {
        "id": "mirror", "title": _("Spejlbillede: indlæggelser før og efter kontrakten"),
        "note": _("Borgere hvis første kontrakt i sektoren blev bevilget i kvartalet: sengedage i psykiatrien i "
                  "året før og året efter bevillingen. De seneste fire kvartaler med nye kontrakter, hvor året "
                  "efter er gået for alle. Små kohorter viser kun antallet af borgere."),
        "svg": charts.bar_chart(chart_id="ch-mirror", title=_("Sengedage før og efter kontrakten"),
                                categories=cohorts, series=chart_series),
        "table": _table(cohorts, rows),
    }
