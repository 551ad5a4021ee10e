"""Map a `solve_lp` result back to the user's names: a `Solution` for an LP or a MILP.

Values, duals and reduced costs are kept in the LP's own sense (they already are
derivatives of the objective in that sense, see `symopt.solution.types`) as arrays
(`symopt.solution.lp_arrays.LPArrays`); the per-variable records, whose ranges are `Range`
objects with the entering/leaving indices turned into names and whose basis statuses are
words, are built from them when first read. A degenerate optimal basis and alternative optima are flagged and
explained. No LP is solved here: the extra solves (a MILP's sensitivity from the LP with
its integers fixed, the IIS with its Farkas certificate, an unbounded ray) are the
optimize stage's `symopt.optimize.diagnose_lp`, whose `LPDiagnosis` is put into words.

>>> import numpy as np
>>> from symopt.optimize.result import OptimizeResult
>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[1.0], A=[[1.0]], row_lower=[2.0],
...                                col_names=("x[1]",), row_names=("need",))
>>> result = OptimizeResult(x=np.array([2.0]), fun=2.0, status=0, success=True,
...     message="optimal", nit=1, row_dual=np.array([1.0]), col_dual=np.array([0.0]))
>>> solution = from_linear_program(lp, result)
>>> solution.variable("x[1]").component, solution.variable("x[1]").index
('x[1]', ())
>>> solution.constraint("need").dual, solution.constraint("need").binding
(1.0, True)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from symopt.optimize._linear.diagnosis import LPDiagnosis
from symopt.optimize.linear_program import LinearProgram
from symopt.solution.infeasibility import explain_infeasibility
from symopt.solution.lp_arrays import BASIS_WORDS, LazyList, LPArrays, RangeArrays, basis_codes
from symopt.solution.optimality import lp_failures
from symopt.status import LINPROG, Status, status_from
from symopt.solution.types import MipInfo, Solution

__all__ = ["from_linear_program", "BASIS_WORDS"]

INFINITY = 1e20


def clean(values: Any, size: int) -> np.ndarray:
    """A float array with solver infinities (|v| >= 1e20) as numpy infinities."""
    if values is None:
        return np.full(size, np.nan)
    array = np.asarray(values, dtype=float).copy()
    array[array >= INFINITY] = np.inf
    array[array <= -INFINITY] = -np.inf
    return array


def lp_arrays(lp: LinearProgram, result: Any, x: np.ndarray, fun: float) -> LPArrays:
    """The arrays of `LPArrays` from a `solve_lp` result (``x`` all NaN: no point)."""
    n, m = lp.num_cols, lp.num_rows
    activity = result.get("row_activity")
    body = np.asarray(activity, float) if activity is not None else lp.A @ x
    duals = clean(result.get("row_dual"), m)
    sens = result.get("sensitivity")
    cost = rhs = None
    if sens is not None:
        cost = RangeArrays.of(np.asarray(lp.c, dtype=float), clean(sens.cost_lower, n),
                              clean(sens.cost_upper, n), np.asarray(x, dtype=float), fun,
                              sens.cost_lower_change, sens.cost_upper_change)
        rhs = RangeArrays.of(clean(sens.rhs_value, m), clean(sens.rhs_lower, m),
                             clean(sens.rhs_upper, m), np.nan_to_num(duals), fun,
                             sens.rhs_lower_change, sens.rhs_upper_change)
    return LPArrays(lp=lp, x=np.asarray(x, dtype=float), reduced=clean(result.get("col_dual"), n),
                    col_basis=basis_codes(result.get("col_basis"), n), body=body, duals=duals,
                    row_basis=basis_codes(result.get("row_basis"), m), cost_ranges=cost,
                    rhs_ranges=rhs)


def flag_basis(solution: Solution, arrays: LPArrays) -> None:
    """Set the degenerate / alternative-optima flags and explain them in words."""
    degenerate = arrays.degenerate_names()
    if degenerate:
        solution.degenerate = True
        solution.warnings.append(
            "The optimal basis is degenerate (basic at a bound: " + ", ".join(degenerate[:5])
            + ("..." if len(degenerate) > 5 else "") + "): the shadow prices are not unique "
            "and some ranges are one-sided (an allowable change of zero on one side).")
    alternatives = arrays.alternative_optima_names()
    if alternatives:
        solution.alternative_optima = True
        solution.warnings.append(
            "Alternative optima may exist: " + ", ".join(alternatives[:5])
            + ("..." if len(alternatives) > 5 else "") + " is nonbasic with a zero reduced "
            "cost, so it can move without changing the objective"
            + (" (unless the degenerate basis blocks the move)." if degenerate else "."))


def mip_info(result: Any, fun: float) -> MipInfo:
    bound = result.get("mip_dual_bound")
    gap = result.get("mip_gap")
    return MipInfo(incumbent=fun, bound=float(fun if bound is None else bound),
                   gap=float(0.0 if gap is None else gap),
                   nodes=int(result.get("mip_node_count") or 0))


def from_linear_program(lp: LinearProgram, result: Any, plan: Any = None,
                        diagnosis: LPDiagnosis | None = None) -> Solution:
    """The `Solution` of ``lp`` from a `solve_lp` result, in words.

    Parameters
    ----------
    lp : LinearProgram
        The problem that was solved (its column and row objects become the results' ``of``).
    result : OptimizeResult
        What `symopt.optimize.solve_lp` returned for ``lp``.
    plan : object, optional
        The routing plan; kept as ``Solution.route``.
    diagnosis : LPDiagnosis, optional
        What `symopt.optimize.diagnose_lp` found for ``result``: the MILP sensitivity, the
        IIS with its Farkas certificate, a ray. Without it those parts stay empty.

    Examples
    --------
    See the module docstring.
    """
    diagnosis = diagnosis or LPDiagnosis()
    status = status_from(LINPROG, result.status)
    n = lp.num_cols
    x = clean(result.get("x"), n) if result.get("x") is not None else np.full(n, np.nan)
    has_point = result.get("fun") is not None and not np.isnan(x).any()
    # a MILP stopped by a limit keeps its incumbent (a feasible point) with its objective
    kept = status == "optimal" or (status == "iteration_limit" and lp.is_mip)
    fun = float(result.fun) if has_point and kept else None
    solution = Solution(
        model_name=lp.name, problem_class="MILP" if lp.is_mip else "LP", status=status,
        success=bool(result.get("success", status == "optimal")),
        message=str(result.get("message", "")), solver="symopt.optimize.solve_lp",
        method=str(result.get("method") or getattr(plan, "method", "") or ""),
        objective=fun, objective_name=lp.objective_name, sense=lp.sense, route=plan,
        iterations=None if result.get("nit") is None else int(result.nit),
        sizes={"variables": n, "constraints": lp.num_rows, "nonzeros": lp.A.nnz,
               "integer variables": int(np.sum(lp.integrality)) if lp.is_mip else 0},
        raw=result, problem=lp)
    sensitivity_result = result
    if lp.is_mip and fun is not None:
        solution.mip = mip_info(result, fun)
        sensitivity_result = diagnosis.sensitivity or result
    if np.isnan(x).all():
        arrays = lp_arrays(lp, {"row_activity": np.full(lp.num_rows, np.nan)},
                           np.full(n, np.nan), 0.0)
    else:
        arrays = lp_arrays(lp, sensitivity_result, x, fun or 0.0)
    solution.variables = LazyList(arrays.variables, origin=arrays)
    solution.constraints = LazyList(arrays.constraints, origin=arrays)
    if status == "optimal":
        failures = lp_failures(lp, x, arrays.body,
                               None if lp.is_mip else result.get("row_dual"),
                               None if lp.is_mip else result.get("col_dual"))
        if failures:
            solution.status, solution.success = Status.INACCURATE, False
            solution.warnings.append("not optimal at the returned point: " + "; ".join(failures))
        else:
            flag_basis(solution, arrays)
    elif status == "infeasible":
        solution.infeasibility = explain_infeasibility(lp, diagnosis)
    elif status == "unbounded":
        ray = result.get("ray")
        ray = np.asarray(ray, float) if ray is not None else diagnosis.ray
        if ray is not None:
            solution.unbounded_ray = {lp.col_names[j]: float(ray[j])
                                      for j in np.flatnonzero(np.abs(ray) > 1e-12)}
    return solution
