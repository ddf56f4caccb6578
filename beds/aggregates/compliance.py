"""Aggregates over stays, requests and follow-up after a stay that say whether the house kept its rules, for
the report's "Overholdt huset sine regler?". Counts per sector only.

The frame a stay is judged by is decided in one place, `beds.services.stay_frame_for` (the house's rules on
the arrival date, the contract's individual frame, a visitation decision's frame); this module only feeds it
many stays at once (the rules loaded once, `PolicyBook`).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.db import connection
from django.db.models import Q
from django.db.models.functions import TruncDate

from beds.aggregates.stays import USED_STATUSES
from beds.models import ExtensionState, Stay, StayAftercare, StayRequest
from psykiatrihus.dates import add_months
from psykiatrihus.models import House
from psykiatrihus.policy import PolicyBook

FAERDIGBEHANDLING_MONTHS = 6


def stays_by_frame(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector with stays: ordinary stays that took place with arrival in [start, end] (`stays`), those
    within the frame in force for them (`within_frame`), and those beyond it with a recorded decision
    (`beyond_with_decision`: a leader approved it) and without (`beyond_without_decision`: awaiting a leader,
    declined while the guest was already past the frame, or never asked, e.g. a late check-out). One query;
    the frame per stay from `stay_frame_for`."""
    from beds.services import stay_frame_for

    book = PolicyBook(house=house)
    rows = (Stay.objects.filter(house=house, status__in=USED_STATUSES, kind="ordinary", arrival_date__gte=start,
                                arrival_date__lte=end).order_by()
            .values_list("sector", "arrival_date", "nights", "contract__stay_frame_nights",
                         "visitation__stay_frame_nights", "contract_id", "visitation_id", "extension_state"))
    result: dict[str, dict[str, int]] = {}
    frames: dict[tuple, int] = {}  # stays that arrive on the same day under the same frames share one answer
    for sector, arrival, nights, contract_frame, visitation_frame, contract_id, visitation_id, state in rows:
        key = (sector, arrival, contract_id is not None, contract_frame, visitation_id is not None, visitation_frame)
        frame = frames.get(key)
        if frame is None:
            frame = frames[key] = stay_frame_for(
                house=house, sector=sector, on_date=arrival, policy=book.policy_for(sector=sector, on_date=arrival),
                contract=SimpleNamespace(stay_frame_nights=contract_frame) if contract_id else None,
                visitation=SimpleNamespace(stay_frame_nights=visitation_frame) if visitation_id else None)
        counts = result.setdefault(sector, {"stays": 0, "within_frame": 0, "beyond_with_decision": 0,
                                            "beyond_without_decision": 0})
        counts["stays"] += 1
        if nights <= frame:
            counts["within_frame"] += 1
        elif state == ExtensionState.APPROVED:
            counts["beyond_with_decision"] += 1
        else:
            counts["beyond_without_decision"] += 1
    return result


MONTH_NIGHTS_SQL = """
SELECT sector, citizen_id, date_trunc('month', arrival_date)::date AS month, sum(nights), max(arrival_date),
       bool_or(extension_state = 'approved')
FROM beds_stay
WHERE house_id = %(house)s AND status = ANY(%(statuses)s) AND kind = 'ordinary'
  AND arrival_date BETWEEN %(start)s AND %(end)s
GROUP BY sector, citizen_id, month
"""


def nights_per_month_overruns(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector whose rules set a limit of nights per month at some time in [start, end]: citizen-months
    (the month of arrival in the period) whose ordinary stays' nights exceed the limit in force on the month's
    last arrival (the booking that went over it), with a leader's approval on one of the month's stays
    (`with_decision`) and without (`without_decision`). One query."""
    book = PolicyBook(house=house)
    limited = {p.sector for p in _versions(house=house, start=start, end=end) if p.max_nights_per_month}
    result = {sector: {"with_decision": 0, "without_decision": 0} for sector in sorted(limited)}
    if not limited:
        return result
    with connection.cursor() as cursor:
        cursor.execute(MONTH_NIGHTS_SQL, {"house": house.pk, "statuses": USED_STATUSES, "start": start, "end": end})
        for sector, _citizen, _month, nights, last_arrival, decided in cursor.fetchall():
            if sector not in result:
                continue
            limit = book.policy_for(sector=sector, on_date=last_arrival).max_nights_per_month
            if limit is not None and nights > limit:
                result[sector]["with_decision" if decided else "without_decision"] += 1
    return result


def _versions(*, house: House, start: datetime.date, end: datetime.date):
    from psykiatrihus.policy import policy_versions

    return policy_versions(house=house, start=start, end=end)


def faerdigbehandling_beyond_limit(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Per sector with færdigbehandling stays: stays that went on past 6 months from their arrival date, counted
    in the period where the limit fell (the first night beyond it in [start, end]). One query."""
    rows = (Stay.objects.filter(house=house, status__in=USED_STATUSES, kind="faerdigbehandling",
                                arrival_date__lte=end, arrival_date__gte=add_months(start, -FAERDIGBEHANDLING_MONTHS))
            .order_by().values_list("sector", "arrival_date", "nights"))
    result: dict[str, int] = {}
    for sector, arrival, nights in rows:
        limit = add_months(arrival, FAERDIGBEHANDLING_MONTHS)  # the first night beyond 6 months
        result.setdefault(sector, 0)
        if start <= limit <= end and arrival + datetime.timedelta(days=nights) > limit:
            result[sector] += 1
    return result


def aftercare_overdue_at(*, house: House, sectors: list[str], day: datetime.date) -> dict[str, int]:
    """Per sector of `sectors`: safety visits/calls planned for `day` or before and not recorded by its end
    (still planned, or recorded after it); a cancelled one is not overdue. One query."""
    rows = (StayAftercare.objects.filter(stay__house=house, stay__sector__in=sectors, planned_on__lte=day)
            .exclude(status="cancelled").filter(Q(status="planned") | Q(done_on__gt=day))
            .order_by().values_list("stay__sector", flat=True))
    result = {sector: 0 for sector in sectors}
    for sector in rows:
        result[sector] += 1
    return result


def request_answer_days(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector with requests made on a day of [start, end]: answered the same day (`same_day`), later or
    not yet (`later`: answered on a later day, or still pending), and answered at a time not recorded
    (`answer_time_unknown`: answers from before the time was kept). The house's local days. One query."""
    rows = (StayRequest.objects.filter(house=house).order_by()
            .annotate(day=TruncDate("requested_at"), answered_day=TruncDate("answered_at"))
            .filter(day__gte=start, day__lte=end).values_list("sector", "outcome", "day", "answered_day"))
    result: dict[str, dict[str, int]] = {}
    for sector, outcome, day, answered_day in rows:
        counts = result.setdefault(sector, {"same_day": 0, "later": 0, "answer_time_unknown": 0})
        if outcome == "pending" or (answered_day is not None and answered_day > day):
            counts["later"] += 1
        elif answered_day is None:
            counts["answer_time_unknown"] += 1
        else:
            counts["same_day"] += 1
    return result
