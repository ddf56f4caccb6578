"""The import of historic stays (the bulk work is `beds.importer`)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from psykiatrihus.models import House


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    citizens_created: int = 0
    contracts_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class StaysImportError(Exception):
    """The file was refused as a whole; `errors` lists (line number, Danish message) for every bad line."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} fejl")
        self.errors = errors


def stays_import(*, house: House, rows, user=None, progress=None) -> ImportResult:
    """Import historic stays, all or nothing, in bulk (a few queries per 5,000 rows, not per row).

    Rows are dicts with `cpr, sector, bed, arrival, departure` and optional `kind, end_reason, line`.
    Stay-frame rules are not applied to history; overlaps (within the file and with existing stays) are.
    Unknown citizens are created; a stay no contract covers gets an ended contract marked imported.
    Imported stays are `checked_out` with check-in/out at arrival/departure. Each row has an `import_key`
    (keyed hash of the row), so importing the same file again changes nothing. Raises StaysImportError
    listing every bad line; nothing is written then."""
    from beds import importer

    return importer.run(house=house, rows=rows, user=user, progress=progress)


def import_key_for(*, cpr_hash: str, bed_label: str, arrival: datetime.datetime,
                   departure: datetime.datetime) -> str:
    raw = f"{cpr_hash}|{bed_label}|{arrival.isoformat()}|{departure.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()
