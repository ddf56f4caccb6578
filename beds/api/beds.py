"""Bed availability per night, without names."""

from __future__ import annotations

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import selectors
from beds.api._common import E400, E404, HOUSE, _date_param
from psykiatrihus.api import house_access
from psykiatrihus.models import Sector

MAX_AVAILABILITY_DAYS = 92


class NightSerializer(serializers.Serializer):
    date = serializers.DateField()
    state = serializers.ChoiceField(choices=["free", "occupied", "blocked"])


class BedAvailabilitySerializer(serializers.Serializer):
    bed = serializers.CharField()
    sector = serializers.ChoiceField(choices=Sector.choices)
    may_be_faerdigbehandling = serializers.BooleanField()
    nights = NightSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer):
    house = serializers.CharField()
    to = serializers.DateField()
    beds = BedAvailabilitySerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields


class AvailabilityView(APIView):
    """Free / booked / occupied / blocked per bed and night, without names (any member of the house)."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("from", OpenApiTypes.DATE, description="Første nat "
                                                       "(standard: i dag)"),
                               OpenApiParameter("to", OpenApiTypes.DATE, description="Sidste nat, inklusive "
                                                f"(standard: 14 nætter; højst {MAX_AVAILABILITY_DAYS} nætter, "
                                                "længere perioder afkortes; før `from` giver ingen nætter)")],
                   responses={200: AvailabilitySerializer, 400: E400, 404: E404})
    def get(self, request):
        house, access = house_access(request, request.query_params.get("house"))
        start = _date_param(request, "from", datetime.date.today())
        end = _date_param(request, "to", start + datetime.timedelta(days=13))
        end = min(end, start + datetime.timedelta(days=MAX_AVAILABILITY_DAYS - 1))
        beds = selectors.availability(house=house, start=start, end=end) if end >= start else []
        return Response({"house": house.slug, "from": start, "to": end, "beds": beds})
