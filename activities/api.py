"""/api/v1/activities/, /sessions/, /attendance/, /enrolments/, /activity-counts/<kind>/, /activity-tables/.

Every call names the house (`?house=<slug>`); `psykiatrihus.api.house_access` answers 404 to non-members.
Named lists are scoped by `activities.selectors` and audited. Errors are JSON: 400 with Danish field messages,
403, 404, 409 (`{"code": "duplicate", "detail": ...}`) for a second entry of the same day/month; never 500.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import selectors, services
from activities.models import Activity, Attendance, Enrolment, Session
from activities.views import COUNT_KINDS, may_enter
from contracts.selectors import citizen_ids_visible, citizens_by_ids
from psykiatrihus.api import (
    TEXT_MAX_LENGTH,
    Conflict,
    WindowDateField,
    WindowDateTimeField,
    date_param,
    house_access,
)
from psykiatrihus.services import audit_log_many

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Ugyldige data (danske fejltekster pr. felt)."),
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="Ikke logget ind."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="Ingen adgang."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="Findes ikke (eller uden for dine sektorer)."),
}
WRITE_ERRORS = {**ERRORS, 409: OpenApiResponse(OpenApiTypes.OBJECT, description="Findes allerede (code=duplicate).")}
MAX_ID = 2**62


def _responses(ok_status: int, body, write: bool = False) -> dict:
    return {ok_status: body, **(WRITE_ERRORS if write else ERRORS)}


ID_PARAM = OpenApiParameter("id", int, OpenApiParameter.PATH)
HOUSE = OpenApiParameter("house", str, required=True, description="Husets kortnavn, fx aarhus",
                         pattern=r"^[-a-zA-Z0-9_]+$")


def _call(fn, **kwargs):
    """Run a service; its Danish ValidationError becomes 400 (409 for duplicates)."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        if getattr(exc, "code", None) == "duplicate" or (
                hasattr(exc, "error_dict") and any(e.code == "duplicate" for errs in exc.error_dict.values()
                                                   for e in errs)):
            raise Conflict(" ".join(exc.messages), code="duplicate") from exc
        if hasattr(exc, "error_dict"):
            raise exceptions.ValidationError({k: [str(m) for e in v for m in e.messages]
                                              for k, v in exc.error_dict.items()}) from exc
        raise exceptions.ValidationError({"detail": exc.messages}) from exc


def _date_param(request, name: str) -> datetime.date | None:
    return date_param(request, name)


def _member(request):
    house, access = house_access(request, request.query_params.get("house"))
    return house, access


def _paginate(request, view, items: list, serialize) -> Response:
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response([serialize(x) for x in page])


# --- serializers -----------------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "name", "kind", "offer", "sector", "peer_led", "seats", "sessions_planned", "starts_on",
                  "location", "description", "active"]


class ActivityInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=["course", "open"])
    offer = serializers.CharField(required=False, default="other", max_length=32)
    sector = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
    peer_led = serializers.BooleanField(required=False, default=False)
    seats = serializers.IntegerField(required=False, allow_null=True, default=None, max_value=1000)
    sessions_planned = serializers.IntegerField(required=False, allow_null=True, default=None, max_value=1000)
    starts_on = WindowDateField(required=False, allow_null=True, default=None)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


def _session_json(s: Session) -> dict:
    return {"id": s.pk, "activity": s.activity_id, "activity_name": s.activity.name, "kind": s.activity.kind,
            "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(), "cancelled": s.cancelled,
            "head_count": s.head_count, "attended": selectors.session_figure(s)}


def _enrolment_json(e: Enrolment) -> dict:
    return {"id": e.pk, "activity": e.activity_id, "citizen": e.citizen_id, "citizen_name": e.citizen.name,
            "status": e.status, "queued_at": e.queued_at.isoformat(),
            "waiting_position": selectors.waiting_position(enrolment=e)}


def _attendance_json(a: Attendance) -> dict:
    return {"id": a.pk, "session": a.session_id, "citizen": a.citizen_id, "citizen_name": a.citizen.name,
            "present": a.present}


class SessionInSerializer(serializers.Serializer):
    activity = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    starts_at = WindowDateTimeField()
    ends_at = WindowDateTimeField(required=False, allow_null=True, default=None)


class AttendanceInSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    citizen = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    present = serializers.BooleanField(required=False, default=True)


class HeadCountInSerializer(serializers.Serializer):
    head_count = serializers.IntegerField(max_value=100000)


class EnrolInSerializer(serializers.Serializer):
    citizen = serializers.IntegerField(min_value=1, max_value=MAX_ID)


def _validated(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _activity_for(access, pk) -> Activity:
    activity = selectors.activities_visible(access=access).filter(pk=pk).first()
    if activity is None:
        raise exceptions.NotFound(_("Aktiviteten findes ikke."))
    return activity


def _may_manage(access, activity) -> None:
    if not selectors.activity_may_manage(access=access, activity=activity):
        raise exceptions.PermissionDenied(_("Du står ikke for denne aktivitet."))


def _visible_citizen(access, pk: int):
    citizen = citizens_by_ids(ids=citizen_ids_visible(access=access)).filter(pk=pk).first()
    if citizen is None:
        raise exceptions.NotFound(_("Borgeren findes ikke."))
    return citizen


# --- views -----------------------------------------------------------------------------------------------


class ActivityList(APIView):
    @extend_schema(operation_id="activities_list", parameters=[HOUSE], responses=_responses(200, OpenApiTypes.OBJECT))
    def get(self, request):
        house, access = _member(request)
        activities = list(selectors.activities_visible(access=access).order_by("name", "id"))
        counts = selectors.enrolment_counts(activity_ids=[a.pk for a in activities])
        return _paginate(request, self, activities,
                         lambda a: {**ActivitySerializer(a).data, **counts.get(a.pk, {})})

    @extend_schema(parameters=[HOUSE],
                   request=ActivityInSerializer, responses=_responses(201, ActivitySerializer, write=True))
    def post(self, request):
        house, access = _member(request)
        if not selectors.activity_may_create(access=access):
            raise exceptions.PermissionDenied(_("Du kan ikke oprette aktiviteter."))
        data = _validated(ActivityInSerializer, request.data)
        activity = _call(services.activity_create, house=house, user=request.user, **data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetail(APIView):
    @extend_schema(parameters=[ID_PARAM, HOUSE], responses=_responses(200, ActivitySerializer))
    def get(self, request, pk: str):
        house, access = _member(request)
        activity = _activity_for(access, pk)
        counts = selectors.enrolment_counts(activity_ids=[activity.pk])[activity.pk]
        return Response({**ActivitySerializer(activity).data, **counts,
                         "may_manage": selectors.activity_may_manage(access=access, activity=activity)})


class EnrolmentList(APIView):
    """Named enrolment and waiting list of one course (scoped, audited); POST enrols (or queues)."""

    @extend_schema(parameters=[HOUSE], responses=_responses(200, OpenApiTypes.OBJECT))
    def get(self, request, pk: str):
        house, access = _member(request)
        activity = _activity_for(access, pk)
        enrolments = list(selectors.enrolments_visible(access=access, activity=activity))
        audit_log_many(user=request.user, action="read", objects=enrolments, house=house, citizen_attr="citizen_id",
                       detail="api tilmeldinger")
        return Response({"results": [_enrolment_json(e) for e in enrolments]})

    @extend_schema(parameters=[HOUSE],
                   request=EnrolInSerializer, responses=_responses(201, OpenApiTypes.OBJECT, write=True))
    def post(self, request, pk: str):
        house, access = _member(request)
        activity = _activity_for(access, pk)
        _may_manage(access, activity)
        data = _validated(EnrolInSerializer, request.data)
        citizen = _visible_citizen(access, data["citizen"])
        enrolment = _call(services.enrolment_create, activity=activity, citizen=citizen, user=request.user)
        return Response(_enrolment_json(enrolment), status=status.HTTP_201_CREATED)


class EnrolmentWithdraw(APIView):
    @extend_schema(parameters=[HOUSE],
                   request=None, responses=_responses(200, OpenApiTypes.OBJECT))
    def post(self, request, pk: str):
        house, access = _member(request)
        enrolment = selectors.enrolments_visible(access=access).filter(pk=pk).first()
        if enrolment is None:
            raise exceptions.NotFound(_("Tilmeldingen findes ikke."))
        _may_manage(access, enrolment.activity)
        promoted = _call(services.enrolment_withdraw, enrolment=enrolment, user=request.user)
        return Response({"withdrawn": enrolment.pk, "promoted": promoted.pk if promoted else None})


class SessionList(APIView):
    @extend_schema(parameters=[HOUSE, OpenApiParameter("from", datetime.date), OpenApiParameter("to", datetime.date)],
                   responses=_responses(200, OpenApiTypes.OBJECT))
    def get(self, request):
        house, access = _member(request)
        today = timezone.localdate()
        start = _date_param(request, "from") or today - datetime.timedelta(days=today.weekday())
        end = _date_param(request, "to") or start + datetime.timedelta(days=6)
        if (end - start).days > 366:
            raise exceptions.ValidationError({"to": [_("Højst et år ad gangen.")]})
        sessions = list(selectors.sessions_between(house=house, start=start, end=end))
        return _paginate(request, self, sessions, _session_json)

    @extend_schema(parameters=[HOUSE],
                   request=SessionInSerializer, responses=_responses(201, OpenApiTypes.OBJECT, write=True))
    def post(self, request):
        house, access = _member(request)
        data = _validated(SessionInSerializer, request.data)
        activity = _activity_for(access, data["activity"])
        _may_manage(access, activity)
        session = _call(services.session_create, activity=activity, starts_at=data["starts_at"],
                        ends_at=data["ends_at"], user=request.user)
        return Response(_session_json(session), status=status.HTTP_201_CREATED)


class SessionHeadCount(APIView):
    @extend_schema(parameters=[HOUSE],
                   request=HeadCountInSerializer, responses=_responses(200, OpenApiTypes.OBJECT))
    def post(self, request, pk: str):
        house, access = _member(request)
        session = Session.objects.select_related("activity").filter(pk=pk, house=house).first()
        if session is None:
            raise exceptions.NotFound(_("Gangen findes ikke."))
        _may_manage(access, session.activity)
        data = _validated(HeadCountInSerializer, request.data)
        session = _call(services.head_count_record, session=session, head_count=data["head_count"], user=request.user)
        return Response(_session_json(session))


class AttendanceList(APIView):
    """Named attendance (scoped, audited). POST records present/absent for one citizen at one session."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("session", int)], responses=_responses(200, OpenApiTypes.OBJECT))
    def get(self, request):
        house, access = _member(request)
        session = None
        if request.query_params.get("session"):
            if not request.query_params["session"].isdigit():
                raise exceptions.ValidationError({"session": [_("Ugyldig gang.")]})
            session = Session.objects.filter(pk=int(request.query_params["session"]), house=house).first()
            if session is None:
                raise exceptions.NotFound(_("Gangen findes ikke."))
        rows = selectors.attendance_visible(access=access, session=session)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        audit_log_many(user=request.user, action="read", objects=page, house=house, citizen_attr="citizen_id",
                       detail="api fremmøde")
        return paginator.get_paginated_response([_attendance_json(a) for a in page])

    @extend_schema(parameters=[HOUSE],
                   request=AttendanceInSerializer, responses=_responses(201, OpenApiTypes.OBJECT, write=True))
    def post(self, request):
        house, access = _member(request)
        data = _validated(AttendanceInSerializer, request.data)
        session = Session.objects.select_related("activity").filter(pk=data["session"], house=house).first()
        if session is None:
            raise exceptions.NotFound(_("Gangen findes ikke."))
        _may_manage(access, session.activity)
        if selectors.activity_runs(access=access, activity=session.activity):
            enrolled = selectors.enrolments_visible(access=access, activity=session.activity).filter(
                citizen_id=data["citizen"]).first()
            citizen = enrolled.citizen if enrolled else _visible_citizen(access, data["citizen"])
        else:
            citizen = _visible_citizen(access, data["citizen"])
        attendance = _call(services.attendance_record, session=session, citizen=citizen, present=data["present"],
                           user=request.user)
        return Response(_attendance_json(attendance), status=status.HTTP_201_CREATED)


class CountList(APIView):
    """The house's counts of one kind (aggregates: every member may read); POST enters one (its owners only)."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("from", datetime.date), OpenApiParameter("to", datetime.date)],
                   responses=_responses(200, OpenApiTypes.OBJECT))
    def get(self, request, kind: str):
        house, access = _member(request)
        if kind not in COUNT_KINDS:
            raise exceptions.NotFound(_("Ukendt slags tal."))
        rows = selectors.count_rows(house=house, kind=kind, start=_date_param(request, "from"),
                                    end=_date_param(request, "to"))
        return _paginate(request, self, rows, lambda r: r)

    @extend_schema(parameters=[HOUSE],
                   request=OpenApiTypes.OBJECT, responses=_responses(201, OpenApiTypes.OBJECT, write=True))
    def post(self, request, kind: str):
        house, access = _member(request)
        if kind not in COUNT_KINDS:
            raise exceptions.NotFound(_("Ukendt slags tal."))
        if not may_enter(access, kind):
            raise exceptions.PermissionDenied(_("Du kan ikke registrere disse tal."))
        _title, form_class, service, _sectors = COUNT_KINDS[kind]
        extra = {"peers": selectors.peer_workers(house=house)} if kind == "peer-timer" else {}
        data = request.data if hasattr(request.data, "get") else {}
        form = form_class(data, **extra)
        if not form.is_valid():
            raise exceptions.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        kwargs = form.service_kwargs()
        if kind != "peer-timer":
            kwargs["house"] = house
        row = _call(service, user=request.user, **kwargs)
        result = next((r for r in selectors.count_rows(house=house, kind=kind) if r["id"] == row.pk), {"id": row.pk})
        return Response(result, status=status.HTTP_201_CREATED)


TABLES = ("open_dialogue_meetings", "house_offers_used", "home_treatment_counts", "recovery_school_courses",
          "peer_education_cohorts", "socialvagten_contacts", "staff_counts", "peer_hours", "budget")


class ActivityTables(APIView):
    """The evaluation tables 1, 11, 20–26 for a period (raw aggregates; no names)."""

    @extend_schema(parameters=[HOUSE, OpenApiParameter("start", datetime.date, required=True),
                               OpenApiParameter("end", datetime.date, required=True)],
                   responses=_responses(200, OpenApiTypes.OBJECT))
    def get(self, request):
        house, access = _member(request)
        if not access.aggregate_sectors:
            raise exceptions.PermissionDenied(_("Du har ikke adgang."))
        start, end = _date_param(request, "start"), _date_param(request, "end")
        if start is None or end is None or end < start or (end - start).days > 366 * 20:
            raise exceptions.ValidationError({"start": [_("Angiv start og slut (ÅÅÅÅ-MM-DD), slut efter start.")]})
        return Response({name: getattr(selectors, name)(house=house, start=start, end=end) for name in TABLES})
