"""trust-ncg: Newton trust region with the Steihaug-Toint truncated CG subproblem.

Nocedal & Wright (2006), Algorithm 7.2: CG on ``H p = -g`` from ``p = 0``, stopped at the
residual ``min(0.5, sqrt(||g||)) ||g||``, at the trust-region boundary, or along a direction
of negative curvature taken to the boundary. The Hessian is used only through products
(``hessp``, a ``hess`` matrix evaluated once per iteration, or finite differences).

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float(np.sum((x - 1) ** 2)), np.zeros(3), method="trust-ncg",
...                jac=lambda x: 2 * (x - 1), hessp=lambda x, p: 2 * p)
>>> np.round(res.x, 8), res.status
(array([1., 1., 1.]), 0)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from symopt.optimize._nonlinear.newton_cg import hessian_product
from symopt.optimize._nonlinear.objective import Objective
from symopt.optimize._nonlinear.trust_region import trust_region_method

__all__ = ["minimize_trust_ncg", "steihaug_step", "boundary_tau"]


def _solve(obj: Objective, x: np.ndarray, g: np.ndarray,
           radius: float) -> tuple[np.ndarray | None, float, bool]:
    Hp = hessian_product(obj, x)
    p, on_boundary = steihaug_step(Hp, g, radius)
    if p is None:
        return None, 0.0, False
    predicted = -(float(g @ p) + 0.5 * float(p @ Hp(p)))
    return p, predicted, on_boundary


minimize_trust_ncg = trust_region_method(_solve, "trust-ncg")


def steihaug_step(Hp: Callable[[np.ndarray], np.ndarray], g: np.ndarray,
                  radius: float) -> tuple[np.ndarray | None, bool]:
    """Approximate minimiser of ``g'p + p'Hp/2`` in ``||p|| <= radius``; (None, _) on NaN."""
    g_norm = float(np.linalg.norm(g))
    tol = min(0.5, np.sqrt(g_norm)) * g_norm
    p = np.zeros_like(g)
    r = g.copy()
    d = -r
    rr = float(r @ r)
    for _ in range(max(2 * g.size, 20)):
        Hd = Hp(d)
        curvature = float(d @ Hd)
        if not np.isfinite(curvature):
            return None, False
        if curvature <= 0:
            return _to_boundary_along(p, d, g, Hp, radius), True
        alpha = rr / curvature
        p_next = p + alpha * d
        if np.linalg.norm(p_next) >= radius:
            return p + boundary_tau(p, d, radius) * d, True
        p = p_next
        r = r + alpha * Hd
        rr_next = float(r @ r)
        if np.sqrt(rr_next) < tol:
            break
        d = -r + (rr_next / rr) * d
        rr = rr_next
    return p, False


def boundary_tau(p: np.ndarray, d: np.ndarray, radius: float) -> float:
    """The positive ``tau`` with ``||p + tau d|| = radius`` (``||p|| <= radius``)."""
    a, b, c = float(d @ d), 2 * float(p @ d), float(p @ p) - radius ** 2
    return (-b + np.sqrt(max(b * b - 4 * a * c, 0.0))) / (2 * a)


def _to_boundary_along(p: np.ndarray, d: np.ndarray, g: np.ndarray,
                       Hp: Callable[[np.ndarray], np.ndarray], radius: float) -> np.ndarray:
    """Of the two boundary points on ``p + tau d``, the one with the lower model value."""
    a, b, c = float(d @ d), 2 * float(p @ d), float(p @ p) - radius ** 2
    root = np.sqrt(max(b * b - 4 * a * c, 0.0))
    candidates = [p + ((-b + root) / (2 * a)) * d, p + ((-b - root) / (2 * a)) * d]
    return min(candidates, key=lambda q: float(g @ q) + 0.5 * float(q @ Hp(q)))
