"""The table model: a report's tables (their JSON and the registry's declarations) as cells, the linear
relations that hold between them and the derived figures with their inputs. Kept apart from the audit so
that a stored publication can be given the relations declared since (`relations_renewed`)."""

from __future__ import annotations

from collections.abc import Mapping

from reporting.disclosure.publication import Publication
from reporting.tables.registry import TABLES, Path, Relation, leaves


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
