"""The one registry of the report's tables: each table declared once, with its builder and its relations.

See the package docstring (`reporting.tables`) for how to add a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

# A cell of the report: ("stays", "kommune", "stays_by_nights", "0-1") — table key, then the keys down the
# table's JSON to one figure.
Path = tuple[str, ...]


# What one unit of a part adds to a relation's total, as a range (low, high); high None: no upper bound.
# A stay of "0-1" nights adds 0 or 1 night, one of "2" nights exactly 2, one of "5+" at least 5.
PerPart = tuple[int, int | None]


@dataclass(frozen=True)
class Relation:
    """A linear identity the published figures obey: `total` = the sum of `parts` minus the sum of `minus`
    (one part: the same population counted in two places). Paths are full report paths, so a relation may
    span tables. A relation naming a figure the report does not have, or that the raw figures do not obey
    (a citizen with two contracts in the period), is left out of the audit.

    `per_part` (one range per part; empty: exactly 1 each) makes it a weighted sum a reader can still use:
    the nights = 0–1 × the stays of 0–1 nights + 2 × those of 2 + 3 × those of 3 + 4 × those of 4 + at
    least 5 × those of 5 or more (`per_part_of_buckets`). It holds when the total lies within the ranges."""

    total: Path
    parts: tuple[Path, ...]
    minus: tuple[Path, ...] = ()
    per_part: tuple[PerPart, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.total, *self.parts, *self.minus)

    @property
    def weighted(self) -> bool:
        return any(r != (1, 1) for r in self.per_part)


@dataclass(frozen=True)
class Derived:
    """A figure computed from counts (a ratio, a percent, an average): hidden whenever one of `inputs` is
    hidden, because it and the shown inputs would give the hidden one back."""

    path: Path
    inputs: tuple[Path, ...]


def _none(_key: str, _data: dict) -> Iterable:
    return ()


def _never(_path: Path) -> bool:
    return False


@dataclass(frozen=True)
class Table:
    """One table of the report.

    - `build(house=, period=)` returns the table's raw figures, JSON-ready (usually `{sector: {...}}`), or
      None to leave the table out of this report.
    - `relations(key, data)` yields the `Relation`s that hold between its published figures (and figures of
      other tables), given its raw `data`; `derived(key, data)` yields its `Derived` figures.
    - `flow(path)`: the cell counts events in the period (stays, nights, requests), so a year's figure is the
      sum of its quarters'; False for stocks and distinct counts (citizens, contracts in force).
    - `not_counts`: leaf keys that are not counts of people or their stays (calendar counts, money, hours):
      never suppressed.
    """

    key: str
    title: str
    explanation: str
    footnote: str
    sheet: str
    build: Callable[..., dict | None]
    relations: Callable[[str, dict], Iterable[Relation]] = _none
    derived: Callable[[str, dict], Iterable[Derived]] = _none
    flow: Callable[[Path], bool] = _never
    not_counts: frozenset[str] = field(default_factory=frozenset)
    uses_contracts: bool = False  # left out where nobody is admitted under a contract (tables 2–10, 12)
    # `build(house=, period=, tables=)` gets the raw tables registered before it (a table made from others)
    from_tables: bool = False


TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Add a table to the report (in the order the report shows them). A key is registered once."""
    if table.key in TABLES:
        raise ValueError(f"table {table.key!r} is registered twice")
    TABLES[table.key] = table
    return table


def table_for(key: str) -> Table | None:
    return TABLES.get(key)


# --- helpers for declaring relations ---------------------------------------------------------------------


def leaves(value, path: Path = ()) -> Iterator[tuple[Path, object]]:
    """Every figure of a (nested) table with its path."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, (*path, str(k)))
    else:
        yield path, value


def partition_relations(key: str, data: dict) -> Iterator[Relation]:
    """Every `{"counts": {...}, "total": n}` in the table: total = sum of its cells (nested cells, such as age
    band × gender, add up too)."""
    yield from _partitions((key,), data)


def _partitions(prefix: Path, value) -> Iterator[Relation]:
    if not isinstance(value, dict):
        return
    if "counts" in value and "total" in value and isinstance(value["counts"], dict):
        parts = tuple((*prefix, "counts", *p) for p, _v in leaves(value["counts"]))
        yield Relation(total=(*prefix, "total"), parts=parts)
        return
    for k, v in value.items():
        yield from _partitions((*prefix, str(k)), v)


def same(a: Path, b: Path) -> Relation:
    """The same population counted in two places (`a` = `b`)."""
    return Relation(total=a, parts=(b,))


def per_part_of_buckets(buckets: Iterable[str]) -> tuple[PerPart, ...]:
    """The range one item of each bucket adds, from the bucket's name: "2" → (2, 2), "0-1" → (0, 1),
    "5+" → (5, None); for a `Relation` of the total of what is bucketed (the nights of the stays by length)."""
    ranges: list[PerPart] = []
    for name in buckets:
        if name.endswith("+"):
            ranges.append((int(name[:-1]), None))
        elif "-" in name:
            low, high = name.split("-")
            ranges.append((int(low), int(high)))
        else:
            ranges.append((int(name), int(name)))
    return tuple(ranges)
