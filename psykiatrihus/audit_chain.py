"""The audit log's hash chain, checked from Python independently of the database functions that build it.

Every house's events (and the events of no house, chain 0) are numbered 1, 2, 3 … by the insert trigger
(migration 0006) and each carries `hash` = sha256 of its canonical form, which ends with the previous event's
hash. Altering, deleting or inserting an event anywhere but at the end of a chain breaks it at that event.
What the chain cannot show by itself: someone able to disable triggers rewriting a whole chain from the
altered event onwards, or cutting off its newest events. Against both, keep the heads that `audit_verify`
prints somewhere the database owner cannot write (a ticket, a signed mail) and compare later.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from psykiatrihus.models import AuditEvent, House

VERSION = "psykiatrihus-audit-v1;"
FIELDS = ("id", "house_id", "seq", "at", "user_id", "username", "action", "object_type", "object_id",
          "citizen_id", "detail", "path", "prev_hash")


def _field(value) -> str:
    text = "" if value is None else str(value)
    return f"{len(text)}:{text};"


def event_hash(*, id: int, house_id: int | None, seq: int, at: datetime.datetime, user_id: int | None,
               username: str, action: str, object_type: str, object_id: str, citizen_id: int | None,
               detail: str, path: str, prev_hash: str) -> str:
    """sha256 of the canonical form, exactly as `psykiatrihus_audit_hash` computes it in the database."""
    stamp = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    parts = (id, house_id or 0, seq, stamp, user_id, username, action, object_type, object_id, citizen_id,
             detail, path, prev_hash)
    canonical = VERSION + "".join(_field(p) for p in parts)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainResult:
    chain: str  # the house's slug, or "" for events of no house
    events: int
    head: str  # hash of the last event checked
    broken_id: int | None = None  # the first event that does not fit
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def chain_verify(*, house: House | None, no_house: bool = False, chunk: int = 5000) -> ChainResult:
    """Walk one chain (a house's, or with `no_house` the events of no house) in order and stop at the first
    event whose number, link to the previous hash or own hash is wrong."""
    events = AuditEvent.objects.filter(house__isnull=True) if no_house else AuditEvent.objects.filter(house=house)
    label = "" if no_house else house.slug
    expected_seq, previous, count = 1, "", 0
    for row in events.order_by("seq").values_list(*FIELDS, "hash").iterator(chunk_size=chunk):
        values = dict(zip(FIELDS, row[:-1], strict=True))
        stored = row[-1]
        if values["seq"] != expected_seq:
            reason = (f"hændelse nr. {expected_seq} mangler" if values["seq"] > expected_seq
                      else f"nummeret {values['seq']} står to gange")
            return ChainResult(label, count, previous, values["id"], values["seq"], reason)
        if values["prev_hash"] != previous:
            return ChainResult(label, count, previous, values["id"], values["seq"],
                               "forrige hash passer ikke (en hændelse før den er ændret, slettet eller indsat)")
        if event_hash(**values) != stored:
            return ChainResult(label, count, previous, values["id"], values["seq"],
                               "indholdet passer ikke til dens hash (hændelsen er ændret)")
        previous, expected_seq, count = stored, expected_seq + 1, count + 1
    return ChainResult(label, count, previous)
