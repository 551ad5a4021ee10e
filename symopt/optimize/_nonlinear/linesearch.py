"""A strong-Wolfe line search (Moré & Thuente), shared by CG, BFGS, L-BFGS-B and Newton-CG.

Moré & Thuente, "Line search algorithms with guaranteed sufficient decrease", ACM TOMS 20
(1994): an interval of uncertainty ``[stx, sty]`` is kept around a step with the lowest
value seen, and each new trial comes from safeguarded cubic or quadratic interpolation of
the values and slopes at the interval ends and the current trial (:func:`step_choice`,
the paper's section 4). Until a step with sufficient decrease and a non-negative
slope has been seen, the search works on the auxiliary function
``psi(a) = phi(a) - phi(0) - c1 a phi'(0)``. A trial where the function is NaN or inf
counts as too far: the search falls back halfway towards the best step.

>>> import numpy as np
>>> from symopt.optimize._nonlinear.objective import Objective
>>> obj = Objective(lambda x: float((x[0] - 3) ** 2), np.zeros(1), jac=lambda x: 2 * (x - 3))
>>> x = np.zeros(1)
>>> f, g = obj.fun_and_grad(x)
>>> step = wolfe_line_search(obj, x, -g, f, g, alpha0=1.0)
>>> bool(step.f <= f - 1e-4 * step.alpha * g @ g), bool(abs(step.g @ g) <= 0.9 * g @ g)
(True, True)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from symopt.optimize._nonlinear.objective import Objective

__all__ = ["LineStep", "wolfe_line_search"]

_XTOL = 1e-14           # relative width of the interval below which the search gives up
_EXTRAPOLATE = (1.1, 4.0)


@dataclass
class LineStep:
    """An accepted step ``x + alpha * p`` with its value and gradient."""

    alpha: float
    f: float
    g: np.ndarray


@dataclass
class _End:
    """A trial step: step length, value, slope (and the gradient, for returning it)."""

    a: float
    f: float
    d: float
    g: np.ndarray | None = None


def wolfe_line_search(obj: Objective, x: np.ndarray, p: np.ndarray, f0: float, g0: np.ndarray,
                      alpha0: float = 1.0, c1: float = 1e-4, c2: float = 0.9,
                      amax: float = np.inf, maxiter: int = 40,
                      accept: Callable[[float, np.ndarray], bool] | None = None
                      ) -> LineStep | None:
    """A step satisfying the strong Wolfe conditions along the descent direction ``p``.

    Returns None when ``p`` is not a descent direction, when rounding errors stop the
    search (the interval of uncertainty shrank to nothing: the callers report precision
    loss, as scipy's), or after ``maxiter`` trials. A step at ``amax`` with sufficient
    decrease and a still-negative slope is accepted: the bound stops it. ``accept(alpha,
    g)``, when given, is an extra condition a Wolfe step must meet (CG's descent test).
    The function is longer than most: it is the paper's one loop, kept whole so that it
    can be read against the paper.
    """
    d0 = float(g0 @ p)
    if not d0 < 0 or not alpha0 > 0:
        return None
    amax = min(amax, 1e100)
    slope_test = c1 * d0
    lo = hi = _End(0.0, f0, d0, g0)
    bracketed, stage_one = False, True
    width, width_before = amax, 2 * amax
    step_min, step_max = 0.0, alpha0 * (1 + _EXTRAPOLATE[1])
    alpha = min(alpha0, amax)
    for _ in range(maxiter):
        f, g = obj.fun_and_grad(x + alpha * p)
        if not np.isfinite(f) or not np.all(np.isfinite(g)):
            bracketed, hi = True, _End(alpha, np.inf, np.nan)
            step_min, step_max = min(lo.a, alpha), max(lo.a, alpha)
            alpha = lo.a + 0.5 * (alpha - lo.a)
            continue
        cur = _End(alpha, f, float(g @ p), g)
        sufficient = f <= f0 + alpha * slope_test
        if sufficient and (abs(cur.d) <= -c2 * d0 or (alpha >= amax and cur.d <= slope_test)):
            if accept is None or accept(alpha, g):
                return LineStep(alpha, f, g)
        if bracketed and (alpha <= step_min or alpha >= step_max
                          or step_max - step_min <= _XTOL * step_max):
            return None
        if stage_one and sufficient and cur.d >= 0:
            stage_one = False
        if stage_one and f <= lo.f and not sufficient:
            lo, hi, bracketed, alpha = _choose_on_auxiliary(lo, hi, cur, bracketed, step_min,
                                                            step_max, slope_test)
        else:
            lo, hi, bracketed, alpha = step_choice(lo, hi, cur, bracketed, step_min, step_max)
        if bracketed:
            if abs(hi.a - lo.a) >= 0.66 * width_before:
                alpha = lo.a + 0.5 * (hi.a - lo.a)
            width_before, width = width, abs(hi.a - lo.a)
            step_min, step_max = min(lo.a, hi.a), max(lo.a, hi.a)
        else:
            step_min = alpha + _EXTRAPOLATE[0] * (alpha - lo.a)
            step_max = alpha + _EXTRAPOLATE[1] * (alpha - lo.a)
        alpha = float(min(max(alpha, 0.0), amax))
        if bracketed and (alpha <= step_min or alpha >= step_max
                          or step_max - step_min <= _XTOL * step_max):
            alpha = lo.a
            if alpha == 0.0:
                return None
    return None


def _choose_on_auxiliary(lo: _End, hi: _End, cur: _End, bracketed: bool, step_min: float,
                         step_max: float, slope_test: float):
    """:func:`step_choice` on ``psi(a) = phi(a) - a c1 phi'(0)`` (stage one of the paper)."""
    def shift(e: _End, sign: float) -> _End:
        return _End(e.a, e.f - sign * e.a * slope_test, e.d - sign * slope_test, e.g)

    lo, hi, bracketed, alpha = step_choice(shift(lo, 1), shift(hi, 1), shift(cur, 1),
                                           bracketed, step_min, step_max)
    return shift(lo, -1), shift(hi, -1), bracketed, alpha


def step_choice(lo: _End, hi: _End, cur: _End, bracketed: bool, step_min: float,
                step_max: float) -> tuple[_End, _End, bool, float]:
    """The next trial step and the updated interval (Moré & Thuente, section 4).

    ``lo`` is the end with the lowest value so far; returns (lo, hi, bracketed, next step).
    """
    opposite_slopes = cur.d * np.sign(lo.d) < 0
    if cur.f > lo.f:
        new, bracketed = _higher_value(lo, cur), True
    elif opposite_slopes:
        new, bracketed = _slope_changes_sign(lo, cur), True
    elif abs(cur.d) < abs(lo.d):
        new = _slope_decreases(lo, hi, cur, bracketed, step_min, step_max)
    else:
        new = _slope_grows(lo, hi, cur, bracketed, step_min, step_max)
    if cur.f > lo.f:
        hi = cur
    else:
        if opposite_slopes:
            hi = lo
        lo = cur
    return lo, hi, bracketed, new


def _theta_gamma(a: _End, b: _End) -> tuple[float, float]:
    """The cubic through (value, slope) at ``a`` and ``b``: its ``theta`` and ``|gamma|``."""
    theta = 3 * (a.f - b.f) / (b.a - a.a) + a.d + b.d
    s = max(abs(theta), abs(a.d), abs(b.d))
    return theta, s * np.sqrt(max(0.0, (theta / s) ** 2 - (a.d / s) * (b.d / s)))


def _higher_value(lo: _End, cur: _End) -> float:
    """Case 1: the trial is worse, so a minimiser lies between ``lo`` and it."""
    theta, gamma = _theta_gamma(lo, cur)
    if cur.a < lo.a:
        gamma = -gamma
    p = (gamma - lo.d) + theta
    q = ((gamma - lo.d) + gamma) + cur.d
    cubic = lo.a + (p / q) * (cur.a - lo.a)
    quad = lo.a + ((lo.d / ((lo.f - cur.f) / (cur.a - lo.a) + lo.d)) / 2) * (cur.a - lo.a)
    if abs(cubic - lo.a) < abs(quad - lo.a):
        return cubic
    return cubic + (quad - cubic) / 2


def _slope_changes_sign(lo: _End, cur: _End) -> float:
    """Case 2: lower value and a slope of opposite sign: bracketed."""
    theta, gamma = _theta_gamma(lo, cur)
    if cur.a > lo.a:
        gamma = -gamma
    p = (gamma - cur.d) + theta
    q = ((gamma - cur.d) + gamma) + lo.d
    cubic = cur.a + (p / q) * (lo.a - cur.a)
    secant = cur.a + (cur.d / (cur.d - lo.d)) * (lo.a - cur.a)
    return cubic if abs(cubic - cur.a) > abs(secant - cur.a) else secant


def _slope_decreases(lo: _End, hi: _End, cur: _End, bracketed: bool, step_min: float,
                     step_max: float) -> float:
    """Case 3: lower value, same slope sign, smaller slope magnitude."""
    theta, gamma = _theta_gamma(lo, cur)
    if cur.a > lo.a:
        gamma = -gamma
    p = (gamma - cur.d) + theta
    q = (gamma + (lo.d - cur.d)) + gamma
    r = p / q if q != 0 else 0.0
    if r < 0 and gamma != 0:
        cubic = cur.a + r * (lo.a - cur.a)
    else:
        cubic = step_max if cur.a > lo.a else step_min
    secant = cur.a + (cur.d / (cur.d - lo.d)) * (lo.a - cur.a)
    if bracketed:
        new = cubic if abs(cubic - cur.a) < abs(secant - cur.a) else secant
        limit = cur.a + 0.66 * (hi.a - cur.a)
        return min(limit, new) if cur.a > lo.a else max(limit, new)
    new = cubic if abs(cubic - cur.a) > abs(secant - cur.a) else secant
    return float(min(max(new, step_min), step_max))


def _slope_grows(lo: _End, hi: _End, cur: _End, bracketed: bool, step_min: float,
                 step_max: float) -> float:
    """Case 4: lower value, same slope sign, slope not smaller in magnitude."""
    if not bracketed:
        return step_max if cur.a > lo.a else step_min
    theta, gamma = _theta_gamma(cur, hi)
    if cur.a > hi.a:
        gamma = -gamma
    p = (gamma - cur.d) + theta
    q = ((gamma - cur.d) + gamma) + hi.d
    return cur.a + (p / q) * (hi.a - cur.a)
