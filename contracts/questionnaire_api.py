"""REST API for outcome questionnaires: the house's instruments, and responses (list, read, record).

`POST /questionnaire-responses/` with {"house", "citizen", "instrument": "who5", "moment", "answers": [...]}
answers 201 with the computed `score`; a wrong number of answers or an answer off the scale is a 400 naming
the item. A citizen or response the user may not see answers exactly like one that does not exist.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from contracts import questionnaire_selectors as qselectors
from contracts import questionnaire_services as qservices
from contracts import selectors
from contracts.api import HOUSE_PARAM, _checked_pk, _write_sector, list_access, responses, service_call
from contracts.models import HouseInstrument, Moment, QuestionnaireResponse
from psykiatrihus.api import WindowDateField, house_access
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import access_for, houses_for
from psykiatrihus.services import audit_log, audit_log_many


class ItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()


class ScaleSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class InstrumentSerializer(serializers.Serializer):
    code = serializers.CharField(source="instrument.code")
    name = serializers.CharField(source="instrument.name")
    instructions = serializers.CharField(source="instrument.instructions")
    items = ItemSerializer(source="instrument.items", many=True)
    scale = ScaleSerializer(source="instrument.scale", many=True)
    multiplier = serializers.IntegerField(source="instrument.multiplier")
    score_min = serializers.IntegerField(source="instrument.score_min")
    score_max = serializers.IntegerField(source="instrument.score_max")
    meaningful_change = serializers.IntegerField(source="instrument.meaningful_change")
    higher_is_better = serializers.BooleanField(source="instrument.higher_is_better")
    licence_note = serializers.CharField(source="instrument.licence_note")
    moments = serializers.ListField(child=serializers.ChoiceField(Moment.choices))


class ResponseSerializer(serializers.ModelSerializer):
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)
    answers = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        model = QuestionnaireResponse
        fields = ["id", "house", "citizen", "sector", "instrument", "moment", "contract", "answered_on", "answers",
                  "score"]
        read_only_fields = fields


class ResponseCreateSerializer(serializers.Serializer):
    house = serializers.CharField(required=False, max_length=50, help_text="Husets kortnavn")
    citizen = serializers.IntegerField(min_value=1, max_value=2**62)
    instrument = serializers.CharField(max_length=50, help_text="Skemaets kode, fx who5")
    moment = serializers.ChoiceField(Moment.choices)
    answers = serializers.JSONField(help_text="Ét helt tal pr. spørgsmål, i skemaets rækkefølge")
    sector = serializers.ChoiceField(Sector.choices, required=False,
                                     help_text="Kun for ledere af begge sektorer: hvilken sektors besvarelse")
    answered_on = WindowDateField(required=False, help_text="Standard: i dag")


def _house_for_read(request):
    slug = request.query_params.get("house")
    if not slug:
        houses = list(houses_for(request.user)[:2])
        slug = houses[0].slug if len(houses) == 1 else None
    return house_access(request, slug)


class QuestionnaireViewSet(viewsets.GenericViewSet):
    """The questionnaires a house uses (instruments as data), for every member of the house."""

    serializer_class = InstrumentSerializer
    pagination_class = None
    queryset = HouseInstrument.objects.none()  # for the schema only: list() reads through the selector

    @extend_schema(parameters=[HOUSE_PARAM], responses=responses({200: InstrumentSerializer(many=True)}, 400, 404))
    def list(self, request):
        house, _access = _house_for_read(request)
        return Response(InstrumentSerializer(qselectors.house_instruments(house=house), many=True).data)


class QuestionnaireResponseViewSet(viewsets.GenericViewSet):
    """Responses the user may read (optionally one citizen's), one response, or record a response."""

    # Any segment reaches the view, so a dotted id ("a.b") is refused after authentication like every other id
    # (a 404 from the URL resolver would answer an invalid token before asking who it is).
    lookup_value_regex = r"[^/]+"
    serializer_class = ResponseSerializer
    queryset = QuestionnaireResponse.objects.none()

    @extend_schema(parameters=[HOUSE_PARAM, OpenApiParameter("citizen", int, description="Kun denne borger")],
                   responses=responses({200: ResponseSerializer(many=True)}, 400, 403, 404))
    def list(self, request):
        house, access = list_access(request)
        qs = qselectors.responses_visible(access=access).order_by("-answered_on", "-id")
        citizen = request.query_params.get("citizen")
        if citizen:
            qs = qs.filter(citizen_id=_checked_pk(citizen))
        page = self.paginate_queryset(qs)
        audit_log_many(user=request.user, action="read", objects=page, house=house, citizen_attr="citizen_id",
                       detail="api besvarelser")
        return self.get_paginated_response(ResponseSerializer(page, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)],
                   responses=responses({200: ResponseSerializer}, 403, 404))
    def retrieve(self, request, pk=None):
        pk = _checked_pk(pk)
        house = House.objects.filter(questionnaire_responses__pk=pk).first()
        access = access_for(request.user, house) if house is not None else None
        # Another house's, another sector's and a missing response all answer the same 404.
        response = (qselectors.response_get(access=access, pk=pk)
                    if access is not None and access.sees_citizens else None)
        if response is None:
            raise exceptions.NotFound("Ikke fundet.")
        audit_log(user=request.user, action="read", obj=response, house=house, citizen_id=response.citizen_id)
        return Response(ResponseSerializer(response).data)

    @extend_schema(request=ResponseCreateSerializer, responses=responses({201: ResponseSerializer}, 400, 403, 404))
    def create(self, request):
        data = ResponseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        house, access = list_access(request, v.pop("house", None))
        sector = _write_sector(access, v.pop("sector", None))
        citizen = selectors.citizen_get(access=access, pk=v.pop("citizen"))
        if citizen is None:
            raise exceptions.ValidationError({"citizen": ["Borgeren findes ikke."]})
        response = service_call(qservices.questionnaire_response_record, house=house, citizen=citizen,
                                instrument_code=v["instrument"], moment=v["moment"], answers=v["answers"],
                                sector=sector, answered_on=v.get("answered_on"), user=request.user)
        return Response(ResponseSerializer(response).data, status=201)
