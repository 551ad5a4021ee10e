"""Finite-difference derivatives: `approx_derivative`, as scipy.optimize uses them.

Forward ('2-point'), central ('3-point') and complex-step ('cs') differences with relative
steps ``rel_step * max(1, |x|)``; every probe stays inside the bounds:

- '2-point' flips a step that would leave the box to the other side (and shrinks it when
  neither side has room);
- '3-point' uses the central formula where both sides fit, and the one-sided second-order
  formula ``(-3 f(x) + 4 f(x + h) - f(x + 2h)) / (2h)`` on the side with room otherwise;
- 'cs' needs a function that accepts complex input and is real-analytic.

``approx_derivative`` never calls ``fun`` at ``x0`` when ``f0`` is given.

>>> import numpy as np
>>> g = approx_derivative(lambda x: np.array([x[0] ** 2 + x[1]]), np.array([3.0, 1.0]))
>>> np.round(g, 5)
array([[6., 1.]])
>>> J = approx_derivative(lambda x: x ** 3, np.array([1.0]), method="3-point",
...                       bounds=(1.0, 2.0))    # one-sided at the lower bound
>>> np.round(J, 6)
array([[3.]])
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.errors import InputError

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
        raise InputError(f"finite-difference method must be one of {FD_METHODS}, "
                         f"got {method!r}")
    kwargs = kwargs or {}
    x0 = np.atleast_1d(np.asarray(x0, dtype=float))
    lb, ub = (np.broadcast_to(np.asarray(b, dtype=float), x0.shape) for b in bounds)
    if np.any((x0 < lb) | (x0 > ub)):
        raise InputError("approx_derivative: x0 lies outside the bounds")
    shapes: list[int] = []

    def f(x: np.ndarray) -> np.ndarray:
        out = np.asarray(fun(x, *args, **kwargs))
        shapes.append(out.ndim)
        return np.atleast_1d(out)

    if f0 is None:
        f0 = f(x0)
    f0 = np.atleast_1d(np.asarray(f0))
    rel = _DEFAULT_REL_STEP[method] if rel_step is None else np.asarray(rel_step, dtype=float)
    h = rel * np.where(x0 >= 0, 1.0, -1.0) * np.maximum(1.0, np.abs(x0))
    h = np.broadcast_to(h, x0.shape).astype(float)
    jac = np.empty((f0.size, x0.size), dtype=float)
    for j in range(x0.size):
        jac[:, j] = _column(f, x0, f0, j, h[j], lb[j], ub[j], method)
    scalar = f0.size == 1 and bool(shapes) and shapes[-1] == 0
    return jac[0] if scalar else jac


def _column(f, x0, f0, j, h, lb, ub, method):
    """One Jacobian column by the chosen scheme, with the step fitted into [lb, ub]."""
    e = np.zeros_like(x0)
    if method == "cs":
        e = e.astype(complex)
        e[j] = 1j * h
        return f(x0 + e).imag / h
    if method == "2-point":
        h = _one_sided_step(x0[j], h, lb, ub, reach=1)
        e[j] = h
        return (f(x0 + e) - f0).real / ((x0[j] + h) - x0[j])
    room_up, room_down = ub - x0[j], x0[j] - lb
    if min(room_up, room_down) >= abs(h):
        e[j] = abs(h)
        return (f(x0 + e) - f(x0 - e)).real / ((x0[j] + e[j]) - (x0[j] - e[j]))
    h = _one_sided_step(x0[j], h, lb, ub, reach=2)
    e[j] = h
    f1, f2 = f(x0 + e), f(x0 + 2 * e)
    return (-3.0 * f0 + 4.0 * f1 - f2).real / (2.0 * ((x0[j] + h) - x0[j]))


def _one_sided_step(x: float, h: float, lb: float, ub: float, reach: int) -> float:
    """A step ``h`` with ``x + reach * h`` inside [lb, ub]: flipped, or shrunk to the room."""
    if lb <= x + reach * h <= ub:
        return h
    if lb <= x - reach * h <= ub:
        return -h
    room_up, room_down = ub - x, x - lb
    if room_up >= room_down:
        return room_up / reach
    return -room_down / reach
