"""The machinery of one interior-point iteration: start point, Newton step, dual update,
barrier update, restoration hand-off (the loop itself is in
:mod:`symopt.optimize._nonlinear.interior_point`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.optimize._nonlinear.ipm_barrier import BarrierProblem
from symopt.optimize._nonlinear.ipm_iterate import Bounds, Iterate, with_derivatives
from symopt.optimize._nonlinear.ipm_kkt import InertiaCorrector, KKTMatrix
from symopt.optimize._nonlinear.ipm_lbfgs import LimitedMemory
from symopt.optimize._nonlinear.ipm_linesearch import (
    Filter, Step, fraction_to_boundary, overflowing_power,
)
from symopt.optimize._nonlinear.ipm_restoration import Restored, restore
from symopt.optimize._nonlinear.ipm_restoration_l1 import restore_elastic

__all__ = ["NewtonSteps"]

KAPPA_EPS, KAPPA_MU, THETA_MU, TAU_MIN, KAPPA_SIGMA = 10.0, 0.2, 1.5, 0.99, 1e10
BOUND_PUSH = 1e-2
DIVERGING = 1e20


class NewtonSteps:
    """The state of one solve; :meth:`iterate` is one interior-point iteration."""

    def __init__(self, problem: BarrierProblem, tol: float, mu: float, exact: bool,
                 memory: int):
        self.problem = problem
        self.tol = tol
        self.mu = mu
        self.bounds = Bounds(problem.wl, problem.wu, problem.il, problem.iu)
        self.kkt = KKTMatrix(problem.n_w, problem.m)
        self.corrector = InertiaCorrector(self.kkt)
        self.exact = exact
        self.lbfgs = None if exact else LimitedMemory(problem.n, memory)
        self.h_pattern: sp.coo_matrix | None = None
        self.log: list[dict[str, Any]] = []
        self.restorations = 0
        self.restoration_iterations = 0     # counted in nit, as IPOPT counts them
        self.last_alpha_z = 0.0
        self.rhs_dual = np.zeros(problem.n_w)

    @property
    def tau(self) -> float:
        return max(TAU_MIN, 1.0 - self.mu)

    # ----- start ----------------------------------------------------------------------
    def start(self, x0: np.ndarray) -> Iterate:
        p = self.problem
        p.set_scaling(x0)
        # the slacks start at the rows' values at the point already pushed inside its
        # bounds, as IPOPT's (Wächter & Biegler 2006, section 3.6), not at the user's x0
        inside = x0.copy()
        inside[p.free] = _pushed_inside(x0[p.free], p.wl[:p.n], p.wu[:p.n])
        w = _pushed_inside(p.start(inside), p.wl, p.wu)
        it = Iterate(w, np.zeros(p.m), np.ones(p.il.size), np.ones(p.iu.size))
        it.f, it.c = p.f(w), p.constraints(w)
        with_derivatives(p, it)
        if p.m:
            it.y = self.least_squares_multipliers(it)
        return it

    def hessian(self, it: Iterate) -> sp.coo_matrix | None:
        if not self.exact:
            return None
        H = self.problem.hessian(it.w, 1.0, it.y)
        if H.shape[0] != self.problem.n_w:
            H = sp.coo_matrix((H.data, (H.row, H.col)), shape=(self.problem.n_w,) * 2)
        self.h_pattern = sp.coo_matrix((np.zeros(H.nnz), (H.row, H.col)), shape=H.shape)
        return H

    def least_squares_multipliers(self, it: Iterate) -> np.ndarray:
        """``y`` minimizing ``|grad f + A^T y - zl + zu|`` (zero when it is large)."""
        b = self.bounds
        r = it.g.copy()
        r[b.il] -= it.zl
        r[b.iu] += it.zu
        identity = np.ones(it.w.size)
        self.kkt.set_lowrank(None, None)
        self.kkt.set_target(None)
        if self.kkt.factorize(self.kkt.assemble(
                self.h_pattern, np.concatenate((identity, np.full(it.c.size, -1e-8))),
                it.A)) is None:
            return np.zeros(it.c.size)
        # refined against the unregularized system: the 1e-8 only makes the pivots nonzero
        self.kkt.set_target(self.kkt.assemble(
            self.h_pattern, np.concatenate((identity, np.zeros(it.c.size))), it.A))
        y = self.kkt.solve(np.concatenate((-r, np.zeros(it.c.size))))[it.w.size:]
        self.kkt.set_target(None)
        return y if np.all(np.isfinite(y)) and np.max(np.abs(y), initial=0) <= 1e3 else 0 * y

    # ----- one iteration --------------------------------------------------------------
    def direction(self, it: Iterate) -> Step | None:
        H = self.hessian(it)
        lowrank = None
        sigma = it.sigma(self.bounds)
        if self.lbfgs is not None:
            sigma[:self.problem.n] += self.lbfgs.xi
            lowrank = self.lbfgs.compact()
        if not self.corrector.factorize(H, sigma, it.A, self.mu, lowrank):
            return None
        self.rhs_dual = it.barrier_gradient(self.bounds, self.mu) + it.A.T @ it.y
        rhs = -np.concatenate((self.rhs_dual, it.c))
        solution = self.kkt.solve(rhs)
        if not self.kkt.accurate and self.corrector.delta_c == 0.0 and self.problem.m:
            # no accurate solve of the unregularized matrix: it is singular (e.g. a
            # rank-deficient Jacobian), so regularize the constraint block as IPOPT does
            if not self.corrector.factorize(H, sigma, it.A, self.mu, lowrank, singular=True):
                return None
            solution = self.kkt.solve(rhs)
        if not np.all(np.isfinite(solution)):
            return None
        n = it.w.size
        dw, dy = solution[:n], solution[n:]
        b = self.bounds
        sl, su = b.gaps(it.w)
        dzl = self.mu / sl - it.zl - it.zl / sl * dw[b.il]
        dzu = self.mu / su - it.zu + it.zu / su * dw[b.iu]
        return Step(dw, dy, dzl, dzu)

    def soc_solve(self, c_soc: np.ndarray) -> np.ndarray:
        return self.kkt.solve(-np.concatenate((self.rhs_dual, c_soc)))[:self.problem.n_w]

    def accept(self, it: Iterate, step: Step, w: np.ndarray, alpha: float, f: float,
               c: np.ndarray) -> Iterate:
        """The new iterate: primal point ``w``, ``y`` by ``alpha``, bound multipliers by their
        own fraction-to-boundary step, then kept within ``kappa_sigma`` of ``mu / gap``."""
        alpha_z = min(fraction_to_boundary(it.zl, step.dzl, self.tau),
                      fraction_to_boundary(it.zu, step.dzu, self.tau))
        self.last_alpha_z = alpha_z
        new = Iterate(w, it.y + alpha * step.dy, it.zl + alpha_z * step.dzl,
                      it.zu + alpha_z * step.dzu, f=f, c=c)
        with_derivatives(self.problem, new)
        self.safeguard(new)
        if self.lbfgs is not None:
            p = self.problem
            self.lbfgs.update((w - it.w)[:p.n], p.lagrangian_gradient_x(new.w, new.y)
                              - (it.g + it.A.T @ new.y)[:p.n])
        return new

    def safeguard(self, it: Iterate) -> None:
        sl, su = self.bounds.gaps(it.w)
        it.zl = np.clip(it.zl, self.mu / (KAPPA_SIGMA * sl), KAPPA_SIGMA * self.mu / sl)
        it.zu = np.clip(it.zu, self.mu / (KAPPA_SIGMA * su), KAPPA_SIGMA * self.mu / su)

    def update_barrier(self, it: Iterate, filt: Filter) -> None:
        """Decrease ``mu`` while the barrier problem is solved to ``kappa_eps mu``."""
        while self.mu > self.tol / 10 and max(it.error(self.bounds, self.mu)) <= KAPPA_EPS * self.mu:
            # a restoration phase starts mu at the violation, which data near 1e308 puts
            # beyond the root of float range: mu^theta overflows to inf
            self.mu = max(self.tol / 10, min(KAPPA_MU * self.mu,
                                             overflowing_power(self.mu, THETA_MU)))
            filt.reset()

    def restore(self, it: Iterate, filt: Filter, deadline: float | None):
        self.restorations += 1
        out = None
        if self.exact:      # IPOPT's elastic restoration problem, by these same iterations
            out = Restored(*restore_elastic(type(self), self.problem, it, self.bounds, self.mu,
                                            filt, self.tol, deadline))
            self.restoration_iterations += out.iterations
        if out is None or not (out.success or out.infeasible):
            out = restore(self.problem, self.kkt, it, self.bounds, self.mu, filt, self.tol,
                          self.h_pattern, deadline)
            self.restoration_iterations += out.iterations
        if not out.success:
            return out, None
        new = Iterate(out.w, it.y, it.zl, it.zu, f=out.f, c=out.c)
        with_derivatives(self.problem, new)
        sl, su = self.bounds.gaps(new.w)
        new.zl, new.zu = self.mu / sl, self.mu / su
        if self.problem.m:
            new.y = self.least_squares_multipliers(new)
        if self.lbfgs is not None:
            self.lbfgs = LimitedMemory(self.problem.n, self.lbfgs.memory)
        filt.add(it.theta, it.barrier(self.bounds, self.mu))
        return out, new


def _pushed_inside(w: np.ndarray, wl: np.ndarray, wu: np.ndarray) -> np.ndarray:
    """IPOPT's start: at least ``1e-2 * max(1, |bound|)`` (or 1% of the range) inside."""
    with np.errstate(invalid="ignore"):
        width = wu - wl
        push_l = np.minimum(BOUND_PUSH * np.maximum(1.0, np.abs(wl)), BOUND_PUSH * width)
        push_u = np.minimum(BOUND_PUSH * np.maximum(1.0, np.abs(wu)), BOUND_PUSH * width)
        push_l = np.where(np.isfinite(push_l), push_l, BOUND_PUSH * np.maximum(1.0, np.abs(wl)))
        push_u = np.where(np.isfinite(push_u), push_u, BOUND_PUSH * np.maximum(1.0, np.abs(wu)))
        w = np.where(np.isfinite(wl), np.maximum(w, wl + push_l), w)
        w = np.where(np.isfinite(wu), np.minimum(w, wu - push_u), w)
        both = np.isfinite(wl) & np.isfinite(wu) & ((w <= wl) | (w >= wu))
        return np.where(both, 0.5 * (wl + wu), w)
