"""Bulk reads and writes of citizens and contracts for history imports (beds.importer).

A few queries per batch instead of one per row; no audit row per object (the importer audits the run).
Added by the beds issue; owned by the contracts app like the rest of its tables.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from contracts.cpr import cpr_birth_date, cpr_gender
from contracts.models import Citizen, Contract, ContractStatus, HomeTreatmentCourse
from psykiatrihus import crypto
from psykiatrihus.models import House, Sector

IMPORTED_CITIZEN_NAME = "Importeret borger"


def citizen_ids_by_hash(*, hashes: Iterable[str], house: House | None = None) -> dict[str, int]:
    """{cpr_hash: citizen id} for the known citizens among `hashes` (of `house`: a CPR is unique per house)."""
    hashes = list(set(hashes))
    result: dict[str, int] = {}
    base = Citizen.objects.filter(house=house) if house is not None else Citizen.objects.all()
    for i in range(0, len(hashes), 10000):
        result.update(base.filter(cpr_hash__in=hashes[i:i + 10000]).values_list("cpr_hash", "id"))
    return result


def citizens_create_bulk(*, house: House, people: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Create imported citizens. `people` maps cpr_hash -> (cpr digits, sector). Returns {hash: id}."""
    objs = [
        Citizen(house=house, registered_by_sector=Sector(sector), name=IMPORTED_CITIZEN_NAME,
                cpr_encrypted=crypto.encrypt(digits), cpr_hash=h, birth_date=cpr_birth_date(digits),
                gender=cpr_gender(digits), imported=True)
        for h, (digits, sector) in people.items()
    ]
    Citizen.objects.bulk_create(objs, batch_size=2000)
    return {o.cpr_hash: o.pk for o in objs}


def bases_for_citizens(*, house: House, citizen_ids: Iterable[int]) -> tuple[list[dict], list[dict]]:
    """All contracts and home-treatment courses of these citizens in the house (two queries per 10,000)."""
    ids = list(set(citizen_ids))
    contracts: list[dict] = []
    courses: list[dict] = []
    for i in range(0, len(ids), 10000):
        chunk = ids[i:i + 10000]
        contracts += list(Contract.objects.filter(house=house, citizen_id__in=chunk).values(
            "id", "citizen_id", "sector", "granted_on", "ended_on", "status"))
        courses += list(HomeTreatmentCourse.objects.filter(house=house, citizen_id__in=chunk).values(
            "id", "citizen_id", "started_on", "ended_on"))
    return contracts, courses


def contracts_import_bulk(*, house: House,
                          spans: dict[tuple[int, str], tuple[datetime.date, datetime.date | None]]
                          ) -> dict[tuple[int, str], int]:
    """One contract marked imported per (citizen id, sector) from `first` to `last`: ended on `last`, or
    active when `last` is None (history reaching today). Returns {(citizen id, sector): contract id}."""
    objs = []
    for (citizen_id, sector), (first, last) in spans.items():
        objs.append(Contract(house=house, citizen_id=citizen_id, sector=Sector(sector), granted_on=first,
                             ended_on=last, status=ContractStatus.ENDED if last else ContractStatus.ACTIVE,
                             imported=True))
    Contract.objects.bulk_create(objs, batch_size=2000)
    return {(o.citizen_id, o.sector): o.pk for o in objs}


def citizen_in_house(*, house: House, citizen_id) -> Citizen | None:
    """The citizen with this id if they belong to the house (API booking by citizen id)."""
    try:
        return Citizen.objects.filter(house=house, pk=int(citizen_id)).first()
    except (TypeError, ValueError):
        return None
