"""IPOPT's feasibility restoration problem, solved by the interior-point iterations themselves.

When the filter line search fails at ``w_R`` (Wächter & Biegler 2006, section 3.3), this
phase solves

.. math::

    \\min_{w, p, n}\\; \\rho \\sum_i (p_i + n_i) + \\frac{\\zeta}{2} \\|D (w - w_R)\\|^2
    \\quad \\text{s.t.}\\quad C(w) - p + n = 0,\\; w_l \\le w \\le w_u,\\; p, n \\ge 0

(``rho = 1000``, ``zeta = sqrt(mu_R)``, ``D = min(1, 1/|w_R|)``) with the same barrier
machinery (:class:`~symopt.optimize._nonlinear.ipm_newton.NewtonSteps`, its KKT solve, filter
line search and barrier update). The elastic variables ``p, n`` absorb the violation, so the
start ``w = w_R`` is feasible for the restoration problem and ``w`` is free to move (a plain
Gauss-Newton step on ``|C|^2`` is blocked when slacks sit close to narrow bounds, as in the
COPS cam shape). ``p`` and ``n`` start at the barrier problem's own optimum for fixed ``w``:
``n = a + sqrt(a^2 + mu_R C / (2 rho))`` with ``a = (mu_R - rho C) / (2 rho)``, ``p = C + n``.

The phase ends successfully as soon as ``w`` reduces the original violation to
``0.9 theta_R`` and is acceptable to the original filter. It proves local infeasibility
when the restoration problem converges (its KKT error below ``tol``) with the violation
still above ``tol``.
"""
from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from symopt.optimize._nonlinear.ipm_barrier import BarrierProblem
from symopt.optimize._nonlinear.ipm_iterate import (
    Bounds, Iterate, barrier_value, evaluate, with_derivatives,
)
from symopt.optimize._nonlinear.ipm_linesearch import Filter, line_search

__all__ = ["RestorationProblem", "restore_elastic"]

RHO = 1000.0
MAX_ITERATIONS = 200


class RestorationProblem:
    """The restoration problem over ``u = (w, p, n)``, with the interface of `BarrierProblem`
    that :class:`~symopt.optimize._nonlinear.ipm_newton.NewtonSteps` uses."""

    def __init__(self, base: BarrierProblem, w_r: np.ndarray, zeta: float):
        self.base, self.w_r, self.zeta = base, w_r.copy(), zeta
        self.d2 = np.minimum(1.0, 1.0 / np.maximum(np.abs(w_r), 1e-300)) ** 2
        self.nw, self.m = base.n_w, base.m
        self.n_w = self.n = self.nw + 2 * self.m
        self.wl = np.concatenate((base.wl, np.zeros(2 * self.m)))
        self.wu = np.concatenate((base.wu, np.full(2 * self.m, np.inf)))
        self.il = np.flatnonzero(np.isfinite(self.wl))
        self.iu = np.flatnonzero(np.isfinite(self.wu))
        rows = np.arange(self.m)
        self._elastic = sp.coo_matrix(
            (np.concatenate((-np.ones(self.m), np.ones(self.m))),
             (np.concatenate((rows, rows)), self.nw + np.arange(2 * self.m))),
            shape=(self.m, self.n_w))

    def split(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return u[:self.nw], u[self.nw:self.nw + self.m], u[self.nw + self.m:]

    def f(self, u: np.ndarray) -> float:
        w, p, n = self.split(u)
        return float(RHO * (np.sum(p) + np.sum(n))
                     + 0.5 * self.zeta * np.sum(self.d2 * (w - self.w_r) ** 2))

    def grad(self, u: np.ndarray) -> np.ndarray:
        w, _, _ = self.split(u)
        return np.concatenate((self.zeta * self.d2 * (w - self.w_r), np.full(2 * self.m, RHO)))

    def constraints(self, u: np.ndarray) -> np.ndarray:
        w, p, n = self.split(u)
        return self.base.constraints(w) - p + n

    def jacobian(self, u: np.ndarray) -> sp.coo_matrix:
        A = self.base.jacobian(u[:self.nw])
        e = self._elastic
        return sp.coo_matrix((np.concatenate((A.data, e.data)),
                              (np.concatenate((A.row, e.row)), np.concatenate((A.col, e.col)))),
                             shape=(self.m, self.n_w))

    def hessian(self, u: np.ndarray, obj_factor: float, y: np.ndarray) -> sp.coo_matrix:
        """The constraints' curvature (the original objective does not enter) plus the
        proximity term ``obj_factor * zeta * D^2``."""
        H = self.base.hessian(u[:self.nw], 0.0, y)
        diagonal = np.arange(self.nw)
        return sp.coo_matrix(
            (np.concatenate((H.data, obj_factor * self.zeta * self.d2)),
             (np.concatenate((H.row, diagonal)), np.concatenate((H.col, diagonal)))),
            shape=(self.n_w, self.n_w))


def _elastic_start(c: np.ndarray, mu: float) -> tuple[np.ndarray, np.ndarray]:
    """``p, n >= 0`` with ``p - n = c`` minimizing ``rho (p + n) - mu log(p n)``."""
    a = (mu - RHO * c) / (2 * RHO)
    n = a + np.sqrt(a ** 2 + mu * c / (2 * RHO))
    n = np.maximum(n, 1e-300)
    return c + n, n


def restore_elastic(run_type: type, problem: BarrierProblem, it: Iterate, bounds: Bounds,
                    mu: float, filt: Filter, tol: float, deadline: float | None):
    """Solve the restoration problem from ``it``; returns ``(w, f, c, success, infeasible,
    iterations)`` for the original problem (see the module docstring)."""
    theta_r = it.theta
    mu_r = max(mu, float(np.max(np.abs(it.c), initial=0.0)))
    rp = RestorationProblem(problem, it.w, float(np.sqrt(mu_r)))
    p, n = _elastic_start(it.c, mu_r)
    u = np.concatenate((it.w, p, n))
    run = run_type(rp, tol, mu_r, True, 0)
    zl = np.concatenate((np.minimum(RHO, it.zl), mu_r / p, mu_r / n))
    rit = Iterate(u, np.zeros(rp.m), zl, np.minimum(RHO, it.zu), f=rp.f(u),
                  c=rp.constraints(u))
    with_derivatives(rp, rit)
    theta0 = rit.theta
    rfilt = Filter(1e4 * max(1.0, theta0), 1e-4 * max(1.0, theta0))
    w, f, c = it.w, it.f, it.c
    for k in range(1, MAX_ITERATIONS + 1):
        run.update_barrier(rit, rfilt)
        step = run.direction(rit)
        if step is None:
            break
        found = line_search(rp, rit, step, run.bounds, run.mu, run.tau, rfilt, run.soc_solve)
        if found is None:
            break
        u, alpha, f_r, c_r, h_type = found
        if h_type:
            rfilt.add(rit.theta, rit.barrier(run.bounds, run.mu))
        rit = run.accept(rit, step, u, alpha, f_r, c_r)
        values = evaluate(problem, u[:rp.nw])
        if values is None:
            continue
        w, (f, c) = u[:rp.nw].copy(), values
        theta = float(np.sum(np.abs(c)))
        phi = barrier_value(f, w, bounds, mu)
        if theta <= 0.9 * theta_r and np.isfinite(phi) and filt.acceptable(theta, phi):
            return w, f, c, True, False, k
        if max(rit.error(run.bounds, 0.0)) <= tol and run.mu <= tol:
            return w, f, c, False, float(np.max(np.abs(c), initial=0.0)) > tol, k
        if deadline is not None and time.perf_counter() > deadline:
            break
    return w, f, c, False, False, MAX_ITERATIONS
