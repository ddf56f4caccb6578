"""Occupancy per bed: nights and hours counted on the bed the guest lay in (a stay's bed periods)."""

from __future__ import annotations

import datetime

from django.db import connection

from psykiatrihus.models import House

OCCUPANCY_PER_BED_SQL = """
WITH w AS (
    SELECT tstzrange(%(start)s::date::timestamp AT TIME ZONE %(tz)s,
                     (%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s, '[)') AS r
)
SELECT b.label, b.sector,
       COALESCE(sum(GREATEST(0, LEAST((upper(p.during) AT TIME ZONE %(tz)s)::date, %(end)s::date + 1)
                                - GREATEST((lower(p.during) AT TIME ZONE %(tz)s)::date, %(start)s::date)))
                FILTER (WHERE p.id IS NOT NULL), 0),
       COALESCE(sum(extract(epoch FROM upper(p.during * w.r) - lower(p.during * w.r)))
                FILTER (WHERE p.id IS NOT NULL), 0) / 3600.0
FROM w CROSS JOIN beds_bed b
LEFT JOIN beds_staybedperiod p ON p.bed_id = b.id AND p.holds AND p.during && w.r
WHERE b.house_id = %(house)s AND b.active
GROUP BY b.id, b.label, b.sector, b.sort_order
ORDER BY b.sort_order, b.label
"""


def occupancy_per_bed(*, house: House, start: datetime.date, end: datetime.date) -> list[dict]:
    """Occupied nights and hours per active bed for the nights `start` … `end` (both included), under the
    definition of `beds.selectors.occupancy`, counted on the bed the guest lay in: a stay's nights are tiled
    over its bed periods by local date (the night of the move's date is on the new bed), so the beds' nights
    add up to the sector's. Plain values, no citizen: [{bed, sector, nights_occupied, hours_occupied}]."""
    if end < start:
        raise ValueError("end before start")
    tz = getattr(house, "time_zone", "") or "Europe/Copenhagen"
    with connection.cursor() as cursor:
        cursor.execute(OCCUPANCY_PER_BED_SQL, {"house": house.pk, "start": start, "end": end, "tz": tz})
        rows = cursor.fetchall()
    return [{"bed": label, "sector": sector, "nights_occupied": int(nights),
             "hours_occupied": round(float(hours), 1)} for label, sector, nights, hours in rows]
