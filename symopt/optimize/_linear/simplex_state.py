"""`SimplexState`: the computational form shared by the primal and dual simplex.

The LP ``min c@x, rl <= A x <= ru, cl <= x <= cu`` is held as

    min cost @ z   subject to   [A, -I] z = 0,   lower <= z <= upper,

where ``z = (x, s)`` and ``s = A x`` are the row activities (slacks). Every variable
is basic or nonbasic; a nonbasic one rests at a bound (``AT_LOWER``/``AT_UPPER``) or,
when free, at zero (``FREE``). The state keeps values ``z`` of all variables, the
reduced costs ``d`` and the basis inverse, and offers the shared steps: recomputing
primal values and duals, the pivot row, and the basis change.

>>> import numpy as np
>>> from symopt.optimize.linear_program import as_csc
>>> s = SimplexState(as_csc([[1.0, 1.0]]), cost=np.array([1.0, 2.0, 0.0]),
...                  lower=np.array([0.0, 0.0, 1.0]), upper=np.array([np.inf, np.inf, 5.0]))
>>> s.head.tolist(), (s.z + 0.0).tolist()
([2], [0.0, 0.0, 0.0])
"""
from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from symopt.optimize._linear.basis_factor import BasisInverse
from symopt.optimize.linear_program import BasisStatus, compressed_entries

__all__ = ["SimplexState", "IterationBudget", "BASIC", "AT_LOWER", "AT_UPPER", "FREE"]

#: statuses, numbered as `BasisStatus` so that they are reported without translation
BASIC, AT_LOWER, AT_UPPER, FREE = (int(BasisStatus.BASIC), int(BasisStatus.AT_LOWER),
                                   int(BasisStatus.AT_UPPER), int(BasisStatus.ZERO))


class SimplexState:
    """Values, reduced costs and basis of the computational form (see the module doc)."""

    def __init__(self, A: sp.csc_array, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                 where: np.ndarray | None = None, refactor_every: int = 100):
        self.A = A
        self.AT = A.tocsr()
        self.m, self.n = A.shape
        self.cost = cost.astype(float).copy()
        self.lower = lower.astype(float).copy()
        self.upper = upper.astype(float).copy()
        total = self.n + self.m
        if where is None:
            where = np.full(total, AT_LOWER, dtype=np.int8)
            where[self.n:] = BASIC
        self.where = where.astype(np.int8)
        self._fix_nonbasic_positions()
        self.head = np.flatnonzero(self.where == BASIC)
        self.z = np.zeros(total)
        self.d = np.zeros(total)
        self._last_row: tuple | None = None  # (row, update count, row of B^-1) of pivot_row
        self.factor = BasisInverse(A, self.head, refactor_every)
        self._after_refactor()

    # ---- bookkeeping -------------------------------------------------------------
    def _fix_nonbasic_positions(self) -> None:
        """Make each nonbasic status consistent with the finite bounds it has."""
        w, lo, up = self.where, self.lower, self.upper
        nonbasic = w != BASIC
        has_lo, has_up = np.isfinite(lo), np.isfinite(up)
        w[nonbasic & (w == AT_LOWER) & ~has_lo & has_up] = AT_UPPER
        w[nonbasic & (w == AT_UPPER) & ~has_up & has_lo] = AT_LOWER
        w[nonbasic & (w == FREE) & has_lo] = AT_LOWER
        w[nonbasic & (w == FREE) & ~has_lo & has_up] = AT_UPPER
        w[nonbasic & ~has_lo & ~has_up] = FREE

    def place_nonbasic(self) -> None:
        """Set nonbasic values from their statuses (free ones at zero)."""
        w = self.where
        self.z[w == AT_LOWER] = self.lower[w == AT_LOWER]
        self.z[w == AT_UPPER] = self.upper[w == AT_UPPER]
        self.z[w == FREE] = 0.0

    def _after_refactor(self) -> None:
        repaired = self.factor.repaired
        if repaired:
            self.where[:] = np.where(self.where == BASIC, AT_LOWER, self.where)
            self.where[self.head] = BASIC
            self._fix_nonbasic_positions()
            self.factor.repaired = []
        self.place_nonbasic()
        self.compute_primal()
        self.compute_duals()

    def refactor(self) -> None:
        """Recompute the inverse, the basic values and the reduced costs from scratch."""
        self.factor.refactor()
        self._after_refactor()

    def compute_primal(self) -> None:
        """Basic values from the nonbasic ones: ``z_B = -B^-1 [A, -I]_N z_N``."""
        z = self.z.copy()
        z[self.head] = 0.0
        residual = self.A @ z[:self.n] - z[self.n:]
        self.z[self.head] = -self.factor.ftran_dense(residual) if self.m else 0.0

    def compute_duals(self) -> None:
        """Row duals ``y = B^-T c_B`` and reduced costs ``d = c - [A, -I]^T y``."""
        y = self.factor.btran(self.cost[self.head]) if self.m else np.zeros(0)
        self.d = self.cost - np.concatenate([(self.A.T @ y), -y])
        self.d[self.head] = 0.0

    # ---- the shared simplex steps ---------------------------------------------------
    def pivot_row(self, r: int) -> np.ndarray:
        """Row r of ``B^-1 [A, -I]`` (zero on basic variables)."""
        rho = self.factor.row(r)
        self._last_row = (r, self.factor.updates, rho)
        support = np.flatnonzero(rho)
        alpha = np.empty(self.n + self.m)
        if support.size < 0.3 * self.m:
            AT = self.AT
            starts, stops = AT.indptr[support], AT.indptr[support + 1]
            lengths = stops - starts
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            take = offsets + np.arange(lengths.sum())
            weights = AT.data[take] * np.repeat(rho[support], lengths)
            alpha[:self.n] = np.bincount(AT.indices[take], weights=weights, minlength=self.n)
        else:
            alpha[:self.n] = (self.A.T @ rho)
        alpha[self.n:] = -rho
        alpha[self.head] = 0.0
        return alpha

    def column(self, j: int) -> np.ndarray:
        """Dense column j of ``[A, -I]``."""
        out = np.zeros(self.m)
        if j < self.n:
            rows, vals = compressed_entries(self.A, j)
            out[rows] = vals
        else:
            out[j - self.n] = -1.0
        return out

    def shift_basic(self, indices: np.ndarray, steps: np.ndarray) -> None:
        """Move nonbasic variables by ``steps`` and update the basic values."""
        indices = np.asarray(indices, dtype=np.int64)
        structural = indices < self.n
        cols, col_steps = indices[structural], steps[structural]
        A = self.A
        starts, lengths = A.indptr[cols], A.indptr[cols + 1] - A.indptr[cols]
        take = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + \
            np.arange(lengths.sum())
        total = np.bincount(A.indices[take], weights=A.data[take] * np.repeat(col_steps, lengths),
                            minlength=self.m)
        np.subtract.at(total, indices[~structural] - self.n, steps[~structural])
        self.z[indices] += steps
        self.z[self.head] -= self.factor.ftran_dense(total)

    def change_basis(self, r: int, q: int, column: np.ndarray, leaving_status: int) -> None:
        """Variable q enters in row r; the old basic variable leaves with the status given."""
        p = int(self.head[r])
        self.where[p] = leaving_status
        self.where[q] = BASIC
        last = self._last_row
        known = last is not None and last[0] == r and last[1] == self.factor.updates
        self.factor.replace(r, q, column, last[2] if known else None)
        self._last_row = None

    def primal_infeasibility(self) -> np.ndarray:
        """Bound violation of each basic variable (positive above, negative below)."""
        x = self.z[self.head]
        below = np.minimum(x - self.lower[self.head], 0.0)
        above = np.maximum(x - self.upper[self.head], 0.0)
        return below + above

    def dual_infeasible(self, tol: float) -> np.ndarray:
        """Mask of nonbasic variables whose reduced cost has the wrong sign."""
        w, d = self.where, self.d
        boxed = np.isfinite(self.lower) & np.isfinite(self.upper)
        wrong_lower = (w == AT_LOWER) & (d < -tol)
        wrong_upper = (w == AT_UPPER) & (d > tol)
        wrong_free = (w == FREE) & (np.abs(d) > tol)
        fixed = self.lower == self.upper
        return (wrong_lower | wrong_upper) & ~fixed | wrong_free & ~boxed

    def flip_to_dual_feasible(self, tol: float) -> None:
        """Move nonbasic boxed variables to the bound their reduced cost prefers."""
        w, d = self.where, self.d
        boxed = np.isfinite(self.lower) & np.isfinite(self.upper) & (w != BASIC)
        to_upper = boxed & (w == AT_LOWER) & (d < -tol)
        to_lower = boxed & (w == AT_UPPER) & (d > tol)
        w[to_upper] = AT_UPPER
        w[to_lower] = AT_LOWER
        if to_upper.any() or to_lower.any():
            self.place_nonbasic()
            self.compute_primal()


class IterationBudget:
    """Iteration and wall-time limits shared by the phases of one solve, and the callback."""

    def __init__(self, maxiter: int, time_limit: float, callback=None):
        self._clock = time.perf_counter
        self.maxiter = maxiter
        self.deadline = self._clock() + time_limit
        self.callback = callback
        self.nit = 0

    def exhausted(self) -> str:
        """'' while within the limits, else 'iterations' or 'time'."""
        if self.nit >= self.maxiter:
            return "iterations"
        if self.nit % 16 == 0 and self._clock() > self.deadline:
            return "time"
        return ""
