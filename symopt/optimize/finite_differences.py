"""Finite-difference derivatives: `approx_derivative`, as scipy.optimize uses them.

Forward ('2-point'), central ('3-point') and complex-step ('cs') differences with
relative steps, kept inside bounds by flipping or shrinking the step.

>>> import numpy as np
>>> g = approx_derivative(lambda x: np.array([x[0] ** 2 + x[1]]), np.array([3.0, 1.0]))
>>> np.round(g, 5)
array([[6., 1.]])
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["approx_derivative", "FD_METHODS"]

FD_METHODS = ("2-point", "3-point", "cs")
_EPS = np.finfo(float).eps
_DEFAULT_REL_STEP = {"2-point": _EPS ** 0.5, "3-point": _EPS ** (1 / 3), "cs": _EPS ** 0.5}


def approx_derivative(
    fun: Callable[..., Any], x0: np.ndarray, method: str = "2-point",
    rel_step: float | np.ndarray | None = None, f0: np.ndarray | None = None,
    bounds: tuple[Any, Any] = (-np.inf, np.inf), args: tuple = (), kwargs: dict | None = None,
) -> np.ndarray:
    """Jacobian of ``fun`` at ``x0`` (shape (m, n); shape (n,) when ``fun`` returns a scalar).

    Parameters follow scipy.optimize.approx_derivative: ``rel_step`` scales the step by
    ``max(1, |x0|)``, ``f0`` saves one evaluation, ``bounds`` keeps every probe feasible.
    """
    if method not in FD_METHODS:
        raise ValueError(f"method must be one of {FD_METHODS}, got {method!r}")
    kwargs = kwargs or {}
    x0 = np.atleast_1d(np.asarray(x0, dtype=float))
    lb, ub = (np.broadcast_to(np.asarray(b, dtype=float), x0.shape) for b in bounds)

    def f(x: np.ndarray) -> np.ndarray:
        return np.atleast_1d(np.asarray(fun(x, *args, **kwargs)))

    if f0 is None:
        f0 = f(x0)
    f0 = np.atleast_1d(np.asarray(f0))
    scalar = np.ndim(fun(x0, *args, **kwargs)) == 0 if f0.size == 1 else False
    rel = _DEFAULT_REL_STEP[method] if rel_step is None else np.asarray(rel_step, dtype=float)
    h = rel * np.sign(np.where(x0 >= 0, 1.0, -1.0)) * np.maximum(1.0, np.abs(x0))
    h = _fit_steps_in_bounds(x0, h, lb, ub, central=method == "3-point")
    jac = np.empty((f0.size, x0.size), dtype=float)
    for j in range(x0.size):
        e = np.zeros_like(x0)
        if method == "2-point":
            e[j] = h[j]
            jac[:, j] = (f(x0 + e) - f0).real / ((x0[j] + h[j]) - x0[j])
        elif method == "3-point":
            e[j] = h[j]
            jac[:, j] = (f(x0 + e) - f(x0 - e)).real / ((x0[j] + h[j]) - (x0[j] - h[j]))
        else:
            e = e.astype(complex)
            e[j] = 1j * h[j]
            jac[:, j] = f(x0 + e).imag / h[j]
    return jac[0] if scalar else jac


def _fit_steps_in_bounds(x0: np.ndarray, h: np.ndarray, lb: np.ndarray, ub: np.ndarray,
                         central: bool) -> np.ndarray:
    """Flip (one-sided) or shrink (central) steps that would leave the bounds."""
    h = h.copy()
    if central:
        room = np.minimum(ub - x0, x0 - lb)
        h = np.where(np.abs(h) > room, np.maximum(room, 0.0) * np.sign(h), h)
        h[h == 0] = _EPS ** (1 / 3)
        return h
    outside = (x0 + h > ub) | (x0 + h < lb)
    h[outside] = -h[outside]
    return h
