"""Broyden's quasi-Newton methods for square systems: 'broyden1' (good) and 'broyden2' (bad).

broyden1 keeps an approximate Jacobian ``B`` and applies the rank-one secant update
``B += (df - B dx) dx^T / (dx . dx)``; broyden2 keeps an approximate inverse ``H`` and
applies ``H += (dx - H df) df^T / (df . df)``. Both start, as scipy's do, from the scaled
identity ``B0 = -I / alpha`` (``alpha = 0.5 * max(|x0|, 1) / |f(x0)|`` unless given), or
from the exact Jacobian when ``root`` was given one. Steps are safeguarded by a backtracking
Armijo search on ``|f|**2`` that also steps back from NaN/inf; when every trial point is
non-finite the matrix is reset once to its start and the search retried.

When the search finds no Armijo step, the quasi-Newton direction is not trusted. broyden2,
like scipy, then takes the full step. broyden1 takes the shortest step tried instead: a short
secant ``dx`` makes the update ``B dx = df`` a close estimate of the true derivative along the
failed direction, where a long one blends in curvature and can blow ``|f|`` up. After two
failed searches in a row, broyden1 restarts from ``-I / alpha``, with ``alpha`` recomputed at
the current point (unless given): the accumulated updates no longer describe ``f`` there.
Both methods cap a step at ``1000 max(|x0|, 1)`` (Dennis & Schnabel's ``maxstep``), which scipy
does not: after an update that leaves the matrix nearly singular, the uncapped step can throw
the iterate to ``|x| ~ 1e8`` (Helical valley from starts within 1e-8 of the standard one).

Termination as scipy's nonlinear solvers: every given test must hold -- ``fatol`` (max-norm
of f, default ``eps ** (1/3)``), ``ftol`` (relative to f(x0)), ``xatol`` and ``xtol`` (max
norm of the step, absolute and relative to x); the unset ones are infinite.

>>> import numpy as np
>>> from symopt.optimize import root
>>> r = root(lambda x: [x[0] + 0.5 * (x[0] - x[1]) ** 3 - 1.0,
...                     0.5 * (x[1] - x[0]) ** 3 + x[1]], [0.0, 0.0], method="broyden1")
>>> np.round(r.x, 4), r.success
(array([0.8412, 0.1588]), True)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize._systems.newton import backtrack
from symopt.optimize.result import OptimizeResult

__all__ = ["root_broyden1", "root_broyden2"]

_EPS = np.finfo(float).eps


def root_broyden1(system: Any, x0: np.ndarray, *, callback: Callable | None = None,
                  nit: int | None = None, maxiter: int | None = None, disp: bool = False,
                  ftol: float | None = None, fatol: float | None = None,
                  xtol: float | None = None, xatol: float | None = None,
                  tol_norm: Callable | None = None, line_search: str | None = "armijo",
                  jac_options: dict | None = None) -> OptimizeResult:
    """Broyden's first ("good") method; options as scipy's root(method='broyden1')."""
    return _solve(system, x0, _GoodBroyden, callback, locals())


def root_broyden2(system: Any, x0: np.ndarray, *, callback: Callable | None = None,
                  nit: int | None = None, maxiter: int | None = None, disp: bool = False,
                  ftol: float | None = None, fatol: float | None = None,
                  xtol: float | None = None, xatol: float | None = None,
                  tol_norm: Callable | None = None, line_search: str | None = "armijo",
                  jac_options: dict | None = None) -> OptimizeResult:
    """Broyden's second ("bad") method; options as scipy's root(method='broyden2')."""
    return _solve(system, x0, _BadBroyden, callback, locals())


class _GoodBroyden:
    """Approximate Jacobian B; the step solves ``B d = -f``."""

    #: step taken when the Armijo search fails, and failed searches in a row before a restart
    fallback, restart_after = "shortest", 2

    def __init__(self, start: np.ndarray):
        self.B = start.copy()

    def direction(self, f: np.ndarray) -> np.ndarray:
        try:
            return np.linalg.solve(self.B, -f)
        except np.linalg.LinAlgError:
            return np.linalg.lstsq(self.B, -f, rcond=None)[0]

    def update(self, dx: np.ndarray, df: np.ndarray) -> None:
        denominator = dx @ dx
        if denominator > 0:
            self.B += np.outer(df - self.B @ dx, dx) / denominator


class _BadBroyden:
    """Approximate inverse Jacobian H; the step is ``-H f``."""

    #: broyden2 keeps scipy's rule (full step on a failed search, no restart): the inverse
    #: update divides by ``|df|**2``, and short failed steps make it erratic
    fallback, restart_after = "full", None

    def __init__(self, start: np.ndarray):
        try:
            self.H = np.linalg.inv(start)
        except np.linalg.LinAlgError:
            self.H = np.linalg.pinv(start)

    def direction(self, f: np.ndarray) -> np.ndarray:
        return -self.H @ f

    def update(self, dx: np.ndarray, df: np.ndarray) -> None:
        denominator = df @ df
        if denominator > 0:
            self.H += np.outer(dx - self.H @ df, df) / denominator


def _solve(system: Any, x0: np.ndarray, kind: type, callback: Callable | None,
           options: dict[str, Any]) -> OptimizeResult:
    if options["line_search"] not in ("armijo", None):
        raise InputError(f"root broyden: line_search must be 'armijo' or None, got "
                         f"{options['line_search']!r}")
    start = _starting_matrix(system, x0, options.get("jac_options") or {})
    norm = options["tol_norm"] or (lambda v: float(np.max(np.abs(v), initial=0.0)))
    limits = _tolerances(options)
    max_iterations = options["nit"] or options["maxiter"] or 100 * (x0.size + 1)
    x, f = x0.copy(), system.f0
    f0_norm = norm(f)
    matrix, resets, status = kind(start), 0, None
    max_step = MAX_STEP_FACTOR * max(float(np.linalg.norm(x0)), 1.0)
    failed_searches = 0
    iteration = 0
    while status is None:
        if _converged(norm(f), f0_norm, np.inf, np.inf, limits, first=iteration == 0):
            status = 1
            break
        if iteration >= max_iterations:
            status = 2
            break
        iteration += 1
        d = _capped(matrix.direction(f), max_step)
        if options["line_search"]:
            step = backtrack(system, x, f, d, min_step=1e-2, fallback=kind.fallback)
        else:
            step = (1.0, system.fun(x + d))
        if step is None or not np.all(np.isfinite(step[1])):
            if resets == 0:
                matrix, resets = kind(start), 1
                continue
            status = 3
            break
        s, f_new = step
        dx, df = s * d, f_new - f
        matrix.update(dx, df)
        armijo = f_new @ f_new <= (1.0 - 2e-4 * s) * (f @ f)
        failed_searches = 0 if armijo or not options["line_search"] else failed_searches + 1
        x, f = x + dx, f_new
        if kind.restart_after and failed_searches >= kind.restart_after:
            matrix = kind(_scaled_identity(x, f, options.get("jac_options") or {}))
            failed_searches = 0
        if callback is not None:
            callback(x.copy(), f.copy())
        if _converged(norm(f), f0_norm, norm(dx), norm(x), limits, first=False):
            status = 1
    messages = {1: "A solution was found at the specified tolerance.",
                2: "The maximum number of iterations allowed has been reached.",
                3: "The line search failed: no decrease of |f| along the quasi-Newton "
                   "direction, even after resetting the Jacobian approximation."}
    return OptimizeResult(x=x, fun=f, success=status == 1, status=status,
                          message=messages[status], nit=iteration)


#: Dennis & Schnabel's (1983, A6.3.1) bound on a quasi-Newton step, in units of max(|x0|, 1)
MAX_STEP_FACTOR = 1000.0


def _capped(d: np.ndarray, max_step: float) -> np.ndarray:
    """``d`` shortened to length ``max_step`` when longer: a nearly singular secant matrix
    proposes steps far outside the region where its updates were measured."""
    length = float(np.linalg.norm(d))
    return d * (max_step / length) if length > max_step else d


def _starting_matrix(system: Any, x0: np.ndarray, jac_options: dict) -> np.ndarray:
    unknown = set(jac_options) - {"alpha"}
    if unknown:
        raise InputError(f"root broyden: unknown jac_options {sorted(unknown)}; symopt's "
                         "Broyden methods keep a dense full-rank matrix and take only 'alpha'")
    if system.has_jacobian and "alpha" not in jac_options:
        return system.jac(x0, system.f0)
    return _scaled_identity(x0, system.f0, jac_options)


def _scaled_identity(x: np.ndarray, f: np.ndarray, jac_options: dict) -> np.ndarray:
    """``-I / alpha``, with scipy's ``alpha = 0.5 * max(|x|, 1) / |f|`` unless given."""
    alpha = jac_options.get("alpha")
    if alpha is None:
        fnorm = np.linalg.norm(f)
        alpha = 0.5 * max(np.linalg.norm(x), 1.0) / fnorm if fnorm > 0 else 1.0
    return -np.eye(x.size) / alpha


def _tolerances(options: dict[str, Any]) -> dict[str, float]:
    limits = {"fatol": options["fatol"], "ftol": options["ftol"],
              "xatol": options["xatol"], "xtol": options["xtol"]}
    for name, value in limits.items():
        if value is not None and not value >= 0:
            raise InputError(f"root broyden: {name} must be >= 0, got {value!r}")
    if limits["fatol"] is None:
        limits["fatol"] = _EPS ** (1 / 3)
    return {k: np.inf if v is None else float(v) for k, v in limits.items()}


def _converged(f_norm: float, f0_norm: float, dx_norm: float, x_norm: float,
               limits: dict[str, float], first: bool) -> bool:
    f_ok = f_norm <= limits["fatol"] and f_norm <= limits["ftol"] * f0_norm
    if f_norm == 0:
        return True
    if first:
        return f_ok and limits["xatol"] == np.inf and limits["xtol"] == np.inf
    return f_ok and dx_norm <= limits["xatol"] and dx_norm <= limits["xtol"] * max(x_norm, _EPS)
