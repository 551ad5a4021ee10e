"""Newton-CG: a truncated Newton method (line-search variant).

Nocedal & Wright (2006), Algorithm 7.1: the Newton system ``H p = -g`` is solved inexactly
by conjugate gradients, stopped at the residual ``min(0.5, sqrt(||g||_1)) ||g||_1`` or at
negative curvature, then a strong-Wolfe line search takes the step, always trying the full
Newton step first (scipy may try a shorter one; on the MGH set the full step needs fewer
evaluations). ``H`` is used only
through products: ``hessp``, a ``hess`` matrix (evaluated once per iteration) or finite
differences of the gradient. Stops, as scipy, when the step's 1-norm is at most ``n xtol``
(``xtol`` is an average per variable).
Statuses as scipy: 0 converged, 1 maxiter, 2 precision loss, 3 NaN, 99 callback stop.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float(np.sum(x ** 4 + x ** 2)), np.ones(2), method="Newton-CG",
...                jac=lambda x: 4 * x ** 3 + 2 * x, hess=lambda x: np.diag(12 * x ** 2 + 2))
>>> bool(np.all(np.abs(res.x) < 1e-5)), res.status
(True, 0)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from symopt.optimize._nonlinear.linesearch import wolfe_line_search
from symopt.optimize._nonlinear.objective import Callback, Objective, result_of
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_newton_cg", "hessian_product"]


def hessian_product(obj: Objective, x: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``p -> H(x) p``, evaluating a Hessian matrix at most once for this ``x``."""
    if obj.has_hessian_matrix:
        H = obj.hess(x)
        return lambda p: H @ p
    return lambda p: obj.hessp(x, p)


def minimize_newton_cg(obj: Objective, x0: np.ndarray, *, callback: Callback,
                       xtol: float = 1e-5, maxiter: int | None = None, c1: float = 1e-4,
                       c2: float = 0.9) -> OptimizeResult:
    """Minimise with line-search Newton-CG.

    Options (scipy's names): ``xtol`` (average per variable) on the 1-norm of the step,
    ``maxiter`` (200 n),
    Wolfe constants ``c1``, ``c2``.
    """
    n = x0.size
    maxiter = 200 * n if maxiter is None else int(maxiter)
    x = x0.copy()
    f, g = obj.fun_and_grad(x)
    status, k = 1, 0
    while k < maxiter:
        if not np.all(np.isfinite(g)):
            status = 3
            break
        if not np.any(g):
            status = 0
            break
        p = _newton_direction(hessian_product(obj, x), g, 20 * n)
        if p is None:
            status = 3
            break
        if not np.any(p):              # the Newton step vanished: nothing left to gain
            status = 0
            break
        step = wolfe_line_search(obj, x, p, f, g, 1.0, c1=c1, c2=c2)
        if step is None:
            status = 2
            break
        s = step.alpha * p
        x, f, g = x + s, step.f, step.g
        k += 1
        if callback(x, f):
            status = 99
            break
        if np.sum(np.abs(s)) <= n * xtol:
            status = 0
            break
    return result_of(x, f, g, k, status)


def _newton_direction(Hp: Callable[[np.ndarray], np.ndarray], g: np.ndarray,
                      maxiter: int) -> np.ndarray | None:
    """Truncated CG on ``H p = -g``: a descent direction, zero when ``H`` shows no
    measurable curvature along ``g`` (as scipy: the solve then stops), None on NaN."""
    g_norm1 = float(np.sum(np.abs(g)))
    tol = min(0.5, np.sqrt(g_norm1)) * g_norm1
    p = np.zeros_like(g)
    r = -g.copy()
    d = r.copy()
    rr = float(r @ r)
    for i in range(maxiter):
        if np.sum(np.abs(r)) <= tol:
            break
        Hd = Hp(d)
        curvature = float(d @ Hd)
        if not np.isfinite(curvature):
            return None
        if 0 <= curvature <= 3 * np.finfo(float).eps:   # no measurable curvature left
            break
        if curvature < 0:
            if i == 0:
                return -g * (rr / -curvature)
            break
        alpha = rr / curvature
        p += alpha * d
        r -= alpha * Hd
        rr_new = float(r @ r)
        d = r + (rr_new / rr) * d
        rr = rr_new
    return p
