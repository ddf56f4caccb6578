"""Reads of citizens, contracts, follow-ups and consents. Other apps use these, never the tables directly.

Everything a person sees goes through an `Access` (psykiatrihus.scoping): own sectors, plus the other
sector's records of citizens whose recorded consent lets this user's sector across the wall.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from contracts.cpr import cpr_mask
from contracts.models import (
    Citizen,
    Consent,
    Contract,
    ContractEvent,
    ContractStatus,
    FollowUp,
    HomeTreatmentCourse,
)
from psykiatrihus import crypto
from psykiatrihus.cprtext import cpr_digits
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import Access

OPEN_STATUSES = (ContractStatus.ACTIVE, ContractStatus.PAUSED)
SOON_DUE_DAYS = 30


def citizen_by_cpr(*, digits: str, house: House | None = None) -> Citizen | None:
    """Exact lookup through the keyed hash (the CPR itself is never queried). Unscoped: services only."""
    qs = Citizen.objects.filter(cpr_hash=crypto.lookup_hash(digits))
    if house is not None:
        qs = qs.filter(house=house)
    return qs.first()


def contracts_covering(*, house: House, citizen_id: int, sector: str, start: datetime.date,
                       end: datetime.date) -> QuerySet[Contract]:
    """Contracts of the sector valid on every day from `start` to `end` (not paused, not ended before)."""
    return Contract.objects.filter(
        house=house, citizen_id=citizen_id, sector=sector, granted_on__lte=start
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=end)).exclude(status=ContractStatus.PAUSED)


def home_treatment_covering(*, house: House, citizen_id: int, start: datetime.date,
                            end: datetime.date) -> QuerySet[HomeTreatmentCourse]:
    return HomeTreatmentCourse.objects.filter(house=house, citizen_id=citizen_id, started_on__lte=start).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=end)
    )


# --- scoped reads -----------------------------------------------------------------------------------


def contracts_visible(*, access: Access) -> QuerySet[Contract]:
    """Contracts this user may read (own sectors + consented citizens of the other sector)."""
    return access.citizen_filter(Contract.objects.select_related("citizen", "house"))


def citizens_visible(*, access: Access) -> QuerySet[Citizen]:
    """Citizens the user may see (`Access.visible_citizens`: registered by, or holding a contract in, one of the
    user's sectors, or opened by consent). Annotated with `cpr_visible` (the full CPR only to owning sectors)."""
    if access.house is None or not access.sees_citizens:
        return Citizen.objects.none()
    sectors = sorted(access.citizen_sectors)
    own_contract = Exists(Contract.objects.filter(citizen=OuterRef("pk"), house=access.house, sector__in=sectors))
    return (
        access.visible_citizens(Citizen.objects.filter(house=access.house)).select_related("house")
        .annotate(cpr_visible=own_contract | Q(registered_by_sector__in=sectors))
        .prefetch_related(Prefetch("contracts", queryset=contracts_visible(access=access).order_by("-granted_on"),
                                   to_attr="visible_contracts"))
    )


def cpr_lookup_digits(query: str) -> str | None:
    """The 10 digits if the search text is shaped like a CPR number, else None (`psykiatrihus.cprtext`: the
    shapes the log mask also knows)."""
    return cpr_digits(query)


def citizen_search(*, access: Access, query: str = "") -> QuerySet[Citizen]:
    """Search by name (part of it) or an exact CPR number (via the lookup hash), within scope."""
    qs = citizens_visible(access=access)
    query = (query or "").strip()
    if not query:
        return qs
    digits = cpr_lookup_digits(query)
    if digits:
        return qs.filter(cpr_hash=crypto.lookup_hash(digits))
    return qs.filter(name__icontains=query)


LOOKUP_LIMIT = 10
LOOKUP_MIN_NAME = 2
_DATE_SHAPE = re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{2}|\d{4})|(\d{2})(\d{2})(\d{2}|\d{4})")


def _birth_date_filter(token: str) -> Q | None:
    """A token written as a birth date (`12.03.1985`, `12-3-85`, `12031985`, `120385`) as a filter, else None.
    A two-digit year matches both centuries (the CPR's own shorthand)."""
    match = _DATE_SHAPE.fullmatch(token)
    if not match:
        return None
    day, month, year = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    years = [year] if year >= 100 else [1900 + year, 2000 + year]
    return Q(birth_date__day=day, birth_date__month=month, birth_date__year__in=years)


def citizen_lookup_kind(query: str) -> str:
    """What a type-ahead text searches by, for the audit row (never the text itself: it may be a CPR)."""
    if cpr_lookup_digits(query):
        return "cpr"
    tokens = query.split()
    dates = [t for t in tokens if _birth_date_filter(t) is not None]
    if dates and len(dates) == len(tokens):
        return "fødselsdato"
    return "navn og fødselsdato" if dates else "navn"


def citizen_match(*, access: Access, query: str) -> QuerySet[Citizen]:
    """Citizens the user may see whose full CPR number, birth date or name matches `query`, by name and birth
    date: the search behind the type-ahead and the API's posted search (texts that never travel in a URL).
    Words of a name may come in any order and may be combined with a birth date ("anders 12.03.1985"); a name
    part shorter than `LOOKUP_MIN_NAME` characters finds nobody."""
    query = (query or "").strip()[:100]
    digits = cpr_lookup_digits(query)
    qs = citizens_visible(access=access)
    if digits:
        return qs.filter(cpr_hash=crypto.lookup_hash(digits)).order_by("name", "birth_date", "id")
    condition, named = Q(), 0
    for token in query.split():
        by_date = _birth_date_filter(token)
        if by_date is not None:
            condition &= by_date
        else:
            condition &= Q(name__icontains=token)
            named += len(token)
    if not query or (named and named < LOOKUP_MIN_NAME):
        return qs.none()
    return qs.filter(condition).order_by("name", "birth_date", "id")


def citizen_lookup(*, access: Access, query: str, limit: int = LOOKUP_LIMIT) -> list[Citizen]:
    """Type-ahead: `citizen_match`, at most `limit` + 1 (one more tells the caller there are more). Two queries:
    citizens and their visible contracts (sector and status tell two people of the same name apart)."""
    return list(citizen_match(access=access, query=query)[:limit + 1])


def citizen_get(*, access: Access, pk: int) -> Citizen | None:
    return citizens_visible(access=access).filter(pk=pk).first()


def citizen_cpr_display(*, citizen: Citizen) -> str:
    """Full CPR (DDMMYY-XXXX) only where `citizens_visible` marked it visible, else masked."""
    digits = crypto.decrypt(citizen.cpr_encrypted)
    if getattr(citizen, "cpr_visible", False):
        return f"{digits[:6]}-{digits[6:]}"
    return cpr_mask(digits)


def contract_list(*, access: Access, status: str | None = None, sector: str | None = None,
                  citizen_id: int | None = None) -> QuerySet[Contract]:
    qs = contracts_visible(access=access)
    if status:
        qs = qs.filter(status=status)
    if sector:
        qs = qs.filter(sector=sector)
    if citizen_id:
        qs = qs.filter(citizen_id=citizen_id)
    return qs


def contract_get(*, access: Access, pk: int) -> Contract | None:
    return contracts_visible(access=access).filter(pk=pk).first()


def contract_may_edit(*, access: Access, contract: Contract) -> bool:
    """Only staff of the contract's own sector change it (`Access.may_edit_contract`); consent gives reading only."""
    return access.may_edit_contract(contract)


def health_citizen_ids(*, access: Access) -> set[int]:
    """Citizens whose open consent of scope `contract_and_health` lets this user's sector see health data."""
    return set(access.health_consented_id_set())


def health_visible(*, access: Access, contract: Contract, health_ids: set[int] | None = None) -> bool:
    """Regional health data on a contract: `Access.sees_health_data` (own sector, or a consent that includes it)."""
    if contract.sector != Sector.REGION:
        return False
    return access.sees_health_data(contract.sector, citizen_id=contract.citizen_id)


def followups_visible(*, access: Access) -> QuerySet[FollowUp]:
    return access.citizen_filter(
        FollowUp.objects.select_related("contract", "contract__citizen", "contract__house"),
        sector_field="contract__sector", citizen_field="contract__citizen", house_field="contract__house",
    )


@dataclass(frozen=True)
class DueItem:
    contract: Contract
    due: datetime.date
    overdue: bool
    days: int  # negative when overdue

    @property
    def days_late(self) -> int:
        return -self.days


def followup_work_list(*, access: Access, today: datetime.date, within_days: int = SOON_DUE_DAYS,
                       sector: str | None = None) -> QuerySet[Contract]:
    """Open contracts whose next follow-up is overdue or due within `within_days`, most urgent first.

    Only the user's own sectors: a follow-up is the owning sector's work, never the consented one's."""
    if access.house is None or not access.citizen_sectors:
        return Contract.objects.none()
    sectors = sorted(access.citizen_sectors & {sector}) if sector else sorted(access.citizen_sectors)
    return (
        Contract.objects.filter(house=access.house, sector__in=sectors, status__in=OPEN_STATUSES,
                                next_followup_due__lte=today + datetime.timedelta(days=within_days))
        .select_related("citizen")
        .order_by("next_followup_due", "id")
    )


def followup_overdue(*, contract: Contract, today: datetime.date) -> bool:
    """An open contract whose next follow-up date has passed (the work list's "overskredet")."""
    return (contract.status in OPEN_STATUSES and contract.next_followup_due is not None
            and contract.next_followup_due < today)


def due_items(*, contracts, today: datetime.date) -> list[DueItem]:
    return [DueItem(contract=c, due=c.next_followup_due, overdue=c.next_followup_due < today,
                    days=(c.next_followup_due - today).days) for c in contracts]


def contract_timeline(*, contract: Contract) -> list[dict]:
    """The contract's events and follow-ups, plus the citizen's consents, oldest first."""
    items: list[dict] = []
    for e in ContractEvent.objects.filter(contract=contract).select_related("by"):
        items.append({"on": e.on, "kind": e.kind, "label": e.get_kind_display(), "note": e.note,
                      "by": e.by.get_full_name() or e.by.username if e.by else ""})
    for c in Consent.objects.filter(citizen_id=contract.citizen_id, house_id=contract.house_id):
        items.append({"on": c.given_on, "kind": "consent", "label": _("Samtykke givet"),
                      "note": f"{c.get_to_sector_display()}: {c.get_scope_display()}", "by": ""})
        if c.withdrawn_on:
            items.append({"on": c.withdrawn_on, "kind": "consent_withdrawn", "label": _("Samtykke tilbagekaldt"),
                          "note": c.get_to_sector_display(), "by": ""})
    items.sort(key=lambda i: i["on"])
    return items


def consents_for(*, citizen: Citizen) -> QuerySet[Consent]:
    return Consent.objects.filter(citizen=citizen, house_id=citizen.house_id).select_related("recorded_by", "house")


def consent_own_sectors(*, access: Access, citizen: Citizen) -> set[str]:
    """The user's sectors that own the citizen's record (a contract there, or registered by it). Only staff of
    those record or withdraw the citizen's consent: a consent lets the other sector read, never manage it.
    `citizen` comes from `citizens_visible` (its `visible_contracts`)."""
    own = {c.sector for c in citizen.visible_contracts} & access.citizen_sectors
    if citizen.registered_by_sector in access.citizen_sectors:
        own.add(citizen.registered_by_sector)
    return own


def consent_target_sectors(*, own: set[str]) -> set[str]:
    """The sectors a consent recorded by `own` may open to: the other one (both for a leader of both)."""
    return set(Sector.values) - own if len(own) == 1 else set(Sector.values)


def consent_get(*, access: Access, pk: int) -> Consent | None:
    """A consent the user may withdraw: one on a citizen they can see."""
    consent = Consent.objects.filter(pk=pk, house=access.house).select_related("citizen", "house").first()
    if consent is None or not citizens_visible(access=access).filter(pk=consent.citizen_id).exists():
        return None
    return consent


def citizen_ids_visible(*, access) -> QuerySet:
    """Ids of the citizens `access` may see (`Access.visible_citizen_ids`), for other apps scoping their own
    citizen-level rows (e.g. named attendance)."""
    return access.visible_citizen_ids()


def citizen_ids_with_contract(*, house: House, sector: str, start: datetime.date,
                              end: datetime.date) -> QuerySet:
    """Ids of citizens holding a contract of `sector` that was valid on some day in [start, end]."""
    return (Contract.objects.filter(house=house, sector=sector, granted_on__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start)).values("citizen_id"))


def citizens_by_ids(*, ids) -> QuerySet[Citizen]:
    """Citizens by id (the caller has scoped the ids)."""
    return Citizen.objects.filter(id__in=ids)


def visitations_covering(*, house: House, citizen_id: int, sector: str, start: datetime.date,
                         end: datetime.date):
    """Visitation decisions of the sector granting every day from `start` to `end` (not withdrawn before)."""
    from contracts.models import VisitationDecision

    return (VisitationDecision.objects.filter(house=house, citizen_id=citizen_id, sector=sector,
                                              granted_from__lte=start, granted_until__gte=end)
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=end)).order_by("-granted_from", "-id"))


def visitations_visible(*, access: Access):
    """Visitation decisions the user may read: own sectors, plus consented citizens across the wall."""
    from contracts.models import VisitationDecision

    return access.citizen_filter(VisitationDecision.objects.all()).select_related("citizen", "house")


def visitations_in_force(*, access: Access, on_date: datetime.date, sectors=None):
    """Decisions of `sectors` (default: the user's booking sectors) in force on `on_date` or later: not
    withdrawn, not expired."""
    from contracts.models import VisitationDecision

    sectors = access.booking_sectors if sectors is None else sectors
    return (access.filter_sector(VisitationDecision.objects.all(), sectors=frozenset(sectors))
            .filter(granted_until__gte=on_date, withdrawn_on__isnull=True)
            .select_related("citizen").order_by("citizen__name", "-granted_from", "id"))


# --- psychiatric admissions (regional health data) --------------------------------------------------------


def admissions_visible_for(*, access: Access, citizen: Citizen) -> bool:
    """Admissions are the region's health data: shown to users who see the region's health data (regional
    staff, leaders of the region or of both sectors), or whose sector holds the citizen's open consent that
    includes health data. A municipal user with any lesser consent never sees one."""
    if access.house is None or citizen.house_id != access.house.pk:
        return False
    return access.sees_health_data(Sector.REGION, citizen_id=citizen.pk)


def admissions_for(*, access: Access, citizen: Citizen) -> list | None:
    """The citizen's admissions, newest first, or None when this user may not see them (`citizen` comes
    from `citizens_visible`)."""
    from contracts.models import Admission

    if not admissions_visible_for(access=access, citizen=citizen):
        return None
    return list(Admission.objects.filter(house=access.house, citizen=citizen).order_by("-admitted_at", "-id"))
