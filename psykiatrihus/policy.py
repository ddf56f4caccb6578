"""Reads of a house's rules (HousePolicy). Every rule that differs between houses is read here, never
from constants, and always for a date: history is judged by the rules valid on its date (a stay by its
arrival date).

Writes are in `psykiatrihus.services.house_policy_set`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from psykiatrihus.models import AdmissionRoute, FrameExtension, House, HousePolicy, PostStayFollowUp, Sector

# Follow-up interval when a house has recorded no rules (Aarhus: municipal yearly, regional half-yearly).
DEFAULT_FOLLOWUP_MONTHS = {Sector.KOMMUNE: 12, Sector.REGION: 6}

# The fields of HousePolicy that are rules (compared to decide whether a new version is needed).
RULE_FIELDS = (
    "admits_bsk", "admits_visitation", "admits_home_treatment", "stay_frame_nights", "extension_by",
    "followup_interval_months", "stays_have_goals", "post_stay_followup", "post_stay_followup_days",
    "max_nights_per_month",
)


@dataclass(frozen=True)
class Policy:
    """The rules of one sector of a house on one date. `version_id` is None for the built-in default."""

    house_id: int
    sector: str
    admits_bsk: bool
    admits_visitation: bool
    admits_home_treatment: bool
    stay_frame_nights: int
    extension_by: str
    followup_interval_months: int
    stays_have_goals: bool
    post_stay_followup: str
    post_stay_followup_days: int
    max_nights_per_month: int | None
    valid_from: datetime.date | None = None
    version_id: int | None = None

    @property
    def is_default(self) -> bool:
        return self.version_id is None

    @property
    def admission_routes(self) -> list[str]:
        routes = [(AdmissionRoute.BSK, self.admits_bsk), (AdmissionRoute.VISITATION, self.admits_visitation),
                  (AdmissionRoute.HOME_TREATMENT, self.admits_home_treatment)]
        return [str(route) for route, allowed in routes if allowed]

    def admits(self, route: str) -> bool:
        return str(AdmissionRoute(route)) in self.admission_routes

    @property
    def plans_post_stay_followup(self) -> bool:
        return self.post_stay_followup != PostStayFollowUp.NONE

    def rules(self) -> dict:
        """Only the rules (for comparison with a requested change)."""
        return {name: getattr(self, name) for name in RULE_FIELDS}

    def describe(self) -> str:
        """One Danish line for reports ('the rules in force for its period')."""
        from django.utils.translation import gettext as _

        routes = ", ".join(str(AdmissionRoute(r).label) for r in self.admission_routes)
        text = _("%(sector)s: adgang ved %(routes)s; ramme %(n)s nætter (længere: %(ext)s); "
                 "kontraktopfølgning hver %(m)s. måned") % {
            "sector": Sector(self.sector).label, "routes": routes, "n": self.stay_frame_nights,
            "ext": FrameExtension(self.extension_by).label, "m": self.followup_interval_months,
        }
        if self.stays_have_goals:
            text += _("; individuelle mål pr. ophold")
        if self.plans_post_stay_followup:
            text += _("; efter opholdet: %(f)s") % {"f": PostStayFollowUp(self.post_stay_followup).label}
        if self.max_nights_per_month:
            text += _("; højst %(n)s nætter pr. måned") % {"n": self.max_nights_per_month}
        if self.valid_from:
            text += _(" (gældende fra %(d)s)") % {"d": self.valid_from.strftime("%d.%m.%Y")}
        return text


def _from_row(row: HousePolicy) -> Policy:
    return Policy(
        house_id=row.house_id, sector=row.sector, valid_from=row.valid_from, version_id=row.pk,
        **{name: getattr(row, name) for name in RULE_FIELDS},
    )


def policy_default(*, house: House, sector: str) -> Policy:
    """Aarhus-like rules when a house has recorded none: self-request under a contract (a regional bed
    also on an active home-treatment course), the house's stay frame, extension by a leader's reasoned
    decision, follow-up yearly (municipal) / half-yearly (regional)."""
    sector = Sector(sector)
    return Policy(
        house_id=house.pk, sector=str(sector), admits_bsk=True, admits_visitation=False,
        admits_home_treatment=sector == Sector.REGION, stay_frame_nights=house.default_stay_frame_nights,
        extension_by=str(FrameExtension.LEADER), followup_interval_months=DEFAULT_FOLLOWUP_MONTHS[sector],
        stays_have_goals=False, post_stay_followup=str(PostStayFollowUp.NONE), post_stay_followup_days=7,
        max_nights_per_month=None,
    )


def policy_for(*, house: House, sector: str, on_date: datetime.date) -> Policy:
    """The rules of `sector` in `house` valid on `on_date` (the latest version starting on or before it).

    Before the first recorded version (or with none) the built-in default applies."""
    row = (HousePolicy.objects.filter(house=house, sector=Sector(sector), valid_from__lte=on_date)
           .order_by("-valid_from").first())
    return _from_row(row) if row is not None else policy_default(house=house, sector=sector)


def policy_versions(*, house: House, sector: str | None = None, start: datetime.date | None = None,
                    end: datetime.date | None = None) -> list[Policy]:
    """The versions in force at some time in [start, end] (both optional), oldest first, per sector.

    The default appears where a period starts before the first recorded version."""
    result: list[Policy] = []
    sectors = [Sector(sector)] if sector else [Sector.KOMMUNE, Sector.REGION]
    rows = list(HousePolicy.objects.filter(house=house, sector__in=sectors).order_by("sector", "valid_from"))
    for sec in sectors:
        versions = [r for r in rows if r.sector == sec]
        segments: list[tuple[datetime.date, Policy]] = [(datetime.date.min, policy_default(house=house, sector=sec))]
        segments += [(r.valid_from, _from_row(r)) for r in versions]
        for i, (seg_from, policy) in enumerate(segments):
            next_from = segments[i + 1][0] if i + 1 < len(segments) else None
            if next_from is not None and next_from <= seg_from:
                continue  # a version from date.min replaces the default entirely
            if end is not None and seg_from > end:
                continue
            if start is not None and next_from is not None and next_from <= start:
                continue
            result.append(policy)
    return result


class PolicyBook:
    """All versions of a house loaded once, for judging many dated records (history, reports) without
    one query per record."""

    def __init__(self, *, house: House) -> None:
        self.house = house
        self._rows: dict[str, list[HousePolicy]] = {str(Sector.KOMMUNE): [], str(Sector.REGION): []}
        for row in HousePolicy.objects.filter(house=house).order_by("valid_from"):
            self._rows[row.sector].append(row)

    def policy_for(self, *, sector: str, on_date: datetime.date) -> Policy:
        found = None
        for row in self._rows[str(Sector(sector))]:
            if row.valid_from <= on_date:
                found = row
            else:
                break
        return _from_row(found) if found is not None else policy_default(house=self.house, sector=sector)



def house_uses_today(*, house: House, on_date: datetime.date) -> dict:
    """Whether any sector's rules in force on `on_date` admit by visitation (a waiting list) or plan a
    follow-up after a stay (one query; sectors with no recorded rules follow the default: neither)."""
    rows = (HousePolicy.objects.filter(house=house, valid_from__lte=on_date).order_by("sector", "-valid_from")
            .distinct("sector").values_list("admits_visitation", "post_stay_followup"))
    rows = list(rows)
    return {"waiting": any(v for v, _ in rows), "aftercare": any(f != PostStayFollowUp.NONE for _, f in rows)}
