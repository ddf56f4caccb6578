"""Requests for a stay (henvendelser): list, record, turn away, withdrawn."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import selectors, services
from beds.api._common import E400, E403, E404, HOUSE, ID, _as_drf, _citizen, _house_slug, _id_param
from beds.models import (
    RequestChannel,
    StayRequest,
    TurnAwayReason,
)
from psykiatrihus.api import WindowDateTimeField, house_access
from psykiatrihus.models import Sector
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log_many


class StayRequestSerializer(serializers.ModelSerializer):
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = StayRequest
        fields = ["id", "house", "sector", "citizen", "channel", "requested_at", "requested_nights", "outcome",
                  "turn_away_reason", "note", "stay"]
        read_only_fields = fields


class StayRequestPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = StayRequestSerializer(many=True)


class StayRequestCreateSerializer(serializers.Serializer):
    house = serializers.SlugField(max_length=50)
    sector = serializers.ChoiceField(choices=Sector.choices)
    channel = serializers.ChoiceField(choices=RequestChannel.choices)
    citizen = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**62)
    requested_at = WindowDateTimeField(required=False, allow_null=True, default=None)
    requested_nights = serializers.IntegerField(min_value=1, max_value=366, default=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class TurnAwaySerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=TurnAwayReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class StayRequestListCreateView(APIView):
    """Requests (henvendelser): list the user's sectors' requests, or record one."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("citizen", int, description="borgerens id (borgerens forløb)")],
                   responses={200: StayRequestPageSerializer, 400: E400, 404: E404})
    def get(self, request):
        house, access = house_access(request, request.query_params.get("house"))
        qs = selectors.stay_requests_visible(access=access).select_related("house")
        citizen_id = _id_param(request, "citizen")
        if citizen_id is not None:
            qs = qs.filter(citizen_id=citizen_id)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        # Citizen ids and free-text notes: every request on the page is a read of citizen-level data.
        audit_log_many(user=request.user, action="read", objects=page, house=house, citizen_attr="citizen_id",
                       detail="api henvendelser")
        return paginator.get_paginated_response(StayRequestSerializer(page, many=True).data)

    @extend_schema(request=StayRequestCreateSerializer,
                   responses={201: StayRequestSerializer, 400: E400, 403: E403, 404: E404})
    def post(self, request):
        house, access = house_access(request, _house_slug(request))
        data = StayRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            req = services.stay_request_record(
                house=house, sector=v["sector"], channel=v["channel"], user=request.user,
                citizen=_citizen(access, v["citizen"]), requested_at=v["requested_at"],
                requested_nights=v["requested_nights"], note=v["note"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(StayRequestSerializer(req).data, status=status.HTTP_201_CREATED)


class StayRequestActionView(APIView):
    action_name = ""

    def post(self, request, pk: int):
        req = StayRequest.objects.select_related("house").filter(pk=pk).first() if 0 < pk < 2**62 else None
        if req is None or not selectors.stay_requests_visible(
                access=access_for(request.user, req.house)).filter(pk=pk).exists():
            raise exceptions.NotFound("Ikke fundet.")
        try:
            if self.action_name == "turn-away":
                data = TurnAwaySerializer(data=request.data)
                data.is_valid(raise_exception=True)
                services.stay_request_turn_away(stay_request=req, user=request.user, **data.validated_data)
            else:
                services.stay_request_withdraw(stay_request=req, user=request.user)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        req.refresh_from_db()
        return Response(StayRequestSerializer(req).data)


REQUEST_ACTION_RESPONSES = {200: StayRequestSerializer, 400: E400, 403: E403, 404: E404}


class StayRequestTurnAwayView(StayRequestActionView):
    action_name = "turn-away"

    @extend_schema(parameters=[ID], request=TurnAwaySerializer, responses=REQUEST_ACTION_RESPONSES)
    def post(self, request, pk: int):
        return super().post(request, pk)


class StayRequestWithdrawView(StayRequestActionView):
    action_name = "withdraw"

    @extend_schema(parameters=[ID], request=None, responses=REQUEST_ACTION_RESPONSES)
    def post(self, request, pk: int):
        return super().post(request, pk)
