"""`least_squares`: scipy.optimize.least_squares's front door over symopt's own solvers.

Checks the arguments, wraps residuals and Jacobian (exact callable or finite differences)
with evaluation counters, dispatches to a method of the ``"least_squares"`` row of
:data:`symopt.optimize.methods.METHODS` and completes scipy's result fields.

Differences from scipy, on purpose:

- ``nfev`` never counts the evaluations spent on finite-difference Jacobians (scipy counts
  them for 'lm' only); ``njev`` always counts Jacobian evaluations, exact or approximated
  (scipy gives None for 'lm' with finite differences).
- ``xtol`` bounds the estimated remaining relative error of every component of x (see
  :mod:`symopt.optimize._systems.lm`), not the last step relative to ``||x||`` (trf) or the trust
  radius relative to ``||D x||`` (lm); 'lm' starts with trust radius ``||D x0||`` (MINPACK's
  ``factor`` 1 instead of 100).
- With 'lm', ``jac`` (and so ``grad``, ``optimality``) is the last Jacobian evaluated, at the
  iterate before the final step (as MINPACK keeps it; one Jacobian saved per solve).
- A residual vector with NaN or inf met during the solve is treated as a failed step (the
  trust region shrinks), never as a crash; only a non-finite ``fun(x0)`` is an error.
- ``tr_solver='lsmr'``, ``jac_sparsity`` and ``method='dogbox'`` are not offered: asking for
  them raises :class:`symopt.errors.InputError`.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.finite_differences import FD_METHODS, approx_derivative
from symopt.optimize._systems.losses import resolve_loss
from symopt.optimize.methods import lookup
from symopt.optimize.result import OptimizeResult
from symopt.optimize._systems.system_inputs import check_x0, dense_jacobian

__all__ = ["least_squares"]


class CountedResiduals:
    """``fun`` and its Jacobian as the solvers see them: 1-D float arrays, counted calls."""

    def __init__(self, fun: Callable[..., Any], jac: Any, x0: np.ndarray, lb: np.ndarray,
                 ub: np.ndarray, args: tuple, kwargs: dict, diff_step: Any = None):
        self._fun, self._jac, self._args, self._kwargs = fun, jac, args, kwargs
        self._bounds = (lb, ub)
        self._diff_step = diff_step
        self.n = x0.size
        self.nfev = 0
        self.njev = 0
        self.f0 = self.fun(x0)
        self.m = self.f0.size

    def fun(self, x: np.ndarray) -> np.ndarray:
        self.nfev += 1
        f = np.asarray(self._fun(x, *self._args, **self._kwargs), dtype=float)
        if f.ndim > 1:
            raise InputError(f"fun must return a 1-D array of residuals, got shape {f.shape}")
        return np.atleast_1d(f)

    def jac(self, x: np.ndarray, f: np.ndarray) -> np.ndarray:
        self.njev += 1
        if callable(self._jac):
            J = dense_jacobian(self._jac(x, *self._args, **self._kwargs))
        else:
            J = approx_derivative(lambda z: self._raw(z), x, method=self._jac, f0=f,
                                  rel_step=self._diff_step, bounds=self._bounds)
        J = np.atleast_2d(np.asarray(J, dtype=float))
        if J.shape != (self.m, self.n):
            raise InputError(f"jac must return an array of shape ({self.m}, {self.n}) "
                             f"(residuals x variables), got shape {J.shape}")
        return J

    def _raw(self, x: np.ndarray) -> np.ndarray:
        return np.atleast_1d(np.asarray(self._fun(x, *self._args, **self._kwargs)))


def least_squares(
    fun: Callable[..., Any], x0: Any, jac: Any = "2-point", bounds: Any = (-np.inf, np.inf),
    method: str = "trf", ftol: float | None = 1e-8, xtol: float | None = 1e-8,
    gtol: float | None = 1e-8, x_scale: Any = None, loss: Any = "linear", f_scale: float = 1.0,
    diff_step: Any = None, tr_solver: str | None = None, tr_options: dict | None = None,
    jac_sparsity: Any = None, max_nfev: int | None = None, verbose: int = 0,
    args: tuple = (), kwargs: dict | None = None, callback: Callable | None = None,
    workers: Any = None,
) -> OptimizeResult:
    """Solve a nonlinear least-squares problem with bounds on the variables.

    Minimises ``0.5 * sum(rho(f_i(x)**2))`` subject to ``lb <= x <= ub``, as
    scipy.optimize.least_squares does, with methods 'trf' (trust-region reflective,
    bounds, robust losses) and 'lm' (Levenberg-Marquardt, MINPACK style, no bounds).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args, **kwargs)`` returns the residuals, shape (m,).
    x0 : array_like
        Start point, shape (n,) (a scalar is taken as n = 1); must lie within the bounds.
    jac : {'2-point', '3-point', 'cs'} or callable
        Finite-difference scheme, or ``jac(x, *args, **kwargs)`` returning the dense
        (m, n) Jacobian (objects with ``toarray()`` or ``to_dense()`` are converted).
    bounds : 2-tuple of array_like
        Lower and upper bounds, scalars or shape (n,); ``lb < ub`` elementwise.
    method : {'trf', 'lm'}
    ftol, xtol, gtol : float or None
        Relative tolerances on the cost reduction, the step and the gradient (None
        disables one; scipy's defaults 1e-8).
    x_scale : array_like or 'jac' or None
        Variable scales; None means 1 for 'trf' and 'jac' for 'lm' (scipy 1.16+).
    loss : {'linear', 'soft_l1', 'huber', 'cauchy', 'arctan'} or callable
        Robust loss (only 'linear' with 'lm'); ``f_scale`` is the soft inlier margin.
    max_nfev : int or None
        Limit on residual evaluations (default ``100 * n``).
    verbose : {0, 1, 2}
        1 prints the outcome, 2 also a line per accepted step.
    callback : callable or None
        ``callback(intermediate_result)`` after each accepted step; raising StopIteration
        stops the run with status -2.

    Returns
    -------
    OptimizeResult
        ``x, cost, fun, jac, grad, optimality, active_mask, nfev, njev, nit, status,
        message, success`` with scipy's meanings (status 0 evaluation limit, 1 gtol,
        2 ftol, 3 xtol, 4 ftol and xtol, -2 stopped by the callback).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([0.0, 1.0, 2.0, 3.0])
    >>> y = 3.0 * np.exp(-0.5 * t)
    >>> r = least_squares(lambda p: p[0] * np.exp(-p[1] * t) - y, [1.0, 1.0])
    >>> np.round(r.x, 6), r.success
    (array([3. , 0.5]), True)
    """
    kwargs = {} if kwargs is None else kwargs
    entry = lookup("least_squares", method)
    x0 = check_x0(x0, "variable")
    lb, ub = _check_bounds(bounds, x0.size)
    _check_in_bounds(x0, lb, ub)
    _check_unsupported(tr_solver, jac_sparsity, verbose)
    if tr_options:
        raise InputError(f"tr_options are not offered (got {sorted(tr_options)}); symopt's "
                         "exact trust-region solver takes no options")
    if not callable(jac) and jac not in FD_METHODS:
        raise InputError(f"jac must be a callable or one of {FD_METHODS}, got {jac!r}")
    tols = _check_tolerances(ftol, xtol, gtol)
    rho = resolve_loss(loss)
    if not (np.isscalar(f_scale) and f_scale > 0):
        raise InputError(f"f_scale must be a positive number, got {f_scale!r}")
    problem = CountedResiduals(fun, jac, x0, lb, ub, args, kwargs, diff_step)
    if not np.all(np.isfinite(problem.f0)):
        raise InputError("fun(x0) has non-finite residuals; choose a start point where "
                         "every residual is finite")
    key = str(method).lower()
    if key == "lm":
        _check_lm_applicable(problem, lb, ub, rho)
    x_scale = _check_x_scale(x_scale, x0.size, "jac" if key == "lm" else 1.0)
    if max_nfev is not None and int(max_nfev) < 1:
        raise InputError(f"max_nfev must be a positive integer or None, got {max_nfev!r}")
    options = dict(ftol=tols[0], xtol=tols[1], gtol=tols[2], max_nfev=max_nfev,
                   x_scale=x_scale, callback=_wrap_callback(callback, verbose))
    if key != "lm":
        options.update(lb=lb, ub=ub, loss=rho, f_scale=float(f_scale))
    result = entry.load()(problem.fun, problem.jac, x0, problem.f0, **options)
    result = _complete(result, problem, lb, ub, rho, float(f_scale), key)
    if verbose:
        print(f"{result.message}\nFunction evaluations {result.nfev}, Jacobian evaluations "
              f"{result.njev}, final cost {result.cost:.4e}, first-order optimality "
              f"{result.optimality:.2e}.")
    return result


def _complete(result: OptimizeResult, problem: CountedResiduals, lb: np.ndarray,
              ub: np.ndarray, rho: Any, f_scale: float, method: str) -> OptimizeResult:
    f, J, x = result.fun, result.jac, result.x
    weight = 1.0 if rho is None else rho((f / f_scale) ** 2)[1]
    grad = J.T @ (weight * f)
    active = _active_mask(x, lb, ub)
    if np.all(np.isinf(lb)) and np.all(np.isinf(ub)):
        optimality = float(np.max(np.abs(grad), initial=0.0))
    else:
        optimality = float(np.max(np.abs(_coleman_li_v(x, grad, lb, ub) * grad), initial=0.0))
    result.update(grad=grad, optimality=optimality, active_mask=active,
                  nfev=problem.nfev, njev=problem.njev, method=method)
    return result


def _coleman_li_v(x, g, lb, ub):
    v = np.ones_like(x)
    upper = (g < 0) & np.isfinite(ub)
    lower = (g > 0) & np.isfinite(lb)
    v[upper] = ub[upper] - x[upper]
    v[lower] = x[lower] - lb[lower]
    return v


def _active_mask(x: np.ndarray, lb: np.ndarray, ub: np.ndarray, rtol: float = 1e-10
                 ) -> np.ndarray:
    mask = np.zeros(x.size, dtype=int)
    tol_l = rtol * np.maximum(1.0, np.abs(np.where(np.isfinite(lb), lb, 0.0)))
    tol_u = rtol * np.maximum(1.0, np.abs(np.where(np.isfinite(ub), ub, 0.0)))
    mask[x - lb <= tol_l] = -1
    mask[ub - x <= tol_u] = 1
    return mask


def _wrap_callback(callback: Callable | None, verbose: int) -> Callable | None:
    """The solvers' ``callback(x, f, cost) -> stop?`` from scipy's callback and verbose=2."""
    if callback is None and verbose < 2:
        return None
    iteration = [0]

    def call(x: np.ndarray, f: np.ndarray, cost: float) -> bool:
        iteration[0] += 1
        if verbose >= 2:
            print(f"iteration {iteration[0]:5d}   cost {cost:.6e}")
        if callback is None:
            return False
        try:
            callback(OptimizeResult(x=x, fun=f, cost=cost, nit=iteration[0]))
        except StopIteration:
            return True
        return False
    return call


def _check_bounds(bounds: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):
        bounds = (bounds.lb, bounds.ub)
    if len(bounds) != 2:
        raise InputError(f"bounds must be a pair (lb, ub), got {len(bounds)} items")
    sides = []
    for name, side in zip(("lower", "upper"), bounds):
        try:
            arr = np.asarray(side, dtype=float)
        except (TypeError, ValueError, OverflowError) as exc:
            raise InputError(f"{name} bounds must be numbers: {exc}") from exc
        if np.any(np.isnan(arr)):
            raise InputError(f"{name} bounds must be numbers (or +-inf), got NaN")
        if arr.ndim > 1 or (arr.ndim == 1 and arr.size not in (1, n)):
            raise InputError(f"{name} bounds must be a scalar or have shape ({n},), "
                             f"got shape {arr.shape}")
        sides.append(np.broadcast_to(arr, (n,)).astype(float))
    lb, ub = sides
    if np.any(lb >= ub):
        j = int(np.argmax(lb >= ub))
        raise InputError(f"bounds: each lower bound must be strictly less than its upper "
                         f"bound; variable {j} has lb={lb[j]} >= ub={ub[j]}")
    return lb, ub


def _check_in_bounds(x0: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> None:
    if np.any((x0 < lb) | (x0 > ub)):
        j = int(np.argmax((x0 < lb) | (x0 > ub)))
        raise InputError(f"x0 is infeasible: x0[{j}]={x0[j]} lies outside the bounds "
                         f"[{lb[j]}, {ub[j]}]")


def _check_tolerances(ftol, xtol, gtol) -> tuple[float, float, float]:
    values = []
    for name, tol in (("ftol", ftol), ("xtol", xtol), ("gtol", gtol)):
        tol = 0.0 if tol is None else tol
        if not (np.isscalar(tol) and tol >= 0):
            raise InputError(f"{name} must be a non-negative number or None, got {tol!r}")
        values.append(float(tol))
    if all(v < np.finfo(float).eps for v in values):
        raise InputError("at least one of ftol, xtol, gtol must be >= machine epsilon "
                         f"({np.finfo(float).eps:.3g})")
    return values[0], values[1], values[2]


def _check_x_scale(x_scale: Any, n: int, default: Any) -> Any:
    if x_scale is None:
        return default
    if isinstance(x_scale, str):
        if x_scale != "jac":
            raise InputError(f"x_scale must be 'jac', None or positive numbers, got {x_scale!r}")
        return x_scale
    scale = np.broadcast_to(np.asarray(x_scale, dtype=float), (n,)).copy() \
        if np.ndim(x_scale) == 0 or np.size(x_scale) == n else None
    if scale is None or not np.all(np.isfinite(scale)) or np.any(scale <= 0):
        raise InputError(f"x_scale must be 'jac' or positive finite numbers of shape ({n},), "
                         f"got {x_scale!r}")
    return scale


def _check_unsupported(tr_solver: Any, jac_sparsity: Any, verbose: Any) -> None:
    if tr_solver not in (None, "exact"):
        raise InputError(f"tr_solver={tr_solver!r} is not offered; symopt solves the "
                         "trust-region subproblem exactly (tr_solver='exact' or None)")
    if jac_sparsity is not None:
        raise InputError("jac_sparsity is not offered: symopt's least_squares works with "
                         "dense Jacobians; pass jac_sparsity=None")
    if verbose not in (0, 1, 2):
        raise InputError(f"verbose must be 0, 1 or 2, got {verbose!r}")


def _check_lm_applicable(problem: CountedResiduals, lb, ub, rho) -> None:
    if np.any(np.isfinite(lb)) or np.any(np.isfinite(ub)):
        raise InputError("method 'lm' does not handle bounds; use method='trf'")
    if rho is not None:
        raise InputError("method 'lm' supports only loss='linear'; use method='trf'")
    if problem.m < problem.n:
        raise InputError(f"method 'lm' needs at least as many residuals as variables; got "
                         f"{problem.m} residuals for {problem.n} variables; use method='trf'")
