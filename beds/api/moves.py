"""Moving a guest to another bed mid-stay: POST /api/v1/stays/<id>/move/ (rules: `beds.move_services`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from beds.api._common import E400, E403, E404, ID, _as_drf
from beds.api.stays import StayWithPeriodsSerializer, _stay_for, stay_answer
from beds.models import Bed
from beds.move_services import stay_move
from beds.services import BookingConflict
from psykiatrihus.api import Conflict, ErrorSerializer, WindowDateTimeField
from psykiatrihus.services import audit_log


class MoveSerializer(serializers.Serializer):
    bed = serializers.CharField(max_length=16, help_text="Den nye seng, fx K5 (samme hus og sektor)")
    at = WindowDateTimeField(required=False, allow_null=True, default=None,
                             help_text="Flytningens tidspunkt (standard: nu). Ikke i fremtiden for en indskrevet gæst; "
                                       "bruges ikke for et booket ophold, der flyttes helt.")


E409_MOVE = OpenApiResponse(ErrorSerializer, description="Flytningen afvist: code=other_sector (sengen hører til den "
                                                         "anden sektor), bed_taken (sengen er booket af en anden fra "
                                                         "flytningen til den planlagte afrejse), bed_still_occupied "
                                                         "(en anden gæst er indskrevet i sengen), bed_blocked (sengen "
                                                         "er spærret) eller citizen_checked_in_elsewhere.")


class StayMoveView(APIView):
    """Move the stay's guest to another bed of the same sector; the bed periods keep the history."""

    @extend_schema(parameters=[ID], request=MoveSerializer,
                   responses={200: StayWithPeriodsSerializer, 400: E400, 403: E403, 404: E404, 409: E409_MOVE},
                   operation_id="stays_move")
    def post(self, request, pk: int):
        stay = _stay_for(request, pk)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        bed = Bed.objects.filter(house_id=stay.house_id, label__iexact=v["bed"].strip()).first()
        if bed is None:  # another house's bed answers like a missing one
            raise exceptions.ValidationError({"bed": ["Sengen findes ikke i huset."]})
        try:
            stay = stay_move(actor=request.user, stay=stay, bed=bed, at=v["at"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except BookingConflict as exc:
            raise Conflict(exc.message, exc.code) from exc
        audit_log(user=request.user, action="read", obj=stay, house=stay.house, citizen_id=stay.citizen_id)
        return Response(stay_answer(request, stay, StayWithPeriodsSerializer))
