"""Longer stays: a leader approves or declines a stay booked beyond the frame or the house's nights per month
("afventer leder"; the stay's `extension.limit` says which)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from beds.api._common import E400, E403, E404, ID, _as_drf
from beds.api.stays import StaySerializer, _stay_for, stay_answer
from beds.extension_services import (
    NOTE_MAX_LENGTH,
    ExtensionConflict,
    stay_extension_approve,
    stay_extension_decline,
)
from psykiatrihus.api import Conflict, ErrorSerializer


class ApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class DeclineSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=NOTE_MAX_LENGTH,
                                 help_text="Hvorfor opholdet afvises (skal udfyldes; personalet ser den).")


E409_EXTENSION = OpenApiResponse(ErrorSerializer, description="Opholdets tilstand tillader ikke beslutningen: "
                                                              "code=not_pending (allerede besluttet eller inden "
                                                              "for grænserne), stay_closed (aflyst) eller stay_ended "
                                                              "(afsluttet efter rammen; kan kun godkendes).")


class _DecisionView(APIView):
    body: type[serializers.Serializer] = ApproveSerializer

    def decide(self, *, stay, user, note: str):
        raise NotImplementedError

    def post(self, request, pk: int):
        stay = _stay_for(request, pk)  # a stay the user may not read answers 404, like a missing one
        data = self.body(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            stay = self.decide(stay=stay, user=request.user, note=data.validated_data["note"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ExtensionConflict as exc:
            raise Conflict(exc.message, exc.code) from exc
        return Response(stay_answer(request, stay))


RESPONSES = {200: StaySerializer, 400: E400, 403: E403, 404: E404, 409: E409_EXTENSION}


class StayExtensionApproveView(_DecisionView):
    """A leader of the stay's sector approves a stay booked beyond the frame or the house's nights per month: it
    keeps its whole period."""

    body = ApproveSerializer

    def decide(self, *, stay, user, note: str):
        return stay_extension_approve(stay=stay, user=user, note=note)

    @extend_schema(parameters=[ID], request=ApproveSerializer, responses=RESPONSES,
                   operation_id="stays_extension_approve")
    def post(self, request, pk: int):
        return super().post(request, pk)


class StayExtensionDeclineView(_DecisionView):
    """A leader of the stay's sector declines a stay booked beyond the frame or the house's nights per month,
    with a note: the stay is shortened to `extension.frame_nights` (the frame, or what remained of the month's
    nights; a guest checked in and already past it is due to leave at once). When nothing remained of the
    month, a stay that has not begun is cancelled."""

    body = DeclineSerializer

    def decide(self, *, stay, user, note: str):
        return stay_extension_decline(stay=stay, user=user, note=note)

    @extend_schema(parameters=[ID], request=DeclineSerializer, responses=RESPONSES,
                   operation_id="stays_extension_decline")
    def post(self, request, pk: int):
        return super().post(request, pk)
