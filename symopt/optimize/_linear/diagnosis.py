"""The extra LP solves that explain an LP result: MILP sensitivity, IIS and Farkas, a ray.

`diagnose_lp` runs them after `solve_lp` and returns numbers and indices only
(`LPDiagnosis`); `symopt.solution.linear` words them. They belong to the optimize stage:
the map-back stage never solves.

* an optimal MILP: the LP with every integer column fixed at its optimal value, whose
  duals, reduced costs and ranges are the MILP's sensitivity (one LP solve);
* an infeasible LP: an irreducible infeasible subset and a Farkas certificate over it
  (a deletion filter, up to one LP solve per row and column, at most ``time_limit`` s);
* an unbounded LP without a ray from the solver: an improving recession direction.

>>> import numpy as np
>>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 1]],
...     row_lower=[-np.inf, 5], row_upper=[3, np.inf])
>>> from symopt.optimize._linprog import solve_lp
>>> diagnosis = diagnose_lp(lp, solve_lp(lp))
>>> diagnosis.iis_rows, diagnosis.iis_complete, diagnosis.farkas.tolist()
((0, 1), True, [-1.0, 1.0])
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from symopt.optimize._linear.infeasibility import (
    SolveLP, default_solve, farkas_certificate, find_iis, find_unbounded_ray,
)
from symopt.optimize.linear_program import LinearProgram

__all__ = ["LPDiagnosis", "diagnose_lp", "fixed_integer_problem"]


@dataclass(frozen=True, eq=False)
class LPDiagnosis:
    """What the extra solves found; every part is absent when it does not apply."""

    sensitivity: Any = None                 # the fixed-integer LP's result (optimal MILP)
    iis_rows: tuple[int, ...] = ()          # rows of an irreducible infeasible subset
    iis_cols: tuple[int, ...] = ()          # columns whose bounds belong to it
    iis_complete: bool = True               # False: the filter ran out of time
    farkas: np.ndarray | None = None        # row multipliers proving the subset infeasible
    ray: np.ndarray | None = None           # an improving direction of an unbounded LP
    time_limit: float = 60.0


def fixed_integer_problem(lp: LinearProgram, x: np.ndarray) -> LinearProgram:
    """The LP of ``lp`` with every integer column fixed at its (rounded) value in ``x``."""
    integer = np.asarray(lp.integrality).astype(bool)
    fixed = np.round(x)
    return replace(lp, integrality=None,
                   col_lower=np.where(integer, fixed, lp.col_lower),
                   col_upper=np.where(integer, fixed, lp.col_upper))


def diagnose_lp(lp: LinearProgram, result: Any, solve: SolveLP | None = None,
                infeasibility: bool = True, time_limit: float = 60.0) -> LPDiagnosis:
    """The extra solves ``result`` (from `solve_lp` on ``lp``) calls for.

    Parameters
    ----------
    lp : LinearProgram
        The problem that was solved.
    result : OptimizeResult
        What `solve_lp` returned for it (status 0 optimal, 2 infeasible, 3 unbounded).
    solve : callable, optional
        The LP solver for the extra solves; defaults to `solve_lp`.
    infeasibility : bool, default True
        Compute the IIS and Farkas certificate of an infeasible LP; False skips this
        deletion filter (the MILP sensitivity solve and an unbounded LP's ray still run).
    time_limit : float, default 60
        Seconds for the IIS deletion filter.
    """
    solve = solve or default_solve
    status = int(result.status)
    if status == 0 and lp.is_mip and result.get("fixed_integer_duals"):
        return LPDiagnosis(sensitivity=result)    # the engine already fixed and re-solved
    if status == 0 and lp.is_mip and result.get("x") is not None:
        fixed = solve(fixed_integer_problem(lp, np.asarray(result.x, dtype=float)))
        return LPDiagnosis(sensitivity=fixed if int(fixed.status) == 0 else None)
    if status == 3 and result.get("ray") is None:
        return LPDiagnosis(ray=find_unbounded_ray(lp, solve))
    if status == 2 and infeasibility:
        return _infeasible(lp, solve, time_limit)
    return LPDiagnosis()


def _infeasible(lp: LinearProgram, solve: SolveLP, time_limit: float) -> LPDiagnosis:
    rows, cols, complete = find_iis(lp, solve, time_limit)
    if not rows and not cols:
        return LPDiagnosis(time_limit=time_limit)
    row_mask = np.zeros(lp.num_rows, bool)
    row_mask[rows] = True
    col_mask = np.zeros(lp.num_cols, bool)
    col_mask[cols] = True
    return LPDiagnosis(iis_rows=tuple(rows), iis_cols=tuple(cols), iis_complete=complete,
                       farkas=farkas_certificate(lp, row_mask, col_mask, solve),
                       time_limit=time_limit)
