"""Individual goals per stay: read, agree, evaluate."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from beds import selectors, services
from beds.api._common import E400, E403, E404, E409_STATE, ID, MAX_ID, _as_drf
from beds.api.stays import _stay_for
from beds.models import (
    GoalResult,
    StayGoal,
    StayStatus,
)
from psykiatrihus.api import Conflict
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log


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
        if not access_for(request.user, stay.house).may_book(stay):
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
