"""The audit: every publication as one linear system over its hidden cells (`_Program`), and for each small
hidden cell the interval of values consistent with everything published (`audit`). What
`reporting.disclosure.suppression` asks while it chooses cells, and the proof it gives with each output."""

from __future__ import annotations

import math
from collections.abc import Iterable

from reporting.disclosure.publication import EPS, PRIMARY, Interval, Publication
from reporting.disclosure.solver import WHOLE_LIMIT, _Row, _solve, _Var, _whole_values
from reporting.tables.registry import Path, Relation


def required_values(below: int) -> int:
    """How many values must stay possible for a hidden small count: three, or all of them when fewer exist
    (both of 1 and 2 when N is 3)."""
    return max(1, min(3, below - 1))


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
