"""The native ``'interior-point'`` LP method: presolve, homogeneous Mehrotra, crossover.

``solve_interior_point(lp, options, callback)`` solves a `LinearProgram` in its general
form: `presolve` removes what can be decided cheaply (and may already prove the problem
infeasible), `StandardForm` scales and converts the rest, `hsd.solve_standard_form`
runs the homogeneous self-dual predictor-corrector method (declaring an optimum only
once every row and bound of the reduced LP holds to `FEASIBILITY_TOL` relative to its
bound, as `solve_lp` checks), the point is mapped back and postsolved, and `crossover`
(on by default) turns it into an optimal basis with exact duals and ranging, as the
simplex method would give.

Options: ``tol`` (1e-8), ``maxiter`` (200), ``presolve`` (True), ``crossover`` (True),
``disp`` (False), ``time_limit`` (seconds; the crossover gets at most three times the
interior-point time), ``sensitivity`` (True: ranging after crossover).

>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[-1, -2], A=[[1, 1], [1, 3]], row_upper=[4, 6])
>>> res = solve_interior_point(lp, {"crossover": False})
>>> res.status, np.round(res.x, 6), round(res.fun, 6)
(0, array([3., 1.]), -5.0)
"""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize._linear.hsd import solve_standard_form
from symopt.optimize.linear_program import FEASIBILITY_TOL, LinearProgram, primal_violation
from symopt.optimize.methods import check_options
from symopt.optimize.result import OptimizeResult
from symopt.optimize._linear.standard_form import StandardForm

__all__ = ["solve_interior_point"]

_DEFAULTS = {"tol": 1e-8, "maxiter": 200, "presolve": True, "crossover": True, "disp": False,
             "time_limit": None, "sensitivity": True}


def solve_interior_point(lp: LinearProgram, options: dict | None = None,
                         callback: Callable[..., Any] | None = None) -> OptimizeResult:
    """Solve ``lp`` with presolve, the homogeneous interior-point method and crossover.

    Parameters
    ----------
    lp : LinearProgram
        The problem, in its general bounded form (min or max).
    options : dict, optional
        ``tol``, ``maxiter``, ``presolve``, ``crossover``, ``disp``, ``time_limit``.
    callback : callable, optional
        Called as ``callback(OptimizeResult(nit=..., mu=...))`` once per iteration.

    Returns
    -------
    OptimizeResult
        The fields of the `solve_lp` contract (docs/design.md); ``method`` is
        ``'interior-point'``.
    """
    opts = _options(options)
    start = time.perf_counter()
    if opts["presolve"]:
        from symopt.optimize._linear.presolve import presolve
        reduced = presolve(lp)
        if reduced.status is not None:
            return _finish_without_solve(lp, reduced)
        result = _postsolved(reduced, _solve_reduced(reduced.lp, opts, callback), lp)
    else:
        result = _solve_reduced(lp, opts, callback)
    if opts["crossover"] and result.status == 0:
        from symopt.optimize._linear.crossover import crossover
        result = crossover(lp, result, {**opts, "ipm_seconds": time.perf_counter() - start})
    result.method = "interior-point"
    return result


def _options(options: dict | None) -> dict:
    check_options(options, _DEFAULTS, "method 'interior-point'")
    opts = {**_DEFAULTS, **(options or {})}
    if not (isinstance(opts["maxiter"], (int, np.integer)) and opts["maxiter"] >= 0):
        raise InputError(f"option 'maxiter' must be a nonnegative integer, got {opts['maxiter']!r}")
    if not (float(opts["tol"]) > 0):
        raise InputError(f"option 'tol' must be positive, got {opts['tol']!r}")
    return opts


def _solve_reduced(lp: LinearProgram, opts: dict, callback) -> OptimizeResult:
    m, n = lp.A.shape
    if n == 0:
        return _empty_result(lp)
    form = StandardForm.from_lp(lp)
    report = None
    if callback is not None:
        report = lambda nit, mu: callback(OptimizeResult(nit=nit, mu=mu))  # noqa: E731
    run = lambda cost: solve_standard_form(  # noqa: E731
        form.A, form.b, cost, form.u, tol=float(opts["tol"]), maxiter=int(opts["maxiter"]),
        callback=report, time_limit=opts["time_limit"], accept=_meets_bounds(lp, form))
    outcome = run(form.c)
    if outcome.status == 3:
        # a primal ray proves unboundedness only if the constraints can be met at all
        feasibility = run(np.zeros_like(form.c))
        if feasibility.status == 2:
            outcome = feasibility
            outcome.message = "the problem is infeasible (and its dual too: a primal ray exists)"
    general, y_min = form.recover(outcome.x, outcome.y)
    x = general[:n]
    sense = -1.0 if lp.sense == "max" else 1.0
    reduced_cost_min = sense * lp.c - (lp.A.T @ y_min)
    result = OptimizeResult(
        x=x, fun=float(lp.c @ x + lp.offset), status=outcome.status,
        success=outcome.status == 0, message=outcome.message, nit=outcome.nit,
        row_activity=lp.A @ x, row_dual=sense * y_min, col_dual=sense * reduced_cost_min,
        row_basis=None, col_basis=None, sensitivity=None, method="interior-point")
    if outcome.status == 2:
        result.farkas = sense * y_min
    if outcome.status == 3:
        result.ray = _ray(form, outcome.x, n)
    if outcome.status in (2, 3):
        result.x, result.fun, result.row_activity = None, None, None
        result.row_dual = result.col_dual = None
    _zero_inactive_duals(lp, result)
    return result


def _postsolved(reduced: Any, result: OptimizeResult, lp: LinearProgram) -> OptimizeResult:
    """``reduced.postsolve`` of ``result``, or of its point projected onto the reduced LP's
    bounds when that maps to a more feasible point of ``lp``. An interior point may end
    outside a bound by its tolerance, and postsolve can amplify either version: on
    VTP.BASE 32 columns 5.8e-8 past 0 became 5.6e-5 on a column implied free by their row
    unless projected; on 80BAU3B the projection's change of the rows became a violation
    of 1.9e-6 unless not projected."""
    plain = reduced.postsolve(result)
    if result.x is None:
        return plain
    bounds = reduced.lp.col_lower, reduced.lp.col_upper
    x = np.clip(result.x, *bounds)
    if np.array_equal(x, result.x):
        return plain
    projected = OptimizeResult(result)
    projected.x, projected.row_activity = x, reduced.lp.A @ x
    projected.fun = float(reduced.lp.c @ x + reduced.lp.offset)
    other = reduced.postsolve(projected)
    return other if primal_violation(lp, other.x) < primal_violation(lp, plain.x) else plain


def _meets_bounds(lp: LinearProgram, form: StandardForm) -> Callable[[np.ndarray], bool]:
    """Whether a standard-form point meets ``lp``'s rows and bounds to `FEASIBILITY_TOL`
    relative to each bound, as `solve_lp` checks every optimum."""
    no_duals = np.zeros_like(form.row_scale)

    def accept(x_standard: np.ndarray) -> bool:
        x = form.recover(x_standard, no_duals)[0][:lp.num_cols]
        return bool(primal_violation(lp, x) <= FEASIBILITY_TOL)
    return accept


def _ray(form: StandardForm, x_std: np.ndarray, n: int) -> np.ndarray:
    values = form.sign * form.col_scale * x_std
    ray = np.zeros(form.num_general)
    np.add.at(ray, form.source, values)
    ray = ray[:n]
    norm = np.abs(ray).max(initial=0.0)
    return ray / norm if norm > 0 else ray


def _zero_inactive_duals(lp: LinearProgram, result: OptimizeResult) -> None:
    """Duals on clearly inactive rows/columns are IPM noise: make them exactly zero."""
    if result.x is None:
        return
    activity, x = result.row_activity, result.x
    for values, dual, lower, upper in ((activity, result.row_dual, lp.row_lower, lp.row_upper),
                                       (x, result.col_dual, lp.col_lower, lp.col_upper)):
        scale = 1.0 + np.abs(values)
        inactive = (values - lower > 1e-6 * scale) & (upper - values > 1e-6 * scale)
        dual[inactive] = 0.0


def _empty_result(lp: LinearProgram) -> OptimizeResult:
    m = lp.num_rows
    feasible = bool(np.all(lp.row_lower <= 0) and np.all(lp.row_upper >= 0))
    return OptimizeResult(
        x=np.zeros(0), fun=float(lp.offset), status=0 if feasible else 2, success=feasible,
        message="optimal (no columns left to optimise)" if feasible else "infeasible: an empty row cannot "
        "meet its bounds", nit=0, row_activity=np.zeros(m), row_dual=np.zeros(m),
        col_dual=np.zeros(0), row_basis=None, col_basis=None, sensitivity=None,
        method="interior-point")


def _finish_without_solve(lp: LinearProgram, reduced) -> OptimizeResult:
    return OptimizeResult(
        x=None, fun=None, status=reduced.status, success=False, message=reduced.message,
        nit=0, row_activity=None, row_dual=None, col_dual=None, row_basis=None,
        col_basis=None, sensitivity=None, method="interior-point")
