"""The contracts app's FHIR R4 resources: Patient (citizens), EpisodeOfCare (contracts), Consent (consents).

Registered with the kernel's FHIR API (psykiatrihus.fhir) from ContractsConfig.ready(). Every queryset is the
app's scoped selector for each of the user's houses, so the FHIR API has the same wall as pages and /api/v1/."""

from __future__ import annotations

from django.db.models import QuerySet

from contracts.models import Citizen, Consent, ConsentScope, Contract, ContractStatus
from contracts.selectors import citizen_cpr_display, citizens_visible, contracts_visible
from psykiatrihus.fhir import CPR_SYSTEM, FhirQuery, FhirType, period, reference, register_fhir_type, visible_union
from psykiatrihus.models import Sector
from psykiatrihus.scoping import Access

SECTOR_DISPLAY = {Sector.KOMMUNE: "Kommune", Sector.REGION: "Region"}
GENDER = {"M": "male", "K": "female", "F": "female"}


def _citizens(query: FhirQuery) -> QuerySet:
    return visible_union(Citizen, [citizens_visible(access=a) for a in query.accesses.values() if a.sees_citizens])


def _mark_cpr_visible(citizens: list[Citizen], accesses: dict[int, Access]) -> None:
    """`citizens_visible` annotates `cpr_visible` per house, and the union over houses loses it: ask each
    house's selector once for the whole page."""
    by_house: dict[int, list[Citizen]] = {}
    for citizen in citizens:
        by_house.setdefault(citizen.house_id, []).append(citizen)
    for house_id, group in by_house.items():
        visible = dict(citizens_visible(access=accesses[house_id]).filter(pk__in=[c.pk for c in group])
                       .values_list("pk", "cpr_visible"))
        for citizen in group:
            citizen.cpr_visible = bool(visible.get(citizen.pk, False))


def _patient(citizen: Citizen, access: Access) -> dict:
    identifier = []
    if getattr(citizen, "cpr_visible", False):  # DK Core's CPR identifier only where the full CPR may be seen
        identifier.append({"system": CPR_SYSTEM, "value": citizen_cpr_display(citizen=citizen).replace("-", "")})
    return {
        "resourceType": "Patient", "id": str(citizen.pk), "identifier": identifier or None,
        "name": [{"text": citizen.name}], "birthDate": citizen.birth_date.isoformat(),
        "gender": GENDER.get(citizen.gender, "unknown"),
    }


def _contracts(query: FhirQuery) -> QuerySet:
    return visible_union(Contract, [contracts_visible(access=a) for a in query.accesses.values() if a.sees_citizens]
                  ).select_related("citizen", "house")


_EPISODE_STATUS = {ContractStatus.ACTIVE: "active", ContractStatus.PAUSED: "onhold", ContractStatus.ENDED: "finished"}


def _episode(contract: Contract, access: Access) -> dict:
    return {
        "resourceType": "EpisodeOfCare", "id": str(contract.pk),
        "status": _EPISODE_STATUS.get(contract.status, "active"),
        "type": [{"coding": [{"system": "urn:psykiatrihus:contract-type", "code": f"bsk-{contract.sector}",
                              "display": f"Brugerstyret kontrakt ({SECTOR_DISPLAY.get(contract.sector, '')})"}]}],
        "patient": reference("Patient", contract.citizen_id, contract.citizen.name),
        "managingOrganization": {"display": f"{contract.house.name} · {SECTOR_DISPLAY.get(contract.sector, '')}"},
        "period": period(contract.granted_on, contract.ended_on),
    }


def _consents(query: FhirQuery) -> QuerySet:
    return Consent.objects.filter(citizen__in=_citizens(query)).select_related("citizen", "house")


def _consent(consent: Consent, access: Access) -> dict:
    active = consent.withdrawn_on is None
    data = ["contract", "stays"] + (["health"] if consent.scope == ConsentScope.CONTRACT_AND_HEALTH else [])
    return {
        "resourceType": "Consent", "id": str(consent.pk), "status": "active" if active else "inactive",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                              "code": "patient-privacy", "display": "Privacy Consent"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]}],
        "patient": reference("Patient", consent.citizen_id, consent.citizen.name),
        "dateTime": f"{consent.given_on.isoformat()}T00:00:00+00:00",
        "policyRule": {"text": consent.get_scope_display()},
        "provision": {
            "type": "permit", "period": period(consent.given_on, consent.withdrawn_on),
            "actor": [{"role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                            "code": "IRCP", "display": "information recipient"}]},
                       "reference": {"display": f"{consent.house.name} · "
                                                f"{SECTOR_DISPLAY.get(consent.to_sector, consent.to_sector)}"}}],
            "class": [{"system": "urn:psykiatrihus:consent-data", "code": code} for code in data],
        },
    }


def register() -> None:
    register_fhir_type(FhirType(
        name="Patient", model_path="fhir.resources.R4B.patient.Patient", queryset=_citizens, resource=_patient,
        patient_field="pk", citizen_attr="pk", prepare=_mark_cpr_visible,
        description="Borgere brugeren må se; CPR (urn:oid:1.2.208.176.1.2) kun hvor det fulde CPR må ses.",
    ))
    register_fhir_type(FhirType(
        name="EpisodeOfCare", model_path="fhir.resources.R4B.episodeofcare.EpisodeOfCare", queryset=_contracts,
        resource=_episode, date_field="granted_on", status_field="status",
        status_values={"active": [ContractStatus.ACTIVE], "onhold": [ContractStatus.PAUSED],
                       "finished": [ContractStatus.ENDED]},
        description="Brugerstyrede kontrakter.",
    ))
    register_fhir_type(FhirType(
        name="Consent", model_path="fhir.resources.R4B.consent.Consent", queryset=_consents, resource=_consent,
        date_field="given_on", description="Samtykker til deling på tværs af sektorvæggen.",
    ))
