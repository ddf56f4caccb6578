"""Choosing what to hide: every count from 1 to N-1 ("<N"), then one more figure at a time next to a small
cell the audit finds unprotected ("–"), the cheapest first, and a last pass that prints again what later
choices made unnecessary; then the markers written into a copy of the tables (`disclose`, `withhold`)."""

from __future__ import annotations

from collections.abc import Mapping

from reporting.disclosure.audit import _Program, _small_hidden, audit, required_values
from reporting.disclosure.publication import COMPLEMENTARY, PRIMARY, DisclosureError, Interval, Publication
from reporting.disclosure.relations import report_model
from reporting.tables.registry import Path


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
