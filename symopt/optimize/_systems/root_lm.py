"""root(method='lm'): solve ``f(x) = 0`` in the least-squares sense by Levenberg-Marquardt.

A thin adapter over :func:`symopt.optimize._systems.lm.least_squares_lm`; the system need not be
square (at least as many equations as unknowns). Success means the least-squares iteration
converged; check ``fun`` to see whether it found a root or only a least-squares point.

>>> import numpy as np
>>> from symopt.optimize import root
>>> r = root(lambda x: [x[0] + x[1] - 3.0, x[0] - x[1] - 1.0], [0.0, 0.0], method="lm")
>>> np.round(r.x, 10), r.success
(array([2., 1.]), True)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize._systems.lm import least_squares_lm
from symopt.optimize.result import OptimizeResult

__all__ = ["root_lm"]


def root_lm(system: Any, x0: np.ndarray, *, callback: Callable | None = None,
            xtol: float = 1.49012e-08, ftol: float = 1.49012e-08, gtol: float = 0.0,
            maxiter: int = 0, factor: float = 100.0, diag: Any = None,
            col_deriv: bool = False) -> OptimizeResult:
    """Levenberg-Marquardt on the residuals of ``system``.

    Options as scipy's 'lm': ``xtol``, ``ftol``, ``gtol`` (see :mod:`symopt.optimize._systems.lm` for
    their exact meaning), ``maxiter`` (function evaluations; 0 means ``100 * (n + 1)``),
    ``factor`` (initial radius), ``diag`` (fixed variable scales instead of automatic ones),
    ``col_deriv`` (jac returns the transpose).
    """
    n = x0.size
    if system.f0.size < n:
        raise InputError(f"root 'lm' needs at least as many equations as unknowns; got "
                         f"{system.f0.size} equations for {n} unknowns")
    for name, value in (("xtol", xtol), ("ftol", ftol), ("gtol", gtol)):
        if not value >= 0:
            raise InputError(f"root 'lm': {name} must be >= 0, got {value!r}")

    def jac(x: np.ndarray, f: np.ndarray) -> np.ndarray:
        J = system.jac(x, f)
        return J.T if col_deriv else J

    def report(x: np.ndarray, f: np.ndarray, cost: float) -> bool:
        callback(x, f)
        return False

    x_scale: Any = "jac" if diag is None else 1.0 / np.asarray(diag, dtype=float)
    result = least_squares_lm(system.fun, jac, x0, system.f0, ftol=ftol, xtol=xtol, gtol=gtol,
                              max_nfev=maxiter or 100 * (n + 1), x_scale=x_scale,
                              initial_step=factor, callback=None if callback is None else report)
    J = result.pop("jac")
    result.pop("cost")
    result["fjac"] = J
    result["cov_x"] = _covariance(J)
    return result


def _covariance(J: np.ndarray) -> np.ndarray | None:
    """``(J^T J)^-1`` as scipy's leastsq reports it, or None when J is rank deficient."""
    _, s, Vt = np.linalg.svd(J, full_matrices=False)
    if s.size == 0 or s[-1] <= np.finfo(float).eps * max(J.shape) * s[0]:
        return None
    return (Vt.T / s ** 2) @ Vt
