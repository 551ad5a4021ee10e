"""The trust-region driver shared by trust-ncg and trust-exact.

Nocedal & Wright (2006), Algorithm 4.1: minimise the quadratic model
``m(p) = f + g'p + p'Hp / 2`` within ``||p|| <= radius`` (the subproblem solver is the
method), accept the step when ``actual / predicted > eta``, shrink the radius by 4 when
that ratio is below 1/4, double it (up to ``max_trust_radius``) when above 3/4 on the
boundary. Statuses as scipy: 0 ``||g|| < gtol``, 1 maxiter, 2 the model predicted no
decrease, 3 linear algebra trouble (NaN), 99 callback stop.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float(x @ x), np.ones(2), method="trust-exact",
...                jac=lambda x: 2 * x, hess=lambda x: 2 * np.eye(2))
>>> res.x, res.status
(array([0., 0.]), 0)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize._nonlinear.objective import Callback, Objective, result_of
from symopt.optimize.result import OptimizeResult

__all__ = ["Subproblem", "run_trust_region", "trust_region_method"]

#: ``solve(obj, x, g, radius) -> (step, predicted decrease, on_boundary)``; the step is None
#: when the Hessian gave NaN
Subproblem = Callable[[Objective, np.ndarray, np.ndarray, float],
                      tuple[np.ndarray | None, float, bool]]

_MESSAGES = {
    0: "Optimization terminated successfully.",
    1: "Maximum number of iterations has been exceeded.",
    2: "A bad approximation caused failure to predict improvement.",
    3: "A linalg error occurred, such as a non-psd Hessian.",
    99: "`callback` raised `StopIteration`.",
}


def trust_region_method(solve: Subproblem, name: str) -> Callable[..., OptimizeResult]:
    """The ``minimize`` method ``name`` (``minimize_<name>``, in ``solve``'s module) running
    :func:`run_trust_region` with the subproblem solver ``solve``."""
    def minimize(obj: Objective, x0: np.ndarray, *, callback: Callback, gtol: float = 1e-4,
                 maxiter: int | None = None, initial_trust_radius: float = 1.0,
                 max_trust_radius: float = 1000.0, eta: float = 0.15) -> OptimizeResult:
        return run_trust_region(obj, x0, solve, callback, gtol, maxiter, initial_trust_radius,
                                max_trust_radius, eta)
    minimize.__doc__ = (f"Minimise with {name}. Options as scipy's: ``gtol`` on ``||g||_2``, "
                        "``maxiter``\n    (200 n), ``initial_trust_radius``, "
                        "``max_trust_radius``, ``eta`` (acceptance ratio).")
    minimize.__name__ = minimize.__qualname__ = "minimize_" + name.replace("-", "_")
    minimize.__module__ = solve.__module__
    return minimize


def run_trust_region(obj: Objective, x0: np.ndarray, solve: Subproblem, callback: Callback,
                     gtol: float, maxiter: int | None, initial_trust_radius: float,
                     max_trust_radius: float, eta: float) -> OptimizeResult:
    """Minimise ``obj`` from ``x0`` with trust-region steps from ``solve``."""
    _check_radii(initial_trust_radius, max_trust_radius, eta)
    maxiter = 200 * x0.size if maxiter is None else int(maxiter)
    x = x0.copy()
    f, g = obj.fun_and_grad(x)
    radius = float(initial_trust_radius)
    status, k = 1, 0
    while k < maxiter:
        if not np.all(np.isfinite(g)):
            status = 3
            break
        if np.linalg.norm(g) < gtol:
            status = 0
            break
        p, predicted, on_boundary = solve(obj, x, g, radius)
        if p is None:
            status = 3
            break
        if not predicted > 0:
            status = 2
            break
        x_new = x + p
        f_new = obj.fun(x_new)
        rho = (f - f_new) / predicted if np.isfinite(f_new) else -np.inf
        if rho < 0.25:
            radius = 0.25 * (radius if np.isfinite(f_new) else np.linalg.norm(p))
        elif rho > 0.75 and on_boundary:
            radius = min(2 * radius, max_trust_radius)
        k += 1
        if rho > eta:
            x = x_new
            f, g = obj.fun_and_grad(x)
        if callback(x, f):
            status = 99
            break
        if radius < 1e-15 * max(1.0, np.linalg.norm(x)):
            status = 2
            break
    else:
        if np.all(np.isfinite(g)) and np.linalg.norm(g) < gtol:
            status = 0
    result = result_of(x, f, g, k, status, _MESSAGES[status])
    if obj.has_hessian_matrix:
        H = obj.cached_hessian(x)
        result.hess = H if H is not None else obj.hess(x)
    return result


def _check_radii(initial: float, maximum: float, eta: float) -> None:
    if not 0 < initial <= maximum:
        raise InputError(f"initial_trust_radius must be positive and at most max_trust_radius "
                         f"({maximum}), got {initial}")
    if not 0 <= eta < 0.25:
        raise InputError(f"eta must be in [0, 0.25), got {eta}")
