"""API kernel: error shape, bounded input (date window, body size, JSON depth), house lookup with access, and
the API root."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import exception_handler as drf_exception_handler

from psykiatrihus.api_parsers import RequestTooLarge
from psykiatrihus.dates import DateWindow, date_window
from psykiatrihus.forms import TEXT_MAX_LENGTH  # noqa: F401 (shared with the serializers)
from psykiatrihus.models import House
from psykiatrihus.scoping import Access, access_for

API_PREFIX = "/api/"


# --- the error shape ----------------------------------------------------------------------------------------


def error_body(*, detail: str, code: str | None = None) -> dict:
    """THE JSON error body of the API: `detail` always, `code` where a client can act on it."""
    return {"detail": detail, **({"code": code} if code else {})}


def error_response(*, status: int, detail: str, code: str | None = None) -> JsonResponse:
    """An API error answered outside DRF (Django's own 400/403/404/413/500, middleware)."""
    return JsonResponse(error_body(detail=detail, code=code), status=status)


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


# Django's own errors under /api/: what `handler4xx/500` and the middleware answer instead of an HTML page.
_DJANGO_ERRORS = {
    400: ("bad_request", gettext_lazy("Forespørgslen er ugyldig.")),
    403: ("forbidden", gettext_lazy("Du har ikke adgang.")),
    404: ("not_found", gettext_lazy("Ikke fundet.")),
    405: ("method_not_allowed", gettext_lazy("Metoden er ikke tilladt her.")),
    413: ("request_too_large", gettext_lazy("Forespørgslen er for stor.")),
    500: ("server_error", gettext_lazy("Der opstod en fejl hos os. Fejlen er registreret; prøv igen om lidt.")),
}


def django_error_response(status: int) -> JsonResponse:
    code, detail = _DJANGO_ERRORS.get(status, ("error", gettext_lazy("Fejl.")))
    return error_response(status=status, detail=str(detail), code=code)


class ApiErrorsMiddleware:
    """Under /api/ every answer is JSON, also errors raised before DRF (URL not found, body too large, a crash
    in a middleware) and also with DEBUG on (Django's technical pages are HTML). A body larger than
    DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 before any parser reads it (DRF reads the stream itself
    and would not enforce the limit). First in MIDDLEWARE, so it sees every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return django_error_response(400)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return django_error_response(413)
        response = self.get_response(request)
        if response.status_code >= 400 and "json" not in response.get("Content-Type", ""):
            if response.status_code in _DJANGO_ERRORS or response.status_code >= 500:
                return django_error_response(response.status_code)
        return response


# --- bounded input ------------------------------------------------------------------------------------------


def _window_for(field) -> DateWindow:
    """The window of the house in the serializer's context (`context={"house": house}`), else the default."""
    return date_window(house=field.context.get("house"))


# The schema marks window fields, so a test can prove every date the API takes is one of them.
@extend_schema_field({"type": "string", "format": "date", "x-date-window": True})
class WindowDateField(serializers.DateField):
    """A date inside the house's window (psykiatrihus.dates): year 1 or 9999 is a 400 naming the field."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        _check_window(_window_for(self), day)
        return day


@extend_schema_field({"type": "string", "format": "date-time", "x-date-window": True})
class WindowDateTimeField(serializers.DateTimeField):
    """A moment inside the house's window, checked on the wall-clock date before any time zone conversion
    (converting year 1 to UTC overflows)."""

    def enforce_timezone(self, value):
        _check_window(_window_for(self), value)
        return super().enforce_timezone(value)


def _check_window(window: DateWindow, value) -> None:
    if value not in window:
        raise serializers.ValidationError(window.message(), code="date_out_of_range")


def date_param(request, name: str, default: datetime.date | None = None, *, house=None) -> datetime.date | None:
    """A date from the query string (ÅÅÅÅ-MM-DD) inside the window; `default` when absent."""
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise exceptions.ValidationError({name: [_("Skriv datoen som ÅÅÅÅ-MM-DD.")]}) from exc
    window = date_window(house=house)
    if day not in window:
        raise exceptions.ValidationError({name: [window.message()]}, code="date_out_of_range")
    return day


class Conflict(exceptions.APIException):
    """409 with a machine-readable code, e.g. `bed_taken`."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Konflikt"
    default_code = "conflict"

    def __init__(self, detail: str, code: str):
        super().__init__(detail=detail, code=code)
        self.code = code


def exception_handler(exc, context):
    """Every error is JSON with `detail` (and `code` where it helps); never an HTML 500 page."""
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                         else {"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Ikke fundet.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied("Du har ikke adgang.")
    if isinstance(exc, Conflict):
        return Response({"code": exc.code, "detail": str(exc.detail)}, status=409)
    if isinstance(exc, OperationalError) and _is_concurrency_abort(exc):
        # Nothing was written (PostgreSQL rolled the transaction back): the client may simply try again.
        return Response({"code": "concurrent_change", "detail": _("En anden ændrede de samme data i samme "
                                                                  "øjeblik. Intet er gemt; prøv igen.")},
                        status=409)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": response.data}
    if isinstance(exc, exceptions.ParseError | RequestTooLarge) and isinstance(response.data, dict):
        response.data["code"] = exc.get_codes()  # `parse_error`, `json_too_deep`, `request_too_large`
    return response


def _is_concurrency_abort(exc: OperationalError) -> bool:
    """Deadlock (40P01) or serialisation failure (40001): a race the client lost, not a server fault."""
    return getattr(getattr(exc.__cause__, "diag", None), "sqlstate", None) in ("40P01", "40001") or \
        getattr(exc.__cause__, "sqlstate", None) in ("40P01", "40001")


def house_access(request, slug: str | None) -> tuple[House, Access]:
    """The house named by `slug` and what the user may do there; 404 if they do not work there."""
    if not slug:
        raise exceptions.ValidationError({"house": ["Angiv huset (house=<kortnavn>)."]})
    house = House.objects.filter(slug=slug, active=True).first()
    if house is None:
        raise exceptions.NotFound("Huset findes ikke.")
    access = access_for(request.user, house)
    if not access.is_member:
        raise exceptions.NotFound("Huset findes ikke.")
    return house, access


class HouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = House
        fields = ["id", "slug", "name", "default_stay_frame_nights", "small_number_threshold", "time_zone"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    houses = serializers.ListField(child=serializers.DictField())


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The logged-in user, their houses and roles."""
    from psykiatrihus.scoping import houses_for

    houses = []
    for house in houses_for(request.user):
        access = access_for(request.user, house)
        houses.append({
            "slug": house.slug,
            "name": house.name,
            "roles": sorted(access.roles),
            "citizen_sectors": sorted(access.citizen_sectors),
            "booking_sectors": sorted(access.booking_sectors),
        })
    return Response({"username": request.user.get_username(), "houses": houses})


@extend_schema(responses=HouseSerializer(many=True))
@api_view(["GET"])
def houses(request):
    from psykiatrihus.scoping import houses_for

    return Response(HouseSerializer(houses_for(request.user), many=True).data)


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request, format=None):
    return Response({
        "me": reverse("api-me", request=request, format=format),
        "houses": reverse("api-houses", request=request, format=format),
        "schema": reverse("api-schema", request=request, format=format),
        "docs": reverse("api-docs", request=request, format=format),
    })


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password, plus `otp_token` for users who enrolled in two-factor."""

    # Bounded like every API field: django-axes stores a failed username (255 characters) in the database.
    username = serializers.CharField(label="Brugernavn", write_only=True, max_length=150)
    password = serializers.CharField(label="Adgangskode", style={"input_type": "password"}, trim_whitespace=False,
                                     write_only=True, max_length=4096)
    otp_token = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=12,
                                      label="Kode fra godkendelsesappen")

    def validate(self, attrs):
        from psykiatrihus import security

        attrs = super().validate(attrs)
        user = attrs["user"]
        if security.twofactor_device(user=user) is not None and security.twofactor_verify(
            user=user, token=attrs.get("otp_token", "")
        ) is None:
            raise serializers.ValidationError(
                {"otp_token": ["Kontoen bruger totrinsbekræftelse: angiv en gyldig kode fra godkendelsesappen."]},
                code="otp_required",
            )
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The JSON error body of every API error (`code` where a client can act on it)."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class ObtainTokenView(ObtainAuthToken):
    """A personal API token for username + password (+ TOTP code when enrolled)."""

    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer, responses={
        200: TokenResponseSerializer,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="Forkert brugernavn, adgangskode eller kode "
                                                                "(fejl pr. felt eller non_field_errors)."),
        403: OpenApiResponse(ErrorSerializer, description="Lokalt log ind er slået fra (code=local_login_disabled)."),
        429: OpenApiResponse(ErrorSerializer, description="For mange mislykkede forsøg (code=locked_out)."),
    })
    def post(self, request, *args, **kwargs):
        from psykiatrihus import security

        if not settings.LOCAL_LOGIN:
            return Response({"detail": "Log ind med brugernavn og adgangskode er slået fra; brug organisationens "
                                       "log ind.", "code": "local_login_disabled"}, status=403)
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            # django-axes flags the DRF request, which its middleware does not see: answer the lockout here.
            if getattr(request, "axes_locked_out", False):
                return security.lockout_response(request._request)
            raise
