"""REST API for citizens, contracts and follow-ups: thin views over selectors (reads) and services (writes).

Scoping: lists take `?house=<slug>` (default: the user's only house); a single record is looked up in its
own house and answered 404 unless the user may see it there. Every read is audited. A CPR number never
travels in a URL: `GET /citizens/?q=<cpr>` is refused (400 `cpr_in_url`); `POST /citizens/search/` takes it
in the body.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts import selectors, services
from contracts.models import (
    ELIGIBILITY_ITEMS,
    Citizen,
    Consent,
    ConsentScope,
    Contract,
    ContractStatus,
    DiagnosisGroup,
    EndReason,
    FollowUp,
    MunicipalServices,
    ReferralSource,
    TreatmentResponsibility,
    VisitationDecision,
)
from psykiatrihus.api import TEXT_MAX_LENGTH, Conflict, ErrorSerializer, WindowDateField, house_access
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import Access, access_for, houses_for
from psykiatrihus.services import audit_log, audit_log_many

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Ugyldige data: danske fejl pr. felt."),
    403: OpenApiResponse(ErrorSerializer, description="Rollen giver ikke adgang."),
    404: OpenApiResponse(ErrorSerializer, description="Findes ikke, eller ligger uden for brugerens adgang."),
    409: OpenApiResponse(ErrorSerializer, description="Konflikt med postens tilstand (code fx duplicate, "
                                                      "already_ended)."),
}


def responses(ok, *codes: int) -> dict:
    """The documented answers of an operation: the success and the JSON errors it can give."""
    return {**ok, **{code: ERRORS[code] for code in codes}}


HOUSE_PARAM = OpenApiParameter("house", str, description="Husets kortnavn (standard: brugerens eneste hus)")


def service_call(fn, **kwargs):
    """Run a service; its Danish ValidationError becomes 409 (state conflict) or 400 (bad input)."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        conflict = services.error_codes(exc) & services.CONFLICT_CODES
        if conflict:
            raise Conflict(" ".join(exc.messages), code=sorted(conflict)[0]) from None
        if hasattr(exc, "error_dict"):
            raise exceptions.ValidationError(exc.message_dict) from None
        raise exceptions.ValidationError({"detail": exc.messages}) from None


def list_access(request, slug: str | None = None) -> tuple[House, Access]:
    """The house for a list or create request and the user's access; 403 for roles without citizen data."""
    slug = slug or request.query_params.get("house")
    if not slug:
        houses = list(houses_for(request.user)[:2])
        if len(houses) == 1:
            slug = houses[0].slug
    house, access = house_access(request, slug)
    if not access.sees_citizens:
        raise exceptions.PermissionDenied("Din rolle giver ikke adgang til borgeroplysninger.")
    return house, access


MAX_ID = 2**62  # ids beyond bigint would make PostgreSQL refuse the query


def _checked_pk(pk) -> int:
    if not str(pk).isdigit() or int(pk) > MAX_ID:
        raise exceptions.NotFound("Ikke fundet.")
    return int(pk)


def object_access(request, model, pk) -> Access:
    """The user's access in the house that owns record `pk` (404 if there is none)."""
    pk = _checked_pk(pk)
    house_id = model.objects.filter(pk=pk).values_list("house_id", flat=True).first()
    if house_id is None:
        raise exceptions.NotFound("Ikke fundet.")
    return access_for(request.user, House.objects.get(pk=house_id))


def _choice_param(request, name: str, choices) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and value not in choices:
        raise exceptions.ValidationError({name: [f"Ugyldig værdi. Vælg en af: {', '.join(choices)}."]})
    return value


# --- serializers ----------------------------------------------------------------------------------------


class ContractSerializer(serializers.ModelSerializer):
    """Regional health fields are left out unless the reader may see them; municipal fields only on
    municipal contracts."""

    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    citizen_name = serializers.CharField(source="citizen.name", read_only=True)
    # May be blank (imported history, not recorded yet).
    referral_source = serializers.ChoiceField(ReferralSource.choices, required=False, allow_blank=True)
    end_reason = serializers.ChoiceField(EndReason.choices, required=False, allow_blank=True)
    # Present only where they apply (sector) and the reader may see them (health): not required in the schema.
    municipal_services = serializers.ChoiceField(MunicipalServices.choices, required=False, allow_blank=True)
    resident_in_municipality = serializers.BooleanField(required=False, allow_null=True)
    diagnosis_group = serializers.ChoiceField(DiagnosisGroup.choices, required=False, allow_blank=True)
    psychiatric_comorbidity = serializers.BooleanField(required=False, allow_null=True)
    treatment_responsibility = serializers.ChoiceField(TreatmentResponsibility.choices, required=False,
                                                       allow_blank=True)

    class Meta:
        model = Contract
        fields = [
            "id", "citizen", "citizen_name", "house", "sector", "status", "granted_on", "review_on", "ended_on",
            "end_reason", "end_reason_text", "referral_source", "stay_frame_nights", "next_followup_due",
            "eligibility", "crisis_what_helps", "crisis_warning_signs", "crisis_who_to_call",
            "municipal_services", "resident_in_municipality",
            "diagnosis_group", "psychiatric_comorbidity", "treatment_responsibility",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        access, health_ids = self.context["access"], self.context["health_ids"]
        if instance.sector != Sector.KOMMUNE:
            for name in services.MUNICIPAL_FIELDS:
                data.pop(name, None)
        if not selectors.health_visible(access=access, contract=instance, health_ids=health_ids):
            for name in services.HEALTH_FIELDS:
                data.pop(name, None)
        return data


class ContractSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = ["id", "sector", "status", "granted_on", "ended_on"]


class CitizenSerializer(serializers.ModelSerializer):
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    cpr = serializers.SerializerMethodField(help_text="Fuldt CPR kun for personale i en sektor med kontrakt")
    contracts = ContractSummarySerializer(source="visible_contracts", many=True, read_only=True)

    class Meta:
        model = Citizen
        fields = ["id", "name", "cpr", "birth_date", "gender", "phone", "next_of_kin", "house", "contracts"]
        read_only_fields = fields

    def get_cpr(self, obj) -> str:
        return selectors.citizen_cpr_display(citizen=obj)


class EligibilityField(serializers.DictField):
    child = serializers.BooleanField()

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        unknown = set(value) - {k for k, _label in ELIGIBILITY_ITEMS}
        if unknown:
            raise serializers.ValidationError(f"Ukendte punkter: {', '.join(sorted(unknown))}.")
        return value


class ContractFieldsSerializer(serializers.Serializer):
    """The contract's content fields (create and update share them)."""

    referral_source = serializers.ChoiceField(ReferralSource.choices, required=False, allow_blank=True)
    stay_frame_nights = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=365)
    review_on = WindowDateField(required=False, allow_null=True)
    eligibility = EligibilityField(required=False)
    crisis_what_helps = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    crisis_warning_signs = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    crisis_who_to_call = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    municipal_services = serializers.ChoiceField(MunicipalServices.choices, required=False, allow_blank=True)
    resident_in_municipality = serializers.BooleanField(required=False, allow_null=True)
    diagnosis_group = serializers.ChoiceField(DiagnosisGroup.choices, required=False, allow_blank=True)
    psychiatric_comorbidity = serializers.BooleanField(required=False, allow_null=True)
    treatment_responsibility = serializers.ChoiceField(TreatmentResponsibility.choices, required=False,
                                                       allow_blank=True)


class ContractCreateSerializer(ContractFieldsSerializer):
    house = serializers.SlugField(required=False, max_length=50)
    citizen = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                       help_text="En kendt borger; ellers name + cpr")
    name = serializers.CharField(required=False, max_length=200)
    cpr = serializers.CharField(required=False, write_only=True, max_length=20)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    next_of_kin = serializers.CharField(required=False, allow_blank=True, max_length=300)
    sector = serializers.ChoiceField(Sector.choices, required=False)
    granted_on = WindowDateField()

    def validate(self, attrs):
        if not attrs.get("citizen") and not (attrs.get("name") and attrs.get("cpr")):
            raise serializers.ValidationError({"citizen": ["Angiv en borger (id) eller navn og CPR-nummer."]})
        return attrs


class ContractEndSerializer(serializers.Serializer):
    ended_on = WindowDateField()
    end_reason = serializers.ChoiceField(EndReason.choices)
    reason_text = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ContractStatusChangeSerializer(serializers.Serializer):
    on = WindowDateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CitizenCreateSerializer(serializers.Serializer):
    house = serializers.SlugField(required=False, max_length=50)
    sector = serializers.ChoiceField(Sector.choices, required=False)
    name = serializers.CharField(max_length=200)
    cpr = serializers.CharField(write_only=True, max_length=20)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    next_of_kin = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FollowUpSerializer(serializers.ModelSerializer):
    citizen = serializers.IntegerField(source="contract.citizen_id", read_only=True)
    house = serializers.CharField(source="contract.house.slug", read_only=True)
    sector = serializers.CharField(source="contract.sector", read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "contract", "citizen", "house", "sector", "held_on", "participants", "outcome",
                  "eligibility", "next_due"]
        read_only_fields = fields


class FollowUpCreateSerializer(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    held_on = WindowDateField()
    participants = serializers.CharField(required=False, allow_blank=True, max_length=500)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    eligibility = EligibilityField(required=False)


class DueSerializer(serializers.Serializer):
    contract = serializers.IntegerField(source="contract.id")
    citizen = serializers.IntegerField(source="contract.citizen_id")
    citizen_name = serializers.CharField(source="contract.citizen.name")
    sector = serializers.CharField(source="contract.sector")
    status = serializers.CharField(source="contract.status")
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    days = serializers.IntegerField()


def _write_sector(access: Access, requested: str | None) -> str:
    """The sector a write happens in: the user's own (staff), or the one named (leaders of both)."""
    if requested:
        if requested not in access.citizen_sectors:
            raise exceptions.PermissionDenied("Du kan ikke oprette i den anden sektor.")
        return requested
    if len(access.citizen_sectors) == 1:
        return next(iter(access.citizen_sectors))
    raise exceptions.ValidationError({"sector": ["Angiv sektoren (kommune eller region)."]})


def _health_guard(access: Access, sector: str, data: dict) -> None:
    if sector == Sector.REGION and not access.sees_health(Sector.REGION):
        if any(name in data for name in services.HEALTH_FIELDS):
            raise exceptions.PermissionDenied("Du har ikke adgang til helbredsoplysninger.")


# --- views ----------------------------------------------------------------------------------------------


class ContractViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = ContractSerializer
    queryset = Contract.objects.none()

    def _context(self, access: Access) -> dict:
        return {"request": self.request, "access": access,
                "health_ids": selectors.health_citizen_ids(access=access)}

    def _get(self, pk) -> tuple[Contract, Access]:
        access = object_access(self.request, Contract, pk)
        contract = selectors.contract_get(access=access, pk=pk)
        if contract is None:
            raise exceptions.NotFound("Ikke fundet.")
        return contract, access

    def _editable(self, pk) -> tuple[Contract, Access]:
        contract, access = self._get(pk)
        if not selectors.contract_may_edit(access=access, contract=contract):
            raise exceptions.PermissionDenied("Kun den ansvarlige sektor kan ændre kontrakten.")
        return contract, access

    def _out(self, contract: Contract, access: Access, status: int = 200) -> Response:
        contract = selectors.contract_get(access=access, pk=contract.pk)
        return Response(ContractSerializer(contract, context=self._context(access)).data, status=status)

    @extend_schema(parameters=[HOUSE_PARAM, OpenApiParameter("status", str, enum=ContractStatus.values),
                               OpenApiParameter("sector", str, enum=Sector.values),
                               OpenApiParameter("citizen", int)],
                   responses=responses({200: ContractSerializer(many=True)}, 400, 403, 404))
    def list(self, request):
        house, access = list_access(request)
        citizen = request.query_params.get("citizen")
        qs = selectors.contract_list(
            access=access, status=_choice_param(request, "status", ContractStatus.values),
            sector=_choice_param(request, "sector", Sector.values),
            citizen_id=_checked_pk(citizen) if citizen else None,
        )
        page = self.paginate_queryset(qs)
        audit_log_many(user=request.user, action="read", objects=page, house=house, citizen_attr="citizen_id",
                       detail="api list")
        return self.get_paginated_response(ContractSerializer(page, many=True, context=self._context(access)).data)

    @extend_schema(responses=responses({200: ContractSerializer}, 404))
    def retrieve(self, request, pk=None):
        contract, access = self._get(pk)
        audit_log(user=request.user, action="read", obj=contract, house=contract.house,
                  citizen_id=contract.citizen_id, detail="api")
        return Response(ContractSerializer(contract, context=self._context(access)).data)

    @extend_schema(request=ContractCreateSerializer, responses=responses({201: ContractSerializer}, 400, 403, 404, 409))
    def create(self, request):
        data = ContractCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        house, access = list_access(request, v.pop("house", None))
        sector = _write_sector(access, v.pop("sector", None))
        _health_guard(access, sector, v)
        citizen_id = v.pop("citizen", None)
        name, cpr = v.pop("name", ""), v.pop("cpr", "")
        phone, next_of_kin = v.pop("phone", ""), v.pop("next_of_kin", "")
        if citizen_id:
            citizen = selectors.citizen_get(access=access, pk=citizen_id)
            if citizen is None:
                raise exceptions.ValidationError({"citizen": ["Borgeren findes ikke."]})
            contract = service_call(services.contract_create, house=house, citizen=citizen, sector=sector,
                                    user=request.user, **v)
        else:
            contract = service_call(services.citizen_contract_create, house=house, sector=sector, name=name,
                                    cpr=cpr, phone=phone, next_of_kin=next_of_kin, user=request.user, **v)
        return self._out(contract, access, status=201)

    @extend_schema(request=ContractFieldsSerializer,
                   responses=responses({200: ContractSerializer}, 400, 403, 404, 409))
    def partial_update(self, request, pk=None):
        contract, access = self._editable(pk)
        data = ContractFieldsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        _health_guard(access, contract.sector, data.validated_data)
        contract = service_call(services.contract_update, contract=contract, user=request.user,
                                **data.validated_data)
        return self._out(contract, access)

    @extend_schema(request=ContractFieldsSerializer,
                   responses=responses({200: ContractSerializer}, 400, 403, 404, 409))
    def update(self, request, pk=None):
        return self.partial_update(request, pk=pk)

    @extend_schema(request=ContractEndSerializer, responses=responses({200: ContractSerializer}, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        contract, access = self._editable(pk)
        data = ContractEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        contract = service_call(services.contract_end, contract=contract, user=request.user, ended_on=v["ended_on"],
                                reason=v["end_reason"], reason_text=v.get("reason_text", ""))
        return self._out(contract, access)

    @extend_schema(request=ContractStatusChangeSerializer,
                   responses=responses({200: ContractSerializer}, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        contract, access = self._editable(pk)
        data = ContractStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = service_call(services.contract_pause, contract=contract, user=request.user,
                                **data.validated_data)
        return self._out(contract, access)

    @extend_schema(request=ContractStatusChangeSerializer,
                   responses=responses({200: ContractSerializer}, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        contract, access = self._editable(pk)
        data = ContractStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = service_call(services.contract_resume, contract=contract, user=request.user,
                                **data.validated_data)
        return self._out(contract, access)


class CitizenSearchSerializer(serializers.Serializer):
    house = serializers.SlugField(required=False, max_length=50,
                                  help_text="Husets kortnavn (standard: brugerens eneste hus)")
    q = serializers.CharField(max_length=200, help_text="Navn (ord i vilkårlig rækkefølge), fødselsdato "
                                                        "(dd.mm.åååå) eller et helt CPR-nummer")


class CitizenPageSerializer(serializers.Serializer):
    """One page of citizens (limit/offset, as the list)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CitizenSerializer(many=True)


LIST_400 = OpenApiResponse(OpenApiTypes.OBJECT, description="Ugyldige parametre (fejl pr. felt), eller et "
                                                            "CPR-nummer i q: code=cpr_in_url (brug POST "
                                                            "/api/v1/citizens/search/).")
PAGE_PARAMS = [OpenApiParameter("limit", int, description="Antal pr. side"),
               OpenApiParameter("offset", int, description="Spring over")]


class CitizenViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = CitizenSerializer
    queryset = Citizen.objects.none()

    def _search(self, request, house: House, access: Access, query: str, *, posted: bool = False):
        """A page of the citizens `query` finds within `access`; the search and every row read audited. A posted
        search also finds by birth date and by the words of a name in any order (`citizen_match`, as the
        type-ahead); the address's `?q=` searches a part of the name only."""
        found = selectors.citizen_match(access=access, query=query) if posted and query.strip() \
            else selectors.citizen_search(access=access, query=query)
        page = self.paginate_queryset(found)
        if query:
            # Never the search text itself: it may be a CPR number.
            kind = selectors.citizen_lookup_kind(query) if posted else (
                "cpr" if selectors.cpr_lookup_digits(query) else "navn")
            audit_log(user=request.user, action="search", object_type="contracts.citizen", house=house,
                      detail=f"api søgning på {kind}")
        audit_log_many(user=request.user, action="read", objects=page, house=house, citizen_attr="pk",
                       detail="api list")
        return self.get_paginated_response(CitizenSerializer(page, many=True).data)

    @extend_schema(parameters=[HOUSE_PARAM, OpenApiParameter("q", str, description="Navn (del af). Et CPR-nummer "
                                                             "afvises (400 cpr_in_url): søg med POST "
                                                             "/api/v1/citizens/search/.")],
                   responses={200: CitizenSerializer(many=True), 400: LIST_400, 403: ERRORS[403], 404: ERRORS[404]})
    def list(self, request):
        query = request.query_params.get("q", "").strip()
        if selectors.cpr_lookup_digits(query):
            # A CPR number never travels in a URL (access logs, proxies, browser history keep them). Refused
            # before anything is read, and not searched.
            return Response({"code": "cpr_in_url",
                             "detail": _("Søg på CPR-nummer med POST /api/v1/citizens/search/ "
                                         "(CPR-nummeret i forespørgslens krop). CPR-numre må ikke stå i en "
                                         "adresse.")}, status=400)
        house, access = list_access(request)
        return self._search(request, house, access, query)

    @extend_schema(request=CitizenSearchSerializer, parameters=PAGE_PARAMS,
                   responses=responses({200: CitizenPageSerializer}, 400, 403, 404))
    @action(detail=False, methods=["post"])
    def search(self, request):
        """Search by name (words in any order), birth date (dd.mm.åååå) or an exact CPR number, sent in the body so
        it stays out of URLs. Namesakes are told apart by `birth_date` and `contracts` (sector, status)."""
        data = CitizenSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        house, access = list_access(request, data.validated_data.get("house"))
        return self._search(request, house, access, data.validated_data["q"], posted=True)

    @extend_schema(responses=responses({200: CitizenSerializer}, 404))
    def retrieve(self, request, pk=None):
        access = object_access(request, Citizen, pk)
        citizen = selectors.citizen_get(access=access, pk=pk)
        if citizen is None:
            raise exceptions.NotFound("Ikke fundet.")
        audit_log(user=request.user, action="read", obj=citizen, house=citizen.house, citizen_id=citizen.pk,
                  detail="api")
        return Response(CitizenSerializer(citizen).data)

    @extend_schema(request=CitizenCreateSerializer, responses=responses({201: CitizenSerializer}, 400, 403, 404, 409))
    def create(self, request):
        data = CitizenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        house, access = list_access(request, v.pop("house", None))
        sector = _write_sector(access, v.pop("sector", None))
        citizen = service_call(services.citizen_create, house=house, sector=sector, user=request.user, **v)
        return Response(CitizenSerializer(selectors.citizen_get(access=access, pk=citizen.pk)).data, status=201)


class FollowUpViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = FollowUpSerializer
    queryset = FollowUp.objects.none()

    @extend_schema(parameters=[HOUSE_PARAM, OpenApiParameter("contract", int)],
                   responses=responses({200: FollowUpSerializer(many=True)}, 400, 403, 404))
    def list(self, request):
        house, access = list_access(request)
        qs = selectors.followups_visible(access=access)
        contract = request.query_params.get("contract")
        if contract:
            qs = qs.filter(contract_id=_checked_pk(contract))
        page = self.paginate_queryset(qs)
        audit_log_many(user=request.user, action="read", objects=page, house=house, detail="api list",
                       citizen_attr="contract.citizen_id")
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)

    @extend_schema(responses=responses({200: FollowUpSerializer}, 404))
    def retrieve(self, request, pk=None):
        pk = _checked_pk(pk)
        house_id = FollowUp.objects.filter(pk=pk).values_list("contract__house_id", flat=True).first()
        if house_id is None:
            raise exceptions.NotFound("Ikke fundet.")
        access = access_for(request.user, get_object_or_404(House, pk=house_id))
        followup = selectors.followups_visible(access=access).filter(pk=pk).first()
        if followup is None:
            raise exceptions.NotFound("Ikke fundet.")
        audit_log(user=request.user, action="read", obj=followup, house=access.house,
                  citizen_id=followup.contract.citizen_id, detail="api")
        return Response(FollowUpSerializer(followup).data)

    @extend_schema(request=FollowUpCreateSerializer, responses=responses({201: FollowUpSerializer}, 400, 403, 404, 409))
    def create(self, request):
        data = FollowUpCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        access = object_access(request, Contract, v.pop("contract"))
        contract = selectors.contract_get(access=access, pk=data.validated_data["contract"])
        if contract is None:
            raise exceptions.ValidationError({"contract": ["Kontrakten findes ikke."]})
        if not selectors.contract_may_edit(access=access, contract=contract):
            raise exceptions.PermissionDenied("Kun den ansvarlige sektor kan registrere opfølgning.")
        followup = service_call(services.followup_record, contract=contract, user=request.user, **v)
        return Response(FollowUpSerializer(followup).data, status=201)

    @extend_schema(parameters=[HOUSE_PARAM, OpenApiParameter("sector", str, enum=Sector.values),
                               OpenApiParameter("within", int, description="Dage frem (standard 30)")],
                   responses=responses({200: DueSerializer(many=True)}, 400, 403, 404))
    @action(detail=False, methods=["get"], pagination_class=None)
    def due(self, request):
        """The work list: open contracts whose follow-up is overdue or soon due."""
        from django.utils import timezone

        house, access = list_access(request)
        within = request.query_params.get("within", "")
        today = timezone.localdate()
        contracts = list(selectors.followup_work_list(
            access=access, today=today,
            within_days=min(int(within), 3650) if within.isdigit() else selectors.SOON_DUE_DAYS,
            sector=_choice_param(request, "sector", Sector.values)))
        audit_log_many(user=request.user, action="read", objects=contracts, house=house,
                       citizen_attr="citizen_id", detail="api opfølgningsliste")
        return Response(DueSerializer(selectors.due_items(contracts=contracts, today=today), many=True).data)


# --- visitation decisions (houses whose rules admit by visitation) -----------------------------------------


class VisitationSerializer(serializers.ModelSerializer):
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    citizen_name = serializers.CharField(source="citizen.name", read_only=True)
    goal_list = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = VisitationDecision
        fields = ["id", "house", "citizen", "citizen_name", "sector", "decided_on", "decided_by", "granted_from",
                  "granted_until", "purpose", "goals", "goal_list", "stay_frame_nights", "frame_reason",
                  "withdrawn_on"]
        read_only_fields = fields


class VisitationCreateSerializer(serializers.Serializer):
    house = serializers.SlugField(required=False, max_length=50)
    citizen = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    sector = serializers.ChoiceField(Sector.choices, required=False)
    decided_on = WindowDateField()
    decided_by = serializers.CharField(max_length=200)
    granted_from = WindowDateField()
    granted_until = WindowDateField()
    purpose = serializers.CharField(max_length=5000)
    goals = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                  help_text="Ét mål pr. linje")
    stay_frame_nights = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                                 max_value=366)
    frame_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class VisitationViewSet(viewsets.GenericViewSet):
    """Visitation decisions: list those the user may read (optionally for one citizen), or record one."""

    lookup_value_regex = r"\d+"
    serializer_class = VisitationSerializer
    queryset = Citizen.objects.none()

    @extend_schema(parameters=[HOUSE_PARAM, OpenApiParameter("citizen", int, description="Kun denne borger")],
                   responses=responses({200: VisitationSerializer(many=True)}, 400, 403, 404))
    def list(self, request):
        house, access = list_access(request)
        qs = selectors.visitations_visible(access=access).order_by("-granted_from", "-id")
        citizen = request.query_params.get("citizen")
        if citizen:
            qs = qs.filter(citizen_id=_checked_pk(citizen))
        page = self.paginate_queryset(qs)
        audit_log_many(user=request.user, action="read", objects=page, house=house, citizen_attr="citizen_id",
                       detail="api visitationer")
        return self.get_paginated_response(VisitationSerializer(page, many=True).data)

    @extend_schema(request=VisitationCreateSerializer,
                   responses=responses({201: VisitationSerializer}, 400, 403, 404))
    def create(self, request):
        data = VisitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        house, access = list_access(request, v.pop("house", None))
        sector = _write_sector(access, v.pop("sector", None))
        citizen = selectors.citizen_get(access=access, pk=v.pop("citizen"))
        if citizen is None:
            raise exceptions.ValidationError({"citizen": ["Borgeren findes ikke."]})
        decision = service_call(services.visitation_decide, house=house, citizen=citizen, sector=sector,
                                user=request.user, **v)
        return Response(VisitationSerializer(decision).data, status=201)


# --- consents across the sector wall ---------------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer):
    house = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True,
                                        help_text="Brugernavn på den, der registrerede samtykket")

    class Meta:
        model = Consent
        fields = ["id", "citizen", "house", "to_sector", "scope", "given_on", "withdrawn_on", "note", "recorded_by"]
        read_only_fields = fields


class ConsentCreateSerializer(serializers.Serializer):
    to_sector = serializers.ChoiceField(Sector.choices, help_text="Den sektor, der må se borgerens oplysninger")
    scope = serializers.ChoiceField(ConsentScope.choices, required=False, default=ConsentScope.CONTRACT)
    given_on = WindowDateField(required=False, help_text="Standard: i dag; aldrig i fremtiden")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


CITIZEN_PK_PARAM = OpenApiParameter("citizen_pk", int, OpenApiParameter.PATH, description="Borgerens id")


class ConsentViewSet(viewsets.GenericViewSet):
    """A citizen's consents to let the other sector see their records: list (anyone who may see the citizen),
    record and withdraw (staff of a sector that owns the citizen's record, as on the citizen page)."""

    lookup_value_regex = r"\d+"
    serializer_class = ConsentSerializer
    queryset = Consent.objects.none()
    pagination_class = None  # a citizen has a handful

    def _citizen(self, citizen_pk) -> tuple[Citizen, Access]:
        access = object_access(self.request, Citizen, citizen_pk)
        if not access.sees_citizens:
            # 404 like a citizen that does not exist: a 403 here would tell that the id is a citizen
            raise exceptions.NotFound(_("Ikke fundet."))
        citizen = selectors.citizen_get(access=access, pk=_checked_pk(citizen_pk))
        if citizen is None:
            raise exceptions.NotFound(_("Ikke fundet."))
        return citizen, access

    def _own_sectors(self, access: Access, citizen: Citizen) -> set[str]:
        own = selectors.consent_own_sectors(access=access, citizen=citizen)
        if not own:
            raise exceptions.PermissionDenied(_("Kun borgerens egen sektor kan registrere og tilbagekalde "
                                                "samtykke."))
        return own

    @extend_schema(parameters=[CITIZEN_PK_PARAM], responses=responses({200: ConsentSerializer(many=True)}, 403, 404))
    def list(self, request, citizen_pk=None):
        citizen, access = self._citizen(citizen_pk)
        consents = list(selectors.consents_for(citizen=citizen))
        audit_log(user=request.user, action="read", obj=citizen, house=citizen.house, citizen_id=citizen.pk,
                  detail="api samtykker")
        audit_log_many(user=request.user, action="read", objects=consents, house=citizen.house,
                       citizen_attr="citizen_id", detail="api samtykker")
        return Response(ConsentSerializer(consents, many=True).data)

    @extend_schema(parameters=[CITIZEN_PK_PARAM], request=ConsentCreateSerializer,
                   responses=responses({201: ConsentSerializer}, 400, 403, 404, 409))
    def create(self, request, citizen_pk=None):
        citizen, access = self._citizen(citizen_pk)
        own = self._own_sectors(access, citizen)
        data = ConsentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["to_sector"] not in selectors.consent_target_sectors(own=own):
            raise exceptions.ValidationError({"to_sector": [_("Samtykket skal give den anden sektor adgang.")]})
        consent = service_call(services.consent_give, citizen=citizen, to_sector=v["to_sector"], scope=v["scope"],
                               given_on=v.get("given_on"), note=v["note"], user=request.user)
        return Response(ConsentSerializer(consent).data, status=201)

    @extend_schema(parameters=[CITIZEN_PK_PARAM], request=None,
                   responses=responses({200: ConsentSerializer}, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def withdraw(self, request, citizen_pk=None, pk=None):
        """Withdraw the consent today: the other sector loses sight of the citizen at once."""
        citizen, access = self._citizen(citizen_pk)
        consent = selectors.consent_get(access=access, pk=_checked_pk(pk))
        if consent is None or consent.citizen_id != citizen.pk:
            raise exceptions.NotFound(_("Ikke fundet."))
        self._own_sectors(access, citizen)
        consent = service_call(services.consent_withdraw, consent=consent, user=request.user)
        return Response(ConsentSerializer(consent).data)
