"""The bounded dual simplex on a `SimplexState` whose basis is dual feasible.

Each iteration picks the basic variable with the largest bound violation relative to
its exact dual steepest-edge weight, computes its pivot row, runs the bound-flipping
Harris ratio test, and changes the basis. It stops when the basis is primal feasible
(optimal), when no variable can enter (the LP is infeasible: the pivot row is a
Farkas certificate), or at a limit.

>>> import numpy as np
>>> from symopt.optimize.linear_program import as_csc
>>> from symopt.optimize._linear.simplex_state import SimplexState, IterationBudget
>>> s = SimplexState(as_csc([[1.0, 1.0]]), cost=np.array([1.0, 2.0, 0.0]),
...                  lower=np.array([0.0, 0.0, 1.0]), upper=np.array([np.inf, np.inf, 5.0]))
>>> run_dual(s, IterationBudget(100, 10.0), tol=1e-9).outcome
'optimal'
>>> s.z[:2].tolist()
[1.0, 0.0]
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from symopt.optimize._linear.ratio_test import dual_ratio_test
from symopt.optimize._linear.simplex_state import (AT_LOWER, AT_UPPER, IterationBudget,
                                           SimplexState)

__all__ = ["run_dual", "PhaseOutcome"]

_MAX_TROUBLE = 20


@dataclass
class PhaseOutcome:
    """How a simplex phase ended: 'optimal', 'infeasible', 'unbounded', 'iterations',
    'time' or 'numerical', with a certificate row (dual) or column (primal) if any."""

    outcome: str
    certificate: np.ndarray | None = field(default=None)


def run_dual(state: SimplexState, budget: IterationBudget, tol: float = 1e-7,
             primal_tol: float = 1e-7) -> PhaseOutcome:
    """Iterate the dual simplex until optimal, infeasible or out of budget."""
    trouble = 0
    guard = _StallGuard(state)
    while True:
        if state.factor.due:
            state.refactor()
        guard.check(state, budget.nit)
        limit = budget.exhausted()
        if limit:
            return PhaseOutcome(limit)
        r = _choose_leaving_row(state, primal_tol)
        if r < 0:
            return PhaseOutcome("optimal")
        p = int(state.head[r])
        x_p = state.z[p]
        target = state.lower[p] if x_p < state.lower[p] else state.upper[p]
        delta = x_p - target
        alpha = state.pivot_row(r)
        support = np.flatnonzero(alpha)
        step = dual_ratio_test(alpha, state.d, state.where, state.lower, state.upper, delta, tol,
                               support)
        if step.entering < 0:
            if state.factor.updates > 0:
                state.refactor()
                continue
            return PhaseOutcome("infeasible", np.sign(delta) * state.factor.row(r).copy())
        q = step.entering
        column = state.factor.ftran(q)
        if not _consistent(column[r], alpha[q]):
            trouble += 1
            if trouble > _MAX_TROUBLE:
                return PhaseOutcome("numerical")
            state.refactor()
            continue
        _dual_update(state, alpha, support, p, q, delta)
        _flip_bounds(state, step.flips)
        x_p = state.z[p]
        theta = (x_p - target) / column[r]
        state.z[state.head] -= theta * column
        state.z[q] += theta
        state.z[p] = target
        state.change_basis(r, q, column, AT_LOWER if delta < 0 else AT_UPPER)
        budget.nit += 1
        if budget.callback is not None:
            budget.callback(state)


def _choose_leaving_row(state: SimplexState, tol: float) -> int:
    violation = state.primal_infeasibility()
    x = state.z[state.head]
    scale = tol * (1.0 + np.abs(x))
    candidates = np.abs(violation) > scale
    if not candidates.any():
        return -1
    score = np.where(candidates, violation * violation / state.factor.weights, -1.0)
    return int(np.argmax(score))


def _consistent(from_column: float, from_row: float) -> bool:
    return abs(from_column - from_row) <= 1e-6 * (1.0 + abs(from_column)) and \
        abs(from_column) > 1e-11


def _dual_update(state: SimplexState, alpha: np.ndarray, support: np.ndarray, p: int, q: int,
                 delta: float) -> None:
    """Reduced costs after q enters: the entering one becomes zero (shifting its cost
    when Harris let it sit slightly on the wrong side)."""
    theta = state.d[q] / alpha[q]
    if theta * delta < 0.0:
        state.cost[q] -= state.d[q]
        state.d[q] = 0.0
        theta = 0.0
    state.d[support] -= theta * alpha[support]
    state.d[p] = -theta
    state.d[q] = 0.0


def _flip_bounds(state: SimplexState, flips: np.ndarray) -> None:
    if flips.size == 0:
        return
    to_upper = state.where[flips] == AT_LOWER
    steps = np.where(to_upper, state.upper[flips] - state.lower[flips],
                     state.lower[flips] - state.upper[flips])
    state.where[flips] = np.where(to_upper, AT_UPPER, AT_LOWER)
    state.shift_basic(flips, steps)


class _StallGuard:
    """Breaks stalling (cycling on dual degeneracy): when the objective has not moved for
    a while, nonbasic costs get a fresh random perturbation that keeps dual feasibility.
    Callers restore the true costs after the phase."""

    def __init__(self, state: SimplexState, every: int = 60, patience: int = 5):
        self.every, self.patience = every, patience
        self.best = -np.inf
        self.stalls = 0
        self.rounds = 0
        self.rng = np.random.default_rng(99)
        self.last = -1

    def check(self, state: SimplexState, nit: int) -> None:
        if nit % self.every or nit == self.last:
            return
        self.last = nit
        value = float(state.cost @ state.z)
        if value > self.best + 1e-12 * (1.0 + abs(value)):
            self.best, self.stalls = value, 0
            return
        self.stalls += 1
        if self.stalls < self.patience:
            return
        self.stalls, self.rounds = 0, self.rounds + 1
        size = 1e-6 * 3.0 ** min(self.rounds, 3)
        xi = size * (1.0 + np.abs(state.cost)) * self.rng.random(state.cost.size)
        movable = state.lower != state.upper
        up = (state.where == AT_LOWER) & movable
        down = (state.where == AT_UPPER) & movable
        state.cost[up] += xi[up]
        state.d[up] += xi[up]
        state.cost[down] -= xi[down]
        state.d[down] -= xi[down]
        self.best = -np.inf
