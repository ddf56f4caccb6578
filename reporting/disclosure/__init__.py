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

By concern: `publication` (what is published: `Publication`, `Interval`, the markers), `relations` (a
report's tables as cells and relations), `audit` (the linear system and the intervals), `solver` (the
HiGHS calls), `suppression` (choosing what to hide, and writing the markers). Import from here.
"""

from reporting.disclosure.audit import audit, required_values
from reporting.disclosure.publication import COMPLEMENTARY, EPS, PRIMARY, DisclosureError, Interval, Publication
from reporting.disclosure.relations import relations_renewed, report_model
from reporting.disclosure.solver import WHOLE_LIMIT
from reporting.disclosure.suppression import disclose, report_suppress, suppress_publication, withhold

__all__ = [
    "COMPLEMENTARY", "EPS", "PRIMARY", "WHOLE_LIMIT", "DisclosureError", "Interval", "Publication", "audit",
    "disclose", "relations_renewed", "report_model", "report_suppress", "required_values", "suppress_publication",
    "withhold",
]
