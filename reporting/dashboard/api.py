"""The dashboard's JSON API (`/api/v1/dashboard/`): the same figures and the same rules as the page, aggregates
only, never names."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from psykiatrihus.api import ErrorSerializer, house_access
from reporting.dashboard.scope import DEFAULT_MONTHS, _live_below, _only, sees_now
from reporting.dashboard_selectors import TREND_WINDOWS, dashboard_now, house_today, now_rules
from reporting.dashboard_services import dashboard_trends_cached


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
