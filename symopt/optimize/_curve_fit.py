"""`curve_fit`: scipy.optimize.curve_fit over symopt's own least-squares solvers.

Weighted residuals ``(f(xdata, *p) - ydata) / sigma`` (or ``L^-1 (f - y)`` for a 2-D
covariance ``sigma = L L^T``) go to :func:`symopt.optimize.least_squares`. The covariance
of the estimate follows scipy: ``(J^T J)^-1`` from the SVD of the weighted Jacobian, scaled
by the reduced chi-square unless ``absolute_sigma``; filled with inf and an
:class:`~symopt.optimize.result.OptimizeWarning` when it cannot be estimated.

Defaults that differ from scipy's, on purpose (measured on the 54 NIST StRD runs, see
``benchmarks/nist_strd.py``):

- ``ftol=1e-14``, ``xtol=1.5e-6``, ``gtol=1e-10`` instead of 1e-8 (1.49e-8 in leastsq).
  symopt's ``xtol`` bounds the *estimated relative error of every parameter* (see
  :mod:`symopt.optimize._systems.lm`), so the default asks for about six correct digits in each
  parameter, small ones included; scipy's relative tests often stop at four or five;
- ``max_nfev = 400 * (n + 1)``, and ``x_scale='jac'`` for 'trf' too;
- without ``jac``: central differences with relative steps (scipy: forward differences).

Pass ``ftol``/``xtol``/``gtol``/``max_nfev``/``x_scale``/``jac`` to override.
"""
from __future__ import annotations

import inspect
import warnings
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError, SolverError
from symopt.optimize._least_squares import least_squares
from symopt.optimize.finite_differences import approx_derivative
from symopt.optimize.result import OptimizeWarning

__all__ = ["curve_fit"]

DEFAULT_TOLERANCES = {"ftol": 1e-14, "xtol": 1.5e-6, "gtol": 1e-10}


def curve_fit(
    f: Callable[..., Any], xdata: Any, ydata: Any, p0: Any = None, sigma: Any = None,
    absolute_sigma: bool = False, check_finite: bool | None = None, bounds: Any = (-np.inf, np.inf),
    method: str | None = None, jac: Any = None, *, full_output: bool = False,
    nan_policy: str | None = None, **kwargs: Any,
) -> tuple:
    """Fit ``ydata ~ f(xdata, *params)`` by nonlinear least squares.

    Parameters
    ----------
    f : callable
        ``f(xdata, p1, p2, ...)``; the number of parameters comes from ``p0`` or else
        from ``f``'s signature.
    xdata, ydata : array_like
        Independent data (any shape ``f`` understands) and observations (M values).
    p0 : array_like or None
        Start values (default all ones).
    sigma : None, (M,) or (M, M) array_like
        Standard deviations of ``ydata`` or their covariance matrix.
    absolute_sigma : bool
        True: ``pcov`` is ``(J^T J)^-1`` as is; False: scaled by the reduced chi-square.
    check_finite : bool or None
        Reject NaN/inf data (default True unless ``nan_policy`` is given).
    bounds : 2-tuple of array_like
        Parameter bounds; bounded fits use 'trf'.
    method : {'lm', 'trf'} or None
        Default 'lm' when unbounded and M >= N, else 'trf' (scipy's rule).
    jac : callable, '2-point', '3-point', 'cs' or None
        ``jac(xdata, *params)`` returning the (M, N) Jacobian of ``f``. None (default):
        central differences with relative steps ``eps**(1/3) * |p_j|`` -- scipy uses
        forward differences; see ``_RelativeDifferenceJacobian`` for why.
    full_output : bool
        Also return ``infodict``, ``mesg`` and ``ier`` (the status). ``infodict`` has
        ``nfev`` (evaluations by the solver), ``nfev_jac`` (evaluations spent on finite
        differences, 0 with an exact jac), ``njev``, ``nit``, ``fvec`` and ``fjac``.
    nan_policy : {'raise', 'omit'} or None
    **kwargs
        Passed to :func:`least_squares` (scipy's leastsq names ``maxfev``, ``epsfcn`` and
        ``diag`` are translated; anything else unknown is an InputError); the
        tolerances default to ``DEFAULT_TOLERANCES`` (tighter than scipy's, see module doc).

    Returns
    -------
    popt, pcov[, infodict, mesg, ier]

    Raises
    ------
    SolverError
        (a RuntimeError, as scipy's) when the least-squares solve does not succeed.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(0, 4, 30)
    >>> y = 2.5 * np.exp(-1.3 * x) + 0.5
    >>> popt, pcov = curve_fit(lambda x, a, b, c: a * np.exp(-b * x) + c, x, y, p0=[1, 1, 1])
    >>> np.round(popt, 6)
    array([2.5, 1.3, 0.5])
    """
    xdata, ydata, sigma = _prepared_data(xdata, ydata, sigma, check_finite, nan_policy)
    p0 = _start_values(f, p0)
    n, m = p0.size, ydata.size
    unbounded = np.all(np.isinf(np.asarray(bounds[0], dtype=float))) and \
        np.all(np.isinf(np.asarray(bounds[1], dtype=float)))
    if method is None:
        method = "lm" if unbounded and m >= n else "trf"
    if method == "lm" and not unbounded:
        raise InputError("curve_fit: method 'lm' cannot handle bounds; use method='trf'")
    if m < n and method == "lm":
        raise InputError(f"curve_fit: method 'lm' needs at least as many data points ({m}) "
                         f"as parameters ({n}); use method='trf'")
    whiten = _whitener(sigma, m)
    residuals = _residual_function(f, xdata, ydata, whiten)
    kwargs = _least_squares_options(kwargs)
    if jac is None and kwargs.get("diff_step") is None:
        residuals = _RememberingResiduals(residuals)
        jacobian: Any = _RelativeDifferenceJacobian(residuals, bounds, n)
    else:
        jacobian = _jacobian_function(jac, xdata, whiten, m, n)
    options = {**DEFAULT_TOLERANCES, "max_nfev": 400 * (n + 1), "x_scale": "jac", **kwargs}
    result = least_squares(residuals, p0, jac=jacobian, bounds=bounds, method=method, **options)
    if not result.success:
        error = SolverError("Optimal parameters not found: " + result.message)
        error.result = result  # the last iterate and status, for callers that report failures
        raise error
    pcov = _covariance(result.jac, 2.0 * result.cost, m, n, absolute_sigma)
    if not full_output:
        return result.x, pcov
    infodict = {"nfev": result.nfev, "njev": result.njev, "fvec": result.fun,
                "fjac": result.jac, "nit": result.nit,
                "nfev_jac": getattr(jacobian, "evaluations", 0)}
    return result.x, pcov, infodict, result.message, result.status


_LEAST_SQUARES_OPTIONS = {"ftol", "xtol", "gtol", "x_scale", "loss", "f_scale", "diff_step",
                          "max_nfev", "verbose", "tr_solver", "tr_options", "callback"}


def _least_squares_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``least_squares`` keywords, translating scipy's leastsq names (maxfev, epsfcn, diag)."""
    kwargs = dict(kwargs)
    if "maxfev" in kwargs:
        kwargs["max_nfev"] = kwargs.pop("maxfev")
    if "epsfcn" in kwargs:
        epsfcn = kwargs.pop("epsfcn")
        kwargs["diff_step"] = None if epsfcn is None else float(
            np.sqrt(max(epsfcn, np.finfo(float).eps)))
    if "diag" in kwargs:
        kwargs["x_scale"] = 1.0 / np.asarray(kwargs.pop("diag"), dtype=float)
    unknown = sorted(set(kwargs) - _LEAST_SQUARES_OPTIONS)
    if unknown:
        raise InputError(f"curve_fit: unknown keyword argument(s) {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(_LEAST_SQUARES_OPTIONS))}, maxfev, "
                         "epsfcn, diag")
    return kwargs


def _covariance(J: np.ndarray, chi_square: float, m: int, n: int,
                absolute_sigma: bool) -> np.ndarray:
    pcov = _inverse_normal_matrix(J)
    if pcov is None or not np.all(np.isfinite(pcov)):
        return _unknown_covariance(n)
    if not absolute_sigma:
        if m <= n:
            return _unknown_covariance(n)
        pcov = pcov * (chi_square / (m - n))
    return pcov


def _inverse_normal_matrix(J: np.ndarray) -> np.ndarray | None:
    """``(J^T J)^+`` from the SVD of J, dropping singular values at rounding level."""
    try:
        _, s, Vt = np.linalg.svd(J, full_matrices=False)
    except np.linalg.LinAlgError:
        return None
    if s.size == 0:
        return None
    keep = s > np.finfo(float).eps * max(J.shape) * s[0]
    s, Vt = s[keep], Vt[keep]
    return (Vt.T / s ** 2) @ Vt


def _unknown_covariance(n: int) -> np.ndarray:
    warnings.warn("Covariance of the parameters could not be estimated",
                  category=OptimizeWarning, stacklevel=3)
    return np.full((n, n), np.inf)


def _prepared_data(xdata, ydata, sigma, check_finite, nan_policy):
    if nan_policy not in (None, "raise", "omit"):
        raise InputError(f"nan_policy must be None, 'raise' or 'omit', got {nan_policy!r}")
    if check_finite is None:
        check_finite = nan_policy is None
    ydata = np.asarray(ydata, dtype=float).ravel()
    if check_finite or nan_policy is not None:
        xdata = np.asarray(xdata, dtype=float)
    if ydata.size == 0:
        raise InputError("curve_fit: ydata must not be empty")
    if check_finite and not (np.all(np.isfinite(ydata)) and np.all(np.isfinite(xdata))):
        raise InputError("curve_fit: xdata and ydata must not contain NaN or inf "
                         "(or pass nan_policy='omit')")
    if nan_policy is not None:
        bad = np.isnan(ydata) | _nan_columns(xdata, ydata.size)
        if bad.any() and nan_policy == "raise":
            raise InputError("curve_fit: the data contain NaN (nan_policy='raise')")
        if bad.any():
            xdata, ydata, sigma = _omit(xdata, ydata, sigma, ~bad)
    return xdata, ydata, sigma


def _nan_columns(xdata: np.ndarray, m: int) -> np.ndarray:
    nan = np.isnan(xdata)
    if nan.ndim == 1 and nan.size == m:
        return nan
    if nan.ndim >= 1 and nan.shape[-1] == m:
        return nan.reshape(-1, m).any(axis=0)
    return np.zeros(m, dtype=bool)


def _omit(xdata, ydata, sigma, keep):
    xdata = xdata[keep] if xdata.ndim == 1 else xdata[..., keep]
    if sigma is not None:
        sigma = np.asarray(sigma, dtype=float)
        sigma = sigma[keep] if sigma.ndim == 1 else sigma[np.ix_(keep, keep)]
    return xdata, ydata[keep], sigma


def _start_values(f: Callable[..., Any], p0: Any) -> np.ndarray:
    count = _parameter_count(f)
    if p0 is not None:
        try:
            p0 = np.atleast_1d(np.asarray(p0, dtype=float))
        except (TypeError, ValueError, OverflowError) as exc:
            raise InputError(f"curve_fit: p0 must be numbers: {exc}") from exc
        if p0.ndim != 1:
            raise InputError(f"curve_fit: p0 must be 1-D, got shape {p0.shape}")
        if count is not None and p0.size != count:
            raise InputError(f"curve_fit: p0 has {p0.size} value(s) but f takes {count} "
                             f"parameter(s) after x")
        return p0
    if count is None:
        raise InputError("curve_fit: cannot count the parameters of f (it takes *args, or "
                         "has no signature); pass p0")
    return np.ones(count)


def _parameter_count(f: Callable[..., Any]) -> int | None:
    """How many parameters ``f(x, p1, ..., pk)`` takes after x (k), None when unknown."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params) or len(params) < 2:
        return None
    return len(params) - 1


def _whitener(sigma: Any, m: int) -> Callable[[np.ndarray], np.ndarray] | None:
    if sigma is None:
        return None
    sigma = np.asarray(sigma, dtype=float)
    if sigma.shape == (m,):
        if np.any(sigma <= 0) or not np.all(np.isfinite(sigma)):
            raise InputError("curve_fit: sigma must hold positive finite values")
        weights = 1.0 / sigma
        return lambda r: (weights * r.T).T
    if sigma.shape == (m, m):
        try:
            lower = np.linalg.cholesky(sigma)
        except np.linalg.LinAlgError as exc:
            raise InputError("curve_fit: the covariance matrix sigma must be positive "
                             "definite") from exc
        inverse = np.linalg.inv(lower)
        return lambda r: inverse @ r
    raise InputError(f"curve_fit: sigma must have shape ({m},) or ({m}, {m}), "
                     f"got {sigma.shape}")


def _residual_function(f, xdata, ydata, whiten):
    def residuals(p: np.ndarray) -> np.ndarray:
        r = np.asarray(f(xdata, *p), dtype=float).ravel() - ydata
        return r if whiten is None else whiten(r)
    return residuals


class _RememberingResiduals:
    """The residual function, remembering its last point so a Jacobian can reuse it."""

    def __init__(self, residuals: Callable[[np.ndarray], np.ndarray]):
        self._residuals = residuals
        self.last: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, p: np.ndarray) -> np.ndarray:
        r = self._residuals(p)
        self.last = (np.array(p, dtype=float), r)
        return r

    def plain(self, p: np.ndarray) -> np.ndarray:
        return self._residuals(p)

    def at(self, p: np.ndarray) -> np.ndarray | None:
        if self.last is not None and np.array_equal(self.last[0], p):
            return self.last[1]
        return None


class _RelativeDifferenceJacobian:
    """Central differences with relative steps ``eps**(1/3) * |p_j|`` (one-sided at bounds).

    Relative steps keep small parameters (say 1e-7) as accurate as large ones, where the
    default of ``approx_derivative`` (``max(1, |p_j|)`` times the step) would swamp them;
    central differences make the fitted parameters as accurate as with an exact Jacobian
    (measured on the NIST StRD problems) for 2n evaluations per Jacobian instead of n.
    ``evaluations`` counts them.
    """

    def __init__(self, residuals: _RememberingResiduals, bounds: Any, n: int):
        self._residuals = residuals
        self._bounds = tuple(np.broadcast_to(np.asarray(b, dtype=float), (n,)) for b in bounds)
        self.evaluations = 0

    def __call__(self, p: np.ndarray) -> np.ndarray:
        step = np.finfo(float).eps ** (1 / 3) * np.where(p != 0, np.abs(p), 1.0)
        return approx_derivative(self._probe, p, method="3-point",
                                 rel_step=step / np.maximum(1.0, np.abs(p)),
                                 f0=self._residuals.at(p), bounds=self._bounds)

    def _probe(self, p: np.ndarray) -> np.ndarray:
        self.evaluations += 1
        return self._residuals.plain(p)


def _jacobian_function(jac, xdata, whiten, m, n):
    if jac is None:
        return "2-point"
    if isinstance(jac, str):
        return jac
    if not callable(jac):
        raise InputError(f"curve_fit: jac must be a callable or a finite-difference "
                         f"scheme name, got {jac!r}")

    def jacobian(p: np.ndarray) -> np.ndarray:
        J = np.asarray(jac(xdata, *p), dtype=float)
        if J.shape != (m, n):
            raise InputError(f"curve_fit: jac must return shape ({m}, {n}), got {J.shape}")
        return J if whiten is None else whiten(J)
    return jacobian
