"""Aggregates over stays that other apps' figures need (the ids given stay inside the house)."""

from __future__ import annotations

import datetime

from django.db import connection

from psykiatrihus.models import House

# Stays that took place: the booked future and cancelled or no-show stays used no night.
USED_STATUSES = ["checked_in", "checked_out"]

NIGHTS_IN_WINDOWS_SQL = """
SELECT coalesce(sum(GREATEST(0, LEAST(s.arrival_date + s.nights, w.until) - GREATEST(s.arrival_date, w.since))), 0)
FROM unnest(%(ids)s::bigint[], %(since)s::date[], %(until)s::date[]) AS w(citizen_id, since, until)
JOIN beds_stay s ON s.citizen_id = w.citizen_id AND s.house_id = %(house)s AND s.status = ANY(%(statuses)s)
    AND s.arrival_date < w.until AND s.arrival_date + s.nights > w.since
"""


def stay_nights_in_windows(*, house: House,
                           windows: list[tuple[int, datetime.date, datetime.date]]) -> int:
    """Nights of the house's stays (either sector, any kind) that fall inside each citizen's window
    [since, until): the nights arrival date <= d < departure date with since <= d < until."""
    if not windows:
        return 0
    ids, since, until = (list(column) for column in zip(*windows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(NIGHTS_IN_WINDOWS_SQL, {"ids": ids, "since": since, "until": until, "house": house.pk,
                                               "statuses": USED_STATUSES})
        return int(cursor.fetchone()[0])


def ors_at_stay_start(*, house: House, sector: str, start: datetime.date, end: datetime.date) -> dict:
    """FIT's ORS (0-40) recorded at the start of the sector's stays arriving in [start, end]: how many stays
    have one, and their mean (None without any)."""
    from django.db.models import Avg, Count

    from beds.models import Stay

    agg = (Stay.objects.filter(house=house, sector=sector, status__in=USED_STATUSES, arrival_date__gte=start,
                               arrival_date__lte=end, ors_score__isnull=False)
           .aggregate(n=Count("id"), mean=Avg("ors_score")))
    return {"stays_with_ors": agg["n"], "mean_ors": round(float(agg["mean"]), 1) if agg["mean"] is not None else None}
