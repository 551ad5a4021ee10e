"""Run a compiled problem through the `symopt.optimize` front door its `Plan` names.

The optimize and map-back stages for any compiled problem, shared by `symopt.solve`
(models) and `symopt.symbolic` (plain sympy): hand the problem's exact-derivative
callables to the front door with scipy's arguments, then map the result to a
`Solution`. Nothing here knows how the problem was built.

>>> import sympy
>>> from symopt.compile.from_sympy import compile_equations
>>> from symopt.analysis import Structure
>>> from symopt.routing import route
>>> x, y = sympy.symbols("x y")
>>> system = compile_equations([x + y - 3, x - y - 1], [x, y], [0.0, 0.0])
>>> solution = run(system, route(Structure.describe("equations", "two equations", 2, 2)))
>>> solution.status, [round(v.value, 8) for v in solution.variables]
('optimal', [2.0, 1.0])
"""
from __future__ import annotations

import inspect
import sys
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from symopt import optimize
from symopt.errors import SolverError
from symopt.optimize.linear_program import LinearProgram
from symopt.optimize.methods import check_options
from symopt.optimize.result import OptimizeResult
from symopt.routing import Plan
from symopt.solution import nonlinear as mapping
from symopt.solution.linear import from_linear_program
from symopt.solution.optimality import gradient_scale

if TYPE_CHECKING:  # the compiled nonlinear problems pull in sympy; an LP run must not
    from symopt.compile.nonlinear import EquationSystem, FitProblem, NonlinearProgram

__all__ = ["run"]

_FIT_SUCCESS = (1, 2, 3, 4)


def run(problem: Any, plan: Plan, time_limit: float | None = None, basis: Any = None,
        callback: Any = None) -> Any:
    """Solve ``problem`` as ``plan`` says and return its `Solution`.

    ``basis`` (an LP's ``(col_basis, row_basis)``) warm-starts HiGHS; ``callback`` gets a
    MILP's progress (see `symopt.optimize.solve_lp`) and, for a solve by the nonlinear
    interior point running over a second, its iteration, objective and violation.
    """
    if isinstance(problem, LinearProgram):
        return _run_lp(problem, plan, time_limit, basis, callback)
    kind = type(problem).__name__
    if kind == "NonlinearProgram":
        return _run_minimize(problem, plan, time_limit, callback)
    if kind not in ("EquationSystem", "FitProblem"):
        raise TypeError(f"cannot run a {kind}")
    solution = _run_root(problem, plan) if kind == "EquationSystem" else _run_fit(problem, plan)
    if time_limit is not None:
        solution.warnings.append(f"time_limit={time_limit} was not applied: the {plan.front_door} "
                                 "solvers have no time limit")
    return solution


def _run_lp(lp: LinearProgram, plan: Plan, time_limit: float | None, basis: Any = None,
            callback: Any = None) -> Any:
    options = dict(plan.options)
    if time_limit is not None:
        options.setdefault("time_limit", float(time_limit))
    if basis is not None:
        options["basis"] = basis
    if callback is not None and not lp.is_mip:
        callback = None        # only MILPs report progress from every engine
    start = time.perf_counter()
    result = optimize.solve_lp(lp, method=plan.method, options=options or None,
                               callback=callback)
    solved = time.perf_counter()
    # the IIS is computed only when asked for (Solution.iis(), symopt report,
    # symopt solve --explain-infeasible): its deletion filter costs many LP solves
    diagnosis = optimize.diagnose_lp(lp, result, infeasibility=False)
    solution = from_linear_program(lp, result, plan, diagnosis)
    solution.timings.update({"optimize": solved - start, "map back": time.perf_counter() - solved})
    return solution


class _TimedHistory(mapping.History):
    """Records the objective per iteration and stops the solve after ``time_limit`` seconds."""

    def __init__(self, objective: Any, sign: float, time_limit: float | None,
                 from_x: bool = False, progress: bool = False, report: Any = None,
                 violation: Any = None):
        super().__init__(objective, sign, from_x)
        self.started = time.perf_counter()
        self.deadline = None if time_limit is None else self.started + float(time_limit)
        self.progress = progress and (report is not None or sys.stderr.isatty())
        self.report, self.violation = report, violation
        self.shown, self.last = False, 0.0

    def __call__(self, intermediate_result: Any) -> None:
        super().__call__(intermediate_result)
        now = time.perf_counter()
        if self.progress and now - self.started > 1.0 and self.values and now - self.last > 0.2:
            self.last = now
            self._show(intermediate_result, now - self.started)
        if self.deadline is not None and now > self.deadline:
            raise StopIteration

    def _show(self, intermediate_result: Any, elapsed: float) -> None:
        """Hand the iteration, objective and violation to the caller's ``report`` (the
        CLI's progress line), or draw a line of its own on a terminal."""
        x = intermediate_result.get("x") if isinstance(intermediate_result, dict) else None
        violation = None if x is None or self.violation is None else self.violation(x)
        if self.report is not None:
            self.report({"nit": len(self.values), "fun": self.values[-1],
                         "constr_violation": violation, "elapsed": elapsed})
            return
        sys.stderr.write(f"\r  iteration {len(self.values):5d}   objective "
                         f"{self.values[-1]: .10e}   {elapsed:7.1f} s")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        """End the progress line (a solve over a second on a terminal shows one)."""
        if self.shown:
            sys.stderr.write("\n")


def _run_minimize(nlp: "NonlinearProgram", plan: Plan, time_limit: float | None,
                  callback: Any = None) -> Any:
    if plan.front_door == "least_squares":
        history = _TimedHistory(nlp.objective_value, nlp.sign, time_limit, from_x=True)
        result = optimize.least_squares(nlp.residual_values, nlp.x0, jac=nlp.residual_jacobian,
                                        bounds=(nlp.col_lower, nlp.col_upper), method=plan.method,
                                        callback=history,
                                        **_keywords(optimize.least_squares, plan.options))
        return mapping.from_minimize(nlp, result, plan, history.values)
    if plan.method == "interior-point":
        return _run_interior_point(nlp, plan, time_limit, callback)
    if plan.method == "highs-qp":
        return _run_highs_qp(nlp, plan, time_limit)
    spec = optimize.METHODS["minimize"][plan.method]
    kwargs: dict[str, Any] = {"jac": nlp.jac}
    if spec.uses_hessian:
        if plan.method == "trust-exact":     # factorizes the dense Hessian
            kwargs["hess"] = nlp.hess
        else:                                # needs only products: exact and sparse
            kwargs["hessp"] = nlp.hessp
    if spec.bounds and nlp.has_bounds:
        kwargs["bounds"] = list(zip(nlp.col_lower, nlp.col_upper))
    if spec.constraints and nlp.num_rows:
        kwargs["constraints"] = nlp.constraints_scipy()
    history = _TimedHistory(nlp.objective_value, nlp.sign, time_limit)
    x0 = np.clip(nlp.x0, nlp.col_lower, nlp.col_upper)
    result = optimize.minimize(nlp.fun, x0, method=plan.method, callback=history,
                               options=_scaled_gradient_tolerance(nlp, spec, plan.options) or None,
                               **kwargs)
    return mapping.from_minimize(nlp, result, plan, history.values)


def _scaled_gradient_tolerance(nlp: "NonlinearProgram", spec: Any, options: dict) -> dict:
    """``options`` with a gradient method's stopping tolerances scaled to the problem's
    `gradient_scale` when that is below 1 and they were not given: ``gtol`` (absolute, as
    scipy's) times the scale, L-BFGS-B's ``ftol`` (relative reduction of f) times its square
    (what is left to gain near a point scales with the gradient squared). The solver then
    goes on until the map-back stage's scale-aware stationarity test can pass, instead of
    stopping at once on a problem whose gradient is small everywhere (torsion on a fine
    grid: its gradient is 5e-5 at the start, and ``gtol=1e-5`` stopped 2e-3 off)."""
    options = dict(options)
    parameters = inspect.signature(spec.load()).parameters
    if "gtol" not in parameters or "gtol" in options:
        return options
    scale = gradient_scale(nlp)
    for name, power in (("gtol", 1), ("ftol", 2)):
        if scale < 1.0 and name in parameters and name not in options:
            options[name] = parameters[name].default * scale ** power
    return options


def _run_interior_point(nlp: "NonlinearProgram", plan: Plan, time_limit: float | None,
                        callback: Any = None) -> Any:
    """The interior point fed with the compiled sparse derivatives: the Jacobian and the
    Hessian of the Lagrangian keep one pattern, their values are refilled each iteration."""
    sparse = nlp.sparse_derivatives
    options = {"lagrangian_hess": sparse.lagrangian_hessian, **plan.options}
    if time_limit is not None:
        options.setdefault("time_limit", float(time_limit))
    constraints = _sparse_rows(nlp)
    history = _TimedHistory(nlp.objective_value, nlp.sign, None, progress=True, report=callback,
                            violation=lambda x: mapping.max_violation(nlp, x))
    x0 = np.clip(nlp.x0, nlp.col_lower, nlp.col_upper)
    bounds = list(zip(nlp.col_lower, nlp.col_upper)) if nlp.has_bounds else None
    result = optimize.minimize(nlp.fun, x0, method="interior-point", jac=nlp.jac, bounds=bounds,
                               constraints=constraints, callback=history, options=options)
    history.finish()
    return mapping.from_minimize(nlp, result, plan, history.values)


def _sparse_rows(nlp: "NonlinearProgram") -> Any:
    """The rows as one constraint with the compiled sparse Jacobian (none: an empty tuple)."""
    if not nlp.num_rows:
        return ()
    return optimize.NonlinearConstraint(nlp.constraints.values, nlp.row_lower, nlp.row_upper,
                                        jac=nlp.sparse_derivatives.jacobian)


def _run_highs_qp(nlp: "NonlinearProgram", plan: Plan, time_limit: float | None) -> Any:
    """A convex QP to HiGHS: the constant Hessian, gradient and sparse Jacobian at x0."""
    options = dict(plan.options)
    if time_limit is not None:
        options.setdefault("time_limit", float(time_limit))
    x0 = np.clip(nlp.x0, nlp.col_lower, nlp.col_upper)
    bounds = list(zip(nlp.col_lower, nlp.col_upper)) if nlp.has_bounds else None
    result = optimize.minimize(nlp.fun, x0, method="highs-qp", jac=nlp.jac, hess=nlp.hess,
                               bounds=bounds, constraints=_sparse_rows(nlp),
                               options=options or None)
    return mapping.from_minimize(nlp, result, plan)


def _run_root(system: "EquationSystem", plan: Plan) -> Any:
    if plan.front_door == "least_squares":
        result = optimize.least_squares(system.fun, system.x0, jac=system.jac,
                                        method=plan.method or "trf",
                                        **_keywords(optimize.least_squares, plan.options))
    else:
        result = optimize.root(system.fun, system.x0, method=plan.method, jac=system.jac,
                               options=dict(plan.options) or None)
    return mapping.from_root(system, result, plan)


def _run_fit(fit: "FitProblem", plan: Plan) -> Any:
    bounds = (fit.lower, fit.upper)
    if plan.front_door == "least_squares":
        result = optimize.least_squares(fit.residuals, fit.p0, jac=fit.residual_jacobian,
                                        bounds=bounds, method=plan.method or "trf",
                                        **_keywords(optimize.least_squares, plan.options))
        return mapping.from_fit(fit, result.x, _covariance(fit, result), result, plan)
    xdata = next(iter(fit.independent.values()), np.arange(fit.num_points))
    try:
        popt, pcov, info, message, flag = optimize.curve_fit(
            fit.curve, xdata, fit.observed, p0=fit.p0, sigma=fit.sigma,
            absolute_sigma=fit.absolute_sigma, bounds=bounds, method=plan.method,
            jac=fit.curve_jacobian, full_output=True, **plan.options)
    except SolverError as failure:  # not converged: a status on the Solution, as for the others
        return mapping.from_fit(fit, failure.result.x, None, failure.result, plan)
    result = OptimizeResult(x=popt, success=flag in _FIT_SUCCESS, status=flag, message=message,
                            nfev=info.get("nfev"), njev=info.get("njev"))
    return mapping.from_fit(fit, popt, pcov, result, plan)


def _covariance(fit: "FitProblem", result: Any) -> np.ndarray:
    """``inv(J^T J)``, scaled by the reduced chi-square unless sigma is absolute."""
    jac = fit.residual_jacobian(result.x)
    _, singular, vt = np.linalg.svd(jac, full_matrices=False)
    keep = singular > np.finfo(float).eps * max(jac.shape) * singular[0]
    cov = (vt[keep].T / singular[keep] ** 2) @ vt[keep]
    dof = fit.num_points - fit.num_cols
    if not fit.absolute_sigma:
        cov = cov * (float(result.fun @ result.fun) / dof if dof > 0 else np.inf)
    return cov


def _keywords(front_door: Any, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` as keyword arguments of ``front_door``, or an InputError naming the unknown."""
    known = set(inspect.signature(front_door).parameters) - {"fun", "x0", "jac", "bounds",
                                                              "method", "callback", "args"}
    check_options(options, known, front_door.__name__)
    return dict(options)
