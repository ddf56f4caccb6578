"""The leader dashboard (HTML) and its JSON API. Thin: selectors compute, these only shape for display.

Who sees what (decided here, enforced through `Access`):
- leaders: the "now" part (aggregates of both sectors) and the trends; the lists behind the figures only
  for the sectors of their citizen-level scope (a sector leader links into their own sector only);
- steering group members and administrators (superusers): the trends only, no "now" part, no lists;
- municipal/regional staff, peers and anyone else: 403 (their daily tool is the bed board; the dashboard
  is a leadership view). The API answers 404 for a house the user does not work in, 403 otherwise.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from psykiatrihus.api import ErrorSerializer, house_access
from psykiatrihus.models import Sector
from psykiatrihus.scoping import Access
from psykiatrihus.sections import sections_render
from psykiatrihus.services import audit_log_many
from reporting import charts
from reporting.dashboard_grid import quarter_label
from reporting.dashboard_grid_charts import grid_charts
from reporting.dashboard_selectors import (
    LENGTH_BUCKETS,
    LIST_LIMIT,
    SECTORS,
    TREND_WINDOWS,
    TURN_AWAY_REASONS,
    dashboard_now,
    fb_days_left,
    house_today,
    list_rows,
    now_rules,
)
from reporting.dashboard_services import dashboard_trends_cached

MONTH_NAMES = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
WEEKDAYS = ["man", "tir", "ons", "tor", "fre", "lør", "søn"]
DEFAULT_MONTHS = 12
# Bed states; the same colours as the legend in app.css (.legend-*).
BED_COLOURS = {"occupied": "#c8553d", "booked": "#e0a800", "blocked": "#8a939b", "free": "#3f8f4f"}


def sector_label(sector: str) -> str:
    return {"kommune": _("Kommune"), "region": _("Region")}.get(sector, sector)


def reason_label(reason: str) -> str:
    return {"no_bed": _("Ingen ledig seng"), "not_eligible": _("Ikke egnet"),
            "no_contract": _("Ingen gyldig kontrakt"), "other": _("Andet")}.get(reason, reason)


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year[2:]}"


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def sees_now(access: Access) -> bool:
    return access.is_leader


def _live_below(access: Access) -> int:
    """The threshold for today's live counts outside "now": none for those who see them as counted."""
    return 0 if access.sees_small_live_counts else access.house.small_number_threshold


def _list_url(figure: str, sector: str, access: Access, **params) -> str | None:
    """The list behind a figure, or None when it lies outside the viewer's citizen-level scope."""
    if sector not in access.citizen_sectors:
        return None
    return reverse("reporting:dashboard_list", args=[figure]) + "?" + urlencode({"sector": sector, **params})


def _only(data, sectors: set[str]):
    """Drop every sector the viewer may not see aggregates of (keys named after sectors)."""
    if isinstance(data, dict):
        return {k: _only(v, sectors) for k, v in data.items() if k not in SECTORS or k in sectors}
    return data


def _months_param(request) -> int:
    try:
        months = int(request.GET.get("months", DEFAULT_MONTHS))
    except ValueError:
        return DEFAULT_MONTHS
    return months if months in TREND_WINDOWS else DEFAULT_MONTHS


# --- page building ---------------------------------------------------------------------------------


def _now_context(*, access: Access, now: dict, sectors: list[str]) -> dict:
    today = datetime.date.fromisoformat(now["today"])
    bed_rows = []
    for sector in sectors:
        nights = []
        for row in now["beds"][sector]:
            night = datetime.date.fromisoformat(row["night"])
            label = _("I nat") if night == today else f"{WEEKDAYS[night.weekday()]} {night.day}/{night.month}"
            bar = charts.stacked_bar(
                chart_id=f"beds-{sector}-{row['night']}",
                title=_("%(sector)s %(night)s: %(occ)s optaget, %(booked)s booket, %(blocked)s spærret, "
                        "%(free)s ledige") % {"sector": sector_label(sector), "night": label,
                                              "occ": row["occupied"], "booked": row["booked"],
                                              "blocked": row["blocked"], "free": row["free"]},
                segments=[(_("Optaget"), BED_COLOURS["occupied"], row["occupied"]),
                          (_("Booket"), BED_COLOURS["booked"], row["booked"]),
                          (_("Spærret"), BED_COLOURS["blocked"], row["blocked"]),
                          (_("Ledig"), BED_COLOURS["free"], row["free"])],
            )
            nights.append({**row, "label": label, "bar": bar})
        bed_rows.append({"sector": sector, "label": sector_label(sector), "nights": nights,
                         "tonight": nights[0], "in_house_url": _list_url("in_house", sector, access)})
    cards = []
    for sector in sectors:
        mv, ta, ct = now["movements"][sector], now["turned_away_week"][sector], now["contracts"][sector]
        cards.append({
            "sector": sector, "label": sector_label(sector),
            "arrivals": mv["arrivals"], "arrived": mv["arrived"], "arrivals_url": _list_url("arrivals", sector, access),
            "departures": mv["departures"], "departed": mv["departed"],
            "departures_url": _list_url("departures", sector, access),
            "turned_away": ta["total"], "turned_away_url": _list_url("turned_away_week", sector, access),
            "reasons": [(reason_label(r), ta["reasons"][r]) for r in TURN_AWAY_REASONS if ta["reasons"][r]],
            "overdue": ct["overdue"], "overdue_url": _list_url("followups_overdue", sector, access),
            "soon": ct["soon"], "soon_url": _list_url("followups_soon", sector, access),
            "expiring": ct["expiring"], "paused": ct["paused"],
            "expiring_url": _list_url("contracts_expiring", sector, access),
        })
    return {"today": today, "week_start": datetime.date.fromisoformat(now["week_start"]), "bed_rows": bed_rows,
            "cards": cards, "fb": now["faerdigbehandling"], "followup_list_url": _url("contracts:followup_list"),
            "board_url": _url("beds:board")}


def _rules_context(*, access: Access, sectors: list[str]) -> list[dict]:
    """The rules in force today, one line per sector, and the waiting list where the rules use one (the
    list behind the figure only for the viewer's citizen-level sectors)."""
    rules = now_rules(house=access.house, sectors=sectors, today=house_today(house=access.house),
                      suppress_below=_live_below(access))
    rows = []
    for sector, entry in rules.items():
        waiting = entry["waiting_list"]
        url = _list_url("waiting", sector, access) if waiting and sees_now(access) else None
        text = entry["text"].removeprefix(f"{Sector(sector).label}: ")  # the badge names the sector
        rows.append({"sector": sector, "label": sector_label(sector), "text": text, "waiting": waiting,
                     "waiting_url": url})
    return rows


def _faerdigbehandling_list(*, request, access: Access, today: datetime.date) -> list[dict]:
    """Færdigbehandling stays by name with days left (citizen level: only in scope, audited)."""
    _kind, qs = list_rows(access=access, figure="faerdigbehandling", sector=None, today=today)
    stays = list(qs[:20])
    audit_log_many(user=request.user, action="read", objects=stays, house=access.house,
                   detail="dashboard:faerdigbehandling", citizen_attr="citizen_id")
    return [{"stay": s, "days_left": fb_days_left(arrival_date=s.arrival_date, today=today),
             "limit": s.arrival_date} for s in stays]


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


# --- API -------------------------------------------------------------------------------------------


class DashboardSerializer(serializers.Serializer):
    """The response of `/api/v1/dashboard/` (aggregates only, never names). The nested figures are keyed by
    sector ("kommune"/"region") and month ("YYYY-MM"); their fields are described in dashboard_selectors."""

    house = serializers.CharField(help_text="Husets kortnavn")
    months = serializers.ChoiceField(choices=list(TREND_WINDOWS), help_text="Trendperiode i måneder")
    computed_at = serializers.DateTimeField(help_text="Hvornår trendtallene blev beregnet (cache)")
    trends = serializers.DictField(help_text="Trends pr. figur: months, today, occupancy, length_mix, contracts, "
                                             "turned_away, activity_attendance (kun sektorer brugeren må se). "
                                             "Roller uden rå tal (styregruppen) får hele kvartaler med skjulte "
                                             "småtal som rapporterne: grid=true, quarters (\"2026-Q3\"), "
                                             "suppress_below, withheld; et tal er et heltal, \"<N\" (1 til N−1) "
                                             "eller null (\"–\", skjult så småtallene ikke kan regnes ud)")
    rules = serializers.DictField(help_text="Husets regler i dag pr. sektor: text, valid_from, waiting_list "
                                            "(waiting, placed_90d, median_days_90d). Roller uden rå tal "
                                            "(styregruppen) får et tal fra 1 til N−1 som \"<N\" og ingen median "
                                            "(null) af færre end N ventetider; 0 er 0")
    now = serializers.DictField(required=False, help_text="Situationen nu (ikke for styregruppen): today, "
                                                          "week_start, beds, movements, turned_away_week, "
                                                          "contracts, faerdigbehandling")


@extend_schema(
    parameters=[OpenApiParameter("house", {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,50}$"}, required=True,
                                 description="Husets kortnavn, fx aarhus"),
                OpenApiParameter("months", int, enum=list(TREND_WINDOWS), description="Trendperiode i måneder")],
    responses={200: DashboardSerializer,
               400: OpenApiResponse(OpenApiTypes.OBJECT, description="Fejl pr. felt: house eller months."),
               401: OpenApiResponse(ErrorSerializer, description="Ikke logget ind."),
               403: OpenApiResponse(ErrorSerializer, description="Rollen giver ikke adgang til overblikket."),
               404: OpenApiResponse(ErrorSerializer, description="Huset findes ikke for brugeren.")},
)
@api_view(["GET"])
def dashboard_api(request):
    """The dashboard's figures as JSON (aggregates only; never names). Same rules as the page."""
    slug = request.query_params.get("house")
    if slug and not re.fullmatch(r"[-a-zA-Z0-9_]{1,50}", slug):
        raise exceptions.NotFound(_("Huset findes ikke."))
    house, access = house_access(request, slug)
    if not access.sees_dashboard:
        raise exceptions.PermissionDenied(_("Du har ikke adgang til overblikket."))
    raw_months = request.query_params.get("months", str(DEFAULT_MONTHS))
    if not raw_months.isdigit() or int(raw_months) not in TREND_WINDOWS:
        raise exceptions.ValidationError({"months": [_("Vælg 3, 12 eller 36 måneder.")]})
    months = int(raw_months)
    allowed = set(access.aggregate_sectors)
    data, computed_at = dashboard_trends_cached(house=house, months=months, raw=access.may_see_raw_figures)
    body = {"house": house.slug, "months": months, "computed_at": computed_at.isoformat(),
            "trends": _only(data, allowed)}
    body["rules"] = now_rules(house=house, sectors=allowed, today=house_today(house=house),
                              suppress_below=_live_below(access))
    if sees_now(access):
        body["now"] = _only(dashboard_now(house=house, sectors=sorted(allowed)), allowed)
    return Response(body)
