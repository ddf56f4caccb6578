"""Shared parts of the beds API: error responses, parameters, input helpers.

Errors: 400 with field errors (broken rule), 403 (another sector's bed), 404 (outside the user's scope),
409 `{"code": "bed_taken" | "citizen_has_stay" | "citizen_checked_in_elsewhere" | "bed_still_occupied",
"detail": ...}` when the database refused an overlap (planned or actual presence), `month_changed` when another
booking of the citizen in the month came first (the month's nights are judged again on a new try).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions

from beds.models import (
    AFTERCARE_DONE_KINDS,
)
from psykiatrihus.api import ErrorSerializer, date_param, house_access

E400 = OpenApiResponse(OpenApiTypes.OBJECT, description="Fejl pr. felt (en regel er brudt eller input er forkert).")
E403 = OpenApiResponse(ErrorSerializer, description="Ikke adgang (fx en seng i den anden sektor).")
E404 = OpenApiResponse(ErrorSerializer, description="Findes ikke, eller ligger uden for brugerens adgang.")
E409 = OpenApiResponse(ErrorSerializer, description="Databasen afviste et overlap: code=bed_taken, "
                                                    "citizen_has_stay, citizen_checked_in_elsewhere (borgeren er "
                                                    "indskrevet i en anden seng, som nævnes), bed_still_occupied "
                                                    "(sengens forrige gæst er ikke udskrevet) eller month_changed "
                                                    "(en anden booking af borgeren i måneden kom først; prøv igen).")
ID = OpenApiParameter("id", {"type": "integer", "minimum": 1, "maximum": 2**62}, OpenApiParameter.PATH)
HOUSE = OpenApiParameter("house", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "minLength": 1}, required=True,
                         description="Husets kortnavn, fx aarhus")


def _as_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def _date_param(request, name: str, default: datetime.date | None) -> datetime.date | None:
    return date_param(request, name, default)


def _id_param(request, name: str) -> int | None:
    """A record id from the query string (`?citizen=`, `?contract=`), None when absent; 400 beside the name
    when it is not a positive whole number within bigint. An id the user may not see simply finds nothing."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**62:
        raise exceptions.ValidationError({name: [_("Skriv et id (et positivt helt tal).")]})
    return int(raw)


def _citizen(access, citizen_id):
    """The citizen named in a body, among those the user may see: one they may not see answers exactly like one
    that does not exist (never `contracts.bulk`, the importer's unscoped helper)."""
    from contracts.selectors import citizen_get

    if citizen_id is None:
        return None
    citizen = citizen_get(access=access, pk=citizen_id) if 0 < citizen_id < MAX_ID else None
    if citizen is None:
        raise exceptions.ValidationError({"citizen": ["Borgeren findes ikke i huset."]})
    return citizen


def _house_slug(request) -> str | None:
    """The house is looked up before the body is validated: an unknown house is a 404 whatever the body."""
    slug = request.data.get("house") if hasattr(request.data, "get") else None
    return slug if isinstance(slug, str) else None


MAX_ID = 2**62
DONE_KINDS = AFTERCARE_DONE_KINDS


E409_WAITING = OpenApiResponse(ErrorSerializer, description="Konflikt: code=already_waiting, not_waiting, "
                                                            "no_one_waiting, bed_taken eller citizen_has_stay.")
E409_STATE = OpenApiResponse(ErrorSerializer, description="Postens tilstand tillader det ikke: code=stay_closed "
                                                          "eller already_recorded.")


def _citizen_list_access(request, slug):
    house, access = house_access(request, slug)
    if not access.sees_citizens:
        raise exceptions.PermissionDenied("Din rolle giver ikke adgang til borgeroplysninger.")
    return house, access
