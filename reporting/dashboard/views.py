"""The dashboard's pages: the house at a glance, and the records behind one figure (every row read is
audited). Thin: the selectors compute, the other modules of `reporting.dashboard` shape."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from psykiatrihus.scoping import Access
from psykiatrihus.sections import sections_render
from psykiatrihus.services import audit_log_many
from reporting.dashboard.labels import month_label, reason_label, sector_label
from reporting.dashboard.now import _faerdigbehandling_list, _now_context, _rules_context
from reporting.dashboard.scope import _months_param, sees_now
from reporting.dashboard.trend_charts import _trend_charts
from reporting.dashboard_grid import quarter_label
from reporting.dashboard_grid_charts import grid_charts
from reporting.dashboard_selectors import (
    LIST_LIMIT,
    SECTORS,
    TREND_WINDOWS,
    dashboard_now,
    fb_days_left,
    house_today,
    list_rows,
)
from reporting.dashboard_services import dashboard_trends_cached


def dashboard(request):
    """One house at a glance: tonight and the week ahead, and the trends behind it."""
    access: Access = request.access
    if not access.sees_dashboard or access.house is None:
        raise PermissionDenied
    months = _months_param(request)
    sector = request.GET.get("sector", "")
    sectors = [s for s in SECTORS if s in access.aggregate_sectors and (not sector or s == sector)]
    if not sectors:
        sectors = [s for s in SECTORS if s in access.aggregate_sectors]
        sector = ""
    context: dict = {"months": months, "windows": TREND_WINDOWS, "sector": sector,
                     "sector_choices": [(s, sector_label(s)) for s in SECTORS if s in access.aggregate_sectors],
                     "show_now": sees_now(access)}
    context["rules"] = _rules_context(access=access, sectors=sectors)
    if context["show_now"]:
        now = dashboard_now(house=access.house, sectors=sectors)
        context["now"] = _now_context(access=access, now=now, sectors=sectors)
        if access.sees_citizens and "kommune" in sectors:
            context["fb_list"] = _faerdigbehandling_list(request=request, access=access,
                                                         today=context["now"]["today"])
        # Parts other apps contribute to the leader's "now" (e.g. stays awaiting a leader's decision).
        context["now_sections"] = sections_render(page="dashboard_now", request=request, sectors=sectors)
    raw = access.may_see_raw_figures
    data, computed_at = dashboard_trends_cached(house=access.house, months=months, raw=raw)
    if raw:
        context["trends"] = _trend_charts(access=access, data=data, sectors=sectors)
    else:
        context["trends"] = grid_charts(data=data, sectors=sectors, sector_label=sector_label,
                                        reason_label=reason_label)
        context["grid"] = {"below": data["suppress_below"], "largest_small": data["suppress_below"] - 1,
                           "quarters": len(data["quarters"]),
                           "withheld": [quarter_label(k) for k in data["withheld"]]}
    context["computed_at"] = computed_at
    context["age_minutes"] = max(0, int((timezone.now() - computed_at).total_seconds() // 60))
    context["occupancy_missing"] = data.get("occupancy") is None
    return render(request, "reporting/dashboard.html", context)


LIST_TITLES = {
    "in_house": gettext_lazy("Borgere i huset nu"),
    "arrivals": gettext_lazy("Ankomster i dag"),
    "departures": gettext_lazy("Afrejser i dag"),
    "turned_away_week": gettext_lazy("Afviste henvendelser i denne uge"),
    "followups_overdue": gettext_lazy("Opfølgninger der er overskredet"),
    "followups_soon": gettext_lazy("Opfølgninger inden for 30 dage"),
    "contracts_expiring": gettext_lazy("Kontrakter tæt på udløb"),
    "faerdigbehandling": gettext_lazy("Færdigbehandlingsophold"),
    "stays_month": gettext_lazy("Ophold med ankomst i måneden"),
    "contracts_new_month": gettext_lazy("Kontrakter bevilget i måneden"),
    "contracts_ended_month": gettext_lazy("Kontrakter afsluttet i måneden"),
    "turned_away_month": gettext_lazy("Afviste henvendelser i måneden"),
    "waiting": gettext_lazy("Venteliste nu"),
}


def dashboard_list(request, figure: str):
    """The records behind one figure, within the viewer's sector scope; every row read is audited."""
    access: Access = request.access
    if not access.sees_dashboard or not access.sees_citizens or not sees_now(access):
        raise PermissionDenied
    sector = request.GET.get("sector") or None
    if sector is not None and sector not in access.citizen_sectors:
        raise Http404
    today = house_today(house=access.house)
    try:
        kind, qs = list_rows(access=access, figure=figure, sector=sector, today=today,
                             month=request.GET.get("month"))
        rows = list(qs[:LIST_LIMIT])
    except ValueError as exc:
        raise Http404 from exc
    audit_log_many(user=request.user, action="read", objects=[r for r in rows if getattr(r, "citizen_id", None)],
                   house=access.house, detail=f"dashboard:{figure}", citizen_attr="citizen_id")
    month = request.GET.get("month")
    return render(request, "reporting/dashboard_list.html", {
        "figure": figure, "title": LIST_TITLES[figure], "kind": kind, "rows": rows,
        "sector_label": sector_label(sector) if sector else "", "month_label": month_label(month) if month else "",
        "truncated": len(rows) == LIST_LIMIT, "today": today,
        "fb_rows": [(r, fb_days_left(arrival_date=r.arrival_date, today=today)) for r in rows]
        if figure == "faerdigbehandling" else None,
        "waiting_rows": _waiting_rows(rows) if kind == "waiting" else None,
    })


def _waiting_rows(entries: list) -> list[tuple[int, object, float]]:
    """(place in line within its sector, entry, days waited so far)."""
    now = timezone.now()
    places: dict[str, int] = {}
    rows = []
    for entry in entries:
        places[entry.sector] = places.get(entry.sector, 0) + 1
        rows.append((places[entry.sector], entry, round((now - entry.requested_at).total_seconds() / 86400, 1)))
    return rows
