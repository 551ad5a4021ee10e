"""Nonlinear conjugate gradients, Polak-Ribiere+ with a strong-Wolfe line search.

Nocedal & Wright (2006), section 5.2: ``beta = max(0, g1'(g1 - g0) / g0'g0)`` with a
strong-Wolfe line search (``c2 = 0.4``, as scipy). The sufficient-descent condition
``p'g <= -0.01 g'g`` that PR+ needs (Gilbert & Nocedal 1992) is enforced by cutting
``beta`` (scipy instead searches on for a step that meets it, which costs evaluations);
a failed line search is retried once along ``-g``. Statuses as scipy: 0 converged (``||g||_inf <= gtol``), 1 maxiter,
2 precision loss, 3 NaN, 99 callback stop.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
>>> res = minimize(lambda x: 0.5 * x @ A @ x - x[0], np.zeros(2), method="CG",
...                jac=lambda x: A @ x - np.array([1.0, 0.0]))
>>> np.round(res.x, 6)
array([ 0.4, -0.2])
"""
from __future__ import annotations

import numpy as np

from symopt.optimize._nonlinear.bfgs import first_step_length
from symopt.optimize._nonlinear.linesearch import wolfe_line_search
from symopt.optimize._nonlinear.objective import Callback, Objective, gradient_status, result_of
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_cg"]


def minimize_cg(obj: Objective, x0: np.ndarray, *, callback: Callback, gtol: float = 1e-5,
                norm: float = np.inf, maxiter: int | None = None, c1: float = 1e-4,
                c2: float = 0.4) -> OptimizeResult:
    """Minimise with Polak-Ribiere+ conjugate gradients.

    Options (scipy's names): ``gtol`` on ``||g||_norm``, ``norm``, ``maxiter`` (200 n),
    Wolfe constants ``c1``, ``c2``.
    """
    maxiter = 200 * x0.size if maxiter is None else int(maxiter)
    x = x0.copy()
    f, g = obj.fun_and_grad(x)
    p = -g
    previous_f = None
    status, k = 1, 0
    while k < maxiter:
        stop = gradient_status(g, gtol, norm)
        if stop is not None:
            status = stop
            break
        if not float(g @ p) <= -0.01 * float(g @ g):
            p = -g
        step = wolfe_line_search(obj, x, p, f, g, first_step_length(f, g, p, previous_f),
                                 c1=c1, c2=c2)
        if step is None and np.any(p != -g):
            p = -g
            step = wolfe_line_search(obj, x, p, f, g, first_step_length(f, g, p, None),
                                     c1=c1, c2=c2)
        if step is None:
            status = 2
            break
        beta = _beta(g, step.g, p)
        previous_f, x, f, g = f, x + step.alpha * p, step.f, step.g
        p = -g + beta * p
        k += 1
        if callback(x, f):
            status = 99
            break
    else:
        if np.linalg.norm(g, ord=norm) <= gtol:
            status = 0
    return result_of(x, f, g, k, status)


def _beta(g: np.ndarray, g_new: np.ndarray, p: np.ndarray) -> float:
    """Polak-Ribiere+ ``max(0, g_new'(g_new - g) / g'g)``, cut so that the next direction
    ``-g_new + beta p`` satisfies ``p_new'g_new <= -0.01 g_new'g_new``."""
    beta = max(0.0, float(g_new @ (g_new - g)) / float(g @ g))
    gp = float(g_new @ p)
    if gp > 0:
        beta = min(beta, 0.99 * float(g_new @ g_new) / gp)
    return beta
