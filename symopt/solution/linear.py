"""Map a `solve_lp` result back to the user's names: a `Solution` for an LP or a MILP.

Values, duals and reduced costs are copied in the LP's own sense (they already are
derivatives of the objective in that sense, see `symopt.solution.types`); ranges become
`Range` objects whose entering/leaving indices are turned into names; basis statuses
become words. A degenerate optimal basis and alternative optima are flagged and
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
from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.solution.infeasibility import explain_infeasibility
from symopt.solution.types import (
    ConstraintResult, MipInfo, Range, Solution, VariableResult, identify,
)

__all__ = ["from_linear_program", "STATUS_BY_CODE", "BASIS_WORDS"]

STATUS_BY_CODE = {0: "optimal", 1: "iteration_limit", 2: "infeasible", 3: "unbounded",
                  4: "numerical"}
BASIS_WORDS = {BasisStatus.BASIC: "basic", BasisStatus.AT_LOWER: "at lower",
               BasisStatus.AT_UPPER: "at upper", BasisStatus.ZERO: "free"}
INFINITY = 1e20
TOL = 1e-9


def clean(values: Any, size: int) -> np.ndarray:
    """A float array with solver infinities (|v| >= 1e20) as numpy infinities."""
    if values is None:
        return np.full(size, np.nan)
    array = np.asarray(values, dtype=float).copy()
    array[array >= INFINITY] = np.inf
    array[array <= -INFINITY] = -np.inf
    return array


def change_name(lp: LinearProgram, index: Any) -> str | None:
    """Entering/leaving index (columns, then row slacks) as a name; None for -1."""
    k = int(index)
    if k < 0:
        return None
    return lp.col_names[k] if k < lp.num_cols else f"slack of {lp.row_names[k - lp.num_cols]}"


def objective_at(fun: float, slope: float, current: float, end: float) -> float | None:
    """The objective when a number moves from ``current`` to ``end`` with constant ``slope``."""
    if not np.isfinite(end):
        return None if abs(slope) > TOL else float(fun)
    return float(fun + slope * (end - current))


def basis_words(statuses: Any, size: int) -> list[str | None]:
    if statuses is None:
        return [None] * size
    return [BASIS_WORDS.get(BasisStatus(int(s))) for s in statuses]


def cost_ranges(lp: LinearProgram, sens: Any, x: np.ndarray, fun: float) -> list[Range | None]:
    if sens is None:
        return [None] * lp.num_cols
    lower, upper = clean(sens.cost_lower, lp.num_cols), clean(sens.cost_upper, lp.num_cols)
    return [Range(current=float(lp.c[j]), lower=float(lower[j]), upper=float(upper[j]),
                  objective_at_lower=objective_at(fun, x[j], lp.c[j], lower[j]),
                  objective_at_upper=objective_at(fun, x[j], lp.c[j], upper[j]),
                  change_at_lower=change_name(lp, sens.cost_lower_change[j]),
                  change_at_upper=change_name(lp, sens.cost_upper_change[j]))
            for j in range(lp.num_cols)]


def rhs_ranges(lp: LinearProgram, sens: Any, duals: np.ndarray, fun: float) -> list[Range | None]:
    if sens is None:
        return [None] * lp.num_rows
    m = lp.num_rows
    value, lower, upper = (clean(sens.rhs_value, m), clean(sens.rhs_lower, m),
                           clean(sens.rhs_upper, m))
    return [Range(current=float(value[i]), lower=float(lower[i]), upper=float(upper[i]),
                  objective_at_lower=objective_at(fun, duals[i], value[i], lower[i]),
                  objective_at_upper=objective_at(fun, duals[i], value[i], upper[i]),
                  change_at_lower=change_name(lp, sens.rhs_lower_change[i]),
                  change_at_upper=change_name(lp, sens.rhs_upper_change[i]))
            for i in range(m)]


def slack_of(body: float, lower: float, upper: float) -> float:
    """Distance from ``body`` to the nearest finite bound (inf for a free row)."""
    gaps = [g for g, bound in ((upper - body, upper), (body - lower, lower)) if np.isfinite(bound)]
    return float(min(gaps)) if gaps else float("inf")


def at_bound(value: float, lower: float, upper: float) -> bool:
    scale = 1e-9 * max(1.0, abs(value))
    return bool(abs(value - lower) <= scale or abs(value - upper) <= scale)


def variables_of(lp: LinearProgram, result: Any, x: np.ndarray, fun: float) -> list[VariableResult]:
    n = lp.num_cols
    reduced = clean(result.get("col_dual"), n)
    words = basis_words(result.get("col_basis"), n)
    ranges = cost_ranges(lp, result.get("sensitivity"), x, fun)
    integer = (np.zeros(n, bool) if lp.integrality is None
               else np.asarray(lp.integrality).astype(bool))
    out = []
    columns = lp.columns or (None,) * n
    for j in range(n):
        component, index = identify(columns[j], lp.col_names[j])
        out.append(VariableResult(
            name=lp.col_names[j], component=component, index=index, value=float(x[j]),
            lower=float(lp.col_lower[j]), upper=float(lp.col_upper[j]),
            is_integer=bool(integer[j]),
            reduced_cost=None if np.isnan(reduced[j]) else float(reduced[j]),
            basis=words[j], cost=float(lp.c[j]), cost_range=ranges[j], of=columns[j]))
    return out


def constraints_of(lp: LinearProgram, result: Any, x: np.ndarray, fun: float) -> list[ConstraintResult]:
    m = lp.num_rows
    activity = result.get("row_activity")
    body = np.asarray(activity, float) if activity is not None else lp.A @ x
    duals = clean(result.get("row_dual"), m)
    words = basis_words(result.get("row_basis"), m)
    ranges = rhs_ranges(lp, result.get("sensitivity"), np.nan_to_num(duals), fun)
    out = []
    rows = lp.rows or (None,) * m
    for i in range(m):
        component, index = identify(rows[i], lp.row_names[i])
        out.append(ConstraintResult(
            name=lp.row_names[i], component=component, index=index, body=float(body[i]),
            lower=float(lp.row_lower[i]), upper=float(lp.row_upper[i]),
            slack=slack_of(body[i], lp.row_lower[i], lp.row_upper[i]),
            dual=None if np.isnan(duals[i]) else float(duals[i]),
            basis=words[i], rhs_range=ranges[i], of=rows[i]))
    return out


def degenerate_names(solution: Solution) -> list[str]:
    """Basic variables and basic row slacks that sit on a bound."""
    names = [v.name for v in solution.variables
             if v.basis == "basic" and at_bound(v.value, v.lower, v.upper)]
    names += [c.name for c in solution.constraints if c.basis == "basic" and c.binding]
    return names


def alternative_optima_names(solution: Solution) -> list[str]:
    """Nonbasic variables or rows that could move at zero cost (zero reduced cost / dual)."""
    names = [v.name for v in solution.variables
             if v.basis not in (None, "basic") and v.reduced_cost is not None
             and abs(v.reduced_cost) <= TOL and v.lower < v.upper]
    names += [c.name for c in solution.constraints
              if c.basis not in (None, "basic") and c.dual is not None
              and abs(c.dual) <= TOL and c.lower < c.upper]
    return names


def flag_basis(solution: Solution) -> None:
    """Set the degenerate / alternative-optima flags and explain them in words."""
    degenerate = degenerate_names(solution)
    if degenerate:
        solution.degenerate = True
        solution.warnings.append(
            "The optimal basis is degenerate (basic at a bound: " + ", ".join(degenerate[:5])
            + ("..." if len(degenerate) > 5 else "") + "): the shadow prices are not unique "
            "and some ranges are one-sided (an allowable change of zero on one side).")
    alternatives = alternative_optima_names(solution)
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
    status = STATUS_BY_CODE.get(int(result.status), "failed")
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
    if not np.isnan(x).all():
        solution.variables = variables_of(lp, sensitivity_result, x, fun or 0.0)
        solution.constraints = constraints_of(lp, sensitivity_result, x, fun or 0.0)
    else:
        solution.variables = variables_of(lp, {}, np.full(n, np.nan), 0.0)
        solution.constraints = constraints_of(lp, {"row_activity": np.full(lp.num_rows, np.nan)},
                                              x, 0.0)
    if status == "optimal":
        flag_basis(solution)
    elif status == "infeasible":
        solution.infeasibility = explain_infeasibility(lp, diagnosis)
    elif status == "unbounded":
        ray = result.get("ray")
        ray = np.asarray(ray, float) if ray is not None else diagnosis.ray
        if ray is not None:
            solution.unbounded_ray = {lp.col_names[j]: float(ray[j])
                                      for j in np.flatnonzero(np.abs(ray) > 1e-12)}
    return solution
