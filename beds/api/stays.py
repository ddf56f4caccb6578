"""Stays: list, book, read, check in, check out, cancel."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import selectors, services
from beds.api._common import (
    E400,
    E403,
    E404,
    E409,
    HOUSE,
    ID,
    _as_drf,
    _citizen,
    _date_param,
    _house_slug,
    _id_param,
)
from beds.api._extension import ExtensionSerializer
from beds.models import (
    Bed,
    FaerdigbehandlingOutcome,
    Stay,
    StayKind,
    StayRequest,
    StayStatus,
)
from beds.period_selectors import stay_bed_history
from beds.request_selectors import stay_origin_prefetch, stays_with_origin
from psykiatrihus.api import (
    TEXT_MAX_LENGTH,
    Conflict,
    ErrorSerializer,
    WindowDateField,
    WindowDateTimeField,
    house_access,
)
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log, audit_log_many


class OriginRequestSerializer(serializers.ModelSerializer):
    """The request (henvendelse) the stay was booked from, as the stay panel shows it."""

    class Meta:
        model = StayRequest
        fields = ["id", "channel", "requested_at", "requested_nights", "note"]
        read_only_fields = fields


class StaySerializer(serializers.ModelSerializer):
    # Every view gives the stays their `origin_request` first (`beds.request_selectors`): only a visible request.
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    bed = serializers.SlugRelatedField(slug_field="label", read_only=True)
    citizen_name = serializers.CharField(source="citizen.name", read_only=True)
    extension = ExtensionSerializer(source="*", read_only=True)
    request = serializers.SerializerMethodField(
        help_text="Henvendelsen, opholdet blev booket fra; null når det blev booket uden henvendelse, eller "
                  "brugeren ikke må se henvendelsen.")

    class Meta:
        model = Stay
        fields = ["id", "house", "bed", "sector", "citizen", "citizen_name", "contract", "home_treatment", "kind",
                  "status", "arrival", "planned_departure", "checked_in_at", "checked_out_at", "cancelled_at",
                  "arrival_date", "nights", "ors_score", "srs_score", "end_note", "extension_reason", "fb_decided_on",
                  "fb_ward", "fb_case_worker", "fb_house_contact", "fb_outcome", "fb_stays_attached", "imported",
                  "extension", "request"]
        read_only_fields = fields

    @extend_schema_field(OriginRequestSerializer(allow_null=True))
    def get_request(self, stay) -> dict | None:
        origin = stay.origin_request  # set by the view: only a request the user may see
        return OriginRequestSerializer(origin).data if origin is not None else None


class BedPeriodSerializer(serializers.Serializer):
    bed = serializers.CharField(help_text="Sengens betegnelse, fx K3")
    start = serializers.DateTimeField(help_text="Fra (ankomst, indskrivning eller flytning hertil)")
    end = serializers.DateTimeField(help_text="Til (flytning herfra, udskrivning eller planlagt afrejse)")
    current = serializers.BooleanField(help_text="Gæstens nuværende seng")


class StayWithPeriodsSerializer(StaySerializer):
    """The stay with where the guest lay when (oldest first; the last is the current bed)."""

    bed_periods = serializers.SerializerMethodField()

    class Meta(StaySerializer.Meta):
        fields = [*StaySerializer.Meta.fields, "bed_periods"]
        read_only_fields = fields

    @extend_schema_field(BedPeriodSerializer(many=True))
    def get_bed_periods(self, stay) -> list:
        return BedPeriodSerializer([{"bed": p.bed_label, "start": p.start, "end": p.end, "current": p.current}
                                    for p in stay_bed_history(stay=stay)], many=True).data


class StayPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = StaySerializer(many=True)


class StayCreateSerializer(serializers.Serializer):
    house = serializers.SlugField(max_length=50)
    bed = serializers.CharField(max_length=16)
    citizen = serializers.IntegerField(min_value=1, max_value=2**62)
    arrival = WindowDateTimeField()
    planned_departure = WindowDateTimeField()
    kind = serializers.ChoiceField(choices=StayKind.choices, default=StayKind.ORDINARY)
    extension_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    request = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                      max_value=2**62)
    fb_decided_on = WindowDateField(required=False, allow_null=True, default=None)
    fb_ward = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    fb_case_worker = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    fb_house_contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class CheckInSerializer(serializers.Serializer):
    at = WindowDateTimeField(required=False, allow_null=True, default=None)
    ors_score = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=40)


class CheckOutSerializer(serializers.Serializer):
    at = WindowDateTimeField(required=False, allow_null=True, default=None)
    srs_score = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=40)
    end_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    fb_outcome = serializers.ChoiceField(choices=FaerdigbehandlingOutcome.choices, required=False,
                                         allow_blank=True, default="")
    fb_stays_attached = serializers.BooleanField(required=False, allow_null=True, default=None)


class CancelSerializer(serializers.Serializer):
    no_show = serializers.BooleanField(required=False, default=False)


class StayListCreateView(APIView):
    """List the stays the user may read (house required), or book a stay."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("from", OpenApiTypes.DATE, description="ankomst fra"),
                               OpenApiParameter("to", OpenApiTypes.DATE, description="ankomst til og med"),
                               OpenApiParameter("status", str, enum=[c[0] for c in StayStatus.choices]),
                               OpenApiParameter("citizen", int, description="borgerens id (borgerens forløb)"),
                               OpenApiParameter("contract", int, description="kontraktens id")],
                   responses={200: StayPageSerializer, 400: E400, 404: E404}, operation_id="stays_list")
    def get(self, request):
        house, access = house_access(request, request.query_params.get("house"))
        qs = (selectors.stays_visible(access=access).select_related("house", "extension_by")
              .prefetch_related(stay_origin_prefetch(access=access)))
        if request.query_params.get("from"):
            qs = qs.filter(arrival_date__gte=_date_param(request, "from", datetime.date.min))
        if request.query_params.get("to"):
            qs = qs.filter(arrival_date__lte=_date_param(request, "to", datetime.date.max))
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        for name in ("citizen", "contract"):
            value = _id_param(request, name)
            if value is not None:
                qs = qs.filter(**{f"{name}_id": value})
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs.order_by("-arrival", "-id"), request, view=self)
        audit_log_many(user=request.user, action="read", objects=page, house=house, detail="api stays",
                       citizen_attr="citizen_id")
        return paginator.get_paginated_response(StaySerializer(page, many=True).data)

    @extend_schema(request=StayCreateSerializer,
                   responses={201: StaySerializer, 400: E400, 403: E403, 404: E404, 409: E409})
    def post(self, request):
        house, access = house_access(request, _house_slug(request))
        data = StayCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        bed = Bed.objects.filter(house=house, label__iexact=v["bed"]).first()
        if bed is None:
            raise exceptions.ValidationError({"bed": ["Sengen findes ikke i huset."]})
        if not access.may_book(bed):
            raise exceptions.PermissionDenied("Du kan kun booke senge i din egen sektor.")
        citizen = _citizen(access, v["citizen"])
        stay_request = None
        if v["request"] is not None:
            stay_request = selectors.stay_requests_visible(access=access).filter(pk=v["request"]).first()
            if stay_request is None:
                raise exceptions.ValidationError({"request": ["Henvendelsen findes ikke."]})
        try:
            stay = services.stay_book(
                house=house, bed=bed, citizen=citizen, arrival=v["arrival"],
                planned_departure=v["planned_departure"], user=request.user, kind=v["kind"],
                extension_reason=v["extension_reason"], request=stay_request, fb_decided_on=v["fb_decided_on"],
                fb_ward=v["fb_ward"], fb_case_worker=v["fb_case_worker"], fb_house_contact=v["fb_house_contact"],
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except services.BookingConflict as exc:
            raise Conflict(exc.message, exc.code) from exc
        stays_with_origin(stays=[stay], access=access)
        return Response(StaySerializer(stay).data, status=status.HTTP_201_CREATED)


def _stay_for(request, pk: int) -> Stay:
    """The stay if the user may read it (with its origin request, if the user may see that); otherwise 404
    (never reveal that it exists)."""
    if not 0 < pk < 2**62:
        raise exceptions.NotFound("Ikke fundet.")
    stay = Stay.objects.select_related("house", "bed", "citizen").filter(pk=pk).first()
    if stay is None:
        raise exceptions.NotFound("Ikke fundet.")
    access = access_for(request.user, stay.house)
    if not selectors.stays_visible(access=access).filter(pk=pk).exists():
        raise exceptions.NotFound("Ikke fundet.")
    stays_with_origin(stays=[stay], access=access)
    return stay


def stay_answer(request, stay: Stay, serializer: type[StaySerializer] = StaySerializer) -> dict:
    """A stay a write returned (a new instance), as the answer: with its origin request as the user may see it."""
    if not hasattr(stay, "origin_request"):
        stays_with_origin(stays=[stay], access=access_for(request.user, stay.house))
    return serializer(stay).data


class StayDetailView(APIView):
    @extend_schema(parameters=[ID], responses={200: StayWithPeriodsSerializer, 404: E404})
    def get(self, request, pk: int):
        stay = _stay_for(request, pk)
        audit_log(user=request.user, action="read", obj=stay, house=stay.house, citizen_id=stay.citizen_id)
        return Response(StayWithPeriodsSerializer(stay).data)


class StayActionView(APIView):
    """Base of the check-in, check-out and cancel endpoints (one service call each)."""

    action_name = ""
    body = CheckInSerializer

    def post(self, request, pk: int):
        stay = _stay_for(request, pk)
        data = self.body(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            if self.action_name == "check-in":
                services.stay_check_in(stay=stay, user=request.user, at=v["at"], ors_score=v["ors_score"])
            elif self.action_name == "check-out":
                services.stay_check_out(stay=stay, user=request.user, at=v["at"], srs_score=v["srs_score"],
                                        end_note=v["end_note"], fb_outcome=v["fb_outcome"],
                                        fb_stays_attached=v["fb_stays_attached"])
            elif self.action_name == "undo-cancel":
                services.stay_cancel_undo(stay=stay, user=request.user)
            else:
                services.stay_cancel(stay=stay, user=request.user, no_show=v["no_show"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except services.BookingConflict as exc:
            raise Conflict(exc.message, exc.code) from exc
        stay.refresh_from_db()
        return Response(StaySerializer(stay).data)


ACTION_RESPONSES = {200: StaySerializer, 400: E400, 403: E403, 404: E404, 409: E409}


class StayCheckInView(StayActionView):
    action_name, body = "check-in", CheckInSerializer

    @extend_schema(parameters=[ID], request=CheckInSerializer, responses=ACTION_RESPONSES)
    def post(self, request, pk: int):
        return super().post(request, pk)


class StayCheckOutView(StayActionView):
    action_name, body = "check-out", CheckOutSerializer

    @extend_schema(parameters=[ID], request=CheckOutSerializer, responses=ACTION_RESPONSES)
    def post(self, request, pk: int):
        return super().post(request, pk)


class StayCancelView(StayActionView):
    action_name, body = "cancel", CancelSerializer

    @extend_schema(parameters=[ID], request=CancelSerializer, responses=ACTION_RESPONSES)
    def post(self, request, pk: int):
        return super().post(request, pk)


class UndoCancelSerializer(serializers.Serializer):
    """No body: the stay in the path is booked again as it was."""


E409_UNDO = OpenApiResponse(ErrorSerializer, description="Kan ikke fortrydes: code=undo_expired (mere end 10 "
                                                         "minutter siden) eller slot_rebooked (pladsen er booket "
                                                         "igen).")


class StayUndoCancelView(StayActionView):
    """Undo a cancel or no-show within 10 minutes, unless the bed or the citizen was booked again meanwhile."""

    action_name, body = "undo-cancel", UndoCancelSerializer

    @extend_schema(parameters=[ID], request=None, responses={**ACTION_RESPONSES, 409: E409_UNDO})
    def post(self, request, pk: int):
        return super().post(request, pk)
