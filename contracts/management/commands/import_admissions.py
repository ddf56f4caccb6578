"""`python manage.py import_admissions FILE.csv --house aarhus`: the region's psychiatric admissions, all or
nothing (columns cpr,admitted,discharged[,ward]; local ISO dates or date-times; empty discharged = still
admitted)."""

from __future__ import annotations

import csv
import io

from django.core.management.base import BaseCommand, CommandError

from contracts.admission_import import AdmissionsImportError
from contracts.services import admissions_import
from psykiatrihus.models import House

REQUIRED = ("cpr", "admitted", "discharged")
MAX_FIELD = 1000


def read_text(path: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what Danish spreadsheet exports are written in."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise CommandError(f"Kan ikke læse {path}: {exc.strerror}") from exc
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError("Filen er hverken UTF-8 eller Windows-1252. Gem den som CSV (UTF-8).")


class Command(BaseCommand):
    help = ("Importér psykiatriske indlæggelser fra regionens udtræk (cpr,admitted,discharged[,ward]). "
            "Alt eller intet; en ny import af samme historik opdaterer udskrivninger.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--house", required=True, help="husets kortnavn, fx aarhus")

    def handle(self, *args, file: str, house: str, **options):
        target = House.objects.filter(slug=house).first()
        if target is None:
            raise CommandError(f"Ukendt hus: {house}")
        text = read_text(file)
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise CommandError(f"Linje 1: mangler kolonnerne {', '.join(missing)}")
        reader.fieldnames = header
        rows = []
        try:
            for row in reader:
                # A runaway field (100,000 characters) is cut, so its check fails without holding it all.
                row = {k: v[:MAX_FIELD] if isinstance(v, str) else v for k, v in row.items() if k}
                row["line"] = reader.line_num
                rows.append(row)
        except csv.Error as exc:
            raise CommandError(f"Linje {reader.line_num}: filen kan ikke læses som CSV ({exc}). "
                               "Intet er importeret.") from exc
        try:
            result = admissions_import(house=target, rows=rows)
        except AdmissionsImportError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(f"Filen blev afvist: {len(exc.errors)} fejl. Intet er importeret.") from exc
        self.stdout.write(
            f"Importeret {result.created} nye indlæggelser, {result.updated} opdateret, "
            f"{result.unchanged} uændrede, {result.duplicates} gentagne linjer; "
            f"{result.skipped_unknown} linjer om personer, huset ikke kender, er sprunget over."
        )
