"""Benchmark 4: the quarterly stay table (reporting.selectors) for one house and for all houses.

Floor: one hand-written SQL query computing the same figures (per sector, or per house and sector for all
houses), run in the same process on the same data. The figures of both are compared: a mismatch fails.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

FLOOR_SQL = """
WITH per AS (
    SELECT house_id, sector, citizen_id, count(*) AS n, sum(nights) AS cn,
           count(*) FILTER (WHERE nights <= 1) AS b01, count(*) FILTER (WHERE nights = 2) AS b2,
           count(*) FILTER (WHERE nights = 3) AS b3, count(*) FILTER (WHERE nights = 4) AS b4,
           count(*) FILTER (WHERE nights >= 5) AS b5
    FROM beds_stay
    WHERE {where} AND sector IN ('kommune', 'region') AND status IN ('checked_in', 'checked_out')
      AND kind = 'ordinary'
      AND arrival_date BETWEEN %(start)s AND %(end)s
    GROUP BY house_id, sector, citizen_id
)
SELECT house_id, sector, sum(n), count(*), sum(cn), max(n), max(cn),
       count(*) FILTER (WHERE n <= 2), count(*) FILTER (WHERE n BETWEEN 3 AND 9), count(*) FILTER (WHERE n >= 10),
       sum(b01), sum(b2), sum(b3), sum(b4), sum(b5)
FROM per GROUP BY house_id, sector
"""


def floor_tables(*, house_id: int | None, start: datetime.date, end: datetime.date) -> dict:
    """{(house_id, sector): stay table} from one SQL query."""
    from django.db import connection

    where = "house_id = %(house)s" if house_id else "TRUE"
    with connection.cursor() as cur:
        cur.execute(FLOOR_SQL.format(where=where), {"house": house_id, "start": start, "end": end})
        rows = cur.fetchall()
    out = {}
    for h, sector, *figures in rows:
        stays, citizens, nights, mx_s, mx_n, c12, c39, c10, b01, b2, b3, b4, b5 = (int(f) for f in figures)
        out[(h, sector)] = {
            "stays": int(stays), "unique_citizens": int(citizens), "nights": int(nights),
            "stays_per_citizen": round(stays / citizens, 2), "nights_per_stay": round(nights / stays, 2),
            "max_stays_one_citizen": int(mx_s), "max_nights_one_citizen": int(mx_n),
            "citizens_by_stays": {"1-2": c12, "3-9": c39, "10+": c10},
            "stays_by_nights": {"0-1": int(b01), "2": int(b2), "3": int(b3), "4": int(b4), "5+": int(b5)},
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    common.django_setup()
    from django.utils import timezone

    from beds.models import Stay
    from psykiatrihus.models import House
    from reporting.selectors import previous_quarter, table_stays

    report = common.Report("report_tables", "4. Quarterly stay table: one house and all houses")
    period = previous_quarter(today=timezone.localdate())
    houses = list(House.objects.filter(slug__startswith=common.PREFIX).order_by("slug"))
    one = houses[0]
    n_one = Stay.objects.filter(house=one, arrival_date__gte=period.start, arrival_date__lte=period.end).count()
    n_all = Stay.objects.filter(arrival_date__gte=period.start, arrival_date__lte=period.end).count()
    report.data_size(stays=Stay.objects.count(), houses=len(houses), period=period.label,
                     quarter_stays_one_house=n_one, quarter_stays_all_houses=n_all)

    # Same figures?
    mismatches = 0
    floor_one = floor_tables(house_id=one.pk, start=period.start, end=period.end)
    mine = table_stays(house=one, period=period)
    for sector, table in mine.items():
        expected = floor_one.get((one.pk, sector))
        if table["stays"] and table != expected:
            mismatches += 1
            report.note(f"MISMATCH {sector}: selector {table} vs SQL {expected}")

    sel, flo = common.compare(lambda: table_stays(house=one, period=period),
                              lambda: floor_tables(house_id=one.pk, start=period.start, end=period.end),
                              times=args.repeat)
    report.figure("stay table, one house-quarter (both sectors)", f"median {common.ms(common.median(sel))}",
                  floor_label="one SQL query", floor=common.ms(common.median(flo)),
                  ratio=common.median(sel) / common.median(flo), target=2.0,
                  raw={"selector": sel, "floor": flo})

    def all_houses():
        return {h.pk: table_stays(house=h, period=period) for h in houses}

    reps = max(3, args.repeat // 5)
    sel_all, flo_all = common.compare(all_houses, lambda: floor_tables(house_id=None, start=period.start,
                                                                        end=period.end), times=reps, warmup=1)
    report.figure(f"stay table, all {len(houses)} houses (selector per house)",
                  f"median {common.ms(common.median(sel_all))}",
                  floor_label="one SQL query grouped by house", floor=common.ms(common.median(flo_all)),
                  ratio=common.median(sel_all) / common.median(flo_all), raw={"selector": sel_all, "floor": flo_all})
    if mismatches:
        report.note(f"{mismatches} sector tables differ from the SQL floor")
    report.save()
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
