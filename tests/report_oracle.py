"""Test helpers for the report tests: a `solve_lp` stand-in built on scipy's HiGHS, and
the textbook LPs the report tests share.

``scipy_solve_lp(lp)`` returns what the design's `solve_lp` contract specifies (x, fun,
status, row_activity, row_dual, col_dual and, when the optimum is nondegenerate, a basis
and its sensitivity ranges via symopt's own ranging module). scipy is the oracle: it
is imported only here, in tests.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy.optimize import linprog

from conftest import load_netlib_npz
from symopt.optimize import diagnose_lp
from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.optimize.result import OptimizeResult
from symopt.solution.infeasibility import explain_infeasibility
from symopt.solution.linear import from_linear_program


def native_solve_lp():
    """symopt's own `solve_lp`, or None while it does not exist yet."""
    try:
        from symopt.optimize import solve_lp
    except (ImportError, AttributeError):
        return None
    return solve_lp


def scipy_arrays(lp: LinearProgram):
    dense = lp.A.toarray()
    equal = lp.row_lower == lp.row_upper
    upper = np.isfinite(lp.row_upper) & ~equal
    lower = np.isfinite(lp.row_lower) & ~equal
    A_ub = np.vstack([dense[upper], -dense[lower]])
    b_ub = np.concatenate([lp.row_upper[upper], -lp.row_lower[lower]])
    bounds = [(None if not np.isfinite(lo) else lo, None if not np.isfinite(hi) else hi)
              for lo, hi in zip(lp.col_lower, lp.col_upper)]
    return dense, equal, upper, lower, A_ub, b_ub, bounds


def infer_basis(lp: LinearProgram, x: np.ndarray, activity: np.ndarray, tol: float = 1e-9):
    def status(value, lower, upper):
        if np.isfinite(lower) and abs(value - lower) <= tol * max(1, abs(value)):
            return BasisStatus.AT_LOWER
        if np.isfinite(upper) and abs(value - upper) <= tol * max(1, abs(value)):
            return BasisStatus.AT_UPPER
        return BasisStatus.BASIC
    cols = np.array([status(*t) for t in zip(x, lp.col_lower, lp.col_upper)], int)
    rows = np.array([status(*t) for t in zip(activity, lp.row_lower, lp.row_upper)], int)
    return cols, rows


def scipy_solve_lp(lp: LinearProgram) -> OptimizeResult:
    """Solve ``lp`` with scipy HiGHS and answer in solve_lp's contract."""
    dense, equal, upper, lower, A_ub, b_ub, bounds = scipy_arrays(lp)
    sign = 1.0 if lp.sense == "min" else -1.0
    res = linprog(sign * lp.c, A_ub=A_ub if A_ub.size else None, b_ub=b_ub if A_ub.size else None,
                  A_eq=dense[equal] if equal.any() else None,
                  b_eq=lp.row_lower[equal] if equal.any() else None, bounds=bounds,
                  method="highs", integrality=lp.integrality)
    out = OptimizeResult(status=res.status, success=res.status == 0, message=res.message,
                         nit=getattr(res, "nit", 0), method="highs (scipy oracle)")
    if res.status != 0 or res.x is None:
        out.update(x=None, fun=None)
        return out
    x = np.asarray(res.x, float)
    out.update(x=x, fun=float(lp.c @ x + lp.offset), row_activity=dense @ x)
    if lp.is_mip:
        out.update(mip_gap=getattr(res, "mip_gap", 0.0), mip_dual_bound=sign * res.mip_dual_bound,
                   mip_node_count=res.mip_node_count)
        return out
    row_dual = np.zeros(lp.num_rows)
    n_upper = int(upper.sum())
    row_dual[upper] += res.ineqlin.marginals[:n_upper]
    row_dual[lower] -= res.ineqlin.marginals[n_upper:]
    if equal.any():
        row_dual[equal] = res.eqlin.marginals
    col_dual = res.lower.marginals + res.upper.marginals
    out.update(row_dual=sign * row_dual, col_dual=sign * col_dual)
    col_basis, row_basis = infer_basis(lp, x, out.row_activity)
    if (col_basis == 0).sum() + (row_basis == 0).sum() == lp.num_rows:
        from symopt.optimize._linear.ranging import compute_sensitivity
        try:
            sensitivity = compute_sensitivity(lp, col_basis, row_basis, x)
        except np.linalg.LinAlgError:  # the inferred basis is singular: no ranging
            return out
        out.update(col_basis=col_basis, row_basis=row_basis, sensitivity=sensitivity)
    return out


def solvers():
    """The LP solvers the report tests run with: scipy's oracle, and symopt's own if present."""
    found = [("scipy-highs", scipy_solve_lp)]
    native = native_solve_lp()
    if native is not None:
        found.append(("symopt", lambda lp: native(lp)))
    return found


def map_back(lp: LinearProgram, result: OptimizeResult, solve, diagnose: bool = True):
    """The optimize stage's extra solves (`diagnose_lp`) with ``solve``, then the map-back:
    what `symopt.dispatch` runs after `solve_lp`."""
    diagnosis = diagnose_lp(lp, result, solve, infeasibility=diagnose)
    return from_linear_program(lp, result, diagnosis=diagnosis)


def explained(lp: LinearProgram, solve, time_limit: float = 60.0):
    """The worded IIS of an infeasible ``lp``, found with ``solve``."""
    return explain_infeasibility(lp, diagnose_lp(lp, solve(lp), solve, time_limit=time_limit))


# --- textbook LPs --------------------------------------------------------------------------

def members(component: str, indices) -> tuple:
    """Stand-ins for a model's indexed variables or constraints: what a compiled LP carries."""
    return tuple(SimpleNamespace(component=component, index=tuple(i)) for i in indices)


def production_lp() -> LinearProgram:
    """Wyndor Glass (Hillier & Lieberman): max 3 doors + 5 windows over three plants."""
    return LinearProgram.from_arrays(
        c=[3.0, 5.0], A=[[1, 0], [0, 2], [3, 2]], row_lower=[-np.inf] * 3,
        row_upper=[4, 12, 18], sense="max", name="wyndor", objective_name="profit",
        col_names=("make[doors]", "make[windows]"),
        row_names=("hours[plant1]", "hours[plant2]", "hours[plant3]"),
        columns=members("make", [("doors",), ("windows",)]),
        rows=members("hours", [("plant1",), ("plant2",), ("plant3",)]))


PLANTS = {"seattle": 350.0, "san-diego": 600.0}
MARKETS = {"new-york": 325.0, "chicago": 300.0, "topeka": 275.0}
DISTANCE = {("seattle", "new-york"): 2.5, ("seattle", "chicago"): 1.7,
            ("seattle", "topeka"): 1.8, ("san-diego", "new-york"): 2.5,
            ("san-diego", "chicago"): 1.8, ("san-diego", "topeka"): 1.4}


def transport_lp() -> LinearProgram:
    """Dantzig's transportation problem (the GAMS 'trnsport' model): cost 153.675."""
    arcs = list(DISTANCE)
    A, lower, upper, names = [], [], [], []
    for plant, capacity in PLANTS.items():
        A.append([1.0 if a[0] == plant else 0.0 for a in arcs])
        lower.append(-np.inf), upper.append(capacity), names.append(f"supply[{plant}]")
    for market, need in MARKETS.items():
        A.append([1.0 if a[1] == market else 0.0 for a in arcs])
        lower.append(need), upper.append(np.inf), names.append(f"demand[{market}]")
    return LinearProgram.from_arrays(
        c=[90 * DISTANCE[a] / 1000 for a in arcs], A=A, row_lower=lower, row_upper=upper,
        name="trnsport", objective_name="cost",
        col_names=tuple(f"ship[{p},{m}]" for p, m in arcs), row_names=tuple(names),
        columns=members("ship", arcs),
        rows=members("supply", [(p,) for p in PLANTS]) + members("demand", [(m,) for m in MARKETS]))


def diet_lp() -> LinearProgram:
    """A small diet problem: the cheapest mix of four foods meeting three nutrient minimums."""
    foods = ["bread", "milk", "cheese", "potato"]
    cost = [2.0, 3.5, 8.0, 1.5]
    nutrients = {"calories": ([65, 120, 100, 90], 2000.0), "protein": ([2, 8, 7, 1.5], 55.0),
                 "calcium": ([5, 290, 200, 10], 800.0)}
    return LinearProgram.from_arrays(
        c=cost, A=[row for row, _ in nutrients.values()],
        row_lower=[need for _, need in nutrients.values()], row_upper=[np.inf] * 3,
        name="diet", objective_name="cost", col_names=tuple(f"buy[{f}]" for f in foods),
        row_names=tuple(f"nutrient[{k}]" for k in nutrients))


def infeasible_lp() -> LinearProgram:
    """Infeasible; its one IIS is {need, cap_x, cap_y} (the other rows are harmless)."""
    return LinearProgram.from_arrays(
        c=[1.0, 1.0], A=[[1, 1], [1, 0], [0, 1], [1, 2], [1, -1]],
        row_lower=[10, -np.inf, -np.inf, -np.inf, -np.inf], row_upper=[np.inf, 3, 4, 100, 50],
        name="infeasible", col_names=("x", "y"),
        row_names=("need", "cap_x", "cap_y", "room", "balance"))


def unbounded_lp() -> LinearProgram:
    """max x + y with x - y <= 1: unbounded along (1, 1)."""
    return LinearProgram.from_arrays(c=[1.0, 1.0], A=[[1, -1]], row_lower=[-np.inf],
                                     row_upper=[1.0], sense="max", name="unbounded",
                                     col_names=("x", "y"), row_names=("gap",))


def knapsack_milp() -> LinearProgram:
    """A small mixed-integer program: max 5a + 4b + 3c, a and b integer, over three rows."""
    return LinearProgram.from_arrays(
        c=[5.0, 4.0, 3.0], A=[[2, 3, 1], [4, 1, 2], [3, 4, 2]], row_lower=[-np.inf] * 3,
        row_upper=[5, 11, 8], sense="max", integrality=np.array([1, 1, 0]), name="knapsack",
        col_names=("pick[a]", "pick[b]", "pick[c]"), row_names=("res[1]", "res[2]", "res[3]"))


# --- sample solutions of the other report kinds ---------------------------------------------

def exponential_fit_solution(sigma: bool = False):
    """A Solution of y = a exp(-b x) + c fitted with scipy's curve_fit (the oracle)."""
    from scipy.optimize import curve_fit

    from symopt.solution.types import FitData, Solution

    def model(x, a, b, c):
        return a * np.exp(-b * x) + c

    rng = np.random.default_rng(7)
    x = np.linspace(0.0, 4.0, 25)
    noise = 0.05 * np.ones_like(x) if sigma else None
    y = model(x, 2.5, 1.3, 0.5) + 0.05 * rng.standard_normal(x.size)
    p, cov = curve_fit(model, x, y, p0=[1, 1, 0], sigma=noise, absolute_sigma=sigma)
    fit = FitData(["a", "b", "c"], p, cov, {"x": x}, "y", y, model(x, *p), sigma=noise,
                  absolute_sigma=sigma, expression="y = a*exp(-b*x) + c")
    return Solution("decay", "curve fit", "optimal", True, "converged", "symopt.optimize.curve_fit",
                    "lm", iterations=12, evaluations={"nfev": 13, "njev": 12}, fit=fit,
                    residual_norm=float(np.linalg.norm(fit.residuals)),
                    sizes={"parameters": 3, "points": x.size})


def rosenbrock_solution():
    """A Solution of a bounded, constrained Rosenbrock problem solved by scipy's SLSQP."""
    from scipy.optimize import minimize

    from symopt.solution.types import ConstraintResult, Solution, VariableResult

    history = []

    def f(v):
        return 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2

    cons = [{"type": "ineq", "fun": lambda v: 1.0 - v[0] ** 2 - v[1] ** 2}]
    res = minimize(f, [-1.0, 0.5], method="SLSQP", bounds=[(-2, 0.8), (-2, 2)], constraints=cons,
                   callback=lambda v: history.append(f(v)))
    body = float(res.x[0] ** 2 + res.x[1] ** 2)
    variables = [VariableResult("x[1]", "x", (1,), value=float(res.x[0]), lower=-2, upper=0.8),
                 VariableResult("x[2]", "x", (2,), value=float(res.x[1]), lower=-2, upper=2)]
    constraints = [ConstraintResult("disk", "disk", (), body=body, upper=1.0,
                                    slack=1.0 - body, dual=-0.1)]
    return Solution("rosenbrock", "NLP", "optimal", True, res.message, "symopt.optimize.minimize",
                    "slsqp", objective=float(res.fun), objective_name="f",
                    variables=variables, constraints=constraints, iterations=int(res.nit),
                    evaluations={"nfev": int(res.nfev), "njev": int(res.njev)},
                    gradient_norm=float(np.linalg.norm(res.jac)), max_violation=0.0,
                    history=[float(f([-1.0, 0.5]))] + history)


def netlib_infeasible(path) -> LinearProgram:
    """A netlib infeasible LP from scipy's npz conversion, with names for reports."""
    return load_netlib_npz(path, names=True)[0]
