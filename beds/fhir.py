"""The beds app's FHIR R4 resources: Location (beds), Encounter (stays), QuestionnaireResponse (the FIT talk of
a stay: ORS at the start, SRS at the end). Registered with psykiatrihus.fhir from BedsConfig.ready(); every
queryset is this app's scoped selector for each of the user's houses."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from beds.models import Bed, BedBlock, BlockReason, Stay, StayStatus
from beds.period_selectors import bed_periods_prefetch, stay_bed_stretches
from beds.selectors import stays_visible
from psykiatrihus.fhir import FhirQuery, FhirType, instant, period, reference, register_fhir_type, visible_union
from psykiatrihus.scoping import Access

V2_0116 = "http://terminology.hl7.org/CodeSystem/v2-0116"
BED_STATUS = {"O": "Occupied", "U": "Unoccupied", "H": "Housekeeping", "C": "Closed"}


def _beds(query: FhirQuery) -> QuerySet:
    houses = [house_id for house_id, access in query.accesses.items() if access.sees_board]
    now = timezone.now()
    blocks = BedBlock.objects.filter(bed=OuterRef("pk"), period__contains=now)
    return (Bed.objects.filter(house_id__in=houses).select_related("house")
            .annotate(occupied_now=Exists(Stay.objects.filter(bed=OuterRef("pk"), status=StayStatus.CHECKED_IN)),
                      cleaning_now=Exists(blocks.filter(reason=BlockReason.CLEANING)),
                      closed_now=Exists(blocks.exclude(reason=BlockReason.CLEANING))))


def _location(bed: Bed, access: Access) -> dict:
    if not bed.active or bed.closed_now:
        code = "C"
    elif bed.occupied_now:
        code = "O"
    elif bed.cleaning_now:
        code = "H"
    else:
        code = "U"
    return {
        "resourceType": "Location", "id": str(bed.pk), "status": "active" if bed.active else "inactive",
        "operationalStatus": {"system": V2_0116, "code": code, "display": BED_STATUS[code]},
        "name": f"{bed.house.name} · {bed.label}", "mode": "instance",
        "type": [{"coding": [{"system": "urn:psykiatrihus:bed-sector", "code": bed.sector,
                              "display": bed.get_sector_display()}]}],
        "physicalType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
                                     "code": "bd", "display": "Bed"}]},
    }


_ENCOUNTER_STATUS = {StayStatus.BOOKED: "planned", StayStatus.CHECKED_IN: "in-progress",
                     StayStatus.CHECKED_OUT: "finished", StayStatus.CANCELLED: "cancelled",
                     StayStatus.NO_SHOW: "cancelled"}


def _stays(query: FhirQuery) -> QuerySet:
    return visible_union(Stay, [stays_visible(access=a) for a in query.accesses.values() if a.sees_citizens]
                         ).select_related("bed", "citizen")


def _encounters(query: FhirQuery) -> QuerySet:
    """The stays with their bed periods (one query for the page, however often the guests moved)."""
    return _stays(query).prefetch_related(bed_periods_prefetch())


def _locations(stay: Stay, status: str, start, end) -> list[dict]:
    """One entry per bed period, oldest first: the current bed as the encounter stands (planned, active or
    completed), every earlier bed completed, each with the hours the guest was on it."""
    current = {"planned": "planned", "in-progress": "active"}.get(status, "completed")
    stretches = stay_bed_stretches(stay=stay, periods=list(stay.bed_periods.all()))
    if not stretches:  # every stay has a period (a database trigger keeps them); never an empty location list
        return [{"location": reference("Location", stay.bed_id, stay.bed.label), "status": current,
                 "period": period(start, end)}]
    return [{"location": reference("Location", s.bed_id, s.bed_label),
             "status": current if s.current else "completed", "period": period(s.start, s.end)}
            for s in stretches]


def _encounter(stay: Stay, access: Access) -> dict:
    start = stay.checked_in_at or stay.arrival
    end = stay.checked_out_at if stay.status == StayStatus.CHECKED_OUT else stay.planned_departure
    status = _ENCOUNTER_STATUS.get(stay.status, "unknown")
    return {
        "resourceType": "Encounter", "id": str(stay.pk), "status": status,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "SS",
                  "display": "short stay"},
        "serviceType": {"coding": [{"system": "urn:psykiatrihus:bed-sector", "code": stay.sector,
                                    "display": stay.get_sector_display()}]},
        "subject": reference("Patient", stay.citizen_id, stay.citizen.name),
        "episodeOfCare": [reference("EpisodeOfCare", stay.contract_id)] if stay.contract_id else None,
        "period": period(start, end),
        "length": {"value": stay.nights, "unit": "nætter", "system": "http://unitsofmeasure.org", "code": "d"},
        "location": _locations(stay, status, start, end),
    }


def _fit(query: FhirQuery) -> QuerySet:
    return _stays(query).filter(Q(ors_score__isnull=False) | Q(srs_score__isnull=False))


def _questionnaire_response(stay: Stay, access: Access) -> dict:
    items = []
    if stay.ors_score is not None:
        items.append({"linkId": "ors", "text": "ORS ved opholdets start (0–40)",
                      "answer": [{"valueInteger": stay.ors_score}]})
    if stay.srs_score is not None:
        items.append({"linkId": "srs", "text": "SRS ved opholdets slutning (0–40)",
                      "answer": [{"valueInteger": stay.srs_score}]})
    return {
        "resourceType": "QuestionnaireResponse", "id": f"fit-{stay.pk}",
        "questionnaire": "urn:psykiatrihus:questionnaire:fit",
        "status": "completed" if stay.srs_score is not None else "in-progress",
        "subject": reference("Patient", stay.citizen_id, stay.citizen.name),
        "encounter": reference("Encounter", stay.pk),
        "authored": instant(stay.checked_in_at or stay.arrival),
        "item": items,
    }


def _fit_id(fhir_id: str) -> dict | None:
    number = fhir_id.removeprefix("fit-")
    return {"pk": int(number)} if fhir_id.startswith("fit-") and number.isdigit() and len(number) < 19 else None


def register() -> None:
    register_fhir_type(FhirType(
        name="Location", model_path="fhir.resources.R4B.location.Location", queryset=_beds, resource=_location,
        patient_field=None, citizen_attr=None, citizen_level=False,
        description="Husets senge; operationalStatus efter HL7 v2 tabel 0116 (O, U, H, C).",
    ))
    register_fhir_type(FhirType(
        name="Encounter", model_path="fhir.resources.R4B.encounter.Encounter", queryset=_encounters,
        resource=_encounter, date_field="arrival_date", status_field="status",
        status_values={"planned": [StayStatus.BOOKED], "in-progress": [StayStatus.CHECKED_IN],
                       "finished": [StayStatus.CHECKED_OUT],
                       "cancelled": [StayStatus.CANCELLED, StayStatus.NO_SHOW]},
        description="Ophold (booket, indskrevet, udskrevet, aflyst) med periode og en location pr. seng, "
                    "gæsten har ligget i (nuværende seng sidst).",
    ))
    register_fhir_type(FhirType(
        name="QuestionnaireResponse", model_path="fhir.resources.R4B.questionnaireresponse.QuestionnaireResponse",
        queryset=_fit, resource=_questionnaire_response, date_field="arrival_date", id_lookup=_fit_id,
        description="FIT-samtalen ved et ophold: ORS ved start, SRS ved slut.",
    ))
