"""HL7 FHIR R4 read API at /fhir/R4/ for the region's record systems.

The kernel owns the protocol (routing, search parameters, paging, Bundle, OperationOutcome, the
CapabilityStatement, audit) and knows no app: each app registers the resource types it owns from its
AppConfig.ready() (`register_fhir_type`), with a queryset of what an Access may see and a function that turns a
record into a resource. Every resource is validated by `fhir.resources` (its R4B models) before it is sent.
A record the user may not see answers exactly like one that does not exist: 404 with the same OperationOutcome.
Same token and session authentication as /api/v1/, same sector wall (the apps' scoped selectors).
"""

from __future__ import annotations

import datetime
import functools
import importlib
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from rest_framework import exceptions, renderers
from rest_framework.response import Response
from rest_framework.views import APIView

from psykiatrihus.models import AuditAction, AuditEvent
from psykiatrihus.scoping import Access, access_for, houses_for
from psykiatrihus.services import audit_log_many

FHIR_VERSION = "4.0.1"
CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"  # DK Core: CPR number
DEFAULT_COUNT = 50
MAX_COUNT = 200
ID_PATTERN = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
DATE_PARAM = re.compile(r"^(eq|ne|gt|lt|ge|le)?(\d{4}-\d{2}-\d{2})$")
SAME_READ_WINDOW = datetime.timedelta(minutes=15)


class FhirJSONRenderer(renderers.JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"
    charset = "utf-8"


@dataclass(frozen=True)
class FhirQuery:
    """A search as the registered types receive it: the user's houses with their access, and the parameters."""

    accesses: dict[int, Access]
    patient: int | None = None
    status: list[str] = field(default_factory=list)
    dates: list[tuple[str, datetime.date]] = field(default_factory=list)


@dataclass(frozen=True)
class FhirType:
    name: str
    model_path: str  # fhir.resources.R4B.<module>.<Class>, the model every resource is validated against
    queryset: Callable[[FhirQuery], QuerySet]
    resource: Callable[[Any, Access], dict]
    date_field: str | None = None
    status_field: str | None = None
    status_values: dict[str, Iterable[str]] | None = None  # FHIR status -> our values, for `status=`
    id_lookup: Callable[[str], dict | None] | None = None  # our id from a FHIR id, when it is not just the pk
    patient_field: str | None = "citizen_id"  # the lookup `patient=` filters on
    citizen_attr: str | None = "citizen_id"  # the attribute that names the citizen in the audit row
    citizen_level: bool = True  # reads are audited per record
    description: str = ""
    # Called once with a page of records (and the user's access per house) before their resources are made,
    # so a type can fetch what every record needs in one query per house instead of one per record.
    prepare: Callable[[list, dict[int, Access]], None] | None = None

    def validate(self, data: dict) -> dict:
        module, cls = self.model_path.rsplit(".", 1)
        model = getattr(importlib.import_module(module), cls)
        return model.model_validate(data).model_dump(mode="json", by_alias=True, exclude_none=True)


_TYPES: dict[str, FhirType] = {}


def register_fhir_type(fhir_type: FhirType) -> None:
    _TYPES[fhir_type.name] = fhir_type


def fhir_types() -> dict[str, FhirType]:
    return dict(sorted(_TYPES.items()))


def visible_union(model, querysets: list[QuerySet]) -> QuerySet:
    """What the user may see in any of their houses: the union of each house's own scoped selector."""
    if not querysets:
        return model.objects.none()
    return model.objects.filter(functools.reduce(operator.or_, [Q(pk__in=qs.values("pk")) for qs in querysets]))


def reference(resource_type: str, pk: Any, display: str | None = None) -> dict:
    ref = {"reference": f"{resource_type}/{pk}"}
    if display:
        ref["display"] = display
    return ref


def instant(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def period(start, end) -> dict:
    def text(v):
        if v is None:
            return None
        return instant(v) if isinstance(v, datetime.datetime) else v.isoformat()

    return {k: v for k, v in {"start": text(start), "end": text(end)}.items() if v}


def operation_outcome(*, code: str, diagnostics: str, severity: str = "error") -> dict:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}


class FhirError(exceptions.APIException):
    def __init__(self, status: int, code: str, diagnostics: str):
        super().__init__(detail=diagnostics)
        self.status_code = status
        self.fhir_code = code


NOT_FOUND = ("not-found", "Ressourcen findes ikke.")


class FhirView(APIView):
    renderer_classes = [FhirJSONRenderer, renderers.JSONRenderer]
    schema = None  # FHIR's own CapabilityStatement describes this API, not the /api/v1/ OpenAPI schema

    def handle_exception(self, exc):
        if isinstance(exc, FhirError):
            status, code, text = exc.status_code, exc.fhir_code, str(exc.detail)
        elif isinstance(exc, Http404):
            status, (code, text) = 404, NOT_FOUND
        elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            status, code, text = 401, "login", "Log ind med et gyldigt API-token."
        elif isinstance(exc, exceptions.PermissionDenied):
            status, code, text = 403, "forbidden", "Du har ikke adgang."
        elif isinstance(exc, exceptions.MethodNotAllowed):
            status, code, text = 405, "not-supported", "Kun læsning (GET) understøttes."
        elif isinstance(exc, exceptions.NotAcceptable):
            status, code, text = 406, "not-supported", "Kun application/fhir+json understøttes."
        else:
            return super().handle_exception(exc)
        response = Response(operation_outcome(code=code, diagnostics=text), status=status)
        if status == 401:
            response["WWW-Authenticate"] = "Token"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    def _accesses(self, request) -> dict[int, Access]:
        return {house.pk: access_for(request.user, house) for house in houses_for(request.user)}


def _fhir_type(name: str) -> FhirType:
    fhir_type = _TYPES.get(name)
    if fhir_type is None:
        raise FhirError(404, "not-supported", f"Ressourcetypen {name[:64]} understøttes ikke.")
    return fhir_type


def _patient_id(values: list[str]) -> int | None:
    """`patient=Patient/12` or `patient=12`: a logical id, never a CPR number. Anything else matches nothing
    (-1), the same answer a patient the user may not see gets."""
    if not values:
        return None
    value = values[-1].removeprefix("Patient/")
    return int(value) if value.isdigit() and len(value) < 19 else -1


def _dates(values: list[str]) -> list[tuple[str, datetime.date]]:
    result = []
    for value in values:
        match = DATE_PARAM.match(value)
        if not match:
            raise FhirError(400, "invalid", "date skal have formen [ge|gt|le|lt|eq]ÅÅÅÅ-MM-DD.")
        try:
            day = datetime.date.fromisoformat(match.group(2))
        except ValueError:
            raise FhirError(400, "invalid", "date er ikke en gyldig dato.") from None
        result.append((match.group(1) or "eq", day))
    return result


def _int_param(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise FhirError(400, "invalid", f"{name} skal være et ikke-negativt heltal.")
    value = int(raw)
    return min(value, maximum) if maximum is not None else value


def _filtered(fhir_type: FhirType, query: FhirQuery) -> QuerySet:
    qs = fhir_type.queryset(query)
    if query.patient is not None:
        if fhir_type.patient_field is None:
            return qs.none()
        qs = qs.filter(**{fhir_type.patient_field: query.patient})
    if query.status:
        if not fhir_type.status_values or not fhir_type.status_field:
            raise FhirError(400, "not-supported", f"{fhir_type.name} kan ikke søges på status.")
        ours = [v for s in query.status for v in fhir_type.status_values.get(s, [])]
        qs = qs.filter(**{f"{fhir_type.status_field}__in": ours})
    for prefix, day in query.dates:
        if fhir_type.date_field is None:
            raise FhirError(400, "not-supported", f"{fhir_type.name} kan ikke søges på date.")
        lookup = {"eq": "", "gt": "__gt", "lt": "__lt", "ge": "__gte", "le": "__lte"}.get(prefix)
        condition = Q(**{f"{fhir_type.date_field}{lookup}": day}) if lookup is not None else \
            ~Q(**{fhir_type.date_field: day})
        qs = qs.filter(condition)
    return qs


def _audit(request, fhir_type: FhirType, objects: list, accesses: dict[int, Access]) -> None:
    if not fhir_type.citizen_level or not objects:
        return
    by_house: dict[int, list] = {}
    for obj in objects:
        by_house.setdefault(obj.house_id, []).append(obj)
    for house_id, group in by_house.items():
        audit_log_many(user=request.user, action=AuditAction.READ, objects=group,
                       house=accesses[house_id].house, detail=f"FHIR {fhir_type.name}",
                       citizen_attr=fhir_type.citizen_attr, once_per=SAME_READ_WINDOW)


class SearchView(FhirView):
    def get(self, request, resource_type: str):
        fhir_type = _fhir_type(resource_type)
        status_values = [s for v in request.query_params.getlist("status") for s in v.split(",") if s]
        query = FhirQuery(accesses=self._accesses(request), patient=_patient_id(request.query_params.getlist(
            "patient")), status=status_values, dates=_dates(request.query_params.getlist("date")))
        count = _int_param(request, "_count", DEFAULT_COUNT, MAX_COUNT)
        offset = _int_param(request, "_offset", 0)
        qs = _filtered(fhir_type, query).order_by("pk")
        total = qs.count()
        page = list(qs[offset:offset + count]) if count else []
        _audit(request, fhir_type, page, query.accesses)
        if fhir_type.prepare is not None and page:
            fhir_type.prepare(page, query.accesses)
        base = request.build_absolute_uri(request.path)
        params = [(k, v) for k, values in request.query_params.lists() for v in values
                  if k not in ("_count", "_offset")]

        def link(relation: str, at: int) -> dict:
            return {"relation": relation, "url": f"{base}?{urlencode([*params, ('_count', count), ('_offset', at)])}"}

        links = [link("self", offset)]
        if count and offset + count < total:
            links.append(link("next", offset + count))
        if count and offset > 0:
            links.append(link("previous", max(0, offset - count)))
        entries = []
        for obj in page:
            resource = fhir_type.validate(fhir_type.resource(obj, query.accesses[obj.house_id]))
            entries.append({"fullUrl": f"{base.rstrip('/')}/{resource['id']}", "resource": resource,
                            "search": {"mode": "match"}})
        bundle = {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links, "entry": entries}
        from fhir.resources.R4B.bundle import Bundle

        return Response(Bundle.model_validate(bundle).model_dump(mode="json", by_alias=True, exclude_none=True))


class ReadView(FhirView):
    def get(self, request, resource_type: str, pk: str):
        fhir_type = _fhir_type(resource_type)
        if not ID_PATTERN.match(pk):
            raise FhirError(404, *NOT_FOUND)
        accesses = self._accesses(request)
        lookup = _pk_lookup(fhir_type, pk)
        obj = fhir_type.queryset(FhirQuery(accesses=accesses)).filter(**lookup).first() if lookup else None
        if obj is None:
            raise FhirError(404, *NOT_FOUND)
        _audit(request, fhir_type, [obj], accesses)
        if fhir_type.prepare is not None:
            fhir_type.prepare([obj], accesses)
        return Response(fhir_type.validate(fhir_type.resource(obj, accesses[obj.house_id])))


def _pk_lookup(fhir_type: FhirType, pk: str) -> dict | None:
    """Our ids are numbers; a type may prefix them (`ors-12`) through its `id_lookup`."""
    if fhir_type.id_lookup is not None:
        return fhir_type.id_lookup(pk)
    return {"pk": int(pk)} if pk.isdigit() and len(pk) < 19 else None


class MetadataView(FhirView):
    permission_classes: list = []  # the CapabilityStatement is public, as FHIR requires
    authentication_classes: list = []

    def get(self, request):
        from fhir.resources.R4B.capabilitystatement import CapabilityStatement

        resources = []
        for name, fhir_type in fhir_types().items():
            params = [{"name": "_count", "type": "number"}, {"name": "_offset", "type": "number"}]
            if fhir_type.patient_field:
                params.append({"name": "patient", "type": "reference"})
            if fhir_type.date_field:
                params.append({"name": "date", "type": "date"})
            if fhir_type.status_values:
                params.append({"name": "status", "type": "token"})
            resources.append({"type": name, "interaction": [{"code": "read"}, {"code": "search-type"}],
                              "searchParam": params, "documentation": fhir_type.description or None})
        statement = {
            "resourceType": "CapabilityStatement", "status": "active", "kind": "instance",
            "date": timezone.localdate().isoformat(), "fhirVersion": FHIR_VERSION, "format": ["json"],
            "software": {"name": "Psykiatrihus"},
            "implementation": {"description": "Psykiatrihus FHIR R4 read API",
                               "url": request.build_absolute_uri("/fhir/R4")},
            "rest": [{"mode": "server",
                      "security": {"description": "Token (Authorization: Token <key>) eller session; samme "
                                                  "sektorvæg som /api/v1/."},
                      "resource": [{k: v for k, v in r.items() if v is not None} for r in resources]}],
        }
        return Response(CapabilityStatement.model_validate(statement).model_dump(
            mode="json", by_alias=True, exclude_none=True))


# --- the kernel's own resource: AuditEvent (leaders and administrators) ------------------------------------

_AUDIT_ACTIONS = {AuditAction.READ: "R", AuditAction.CREATE: "C", AuditAction.UPDATE: "U",
                  AuditAction.DELETE: "D", AuditAction.EXPORT: "E", AuditAction.SEARCH: "E",
                  AuditAction.LOGIN: "E", AuditAction.LOGIN_FAILED: "E"}


def _audit_events(query: FhirQuery) -> QuerySet:
    houses = [house_id for house_id, access in query.accesses.items() if access.sees_audit_log]
    return AuditEvent.objects.filter(house_id__in=houses)


def _audit_event_resource(event: AuditEvent, access: Access) -> dict:
    entity = []
    if event.object_type and event.object_id:
        entity.append({"what": {"identifier": {"system": f"urn:psykiatrihus:{event.object_type}",
                                                "value": str(event.object_id)}}})
    if event.citizen_id:
        entity.append({"what": reference("Patient", event.citizen_id)})
    return {
        "resourceType": "AuditEvent", "id": str(event.pk),
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest",
                 "display": "RESTful Operation"},
        "subtype": [{"system": "urn:psykiatrihus:audit-action", "code": event.action,
                     "display": event.get_action_display()}],
        "action": _AUDIT_ACTIONS.get(event.action, "E"),
        "recorded": instant(event.at),
        "outcome": "4" if event.action == AuditAction.LOGIN_FAILED else "0",
        "outcomeDesc": event.detail or None,
        "agent": [{"who": {"display": event.username or "system"}, "requestor": True}],
        "source": {"observer": {"display": "Psykiatrihus"}, "site": access.house.slug if access.house else None},
        "entity": entity or None,
    }


register_fhir_type(FhirType(
    name="AuditEvent", model_path="fhir.resources.R4B.auditevent.AuditEvent", queryset=_audit_events,
    resource=_audit_event_resource, date_field="at__date", patient_field="citizen_id", citizen_level=False,
    description="Logbogen (ledere og administratorer i deres hus).",
))
