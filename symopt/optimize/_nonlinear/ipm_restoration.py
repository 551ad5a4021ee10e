"""Feasibility restoration: find a less infeasible point when the filter line search fails.

Minimises ``psi(w) = 1/2 |C(w)|^2 + zeta/2 |D (w - w_R)|^2 - mu_R sum log(bound gaps)`` from
the point ``w_R`` where the line search failed (``D = min(1, 1/|w_R|)`` keeps the point near
``w_R``, as IPOPT's restoration problem does). The weights follow the size of the violation
``v = max|C(w_R)|``: ``zeta = min(sqrt(mu), v)`` and ``mu_R = min(mu, v^2)`` (then shrinking by
0.2 per step), so that near a feasible point the barrier and proximity terms do not outweigh
``1/2 |C|^2`` (with ``mu_R = mu`` a violation of 1e-6 was swamped by the barrier and the phase
stalled, reporting local infeasibility at an almost feasible point). Its Gauss-Newton step
solves the quasi-definite system

.. math::

    \\begin{bmatrix} \\Sigma_R + \\zeta D^2 & A^T \\\\ A & -I \\end{bmatrix}
    \\begin{bmatrix} d_w \\\\ -r \\end{bmatrix} = - \\begin{bmatrix} g_R \\\\ C \\end{bmatrix},

factorized by the same :class:`~symopt.optimize._nonlinear.ipm_kkt.KKTMatrix` (its pattern is
the main system's), with a backtracking search on ``psi``. It returns as soon as the point is
acceptable to the main filter and ``theta`` fell to ``0.9 theta_R``. When ``psi`` stops
decreasing with ``theta`` still above the tolerance, the problem is *locally infeasible*:
the point is then a stationary point of the violation (``A^T C ~ 0``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from symopt.optimize._nonlinear.ipm_barrier import BarrierProblem
from symopt.optimize._nonlinear.ipm_iterate import Bounds, Iterate, barrier_value, evaluate
from symopt.optimize._nonlinear.ipm_kkt import KKTMatrix
from symopt.optimize._nonlinear.ipm_linesearch import Filter, overflowing_power, primal_alpha_max

__all__ = ["restore", "Restored"]

MAX_RESTORATION_ITERATIONS = 200


@dataclass
class Restored:
    """The outcome: the new point (``w``, ``f``, ``c``), whether it is good, and iterations."""

    w: np.ndarray
    f: float
    c: np.ndarray
    success: bool
    infeasible: bool
    iterations: int


def _psi(c: np.ndarray, w: np.ndarray, w_r: np.ndarray, d2: np.ndarray, zeta: float,
         bounds: Bounds, mu: float) -> float:
    return barrier_value(0.5 * float(c @ c) + 0.5 * zeta * float(d2 @ (w - w_r) ** 2),
                         w, bounds, mu)


def restore(problem: BarrierProblem, kkt: KKTMatrix, it: Iterate, bounds: Bounds, mu: float,
            filt: Filter, tol: float, h_pattern: Any, deadline: float | None = None) -> Restored:
    """Run the restoration phase from ``it``; see the module docstring."""
    w_r = it.w.copy()
    d2 = np.minimum(1.0, 1.0 / np.maximum(np.abs(w_r), 1e-300)) ** 2
    violation = float(np.max(np.abs(it.c), initial=0.0))
    zeta = min(float(np.sqrt(mu)), violation)
    theta_r = it.theta
    mu_r = min(mu, overflowing_power(violation, 2))
    w, f, c, A = it.w.copy(), it.f, it.c.copy(), it.A
    n, m = w.size, c.size
    for k in range(1, MAX_RESTORATION_ITERATIONS + 1):
        sl, su = bounds.gaps(w)
        sigma = np.zeros(n)
        sigma[bounds.il] += mu_r / sl ** 2
        sigma[bounds.iu] += mu_r / su ** 2
        grad = zeta * d2 * (w - w_r)
        grad[bounds.il] -= mu_r / sl
        grad[bounds.iu] += mu_r / su
        diagonal = np.concatenate((sigma + zeta * d2, -np.ones(m)))
        kkt.set_lowrank(None, None)
        if kkt.factorize(kkt.assemble(h_pattern, diagonal, A)) is None:
            break
        dw = kkt.solve(-np.concatenate((grad, c)))[:n]
        psi = _psi(c, w, w_r, d2, zeta, bounds, mu_r)
        alpha = primal_alpha_max(Iterate(w, it.y, it.zl, it.zu), dw, bounds, 0.99)
        accepted = None
        while alpha > 1e-12:
            trial = w + alpha * dw
            values = evaluate(problem, trial)
            if values is not None and _psi(values[1], trial, w_r, d2, zeta, bounds, mu_r) \
                    <= psi + 1e-4 * alpha * float((grad + A.T @ c) @ dw):
                accepted = (trial, *values)
                break
            alpha *= 0.5
        if accepted is None:
            break
        moved = np.max(np.abs(accepted[0] - w), initial=0.0)
        w, f, c = accepted
        A = problem.jacobian(w)
        theta = float(np.sum(np.abs(c)))
        phi = barrier_value(f, w, bounds, mu)
        if theta <= 0.9 * theta_r and filt.acceptable(theta, phi) and np.isfinite(phi):
            return Restored(w, f, c, True, False, k)
        stationary = float(np.max(np.abs(A.T @ c), initial=0.0))
        if moved <= 1e-14 * max(1.0, float(np.max(np.abs(w)))) or (
                stationary <= 1e-9 * max(1.0, theta) and theta > tol):
            return Restored(w, f, c, False, theta > tol, k)
        mu_r = max(0.2 * mu_r, 1e-20)
        if deadline is not None and time.perf_counter() > deadline:
            break
    theta = float(np.sum(np.abs(c)))
    stationary = float(np.max(np.abs(A.T @ c), initial=0.0))
    return Restored(w, f, c, False, theta > tol and stationary <= 1e-6 * max(1.0, theta), k)
