"""Sector scoping: the ONE place that decides what a user may see and do in a house.

`access_for(user, house)` turns the user's memberships into an `Access`; every view, API endpoint, menu item,
template, selector, service and report asks its named rights (below) and filters through its queryset filters.
Nothing else compares roles or sectors. To add a right: add a property or method here with a docstring saying
who has it and why, a line in README's roles table, and a test in tests/test_scoping_rights.py.

Rules (see README, "Roles and sector walls"):
- municipal staff see citizen-level data of the municipal sector, regional staff of the regional sector;
- a peer sees no citizen records, only the bed board without names and the activities they run;
- a leader sees citizen-level data of their own sector (both if their membership has no sector),
  house-wide aggregates, the dashboard and the audit log;
- a steering group member sees aggregates and reports only, never citizen-level data (no bed board);
- an administrator configures the house and reads the audit log, but sees no citizen-level data;
- regional health data (diagnosis, comorbidity, treatment responsibility) only to those with the
  regional sector in `health_sectors`, or across the wall with a consent whose scope includes it;
- crossing the wall needs the citizen's recorded consent, granted per citizen as a guardian object
  permission (contracts app) and honoured by `citizen_filter` / `may_see_record`.

Two kinds of citizen-level visibility, both defined here once:
- a **record** (contract, stay, request, visitation, waiting-list entry ...) belongs to a sector: visible when
  its sector is one of the user's citizen-level sectors, or its citizen's consent opens the user's sector
  (`citizen_filter`, `may_see_record`, `sees_board_names`);
- a **citizen** (the person) is visible when registered by, or holding a contract in, one of the user's
  sectors, or by consent (`visible_citizens`, `may_see_citizen`). The rows behind this (contracts, consents)
  belong to the contracts app, which registers them with `register_citizen_scope` at start-up: the kernel knows
  no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from psykiatrihus.models import House, Membership, Role, Sector

ALL_SECTORS = frozenset({Sector.KOMMUNE.value, Sector.REGION.value})


class CitizenScope(Protocol):
    """What the app owning citizens tells the kernel (registered once, in its AppConfig.ready)."""

    # Each returns a flat values_list of citizen ids: usable as a subquery (`__in`) and as a list of ints.

    def visible_citizen_ids(self, access: Access) -> QuerySet:
        """Ids of the house's citizens registered by, or holding a contract in, one of access.citizen_sectors,
        or whose consent opens one of them."""

    def consented_citizen_ids(self, access: Access) -> QuerySet:
        """Ids of citizens whose consent in force opens one of access.citizen_sectors (crossing the wall)."""

    def health_consented_citizen_ids(self, access: Access) -> QuerySet:
        """Ids of citizens whose consent in force includes health data for one of access.citizen_sectors."""


_citizen_scope: CitizenScope | None = None


def register_citizen_scope(scope: CitizenScope) -> None:
    """Called by the contracts app at start-up. A second, different registration is a configuration error."""
    global _citizen_scope
    if _citizen_scope is not None and _citizen_scope is not scope:
        raise ImproperlyConfigured("A citizen scope is already registered.")
    _citizen_scope = scope


def citizen_scope() -> CitizenScope:
    if _citizen_scope is None:
        raise ImproperlyConfigured("No app registered the citizen scope (is 'contracts' in INSTALLED_APPS?).")
    return _citizen_scope


def _sector_of(thing: Any) -> str:
    """A sector given as a string, or read off a record that has one (bed, stay, contract, request ...)."""
    if isinstance(thing, str):
        return thing
    return str(thing.sector)


@dataclass(frozen=True)
class Access:
    """What one user may do in one house. Frozen: compute once per request.

    The fields are raw material; code outside this module asks the named rights below, never the fields."""

    user_id: int | None
    house: House | None
    roles: frozenset[str] = frozenset()
    # Sectors whose citizen-level records (citizens, contracts, stays with names) the user may read.
    citizen_sectors: frozenset[str] = frozenset()
    # Sectors whose beds the user may book / check in / check out.
    booking_sectors: frozenset[str] = frozenset()
    # Sectors whose health data (regional diagnosis etc.) the user may read.
    health_sectors: frozenset[str] = frozenset()
    # Sectors whose aggregates (occupancy, counts) the user may read.
    aggregate_sectors: frozenset[str] = frozenset()
    is_superuser: bool = False
    is_staff: bool = False
    # Per-request cache of the consent sets (not part of the value).
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    # --- roles --------------------------------------------------------------------------------------------

    @property
    def is_member(self) -> bool:
        """Works in the house (any role), or a superuser: sees the house's programme and front page."""
        return bool(self.roles) or self.is_superuser

    @property
    def is_leader(self) -> bool:
        return Role.LEADER in self.roles

    @property
    def is_steering(self) -> bool:
        return Role.STEERING in self.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles or self.is_superuser

    @property
    def is_peer(self) -> bool:
        return Role.PEER in self.roles

    # --- house-wide rights (menu items, pages) ------------------------------------------------------------

    @property
    def sees_citizens(self) -> bool:
        """Sees citizen-level data of at least one sector (citizen list, follow-ups, requests, waiting list)."""
        return bool(self.citizen_sectors)

    @property
    def can_book(self) -> bool:
        """Books beds of at least one sector."""
        return bool(self.booking_sectors)

    @property
    def sees_board(self) -> bool:
        """The bed board: staff and leaders (with names of their sectors), peers (without names). Not the
        steering group or administrators: they see occupancy as aggregates on the dashboard and in reports."""
        return self.can_book or self.is_peer or self.is_leader

    @property
    def sees_dashboard(self) -> bool:
        return bool(self.roles & {Role.LEADER, Role.STEERING}) or self.is_superuser

    @property
    def sees_dashboard_now(self) -> bool:
        """The dashboard's "now" figures and the lists behind them: leaders only (the steering group sees trends)."""
        return self.is_leader

    @property
    def sees_reports(self) -> bool:
        return bool(self.roles & {Role.LEADER, Role.STEERING, Role.ADMIN}) or self.is_superuser

    @property
    def compares_houses(self) -> bool:
        """This house in "Husene side om side" (key figures and rules of several houses in one table, from
        their approved reports): the steering group and administrators, who may sit for several houses, and
        superusers. Not leaders: they speak for one house. The page itself needs two such houses
        (`houses_compared`)."""
        return bool(self.roles & {Role.STEERING, Role.ADMIN}) or self.is_superuser

    @property
    def may_see_raw_figures(self) -> bool:
        """Unsuppressed report figures: only those who see citizen-level data of both sectors anyway."""
        return self.is_superuser or self.citizen_sectors >= ALL_SECTORS

    @property
    def sees_small_live_counts(self) -> bool:
        """Today's live counts outside the "now" part of the dashboard (waiting now, got a bed in the last 90
        days) as counted, 1 to N-1 included: leaders, who see the "now" figures and the lists behind them
        anyway, and those with raw figures. The steering group sees them as "<N", like all it sees."""
        return self.sees_dashboard_now or self.may_see_raw_figures

    @property
    def sees_audit_log(self) -> bool:
        return bool(self.roles & {Role.LEADER, Role.ADMIN}) or self.is_superuser

    @property
    def sees_admin(self) -> bool:
        """Django admin (configuration): administrators and Django staff users."""
        return self.is_admin or self.is_staff

    @property
    def offers_two_factor(self) -> bool:
        """Leaders and administrators may switch on two-factor login."""
        return self.is_leader or self.is_admin

    @property
    def may_create_activity(self) -> bool:
        """Staff and leaders plan the house's activities."""
        return self.sees_citizens or self.is_leader

    def may_enter_counts(self, sectors) -> bool:
        """Monthly counts whose work belongs to `sectors` (empty: house-wide counts): leaders always, staff of
        one of those sectors."""
        return self.is_leader or self.is_superuser or bool(set(sectors) & self.citizen_sectors)

    # --- per sector or per record -------------------------------------------------------------------------

    def _in_house(self, thing: Any) -> bool:
        house_id = getattr(thing, "house_id", None)
        return house_id is None or (self.house is not None and house_id == self.house.pk)

    def may_see_sector(self, sector_or_record) -> bool:
        """Citizen-level records of this sector as their owner (not by consent). Work lists, managing."""
        return self._in_house(sector_or_record) and _sector_of(sector_or_record) in self.citizen_sectors

    def may_book(self, sector_or_record) -> bool:
        """Book, check in/out, cancel, block beds and handle requests, waiting lists and follow-ups of the
        sector of a bed / stay / request / entry (or a sector given as a string)."""
        return self._in_house(sector_or_record) and _sector_of(sector_or_record) in self.booking_sectors

    def may_decide_extension(self, sector_or_record) -> bool:
        """Approve or decline a stay beyond the house's frame ("afventer leder") of this sector: leaders of the
        sector (a leader without a sector: both). Staff may only ask; the steering group never decides."""
        return self.is_leader and self.may_book(sector_or_record)

    @property
    def decides_extensions(self) -> bool:
        """Leads at least one sector: sees the stays awaiting a leader's decision on the dashboard."""
        return self.is_leader and bool(self.booking_sectors)

    def may_edit_contract(self, contract) -> bool:
        """Only staff of the contract's own sector change it; a consent gives reading only."""
        return self.may_see_sector(contract)

    def sees_aggregates(self, sector: str) -> bool:
        return sector in self.aggregate_sectors

    def sees_health_data(self, sector: str, *, citizen_id: int | None = None) -> bool:
        """Regional health data of a record of `sector`: staff/leaders of that sector, or (with `citizen_id`)
        the other sector when the citizen's consent includes health data."""
        if sector in self.health_sectors:
            return True
        if citizen_id is None or sector != Sector.REGION:
            return False
        return citizen_id in self.health_consented_id_set()

    def sees_health(self, sector: str) -> bool:
        """Health data of `sector` as its owner (no consent considered)."""
        return sector in self.health_sectors

    def may_see_record(self, *, sector: str, citizen_id: int | None) -> bool:
        """A citizen-level record of `sector` about `citizen_id`: own sector, or consent opens the wall.
        The in-memory twin of `citizen_filter` (one query per Access for the consent set)."""
        if self.house is None or not self.citizen_sectors:
            return False
        if sector in self.citizen_sectors:
            return True
        return citizen_id is not None and citizen_id in self.consented_id_set()

    def sees_board_names(self, stay) -> bool:
        """The citizen's name on a stay (or request) shown on the bed board: the record's visibility."""
        return self._in_house(stay) and self.may_see_record(sector=str(stay.sector), citizen_id=stay.citizen_id)

    def may_see_citizen(self, citizen) -> bool:
        """The citizen (a Citizen or an id) is visible to the user (one query)."""
        pk = getattr(citizen, "pk", citizen)
        if pk is None or self.house is None or not self.citizen_sectors:
            return False
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return False
        return self.visible_citizen_ids().filter(id=pk).exists()

    def visible_among(self, citizen_ids) -> frozenset[int]:
        """Those of `citizen_ids` the user may see (one query): for lists that show a citizen beside a record."""
        ids = {int(i) for i in citizen_ids if i is not None}
        if not ids or self.house is None or not self.citizen_sectors:
            return frozenset()
        return frozenset(self.visible_citizen_ids().filter(id__in=sorted(ids)))

    # --- queryset filters ---------------------------------------------------------------------------------

    def filter_sector(self, qs: QuerySet, *, sector_field: str = "sector", house_field: str = "house",
                      sectors: frozenset[str] | None = None) -> QuerySet:
        """Rows of this house in the given sectors (default: the citizen-level sectors), without consent:
        the owning sector's work (follow-ups due, requests to answer, beds to book)."""
        allowed = self.citizen_sectors if sectors is None else sectors
        if self.house is None or not allowed:
            return qs.none()
        return qs.filter(**{house_field: self.house, f"{sector_field}__in": sorted(allowed)})

    def citizen_filter(self, qs: QuerySet, *, sector_field: str = "sector", citizen_field: str = "citizen",
                       house_field: str = "house") -> QuerySet:
        """Citizen-level records of this house: own sectors, plus other-sector records of citizens whose
        recorded consent lets this user's sector across the wall."""
        if self.house is None or not self.citizen_sectors:
            return qs.none()
        condition = Q(**{f"{sector_field}__in": sorted(self.citizen_sectors)})
        condition |= Q(**{f"{citizen_field}__in": self.consented_citizen_ids()})
        return qs.filter(condition, **{house_field: self.house})

    def visible_citizens(self, qs: QuerySet, *, citizen_field: str = "pk") -> QuerySet:
        """Rows whose citizen is visible to the user (`citizen_field` names the citizen's id; "pk" for the
        citizens themselves). The ONE definition of a visible citizen, for lists, search, pages and exports."""
        if self.house is None or not self.citizen_sectors:
            return qs.none()
        return qs.filter(**{f"{citizen_field}__in": self.visible_citizen_ids()})

    def visible_citizen_ids(self) -> QuerySet:
        """A subquery of the ids of the citizens this user may see (see `visible_citizens`)."""
        return citizen_scope().visible_citizen_ids(self)

    def consented_citizen_ids(self) -> QuerySet:
        """A subquery of ids of citizens whose consent lets this user's sector across the wall."""
        return citizen_scope().consented_citizen_ids(self)

    def consented_id_set(self) -> frozenset[int]:
        """`consented_citizen_ids` as a set, fetched once per Access (for deciding per row in Python)."""
        return self._cached("consented", lambda: citizen_scope().consented_citizen_ids(self))

    def health_consented_id_set(self) -> frozenset[int]:
        return self._cached("health", lambda: citizen_scope().health_consented_citizen_ids(self))

    def _cached(self, key: str, query: Callable[[], QuerySet]) -> frozenset[int]:
        if key not in self.extra:
            if self.house is None or not self.citizen_sectors:
                self.extra[key] = frozenset()
            else:
                self.extra[key] = frozenset(query())
        return self.extra[key]


def group_name(house: House, sector_or_role: str) -> str:
    """Groups per house and sector (staff) or role (e.g. `aarhus:leader`)."""
    return f"{house.slug}:{sector_or_role}"


NO_ACCESS = Access(user_id=None, house=None)


def access_for(user, house: House | None) -> Access:
    """The access of `user` in `house`, from their active memberships (one query)."""
    if house is None or user is None or not user.is_authenticated:
        return Access(user_id=getattr(user, "pk", None), house=house)
    memberships = list(
        Membership.objects.filter(user=user, house=house, active=True).values_list("role", "sector")
    )
    return access_from_memberships(user_id=user.pk, house=house, memberships=memberships,
                                   is_superuser=bool(user.is_superuser), is_staff=bool(user.is_staff))


def access_from_memberships(*, user_id: int, house: House, memberships, is_superuser: bool,
                            is_staff: bool) -> Access:
    """The access given by the user's active (role, sector) memberships in `house`: the rules of `access_for`,
    for callers that read the memberships in a query of their own (the board's idle poll)."""
    roles: set[str] = set()
    citizen: set[str] = set()
    booking: set[str] = set()
    aggregate: set[str] = set()
    for role, sector in memberships:
        roles.add(role)
        if role in (Role.MUNICIPAL_STAFF, Role.REGIONAL_STAFF):
            citizen.add(sector)
            booking.add(sector)
            aggregate |= ALL_SECTORS
        elif role == Role.LEADER:
            own = {sector} if sector else set(ALL_SECTORS)
            citizen |= own
            booking |= own
            aggregate |= ALL_SECTORS
        elif role in (Role.STEERING, Role.ADMIN, Role.PEER):
            aggregate |= ALL_SECTORS
    if is_superuser:
        aggregate |= ALL_SECTORS
    return Access(
        user_id=user_id,
        house=house,
        roles=frozenset(roles),
        citizen_sectors=frozenset(citizen),
        booking_sectors=frozenset(booking),
        health_sectors=frozenset(citizen & {Sector.REGION.value}),
        aggregate_sectors=frozenset(aggregate),
        is_superuser=is_superuser,
        is_staff=is_staff,
    )


def houses_for(user) -> QuerySet:
    """Houses the user works in (superusers: all active houses)."""
    if not user.is_authenticated:
        return House.objects.none()
    if user.is_superuser:
        return House.objects.filter(active=True)
    return House.objects.filter(active=True, memberships__user=user, memberships__active=True).distinct()


# Memberships whose role gives `Access.compares_houses` (kept beside it: the two must agree).
COMPARING_ROLES = (Role.STEERING, Role.ADMIN)


def houses_compared(user) -> QuerySet:
    """The houses whose approved figures the user may see side by side: where `access_for(user, house)
    .compares_houses` (one query). "Husene side om side" is for users with at least two of them."""
    if not user.is_authenticated:
        return House.objects.none()
    if user.is_superuser:
        return House.objects.filter(active=True)
    return House.objects.filter(active=True, memberships__user=user, memberships__active=True,
                                memberships__role__in=list(COMPARING_ROLES)).distinct()


def sees_houses_side_by_side(user) -> bool:
    """Whether the user spans several houses as steering group or administrator (or is a superuser)."""
    return houses_compared(user).count() >= 2
