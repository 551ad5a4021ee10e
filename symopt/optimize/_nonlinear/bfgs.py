"""BFGS: quasi-Newton with an inverse-Hessian update and a strong-Wolfe line search.

Nocedal & Wright (2006), Algorithm 6.1, started from the identity (or ``hess_inv0``); the
first trial step repeats the last decrease, as scipy's. (Rescaling the start matrix by
``y's / y'y``, their eq. 6.20, cost more evaluations on the MGH set, so it is not done.)
Statuses as scipy: 0 converged (``||g||_inf <= gtol``), 1 maxiter, 2 precision loss
(line search failed), 3 NaN met, 99 callback stop.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float(np.sum((x - 2.0) ** 2)), np.zeros(3), method="BFGS",
...                jac=lambda x: 2 * (x - 2.0))
>>> np.round(res.x, 6), res.status
(array([2., 2., 2.]), 0)
"""
from __future__ import annotations

import numpy as np

from symopt.optimize._nonlinear.linesearch import wolfe_line_search
from symopt.optimize._nonlinear.objective import Callback, Objective, gradient_status, result_of
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_bfgs", "first_step_length"]


def first_step_length(f: float, g: np.ndarray, p: np.ndarray, previous_f: float | None) -> float:
    """Initial trial step: the one that would give the last decrease again (capped at 1)."""
    slope = float(g @ p)
    previous_f = f + np.linalg.norm(g) / 2 if previous_f is None else previous_f
    if slope < 0 and np.isfinite(previous_f) and previous_f > f:
        return float(min(1.0, 1.01 * 2 * (f - previous_f) / slope))
    return 1.0


def minimize_bfgs(obj: Objective, x0: np.ndarray, *, callback: Callback, gtol: float = 1e-5,
                  norm: float = np.inf, maxiter: int | None = None, xrtol: float = 0.0,
                  c1: float = 1e-4, c2: float = 0.9,
                  hess_inv0: np.ndarray | None = None) -> OptimizeResult:
    """Minimise with BFGS; ``hess_inv`` of the result is the final inverse-Hessian estimate.

    Options (scipy's names): ``gtol`` on ``||g||_norm``, ``norm``, ``maxiter`` (200 n),
    ``xrtol`` (stop when the step is below ``xrtol * ||x||``), Wolfe constants ``c1``,
    ``c2``, ``hess_inv0`` the start matrix.
    """
    n = x0.size
    maxiter = 200 * n if maxiter is None else int(maxiter)
    x = x0.copy()
    f, g = obj.fun_and_grad(x)
    H = np.eye(n) if hess_inv0 is None else np.array(hess_inv0, dtype=float)
    previous_f = None
    status, k = 1, 0
    while k < maxiter:
        stop = gradient_status(g, gtol, norm)
        if stop is not None:
            status = stop
            break
        p = -H @ g
        if not float(g @ p) < 0:       # H lost positive definiteness: restart
            H, p = np.eye(n), -g
        step = wolfe_line_search(obj, x, p, f, g, first_step_length(f, g, p, previous_f),
                                 c1=c1, c2=c2)
        if step is None:
            status = 2
            break
        s = step.alpha * p
        y = step.g - g
        previous_f, x, f, g = f, x + s, step.f, step.g
        k += 1
        if callback(x, f):
            status = 99
            break
        if np.linalg.norm(s) <= xrtol * np.linalg.norm(x):
            status = 0
            break
        sy = float(s @ y)
        if sy <= 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            continue
        H = _updated_inverse(H, s, y, sy)
    else:
        if np.linalg.norm(g, ord=norm) <= gtol:
            status = 0
    if status == 3 or not np.isfinite(f):
        status = 3
    return result_of(x, f, g, k, status, hess_inv=H)


def _updated_inverse(H: np.ndarray, s: np.ndarray, y: np.ndarray, sy: float) -> np.ndarray:
    """The BFGS inverse update ``(I - rho s y') H (I - rho y s') + rho s s'``."""
    rho = 1.0 / sy
    Hy = H @ y
    return (H - rho * (np.outer(s, Hy) + np.outer(Hy, s))
            + (rho * rho * float(y @ Hy) + rho) * np.outer(s, s))
