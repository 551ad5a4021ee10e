"""L-BFGS-B: limited-memory BFGS inside bounds (Byrd, Lu, Nocedal & Zhu 1995).

Each iteration (1) finds the generalized Cauchy point along the projected steepest-descent
path of the quadratic model ``B = theta I - W M W'`` (the compact form of Byrd, Nocedal &
Schnabel 1994, kept in :mod:`symopt.optimize._nonlinear.lbfgs_memory`), (2) minimises the model over
the variables still free there (direct primal method, Sherman-Morrison-Woodbury), projecting
the result into the box, and (3) runs the shared strong-Wolfe line search along the step,
never leaving the box. Without finite bounds steps (1)-(2) reduce to the L-BFGS direction,
computed by the two-loop recursion instead: the same step, fewer rounding errors on badly
scaled problems. ``hess_inv`` is the final estimate as an operator (``@``,
``todense()``), as scipy's. Statuses as scipy: 0 converged (projected gradient or relative
reduction of f), 1 maxiter / maxfun, 2 the line search failed, 3 NaN, 99 callback stop.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float(np.sum((x - 2.0) ** 2)), np.zeros(2), method="L-BFGS-B",
...                jac=lambda x: 2 * (x - 2.0), bounds=[(0, 1), (None, None)])
>>> np.round(res.x, 6), res.status
(array([1., 2.]), 0)
"""
from __future__ import annotations

import numpy as np

from symopt.optimize._nonlinear.lbfgs_memory import InverseHessianProduct, LbfgsMemory
from symopt.optimize._nonlinear.linesearch import wolfe_line_search
from symopt.optimize._nonlinear.objective import Callback, Objective, result_of
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_lbfgsb", "projected_gradient"]

_MESSAGES = {
    "pgtol": "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL",
    "ftol": "CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH",
    "maxiter": "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT",
    "maxfun": "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT",
    "linesearch": "ABNORMAL: ROUNDING ERRORS PREVENT PROGRESS",
    "nan": "NaN result encountered.",
    "callback": "`callback` raised `StopIteration`.",
}
_STATUS = {"pgtol": 0, "ftol": 0, "maxiter": 1, "maxfun": 1, "linesearch": 2, "nan": 3,
           "callback": 99}


def projected_gradient(x: np.ndarray, g: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """``P(x - g) - x``: zero exactly at a first-order point of the box problem."""
    return np.clip(x - g, lb, ub) - x


def minimize_lbfgsb(obj: Objective, x0: np.ndarray, *, callback: Callback,
                    bounds: tuple[np.ndarray, np.ndarray] | None = None, maxcor: int = 10,
                    ftol: float = 2.2204460492503131e-09, gtol: float = 1e-5,
                    maxfun: int = 15000, maxiter: int = 15000, maxls: int = 20,
                    iprint: int = -1) -> OptimizeResult:
    """Minimise with L-BFGS-B.

    Options (scipy's names): ``maxcor`` (memory pairs), ``ftol`` (relative reduction of f),
    ``gtol`` (infinity norm of the projected gradient), ``maxfun``, ``maxiter``, ``maxls``
    (line-search trials); ``iprint`` is accepted and ignored.
    """
    n = x0.size
    lb, ub = bounds if bounds is not None else (np.full(n, -np.inf), np.full(n, np.inf))
    x = np.clip(x0, lb, ub)
    f, g = obj.fun_and_grad(x)
    memory = LbfgsMemory(n, int(maxcor))
    reason, k = "maxiter", 0
    while k < maxiter:
        if not np.isfinite(f) or not np.all(np.isfinite(g)):
            reason = "nan"
            break
        if np.max(np.abs(projected_gradient(x, g, lb, ub)), initial=0.0) <= gtol:
            reason = "pgtol"
            break
        if obj.nfev >= maxfun:
            reason = "maxfun"
            break
        step = _search(obj, x, f, g, lb, ub, memory, maxls)
        if step is None and memory.size:
            memory.reset()
            step = _search(obj, x, f, g, lb, ub, memory, maxls)
        if step is None:
            reason = "linesearch"
            break
        x_new, f_new, g_new = step
        memory.add(x_new - x, g_new - g)
        k += 1
        reduction = (f - f_new) / max(abs(f), abs(f_new), 1.0)
        x, f, g = x_new, f_new, g_new
        if callback(x, f):
            reason = "callback"
            break
        if reduction <= ftol:
            reason = "ftol"
            break
    return result_of(x, f, g, k, _STATUS[reason], _MESSAGES[reason],
                     hess_inv=InverseHessianProduct(memory.S, memory.Y))


def _search(obj: Objective, x: np.ndarray, f: float, g: np.ndarray, lb: np.ndarray,
            ub: np.ndarray, memory: LbfgsMemory, maxls: int):
    """Cauchy point, subspace step and line search: the next (x, f, g), or None."""
    if memory.size and not (np.any(np.isfinite(lb)) or np.any(np.isfinite(ub))):
        d = -(InverseHessianProduct(memory.S, memory.Y) @ g)
        x_cp = x - g
    else:
        x_cp, c = memory.cauchy_point(x, g, lb, ub)
        d = memory.subspace_minimum(x, g, x_cp, c, lb, ub) - x
    if not float(g @ d) < 0:
        d = x_cp - x
        if not float(g @ d) < 0:
            return None
    stpmax = _max_step(x, d, lb, ub)
    alpha0 = min(1.0 / np.linalg.norm(d), stpmax) if memory.size == 0 else min(1.0, stpmax)
    step = wolfe_line_search(obj, x, d, f, g, alpha0, c1=1e-3, c2=0.9, amax=stpmax,
                             maxiter=maxls)
    if step is None:
        return None
    return np.clip(x + step.alpha * d, lb, ub), step.f, step.g


def _max_step(x: np.ndarray, d: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> float:
    """Largest ``t`` with ``x + t d`` inside the box (inf when nothing bounds the move)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t_up = np.where(d > 0, (ub - x) / d, np.inf)
        t_lo = np.where(d < 0, (lb - x) / d, np.inf)
    return float(max(np.min(np.minimum(t_up, t_lo), initial=np.inf), 0.0))
