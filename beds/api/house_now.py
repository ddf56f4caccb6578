"""'I huset nu' as JSON, and the shift handover and attention list (GET and POST)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import handover_services, house_selectors
from beds.api._common import E400, E403, E404, HOUSE, MAX_ID, _as_drf, _house_slug
from beds.handover_models import AttentionItem, HandoverNote, Shift
from beds.views._common import SAME_READ_WINDOW
from psykiatrihus.api import WindowDateField, house_access
from psykiatrihus.models import Sector
from psykiatrihus.services import audit_log_many


class NowRowSerializer(serializers.Serializer):
    stay = serializers.IntegerField(source="stay.pk")
    bed = serializers.CharField(source="stay.bed.label")
    sector = serializers.CharField(source="stay.sector")
    status = serializers.CharField(source="stay.status")
    citizen = serializers.SerializerMethodField(help_text="Kun hvor brugeren må se borgeren")
    citizen_name = serializers.CharField(source="name", allow_null=True)
    arrival = serializers.DateTimeField(source="stay.arrival")
    checked_in_at = serializers.DateTimeField(source="stay.checked_in_at", allow_null=True)
    planned_departure = serializers.DateTimeField(source="stay.planned_departure")
    overdue = serializers.BooleanField()
    may_act = serializers.BooleanField()

    def get_citizen(self, row) -> int | None:
        return row.stay.citizen_id if row.show_name else None


class HandoverNoteSerializer(serializers.ModelSerializer):
    citizen_name = serializers.CharField(source="citizen.name", read_only=True, allow_null=True, default=None)
    written_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = HandoverNote
        fields = ["id", "sector", "shift_date", "shift", "text", "citizen", "citizen_name", "created_at",
                  "written_by"]
        read_only_fields = fields


class AttentionSerializer(serializers.ModelSerializer):
    citizen_name = serializers.CharField(source="citizen.name", read_only=True)

    class Meta:
        model = AttentionItem
        fields = ["id", "sector", "citizen", "citizen_name", "reason", "until", "created_at"]
        read_only_fields = fields


class HouseNowSerializer(serializers.Serializer):
    house = serializers.CharField()
    now = serializers.DateTimeField()
    free_tonight = serializers.DictField(child=serializers.IntegerField(), help_text="Ledige senge i nat pr. sektor")
    in_house = NowRowSerializer(many=True)
    arrivals = NowRowSerializer(many=True, help_text="Booket til ankomst i dag, ikke kommet endnu")
    departures = NowRowSerializer(many=True, help_text="Indskrevet, planlagt afrejse senere i dag")
    overdue = NowRowSerializer(many=True, help_text="Indskrevet efter planlagt afrejse")
    handover_notes = HandoverNoteSerializer(many=True)
    attention = AttentionSerializer(many=True)


class HandoverNoteCreateSerializer(serializers.Serializer):
    house = serializers.SlugField(max_length=50)
    sector = serializers.ChoiceField(choices=Sector.choices)
    shift = serializers.ChoiceField(choices=Shift.choices, required=False, allow_null=True, default=None,
                                    help_text="Standard: vagten nu")
    shift_date = WindowDateField(required=False, allow_null=True, default=None, help_text="Standard: vagtens dato")
    text = serializers.CharField(max_length=handover_services.TEXT_MAX)
    citizen = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                       max_value=MAX_ID)


class AttentionCreateSerializer(serializers.Serializer):
    house = serializers.SlugField(max_length=50)
    sector = serializers.ChoiceField(choices=Sector.choices)
    citizen = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=handover_services.REASON_MAX)
    until = WindowDateField()


def _board_access(request, slug):
    house, access = house_access(request, slug)
    if not access.sees_board:
        raise exceptions.PermissionDenied("Din rolle giver ikke adgang til huset nu.")
    return house, access


def _writer_access(request, slug):
    house, access = house_access(request, slug)
    if not access.can_book or not access.sees_citizens:
        raise exceptions.PermissionDenied("Din rolle kan ikke skrive overleveringer.")
    return house, access


def _citizen_for(access, pk):
    """A citizen the user may see, else the same 400 as for one that does not exist."""
    from contracts.selectors import citizen_get

    if pk is None:
        return None
    citizen = citizen_get(access=access, pk=pk)
    if citizen is None:
        raise exceptions.ValidationError({"citizen": ["Borgeren findes ikke."]})
    return citizen


def _audit(request, house, objects, detail):
    named = [o for o in objects if getattr(o, "citizen_id", None)]
    if named:
        audit_log_many(user=request.user, action="read", objects=named, house=house, detail=detail,
                       citizen_attr="citizen_id", once_per=SAME_READ_WINDOW)


class HouseNowView(APIView):
    """Who is in the house now, who comes and leaves today, overdue check-outs, free beds tonight, the handover
    of today and yesterday and the attention list. Names only where the user may see them."""

    @extend_schema(parameters=[HOUSE], responses={200: HouseNowSerializer, 400: E400, 403: E403, 404: E404},
                   operation_id="house_now")
    def get(self, request):
        house, access = _board_access(request, request.query_params.get("house"))
        now = house_selectors.house_now(house=house, access=access)
        notes, attention = [], []
        if access.sees_citizens:
            notes = house_selectors.handover_notes_visible(access=access, since=now.today - datetime.timedelta(days=1))
            attention = house_selectors.attention_visible(access=access, on_date=now.today)
        _audit(request, house, [*now.named_stays, *notes, *attention], "api house-now")
        return Response(HouseNowSerializer({
            "house": house.slug, "now": now.now, "free_tonight": now.free_tonight, "in_house": now.in_house,
            "arrivals": now.arrivals, "departures": now.departures, "overdue": now.overdue,
            "handover_notes": notes, "attention": attention}).data)


class HandoverNotesView(APIView):
    @extend_schema(parameters=[HOUSE, OpenApiParameter("since", OpenApiTypes.DATE, description="Fra vagtdato "
                                                       "(standard: i går)")],
                   responses={200: HandoverNoteSerializer(many=True), 400: E400, 403: E403, 404: E404},
                   operation_id="handover_notes_list")
    def get(self, request):
        house, access = _writer_access(request, request.query_params.get("house"))
        field = WindowDateField()
        raw = request.query_params.get("since")
        try:
            since = field.run_validation(raw) if raw else timezone.localdate() - datetime.timedelta(days=1)
        except serializers.ValidationError as exc:
            raise exceptions.ValidationError({"since": exc.detail}) from exc
        notes = house_selectors.handover_notes_visible(access=access, since=since)
        _audit(request, house, notes, "api handover-notes")
        return Response(HandoverNoteSerializer(notes, many=True).data)

    @extend_schema(request=HandoverNoteCreateSerializer,
                   responses={201: HandoverNoteSerializer, 400: E400, 403: E403, 404: E404},
                   operation_id="handover_notes_create")
    def post(self, request):
        house, access = _writer_access(request, _house_slug(request))
        data = HandoverNoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            note = handover_services.handover_note_write(
                house=house, sector=v["sector"], shift=v["shift"], shift_date=v["shift_date"], text=v["text"],
                citizen=_citizen_for(access, v["citizen"]), user=request.user)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(HandoverNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class AttentionView(APIView):
    @extend_schema(parameters=[HOUSE], responses={200: AttentionSerializer(many=True), 400: E400, 403: E403,
                                                  404: E404}, operation_id="attention_list")
    def get(self, request):
        house, access = _writer_access(request, request.query_params.get("house"))
        items = house_selectors.attention_visible(access=access, on_date=timezone.localdate())
        _audit(request, house, items, "api attention")
        return Response(AttentionSerializer(items, many=True).data)

    @extend_schema(request=AttentionCreateSerializer, responses={201: AttentionSerializer, 400: E400, 403: E403,
                                                                 404: E404}, operation_id="attention_create")
    def post(self, request):
        house, access = _writer_access(request, _house_slug(request))
        data = AttentionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            item = handover_services.attention_add(house=house, sector=v["sector"],
                                                   citizen=_citizen_for(access, v["citizen"]), reason=v["reason"],
                                                   until=v["until"], user=request.user)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(AttentionSerializer(item).data, status=status.HTTP_201_CREATED)
