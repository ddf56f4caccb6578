"""`python manage.py import_stays FILE.csv --house aarhus [--encoding cp1252]`: historic stays, all or nothing.

The file is read and decoded as a whole before anything is parsed, so a file in the wrong encoding, with NUL
bytes, an over-long field or binary garbage ends in one Danish message naming the line (exit 1, no
traceback). Messages never repeat a field's value that could be a CPR number (they name line and column).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys

from django.core.management.base import BaseCommand, CommandError

from beds.services import StaysImportError, stays_import
from psykiatrihus.models import House

REQUIRED = ("cpr", "sector", "bed", "arrival", "departure")
# The csv module's own limit (128 KB per field); no column of a stay needs a fraction of it.
FIELD_LIMIT = 131072


def _line_of(data: bytes | str, position: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, position) + 1


def decode(data: bytes, encoding: str) -> str:
    """The file's text, or a CommandError naming the encoding and the first line that does not fit it."""
    if encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig"):
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise CommandError("Filen er gemt som UTF-16 (Unicode-tekst), ikke UTF-8. "
                               "Gem den som 'CSV UTF-8' eller kør igen med --encoding utf-16.")
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        hint = (" Filer gemt fra dansk Excel som 'CSV (semikolonsepareret)' er ofte cp1252: "
                "prøv --encoding cp1252." if exc.encoding.startswith("utf") else "")
        raise CommandError(f"Linje {_line_of(data, exc.start)}: teksten er ikke gyldig {exc.encoding.upper()} "
                           f"(byte {exc.start + 1} i filen). Er det en CSV-fil?{hint}") from None


def read_rows(text: str) -> list[dict]:
    """Rows as dicts with `line`; a CommandError for NUL bytes, over-long fields or a missing header."""
    if "\x00" in text:
        raise CommandError(f"Linje {_line_of(text, text.index(chr(0)))}: filen indeholder NUL-tegn (binære "
                           "data eller UTF-16 uden byte-rækkefølgemærke). Er det en CSV-fil?")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        try:
            header = [h.strip().lower() for h in next(reader, [])]
        except csv.Error:
            raise CommandError("Linje 1: overskriften kan ikke læses. Er det en CSV-fil?") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise CommandError(f"Linje 1: mangler kolonnerne {', '.join(missing)}")
        rows = []
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problem = (f"et felt er længere end {FIELD_LIMIT // 1024} KB" if "field limit" in str(exc)
                           else "linjen kan ikke læses som CSV")
                raise CommandError(f"Linje {reader.line_num}: {problem}. Intet er importeret.") from None
            if not any(v.strip() for v in values):
                continue
            row = dict(zip(header, values, strict=False))
            row["line"] = reader.line_num
            row["extra_fields"] = len(values) - len(header)
            rows.append(row)
    finally:
        csv.field_size_limit(previous_limit)
    return rows


class Command(BaseCommand):
    help = ("Importér historiske ophold fra CSV (cpr,sector,bed,arrival,departure[,kind,end_reason]). "
            "Alt eller intet.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--house", required=True, help="husets kortnavn, fx aarhus")
        parser.add_argument("--encoding", default="utf-8",
                            help="filens tegnsæt: utf-8 (standard), cp1252 (dansk Excel), utf-16")
        parser.add_argument("--no-progress", action="store_true", help="ingen statuslinje")

    def handle(self, *args, file: str, house: str, encoding: str, no_progress: bool, **options):
        target = House.objects.filter(slug=house).first()
        if target is None:
            raise CommandError(f"Ukendt hus: {house}")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CommandError(f"Ukendt tegnsæt: {encoding} (brug fx utf-8, cp1252 eller utf-16)") from None
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"Kan ikke læse {file}: {exc.strerror}") from exc
        rows = read_rows(decode(data, encoding))
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
