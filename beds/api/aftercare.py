"""Follow-up after a stay (safety visits/calls): due list and recording one."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import selectors, services
from beds.api._common import (
    E400,
    E403,
    E404,
    E409_STATE,
    HOUSE,
    ID,
    MAX_ID,
    _as_drf,
    _citizen_list_access,
    _date_param,
)
from beds.models import (
    AFTERCARE_DONE_KINDS,
    AftercareStatus,
    StayAftercare,
)
from psykiatrihus.api import Conflict, WindowDateField
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log_many

DONE_KINDS = AFTERCARE_DONE_KINDS


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
    done_on = WindowDateField()
    kind = serializers.ChoiceField(choices=DONE_KINDS, required=False,
                                   allow_blank=True, default="", help_text="Tom: som planlagt")
    reached = serializers.BooleanField(required=False, default=True, help_text="false: borgeren blev ikke truffet")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


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
        if not access_for(request.user, aftercare.stay.house).may_book(aftercare.stay):
            raise exceptions.PermissionDenied("Du kan kun ændre ophold i din egen sektor.")
        if aftercare.status != AftercareStatus.PLANNED:
            raise Conflict("Opfølgningen er allerede registreret.", "already_recorded")
        try:
            aftercare = services.stay_aftercare_record(aftercare=aftercare, user=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(AftercareSerializer(aftercare).data)
