"""Aggregates over citizen-level data that leave the contracts app only as figures.

The mirror-image table (spejlbillede): does a contract change the citizen's psychiatric admissions? For the
cohort of a period -- citizens whose FIRST contract of the sector in the house was granted inside it -- the
365 days before the grant date are compared with the 365 days from it:

- admissions count in the window of their admission date;
- bed-days are the nights d with admitted_on <= d < discharged_on (as stays count nights) that fall inside
  the window; a still-open admission runs to the window's end;
- medians are over the whole cohort, citizens without admissions included (as 0);
- a citizen whose after-window has not ended when the table is built (grant date + 365 > today) is counted
  in `not_yet_observable` only and left out of every other figure.

Municipal cohorts are measured against the region's admissions here, inside the app that owns them: the
figures leave as counts and medians, and no municipal user ever sees an admission.
"""

from __future__ import annotations

import datetime

from django.db import connection

from psykiatrihus.models import House

WINDOW_DAYS = 365
MIRROR_KEYS = ("citizens", "with_admission_before", "with_admission_after", "admissions_before",
               "admissions_after", "bed_days_before", "bed_days_after", "median_bed_days_before",
               "median_bed_days_after", "not_yet_observable")

_COHORT_SQL = """
    WITH firsts AS (
        SELECT citizen_id, min(granted_on) AS g FROM contracts_contract
        WHERE house_id = %(house)s AND sector = %(sector)s GROUP BY citizen_id
    )
    SELECT citizen_id, g, (g + %(days)s <= %(today)s) AS observable
    FROM firsts WHERE g BETWEEN %(start)s AND %(end)s
"""

MIRROR_SQL = f"""
WITH cohort AS ({_COHORT_SQL}),
per_citizen AS (
    SELECT c.citizen_id,
        count(a.id) FILTER (WHERE a.admitted_on >= c.g - %(days)s AND a.admitted_on < c.g) AS adm_before,
        count(a.id) FILTER (WHERE a.admitted_on >= c.g AND a.admitted_on < c.g + %(days)s) AS adm_after,
        coalesce(sum(GREATEST(0, LEAST(coalesce(a.discharged_on, 'infinity'::date), c.g)
                                 - GREATEST(a.admitted_on, c.g - %(days)s)))
                 FILTER (WHERE a.id IS NOT NULL), 0) AS bd_before,
        coalesce(sum(GREATEST(0, LEAST(coalesce(a.discharged_on, 'infinity'::date), c.g + %(days)s)
                                 - GREATEST(a.admitted_on, c.g)))
                 FILTER (WHERE a.id IS NOT NULL), 0) AS bd_after
    FROM cohort c
    LEFT JOIN contracts_admission a ON a.citizen_id = c.citizen_id AND a.house_id = %(house)s
        AND a.admitted_on < c.g + %(days)s
        AND (a.discharged_on IS NULL OR a.discharged_on > c.g - %(days)s OR a.admitted_on >= c.g - %(days)s)
    WHERE c.observable
    GROUP BY c.citizen_id
)
SELECT count(*), count(*) FILTER (WHERE adm_before > 0), count(*) FILTER (WHERE adm_after > 0),
       coalesce(sum(adm_before), 0), coalesce(sum(adm_after), 0),
       coalesce(sum(bd_before), 0), coalesce(sum(bd_after), 0),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY bd_before),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY bd_after),
       (SELECT count(*) FROM cohort WHERE NOT observable)
FROM per_citizen
"""


def _params(*, house: House, sector: str, start: datetime.date, end: datetime.date,
            today: datetime.date) -> dict:
    return {"house": house.pk, "sector": sector, "start": start, "end": end, "today": today,
            "days": WINDOW_DAYS}


def admissions_mirror(*, house: House, sector: str, start: datetime.date, end: datetime.date,
                      today: datetime.date) -> dict:
    """The mirror-image figures of the cohort granted in [start, end], as of `today` (one statement)."""
    with connection.cursor() as cursor:
        cursor.execute(MIRROR_SQL, _params(house=house, sector=sector, start=start, end=end, today=today))
        row = cursor.fetchone()
    values = [int(v) for v in row[:7]] + [_median(row[7]), _median(row[8]), int(row[9])]
    return dict(zip(MIRROR_KEYS, values, strict=True))


def _median(value) -> float:
    return round(float(value), 1) if value is not None else 0.0


def mirror_cohort_after_windows(*, house: House, sector: str, start: datetime.date, end: datetime.date,
                                today: datetime.date) -> list[tuple[int, datetime.date, datetime.date]]:
    """(citizen id, first night, day after the last night) of each observable cohort citizen's after-window,
    for the owners of other citizen-level data to sum over (the house's own nights: beds.aggregates).
    Internal to the house: the ids never leave it."""
    with connection.cursor() as cursor:
        cursor.execute(_COHORT_SQL, _params(house=house, sector=sector, start=start, end=end, today=today))
        rows = cursor.fetchall()
    return [(cid, g, g + datetime.timedelta(days=WINDOW_DAYS)) for cid, g, observable in rows if observable]


def cohort_quarters(*, house: House, until: datetime.date, count: int) -> list[tuple[int, int]]:
    """The last `count` (year, quarter)s, oldest first, in which some citizen's first contract of a sector
    in the house was granted, with the quarter ended by `until` (one query)."""
    sql = """
        WITH firsts AS (SELECT min(granted_on) AS g FROM contracts_contract WHERE house_id = %(house)s
                        GROUP BY citizen_id, sector)
        SELECT DISTINCT extract(year FROM g)::int AS y, extract(quarter FROM g)::int AS q FROM firsts
        WHERE (date_trunc('quarter', g) + interval '3 months' - interval '1 day')::date <= %(until)s
        ORDER BY y DESC, q DESC LIMIT %(count)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"house": house.pk, "until": until, "count": count})
        return list(reversed(cursor.fetchall()))
