"""`python manage.py import_stays FILE.csv --house aarhus`: historic stays, all or nothing."""

from __future__ import annotations

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from beds.services import StaysImportError, stays_import
from psykiatrihus.models import House

REQUIRED = ("cpr", "sector", "bed", "arrival", "departure")


class Command(BaseCommand):
    help = "Importér historiske ophold fra CSV (cpr,sector,bed,arrival,departure[,kind,end_reason]). Alt eller intet."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--house", required=True, help="husets kortnavn, fx aarhus")
        parser.add_argument("--no-progress", action="store_true", help="ingen statuslinje")

    def handle(self, *args, file: str, house: str, no_progress: bool, **options):
        target = House.objects.filter(slug=house).first()
        if target is None:
            raise CommandError(f"Ukendt hus: {house}")
        try:
            handle = open(file, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Kan ikke læse {file}: {exc.strerror}") from exc
        with handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise CommandError(f"Linje 1: mangler kolonnerne {', '.join(missing)}")
            reader.fieldnames = header
            rows = []
            for row in reader:
                row["line"] = reader.line_num
                rows.append(row)
        bar = None
        if not no_progress and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(rows), unit=" rækker", desc="Kontrollerer", file=sys.stderr)
        try:
            result = stays_import(house=target, rows=rows, progress=bar.update if bar else None)
        except StaysImportError as exc:
            if bar:
                bar.close()
            for line, message in exc.errors:
                self.stderr.write(f"Linje {line}: {message}" if line else message)
            raise CommandError(f"Filen blev afvist: {len(exc.errors)} fejl. Intet er importeret.") from exc
        if bar:
            bar.update(len(rows) - bar.n)
            bar.close()
        self.stdout.write(
            f"Importeret {result.created} ophold ({result.skipped} fandtes allerede), "
            f"{result.citizens_created} nye borgere, {result.contracts_created} importerede kontrakter."
        )
