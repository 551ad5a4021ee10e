"""Filter line search with second-order corrections (Wächter & Biegler 2006, section 2.3).

A trial point is accepted when it is acceptable to the filter (not dominated by any stored
pair of constraint violation ``theta`` and barrier value ``phi``) and it either decreases
``phi`` enough (Armijo, when the step is a descent step and ``theta`` is small: an
"f-type" step) or decreases ``theta`` or ``phi`` by a fraction of ``theta`` (an "h-type" step,
which enlarges the filter). When the full step is rejected and increases ``theta``, up to
four second-order corrections re-solve the KKT system with the constraints evaluated at
the trial point. A trial point where the functions are not finite (NaN/inf) is rejected and
the step shrinks. If the step falls below ``alpha_min``, the caller enters restoration.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from symopt.optimize._nonlinear.ipm_barrier import BarrierProblem
from symopt.optimize._nonlinear.ipm_iterate import Bounds, Iterate, barrier_value, evaluate

__all__ = ["Filter", "Step", "fraction_to_boundary", "line_search", "overflowing_power"]

GAMMA_THETA, GAMMA_PHI, DELTA, S_THETA, S_PHI = 1e-5, 1e-8, 1.0, 1.1, 2.3
ETA_PHI, GAMMA_ALPHA, KAPPA_SOC, MAX_SOC = 1e-4, 0.05, 0.99, 4
FILTER_RESET_TRIGGER, MAX_FILTER_RESETS = 5, 5


@dataclass
class Filter:
    """Forbidden region: pairs (theta, phi); a point must improve one of them on each.

    IPOPT's filter reset heuristic: when the last trial point rejected in each of
    ``FILTER_RESET_TRIGGER`` successive line searches was rejected by the filter (not by
    the sufficient-decrease tests), the filter is emptied, at most ``MAX_FILTER_RESETS``
    times per solve. A filter entry from a distant iterate can otherwise block a region
    where the barrier function decreases (the COPS electrons: steps cut to 1e-3 and worse
    for dozens of iterations where IPOPT, after its reset, takes the full step)."""

    theta_max: float
    theta_min: float
    pairs: list[tuple[float, float]] = field(default_factory=list)
    successive_filter_rejections: int = 0
    resets: int = 0

    def acceptable(self, theta: float, phi: float) -> bool:
        if theta > self.theta_max:
            return False
        return all(theta < t or phi < p for t, p in self.pairs)

    def add(self, theta: float, phi: float) -> None:
        t, p = (1 - GAMMA_THETA) * theta, phi - GAMMA_PHI * theta
        self.pairs = [(a, b) for a, b in self.pairs if not (a >= t and b >= p)] + [(t, p)]

    def reset(self) -> None:
        self.pairs = []

    def note_line_search(self, last_rejection_by_filter: bool) -> None:
        """Count line searches whose last rejection was the filter's; reset when due."""
        if self.resets >= MAX_FILTER_RESETS:
            return
        if not last_rejection_by_filter:
            self.successive_filter_rejections = 0
            return
        self.successive_filter_rejections += 1
        if self.successive_filter_rejections >= FILTER_RESET_TRIGGER:
            self.reset()
            self.resets += 1
            self.successive_filter_rejections = 0


@dataclass
class Step:
    """A primal-dual search direction."""

    dw: np.ndarray
    dy: np.ndarray
    dzl: np.ndarray
    dzu: np.ndarray


def fraction_to_boundary(values: np.ndarray, steps: np.ndarray, tau: float) -> float:
    """Largest ``alpha`` in (0, 1] with ``values + alpha steps >= (1 - tau) values``."""
    shrinking = steps < 0
    if not np.any(shrinking):
        return 1.0
    with np.errstate(over="ignore"):        # a step of 1e-320 allows any alpha: inf, not noise
        limits = -tau * values[shrinking] / steps[shrinking]
    return float(min(1.0, np.min(limits)))


def primal_alpha_max(it: Iterate, dw: np.ndarray, bounds: Bounds, tau: float) -> float:
    sl, su = bounds.gaps(it.w)
    return min(fraction_to_boundary(sl, dw[bounds.il], tau),
               fraction_to_boundary(su, -dw[bounds.iu], tau))


def line_search(problem: BarrierProblem, it: Iterate, step: Step, bounds: Bounds, mu: float,
                tau: float, filt: Filter,
                soc_solve: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, float, float, np.ndarray, bool] | None:
    """The accepted trial ``(w, alpha, f, c, h_type)``, or None (go to restoration)."""
    theta = it.theta
    phi = it.barrier(bounds, mu)
    slope = float(it.barrier_gradient(bounds, mu) @ step.dw)
    alpha_min = _alpha_min(theta, slope, filt.theta_min)
    alpha = primal_alpha_max(it, step.dw, bounds, tau)
    first, by_filter = True, [False]
    while alpha >= alpha_min:
        accepted, theta_t, c_t = _trial(problem, it.w + alpha * step.dw, alpha, bounds, mu,
                                        theta, phi, slope, filt, by_filter)
        if accepted is None and first and theta_t is not None and theta_t >= theta:
            accepted = _second_order_correction(problem, it, step, bounds, mu, tau, filt,
                                                alpha, c_t, theta, phi, slope, soc_solve,
                                                by_filter)
        if accepted is not None:
            filt.note_line_search(by_filter[0])
            return accepted
        first = False
        alpha *= 0.5
    return None


def _trial(problem: BarrierProblem, w_trial: np.ndarray, alpha: float, bounds: Bounds,
           mu: float, theta: float, phi: float, slope: float, filt: Filter,
           by_filter: list[bool]) -> tuple:
    """``(accepted, theta_t, c_t)`` of a trial point: the step line_search returns when the
    filter and the switching/Armijo tests take it (else None), and the trial's constraint
    values and their infeasibility (None, None where f or C cannot be evaluated there).
    ``by_filter[0]`` records whether a rejection (the last so far) was the filter's."""
    values = evaluate(problem, w_trial)
    if values is None:
        by_filter[0] = False
        return None, None, None
    f_t, c_t = values
    theta_t = float(np.sum(np.abs(c_t)))
    verdict, rejected_by_filter = _accept(theta, phi, slope, alpha, theta_t,
                                          barrier_value(f_t, w_trial, bounds, mu), filt)
    if verdict is None:
        by_filter[0] = rejected_by_filter
    return (None if verdict is None else (w_trial, alpha, f_t, c_t, verdict)), theta_t, c_t


def overflowing_power(base: float, exponent: float) -> float:
    """``base ** exponent`` that overflows to inf (a Python float raises OverflowError:
    a slope near -1e300, from a coefficient near 1e308, reached the filter tests, and a
    violation near 1e307 the barrier parameter of a restoration phase)."""
    with np.errstate(over="ignore"):
        return float(np.power(np.float64(base), exponent))


def _alpha_min(theta: float, slope: float, theta_min: float) -> float:
    if slope < 0:
        value = min(GAMMA_THETA, GAMMA_PHI * theta / -slope)
        if theta <= theta_min:
            value = min(value, DELTA * overflowing_power(theta, S_THETA)
                        / overflowing_power(-slope, S_PHI))
    else:
        value = GAMMA_THETA
    return max(GAMMA_ALPHA * value, 1e-16)


def _accept(theta: float, phi: float, slope: float, alpha: float, theta_t: float,
            phi_t: float, filt: Filter) -> tuple[bool | None, bool]:
    """``(verdict, by_filter)``: verdict None when rejected, else whether the step is h-type
    (the filter grows); by_filter when the decrease tests passed and the filter rejected
    (IPOPT's order, for the filter reset heuristic)."""
    if not np.isfinite(phi_t):
        return None, False
    switching = slope < 0 and (alpha * overflowing_power(-slope, S_PHI)
                               > DELTA * overflowing_power(theta, S_THETA))
    armijo = phi_t <= phi + ETA_PHI * alpha * slope + 10 * np.finfo(float).eps * abs(phi)
    if switching and theta <= filt.theta_min:
        if not armijo:
            return None, False
        verdict = False
    elif theta_t <= (1 - GAMMA_THETA) * theta or phi_t <= phi - GAMMA_PHI * theta:
        verdict = not (switching and armijo)     # the filter grows unless both hold
    else:
        return None, False
    if not filt.acceptable(theta_t, phi_t):
        return None, True
    return verdict, False


def _second_order_correction(problem, it, step, bounds, mu, tau, filt, alpha, c_trial,
                             theta, phi, slope, soc_solve, by_filter):
    """Up to ``MAX_SOC`` corrected steps ``d_soc`` from ``c_soc = alpha c + C(w + d)``."""
    c_soc = alpha * it.c + c_trial
    theta_old = float(np.sum(np.abs(c_trial)))
    for _ in range(MAX_SOC):
        dw = soc_solve(c_soc)
        alpha_soc = primal_alpha_max(it, dw, bounds, tau)
        accepted, theta_t, c_t = _trial(problem, it.w + alpha_soc * dw, alpha, bounds, mu,
                                        theta, phi, slope, filt, by_filter)
        if accepted is not None:
            return accepted
        if theta_t is None or theta_t > KAPPA_SOC * theta_old:
            return None
        theta_old = theta_t
        c_soc = alpha_soc * c_soc + c_t
    return None
