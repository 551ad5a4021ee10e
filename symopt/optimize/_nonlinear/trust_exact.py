"""trust-exact: Newton trust region with the subproblem solved (nearly) exactly.

The step is ``p(lam) = -(H + lam I)^{-1} g`` with the smallest ``lam >= max(0, -lam_min)``
giving ``||p|| <= radius`` (Moré & Sorensen 1983; Nocedal & Wright 2006, section 4.3). The
secular equation ``1/||p(lam)|| = 1/radius`` is solved by safeguarded Newton steps in the
eigenbasis of ``H`` (one symmetric eigendecomposition per iteration), which also handles the
"hard case" exactly by adding the lowest eigenvector.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float(x[0] ** 2 - x[1] ** 2 + x[1] ** 4), np.array([1.0, 0.0]),
...                method="trust-exact", jac=lambda x: np.array([2 * x[0], -2 * x[1] + 4 * x[1] ** 3]),
...                hess=lambda x: np.diag([2.0, -2 + 12 * x[1] ** 2]))
>>> np.round(np.abs(res.x), 4), res.status
(array([0.    , 0.7071]), 0)
"""
from __future__ import annotations

import numpy as np

from symopt.optimize._nonlinear.objective import Objective
from symopt.optimize._nonlinear.trust_region import trust_region_method

__all__ = ["minimize_trust_exact", "exact_step"]


def _solve(obj: Objective, x: np.ndarray, g: np.ndarray,
           radius: float) -> tuple[np.ndarray | None, float, bool]:
    H = obj.hess(x)
    if not np.all(np.isfinite(H)):
        return None, 0.0, False
    p, on_boundary = exact_step(0.5 * (H + H.T), g, radius)
    predicted = -(float(g @ p) + 0.5 * float(p @ H @ p))
    return p, predicted, on_boundary


minimize_trust_exact = trust_region_method(_solve, "trust-exact")


def exact_step(H: np.ndarray, g: np.ndarray, radius: float) -> tuple[np.ndarray, bool]:
    """Global minimiser of ``g'p + p'Hp/2`` in ``||p|| <= radius``, and whether on the boundary."""
    lam, Q = np.linalg.eigh(H)
    gq = Q.T @ g
    scale = max(1.0, float(np.max(np.abs(lam))))
    if lam[0] > 1e-14 * scale:
        p = -gq / lam
        if np.linalg.norm(p) <= radius:
            return Q @ p, False
    shift = max(0.0, -float(lam[0]))
    low = lam <= lam[0] + 1e-12 * scale
    if np.linalg.norm(gq[low]) <= 1e-12 * max(1.0, np.linalg.norm(gq)):
        denom = lam[~low] + shift
        p = np.zeros_like(gq)
        p[~low] = -gq[~low] / np.where(denom > 0, denom, np.inf)
        if np.linalg.norm(p) <= radius:          # the hard case
            z = np.zeros_like(gq)
            z[np.flatnonzero(low)[0]] = 1.0
            p += np.sqrt(max(radius ** 2 - float(p @ p), 0.0)) * z
            return Q @ p, True
    return Q @ _boundary_solution(lam, gq, radius, shift), True


def _boundary_solution(lam: np.ndarray, gq: np.ndarray, radius: float,
                       shift: float) -> np.ndarray:
    """``p(mu)`` with ``||p(mu)|| = radius`` for ``mu > shift``, by safeguarded Newton."""
    lo, hi = shift, shift + np.linalg.norm(gq) / radius + 1e-300
    mu = hi
    for _ in range(100):
        d = lam + mu
        if np.any(d <= 0):
            mu = 0.5 * (lo + hi)
            continue
        p = -gq / d
        norm = float(np.linalg.norm(p))
        if abs(norm - radius) <= 1e-10 * radius:
            break
        if norm > radius:
            lo = mu
        else:
            hi = mu
        dnorm = -float(np.sum(gq ** 2 / d ** 3)) / norm
        mu_newton = mu - (1 / norm - 1 / radius) / (-dnorm / norm ** 2)
        mu = mu_newton if lo < mu_newton < hi else 0.5 * (lo + hi)
    return -gq / (lam + mu)
