"""REST API for beds, stays and requests. Thin: parse, call services/selectors, serialise.

Errors: 400 with field errors (broken rule), 403 (another sector's bed), 404 (outside the user's scope),
409 `{"code": "bed_taken" | "citizen_has_stay", "detail": ...}` when the database refused an overlap.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import selectors, services
from beds.models import (
    AFTERCARE_DONE_KINDS,
    AftercareStatus,
    Bed,
    FaerdigbehandlingOutcome,
    GoalResult,
    RequestChannel,
    Stay,
    StayAftercare,
    StayGoal,
    StayKind,
    StayRequest,
    StayStatus,
    TurnAwayReason,
    WaitingListEntry,
    WaitingStatus,
)
from psykiatrihus.api import Conflict, ErrorSerializer, house_access
from psykiatrihus.models import Sector
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log, audit_log_many

MAX_AVAILABILITY_DAYS = 92

E400 = OpenApiResponse(OpenApiTypes.OBJECT, description="Fejl pr. felt (en regel er brudt eller input er forkert).")
E403 = OpenApiResponse(ErrorSerializer, description="Ikke adgang (fx en seng i den anden sektor).")
E404 = OpenApiResponse(ErrorSerializer, description="Findes ikke, eller ligger uden for brugerens adgang.")
E409 = OpenApiResponse(ErrorSerializer, description="Databasen afviste et overlap: code=bed_taken eller "
                                                    "code=citizen_has_stay.")
ID = OpenApiParameter("id", {"type": "integer", "minimum": 1, "maximum": 2**62}, OpenApiParameter.PATH)
HOUSE = OpenApiParameter("house", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "minLength": 1}, required=True,
                         description="Husets kortnavn, fx aarhus")


def _as_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def _date_param(request, name: str, default: datetime.date) -> datetime.date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise exceptions.ValidationError({name: ["Brug formatet ÅÅÅÅ-MM-DD."]}) from exc


class StaySerializer(serializers.ModelSerializer):
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    bed = serializers.SlugRelatedField(slug_field="label", read_only=True)
    citizen_name = serializers.CharField(source="citizen.name", read_only=True)

    class Meta:
        model = Stay
        fields = ["id", "house", "bed", "sector", "citizen", "citizen_name", "contract", "home_treatment", "kind",
                  "status", "arrival", "planned_departure", "checked_in_at", "checked_out_at", "arrival_date",
                  "nights", "ors_score", "srs_score", "end_note", "extension_reason", "fb_decided_on", "fb_ward",
                  "fb_case_worker", "fb_house_contact", "fb_outcome", "fb_stays_attached", "imported"]
        read_only_fields = fields


class StayPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = StaySerializer(many=True)


class StayCreateSerializer(serializers.Serializer):
    house = serializers.SlugField()
    bed = serializers.CharField(max_length=16)
    citizen = serializers.IntegerField()
    arrival = serializers.DateTimeField()
    planned_departure = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=StayKind.choices, default=StayKind.ORDINARY)
    extension_reason = serializers.CharField(required=False, allow_blank=True, default="")
    request = serializers.IntegerField(required=False, allow_null=True, default=None)
    fb_decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    fb_ward = serializers.CharField(required=False, allow_blank=True, default="")
    fb_case_worker = serializers.CharField(required=False, allow_blank=True, default="")
    fb_house_contact = serializers.CharField(required=False, allow_blank=True, default="")


class CheckInSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ors_score = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=40)


class CheckOutSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    srs_score = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=40)
    end_note = serializers.CharField(required=False, allow_blank=True, default="")
    fb_outcome = serializers.ChoiceField(choices=FaerdigbehandlingOutcome.choices, required=False,
                                         allow_blank=True, default="")
    fb_stays_attached = serializers.BooleanField(required=False, allow_null=True, default=None)


class CancelSerializer(serializers.Serializer):
    no_show = serializers.BooleanField(required=False, default=False)


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


class StayRequestCreateSerializer(serializers.Serializer):
    house = serializers.SlugField()
    sector = serializers.ChoiceField(choices=Sector.choices)
    channel = serializers.ChoiceField(choices=RequestChannel.choices)
    citizen = serializers.IntegerField(required=False, allow_null=True, default=None)
    requested_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    requested_nights = serializers.IntegerField(min_value=1, max_value=366, default=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class TurnAwaySerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=TurnAwayReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


def _citizen(house, citizen_id):
    from contracts.bulk import citizen_in_house

    if citizen_id is None:
        return None
    citizen = citizen_in_house(house=house, citizen_id=citizen_id)
    if citizen is None:
        raise exceptions.ValidationError({"citizen": ["Borgeren findes ikke i huset."]})
    return citizen


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


class StayListCreateView(APIView):
    """List the stays the user may read (house required), or book a stay."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("from", OpenApiTypes.DATE, description="ankomst fra"),
                               OpenApiParameter("to", OpenApiTypes.DATE, description="ankomst til og med"),
                               OpenApiParameter("status", str, enum=[c[0] for c in StayStatus.choices])],
                   responses={200: StayPageSerializer, 400: E400, 404: E404}, operation_id="stays_list")
    def get(self, request):
        house, access = house_access(request, request.query_params.get("house"))
        qs = selectors.stays_visible(access=access).select_related("house")
        if request.query_params.get("from"):
            qs = qs.filter(arrival_date__gte=_date_param(request, "from", datetime.date.min))
        if request.query_params.get("to"):
            qs = qs.filter(arrival_date__lte=_date_param(request, "to", datetime.date.max))
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
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
        if bed.sector not in access.booking_sectors:
            raise exceptions.PermissionDenied("Du kan kun booke senge i din egen sektor.")
        citizen = _citizen(house, v["citizen"])
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
        return Response(StaySerializer(stay).data, status=status.HTTP_201_CREATED)


def _house_slug(request) -> str | None:
    """The house is looked up before the body is validated: an unknown house is a 404 whatever the body."""
    slug = request.data.get("house") if hasattr(request.data, "get") else None
    return slug if isinstance(slug, str) else None


def _stay_for(request, pk: int) -> Stay:
    """The stay if the user may read it; otherwise 404 (never reveal that it exists)."""
    if not 0 < pk < 2**62:
        raise exceptions.NotFound("Ikke fundet.")
    stay = Stay.objects.select_related("house", "bed", "citizen").filter(pk=pk).first()
    if stay is None:
        raise exceptions.NotFound("Ikke fundet.")
    access = access_for(request.user, stay.house)
    if not selectors.stays_visible(access=access).filter(pk=pk).exists():
        raise exceptions.NotFound("Ikke fundet.")
    return stay


class StayDetailView(APIView):
    @extend_schema(parameters=[ID], responses={200: StaySerializer, 404: E404})
    def get(self, request, pk: int):
        stay = _stay_for(request, pk)
        audit_log(user=request.user, action="read", obj=stay, house=stay.house, citizen_id=stay.citizen_id)
        return Response(StaySerializer(stay).data)


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


class StayRequestListCreateView(APIView):
    """Requests (henvendelser): list the user's sectors' requests, or record one."""

    @extend_schema(parameters=[HOUSE], responses={200: StayRequestPageSerializer, 400: E400, 404: E404})
    def get(self, request):
        house, access = house_access(request, request.query_params.get("house"))
        qs = selectors.stay_requests_visible(access=access).select_related("house")
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
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
                citizen=_citizen(house, v["citizen"]), requested_at=v["requested_at"],
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


# --- waiting list, goals per stay and safety visits/calls after a stay (house rules) ------------------------

MAX_ID = 2**62
DONE_KINDS = AFTERCARE_DONE_KINDS


class BoundedDateTimeField(serializers.DateTimeField):
    """A moment between the years 1900 and 2100 (local-date arithmetic must never overflow)."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not 1900 <= moment.year <= 2100:
            raise serializers.ValidationError("Tidspunktet skal ligge mellem år 1900 og 2100.")
        return moment


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not 1900 <= day.year <= 2100:
            raise serializers.ValidationError("Datoen skal ligge mellem år 1900 og 2100.")
        return day


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
    house = serializers.SlugField()
    visitation = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Visitationsafgørelsens id")
    requested_nights = serializers.IntegerField(min_value=1, max_value=366, required=False, allow_null=True,
                                                default=None, help_text="Standard: visitationens eller husets ramme")
    requested_at = BoundedDateTimeField(required=False, allow_null=True, default=None,
                                        help_text="Skrevet op (standard: nu)")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class WaitingWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class PlaceNextSerializer(serializers.Serializer):
    house = serializers.SlugField()
    bed = serializers.CharField(max_length=16, help_text="Sengens betegnelse, fx K1")
    arrival = BoundedDateTimeField(required=False, allow_null=True, default=None, help_text="Standard: nu")


class StayGoalSerializer(serializers.ModelSerializer):
    result = serializers.ChoiceField(choices=GoalResult.choices, allow_blank=True, read_only=True)

    class Meta:
        model = StayGoal
        fields = ["id", "stay", "text", "sort_order", "result", "evaluation_note", "evaluated_at"]
        read_only_fields = fields


class GoalsSetSerializer(serializers.Serializer):
    goals = serializers.ListField(child=serializers.CharField(max_length=500), min_length=1, max_length=20)


class GoalEvaluateSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=GoalResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AftercareSerializer(serializers.ModelSerializer):
    citizen = serializers.IntegerField(source="stay.citizen_id", read_only=True)
    citizen_name = serializers.CharField(source="stay.citizen.name", read_only=True)
    sector = serializers.CharField(source="stay.sector", read_only=True)
    bed = serializers.CharField(source="stay.bed.label", read_only=True)
    done_kind = serializers.ChoiceField(choices=DONE_KINDS, allow_blank=True,
                                        read_only=True)

    class Meta:
        model = StayAftercare
        fields = ["id", "stay", "citizen", "citizen_name", "sector", "bed", "planned_kind", "planned_on", "status",
                  "done_kind", "done_on", "note"]
        read_only_fields = fields


class AftercareRecordSerializer(serializers.Serializer):
    done_on = BoundedDateField()
    kind = serializers.ChoiceField(choices=DONE_KINDS, required=False,
                                   allow_blank=True, default="", help_text="Tom: som planlagt")
    reached = serializers.BooleanField(required=False, default=True, help_text="false: borgeren blev ikke truffet")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


E409_WAITING = OpenApiResponse(ErrorSerializer, description="Konflikt: code=already_waiting, not_waiting, "
                                                            "no_one_waiting, bed_taken eller citizen_has_stay.")
E409_STATE = OpenApiResponse(ErrorSerializer, description="Postens tilstand tillader det ikke: code=stay_closed "
                                                          "eller already_recorded.")


def _citizen_list_access(request, slug):
    house, access = house_access(request, slug)
    if not access.sees_citizens:
        raise exceptions.PermissionDenied("Din rolle giver ikke adgang til borgeroplysninger.")
    return house, access


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
            if entry.sector not in access_for(request.user, entry.house).booking_sectors:
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
        if bed.sector not in access.booking_sectors:
            raise exceptions.PermissionDenied("Du kan kun booke senge i din egen sektor.")
        try:
            stay = services.waiting_list_place_next(bed=bed, user=request.user, arrival=v["arrival"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except services.BookingConflict as exc:
            raise Conflict(exc.message, exc.code) from exc
        if stay is None:
            raise Conflict(f"Ingen borgere venter på en seng i sektoren {bed.get_sector_display()}.", "no_one_waiting")
        return Response(StaySerializer(stay).data, status=status.HTTP_201_CREATED)


class StayGoalsView(APIView):
    """The stay's individual goals: read them, or agree them (replaces goals not yet evaluated)."""

    @extend_schema(parameters=[ID], responses={200: StayGoalSerializer(many=True), 404: E404},
                   operation_id="stay_goals_list")
    def get(self, request, pk: int):
        stay = _stay_for(request, pk)
        audit_log(user=request.user, action="read", obj=stay, house=stay.house, citizen_id=stay.citizen_id,
                  detail="api goals")
        return Response(StayGoalSerializer(stay.goals.all(), many=True).data)

    @extend_schema(parameters=[ID], request=GoalsSetSerializer,
                   responses={200: StayGoalSerializer(many=True), 400: E400, 403: E403, 404: E404, 409: E409_STATE},
                   operation_id="stay_goals_set")
    def post(self, request, pk: int):
        stay = _stay_for(request, pk)
        data = GoalsSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if stay.sector not in access_for(request.user, stay.house).booking_sectors:
            raise exceptions.PermissionDenied("Du kan kun ændre ophold i din egen sektor.")
        if stay.status not in (StayStatus.BOOKED, StayStatus.CHECKED_IN):
            raise Conflict("Målene kan ikke ændres, når opholdet er afsluttet.", "stay_closed")
        try:
            services.stay_goals_set(stay=stay, goals=data.validated_data["goals"], user=request.user)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(StayGoalSerializer(stay.goals.all(), many=True).data)


class StayGoalEvaluateView(APIView):
    @extend_schema(parameters=[ID], request=GoalEvaluateSerializer,
                   responses={200: StayGoalSerializer, 400: E400, 403: E403, 404: E404},
                   operation_id="stay_goal_evaluate")
    def post(self, request, pk: int):
        house_id = StayGoal.objects.filter(pk=pk).values_list("stay__house_id", flat=True).first() \
            if 0 < pk < MAX_ID else None
        goal = None
        if house_id is not None:
            from psykiatrihus.models import House

            goal = selectors.stay_goal_get(access=access_for(request.user, House.objects.get(pk=house_id)), pk=pk)
        if goal is None:
            raise exceptions.NotFound("Ikke fundet.")
        data = GoalEvaluateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            goal = services.stay_goal_evaluate(goal=goal, user=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(StayGoalSerializer(goal).data)


class AftercareDueView(APIView):
    """Planned safety visits/calls due by a date (default: a week ahead) in the user's sectors."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("until", OpenApiTypes.DATE,
                                                       description="Forfaldne til og med (standard: om 7 dage)")],
                   responses={200: AftercareSerializer(many=True), 400: E400, 403: E403, 404: E404},
                   operation_id="aftercare_due")
    def get(self, request):
        from django.utils import timezone

        house, access = _citizen_list_access(request, request.query_params.get("house"))
        until = _date_param(request, "until", timezone.localdate() + datetime.timedelta(days=7))
        items = list(selectors.aftercare_due(access=access, on_or_before=until))
        audit_log_many(user=request.user, action="read", objects=[a.stay for a in items], house=house,
                       detail="api opfølgning efter ophold", citizen_attr="citizen_id")
        return Response(AftercareSerializer(items, many=True).data)


class AftercareRecordView(APIView):
    @extend_schema(parameters=[ID], request=AftercareRecordSerializer,
                   responses={200: AftercareSerializer, 400: E400, 403: E403, 404: E404, 409: E409_STATE},
                   operation_id="aftercare_record")
    def post(self, request, pk: int):
        house_id = StayAftercare.objects.filter(pk=pk).values_list("stay__house_id", flat=True).first() \
            if 0 < pk < MAX_ID else None
        aftercare = None
        if house_id is not None:
            from psykiatrihus.models import House

            aftercare = selectors.aftercare_get(access=access_for(request.user, House.objects.get(pk=house_id)),
                                                pk=pk)
        if aftercare is None:
            raise exceptions.NotFound("Ikke fundet.")
        data = AftercareRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if aftercare.stay.sector not in access_for(request.user, aftercare.stay.house).booking_sectors:
            raise exceptions.PermissionDenied("Du kan kun ændre ophold i din egen sektor.")
        if aftercare.status != AftercareStatus.PLANNED:
            raise Conflict("Opfølgningen er allerede registreret.", "already_recorded")
        try:
            aftercare = services.stay_aftercare_record(aftercare=aftercare, user=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(AftercareSerializer(aftercare).data)
