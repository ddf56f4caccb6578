"""The bulk path behind `contracts.services.admissions_import` (the region's export of psychiatric admissions).

All or nothing: every row is checked first and every bad line is reported at once, by line and column and
never with a value from the file (a misplaced column could hold a CPR number). Then, in one transaction,
new admissions are inserted and known ones (same citizen, same admission moment: the export's natural key)
updated, so importing a newer export of the same history replaces what changed (typically a discharge) and
importing the same file again changes nothing. The exclusion constraint still guards the write.

Admissions of people who are not citizens of the house are not stored: they are someone else's health data
and the house has no use for them. They are counted and reported as skipped.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import bulk as contracts_bulk
from contracts.cpr import cpr_clean
from contracts.models import Admission, Citizen
from psykiatrihus import crypto
from psykiatrihus.models import House
from psykiatrihus.services import audit_log

EARLIEST = datetime.date(1900, 1, 1)
WARD_MAX = 100
INFINITY = datetime.datetime.max.replace(tzinfo=datetime.UTC)


@dataclass
class AdmissionsImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped_unknown: int = 0


@dataclass
class AdmissionsImportError(Exception):
    """The file was refused as a whole: (line, column, Danish message) for every problem found."""

    errors: list[tuple[int, str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.errors)} fejl"

    def lines(self) -> list[str]:
        """One Danish sentence per problem, naming line and column (never a value from the file)."""
        out = []
        for line, column, message in self.errors:
            if line and column:
                out.append(_("Linje %(line)s, kolonne %(col)s: %(msg)s") % {"line": line, "col": column,
                                                                           "msg": message})
            elif line:
                out.append(_("Linje %(line)s: %(msg)s") % {"line": line, "msg": message})
            else:
                out.append(message)
        return out


def parse_moment(value, *, tz: ZoneInfo, column: str, now: datetime.datetime,
                 errors: list, line: int) -> datetime.datetime | None:
    """A local ISO date (midnight) or date-time, between 1900 and now; None and an error otherwise."""
    text = str(value or "").strip()
    try:
        if len(text) == 10:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(0, 0))
        else:
            moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        local = moment.astimezone(tz)
    except (TypeError, ValueError, OverflowError):
        errors.append((line, column, _("ugyldig dato eller tid (brug ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTTT:MM)")))
        return None
    if local.date() < EARLIEST:
        errors.append((line, column, _("datoen ligger før 1900")))
        return None
    if moment > now:
        errors.append((line, column, _("tidspunktet ligger i fremtiden")))
        return None
    return moment


class _Row:
    __slots__ = ("line", "cpr_hash", "citizen_id", "admitted", "discharged", "ward", "end")


def _parse(rows, *, tz: ZoneInfo, now: datetime.datetime, errors: list) -> list[_Row]:
    parsed: list[_Row] = []
    hashes: dict[str, str | None] = {}
    for index, raw in enumerate(rows):
        line = int(raw.get("line") or index + 2)
        before = len(errors)
        r = _Row()
        r.line = line
        typed = str(raw.get("cpr") or "")
        if typed not in hashes:
            try:
                hashes[typed] = crypto.lookup_hash(cpr_clean(typed))
            except ValidationError:
                hashes[typed] = None
        r.cpr_hash = hashes[typed]
        if r.cpr_hash is None:
            errors.append((line, "cpr", _("ugyldigt CPR-nummer")))
        r.admitted = parse_moment(raw.get("admitted"), tz=tz, column="admitted", now=now, errors=errors, line=line)
        r.discharged = None
        if str(raw.get("discharged") or "").strip():
            r.discharged = parse_moment(raw.get("discharged"), tz=tz, column="discharged", now=now,
                                        errors=errors, line=line)
        if r.admitted and r.discharged and r.discharged < r.admitted:
            errors.append((line, "discharged", _("udskrivningen ligger før indlæggelsen")))
        r.ward = " ".join(str(raw.get("ward") or "").split())
        if len(r.ward) > WARD_MAX:
            errors.append((line, "ward", _("afsnittets navn er længere end %(n)s tegn") % {"n": WARD_MAX}))
        if len(errors) == before:
            r.end = r.discharged or INFINITY
            parsed.append(r)
    return parsed


def _local_date(moment: datetime.datetime | None, tz: ZoneInfo) -> datetime.date | None:
    return moment.astimezone(tz).date() if moment is not None else None


def run(*, house: House, rows, user=None) -> AdmissionsImportResult:
    tz = ZoneInfo(house.time_zone or "Europe/Copenhagen")
    now = timezone.now()
    errors: list[tuple[int, str, str]] = []
    parsed = _parse(rows, tz=tz, now=now, errors=errors)
    result = AdmissionsImportResult()

    citizen_ids = contracts_bulk.citizen_ids_by_hash(hashes=[r.cpr_hash for r in parsed], house=house)
    births = dict(Citizen.objects.filter(pk__in=list(citizen_ids.values())).values_list("pk", "birth_date"))
    known: list[_Row] = []
    for r in parsed:
        r.citizen_id = citizen_ids.get(r.cpr_hash)
        if r.citizen_id is None:
            result.skipped_unknown += 1
        elif _local_date(r.admitted, tz) < births[r.citizen_id]:
            errors.append((r.line, "admitted", _("indlæggelsen ligger før borgerens fødselsdato")))
        else:
            known.append(r)

    # The same admission twice in one file: identical lines count once, differing ones are an error.
    by_key: dict[tuple[int, datetime.datetime], _Row] = {}
    fresh: list[_Row] = []
    for r in known:
        key = (r.citizen_id, r.admitted)
        first = by_key.get(key)
        if first is None:
            by_key[key] = r
            fresh.append(r)
        elif (first.discharged, first.ward) == (r.discharged, r.ward):
            result.duplicates += 1
        else:
            errors.append((r.line, "admitted", _("samme indlæggelse som linje %(other)s, men med andre "
                                                 "oplysninger") % {"other": first.line}))

    existing: dict[tuple[int, datetime.datetime], dict] = {}
    for a in Admission.objects.filter(citizen_id__in={r.citizen_id for r in fresh}).values(
            "id", "citizen_id", "admitted_at", "discharged_at", "ward"):
        existing[(a["citizen_id"], a["admitted_at"])] = a
    _overlaps(fresh, existing, errors)
    if errors:
        raise AdmissionsImportError(sorted(errors))

    new: list[Admission] = []
    changed: list[Admission] = []
    for r in fresh:
        old = existing.get((r.citizen_id, r.admitted))
        values = {"discharged_at": r.discharged, "discharged_on": _local_date(r.discharged, tz), "ward": r.ward}
        if old is None:
            new.append(Admission(house=house, citizen_id=r.citizen_id, admitted_at=r.admitted,
                                 admitted_on=_local_date(r.admitted, tz), **values))
        elif (old["discharged_at"], old["ward"]) == (r.discharged, r.ward):
            result.unchanged += 1
        else:
            changed.append(Admission(pk=old["id"], updated_at=now, **values))
    try:
        with transaction.atomic():
            Admission.objects.bulk_update(changed, ["discharged_at", "discharged_on", "ward", "updated_at"],
                                          batch_size=2000)
            Admission.objects.bulk_create(new, batch_size=2000)
    except IntegrityError as exc:
        raise AdmissionsImportError([(0, "", _("Databasen afviste importen (en indlæggelse overlapper en, der "
                                               "blev importeret imens). Intet er importeret; prøv igen."))]) from exc
    result.created, result.updated = len(new), len(changed)
    if new or changed:
        audit_log(user=user, action="create", object_type="contracts.admission", house=house,
                  detail=f"import: {result.created} nye og {result.updated} ændrede indlæggelser")
    return result


def _overlaps(fresh: list[_Row], existing: dict, errors: list) -> None:
    """Per citizen, the admissions after the import (the file's rows replacing their namesakes) must not
    overlap: a person is in one ward at a time. Reported on the later line (or the file's line)."""
    timeline: dict[int, list[tuple[datetime.datetime, datetime.datetime, int | None]]] = defaultdict(list)
    keys = {(r.citizen_id, r.admitted) for r in fresh}
    for (citizen_id, admitted), a in existing.items():
        if (citizen_id, admitted) not in keys:
            timeline[citizen_id].append((admitted, a["discharged_at"] or INFINITY, None))
    for r in fresh:
        timeline[r.citizen_id].append((r.admitted, r.end, r.line))
    for items in timeline.values():
        items.sort(key=lambda i: (i[0], i[2] or 0))
        latest = None
        for item in items:
            if latest is not None and item[0] < latest[1] and item[0] < item[1]:
                line = item[2] if item[2] is not None else latest[2]
                other = latest[2] if item[2] is not None else item[2]
                if other is None:
                    message = _("overlapper en indlæggelse, der allerede er importeret")
                else:
                    message = _("overlapper linje %(other)s (samme borger)") % {"other": other}
                errors.append((line, "admitted", message))
            if latest is None or item[1] > latest[1]:
                latest = item
