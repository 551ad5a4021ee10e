"""Powell's hybrid method for square nonlinear systems, in the manner of MINPACK's hybrj.

A trust-region dogleg between the Gauss-Newton (Newton) step and the scaled steepest-descent
step, with variable scales ``D`` from the Jacobian's column norms. The Jacobian is evaluated
once, then kept up to date by Broyden rank-one updates in the scaled inner product after
every trial step; it is re-evaluated only after two successive poor steps. (MINPACK updates
the QR factors in place; here the QR factorisation is recomputed from the updated matrix,
which is simpler and costs nothing that matters at the sizes this method is for.)

>>> import numpy as np
>>> from symopt.optimize import root
>>> r = root(lambda x: [x[0] ** 2 - 2.0, x[1] - x[0]], [1.0, 0.0], method="hybr")
>>> np.round(r.x, 10), r.status
(array([1.41421356, 1.41421356]), 1)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.result import OptimizeResult

__all__ = ["root_hybr"]

_EPS = np.finfo(float).eps

MESSAGES = {
    1: "The solution converged.",
    2: "The number of calls to function has reached maxfev.",
    3: "xtol is too small, no further improvement in the approximate solution is possible.",
    4: "The iteration is not making good progress, as measured by the improvement from "
       "the last five Jacobian evaluations.",
    5: "The iteration is not making good progress, as measured by the improvement from "
       "the last ten iterations.",
}


def root_hybr(system: Any, x0: np.ndarray, *, callback: Callable | None = None,
              xtol: float = 1.49012e-08, maxfev: int = 0, factor: float = 100.0,
              diag: Any = None, col_deriv: bool = False, band: Any = None) -> OptimizeResult:
    """Solve ``f(x) = 0`` (square) by Powell's hybrid method.

    Options as scipy's 'hybr': ``xtol`` (relative error between two iterates, measured by
    the trust radius), ``maxfev`` (0 means ``100 * (n + 1)`` with a Jacobian, else
    ``200 * (n + 1)``), ``factor`` (initial radius ``factor * ||D x0||``), ``diag`` (fixed
    variable scales; default automatic), ``col_deriv`` (jac returns the transpose).
    ``band`` is not offered.
    """
    if band is not None:
        raise InputError("root 'hybr': the 'band' option is not offered; pass band=None")
    if not xtol >= 0:
        raise InputError(f"root 'hybr': xtol must be >= 0, got {xtol!r}")
    n = x0.size
    maxfev = maxfev or (100 if system.has_jacobian else 200) * (n + 1)
    x, f = x0.copy(), system.f0
    fnorm = np.linalg.norm(f)
    auto_scale = diag is None
    D = None if auto_scale else _checked_diag(diag, n)
    status, nit, delta, xnorm = None, 0, 0.0, 0.0
    slow_iterations = slow_jacobians = 0
    while status is None:
        J = _jacobian(system, x, f, col_deriv)
        if not np.all(np.isfinite(J)):
            status = (-1, "The Jacobian has non-finite entries at the current point.")
            break
        if auto_scale:
            norms = np.where(np.linalg.norm(J, axis=0) > 0, np.linalg.norm(J, axis=0), 1.0)
            D = norms if D is None else np.maximum(D, norms)
        if nit == 0:
            xnorm = np.linalg.norm(D * x)
            delta = factor * xnorm if xnorm > 0 else factor
        fails = successes = 0
        fresh_jacobian = True
        while status is None and fails < 2:
            nit += 1
            Q, R = np.linalg.qr(J)
            qtf = Q.T @ f
            p = dogleg(R, qtf, D, delta)
            pnorm = np.linalg.norm(D * p)
            if nit == 1:
                delta = min(delta, pnorm)
            f_new = system.fun(x + p)
            fnorm_new = np.linalg.norm(f_new) if np.all(np.isfinite(f_new)) else np.inf
            actred = 1.0 - (fnorm_new / fnorm) ** 2 if fnorm_new < fnorm else -1.0
            predicted = np.linalg.norm(qtf + R @ p)
            prered = 1.0 - (predicted / fnorm) ** 2 if predicted < fnorm else 0.0
            ratio = actred / prered if prered > 0 else 0.0
            if ratio < 0.1:
                successes, fails, delta = 0, fails + 1, 0.5 * delta
            else:
                fails, successes = 0, successes + 1
                if ratio >= 0.5 or successes > 1:
                    delta = max(delta, pnorm / 0.5)
                if abs(ratio - 1.0) <= 0.1:
                    delta = pnorm / 0.5
            f_old = f
            if ratio >= 1e-4:
                x, f, fnorm = x + p, f_new, fnorm_new
                xnorm = np.linalg.norm(D * x)
                if callback is not None:
                    callback(x.copy(), f.copy())
            slow_iterations = slow_iterations + 1 if actred < 0.001 else 0
            slow_jacobians = 0 if actred >= 0.1 else slow_jacobians + fresh_jacobian
            fresh_jacobian = False
            status = _status(delta, xtol, xnorm, fnorm, system.nfev, maxfev, pnorm,
                             slow_iterations, slow_jacobians)
            if status is None and fails < 2 and np.all(np.isfinite(f_new)):
                J = J + np.outer(f_new - f_old - J @ p, D * D * p) / pnorm ** 2
    status, message = status if isinstance(status, tuple) else (status, MESSAGES[status])
    Q, R = np.linalg.qr(J)
    return OptimizeResult(x=x, fun=f, success=status == 1, status=status, message=message,
                          nit=nit, fjac=Q, r=R[np.triu_indices(n)], qtf=Q.T @ f)


def dogleg(R: np.ndarray, qtf: np.ndarray, D: np.ndarray, delta: float) -> np.ndarray:
    """The dogleg step for ``min ||qtf + R p||`` with ``||D p|| <= delta``.

    >>> dogleg(np.eye(2), np.array([-1.0, -1.0]), np.ones(2), 10.0)
    array([1., 1.])
    """
    newton = _solve_upper(R, -qtf)
    if np.linalg.norm(D * newton) <= delta:
        return newton
    g = -(R.T @ qtf) / D                       # scaled steepest-descent direction
    gnorm = np.linalg.norm(g)
    if gnorm == 0:
        return newton * (delta / np.linalg.norm(D * newton))
    direction = g / gnorm
    curvature = np.linalg.norm(R @ (direction / D))
    cauchy_length = gnorm / curvature ** 2 if curvature > 0 else np.inf
    if cauchy_length >= delta:
        return delta * direction / D
    c, q = cauchy_length * direction, D * newton
    t = _to_sphere(c, q - c, delta)
    return (c + t * (q - c)) / D


def _solve_upper(R: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Back substitution; tiny pivots are replaced by ``eps * max|R_jj|`` as MINPACK does."""
    n = R.shape[0]
    diagonal = np.abs(np.diag(R))
    floor = _EPS * max(float(np.max(diagonal, initial=0.0)), 1.0)
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        pivot = R[i, i] if abs(R[i, i]) > floor else floor
        x[i] = (b[i] - R[i, i + 1:] @ x[i + 1:]) / pivot
    return x


def _to_sphere(a: np.ndarray, b: np.ndarray, radius: float) -> float:
    bb, ab, aa = b @ b, a @ b, a @ a - radius ** 2
    if bb == 0:
        return 0.0
    return float(min(1.0, (-ab + np.sqrt(max(ab * ab - bb * aa, 0.0))) / bb))


def _jacobian(system: Any, x: np.ndarray, f: np.ndarray, col_deriv: bool) -> np.ndarray:
    J = system.jac(x, f)
    return J.T if col_deriv else J


def _checked_diag(diag: Any, n: int) -> np.ndarray:
    D = np.asarray(diag, dtype=float)
    if D.shape != (n,) or np.any(D <= 0) or not np.all(np.isfinite(D)):
        raise InputError(f"root 'hybr': diag must hold {n} positive finite numbers, got {diag!r}")
    return D


def _status(delta, xtol, xnorm, fnorm, nfev, maxfev, pnorm, slow_iterations, slow_jacobians):
    if delta <= xtol * xnorm or fnorm == 0:
        return 1
    if nfev >= maxfev:
        return 2
    if 0.1 * max(0.1 * delta, pnorm) <= _EPS * xnorm:
        return 3
    if slow_jacobians >= 5:
        return 4
    if slow_iterations >= 10:
        return 5
    return None
