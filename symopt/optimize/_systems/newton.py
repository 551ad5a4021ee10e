"""Damped Newton's method for square systems, using the exact Jacobian.

Each iteration solves ``J(x) d = -f(x)`` (least squares with minimum norm if J is singular)
and backtracks along ``d`` until ``|f|**2`` decreases enough (Armijo, with quadratic
interpolation; NaN/inf trial points are stepped back from). Without an exact Jacobian the
method runs on forward differences, which costs ``n`` evaluations per iteration (not counted
in ``nfev``; ``njev`` counts every Jacobian). Converges quadratically near a regular root.

Converged when ``|f|_inf <= fatol``, or when a full step satisfies
``|d|_inf <= xtol * (|x|_inf + xtol)``.

>>> import numpy as np
>>> from symopt.optimize import root
>>> r = root(lambda x: [x[0] ** 2 - 2.0, x[0] * x[1] - 1.0], [1.0, 1.0],
...          jac=lambda x: [[2 * x[0], 0.0], [x[1], x[0]]], method="newton")
>>> np.round(r.x, 12), r.nit
(array([1.41421356, 0.70710678]), 5)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.result import OptimizeResult

__all__ = ["root_newton", "backtrack"]

MESSAGES = {
    1: "The solution converged.",
    2: "The maximum number of iterations was reached.",
    3: "The line search failed: |f| does not decrease along the Newton direction "
       "(a singular Jacobian or a local minimum of |f| that is not a root).",
    4: "The Jacobian has non-finite entries at the current point.",
}


def root_newton(system: Any, x0: np.ndarray, *, callback: Callable | None = None,
                xtol: float = 1.49012e-08, fatol: float = 0.0, maxiter: int | None = None,
                min_step: float = 1e-10) -> OptimizeResult:
    """Solve ``f(x) = 0`` by damped Newton.

    Options: ``xtol`` (relative step size test), ``fatol`` (max-norm of f), ``maxiter``
    (default ``50 * (n + 1)``), ``min_step`` (smallest line-search fraction tried).
    """
    for name, value in (("xtol", xtol), ("fatol", fatol), ("min_step", min_step)):
        if not value >= 0:
            raise InputError(f"root 'newton': {name} must be >= 0, got {value!r}")
    max_iterations = maxiter or 50 * (x0.size + 1)
    x, f = x0.copy(), system.f0
    status, nit = None, 0
    while status is None:
        if np.max(np.abs(f), initial=0.0) <= fatol or not np.any(f):
            status = 1
            break
        if nit >= max_iterations:
            status = 2
            break
        nit += 1
        J = system.jac(x, f)
        if not np.all(np.isfinite(J)):
            status = 4
            break
        d = _newton_direction(J, f)
        small = np.max(np.abs(d)) <= xtol * (np.max(np.abs(x)) + xtol)
        found = backtrack(system, x, f, d, min_step)
        if found is None:
            status = 1 if small else 3
            break
        s, f = found
        x = x + s * d
        if callback is not None:
            callback(x.copy(), f.copy())
        if s == 1.0 and small:
            status = 1
    return OptimizeResult(x=x, fun=f, success=status == 1, status=status,
                          message=MESSAGES[status], nit=nit)


def _newton_direction(J: np.ndarray, f: np.ndarray) -> np.ndarray:
    try:
        d = np.linalg.solve(J, -f)
        if np.all(np.isfinite(d)):
            return d
    except np.linalg.LinAlgError:
        pass
    return np.linalg.lstsq(J, -f, rcond=None)[0]


def backtrack(system: Any, x: np.ndarray, f: np.ndarray, d: np.ndarray, min_step: float,
              c1: float = 1e-4, fallback: str | None = None) -> tuple[float, np.ndarray] | None:
    """Armijo backtracking on ``phi(s) = |f(x + s d)|**2``, whose slope at 0 is ``-2 phi(0)``.

    Returns ``(s, f(x + s d))`` for the first tried step satisfying the Armijo test. When none
    does: None, or with ``fallback="full"`` the longest and with ``fallback="shortest"`` the
    shortest tried step whose point is finite (None when no trial point is finite).
    """
    if fallback not in (None, "full", "shortest"):
        raise ValueError(f"backtrack: fallback must be None, 'full' or 'shortest', "
                         f"got {fallback!r}")
    phi0 = f @ f
    s = 1.0
    kept = None
    while s >= min_step:
        f_new = system.fun(x + s * d)
        if np.all(np.isfinite(f_new)):
            if kept is None or fallback == "shortest":
                kept = (s, f_new)
            phi = f_new @ f_new
            if phi <= (1.0 - 2.0 * c1 * s) * phi0:
                return s, f_new
            s_quadratic = s * s * phi0 / (phi - phi0 + 2.0 * s * phi0)
            s = min(max(s_quadratic, 0.1 * s), 0.5 * s)
        else:
            s *= 0.25
    return kept if fallback else None
