"""`manage.py report_disclosure_audit --house aarhus --year 2022 [--quarter 1] [--half 1]`: every hidden cell of
what a suppressed build of the period publishes, with the values a reader could still think it has, given
everything the house has published (stored report runs and dashboard quarters) and the build itself.

A build publishes more than its period: the same period a year before (the comparison columns) and each extra
column of the trends (`reporting.trends`), every one stored and audited. All of them are printed here, each
under its own heading, and audited together in one program (the build audits each trend column only with the
publications it can be combined with; the intervals must be the same). Exits with an error when a small cell
is not protected."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from psykiatrihus.models import House
from reporting.disclosure import COMPLEMENTARY, DisclosureError, Publication, audit
from reporting.selectors import Period, half_year, house_history_start, period_for
from reporting.services import report_build_publications, report_published
from reporting.trends import trend_periods


def _headings(period: Period, house: House) -> dict[tuple[str, str], str]:
    """(start, end) → the heading of a publication of the build: what it is and where the report prints it."""
    def key(p: Period) -> tuple[str, str]:
        return (p.start.isoformat(), p.end.isoformat())

    headings = {key(p): f"{p.label} (udvikling)" for p in trend_periods(
        period=period, first_day=house_history_start(house=house))}
    prior = period.previous_year()
    headings[key(prior)] = f"{prior.label} (året før, sammenligning og udvikling)"
    headings[key(period)] = f"{period.label} (rapportens periode)"
    return headings


class Command(BaseCommand):
    help = ("Vis hver skjult celle i en rapport (perioden, året før og udviklingens kolonner) med det interval, "
            "en læser kan regne sig frem til.")

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
            publications = report_build_publications(house=house, period=period, published=published)
        except DisclosureError as refused:
            for cell in refused.unprotected:
                self.stdout.write(f"IKKE BESKYTTET  {cell.period[0]}–{cell.period[1]}  {'/'.join(cell.path)}  "
                                  f"{cell.low}–{cell.high}")
            raise CommandError(f"{len(refused.unprotected)} små tal kan regnes ud; rapporten ville blive afvist.") \
                from refused
        everything = [*published, *publications]
        targets = range(len(published), len(everything))
        intervals = {(i.period, i.path): i for i in audit(everything, below=below, targets=targets)}
        seconds = time.perf_counter() - started
        self.stdout.write(f"{house.name}, {period.label} ({period.start}–{period.end}), grænse <{below}, "
                          f"{len(publications)} offentliggørelser i rapporten, {len(published)} tidligere "
                          f"offentliggørelser med i revisionen")
        headings = _headings(period, house)
        hidden = primary = 0
        for pub in publications:
            self.stdout.write("")
            self.stdout.write(f"{headings.get(pub.period, f'{pub.start}–{pub.end}')}: "
                              f"{len(pub.hidden)} skjulte af {len(pub.values)} celler")
            hidden += len(pub.hidden)
            primary += self._cells(pub, intervals, below)
        unprotected = [i for i in intervals.values() if not i.protected]
        self.stdout.write("")
        if unprotected:
            raise CommandError(f"{len(unprotected)} små tal er ikke beskyttet (se IKKE BESKYTTET ovenfor).")
        self.stdout.write(f"{hidden} skjulte celler ({primary} små, {hidden - primary} sekundære) i "
                          f"{len(publications)} perioder, alle små beskyttet; revision {seconds:.2f} s")

    def _cells(self, pub: Publication, intervals: dict, below: int) -> int:
        """Print the publication's hidden cells; returns how many are small."""
        small = 0
        for path in sorted(pub.hidden):
            kind = pub.hidden[path]
            value = pub.values[path]
            mark = "–" if kind == COMPLEMENTARY else f"<{below}"
            cell = intervals.get((pub.period, path))
            if cell is None:
                self.stdout.write(f"{mark:>4}  {'/'.join(path)}  (sekundær, {value} ≥ {below})")
                continue
            small += 1
            high = "∞" if cell.high >= 10**9 else str(cell.high)
            state = "beskyttet" if cell.protected else "IKKE BESKYTTET"
            count = str(cell.possible) if cell.high < 10**9 else "∞"
            self.stdout.write(f"{mark:>4}  {'/'.join(path)}  {cell.low}–{high}  ({count} mulige værdier, {state})")
        return small
