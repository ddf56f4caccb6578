"""What a report publishes, as the audit sees it: the raw counts of one period, which of them are hidden and
how ("<N" primary, "–" complementary), the relations between them (`Publication`, stored as JSON with every
output), and what a reader can work out about a hidden cell (`Interval`). The shared vocabulary of the
other modules of `reporting.disclosure`; no logic beyond the JSON round trip."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reporting.tables.registry import Path, Relation

PRIMARY = "primary"  # shown as "<N"
COMPLEMENTARY = "complementary"  # shown as "–" (None in the JSON)
EPS = 1e-6


class DisclosureError(Exception):
    """A report would let a reader work out a small number: it is not published."""

    def __init__(self, unprotected: list[Interval]):
        self.unprotected = unprotected
        cells = ", ".join(f"{'/'.join(i.path)} [{i.low}–{i.high}]" for i in unprotected[:5])
        super().__init__(f"{len(unprotected)} hidden cell(s) not protected: {cells}")


@dataclass(frozen=True)
class Interval:
    """What a reader can work out about a hidden cell: every integer from `low` to `high` is possible."""

    path: Path
    period: tuple[str, str]
    value: int
    low: int
    high: int
    protected: bool
    count: int | None = None  # the whole values from low to high that fit, where not all of them do

    @property
    def possible(self) -> int:
        return self.count if self.count is not None else max(0, self.high - self.low + 1)


@dataclass
class Publication:
    """One period's figures as published (or about to be): the raw counts, which of them are hidden and how,
    the relations between them, and which of them count events (add up over periods). JSON-storable."""

    start: str  # ISO dates
    end: str
    values: dict[Path, int]
    hidden: dict[Path, str] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    flows: frozenset[Path] = frozenset()

    @property
    def period(self) -> tuple[str, str]:
        return (self.start, self.end)

    def to_json(self) -> dict:
        return {
            "start": self.start, "end": self.end,
            "values": {"/".join(p): v for p, v in self.values.items()},
            "hidden": {"/".join(p): kind for p, kind in self.hidden.items()},
            "relations": [["/".join(r.total), ["/".join(p) for p in r.parts], ["/".join(p) for p in r.minus],
                           *([[list(x) for x in r.per_part]] if r.per_part else [])] for r in self.relations],
            "flows": sorted("/".join(p) for p in self.flows),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Publication:
        def path(text: str) -> Path:
            return tuple(text.split("/"))

        return cls(
            start=data["start"], end=data["end"],
            values={path(k): int(v) for k, v in data["values"].items()},
            hidden={path(k): kind for k, kind in data["hidden"].items()},
            relations=[Relation(total=path(t), parts=tuple(path(p) for p in parts),
                                minus=tuple(path(p) for p in minus),
                                per_part=tuple((int(lo), None if hi is None else int(hi)) for lo, hi in
                                               (rest[0] if rest else ())))
                       for t, parts, minus, *rest in data["relations"]],
            flows=frozenset(path(p) for p in data["flows"]),
        )
