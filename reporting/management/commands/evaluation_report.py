"""`manage.py evaluation_report --house aarhus --year 2021 [--quarter 1-4] --format json|pdf|xlsx --output PATH`."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from psykiatrihus.models import House
from reporting.selectors import period_for, period_is_grid
from reporting.services import FORMATS, OFF_GRID_REASON, report_render


class Command(BaseCommand):
    help = "Byg evalueringsrapporten for et hus og en periode (kvartal, år eller fra–til)."

    def add_arguments(self, parser):
        parser.add_argument("--house", required=True, help="husets kortnavn, fx aarhus")
        parser.add_argument("--year", type=int)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--start", type=datetime.date.fromisoformat, help="fra dato (ÅÅÅÅ-MM-DD)")
        parser.add_argument("--end", type=datetime.date.fromisoformat, help="til dato (ÅÅÅÅ-MM-DD)")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", required=True, help="filsti, eller - for standard output (json)")
        parser.add_argument("--suppress-below", type=int, default=None,
                            help="skjul tal fra 1 til N-1 (standard: husets grænse; 0 = rå tal)")

    def handle(self, *args, **opts):
        house = House.objects.filter(slug=opts["house"]).first()
        if house is None:
            raise CommandError(f"Huset '{opts['house']}' findes ikke.")
        if opts["start"] or opts["end"]:
            year = (opts["start"] or opts["end"]).year
        elif opts["year"]:
            year = opts["year"]
        else:
            raise CommandError("Angiv --year (evt. med --quarter) eller --start og --end.")
        try:
            period = period_for(year=year, quarter=opts["quarter"], start=opts["start"], end=opts["end"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if opts["suppress_below"] is not None and opts["suppress_below"] < 0:
            raise CommandError("--suppress-below skal være 0 eller større.")
        below = house.small_number_threshold if opts["suppress_below"] is None else opts["suppress_below"]
        if below > 1 and not period_is_grid(period):
            raise CommandError(str(OFF_GRID_REASON))
        content = report_render(house=house, period=period, formats=[opts["format"]],
                                suppress_below=opts["suppress_below"])[opts["format"]]
        if opts["output"] == "-":
            self.stdout.write(content.decode("utf-8"))
            return
        path = Path(opts["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.stderr.write(f"Skrev {path} ({len(content)} bytes)")
