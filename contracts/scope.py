"""The citizen scope the kernel's `Access` asks (registered in `ContractsConfig.ready`).

The kernel defines who may see what (`psykiatrihus.scoping`); which citizens a sector "has" is written in this
app's tables (contracts, the registering sector, consents as guardian object permissions), so the three subqueries
behind `Access.visible_citizens`, `Access.citizen_filter` and `Access.sees_health_data` live here, once.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from contracts.models import Citizen, CitizenGroupObjectPermission, Consent, ConsentScope, Contract

CONSENT_CODENAME = "view_citizen_across_wall"


def _none() -> QuerySet:
    return Citizen.objects.none().values_list("id", flat=True)


def consented_citizen_ids(access) -> QuerySet:
    """Citizens whose consent in force lets one of the user's sectors across the wall: the contracts app
    grants `contracts.view_citizen_across_wall` on the citizen to the group `<house>:<sector>` while it is."""
    from psykiatrihus.scoping import group_name

    if access.house is None or not access.citizen_sectors:
        return _none()
    groups = [group_name(access.house, s) for s in sorted(access.citizen_sectors)]
    return CitizenGroupObjectPermission.objects.filter(
        group__name__in=groups, permission__codename=CONSENT_CODENAME, content_object__house=access.house,
    ).values_list("content_object_id", flat=True)


def visible_citizen_ids(access) -> QuerySet:
    """Citizens of the house registered by, or holding a contract in, one of the user's sectors, or opened
    to them by consent."""
    if access.house is None or not access.citizen_sectors:
        return _none()
    sectors = sorted(access.citizen_sectors)
    own_contract = Exists(Contract.objects.filter(citizen=OuterRef("pk"), house=access.house, sector__in=sectors))
    condition = Q(own_contract) | Q(registered_by_sector__in=sectors) | Q(pk__in=consented_citizen_ids(access))
    return Citizen.objects.filter(condition, house=access.house).values_list("id", flat=True)


def health_consented_citizen_ids(access) -> QuerySet:
    """Citizens whose open consent of scope `contract_and_health` lets one of the user's sectors see health data."""
    if access.house is None or not access.citizen_sectors:
        return _none()
    return Consent.objects.filter(
        house=access.house, to_sector__in=sorted(access.citizen_sectors),
        scope=ConsentScope.CONTRACT_AND_HEALTH, withdrawn_on__isnull=True,
    ).values_list("citizen_id", flat=True)
