"""Crossover: from an interior-point optimum to an optimal basis, duals and ranging.

An interior-point solution is (nearly) strictly complementary: a column strictly
between its bounds with a tiny reduced cost belongs in the basis, one at a bound with
a large reduced cost does not. `identify_basis` ranks every column and row slack by
``distance to its nearest bound / (that distance + |reduced cost|)`` and declares the
``m`` best ranked basic, the others nonbasic at their nearest bound. The simplex method
then starts from that basis (`solve_simplex(lp, basis=...)` completes a singular guess
with slacks) and needs only the few pivots that the guess got wrong; its result carries
the basis statuses, exact duals and the sensitivity ranges. If the simplex cannot
finish within its budget (three times the interior-point time, at least a second, and
within ``time_limit``) or runs into trouble, the interior-point result is kept as it was.

>>> from symopt.optimize.linear_program import LinearProgram
>>> from symopt.optimize._linear.interior_point import solve_interior_point
>>> lp = LinearProgram.from_arrays(c=[-1, -2], A=[[1, 1], [1, 3]], row_upper=[4, 6])
>>> res = solve_interior_point(lp)
>>> res.col_basis.tolist(), res.row_dual.tolist()
([0, 0], [-0.5, -0.5])
"""
from __future__ import annotations

import numpy as np

from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.optimize.result import OptimizeResult

__all__ = ["crossover", "identify_basis"]


def identify_basis(lp: LinearProgram, x: np.ndarray, col_dual: np.ndarray,
                   row_dual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A basis guess ``(col_basis, row_basis)`` from an interior-point solution."""
    m, n = lp.A.shape
    values = np.concatenate([x, lp.A @ x])
    lower = np.concatenate([lp.col_lower, lp.row_lower])
    upper = np.concatenate([lp.col_upper, lp.row_upper])
    duals = np.abs(np.concatenate([col_dual, row_dual]))
    to_lower, to_upper = values - lower, upper - values
    distance = np.minimum(to_lower, to_upper)
    scale = 1.0 + np.abs(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = distance / (distance + duals + 1e-12 * scale)
    score = np.where(np.isfinite(score), score, 1.0)   # free at any value: basic first
    status = np.where(to_lower <= to_upper, int(BasisStatus.AT_LOWER),
                      int(BasisStatus.AT_UPPER))
    free = np.isinf(lower) & np.isinf(upper)
    status[free] = int(BasisStatus.ZERO)
    # slacks lose ties against columns, so a singular guess is repaired with slacks
    order = np.lexsort((np.arange(n + m) >= n, -score))
    status[order[:m]] = int(BasisStatus.BASIC)
    return status[:n].astype(np.int64), status[n:].astype(np.int64)


def crossover(lp: LinearProgram, result: OptimizeResult, options: dict | None = None
              ) -> OptimizeResult:
    """Turn an optimal interior-point ``result`` of ``lp`` into a basic optimal one."""
    from symopt.optimize._linear.simplex import solve_simplex
    options = options or {}
    basis = identify_basis(lp, result.x, result.col_dual, result.row_dual)
    budget = max(1.0, 3.0 * float(options.get("ipm_seconds", 1.0)))
    if options.get("time_limit") is not None:
        budget = min(budget, float(options["time_limit"]))
    simplex_options = {"sensitivity": bool(options.get("sensitivity", True)),
                       "time_limit": budget}
    try:
        basic = solve_simplex(lp, options=simplex_options, basis=basis)
    except (np.linalg.LinAlgError, ValueError, MemoryError) as exc:
        return _keep(result, f"crossover failed ({exc}); interior-point solution kept")
    if basic.status != 0:
        return _keep(result, f"crossover stopped ({basic.message}); interior-point "
                             "solution kept")
    out = OptimizeResult(basic)
    out.nit = int(result.nit)
    out.crossover_nit = int(basic.nit)
    out.message = "optimal (interior point, then crossover to an optimal basis)"
    out.method = "interior-point"
    return out


def _keep(result: OptimizeResult, note: str) -> OptimizeResult:
    out = OptimizeResult(result)
    out.message = f"{result.message}; {note}"
    return out
