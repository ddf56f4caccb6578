"""The evaluation report's tables: one registry, each table declared once.

A table is a `Table` (see `registry.py`) registered in one of the modules below, in the order the report
shows them:

- `stays.py`        the stay table, citizens across sectors, occupancy, stays per month, nights by age and
                    gender, requests, færdigbehandling
- `house_rules.py`  the rules in force, and the waiting list, goals and follow-up where the rules use them
- `contracts.py`    brugerstyrede kontrakter and their holders (left out where nobody is admitted under one)
- `outcomes.py`     admissions before and after a contract (the mirror image), outcome questionnaires
- `activities.py`   the activity tables from `activities.selectors`
- `compliance.py`   did the house keep its rules (shown first, after the rules in force)
- `data_quality.py` where the figures are thin, made from the other tables (`from_tables`; registered last)

To add a table, write a builder `table_<name>(*, house, period) -> dict | None` that returns JSON-ready raw
figures (normally `{sector: {...}}`, partitions as `{"counts": {...}, "total": n}` via `partition()`), and
register it next to the builder:

    register(Table(key="waiting_list", title=_("..."), explanation=_("..."), footnote=_("..."), sheet=_("..."),
                   build=table_waiting_list, relations=partition_relations, flow=lambda path: True))

and, for a new module, add it to `MODULES` below (the report shows tables in registration order).
What to declare with it, so that suppression (`reporting.disclosure`) can protect it:
- `relations(key, data)`: every linear identity between its figures, and with figures of other tables
  (`Relation(total=path, parts=(path, ...))`, `same(a, b)`); `partition_relations` covers its partitions.
  A path is the full report path: ("stays", "kommune", "nights"). Declare a relation even where it only
  holds for some houses (one contract per citizen): relations the raw figures do not obey are left out.
- `derived(key, data)`: ratios, percents and averages (`Derived(path, inputs)`), hidden with their inputs.
- `flow(path)`: True for figures that add up over periods (events in the period), so the audit can tie a
  year to its quarters; False (default) for stocks and distinct counts.
- `not_counts`: leaf keys that are not counts of people (money, hours, calendar counts): never suppressed.
Every other int leaf is a count of people or their stays and gets the small-number rule. The renderers
(`report_layout`, `report_files`) take `title`, `explanation`, `footnote` and `sheet` from the same entry.
"""

import importlib

from reporting.tables.periods import Period, period_for, previous_quarter
from reporting.tables.registry import TABLES, Derived, Path, Relation, Table, register, table_for

# Imported in this order, so the tables register (and the report shows them) in this order.
MODULES = ("compliance", "stays", "house_rules", "contracts", "outcomes", "activities", "data_quality")
for _module in MODULES:
    importlib.import_module(f"reporting.tables.{_module}")

__all__ = ["TABLES", "Derived", "Path", "Period", "Relation", "Table", "period_for", "previous_quarter", "register",
           "table_for"]
