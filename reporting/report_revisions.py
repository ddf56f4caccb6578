"""What changed between two approved versions of a report (a correction says what it corrects).

Both sides are the suppressed figures that were published, so the list discloses nothing the two versions do
not already show.
"""

from __future__ import annotations

MAX_CHANGES = 200


def _leaves(value, path: tuple = ()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, str(i)))
    else:
        yield path, value


def figures_changed(*, old: dict, new: dict) -> list[dict]:
    """Every published figure whose value differs, in table order: `{"table", "path", "old", "new"}` (a figure
    only in one version has None on the other side). At most MAX_CHANGES, then one `{"more": n}`."""
    old_tables, new_tables = old.get("tables", {}), new.get("tables", {})
    keys = list(new_tables) + [k for k in old_tables if k not in new_tables]
    changes: list[dict] = []
    for key in keys:
        before = dict(_leaves(old_tables.get(key, {})))
        after = dict(_leaves(new_tables.get(key, {})))
        for path in list(after) + [p for p in before if p not in after]:
            if before.get(path) != after.get(path):
                changes.append({"table": key, "path": list(path), "old": before.get(path), "new": after.get(path)})
    if len(changes) > MAX_CHANGES:
        return [*changes[:MAX_CHANGES], {"more": len(changes) - MAX_CHANGES}]
    return changes
