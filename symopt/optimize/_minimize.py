"""`minimize`: scipy.optimize.minimize's front door over symopt's own methods.

Checks the arguments, chooses the default method as scipy does (constraints: SLSQP, bounds:
L-BFGS-B, else BFGS), wraps ``fun``/``jac``/``hess``/``hessp`` in a counted
:class:`~symopt.optimize._nonlinear.objective.Objective`, dispatches through the ``"minimize"`` row of
:data:`symopt.optimize.methods.METHODS`, and completes scipy's result fields.

Differences from scipy, on purpose:

- Bad input raises :class:`symopt.errors.InputError` (a ``ValueError``) naming the argument:
  x0 not 1-D or not finite, ``fun(x0)`` not finite, a gradient or Hessian of the wrong shape,
  ``lb > ub``, an unknown method or option.
- Newton-CG, trust-ncg and trust-exact accept a missing ``jac``/``hess`` and fall back on
  finite differences (scipy raises); exact derivatives are of course much better.
- Bounds or constraints given to a method that cannot use them are ignored with an
  :class:`~symopt.optimize.result.OptimizeWarning`, as scipy does.
"""
from __future__ import annotations

import inspect
import warnings
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.constraints import normalize_bounds, normalize_constraints
from symopt.optimize.finite_differences import FD_METHODS
from symopt.optimize.methods import check_options, lookup
from symopt.optimize._nonlinear.objective import Callback, Objective
from symopt.optimize.result import OptimizeResult, OptimizeWarning

__all__ = ["minimize"]

#: the option that ``tol`` sets, per method (as scipy)
_TOL_OPTIONS = {
    "nelder-mead": ("xatol", "fatol"), "cg": ("gtol",), "bfgs": ("gtol",),
    "l-bfgs-b": ("ftol", "gtol"), "newton-cg": ("xtol",), "trust-ncg": ("gtol",),
    "trust-exact": ("gtol",), "slsqp": ("ftol",), "interior-point": ("tol",),
}
_FRONT_DOOR_OPTIONS = ("disp", "return_all")
_GRADIENT_OPTIONS = ("eps", "finite_diff_rel_step")


def minimize(fun: Callable[..., Any], x0: Any, args: tuple = (), method: str | None = None,
             jac: Any = None, hess: Any = None, hessp: Callable | None = None,
             bounds: Any = None, constraints: Any = (), tol: float | None = None,
             callback: Callable | None = None, options: dict | None = None) -> OptimizeResult:
    """Minimise a scalar function of one or more variables, as scipy.optimize.minimize.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``; with ``jac=True`` it returns ``(value, gradient)``.
    x0 : array_like, shape (n,)
        Starting point.
    args : tuple
        Extra arguments passed to ``fun``, ``jac``, ``hess`` and ``hessp``.
    method : str, optional
        'Nelder-Mead', 'CG', 'BFGS', 'L-BFGS-B', 'Newton-CG', 'trust-ncg', 'trust-exact',
        'SLSQP' or 'interior-point' (case-insensitive; the last is documented in
        :mod:`symopt.optimize._nonlinear.interior_point`). Default: SLSQP with constraints, L-BFGS-B with bounds,
        else BFGS.
    jac : callable, bool or str, optional
        Gradient ``jac(x, *args) -> (n,)``, True (``fun`` returns it), or '2-point',
        '3-point', 'cs' finite differences (the default when None).
    hess, hessp : callable or str, optional
        Hessian ``hess(x, *args) -> (n, n)`` or a finite-difference string; Hessian-vector
        product ``hessp(x, p, *args) -> (n,)``. Used by Newton-CG, trust-ncg, trust-exact and
        interior-point (which also takes ``options={'lagrangian_hess': h}`` with
        ``h(x, obj_factor, v)`` the Hessian of ``obj_factor * f + v @ c``).
    bounds : Bounds or sequence of (min, max), optional
        For Nelder-Mead, L-BFGS-B and SLSQP.
    constraints : dict, LinearConstraint, NonlinearConstraint or a sequence of them
        For SLSQP and interior-point: dicts ``{'type': 'eq'|'ineq', 'fun', 'jac', 'args'}`` mean
        ``fun(x) == 0`` or ``fun(x) >= 0``.
    tol : float, optional
        Sets the method's main tolerance (as scipy: e.g. ``gtol`` for BFGS, ``ftol`` for
        SLSQP, ``xatol``/``fatol`` for Nelder-Mead).
    callback : callable, optional
        ``callback(xk)`` or ``callback(intermediate_result)`` after each iteration; raising
        ``StopIteration`` stops the solve (status 99).
    options : dict, optional
        Method options with scipy's names (``maxiter``, ``gtol``, ``ftol``, ...). An
        unknown option raises :class:`~symopt.errors.InputError` listing the valid ones.

    Returns
    -------
    OptimizeResult
        ``x, fun, jac, nit, nfev, njev, nhev, status, success, message`` as scipy, and
        ``hess_inv`` (BFGS, L-BFGS-B), ``hess`` (trust-*), ``final_simplex``
        (Nelder-Mead), ``allvecs`` (``return_all``); for SLSQP ``multipliers`` (scipy's
        flat array) plus ``constraint_multipliers`` and ``multipliers_bounds`` (one array
        per given constraint / per variable; signs in :mod:`symopt.optimize._nonlinear.slsqp`).

    Examples
    --------
    >>> import numpy as np
    >>> rosen = lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    >>> res = minimize(rosen, [-1.2, 1.0], method="BFGS")
    >>> res.success, np.allclose(res.x, [1, 1], atol=1e-4)
    (True, True)
    """
    x0 = _checked_x0(x0)
    name = _default_method(method, bounds, constraints)
    spec = lookup("minimize", name)
    solver = spec.load()
    opts = _checked_options(name.lower(), solver, tol, options)
    args = args if isinstance(args, tuple) else (args,)
    box = _usable_bounds(bounds, x0.size, spec, name)
    if box is not None:
        x0 = np.clip(x0, box[0], box[1])
    obj = _objective(fun, x0, args, jac, hess, hessp, box, opts)
    f0 = obj.fun(x0)
    if not np.isfinite(f0):
        raise InputError(f"fun(x0) must be finite to start from x0, got {f0}")
    extra: dict[str, Any] = {}
    if spec.bounds:
        extra["bounds"] = box
    if spec.constraints:
        given = constraints if _has_constraints(constraints) else None
        extra["constraints"] = given if spec.raw_constraints else normalize_constraints(given, x0)
    elif _has_constraints(constraints):
        warnings.warn(f"Method {name} cannot handle constraints; they are ignored",
                      OptimizeWarning, stacklevel=2)
    disp = bool(opts.pop("disp", False))
    history = Callback(callback, keep_history=bool(opts.pop("return_all", False)))
    for option in _GRADIENT_OPTIONS:
        opts.pop(option, None)
    result = solver(obj, x0, callback=history, **extra, **opts)
    if history.history is not None:
        result.allvecs = [x0] + history.history
    return _completed(result, obj, name.lower(), disp)


def _has_constraints(constraints: Any) -> bool:
    return constraints is not None and not (
        isinstance(constraints, (list, tuple)) and len(constraints) == 0)


def _usable_bounds(bounds: Any, n: int, spec: Any,
                   name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Checked bounds, or None (with scipy's warning) for a method that cannot use them."""
    box = normalize_bounds(bounds, n)
    if box is not None and not spec.bounds:
        warnings.warn(f"Method {name} cannot handle bounds; they are ignored", OptimizeWarning,
                      stacklevel=3)
        return None
    return box


def _checked_x0(x0: Any) -> np.ndarray:
    try:
        x = np.asarray(x0, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"x0 must be an array of real numbers, got {x0!r:.200}") from None
    if x.ndim > 1:
        raise InputError(f"x0 must be 1-D (one entry per variable), got shape {x.shape}")
    x = np.atleast_1d(x).copy()
    if x.size == 0:
        raise InputError("x0 must have at least one variable, got an empty array")
    if not np.all(np.isfinite(x)):
        raise InputError(f"x0 must be finite, got NaN or inf at index "
                         f"{int(np.flatnonzero(~np.isfinite(x))[0])}")
    return x


def _default_method(method: str | None, bounds: Any, constraints: Any) -> str:
    if method is not None:
        if not isinstance(method, str):
            raise InputError(f"method must be a string such as 'BFGS', got {method!r}")
        return method
    if _has_constraints(constraints):
        return "SLSQP"
    return "L-BFGS-B" if bounds is not None else "BFGS"


def _checked_options(key: str, solver: Callable, tol: float | None,
                     options: dict | None) -> dict:
    params = inspect.signature(solver).parameters
    valid = sorted([p for p, v in params.items() if v.kind is v.KEYWORD_ONLY
                    and p not in ("callback", "bounds", "constraints")]
                   + list(_FRONT_DOOR_OPTIONS)
                   + (list(_GRADIENT_OPTIONS) if key != "nelder-mead" else []))
    opts = dict(options or {})
    check_options(opts, valid, f"method {key!r} of minimize")
    if tol is not None:
        if not (np.isscalar(tol) and tol >= 0):
            raise InputError(f"tol must be a non-negative number, got {tol!r}")
        for option in _TOL_OPTIONS[key]:
            opts.setdefault(option, tol)
    return opts


def _objective(fun: Callable, x0: np.ndarray, args: tuple, jac: Any, hess: Any, hessp: Any,
               box: Any, opts: dict) -> Objective:
    if not callable(fun):
        raise InputError(f"fun must be callable, got {type(fun).__name__}")
    fd_method = "2-point"
    if jac is None or jac is False:
        jac = None
    elif isinstance(jac, str):
        if jac not in FD_METHODS:
            raise InputError(f"jac must be a callable, True, or one of {FD_METHODS}, got {jac!r}")
        fd_method, jac = jac, None
    elif jac is not True and not callable(jac):
        raise InputError(f"jac must be a callable, True, or one of {FD_METHODS}, got {jac!r}")
    if hess is not None and not callable(hess) and hess not in FD_METHODS:
        raise InputError(f"hess must be a callable or one of {FD_METHODS}, got {hess!r} "
                         "(Hessian update strategies are not offered)")
    if hessp is not None and not callable(hessp):
        raise InputError(f"hessp must be a callable hessp(x, p, *args), got {hessp!r}")
    return Objective(fun, x0, args, jac=jac, hess=hess, hessp=hessp, bounds=box,
                     fd_method=fd_method, rel_step=opts.get("finite_diff_rel_step"),
                     epsilon=opts.get("eps"))


def _completed(result: OptimizeResult, obj: Objective, key: str, disp: bool) -> OptimizeResult:
    result.nfev = obj.nfev
    if key != "nelder-mead":
        result.njev = obj.njev
    if key in ("newton-cg", "trust-ncg", "trust-exact"):
        result.nhev = obj.nhev
    result.success = result.status == 0
    if disp:
        print(f"{result.message}\n         Current function value: {result.fun:.6g}\n"
              f"         Iterations: {result.nit}\n         Function evaluations: {obj.nfev}")
    return result
