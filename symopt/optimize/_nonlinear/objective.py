"""`Objective`: the scalar function a minimize method sees, with counted derivatives.

The front door (:mod:`symopt.optimize._minimize`) builds one from the user's ``fun``,
``jac``, ``hess`` and ``hessp``; every method calls ``fun``, ``grad``, ``fun_and_grad``,
``hess`` and ``hessp`` on it and never counts anything itself. Values at the last point
are cached, so ``jac=True`` costs one call for both value and gradient.

>>> import numpy as np
>>> obj = Objective(lambda x: float(x @ x), np.zeros(2), jac=lambda x: 2 * x)
>>> obj.fun_and_grad(np.array([1.0, 2.0]))
(5.0, array([2., 4.]))
>>> obj.nfev, obj.njev
(1, 1)
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.finite_differences import approx_derivative
from symopt.optimize.result import OptimizeResult

__all__ = ["Objective", "Callback", "MESSAGES", "finite_or_inf", "gradient_status", "result_of"]


def finite_or_inf(value: float) -> float:
    """``value`` when finite, else ``inf``: a non-finite value is treated as 'too large'."""
    return value if np.isfinite(value) else np.inf


def gradient_status(g: np.ndarray, gtol: float, norm: float) -> int | None:
    """The stop status of a gradient method at gradient ``g``: 3 when ``g`` is not finite, 0
    when ``||g||_norm <= gtol``, None to go on.

    >>> gradient_status(np.array([1e-6, 0.0]), 1e-5, np.inf), gradient_status(np.ones(2), 1e-5, 2)
    (0, None)
    """
    if not np.all(np.isfinite(g)):
        return 3
    if np.linalg.norm(g, ord=norm) <= gtol:
        return 0
    return None


class Objective:
    """``fun`` with its gradient and Hessian (exact, ``jac=True``, or finite differences)."""

    def __init__(self, fun: Callable[..., Any], x0: np.ndarray, args: tuple = (),
                 jac: Any = None, hess: Any = None, hessp: Any = None,
                 bounds: tuple[np.ndarray, np.ndarray] | None = None,
                 fd_method: str = "2-point", rel_step: Any = None, epsilon: Any = None):
        self._fun, self._args = fun, args
        self._jac, self._hess, self._hessp = jac, hess, hessp
        self._fd_method, self._rel_step, self._epsilon = fd_method, rel_step, epsilon
        self._bounds = _probe_bounds(bounds)
        self.n = x0.size
        self.nfev = self.njev = self.nhev = 0
        self._x_f: np.ndarray | None = None
        self._x_g: np.ndarray | None = None
        self._x_h: np.ndarray | None = None
        self._H = np.zeros((0, 0))
        self._f = np.nan
        self._g = np.zeros(self.n)

    @property
    def has_exact_hessian(self) -> bool:
        return callable(self._hess) or callable(self._hessp)

    @property
    def has_hessian_matrix(self) -> bool:
        """True when ``hess`` is a callable returning the matrix (not only products)."""
        return callable(self._hess)

    def fun(self, x: np.ndarray) -> float:
        if self._x_f is not None and np.array_equal(x, self._x_f):
            return self._f
        if self._jac is True:
            return self.fun_and_grad(x)[0]
        self._f = self._call_fun(x)
        self._x_f = x.copy()
        return self._f

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.fun_and_grad(x)[1]

    def fun_and_grad(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        if self._x_g is not None and np.array_equal(x, self._x_g):
            return self._f, self._g
        if self._jac is True:
            self.nfev += 1
            self.njev += 1
            out = self._fun(x, *self._args)
            if not (isinstance(out, tuple) and len(out) == 2):
                raise InputError("jac=True needs fun to return a tuple (value, gradient)")
            self._f = _scalar(out[0])
            g = out[1]
        else:
            self._f = self.fun(x)
            self.njev += 1
            g = self._jac(x, *self._args) if callable(self._jac) else self._fd_grad(x)
        self._g = self._check_gradient(g)
        self._x_f = self._x_g = x.copy()
        return self._f, self._g

    def hess(self, x: np.ndarray) -> np.ndarray:
        if self._x_h is not None and np.array_equal(x, self._x_h):
            return self._H
        self._H = self._new_hess(x)
        self._x_h = x.copy()
        return self._H

    def cached_hessian(self, x: np.ndarray) -> np.ndarray | None:
        """The Hessian matrix already evaluated at ``x``, or None."""
        if self._x_h is not None and np.array_equal(x, self._x_h):
            return self._H
        return None

    def _new_hess(self, x: np.ndarray) -> np.ndarray:
        self.nhev += 1
        if callable(self._hess):
            H = np.atleast_2d(np.asarray(self._hess(x, *self._args), dtype=float))
            if H.shape != (self.n, self.n):
                raise InputError(f"hess must return an array of shape ({self.n}, {self.n}), "
                                 f"got shape {H.shape}")
            return H
        if callable(self._hessp):
            return np.column_stack([self.hessp(x, e) for e in np.eye(self.n)])
        g0 = self.grad(x)
        method = self._hess if isinstance(self._hess, str) else "2-point"
        H = approx_derivative(self._grad_for_fd, x, method=method, f0=g0)
        return 0.5 * (H + H.T)

    def hessp(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        if callable(self._hessp):
            self.nhev += 1
            return np.asarray(self._hessp(x, p, *self._args), dtype=float).reshape(self.n)
        if callable(self._hess):
            return self.hess(x) @ p
        return self._fd_hessp(x, p)

    def _call_fun(self, x: np.ndarray) -> float:
        self.nfev += 1
        return _scalar(self._fun(x, *self._args))

    def _fd_grad(self, x: np.ndarray) -> np.ndarray:
        if self._epsilon is not None:
            h = np.broadcast_to(np.asarray(self._epsilon, dtype=float), x.shape)
            rel = h / np.maximum(1.0, np.abs(x))
        else:
            rel = self._rel_step
        return approx_derivative(self._call_fun, x, method=self._fd_method, rel_step=rel,
                                 f0=np.array([self._f]), bounds=self._bounds)

    def _grad_for_fd(self, x: np.ndarray) -> np.ndarray:
        self.njev += 1
        g = self._jac(x, *self._args) if callable(self._jac) else (
            self._fun(x, *self._args)[1] if self._jac is True else self._fd_grad_at(x))
        return np.asarray(g, dtype=float).reshape(self.n)

    def _fd_grad_at(self, x: np.ndarray) -> np.ndarray:
        f = self._call_fun(x)
        return approx_derivative(self._call_fun, x, method=self._fd_method, f0=np.array([f]),
                                 bounds=self._bounds)

    def _fd_hessp(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        g0 = self.grad(x)
        norm = np.linalg.norm(p)
        if norm == 0:
            return np.zeros(self.n)
        h = np.sqrt(np.finfo(float).eps) * (1 + np.linalg.norm(x)) / norm
        return (self._grad_for_fd(x + h * p) - g0) / h

    def _check_gradient(self, g: Any) -> np.ndarray:
        g = np.asarray(g, dtype=float)
        if g.size != self.n or g.ndim > 2:
            raise InputError(f"jac must return an array of shape ({self.n},) (one entry per "
                             f"variable), got shape {g.shape}")
        return g.reshape(self.n).copy()


def _probe_bounds(bounds: tuple[np.ndarray, np.ndarray] | None) -> tuple[Any, Any]:
    """Bounds for finite-difference probes: a fixed variable (lb == ub) is probed on both
    sides, as if unbounded, since no step inside its bounds exists."""
    if bounds is None:
        return -np.inf, np.inf
    lb, ub = bounds
    fixed = lb == ub
    return np.where(fixed, -np.inf, lb), np.where(fixed, np.inf, ub)


def _scalar(value: Any) -> float:
    arr = np.asarray(value, dtype=float)
    if arr.size != 1:
        raise InputError(f"fun must return a scalar, got an array of shape {arr.shape}")
    return float(arr.reshape(()))


class Callback:
    """The user's callback, called scipy's way: ``callback(xk)`` or, when its parameter is
    named ``intermediate_result``, ``callback(intermediate_result=OptimizeResult(x, fun))``.

    ``__call__`` returns True when the callback asked to stop (raised ``StopIteration``);
    with ``keep_history`` every iterate is kept in ``history`` (scipy's ``return_all``).
    """

    def __init__(self, callback: Callable[..., Any] | None, keep_history: bool = False):
        self._callback = callback
        self.history: list[np.ndarray] | None = [] if keep_history else None
        self._new_style = False
        if callback is not None:
            try:
                params = inspect.signature(callback).parameters
                self._new_style = "intermediate_result" in params
            except (TypeError, ValueError):
                pass
        self.stopped = False

    def __call__(self, x: np.ndarray, fun: float) -> bool:
        if self.history is not None:
            self.history.append(x.copy())
        if self._callback is None:
            return False
        try:
            if self._new_style:
                self._callback(intermediate_result=OptimizeResult(x=x.copy(), fun=fun))
            else:
                self._callback(x.copy())
        except StopIteration:
            self.stopped = True
        return self.stopped


#: scipy's messages for the statuses every gradient method shares
MESSAGES = {
    0: "Optimization terminated successfully.",
    1: "Maximum number of iterations has been exceeded.",
    2: "Desired error not necessarily achieved due to precision loss.",
    3: "NaN result encountered.",
    99: "`callback` raised `StopIteration`.",
}


def result_of(x: np.ndarray, f: float, g: np.ndarray | None, nit: int, status: int,
              message: str | None = None, **fields: Any) -> OptimizeResult:
    """An :class:`OptimizeResult` with the fields every method fills (counts come later)."""
    result = OptimizeResult(x=x, fun=f, nit=nit, status=status, success=status == 0,
                            message=message if message is not None else MESSAGES[status])
    if g is not None:
        result.jac = g
    result.update(fields)
    return result
