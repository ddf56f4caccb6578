"""Husene side om side: the page (/rapporter/huse/) and the API (GET /api/v1/reports/side-by-side/).

Same rules for both (`psykiatrihus.scoping`): only a user who compares at least two houses (steering group or
administrator in them, or a superuser) gets the page (else 403); a house named in `hus`/`houses` that the
user may not compare answers 404, exactly like one that does not exist. Figures come from each house's
approved report of the period (`reporting.comparison`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from psykiatrihus.api import ErrorSerializer
from psykiatrihus.scoping import sees_houses_side_by_side
from reporting.comparison import (
    PERIOD_CHOICES,
    HouseColumn,
    HouseNotFound,
    columns_json,
    comparison_period,
    default_period,
    houses_side_by_side,
)
from reporting.report_layout import STRUCTURAL, key_figure_names, number, rule_names, rule_text

PART_LABELS = {"year": gettext_lazy("Hele året"), "h1": gettext_lazy("1. halvår"), "h2": gettext_lazy("2. halvår"),
               "q1": gettext_lazy("1. kvartal"), "q2": gettext_lazy("2. kvartal"), "q3": gettext_lazy("3. kvartal"),
               "q4": gettext_lazy("4. kvartal")}
SLUG_MAX = 50
MAX_HOUSES = 100


class SideBySideForm(forms.Form):
    """The period: a year and a part of it (the grid only: suppressed figures exist for nothing else)."""

    aar = forms.IntegerField(label=gettext_lazy("År"), min_value=2000, max_value=2100)
    periode = forms.ChoiceField(label=gettext_lazy("Periode"), choices=[(p, PART_LABELS[p]) for p in PERIOD_CHOICES])

    def clean(self):
        data = super().clean()
        if data.get("aar") and data.get("periode"):
            period = comparison_period(year=data["aar"], part=data["periode"])
            if period.start > timezone.localdate():
                self.add_error("aar", _("Perioden ligger i fremtiden."))
            else:
                data["period"] = period
        return data


def _slugs(values: list[str]) -> list[str]:
    """House slugs from `hus=a&hus=b` or `houses=a,b`; anything malformed is a house that does not exist."""
    slugs = [s.strip() for v in values for s in v.split(",") if s.strip()]
    if len(slugs) > MAX_HOUSES or any(len(s) > SLUG_MAX for s in slugs):
        raise HouseNotFound(_("Huset findes ikke."))
    return slugs


def _rows(columns: list[HouseColumn]) -> list[dict]:
    """The table for people: a heading row per section, then one row per figure or rule, one cell per house."""
    rows: list[dict] = []
    names = key_figure_names()
    sector_names = {"kommune": _("Kommune"), "region": _("Region")}
    for sector in ("kommune", "region"):
        if not any(sector in c.key_figures for c in columns):
            continue
        rows.append({"heading": _("Nøgletal · %(sector)s") % {"sector": sector_names[sector]}})
        for key, label in names.items():
            if not any(key in c.key_figures.get(sector, {}) for c in columns):
                continue
            cells = []
            for c in columns:
                if c.run is None:
                    cells.append("")
                elif key in c.key_figures.get(sector, {}):
                    cells.append(number(c.key_figures[sector][key]))
                else:
                    cells.append(STRUCTURAL)
            rows.append({"label": label, "cells": cells})
    rules = rule_names()
    for sector in ("kommune", "region"):
        if not any(sector in c.rules for c in columns):
            continue
        rows.append({"heading": _("Regler ved periodens slutning · %(sector)s") % {"sector": sector_names[sector]}})
        beds = []
        for c in columns:
            part = c.rules.get(sector)
            n = (part or {}).get("bed_set", {}).get("beds")
            beds.append("" if c.run is None else STRUCTURAL if n is None else
                        (_("1 seng") if n == 1 else _("%(n)s senge") % {"n": n}))
        rows.append({"label": _("Senge"), "cells": beds})
        for key, label in rules.items():
            cells = []
            for c in columns:
                part = c.rules.get(sector)
                if c.run is None:
                    cells.append("")
                elif part is None:
                    cells.append(STRUCTURAL)
                else:
                    text = rule_text(key, part["version"])
                    cells.append(text + (" " + _("(ændret i perioden)") if key in part["changed"] else ""))
            rows.append({"label": label, "cells": cells, "rule": True})
    return rows


def houses_side_by_side_page(request):
    if not sees_houses_side_by_side(request.user):
        raise PermissionDenied
    year, part = default_period(today=timezone.localdate())
    form = SideBySideForm(request.GET if "aar" in request.GET or "periode" in request.GET
                          else {"aar": year, "periode": part})
    try:
        slugs = _slugs(request.GET.getlist("hus"))
    except HouseNotFound as exc:
        raise Http404 from exc
    columns, rows = [], []
    if form.is_valid():
        period = form.cleaned_data["period"]
        try:
            columns = houses_side_by_side(user=request.user, period=period, slugs=slugs or None)
        except HouseNotFound as exc:
            raise Http404 from exc
        rows = _rows(columns)
    return render(request, "reporting/houses_side_by_side.html", {
        "form": form, "columns": columns, "rows": rows, "slugs": slugs,
        "period": form.cleaned_data.get("period") if form.is_valid() else None,
        "missing": [c.house.name for c in columns if c.run is None],
        "thresholds": sorted({c.suppress_below for c in columns if c.run is not None}),
    })


# --- API ----------------------------------------------------------------------------------------------------


class SideBySideSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=list(PERIOD_CHOICES), help_text="year, h1, h2 eller q1–q4")
    houses = serializers.CharField(required=False, allow_blank=True, max_length=SLUG_MAX * MAX_HOUSES,
                                   help_text="Husenes kortnavne, kommasepareret (standard: alle brugerens)")


class HouseColumnSerializer(serializers.Serializer):
    house = serializers.CharField()
    name = serializers.CharField()
    report = serializers.DictField(allow_null=True, help_text="Den godkendte rapport, tallene er fra (null: ingen)")
    suppress_below = serializers.IntegerField(help_text="Husets grænse: tal fra 1 til N−1 står som \"<N\"")
    key_figures = serializers.DictField(help_text="Sektor → nøgletal → værdi (tal, \"<N\" eller null = skjult)")
    rules = serializers.DictField(help_text="Sektor → senge, regler i kraft ved periodens slutning, ændret i "
                                            "perioden")


class SideBySideResponseSerializer(serializers.Serializer):
    period = serializers.DictField()
    houses = HouseColumnSerializer(many=True)


class HousesSideBySide(APIView):
    """Husene side om side: key figures and rules of each house the user compares, from its approved report of
    the period."""

    @extend_schema(
        operation_id="reports_side_by_side",
        parameters=[OpenApiParameter("year", int, required=True),
                    OpenApiParameter("period", str, required=True, enum=list(PERIOD_CHOICES)),
                    OpenApiParameter("houses", str, description="Kortnavne, kommasepareret")],
        responses={200: SideBySideResponseSerializer,
                   400: OpenApiResponse(OpenApiTypes.OBJECT, description="Fejl pr. felt (danske tekster)."),
                   401: OpenApiResponse(ErrorSerializer, description="Ikke logget ind."),
                   403: OpenApiResponse(ErrorSerializer, description="Brugeren sidder ikke for flere huse."),
                   404: OpenApiResponse(ErrorSerializer, description="Et hus findes ikke for brugeren.")})
    def get(self, request):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not sees_houses_side_by_side(request.user):
            raise exceptions.PermissionDenied(_("Husene side om side er for styregrupper og administratorer, "
                                                "der sidder for flere huse."))
        params = SideBySideSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        period = comparison_period(year=data["year"], part=data["period"])
        if period.start > timezone.localdate():
            raise exceptions.ValidationError({"year": [_("Perioden ligger i fremtiden.")]})
        try:
            slugs = _slugs([data.get("houses") or ""])
            columns = houses_side_by_side(user=request.user, period=period, slugs=slugs or None)
        except HouseNotFound as exc:
            raise exceptions.NotFound(_("Huset findes ikke.")) from exc
        return Response(columns_json(period=period, columns=columns))
