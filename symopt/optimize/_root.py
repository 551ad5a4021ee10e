"""`root`: scipy.optimize.root's front door over symopt's own equation solvers.

Checks the arguments, wraps ``fun`` and its Jacobian (a callable, ``jac=True`` when ``fun``
returns ``(f, J)``, or forward differences) with evaluation counters, and dispatches to a
method of the ``"root"`` row of :data:`symopt.optimize.methods.METHODS`.

Methods: 'hybr' (Powell's hybrid dogleg with rank-one Jacobian updates), 'lm'
(Levenberg-Marquardt on the residuals), 'broyden1' / 'broyden2' (quasi-Newton with a line
search), 'newton' (damped Newton with the exact Jacobian). Every result has ``x, fun,
success, status, message, nfev, njev, nit``; ``njev`` counts Jacobian evaluations, exact or
by finite differences (whose function calls are not in ``nfev``).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.finite_differences import approx_derivative
from symopt.optimize.methods import check_options, lookup
from symopt.optimize.result import OptimizeResult
from symopt.optimize._systems.system_inputs import check_x0, dense_jacobian

__all__ = ["root", "CountedSystem"]


class CountedSystem:
    """``fun`` and its Jacobian as the root solvers see them: float arrays, counted calls."""

    def __init__(self, fun: Callable[..., Any], x0: np.ndarray, args: tuple, jac: Any,
                 square: bool = True, diff_step: float | None = None):
        self._fun, self._args, self._diff_step = fun, args, diff_step
        self._returns_jac = jac is True
        self._jac = jac if callable(jac) else None
        self.has_jacobian = self._returns_jac or self._jac is not None
        self._cached_J: tuple[np.ndarray, np.ndarray] | None = None
        self.nfev = self.njev = 0
        self.n = x0.size
        self.f0 = self.fun(x0)
        if not np.all(np.isfinite(self.f0)):
            raise InputError("fun(x0) has non-finite values; choose a start point where every "
                             "equation evaluates to a finite number")
        if square and self.f0.size != self.n:
            raise InputError(f"fun must return one value per unknown: x0 has {self.n} "
                             f"entries but fun(x0) has {self.f0.size}; use method='lm' for "
                             "non-square systems")

    def fun(self, x: np.ndarray) -> np.ndarray:
        self.nfev += 1
        out = self._fun(x, *self._args)
        if self._returns_jac:
            out, J = out
            self._cached_J = (x.copy(), J)
        f = np.asarray(out, dtype=float)
        if f.ndim > 1:
            raise InputError(f"fun must return a 1-D array, got shape {f.shape}")
        return np.atleast_1d(f)

    def jac(self, x: np.ndarray, f: np.ndarray | None = None) -> np.ndarray:
        self.njev += 1
        if self._returns_jac:
            if self._cached_J is None or not np.array_equal(self._cached_J[0], x):
                self.fun(x)
                self.nfev -= 1
            J = dense_jacobian(self._cached_J[1])
        elif self._jac is not None:
            J = dense_jacobian(self._jac(x, *self._args))
        else:
            J = approx_derivative(self._raw, x, f0=f, rel_step=self._diff_step)
        J = np.atleast_2d(np.asarray(J, dtype=float))
        m = self.f0.size
        if J.shape != (m, self.n):
            raise InputError(f"jac must return an array of shape ({m}, {self.n}) "
                             f"(equations x unknowns), got shape {J.shape}")
        return J

    def _raw(self, x: np.ndarray) -> np.ndarray:
        out = self._fun(x, *self._args)
        return np.atleast_1d(np.asarray(out[0] if self._returns_jac else out, dtype=float))


def root(fun: Callable[..., Any], x0: Any, args: tuple = (), method: str = "hybr",
         jac: Any = None, tol: float | None = None, callback: Callable | None = None,
         options: dict | None = None) -> OptimizeResult:
    """Find a root of a vector function, as scipy.optimize.root.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args)`` returns the residuals (n,) (with ``jac=True``: ``(f, J)``).
    x0 : array_like
        Start point, shape (n,).
    method : {'hybr', 'lm', 'broyden1', 'broyden2', 'newton'}
    jac : callable, bool or None
        ``jac(x, *args)`` returning the (n, n) Jacobian; True when ``fun`` returns it;
        None/False for forward differences.
    tol : float or None
        Sets the method's main tolerance (``xtol`` for hybr, lm, newton, broyden*).
    callback : callable or None
        ``callback(x, f)`` after each iteration (broyden*, newton).
    options : dict or None
        Method options (see each method's docstring); an unknown key is an error.

    Returns
    -------
    OptimizeResult
        ``x, fun, success, status, message, nfev, njev, nit`` (+ method extras).

    Examples
    --------
    >>> import numpy as np
    >>> sol = root(lambda x: [x[0] + 0.5 * (x[0] - x[1]) ** 3 - 1.0,
    ...                       0.5 * (x[1] - x[0]) ** 3 + x[1]], [0.0, 0.0])
    >>> np.round(sol.x, 6), sol.success
    (array([0.841164, 0.158836]), True)
    """
    entry = lookup("root", method)
    key = str(method).lower()
    x0 = check_x0(x0, "unknown")
    options = dict(options or {})
    if tol is not None:
        if not (np.isscalar(tol) and tol > 0):
            raise InputError(f"tol must be a positive number, got {tol!r}")
        options.setdefault("xtol", tol)
    if not (jac is None or isinstance(jac, bool) or callable(jac)):
        raise InputError(f"jac must be a callable, True, False or None, got {jac!r}")
    solver = entry.load()
    _check_options(solver, options, key)
    eps = options.pop("eps", None)
    diff_step = None if eps is None else float(np.sqrt(max(eps, np.finfo(float).eps)))
    system = CountedSystem(fun, x0, args, jac if jac is not False else None,
                            square=key != "lm", diff_step=diff_step)
    result = solver(system, x0, callback=callback, **options)
    result.update(nfev=system.nfev, njev=system.njev, method=key)
    return result


def _check_options(solver: Callable[..., Any], options: dict[str, Any], method: str) -> None:
    """An InputError naming option keys that ``method`` does not know."""
    known = {name for name, p in inspect.signature(solver).parameters.items()
             if p.kind == p.KEYWORD_ONLY and name != "callback"} | {"eps"}
    check_options(options, known, f"method {method!r} of root")
