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
from symopt.solution.optimality import lp_failures
from symopt.status import LINPROG, Status, status_from
from symopt.solution.types import (
    ConstraintResult, MipInfo, Range, Solution, VariableResult, identify, slack_of,
)

__all__ = ["from_linear_program", "BASIS_WORDS"]

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


def _change_names(lp: LinearProgram, indices: Any) -> list[str | None]:
    """`change_name` of many indices (the names are read once, not per index)."""
    n = lp.num_cols
    cols, rows = list(lp.col_names), list(lp.row_names)
    return [None if k < 0 else cols[k] if k < n else f"slack of {rows[k - n]}"
            for k in np.asarray(indices, dtype=np.int64).tolist()]


def objective_at(fun: float, slope: float, current: float, end: float) -> float | None:
    """The objective when a number moves from ``current`` to ``end`` with constant ``slope``."""
    if not np.isfinite(end):
        return None if abs(slope) > TOL else float(fun)
    return float(fun + slope * (end - current))


def _objectives_at(fun: float, slope: np.ndarray, current: np.ndarray,
                   end: np.ndarray) -> list[float | None]:
    """`objective_at` over arrays, one Python value per entry."""
    with np.errstate(invalid="ignore"):
        moved = fun + slope * (end - current)
    finite = np.isfinite(end)
    flat = ~(np.abs(slope) > TOL)
    return [float(v) if ok else (float(fun) if still else None)
            for v, ok, still in zip(moved.tolist(), finite.tolist(), flat.tolist())]


_WORD_OF_CODE = {int(status): word for status, word in BASIS_WORDS.items()}


def basis_words(statuses: Any, size: int) -> list[str | None]:
    if statuses is None:
        return [None] * size
    for code in set(np.asarray(statuses, dtype=np.int64).tolist()):
        BasisStatus(code)                       # an unknown status code is an error
    return [_WORD_OF_CODE.get(s) for s in np.asarray(statuses, dtype=np.int64).tolist()]


def _ranges(current: np.ndarray, lower: np.ndarray, upper: np.ndarray, slope: np.ndarray,
            fun: float, lp: LinearProgram, lower_change: Any, upper_change: Any) -> list[Range]:
    at_lower = _objectives_at(fun, slope, current, lower)
    at_upper = _objectives_at(fun, slope, current, upper)
    enter_lower = _change_names(lp, lower_change)
    enter_upper = _change_names(lp, upper_change)
    return [Range(current=c, lower=lo, upper=hi, objective_at_lower=a, objective_at_upper=b,
                  change_at_lower=el, change_at_upper=eu)
            for c, lo, hi, a, b, el, eu in zip(current.tolist(), lower.tolist(), upper.tolist(),
                                               at_lower, at_upper, enter_lower, enter_upper)]


def cost_ranges(lp: LinearProgram, sens: Any, x: np.ndarray, fun: float) -> list[Range | None]:
    if sens is None:
        return [None] * lp.num_cols
    lower, upper = clean(sens.cost_lower, lp.num_cols), clean(sens.cost_upper, lp.num_cols)
    return _ranges(np.asarray(lp.c, dtype=float), lower, upper, np.asarray(x, dtype=float),
                   fun, lp, sens.cost_lower_change, sens.cost_upper_change)


def rhs_ranges(lp: LinearProgram, sens: Any, duals: np.ndarray, fun: float) -> list[Range | None]:
    if sens is None:
        return [None] * lp.num_rows
    m = lp.num_rows
    value, lower, upper = (clean(sens.rhs_value, m), clean(sens.rhs_lower, m),
                           clean(sens.rhs_upper, m))
    return _ranges(value, lower, upper, np.asarray(duals, dtype=float), fun, lp,
                   sens.rhs_lower_change, sens.rhs_upper_change)


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
    names = list(lp.col_names)
    values, lowers, uppers = (np.asarray(a, dtype=float).tolist()
                              for a in (x, lp.col_lower, lp.col_upper))
    costs, integers, reduced_list = lp.c.tolist(), integer.tolist(), reduced.tolist()
    for j in range(n):
        name = names[j]
        component, index = identify(columns[j], name)
        r = reduced_list[j]
        out.append(VariableResult(
            name=name, component=component, index=index, value=values[j],
            lower=lowers[j], upper=uppers[j], is_integer=integers[j],
            reduced_cost=None if r != r else r,
            basis=words[j], cost=costs[j], cost_range=ranges[j], of=columns[j]))
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
    names = list(lp.row_names)
    bodies, lowers, uppers, dual_list = (np.asarray(a, dtype=float).tolist()
                                         for a in (body, lp.row_lower, lp.row_upper, duals))
    for i in range(m):
        name = names[i]
        component, index = identify(rows[i], name)
        d = dual_list[i]
        out.append(ConstraintResult(
            name=name, component=component, index=index, body=bodies[i],
            lower=lowers[i], upper=uppers[i], slack=slack_of(bodies[i], lowers[i], uppers[i]),
            dual=None if d != d else d, basis=words[i], rhs_range=ranges[i], of=rows[i]))
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
    if not np.isnan(x).all():
        solution.variables = variables_of(lp, sensitivity_result, x, fun or 0.0)
        solution.constraints = constraints_of(lp, sensitivity_result, x, fun or 0.0)
    else:
        solution.variables = variables_of(lp, {}, np.full(n, np.nan), 0.0)
        solution.constraints = constraints_of(lp, {"row_activity": np.full(lp.num_rows, np.nan)},
                                              x, 0.0)
    if status == "optimal":
        failures = lp_failures(lp, x, np.array([c.body for c in solution.constraints]),
                               None if lp.is_mip else result.get("row_dual"),
                               None if lp.is_mip else result.get("col_dual"))
        if failures:
            solution.status, solution.success = Status.INACCURATE, False
            solution.warnings.append("not optimal at the returned point: " + "; ".join(failures))
        else:
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
