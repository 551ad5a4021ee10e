"""The bounded primal simplex on a `SimplexState` whose basis is primal feasible.

Used to finish what the dual simplex leaves: after cost perturbations are removed, a
few reduced costs may have the wrong sign, and on problems that are not dual feasible
the primal simplex runs from the feasible basis the dual found with zero costs. It
detects unboundedness and returns the improving ray.

Pricing is Dantzig's largest scaled reduced cost with a random tie-break; the ratio
test is Harris's with bound flips of the entering variable.

>>> import numpy as np
>>> from symopt.optimize.linear_program import as_csc
>>> from symopt.optimize._linear.simplex_state import SimplexState, IterationBudget
>>> s = SimplexState(as_csc([[1.0, 1.0]]), cost=np.array([-1.0, -2.0, 0.0]),
...                  lower=np.array([0.0, 0.0, -np.inf]), upper=np.array([np.inf, np.inf, 4.0]))
>>> run_primal(s, IterationBudget(100, 10.0)).outcome
'optimal'
>>> s.z[:2].tolist()
[0.0, 4.0]
"""
from __future__ import annotations

import numpy as np

from symopt.optimize._linear.dual_simplex import PhaseOutcome
from symopt.optimize._linear.ratio_test import primal_ratio_test
from symopt.optimize._linear.simplex_state import (AT_LOWER, AT_UPPER, BASIC, IterationBudget,
                                           SimplexState)

__all__ = ["run_primal"]

_MAX_TROUBLE = 20


def run_primal(state: SimplexState, budget: IterationBudget, tol: float = 1e-7,
               primal_tol: float = 1e-7) -> PhaseOutcome:
    """Iterate the primal simplex until optimal, unbounded or out of budget."""
    trouble = 0
    rng = np.random.default_rng(12345)
    watch = _ProgressWatch()
    while True:
        if state.factor.due:
            state.refactor()
        limit = budget.exhausted()
        if limit:
            return PhaseOutcome(limit)
        q = _choose_entering(state, tol, rng, smallest_index=watch.stalled(state, budget.nit))
        if q < 0:
            return PhaseOutcome("optimal")
        direction = 1.0 if state.d[q] < 0 else -1.0
        column = state.factor.ftran(q)
        entering_range = state.upper[q] - state.lower[q]
        step = primal_ratio_test(column, direction, state.z[state.head],
                                 state.lower[state.head], state.upper[state.head],
                                 entering_range, primal_tol)
        if step.flip:
            state.where[q] = AT_UPPER if state.where[q] == AT_LOWER else AT_LOWER
            state.z[q] += direction * step.step
            state.z[state.head] -= direction * step.step * column
            budget.nit += 1
            continue
        if step.row < 0:
            return PhaseOutcome("unbounded", _ray(state, q, column, direction))
        r = step.row
        alpha = state.pivot_row(r)
        if abs(alpha[q] - column[r]) > 1e-6 * (1.0 + abs(column[r])):
            trouble += 1
            if trouble > _MAX_TROUBLE:
                return PhaseOutcome("numerical")
            state.refactor()
            continue
        p = int(state.head[r])
        theta_d = state.d[q] / alpha[q]
        nonzero = np.flatnonzero(alpha)
        state.d[nonzero] -= theta_d * alpha[nonzero]
        state.d[p] = -theta_d
        state.d[q] = 0.0
        t = direction * step.step
        state.z[state.head] -= t * column
        state.z[q] += t
        state.z[p] = state.upper[p] if step.to_upper else state.lower[p]
        state.change_basis(r, q, column, AT_UPPER if step.to_upper else AT_LOWER)
        budget.nit += 1
        if budget.callback is not None:
            budget.callback(state)


class _ProgressWatch:
    """Detects stalling (no decrease of the objective over several checks); the pricing
    then switches to Bland's smallest-index rule, which cannot cycle."""

    def __init__(self, every: int = 50, patience: int = 6):
        self.every, self.patience = every, patience
        self.best, self.stalls, self.last = np.inf, 0, -1

    def stalled(self, state: SimplexState, nit: int) -> bool:
        if nit % self.every == 0 and nit != self.last:
            self.last = nit
            value = float(state.cost @ state.z)
            if value < self.best - 1e-12 * (1.0 + abs(value)):
                self.best, self.stalls = value, 0
            else:
                self.stalls += 1
        return self.stalls >= self.patience


def _choose_entering(state: SimplexState, tol: float, rng: np.random.Generator,
                     smallest_index: bool = False) -> int:
    wrong = state.dual_infeasible(tol)
    candidates = np.flatnonzero(wrong & (state.where != BASIC))
    if candidates.size == 0:
        return -1
    if smallest_index:
        return int(candidates[0])
    score = np.abs(state.d[candidates]) * (1.0 + 1e-3 * rng.random(candidates.size))
    return int(candidates[np.argmax(score)])


def _ray(state: SimplexState, q: int, column: np.ndarray, direction: float) -> np.ndarray:
    ray = np.zeros(state.n + state.m)
    ray[q] = direction
    ray[state.head] = -direction * column
    return ray
