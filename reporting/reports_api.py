"""/api/v1/reports/: order a report, follow it, download its files, approve it (with the leader's comments).

The same rules as the pages (`reporting.access`): the steering group sees only approved, suppressed reports (and
its own orders as awaiting approval); only a leader approves; a run of another house, or one the user may not
open, answers exactly like one that does not exist (404). Errors are JSON: 400 per field, 403, 404, 409
(`approved`, `not_done`, `raw`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from psykiatrihus.api import Conflict, ErrorSerializer, WindowDateField, house_access
from psykiatrihus.services import audit_log
from reporting.access import may_approve, may_open, run_with_access, runs_visible, sees_reports_anywhere
from reporting.models import ReportFormat, ReportRun
from reporting.report_forms import ReportRequestForm
from reporting.report_views import CONTENT_TYPES
from reporting.services import ReportConflict, report_comments, report_run_approve, report_run_request, report_sections

MAX_ID = 2**63 - 1
HOUSE_PATTERN = r"^[-a-zA-Z0-9_]{1,50}$"


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()


class ReportRunSerializer(serializers.Serializer):
    """One report run. `files` maps each finished format to its download URL (empty until the run may be
    opened: a steering member's own order shows here as awaiting approval)."""

    id = serializers.IntegerField()
    house = serializers.CharField(help_text="Husets kortnavn")
    period = PeriodSerializer()
    formats = serializers.ListField(child=serializers.ChoiceField(choices=ReportFormat.values))
    suppress_below = serializers.IntegerField(help_text="Tal fra 1 til N−1 er skjult; 0 = rå tal")
    status = serializers.ChoiceField(choices=["pending", "running", "done", "failed"])
    progress = serializers.IntegerField(min_value=0, max_value=100)
    error = serializers.CharField(allow_blank=True)
    scheduled = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    awaiting_approval = serializers.BooleanField(help_text="Bestilt, men endnu ikke godkendt af ledelsen")
    approved = serializers.BooleanField()
    approved_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True, help_text="1, 2, ...: godkendte versioner af perioden")
    revised = serializers.BooleanField(help_text="En rettet version af en tidligere godkendt rapport")
    revises = serializers.IntegerField(allow_null=True, help_text="Id på den version, den erstatter")
    changes = serializers.ListField(child=serializers.DictField(), help_text="Ændrede tal mod forrige version")
    sections = serializers.ListField(child=serializers.CharField(), help_text="Afsnit, der kan kommenteres")
    comments = serializers.DictField(child=serializers.CharField(), help_text="Ledelsens kommentar pr. afsnit")
    files = serializers.DictField(child=serializers.CharField(), help_text="Format → download-URL")


class ReportRunListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = ReportRunSerializer(many=True)


class ReportOrderSerializer(serializers.Serializer):
    """Like the page's form: a quarter (`year` + `quarter`), a whole year (`year`) or a range (`start`, `end`)."""

    house = serializers.RegexField(HOUSE_PATTERN, max_length=50, help_text="Husets kortnavn, fx aarhus")
    kind = serializers.ChoiceField(choices=["quarter", "year", "range"])
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=4)
    start = WindowDateField(required=False, allow_null=True)
    end = WindowDateField(required=False, allow_null=True)
    formats = serializers.ListField(child=serializers.ChoiceField(choices=ReportFormat.values), min_length=1,
                                    max_length=3)
    raw = serializers.BooleanField(required=False, default=False,
                                   help_text="Rå tal uden skjulte småtal (kun hvem der ser begge sektorers borgere)")


class ReportApproveSerializer(serializers.Serializer):
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=100_000),
                                     required=False, default=dict,
                                     help_text="Kommentar pr. afsnit (se `sections`); tom tekst fjerner den")


ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Ikke logget ind."),
    403: OpenApiResponse(ErrorSerializer, description="Rollen giver ikke adgang til rapporter (eller godkendelse)."),
    404: OpenApiResponse(ErrorSerializer, description="Findes ikke for brugeren."),
}
BAD_REQUEST = OpenApiResponse(OpenApiTypes.OBJECT, description="Fejl pr. felt (danske tekster).")
ID_PARAM = OpenApiParameter("id", int, OpenApiParameter.PATH)
HOUSE = OpenApiParameter("house", {"type": "string", "pattern": HOUSE_PATTERN}, required=True,
                         description="Husets kortnavn, fx aarhus")


def run_json(request, run: ReportRun, access) -> dict:
    opened = may_open(access, run)
    return {
        "id": run.pk,
        "house": run.house.slug,
        "period": {"start": run.period_start.isoformat(), "end": run.period_end.isoformat(),
                   "label": run.period_label},
        "formats": list(run.formats),
        "suppress_below": run.suppress_below,
        "status": run.status,
        "progress": run.progress,
        "error": run.error,
        "scheduled": run.scheduled,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "awaiting_approval": not opened,
        "approved": run.is_approved,
        "approved_at": run.approved_at.isoformat() if run.approved_at else None,
        "approved_by": (run.approved_by.get_full_name() or run.approved_by.get_username()) if run.approved_by
        else None,
        "version": run.version,
        "revised": run.is_revision,
        "revises": run.revises_id,
        "changes": list(run.changes) if opened else [],
        "sections": report_sections(run=run) if opened else [],
        "comments": report_comments(run=run) if opened else {},
        "files": {fmt: request.build_absolute_uri(reverse("api-report-file", args=[run.pk, fmt]))
                  for fmt in run.files} if opened and run.status == "done" else {},
    }


def _run(request, pk: str) -> tuple[ReportRun, object]:
    """The run if the user may see it (404 alike for another house's and a missing one; 403 without a report
    role anywhere)."""
    if not sees_reports_anywhere(request.user):
        raise exceptions.PermissionDenied(_("Du har ikke adgang til rapporter."))
    try:
        number = int(pk)
    except ValueError:
        number = 0
    found = run_with_access(user=request.user, pk=number) if 0 < number <= MAX_ID else None
    if found is None:
        raise exceptions.NotFound(_("Rapporten findes ikke."))
    return found


class ReportList(APIView):
    """The house's report runs (newest first) and ordering a new one."""

    @extend_schema(operation_id="reports_list", parameters=[HOUSE],
                   responses={200: ReportRunListSerializer, 400: BAD_REQUEST, **ERRORS})
    def get(self, request):
        house, access = house_access(request, _house_param(request.query_params.get("house")))
        if not access.sees_reports:
            raise exceptions.PermissionDenied(_("Du har ikke adgang til rapporter."))
        runs = runs_visible(access).select_related("house", "approved_by").defer("figures")
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(runs, request, view=self)
        return paginator.get_paginated_response([run_json(request, run, access) for run in page])

    @extend_schema(operation_id="reports_order", request=ReportOrderSerializer,
                   responses={201: ReportRunSerializer, 400: BAD_REQUEST, **ERRORS})
    def post(self, request):
        body = ReportOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        house, access = house_access(request, data["house"])
        if not access.sees_reports:
            raise exceptions.PermissionDenied(_("Du har ikke adgang til rapporter."))
        allow_raw = access.may_see_raw_figures
        form_data = {k: ("" if data.get(k) is None else str(data[k])) for k in ("kind", "year", "quarter", "start",
                                                                                  "end")}
        form = ReportRequestForm({**form_data, "formats": data["formats"], "raw": "on" if data["raw"] else ""},
                                 allow_raw=allow_raw)
        if not form.is_valid():
            errors = {("period" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()}
            raise exceptions.ValidationError(errors)
        if data["raw"] and not allow_raw:
            raise exceptions.ValidationError({"raw": [_("Rå tal er kun for dem, der ser begge sektorers borgere.")]})
        run = report_run_request(house=house, period=form.cleaned_data["period"],
                                 formats=form.cleaned_data["formats"], user=request.user,
                                 suppress_below=0 if data["raw"] else None)
        run = ReportRun.objects.select_related("house", "approved_by").get(pk=run.pk)
        return Response(run_json(request, run, access), status=status.HTTP_201_CREATED)


def _house_param(slug):
    import re

    if slug and not re.fullmatch(HOUSE_PATTERN, slug):
        raise exceptions.NotFound(_("Huset findes ikke."))
    return slug


class ReportDetail(APIView):
    @extend_schema(operation_id="reports_detail", parameters=[ID_PARAM],
                   responses={200: ReportRunSerializer, **ERRORS})
    def get(self, request, pk: str):
        run, access = _run(request, pk)
        return Response(run_json(request, run, access))


class ReportFile(APIView):
    """The file itself (PDF, XLSX or JSON), once the run is done and the user may open it."""

    renderer_classes = [JSONRenderer]  # errors are JSON whatever the client accepts

    @extend_schema(
        operation_id="reports_file",
        parameters=[ID_PARAM, OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=ReportFormat.values)],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                   (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
                   (200, "application/json"): OpenApiTypes.OBJECT,
                   **ERRORS})
    def get(self, request, pk: str, fmt: str):
        run, access = _run(request, pk)
        path = run.files.get(fmt) if fmt in CONTENT_TYPES and may_open(access, run) and run.status == "done" \
            else None
        if not path or not default_storage.exists(path):
            raise exceptions.NotFound(_("Filen findes ikke (endnu)."))
        audit_log(user=request.user, action="export", obj=run, house=run.house,
                  detail=f"rapport {run.period_label} {fmt} (api)")
        return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=path.rsplit("/", 1)[-1],
                            content_type=CONTENT_TYPES[fmt])


class ReportApprove(APIView):
    """A leader approves a finished, suppressed run with the comments per section; the steering group then
    sees it and gets an e-mail. 409: already approved (`approved`), not finished (`not_done`), raw (`raw`)."""

    @extend_schema(operation_id="reports_approve", parameters=[ID_PARAM], request=ReportApproveSerializer,
                   responses={200: ReportRunSerializer, 400: BAD_REQUEST,
                              409: OpenApiResponse(ErrorSerializer, description="approved, not_done eller raw."),
                              **ERRORS})
    def post(self, request, pk: str):
        run, access = _run(request, pk)
        if not may_open(access, run):
            raise exceptions.NotFound(_("Rapporten findes ikke."))
        if not may_approve(access):
            raise exceptions.PermissionDenied(_("Kun en leder kan godkende rapporten."))
        body = ReportApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            run = report_run_approve(run=run, user=request.user, comments=body.validated_data["comments"])
        except ReportConflict as exc:
            raise Conflict(exc.message, code=exc.code) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"comments": exc.message_dict}) from exc
        run = ReportRun.objects.select_related("house", "approved_by").get(pk=run.pk)
        return Response(run_json(request, run, access))
