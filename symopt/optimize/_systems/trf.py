"""Trust-region reflective least squares with bounds and robust losses.

The method of Branch, Coleman and Li ("A subspace, interior, and conjugate gradient method
for large-scale bound-constrained minimization problems", SIAM J. Sci. Comput. 21, 1999),
with the exact trust-region subproblem solved through an SVD:

- iterates stay strictly inside the bounds;
- variables are scaled by ``d = sqrt(v) * x_scale``, where ``v`` is the Coleman-Li vector
  (the distance to the bound the gradient points at, or 1), and the diagonal term
  ``C = diag(g * dv)`` is added to the Gauss-Newton model, which turns the first-order
  conditions with bounds into a smooth system;
- a trust-region step that would leave the box is replaced by the best (by the model) of
  three steps: the step cut back to the boundary, its reflection off the boundary, and the
  scaled steepest-descent step, each kept a factor ``theta`` inside the box.

Robust losses enter by rescaling residuals and Jacobian (see :mod:`symopt.optimize._systems.losses`).
Stopping tests: ``ftol`` on the relative cost reduction (``dF < ftol * F``, as scipy's trf),
``xtol`` on the estimated relative error of each component (as :mod:`symopt.optimize._systems.lm`),
``gtol`` on ``||v * g||_inf`` (as scipy's trf).

>>> import numpy as np
>>> fun = lambda x: np.array([x[0] - 3.0, x[1] + 1.0])
>>> jac = lambda x, f: np.eye(2)
>>> r = least_squares_trf(fun, jac, np.array([0.0, 0.0]), lb=np.array([-5.0, 0.0]),
...                       ub=np.array([5.0, 5.0]))
>>> np.round(r.x, 6)
array([3., 0.])
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from symopt.optimize._systems.lm import MESSAGES, StoppingTests, solve_trust_region_subproblem
from symopt.optimize._systems.losses import loss_cost, scale_for_loss
from symopt.optimize.result import OptimizeResult

__all__ = ["least_squares_trf"]

_EPS = np.finfo(float).eps


def least_squares_trf(
    fun: Callable[[np.ndarray], np.ndarray],
    jac: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x0: np.ndarray, f0: np.ndarray | None = None, *,
    lb: np.ndarray | None = None, ub: np.ndarray | None = None,
    ftol: float = 1e-8, xtol: float = 1e-8, gtol: float = 1e-8, max_nfev: int | None = None,
    x_scale: np.ndarray | str | float = 1.0, loss: Callable | None = None, f_scale: float = 1.0,
    callback: Callable[[np.ndarray, np.ndarray, float], bool] | None = None,
) -> OptimizeResult:
    """Minimise ``0.5 * sum(rho(f(x)**2))`` subject to ``lb <= x <= ub``.

    ``fun``/``jac`` as in :func:`symopt.optimize._systems.lm.least_squares_lm`; ``loss`` is a
    callable from :mod:`symopt.optimize._systems.losses` or None (linear). ``f0`` is ``fun(x0)``
    when known (only reused if x0 is strictly inside the bounds).
    """
    n = np.size(x0)
    lb = np.full(n, -np.inf) if lb is None else np.asarray(lb, dtype=float)
    ub = np.full(n, np.inf) if ub is None else np.asarray(ub, dtype=float)
    x = strictly_inside(np.array(x0, dtype=float), lb, ub)
    problem = _LossProblem(fun, jac, loss, f_scale)
    if f0 is None or np.any(x != x0):
        f0 = problem.residuals(x)
    state = problem.evaluate(x, f0)
    max_nfev = 100 * n if max_nfev is None else max_nfev
    tests = StoppingTests(ftol, xtol, gtol)
    col_scale = _variable_scale(x_scale, state.J, None)
    v, _ = coleman_li(x, state.g, lb, ub)
    # the first radius from the start as given: a start on a bound (x0 = 0 with x >= 0) was
    # moved inside by 1e-10 only so the scaling is defined, and a radius of 1e-10 would stop
    # the first step by the ftol test at once (scipy's trf does; Delta = 1 is its rule for 0)
    given = np.clip(np.asarray(x0, dtype=float), lb, ub)
    delta = np.linalg.norm(given / col_scale / np.sqrt(v)) or 1.0
    nit, status = 0, None
    while status is None:
        nit += 1
        if not np.all(np.isfinite(state.J)):
            status = (-1, "The Jacobian has non-finite entries at the current point.")
            break
        v, dv = coleman_li(x, state.g, lb, ub)
        g_norm = float(np.max(np.abs(v * state.g), initial=0.0))
        if g_norm < gtol:
            status = 1
            break
        col_scale = _variable_scale(x_scale, state.J, col_scale)
        model = _ScaledModel(state, np.sqrt(v) * col_scale, state.g * dv * col_scale ** 2)
        theta = max(0.995, 1.0 - g_norm)
        accepted = False
        while not accepted and status is None:
            step_h, predicted = model.best_step(x, lb, ub, delta, theta)
            step = model.d * step_h
            x_new = strictly_inside(x + step, lb, ub, rstep=0.0)
            f_new = problem.residuals(x_new)
            new_state = problem.evaluate(x_new, f_new, with_jacobian=False)
            actual = state.cost - new_state.cost
            ratio = actual / predicted if predicted > 0 else -1.0
            step_norm = np.linalg.norm(step_h)
            delta = _update_radius(delta, ratio, step_norm)
            accepted = actual > 0 and np.isfinite(new_state.cost)
            if accepted:
                x = x_new
                tests.record_step(step, step_norm, x)
            status = _stop(tests, actual, state.cost, ratio, accepted and model.interior)
            if status is None and delta < _EPS * max(np.linalg.norm(x * model.d_inverse), 1.0):
                status = (3, "`xtol` termination condition reached machine precision; "
                             "no further reduction is possible in floating point")
            if status is None and problem.nfev >= max_nfev:
                status = 0
        if accepted:
            state = new_state
            if status is None and callback is not None and callback(x.copy(), state.f,
                                                                    state.cost):
                status = (-2, "Stopped by the callback.")
            if status is None:
                state = problem.evaluate(x, state.f)
    status, message = status if isinstance(status, tuple) else (status, MESSAGES[status])
    if state.J is None:
        state = problem.evaluate(x, state.f)
    return OptimizeResult(x=x, fun=state.f, jac=state.J_raw, cost=state.cost, status=status,
                          success=bool(status > 0), message=message, nfev=problem.nfev,
                          njev=problem.njev, nit=nit)


def strictly_inside(x: np.ndarray, lb: np.ndarray, ub: np.ndarray,
                    rstep: float = 1e-10) -> np.ndarray:
    """``x`` moved off any bound it sits on by a relative ``rstep`` (mid-box if too narrow).

    ``rstep=0`` moves to the next representable number inside.
    """
    x = np.clip(x, lb, ub)
    on_lb, on_ub = x == lb, x == ub
    if rstep == 0:
        x[on_lb] = np.nextafter(lb[on_lb], ub[on_lb])
        x[on_ub] = np.nextafter(ub[on_ub], lb[on_ub])
    else:
        x[on_lb] = lb[on_lb] + rstep * np.maximum(1.0, np.abs(lb[on_lb]))
        x[on_ub] = ub[on_ub] - rstep * np.maximum(1.0, np.abs(ub[on_ub]))
    outside = (x <= lb) | (x >= ub)
    x[outside] = 0.5 * (lb[outside] + ub[outside])
    return x


def coleman_li(x: np.ndarray, g: np.ndarray, lb: np.ndarray, ub: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """The Coleman-Li scaling vector ``v`` and its derivative sign ``dv``."""
    v, dv = np.ones_like(x), np.zeros_like(x)
    to_upper = (g < 0) & np.isfinite(ub)
    to_lower = (g > 0) & np.isfinite(lb)
    v[to_upper], dv[to_upper] = ub[to_upper] - x[to_upper], -1.0
    v[to_lower], dv[to_lower] = x[to_lower] - lb[to_lower], 1.0
    return v, dv


def step_to_bounds(x: np.ndarray, s: np.ndarray, lb: np.ndarray, ub: np.ndarray
                   ) -> tuple[float, np.ndarray]:
    """Largest ``t >= 0`` keeping ``x + t s`` in the box, and which components stop it."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(s > 0, (ub - x) / s, np.where(s < 0, (lb - x) / s, np.inf))
    t_min = float(np.min(t, initial=np.inf))
    return t_min, t == t_min


class _State:
    def __init__(self, f, J_raw, J, fs, cost, g):
        self.f, self.J_raw, self.J, self.fs, self.cost, self.g = f, J_raw, J, fs, cost, g


class _LossProblem:
    """Residuals and Jacobian, folded through the robust loss, with call counts."""

    def __init__(self, fun, jac, loss, f_scale):
        self.fun, self.jac, self.loss, self.f_scale = fun, jac, loss, f_scale
        self.nfev = self.njev = 0

    def residuals(self, x: np.ndarray) -> np.ndarray:
        self.nfev += 1
        return np.asarray(self.fun(x), dtype=float)

    def evaluate(self, x: np.ndarray, f: np.ndarray, with_jacobian: bool = True) -> _State:
        if not np.all(np.isfinite(f)):
            return _State(f, None, None, None, np.inf, None)
        cost = loss_cost(self.loss, f, self.f_scale)
        if not with_jacobian:
            return _State(f, None, None, None, cost, None)
        self.njev += 1
        J_raw = np.asarray(self.jac(x, f), dtype=float)
        J, fs = J_raw, f
        if self.loss is not None:
            fs, J = scale_for_loss(self.loss((f / self.f_scale) ** 2), f, J_raw, self.f_scale)
        return _State(f, J_raw, J, fs, cost, J.T @ fs)


class _ScaledModel:
    """The quadratic model in the scaled variables ``p = d * p_h``."""

    def __init__(self, state: _State, d: np.ndarray, c_diag: np.ndarray):
        self.d = d
        self.d_inverse = np.where(d > 0, 1.0 / np.where(d > 0, d, 1.0), 0.0)
        self.J_h = state.J * d
        self.g_h = d * state.g
        self.c_h = c_diag
        augmented = np.vstack([self.J_h, np.diag(np.sqrt(np.maximum(self.c_h, 0.0)))])
        self.f_aug = np.concatenate([state.fs, np.zeros(d.size)])
        self.aug = augmented
        self.svd = np.linalg.svd(augmented, full_matrices=False)

    def value(self, p_h: np.ndarray) -> float:
        Jp = self.J_h @ p_h
        return float(self.g_h @ p_h + 0.5 * (Jp @ Jp + p_h @ (self.c_h * p_h)))

    def best_step(self, x, lb, ub, delta, theta) -> tuple[np.ndarray, float]:
        """The step (scaled) and its predicted reduction."""
        p_h, _ = solve_trust_region_subproblem(self.aug, self.f_aug, delta, 0.0, self.svd)
        p = self.d * p_h
        self.interior = bool(np.all((x + p > lb) & (x + p < ub)))
        if self.interior:
            return p_h, -self.value(p_h)
        candidates = [self._boundary_steps(x, lb, ub, p_h, delta, theta),
                      self._cauchy_step(x, lb, ub, delta, theta)]
        steps = [s for group in candidates for s in group]
        values = [self.value(s) for s in steps]
        best = int(np.argmin(values))
        return steps[best], -values[best]

    def _boundary_steps(self, x, lb, ub, p_h, delta, theta) -> list[np.ndarray]:
        t_hit, hits = step_to_bounds(x, self.d * p_h, lb, ub)
        on_boundary = t_hit * p_h
        steps = [theta * on_boundary]
        r_h = p_h.copy()
        r_h[hits] *= -1.0
        x_hit = x + self.d * on_boundary
        t_bound, _ = step_to_bounds(x_hit, self.d * r_h, lb, ub)
        t_region = _along_to_sphere(on_boundary, r_h, delta)
        t_hi = theta * min(t_bound, t_region)
        if t_hi > 0:
            t_lo = (1.0 - theta) * t_hi
            t = self._line_minimum(on_boundary, r_h, t_lo, t_hi)
            steps.append(on_boundary + t * r_h)
        return steps

    def _cauchy_step(self, x, lb, ub, delta, theta) -> list[np.ndarray]:
        direction = -self.g_h
        norm = np.linalg.norm(direction)
        if norm == 0:
            return []
        t_bound, _ = step_to_bounds(x, self.d * direction, lb, ub)
        t_hi = min(delta / norm, theta * t_bound)
        return [self._line_minimum(np.zeros_like(direction), direction, 0.0, t_hi) * direction]

    def _line_minimum(self, base: np.ndarray, direction: np.ndarray, lo: float, hi: float
                      ) -> float:
        """argmin over t in [lo, hi] of the model at ``base + t * direction``."""
        Jd, Jb = self.J_h @ direction, self.J_h @ base
        a = 0.5 * (Jd @ Jd + direction @ (self.c_h * direction))
        b = self.g_h @ direction + Jb @ Jd + base @ (self.c_h * direction)
        candidates = [lo, hi]
        if a > 0 and lo < -b / (2 * a) < hi:
            candidates.append(-b / (2 * a))
        return min(candidates, key=lambda t: a * t * t + b * t)


def _along_to_sphere(a: np.ndarray, b: np.ndarray, radius: float) -> float:
    """Positive t with ``||a + t b|| = radius`` (0 when a is already outside)."""
    bb, ab, aa = b @ b, a @ b, a @ a - radius ** 2
    if bb == 0 or aa > 0:
        return 0.0
    return float((-ab + np.sqrt(max(ab * ab - bb * aa, 0.0))) / bb)


def _variable_scale(x_scale, J, previous):
    """Characteristic scale of each variable: fixed, or 1 / column norms for 'jac'."""
    if not isinstance(x_scale, str):
        return np.broadcast_to(np.asarray(x_scale, dtype=float), (J.shape[1],))
    norms = np.linalg.norm(J, axis=0)
    norms = norms if previous is None else np.maximum(norms, 1.0 / previous)
    return 1.0 / np.where(norms > 0, norms, 1.0)


def _update_radius(delta: float, ratio: float, step_norm: float) -> float:
    if ratio < 0.25:
        return 0.25 * step_norm
    if ratio > 0.75 and step_norm > 0.95 * delta:
        return 2.0 * delta
    return delta


def _stop(tests: StoppingTests, actual: float, cost: float, ratio: float, interior: bool):
    """ftol/xtol tests; the xtol estimate is trusted only after an interior step."""
    f_ok = actual > 0 and actual < tests.ftol * cost and ratio > 0.25
    x_ok = interior and actual > 0 and tests.error <= tests.xtol
    if f_ok or x_ok:
        return 4 if f_ok and x_ok else (2 if f_ok else 3)
    return None
