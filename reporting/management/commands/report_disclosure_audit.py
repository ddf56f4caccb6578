"""`manage.py report_disclosure_audit --house aarhus --year 2022 [--quarter 1] [--half 1]`: every hidden cell of
the period's suppressed report with the values a reader could still think it has, given everything the house
has published (stored report runs) and the report itself."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from psykiatrihus.models import House
from reporting.disclosure import COMPLEMENTARY, DisclosureError, audit
from reporting.selectors import half_year, period_for, report_figures
from reporting.services import report_published


class Command(BaseCommand):
    help = "Vis hver skjult celle i en rapport med det interval, en læser kan regne sig frem til."

    def add_arguments(self, parser):
        parser.add_argument("--house", required=True, help="husets kortnavn, fx aarhus")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--half", type=int, choices=[1, 2])

    def handle(self, *args, **opts):
        house = House.objects.filter(slug=opts["house"]).first()
        if house is None:
            raise CommandError(f"Huset '{opts['house']}' findes ikke.")
        if opts["quarter"] and opts["half"]:
            raise CommandError("Angiv enten --quarter eller --half.")
        period = half_year(year=opts["year"], half=opts["half"]) if opts["half"] else \
            period_for(year=opts["year"], quarter=opts["quarter"])
        below = house.small_number_threshold
        if below <= 1:
            self.stdout.write(f"{house.name} skjuler ingen tal (grænse {below}).")
            return
        published = report_published(house=house, period=period, below=below)
        started = time.perf_counter()
        try:
            figures = report_figures(house=house, period=period, published=published)
        except DisclosureError as refused:
            for cell in refused.unprotected:
                self.stdout.write(f"IKKE BESKYTTET  {'/'.join(cell.path)}  {cell.low}–{cell.high}")
            raise CommandError(f"{len(refused.unprotected)} små tal kan regnes ud; rapporten ville blive afvist.") \
                from refused
        pub = figures.publication
        intervals = {i.path: i for i in audit([*published, pub], below=below, targets=[len(published)])}
        seconds = time.perf_counter() - started
        self.stdout.write(f"{house.name}, {period.label} ({period.start}–{period.end}), grænse <{below}, "
                          f"{len(published)} tidligere offentliggørelser med i revisionen")
        for path in sorted(pub.hidden):
            kind = pub.hidden[path]
            value = pub.values[path]
            mark = "–" if kind == COMPLEMENTARY else f"<{below}"
            cell = intervals.get(path)
            if cell is None:
                self.stdout.write(f"{mark:>4}  {'/'.join(path)}  (sekundær, {value} ≥ {below})")
                continue
            high = "∞" if cell.high >= 10**9 else str(cell.high)
            state = "beskyttet" if cell.protected else "IKKE BESKYTTET"
            count = str(cell.possible) if cell.high < 10**9 else "∞"
            self.stdout.write(f"{mark:>4}  {'/'.join(path)}  {cell.low}–{high}  ({count} mulige værdier, {state})")
        primary = sum(1 for p in pub.hidden if pub.values[p] < below)
        self.stdout.write(f"{len(pub.hidden)} skjulte celler ({primary} små, {len(pub.hidden) - primary} sekundære), "
                          f"alle små beskyttet; revision {seconds:.2f} s")
