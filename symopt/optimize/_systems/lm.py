"""Levenberg-Marquardt for nonlinear least squares, in the style of MINPACK's lmder.

Moré's trust-region form of LM: each step minimises ``||f + J p||`` subject to
``||D p|| <= delta``, where ``D`` holds column scales (the running maximum of the Jacobian's
column norms for ``x_scale='jac'``, as MINPACK's mode 1, else ``1 / x_scale``). The
damped subproblem is solved through one SVD of the scaled Jacobian per iteration, with a
safeguarded Newton iteration on the secular equation for the damping parameter.

Stopping tests (shared with :mod:`symopt.optimize._systems.trf`):

- ``ftol``: MINPACK's, on the actual and the predicted relative reduction of the sum of
  squares in the last step;
- ``xtol``: the *estimated remaining relative error of every component* of x is at most
  ``xtol``. The estimate is ``|p_j| / |x_j| * r / (1 - r)``, with ``p`` the last accepted
  step and ``r`` the larger of the last two observed contractions ``||D p_k|| / ||D p_{k-1}||``
  (capped at 0.9; the larger of two guards against zig-zagging iterates).
  MINPACK instead compares the trust radius with ``xtol * ||D x||``; the componentwise test
  is what makes every parameter, small ones included, accurate to about ``xtol`` (see
  ``benchmarks/nist_strd.py``);
- ``gtol``: MINPACK's, on the largest cosine between ``f`` and a column of ``J``.

When a tolerance is so tight that no further progress is possible in floating point, the run
stops as converged with a message saying so (MINPACK's info 6-8).

>>> import numpy as np
>>> t = np.linspace(0, 1, 8)
>>> y = 2.0 * np.exp(-1.5 * t)
>>> fun = lambda p: p[0] * np.exp(-p[1] * t) - y
>>> jac = lambda p, f: np.column_stack([np.exp(-p[1] * t), -p[0] * t * np.exp(-p[1] * t)])
>>> r = least_squares_lm(fun, jac, np.array([1.0, 1.0]))
>>> np.round(r.x, 8), r.status > 0
(array([2. , 1.5]), True)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from symopt.optimize.result import OptimizeResult

__all__ = ["least_squares_lm", "solve_trust_region_subproblem"]

_EPS = np.finfo(float).eps

MESSAGES = {
    0: "The maximum number of function evaluations is exceeded.",
    1: "`gtol` termination condition is satisfied.",
    2: "`ftol` termination condition is satisfied.",
    3: "`xtol` termination condition is satisfied.",
    4: "Both `ftol` and `xtol` termination conditions are satisfied.",
}


def solve_trust_region_subproblem(
    J: np.ndarray, f: np.ndarray, delta: float, lam: float = 0.0,
    svd: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, float]:
    """Minimise ``||f + J p||`` over ``||p|| <= delta``; return ``(p, lam)``.

    ``lam`` is the Levenberg-Marquardt damping of the solution (0 for the Gauss-Newton
    step) and, on input, a warm start. The secular equation ``||p(lam)|| = delta`` is
    solved to 10 % by a safeguarded Newton iteration on ``1/||p||`` (Moré 1978).

    >>> J = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> p, lam = solve_trust_region_subproblem(J, np.array([-1.0, -2.0]), 10.0)
    >>> p, lam
    (array([1., 1.]), 0.0)
    """
    U, s, Vt = np.linalg.svd(J, full_matrices=False) if svd is None else svd
    uf = U.T @ f
    if s.size and s[0] > 0:
        keep = s > s[0] * _EPS * max(J.shape)
    else:
        keep = np.zeros_like(s, dtype=bool)
    gn_coef = np.where(keep, uf / np.where(keep, s, 1.0), 0.0)
    if np.linalg.norm(gn_coef) <= delta:
        return -Vt.T @ gn_coef, 0.0
    su = s * uf

    def norm_and_newton_step(lam: float) -> tuple[float, float]:
        """``||p(lam)||`` and Moré's Newton correction to ``lam`` for ``1/||p|| = 1/delta``,
        ``(||p|| - delta) / delta * (||p|| / ||p'||)**2`` in the overflow-free form (data
        near 1e89 squares and cubes beyond float range in the textbook form)."""
        denom = s ** 2 + lam
        w = su / denom
        norm = np.linalg.norm(w)
        derivative_norm = np.linalg.norm(w / np.sqrt(denom))
        if derivative_norm == 0:
            return norm, 0.0
        return norm, (norm - delta) / delta * (norm / derivative_norm) ** 2

    upper = np.linalg.norm(su) / delta
    lower = 0.0
    if np.all(keep) and s.size == J.shape[1]:
        norm, step = norm_and_newton_step(0.0)
        lower = max(step, 0.0)
    if not lower < lam < upper:
        lam = max(0.001 * upper, np.sqrt(lower * upper))
    for _ in range(30):
        if not lower < lam < upper:
            lam = max(0.001 * upper, np.sqrt(lower * upper))
        norm, step = norm_and_newton_step(lam)
        if norm < delta:
            upper = lam
        else:
            lower = lam
        if abs(norm - delta) <= 0.1 * delta:
            break
        lam += step
    return -Vt.T @ (su / (s ** 2 + lam)), float(lam)


def least_squares_lm(
    fun: Callable[[np.ndarray], np.ndarray],
    jac: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x0: np.ndarray, f0: np.ndarray | None = None, J0: np.ndarray | None = None, *,
    ftol: float = 1e-8, xtol: float = 1e-8, gtol: float = 1e-8, max_nfev: int | None = None,
    x_scale: np.ndarray | str = "jac", initial_step: float = 1.0,
    callback: Callable[[np.ndarray, np.ndarray, float], bool] | None = None,
) -> OptimizeResult:
    """Minimise ``0.5 * ||fun(x)||**2`` by Levenberg-Marquardt (no bounds).

    ``fun(x)`` returns the residuals (m,), ``jac(x, f)`` the (m, n) Jacobian at ``x`` with
    residuals ``f``; ``nfev``/``njev`` count the calls made here. ``initial_step`` is
    MINPACK's ``factor`` (first trust radius ``factor * ||D x0||``; MINPACK and scipy use
    100, 1 needed fewer Jacobians on the NIST StRD problems and avoids jumping onto
    plateaus such as BoxBOD's from start 1). ``callback(x, f, cost)`` runs after each
    accepted step; returning True stops the run with status -2.

    The iteration loop is one function because its state (radius, damping, scales, the
    previous step for the error estimate) is shared by every branch.
    """
    x = np.array(x0, dtype=float)
    f = np.asarray(fun(x), dtype=float) if f0 is None else f0
    nfev = 1 if f0 is None else 0
    J = np.asarray(jac(x, f), dtype=float) if J0 is None else J0
    njev = 1 if J0 is None else 0
    max_nfev = 100 * x.size if max_nfev is None else max_nfev
    tests = StoppingTests(ftol, xtol, gtol)
    scale_by_jac = isinstance(x_scale, str)
    diag = _column_norms(J) if scale_by_jac else 1.0 / np.asarray(x_scale, dtype=float)
    xnorm = np.linalg.norm(diag * x)
    delta = initial_step * xnorm if xnorm > 0 else initial_step
    lam, fnorm, nit, status = 0.0, np.linalg.norm(f), 0, None
    while status is None:
        nit += 1
        if not np.all(np.isfinite(J)):
            status = (-1, "The Jacobian has non-finite entries at the current point.")
            break
        if fnorm == 0 or max_cosine(J, f) <= gtol:
            status = 1
            break
        if scale_by_jac:
            diag = np.maximum(diag, _column_norms(J))
        Js = J / diag
        svd = np.linalg.svd(Js, full_matrices=False)
        accepted = False
        while not accepted and status is None:
            q, lam = solve_trust_region_subproblem(Js, f, delta, lam, svd)
            p, qnorm = q / diag, np.linalg.norm(q)
            if nit == 1:
                delta = min(delta, qnorm)
            f_new = np.asarray(fun(x + p), dtype=float)
            nfev += 1
            fnorm_new = np.linalg.norm(f_new) if np.all(np.isfinite(f_new)) else np.inf
            ratio, actred, prered, dirder = _reduction_ratio(J, p, q, lam, fnorm, fnorm_new)
            delta, lam = _update_radius(delta, lam, ratio, actred, dirder, qnorm,
                                        fnorm, fnorm_new)
            accepted = ratio >= 1e-4
            if accepted:
                x, f, fnorm = x + p, f_new, fnorm_new
                tests.record_step(p, qnorm, x)
            status = tests.check(actred, prered, ratio, accepted, delta,
                                 xnorm=np.linalg.norm(diag * x))
            if status is None and nfev >= max_nfev:
                status = 0
        if status is None and callback is not None and callback(x.copy(), f, 0.5 * fnorm ** 2):
            status = (-2, "Stopped by the callback.")
        if status is None:
            J = np.asarray(jac(x, f), dtype=float)
            njev += 1
    status, message = status if isinstance(status, tuple) else (status, MESSAGES[status])
    return OptimizeResult(x=x, fun=f, jac=J, cost=0.5 * fnorm ** 2, status=status,
                          success=bool(status > 0), message=message, nfev=nfev, njev=njev,
                          nit=nit)


class StoppingTests:
    """The ftol / xtol tests after each trial step (see the module docstring)."""

    RATE_CAP = 0.9

    def __init__(self, ftol: float, xtol: float, gtol: float):
        self.ftol, self.xtol, self.gtol = ftol, xtol, gtol
        self.previous_norm = 0.0
        self.rates: list[float] = []
        self.error = np.inf

    def record_step(self, p: np.ndarray, pnorm: float, x: np.ndarray) -> None:
        """Remember an accepted step ``p`` (scaled norm ``pnorm``) that led to ``x``."""
        if self.previous_norm > 0:
            self.rates.append(pnorm / self.previous_norm)
        rate = min(max(self.rates[-2:], default=1.0), self.RATE_CAP)
        self.error = relative_change(p, x) * rate / (1.0 - rate)
        self.previous_norm = pnorm

    def check(self, actred: float, prered: float, ratio: float, accepted: bool,
              delta: float, xnorm: float) -> int | tuple[int, str] | None:
        """Status 2/3/4 when a test holds after this trial step, else None."""
        f_ok = abs(actred) <= self.ftol and prered <= self.ftol and 0.5 * ratio <= 1
        x_ok = accepted and self.error <= self.xtol
        if f_ok or x_ok:
            return 4 if f_ok and x_ok else (2 if f_ok else 3)
        tiny = "; no further reduction is possible in floating point"
        if abs(actred) <= _EPS and prered <= _EPS and 0.5 * ratio <= 1:
            return (2, "`ftol` termination condition reached machine precision" + tiny)
        if delta <= _EPS * xnorm:
            return (3, "`xtol` termination condition reached machine precision" + tiny)
        return None


def relative_change(p: np.ndarray, x: np.ndarray) -> float:
    """``max_j |p_j| / |x_j|``; a component with ``x_j == 0`` counts ``|p_j|`` as absolute."""
    scale = np.where(x != 0, np.abs(x), 1.0)
    return float(np.max(np.abs(p) / scale, initial=0.0))


def max_cosine(J: np.ndarray, f: np.ndarray) -> float:
    """MINPACK's scale-free gradient measure: max over columns of |cos(angle(J_j, f))|."""
    fnorm = np.linalg.norm(f)
    if fnorm == 0:
        return 0.0
    cols = np.linalg.norm(J, axis=0)
    g = np.abs(J.T @ f)
    cos = np.where(cols > 0, g / np.where(cols > 0, cols, 1.0) / fnorm, 0.0)
    return float(np.max(cos, initial=0.0))


def _column_norms(J: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(J, axis=0)
    return np.where(norms > 0, norms, 1.0)


def _reduction_ratio(J, p, q, lam, fnorm, fnorm_new):
    """Actual over predicted relative reduction, as MINPACK computes them."""
    actred = 1.0 - (fnorm_new / fnorm) ** 2 if 0.1 * fnorm_new < fnorm else -1.0
    t1 = np.linalg.norm(J @ p) / fnorm
    t2 = np.sqrt(lam) * np.linalg.norm(q) / fnorm
    prered = t1 ** 2 + 2.0 * t2 ** 2
    dirder = -(t1 ** 2 + t2 ** 2)
    ratio = actred / prered if prered != 0 else 0.0
    return ratio, actred, prered, dirder


def _update_radius(delta, lam, ratio, actred, dirder, pnorm, fnorm, fnorm_new):
    """MINPACK's radius update; a non-finite trial point shrinks the radius fourfold."""
    if ratio <= 0.25:
        if not np.isfinite(fnorm_new):
            return 0.25 * min(delta, pnorm), lam * 4.0
        shrink = 0.5 if actred >= 0 else 0.5 * dirder / (dirder + 0.5 * actred)
        if 0.1 * fnorm_new >= fnorm or shrink < 0.1:
            shrink = 0.1
        return shrink * min(delta, pnorm / 0.1), lam / shrink
    if lam == 0 or ratio >= 0.75:
        return pnorm / 0.5, 0.5 * lam
    return delta, lam
