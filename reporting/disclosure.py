"""Small-number suppression across the whole report, and the audit that proves it.

Pure functions over the tables' JSON and the table registry (`reporting.tables`): no database.

What a reader knows, and so what the audit assumes an attacker knows:
- a printed figure is exact; "<N" is a count from 1 to N-1; "–" is a hidden count that is not 0 (zeros are
  always printed, and a count from 1 to N-1 is "<N" unless it had to become "–" as well);
- every linear relation the registry declares between the figures (a total is the sum of its parts, the
  same citizens counted in two tables), within and across tables and sectors, zeros included, and the
  weighted ones with what each part can add (the nights from the stays by length: a stay of 2 nights adds
  2, one of 0–1 nights 0 or 1, one of 5 or more at least 5);
- everything published before for the house in the same calendar years (`Publication`s): a year is the sum
  of its quarters and half-years for the figures that count events (`Table.flow`).

`disclose()` hides every count from 1 to N-1 ("primary"), then, while some primary cell could be narrowed to
fewer than three values (both values where N is 3) by a linear program over all of that, hides one more
figure next to it ("complementary"): the cheapest that protects it — a cell already "<N" made "–" before a
printed one, a small printed cell before a large one, and parts before totals. A last pass prints again every
"–" that later ones made unnecessary (totals and large cells first). `audit()` is the proof: for
every primary cell, the smallest and largest value consistent with everything published
(HiGHS, the solver of `scipy.optimize.linprog(method="highs")`). Where a weighted relation binds a cell
tightly (the nights printed, no stay of 5 nights or more to take up a remainder), the whole values in that
interval are counted one by one (HiGHS's mixed-integer solver): 3 × b3 + 4 × b4 = 14 fits fewer whole values
than its interval, and a parity can halve them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reporting.tables.registry import TABLES, Path, Relation, leaves

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


# --- the table model: cells, relations, derived figures ------------------------------------------------


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _holds(relation: Relation, values: Mapping[Path, int]) -> bool:
    if any(p not in values for p in relation.paths):
        return False
    total = values[relation.total] + sum(values[p] for p in relation.minus)
    if not relation.per_part:
        return total == sum(values[p] for p in relation.parts)
    if len(relation.per_part) != len(relation.parts):
        return False
    low = sum(lo * values[p] for p, (lo, _hi) in zip(relation.parts, relation.per_part, strict=True))
    if any(hi is None and values[p] > 0 for p, (_lo, hi) in zip(relation.parts, relation.per_part, strict=True)):
        return low <= total
    return low <= total <= sum((hi or 0) * values[p]
                               for p, (_lo, hi) in zip(relation.parts, relation.per_part, strict=True))


def report_model(tables: Mapping, *, start: str, end: str) -> tuple[Publication, dict[Path, tuple[Path, ...]]]:
    """The report's cells (every count of people or their stays), the relations that hold between them, and
    the derived figures with their inputs. Relations naming a figure the report does not have, or that the
    raw figures do not obey, are left out: they tell a reader nothing exact."""
    derived: dict[Path, tuple[Path, ...]] = {}
    relations: list[Relation] = []
    for key, data in tables.items():
        spec = TABLES.get(key)
        if spec is None or not isinstance(data, dict):
            continue
        for d in spec.derived(key, data):
            derived[d.path] = d.inputs
        relations.extend(spec.relations(key, data))
    values: dict[Path, int] = {}
    flows: set[Path] = set()
    for key, data in tables.items():
        spec = TABLES.get(key)
        if not isinstance(data, dict):
            continue
        for sub, value in leaves(data):
            path = (key, *sub)
            if not _is_count(value) or path in derived or (spec and sub and sub[-1] in spec.not_counts):
                continue
            values[path] = value
            if spec is not None and spec.flow(path):
                flows.add(path)
    kept, seen = [], set()
    for relation in relations:
        signature = _signature(relation)
        if signature in seen or not _holds(relation, values):
            continue
        seen.add(signature)
        kept.append(relation)
    return Publication(start=start, end=end, values=values, relations=kept, flows=frozenset(flows)), derived


def _signature(relation: Relation) -> tuple:
    return (relation.total, tuple(sorted(zip(relation.parts, relation.per_part or [(1, 1)] * len(relation.parts),
                                             strict=True))), tuple(sorted(relation.minus)))


def relations_renewed(pub: Publication) -> Publication:
    """A stored publication with the relations the registry declares now added to those stored with it: a
    relation declared later (the nights from the stays by length) was as true of the figures then, and a
    reader of the old output has it. Without it an old output that already gives a cell away would count as
    protecting it, and a new output of the period would be refused for what the old one did."""
    tables: dict = {}
    for path, value in pub.values.items():
        node = tables
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = value
    fresh, _derived = report_model(tables, start=pub.start, end=pub.end)
    known = {_signature(r) for r in pub.relations}
    pub.relations = [*pub.relations, *(r for r in fresh.relations if _signature(r) not in known)]
    return pub


# --- the audit (a linear program per hidden cell) ------------------------------------------------------


def required_values(below: int) -> int:
    """How many values must stay possible for a hidden small count: three, or all of them when fewer exist
    (both of 1 and 2 when N is 3)."""
    return max(1, min(3, below - 1))


@dataclass
class _Var:
    key: tuple
    low: float
    high: float | None


@dataclass
class _Row:
    """sum(coef * var) = rhs; `printed` are the printed cells folded into rhs (pub index, path)."""

    coefs: dict[tuple, float]
    rhs: float
    printed: list[tuple[int, Path]]


class _Program:
    """All publications as one system of linear equalities over the hidden cells (variables) and the printed
    ones (constants). Cells of the same period and path with the same raw value are the same unknown."""

    def __init__(self, publications: list[Publication], below: int):
        self.below = below
        self.publications = publications
        self.vars: dict[tuple, _Var] = {}
        self.rows: list[_Row] = []
        names = [self._publication_vars(pub) for pub in publications]
        for pub, pub_names in zip(publications, names, strict=True):  # a hidden cell printed elsewhere is known
            for path, key in pub_names.items():
                if key is None and (pub.start, pub.end, path, pub.values[path]) in self.vars:
                    var = self.vars[(pub.start, pub.end, path, pub.values[path])]
                    var.low = var.high = float(pub.values[path])
        for i, pub in enumerate(publications):
            for n, relation in enumerate(pub.relations):
                if relation.per_part:
                    self._add_weighted(i, n, relation, names)
                    continue
                self._add_row([(1.0, i, relation.total), *[(-1.0, i, p) for p in relation.parts],
                               *[(1.0, i, p) for p in relation.minus]], names)
        self._add_period_sums(names)
        self._by_var: dict[tuple, list[int]] = {}
        for r, row in enumerate(self.rows):
            for k in row.coefs:
                self._by_var.setdefault(k, []).append(r)
        self._values: dict[tuple, tuple[float, float, int]] = {}

    def _publication_vars(self, pub: Publication) -> dict[Path, tuple | None]:
        names: dict[Path, tuple | None] = {}
        for path, value in pub.values.items():
            kind = pub.hidden.get(path)
            if kind is None:
                names[path] = None
                continue
            key = (pub.start, pub.end, path, value)
            low, high = (1.0, float(self.below - 1)) if kind == PRIMARY else (1.0, None)
            var = self.vars.get(key)
            if var is None:
                self.vars[key] = _Var(key=key, low=low, high=high)
            elif high is not None:  # the same cell hidden in two publications: the tighter bound is known
                var.high = high if var.high is None else min(var.high, high)
            names[path] = key
        return names

    def _add_row(self, terms, names: list[dict[Path, tuple | None]]) -> None:
        coefs: dict[tuple, float] = {}
        rhs = 0.0
        printed = []
        for coef, i, path in terms:
            key = names[i].get(path) if isinstance(path, tuple) and path and path[0] != "latent" else path
            if key is None:
                rhs -= coef * self.publications[i].values[path]
                printed.append((i, path))
            else:
                coefs[key] = coefs.get(key, 0.0) + coef
        coefs = {k: c for k, c in coefs.items() if c}
        if coefs:
            self.rows.append(_Row(coefs=coefs, rhs=rhs, printed=printed))

    def _add_weighted(self, i: int, n: int, relation: Relation, names: list[dict[Path, tuple | None]]) -> None:
        """total + minus = sum(low × part) + spread + open, where `spread` (>= 0) is at most
        sum((high - low) × part) over the parts with an upper bound (a second row, with a `gap` >= 0), and
        `open` (>= 0) stands for what the parts without one add beyond their low; left out where those are
        all printed as 0, so that the sum is exact then."""
        pub = self.publications[i]
        pairs = list(zip(relation.parts, relation.per_part, strict=True))
        terms: list = [(1.0, i, relation.total), *[(1.0, i, p) for p in relation.minus],
                       *[(-float(lo), i, p) for p, (lo, _hi) in pairs if lo]]
        spread = [(float(hi - lo), i, p) for p, (lo, hi) in pairs if hi is not None and hi > lo]
        if spread:
            key, gap = ("latent", i, n, "spread"), ("latent", i, n, "gap")
            for k in (key, gap):
                self.vars.setdefault(k, _Var(key=k, low=0.0, high=None))
            terms.append((-1.0, i, key))
            self._add_row([*spread, (-1.0, i, key), (-1.0, i, gap)], names)
        if any(hi is None and (p in pub.hidden or pub.values[p] > 0) for p, (_lo, hi) in pairs):
            key = ("latent", i, n, "open")
            self.vars.setdefault(key, _Var(key=key, low=0.0, high=None))
            terms.append((-1.0, i, key))
        self._add_row(terms, names)

    def _add_period_sums(self, names: list[dict[Path, tuple | None]]) -> None:
        """A half-year or a year is the sum of its quarters, for the flow figures; a quarter nobody published
        is an unknown of its own (>= 0). Left out where the raw figures disagree (late registrations)."""
        latest = {pub.period: i for i, pub in enumerate(self.publications)}
        for period, i in latest.items():
            pub = self.publications[i]
            quarters = _quarters_of(*period)
            if len(quarters) < 2:
                continue
            for path in sorted(pub.flows):
                if path not in pub.values:
                    continue
                terms: list = [(1.0, i, path)]
                known, complete = 0, True
                for q in quarters:
                    j = latest.get(q)
                    if j is not None and path in self.publications[j].values:
                        terms.append((-1.0, j, path))
                        known += self.publications[j].values[path]
                    else:
                        latent = ("latent", q, path)
                        self.vars.setdefault(latent, _Var(key=latent, low=0.0, high=None))
                        terms.append((-1.0, i, latent))
                        complete = False
                total = pub.values[path]
                if (complete and known != total) or known > total:
                    continue
                self._add_row(terms, names)

    def values(self, key: tuple, *, full: bool = True) -> tuple[float, float, int]:
        """(low, high, how many whole values fit): the linear program's interval, and where a weighted row
        binds the variable's part of the system tightly (no unbounded unit term in it: the nights printed
        and nothing of 5 or more), the whole values in it that fit counted one by one, since 3 × b3 + 4 × b4
        = 14 fits fewer whole values than its interval (a parity can halve them). Not `full`: counted only
        up to the values a small cell needs (`required_values`), for choosing what to hide."""
        if (key, full) in self._values:
            return self._values[(key, full)]
        low, high = self.interval(key)
        width = _width(low, high)
        result = (low, high, width)
        rows = [self.rows[r] for r in self.component(key)]
        enough = None if full else required_values(self.below)
        if math.isfinite(high) and 0 < width <= WHOLE_LIMIT and (full or width >= enough) \
                and any(self._tight(row) for row in rows):
            variables = sorted({k for row in rows for k in row.coefs} | {key}, key=repr)
            at = {k: i for i, k in enumerate(variables)}
            # the same part of the system recurs from one program to the next while cells are chosen
            fits = _whole_values(tuple((tuple(sorted((at[k], c) for k, c in row.coefs.items())), row.rhs)
                                       for row in rows),
                                 tuple((self.vars[k].low, self.vars[k].high) for k in variables), at[key],
                                 math.ceil(low - EPS), math.floor(high + EPS), enough)
            result = (float(min(fits)), float(max(fits)), len(fits)) if fits else (low, high, 0)
        self._values[(key, full)] = result
        return result

    def width(self, key: tuple) -> int:
        """How many whole values the variable can still take, up to as many as a small cell needs."""
        return self.values(key, full=False)[2]

    def _tight(self, row: _Row) -> bool:
        """A weighted row (a coefficient other than 1) without a free term of coefficient 1 that would take
        up any remainder: an unknown without upper bound that no other row holds (what the stays of 5 nights
        or more add beyond 5)."""
        if all(abs(c) == 1 for c in row.coefs.values()):
            return False
        return not any(abs(c) == 1 and self.vars[k].high is None and len(self._by_var.get(k, ())) == 1
                       for k, c in row.coefs.items())

    def interval(self, key: tuple) -> tuple[float, float]:
        """The smallest and largest value of one variable over its connected part of the system."""
        var = self.vars[key]
        rows = [self.rows[r] for r in self.component(key)]
        if not rows:
            return var.low, math.inf if var.high is None else var.high
        variables = sorted({k for row in rows for k in row.coefs} | {key}, key=repr)
        return _solve(rows, variables, [(self.vars[k].low, self.vars[k].high) for k in variables],
                      variables.index(key))

    def component(self, key: tuple) -> list[int]:
        """The rows connected to a variable through shared hidden cells."""
        seen_rows: set[int] = set()
        todo, seen_vars = [key], {key}
        while todo:
            k = todo.pop()
            for r in self._by_var.get(k, ()):
                if r in seen_rows:
                    continue
                seen_rows.add(r)
                for other in self.rows[r].coefs:
                    if other not in seen_vars:
                        seen_vars.add(other)
                        todo.append(other)
        return sorted(seen_rows)


def _highs_model(*, rows, bounds: Sequence[tuple[float, float | None]], cost_of: int | None = None,
                 integral: bool = False):
    """A HiGHS solver holding the equalities `rows` ((index, coefficient) pairs, rhs) over variables with
    `bounds`; the objective is variable `cost_of` (none: a feasibility problem), whole numbers if `integral`."""
    import highspy
    import numpy as np

    inf = highspy.kHighsInf
    columns: list[list[tuple[int, float]]] = [[] for _ in bounds]
    for r, (coefs, _rhs) in enumerate(rows):
        for i, c in coefs:
            columns[i].append((r, c))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(bounds), len(rows)
    cost = np.zeros(len(bounds))
    if cost_of is not None:
        cost[cost_of] = 1.0
    lp.col_cost_ = cost
    lp.col_lower_ = np.array([low for low, _high in bounds], dtype=float)
    lp.col_upper_ = np.array([inf if high is None else high for _low, high in bounds], dtype=float)
    rhs = np.array([value for _coefs, value in rows], dtype=float)
    lp.row_lower_, lp.row_upper_ = rhs, rhs
    if integral:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(bounds)
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kColwise
    matrix.num_col_, matrix.num_row_ = len(bounds), len(rows)
    matrix.start_ = np.cumsum([0] + [len(col) for col in columns]).astype(np.int32)
    matrix.index_ = np.array([r for col in columns for r, _c in col], dtype=np.int32)
    matrix.value_ = np.array([c for col in columns for _r, c in col], dtype=float)
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.passModel(lp)
    return solver


def _solve(rows: list[_Row], variables: list[tuple], bounds: list[tuple[float, float | None]],
           target: int) -> tuple[float, float]:
    """min and max of variable `target` subject to the rows' equalities and the bounds (HiGHS, the solver
    behind `scipy.optimize.linprog(method="highs")`, called directly: one model, two objectives)."""
    import highspy

    index = {k: i for i, k in enumerate(variables)}
    solver = _highs_model(rows=[([(index[k], c) for k, c in row.coefs.items()], row.rhs) for row in rows],
                          bounds=bounds, cost_of=target)
    result = []
    for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
        solver.changeObjectiveSense(sense)
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            result.append(solver.getInfo().objective_function_value)
        elif status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible) \
                and sense == highspy.ObjSense.kMaximize:
            result.append(math.inf)
        else:
            raise RuntimeError(f"disclosure audit: the linear program has no solution ({status})")
    return result[0], result[1]


# Beyond this many values in its interval a cell keeps enough whole ones whatever the weights (at most 5: a
# stay of 5 or more adds at least 5), so they are not counted one by one.
WHOLE_LIMIT = 15


@functools.lru_cache(maxsize=4096)
def _whole_values(rows: tuple[tuple[tuple[tuple[int, float], ...], float], ...],
                  bounds: tuple[tuple[float, float | None], ...], target: int, low: int, high: int,
                  enough: int | None) -> tuple[int, ...]:
    """The values from `low` to `high` of variable `target` for which the rows (sum of coefficient × variable
    = rhs, variables by index) have a solution in whole numbers within the bounds (HiGHS's mixed-integer
    solver, one feasibility problem per value); `enough`: stop once that many are found."""
    import highspy

    solver = _highs_model(rows=rows, bounds=bounds, integral=True)
    fits = []
    for value in range(low, high + 1):
        solver.changeColBounds(target, float(value), float(value))
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            fits.append(value)
            if enough is not None and len(fits) >= enough:
                break
        elif status != highspy.HighsModelStatus.kInfeasible:
            raise RuntimeError(f"disclosure audit: the whole-number check has no answer ({status})")
    return tuple(fits)


def _quarters_of(start: str, end: str) -> list[tuple[str, str]]:
    """The calendar quarters that make up a grid period (a half-year or a year), else []."""
    import datetime

    s, e = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    if s.day != 1 or s.month not in (1, 4, 7, 10) or s.year != e.year:
        return []
    quarters = []
    month = s.month
    while month <= 12:
        q_start = datetime.date(s.year, month, 1)
        q_end = (datetime.date(s.year + 1, 1, 1) if month == 10 else datetime.date(s.year, month + 3, 1)) \
            - datetime.timedelta(days=1)
        quarters.append((q_start.isoformat(), q_end.isoformat()))
        if q_end == e:
            return quarters
        if q_end > e:
            return []
        month += 3
    return []


def _width(low: float, high: float) -> int:
    hi = math.floor(high + EPS) if math.isfinite(high) else 10**9
    return hi - math.ceil(low - EPS) + 1


def _interval_of(program: _Program, i: int, path: Path) -> Interval:
    pub = program.publications[i]
    low, high, count = program.values((pub.start, pub.end, path, pub.values[path]))
    lo = math.ceil(low - EPS)
    hi = math.floor(high + EPS) if math.isfinite(high) else 10**9
    return Interval(path=path, period=pub.period, value=pub.values[path], low=lo, high=hi,
                    protected=count >= required_values(program.below),
                    count=count if math.isfinite(high) and count != hi - lo + 1 else None)


def _small_hidden(pub: Publication, below: int) -> list[Path]:
    """The hidden cells that are themselves small (a large complementary cell is not sensitive)."""
    return [path for path in pub.hidden if 0 < pub.values[path] < below]


def audit(publications: list[Publication], *, below: int, targets: Iterable[int] | None = None) -> list[Interval]:
    """For each small hidden cell of the `targets` publications (default: all), the interval of values
    consistent with everything in `publications` together."""
    program = _Program(publications, below)
    chosen = range(len(publications)) if targets is None else targets
    return [_interval_of(program, i, path) for i in chosen for path in _small_hidden(publications[i], below)]


# --- choosing what to hide ------------------------------------------------------------------------------


def _cost(pub: Publication, path: Path, totals: set[Path]) -> tuple:
    """Cheapest first: making a "<N" cell "–" hides nothing new; then small cells before large, parts
    before totals."""
    if pub.hidden.get(path) == PRIMARY:
        return (0, 0, pub.values[path], path)
    return (1, 1 if path in totals else 0, pub.values[path], path)


def _candidates(program: _Program, key: tuple, new: int) -> list[Path]:
    """Cells of the new publication in the rows that bound `key`: printed ones (never zeros) that could be
    hidden, and its "<N" cells that could become "–"."""
    pub = program.publications[new]
    result: set[Path] = set()
    rows = program.component(key)
    for r in rows:
        row = program.rows[r]
        result.update(path for i, path in row.printed if i == new and pub.values[path] > 0)
        result.update(k[2] for k in row.coefs if k[0] != "latent" and (k[0], k[1]) == pub.period
                      and pub.hidden.get(k[2]) == PRIMARY and pub.values.get(k[2]) == k[3])
    if (key[0], key[1]) == pub.period and pub.hidden.get(key[2]) == PRIMARY:
        result.add(key[2])
    return sorted(result)


def disclose(tables: Mapping, *, below: int, start: str, end: str,
             published: list[Publication] | None = None) -> tuple[dict, Publication, list[Interval]]:
    """The tables as they may leave the house, the publication to store, and the audit of its small cells
    together with everything `published` before. Raises DisclosureError if a cell cannot be protected."""
    pub, derived = report_model(tables, start=start, end=end)
    intervals = suppress_publication(pub, below=below, published=published)
    return _apply(tables, pub, derived, below), pub, intervals


def suppress_publication(pub: Publication, *, below: int, published: list[Publication] | None = None) -> list[Interval]:
    """Choose `pub.hidden` (primary, then complementary cells) and audit the result together with everything
    `published`; returns the intervals of the small hidden cells. Raises DisclosureError."""
    published = list(published or [])
    if below <= 1:
        return []
    for path, value in pub.values.items():
        if 0 < value < below:
            pub.hidden[path] = PRIMARY
    for earlier in published:  # what was hidden before for the same period stays hidden
        if earlier.period == pub.period:
            for path, kind in earlier.hidden.items():
                if kind == COMPLEMENTARY and path in pub.values and pub.values[path] == earlier.values[path] \
                        and path not in pub.hidden:
                    pub.hidden[path] = COMPLEMENTARY
    _protect(pub, published, below)
    _take_back(pub, published, below)
    intervals = audit([*published, pub], below=below)
    before = {(i.period, i.path): i.possible for i in audit(published, below=below)} if published else {}
    # an earlier cell the new publication does not narrow is not this publication's to refuse
    unprotected = [i for i in intervals if not i.protected
                   and ((i.period, i.path) not in before or i.possible < before[(i.period, i.path)])]
    if unprotected:
        raise DisclosureError(unprotected)
    return intervals


def _protect(pub: Publication, published: list[Publication], below: int) -> None:
    """Hide one more cell at a time until every small hidden cell (of this and the earlier publications)
    keeps enough possible values; cells that nothing can protect are left to the audit."""
    totals = {r.total for r in pub.relations}
    need = required_values(below)
    publications = [*published, pub]
    new = len(publications) - 1
    given_up: set[tuple] = set()
    protected: set[tuple] = set()  # hiding more only widens intervals, so a protected cell stays protected
    while True:
        program = _Program(publications, below)
        open_cell = None
        for other in publications:
            for path in _small_hidden(other, below):
                key = (other.start, other.end, path, other.values[path])
                if key in given_up or key in protected:
                    continue
                if program.width(key) >= need:
                    protected.add(key)
                else:
                    open_cell = key
                    break
            if open_cell:
                break
        if open_cell is None:
            return
        step = _next_step(publications, new, program, open_cell, below, totals)
        if step is None:
            given_up.add(open_cell)  # nothing left to hide: the audit refuses the report
            continue
        for path in step:
            pub.hidden[path] = COMPLEMENTARY


def _take_back(pub: Publication, published: list[Publication], below: int) -> None:
    """Print again every complementary cell the protection turns out not to need (a cell hidden early on can
    become redundant once later ones are hidden): the most informative first, totals and large cells before
    small ones. A cell is printed again ("–" back to its figure, or to "<N" for a small one) only if no small
    hidden cell it is connected to loses its protection or, where it had none, any of its possible values."""
    need = required_values(below)
    publications = [*published, pub]
    totals = {r.total for r in pub.relations}
    classes = _equal_classes(pub)
    kept_before = {path for earlier in published if earlier.period == pub.period
                   for path, kind in earlier.hidden.items() if kind == COMPLEMENTARY}
    widths: dict[tuple, int] = {}

    def small_keys(program: _Program, key: tuple) -> list[tuple]:
        around = {k for r in program.component(key) for k in program.rows[r].coefs}
        return [k for k in around if k[0] != "latent" and k in program.vars and _small_key(publications, k, below)]

    candidates = sorted((p for p, kind in pub.hidden.items() if kind == COMPLEMENTARY and p not in kept_before),
                        key=lambda p: _cost(pub, p, totals), reverse=True)
    for path in candidates:
        if pub.hidden.get(path) != COMPLEMENTARY:
            continue
        members = [p for p in classes.get(path, [path]) if pub.hidden.get(p) == COMPLEMENTARY]
        program = _Program(publications, below)
        affected = small_keys(program, (pub.start, pub.end, path, pub.values[path]))
        for key in affected:
            if key not in widths:
                widths[key] = program.width(key)
        for p in members:
            if 0 < pub.values[p] < below:
                pub.hidden[p] = PRIMARY
            else:
                del pub.hidden[p]
        after = _Program(publications, below)
        still = [k for k in affected if _small_key(publications, k, below)]
        new_widths = {k: after.width(k) for k in still}
        if all(w >= min(need, widths[k]) for k, w in new_widths.items()):
            widths.update(new_widths)
            continue
        for p in members:
            pub.hidden[p] = COMPLEMENTARY


def _small_key(publications: list[Publication], key: tuple, below: int) -> bool:
    """Whether a variable of the program is a small hidden cell of one of the publications."""
    start, end, path, value = key
    if not 0 < value < below:
        return False
    return any(p.period == (start, end) and path in p.hidden and p.values.get(path) == value for p in publications)


def _width_with(publications: list[Publication], new: int, hide: list[Path], cell: tuple, below: int) -> int:
    pub = publications[new]
    saved = {path: pub.hidden.get(path) for path in hide}
    for path in hide:
        pub.hidden[path] = COMPLEMENTARY
    try:
        return _Program(publications, below).width(cell)
    finally:
        for path, kind in saved.items():
            if kind is None:
                del pub.hidden[path]
            else:
                pub.hidden[path] = kind


def _equal_classes(pub: Publication) -> dict[Path, list[Path]]:
    """Cells that are the same figure printed in several places (`same` relations): hiding one of them
    helps only when all of them are hidden, so they are hidden together."""
    parent: dict[Path, Path] = {}

    def find(p: Path) -> Path:
        while parent.get(p, p) != p:
            p = parent[p]
        return p

    for relation in pub.relations:
        if len(relation.parts) == 1 and not relation.minus and not relation.weighted:
            a, b = find(relation.total), find(relation.parts[0])
            if a != b:
                parent[a] = b
    classes: dict[Path, list[Path]] = {}
    for p in {p for r in pub.relations for p in r.paths}:
        classes.setdefault(find(p), []).append(p)
    return {p: sorted(members) for members in classes.values() for p in members}


def _next_step(publications: list[Publication], new: int, program: _Program, cell: tuple, below: int,
               totals: set[Path], budget: int = 40) -> list[Path] | None:
    """The cheapest cell (or, where no single one is enough, pair of cells) whose hiding protects `cell`;
    failing that every cell around it (a small group whose total is small too); None if nothing is left to
    hide. A cell printed in several places is hidden in all of them at once."""
    pub = publications[new]
    need = required_values(below)
    classes = _equal_classes(pub)

    def group(path: Path) -> list[Path]:
        return [p for p in classes.get(path, [path])
                if p in pub.values and pub.values[p] > 0 and pub.hidden.get(p) != COMPLEMENTARY]

    def cost(path: Path) -> tuple:
        members = group(path) or [path]
        return (max(_cost(pub, p, totals)[:3] for p in members), len(members), path)

    def options(program_now: _Program) -> list[list[Path]]:
        seen, out = set(), []
        for path in sorted(_candidates(program_now, cell, new), key=cost):
            members = tuple(group(path))
            if members and members not in seen:
                seen.add(members)
                out.append(list(members))
        return out

    current = program.width(cell)
    singles = options(program)
    best, best_width = None, current
    for step in singles:
        width = _width_with(publications, new, step, cell, below)
        budget -= 1
        if width >= need:
            return step
        if width > best_width:
            best, best_width = step, width
    for first in singles:
        saved = {p: pub.hidden.get(p) for p in first}
        for p in first:
            pub.hidden[p] = COMPLEMENTARY
        try:
            seconds = [step for step in options(_Program(publications, below)) if not set(step) & set(first)]
        finally:
            for p, kind in saved.items():
                if kind is None:
                    del pub.hidden[p]
                else:
                    pub.hidden[p] = kind
        for second in seconds:
            if budget <= 0:
                break
            budget -= 1
            if _width_with(publications, new, first + second, cell, below) >= need:
                return first + second
    everything = sorted({p for step in singles for p in step})
    return everything or best


def _apply(tables: Mapping, pub: Publication, derived: dict[Path, tuple[Path, ...]], below: int) -> dict:
    """Write the markers into a copy of the tables: "<N" for small cells, None ("–") for hidden ones and for
    derived figures whose inputs are not all printed."""
    hidden_paths = set(pub.hidden)

    def walk(value, path: Path):
        if isinstance(value, dict):
            return {k: walk(v, (*path, str(k))) for k, v in value.items()}
        if path in pub.hidden:
            return f"<{below}" if pub.hidden[path] == PRIMARY else None
        if path in derived and any(p in hidden_paths for p in derived[path]):
            return None
        return value

    return {key: walk(table, (key,)) for key, table in tables.items()}


def report_suppress(tables: dict, *, below: int) -> dict:
    """The tables as they may leave the house, on their own (no earlier publications). `below` <= 1: raw."""
    if below <= 1:
        return _apply(tables, Publication(start="", end="", values={}), {}, below)
    shown, _pub, _intervals = disclose(tables, below=below, start="0001-01-01", end="0001-01-01")
    return shown


def withhold(tables: Mapping, *, below: int, start: str, end: str) -> tuple[dict, Publication]:
    """The tables with every non-zero count hidden ("–"), and that publication: for an output the audit
    refused (a dashboard quarter), which is then shown without figures rather than not at all."""
    pub, derived = report_model(tables, start=start, end=end)
    pub.hidden = {path: COMPLEMENTARY for path, value in pub.values.items() if value > 0}
    return _apply(tables, pub, derived, below), pub
