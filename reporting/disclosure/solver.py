"""The linear system's parts (unknowns with bounds, equality rows) and the HiGHS calls that bound one unknown:
its smallest and largest value (linear program), and the whole values in between that fit (mixed-integer
feasibility). Only numbers in and out: what the unknowns mean is `reporting.disclosure.audit`'s."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from reporting.tables.registry import Path


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
