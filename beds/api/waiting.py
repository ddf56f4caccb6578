"""The waiting list (visitation houses): list, write up, withdraw, place the first in a bed."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import selectors, services
from beds.api._common import (
    E400,
    E403,
    E404,
    E409_WAITING,
    HOUSE,
    ID,
    MAX_ID,
    _as_drf,
    _citizen_list_access,
    _house_slug,
)
from beds.api.stays import StaySerializer, stay_answer
from beds.models import (
    Bed,
    WaitingListEntry,
    WaitingStatus,
)
from psykiatrihus.api import Conflict, WindowDateTimeField
from psykiatrihus.models import Sector
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log_many


class VisitationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sector = serializers.ChoiceField(choices=Sector.choices)
    decided_on = serializers.DateField()
    decided_by = serializers.CharField()
    granted_from = serializers.DateField()
    granted_until = serializers.DateField()
    purpose = serializers.CharField()
    stay_frame_nights = serializers.IntegerField(allow_null=True)


class WaitingEntrySerializer(serializers.ModelSerializer):
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    citizen_name = serializers.CharField(source="citizen.name", read_only=True)
    visitation = VisitationBriefSerializer(read_only=True)
    position = serializers.SerializerMethodField(help_text="Plads i køen i sektoren (1 = først)")
    waited_days = serializers.SerializerMethodField(help_text="Dage ventet indtil nu (eller til sengen)")

    class Meta:
        model = WaitingListEntry
        fields = ["id", "house", "sector", "citizen", "citizen_name", "visitation", "requested_at", "requested_nights",
                  "status", "position", "waited_days", "placed_at", "stay", "withdrawn_at", "note"]
        read_only_fields = fields

    def get_position(self, obj) -> int | None:
        return self.context.get("positions", {}).get(obj.pk)

    def get_waited_days(self, obj) -> float:
        from django.utils import timezone

        end = obj.placed_at or obj.withdrawn_at or timezone.now()
        return round((end - obj.requested_at).total_seconds() / 86400, 1)


class WaitingAddSerializer(serializers.Serializer):
    house = serializers.SlugField(max_length=50)
    visitation = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Visitationsafgørelsens id")
    requested_nights = serializers.IntegerField(min_value=1, max_value=366, required=False, allow_null=True,
                                                default=None, help_text="Standard: visitationens eller husets ramme")
    requested_at = WindowDateTimeField(required=False, allow_null=True, default=None,
                                        help_text="Skrevet op (standard: nu)")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class WaitingWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class PlaceNextSerializer(serializers.Serializer):
    house = serializers.SlugField(max_length=50)
    bed = serializers.CharField(max_length=16, help_text="Sengens betegnelse, fx K1")
    arrival = WindowDateTimeField(required=False, allow_null=True, default=None, help_text="Standard: nu")


class WaitingListView(APIView):
    """The house's waiting list (first in line first, per sector), or put a visited citizen on it."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("sector", str, enum=Sector.values)],
                   responses={200: WaitingEntrySerializer(many=True), 400: E400, 403: E403, 404: E404},
                   operation_id="waiting_list_list")
    def get(self, request):
        house, access = _citizen_list_access(request, request.query_params.get("house"))
        sector = request.query_params.get("sector") or None
        if sector is not None and sector not in Sector.values:
            raise exceptions.ValidationError({"sector": ["Vælg kommune eller region."]})
        items = selectors.waiting_list(access=access, sector=sector)
        entries = [i.entry for i in items]
        audit_log_many(user=request.user, action="read", objects=entries, house=house, detail="api venteliste",
                       citizen_attr="citizen_id")
        positions = {i.entry.pk: i.position for i in items}
        return Response(WaitingEntrySerializer(entries, many=True, context={"positions": positions}).data)

    @extend_schema(request=WaitingAddSerializer,
                   responses={201: WaitingEntrySerializer, 400: E400, 403: E403, 404: E404, 409: E409_WAITING},
                   operation_id="waiting_list_add")
    def post(self, request):
        from contracts.selectors import visitations_visible

        house, access = _citizen_list_access(request, _house_slug(request))
        data = WaitingAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        decision = visitations_visible(access=access).filter(pk=v["visitation"]).first()
        if decision is None:
            raise exceptions.ValidationError({"visitation": ["Visitationsafgørelsen findes ikke."]})
        try:
            entry = services.waiting_list_add(visitation=decision, user=request.user,
                                              requested_at=v["requested_at"], requested_nights=v["requested_nights"],
                                              note=v["note"])
        except DjangoValidationError as exc:
            if "citizen" in getattr(exc, "error_dict", {}):  # the one open entry per citizen (a database rule)
                raise Conflict(" ".join(exc.message_dict["citizen"]), "already_waiting") from exc
            raise _as_drf(exc) from exc
        return Response(WaitingEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


def _waiting_entry_for(request, pk: int) -> WaitingListEntry:
    if not 0 < pk < MAX_ID:
        raise exceptions.NotFound("Ikke fundet.")
    house_id = WaitingListEntry.objects.filter(pk=pk).values_list("house_id", flat=True).first()
    if house_id is None:
        raise exceptions.NotFound("Ikke fundet.")
    from psykiatrihus.models import House

    entry = selectors.waiting_entry_get(access=access_for(request.user, House.objects.get(pk=house_id)), pk=pk)
    if entry is None:
        raise exceptions.NotFound("Ikke fundet.")
    return entry


class WaitingWithdrawView(APIView):
    @extend_schema(parameters=[ID], request=WaitingWithdrawSerializer,
                   responses={200: WaitingEntrySerializer, 400: E400, 403: E403, 404: E404, 409: E409_WAITING},
                   operation_id="waiting_list_withdraw")
    def post(self, request, pk: int):
        entry = _waiting_entry_for(request, pk)
        data = WaitingWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if entry.status != WaitingStatus.WAITING:
            if not access_for(request.user, entry.house).may_book(entry):
                raise exceptions.PermissionDenied("Du kan kun ændre ventelisten i din egen sektor.")
            raise Conflict("Borgeren står ikke længere på ventelisten.", "not_waiting")
        try:
            entry = services.waiting_list_withdraw(entry=entry, user=request.user, note=data.validated_data["note"])
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages), "not_waiting") from exc
        return Response(WaitingEntrySerializer(entry).data)


class PlaceNextView(APIView):
    """Move the first citizen waiting for a bed of the bed's sector into the bed: one action, one transaction."""

    @extend_schema(request=PlaceNextSerializer,
                   responses={201: StaySerializer, 400: E400, 403: E403, 404: E404, 409: E409_WAITING},
                   operation_id="waiting_list_place_next")
    def post(self, request):
        house, access = _citizen_list_access(request, _house_slug(request))
        data = PlaceNextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        bed = Bed.objects.filter(house=house, active=True, label__iexact=v["bed"]).first()
        if bed is None:
            raise exceptions.ValidationError({"bed": ["Sengen findes ikke i huset."]})
        if not access.may_book(bed):
            raise exceptions.PermissionDenied("Du kan kun booke senge i din egen sektor.")
        try:
            stay = services.waiting_list_place_next(bed=bed, user=request.user, arrival=v["arrival"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except services.BookingConflict as exc:
            raise Conflict(exc.message, exc.code) from exc
        if stay is None:
            raise Conflict(f"Ingen borgere venter på en seng i sektoren {bed.get_sector_display()}.", "no_one_waiting")
        return Response(stay_answer(request, stay), status=status.HTTP_201_CREATED)
