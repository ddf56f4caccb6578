"""Sector scoping: the ONE place that decides what a user may see and do in a house.

Every view, API endpoint and report asks `access_for(user, house)` and filters through the returned
`Access`. Nothing else in the code base decides visibility.

Rules (see README, "Roller og sektorvægge"):
- municipal staff see citizen-level data of the municipal sector, regional staff of the regional sector;
- a peer sees no citizen records, only the bed board without names and the activities they run;
- a leader sees citizen-level data of their own sector (both if their membership has no sector),
  house-wide aggregates, the dashboard and the audit log;
- a steering group member sees aggregates and reports only, never citizen-level data;
- an administrator configures the house and reads the audit log, but sees no citizen-level data;
- regional health data (diagnosis, comorbidity, treatment responsibility) only to those with the
  regional sector in `health_sectors`;
- crossing the wall needs the citizen's recorded consent, granted per citizen as a guardian object
  permission (contracts app) and honoured by `citizen_filter`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet

from psykiatrihus.models import House, Membership, Role, Sector

ALL_SECTORS = frozenset({Sector.KOMMUNE.value, Sector.REGION.value})


@dataclass(frozen=True)
class Access:
    """What one user may do in one house. Frozen: compute once per request."""

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
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_member(self) -> bool:
        return bool(self.roles) or self.is_superuser

    @property
    def sees_citizens(self) -> bool:
        return bool(self.citizen_sectors)

    @property
    def can_book(self) -> bool:
        return bool(self.booking_sectors)

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

    @property
    def sees_dashboard(self) -> bool:
        return bool(self.roles & {Role.LEADER, Role.STEERING}) or self.is_superuser

    @property
    def sees_reports(self) -> bool:
        return bool(self.roles & {Role.LEADER, Role.STEERING, Role.ADMIN}) or self.is_superuser

    @property
    def sees_audit_log(self) -> bool:
        return bool(self.roles & {Role.LEADER, Role.ADMIN}) or self.is_superuser

    def sees_health(self, sector: str) -> bool:
        return sector in self.health_sectors

    # --- queryset filters -------------------------------------------------------------------------

    def filter_sector(self, qs: QuerySet, *, sector_field: str = "sector", house_field: str = "house",
                      sectors: frozenset[str] | None = None) -> QuerySet:
        """Rows of this house in the given sectors (default: the citizen-level sectors)."""
        allowed = self.citizen_sectors if sectors is None else sectors
        if self.house is None or not allowed:
            return qs.none()
        return qs.filter(**{house_field: self.house, f"{sector_field}__in": sorted(allowed)})

    def citizen_filter(self, qs: QuerySet, *, sector_field: str = "sector", citizen_field: str = "citizen",
                       house_field: str = "house") -> QuerySet:
        """Citizen-level rows of this house: own sectors, plus other-sector rows of citizens whose
        recorded consent lets this user's sector across the wall."""
        if self.house is None or not self.citizen_sectors:
            return qs.none()
        condition = Q(**{f"{sector_field}__in": sorted(self.citizen_sectors)})
        consented = self.consented_citizen_ids()
        if consented is not None:
            condition |= Q(**{f"{citizen_field}__in": consented})
        return qs.filter(condition, **{house_field: self.house})

    def consented_citizen_ids(self):
        """A subquery of citizen ids whose consent lets this user see across the wall, or None.

        The contracts app grants `contracts.view_citizen_across_wall` on the citizen to the group
        `<house>:<sector>` while a consent is in force (guardian direct-FK table)."""
        if self.house is None or not self.citizen_sectors:
            return None
        try:
            model = apps.get_model("contracts", "CitizenGroupObjectPermission")
        except LookupError:
            return None
        groups = [group_name(self.house, s) for s in self.citizen_sectors]
        return model.objects.filter(
            group__name__in=groups, permission__codename="view_citizen_across_wall"
        ).values("content_object_id")


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
    if user.is_superuser:
        aggregate |= ALL_SECTORS
    return Access(
        user_id=user.pk,
        house=house,
        roles=frozenset(roles),
        citizen_sectors=frozenset(citizen),
        booking_sectors=frozenset(booking),
        health_sectors=frozenset(citizen & {Sector.REGION.value}),
        aggregate_sectors=frozenset(aggregate),
        is_superuser=bool(user.is_superuser),
    )


def houses_for(user) -> QuerySet:
    """Houses the user works in (superusers: all active houses)."""
    if not user.is_authenticated:
        return House.objects.none()
    if user.is_superuser:
        return House.objects.filter(active=True)
    return House.objects.filter(active=True, memberships__user=user, memberships__active=True).distinct()
