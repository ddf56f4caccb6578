"""The house's rules a stay is judged by (the frame, the basis of a stay) and the shared checks of the stay
services (times, booking access)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.models import (
    HOLDING_STATUSES,
    Bed,
    Stay,
)
from psykiatrihus.dates import add_months
from psykiatrihus.models import House, Sector
from psykiatrihus.policy import Policy, policy_for
from psykiatrihus.scoping import access_for


def stay_frame_for(*, house: House, sector: str, contract, on_date: datetime.date, visitation=None,
                   policy: Policy | None = None) -> int:
    """The longest ordinary stay (nights) allowed without an extension, under the house's rules valid on
    `on_date` (a stay is judged by its arrival date). THE one place the frame is decided.

    A contract's individual frame may only tighten the house's frame; a visitation decision may grant a
    longer frame (a reasoned special case). `policy`: the rules valid on `on_date`, when the caller has them
    already (judging many stays with a `PolicyBook`); `contract`/`visitation` need only `stay_frame_nights`."""
    if policy is None:
        policy = policy_for(house=house, sector=sector, on_date=on_date)
    frame = policy.stay_frame_nights
    if visitation is not None and visitation.stay_frame_nights is not None:
        return visitation.stay_frame_nights
    if contract is not None and contract.stay_frame_nights is not None:
        return min(frame, contract.stay_frame_nights)
    return frame


def local_date(moment: datetime.datetime, house: House | None = None) -> datetime.date:
    """The local calendar date of a moment in the house's time zone (Europe/Copenhagen)."""
    tz = ZoneInfo(getattr(house, "time_zone", "") or "Europe/Copenhagen")
    return moment.astimezone(tz).date()


def _basis_for(*, house: House, bed: Bed, citizen, first_night: datetime.date, last_night: datetime.date,
               policy: Policy | None = None):
    """(contract, home_treatment) valid on every night; municipal bed: municipal contract; regional bed:
    regional contract or home-treatment course."""
    from contracts.selectors import contracts_covering, home_treatment_covering

    admits_bsk = policy.admits_bsk if policy is not None else True
    admits_course = policy.admits_home_treatment if policy is not None else bed.sector == Sector.REGION
    contract = contracts_covering(house=house, citizen_id=citizen.pk, sector=bed.sector, start=first_night,
                                  end=last_night).order_by("-granted_on").first() if admits_bsk else None
    if contract is not None:
        return contract, None
    if admits_course:
        course = home_treatment_covering(house=house, citizen_id=citizen.pk, start=first_night,
                                         end=last_night).first()
        if course is not None:
            return None, course
    return None, None


def _visitation_for(*, house: House, bed: Bed, citizen, first_night: datetime.date, last_night: datetime.date):
    """The newest visitation decision of the bed's sector granting every night of the stay."""
    from contracts.selectors import visitations_covering

    return visitations_covering(house=house, citizen_id=citizen.pk, sector=bed.sector, start=first_night,
                                end=last_night).first()


def _nights_in_month(*, house: House, citizen, sector: str, day: datetime.date) -> int:
    """Nights of the citizen's holding stays in the sector arriving in the month of `day`."""
    from django.db.models import Sum

    first = day.replace(day=1)
    return Stay.objects.filter(house=house, citizen=citizen, sector=sector, status__in=HOLDING_STATUSES,
                               arrival_date__gte=first, arrival_date__lt=add_months(first, 1)
                               ).aggregate(n=Sum("nights"))["n"] or 0


def _policy_of(stay: Stay) -> Policy:
    return policy_for(house=stay.house, sector=stay.sector, on_date=stay.arrival_date)


def _aware(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, ZoneInfo("Europe/Copenhagen"))
    return value

def _require_booking_access(*, stay: Stay, user) -> None:
    if not access_for(user, stay.house).may_book(stay):
        raise PermissionDenied(_("Du kan kun ændre ophold i din egen sektor."))

def _moment(value: datetime.datetime | None, key: str) -> datetime.datetime:
    """A given time (default now) between the years 1900 and 2100: night arithmetic must never overflow."""
    moment = _aware(value) if value else timezone.now()
    if not 1900 <= moment.year <= 2100:
        raise ValidationError({key: _("Tidspunktet skal ligge mellem år 1900 og 2100.")})
    return moment
