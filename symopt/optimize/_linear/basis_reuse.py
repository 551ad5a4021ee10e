"""Reuse one optimal LP basis for many right-hand sides and costs at once.

This is what GAMS's GUSS and parametric LP do for scenario sweeps that change only row
bounds and costs (demands, capacities, prices) and keep the constraint matrix. A basis
(which columns of ``[A, -I]`` are basic, and at which bound each nonbasic column or row
rests) that was optimal for one scenario is optimal for another as long as it stays

* **primal feasible** -- with the nonbasic variables at the bounds the basis puts them on,
  the basic values ``z_B = B^-1 (r_N - A x_N)`` lie within their bounds; and
* **dual feasible** -- with ``B^T y = c_B``, each nonbasic reduced cost (``c_j - a_j^T y``
  for a column, ``y_i`` for a row) has the sign of the bound it rests on.

Both together prove the basis optimal, degenerate or not: no pivoting is needed, and the
values, the objective, the duals ``y`` and the reduced costs are exact for that basis.
`ReusableBasis` factorizes ``B`` once (LAPACK's dense LU for a small basis, where
scipy.sparse's per-call costs would dominate; sparse LU, `BasisFactor`, otherwise) and
tests a whole stack of scenarios with one multi-right-hand-side solve for the basic values and one transposed
solve for the duals (a single column when the costs are the same for every scenario).

Degeneracy: when a basic value sits on its bound (`BasisSolutions.degenerate`), several
bases give the same point and their duals differ; the duals returned here are the ones of
this basis, one valid choice among them (HiGHS solving that scenario alone may report
another). When a nonbasic
reduced cost is zero, several points are optimal; this basis's point is one of them, with
the same objective. Both acceptance tests use `ACCEPT_TOL` (relative), a hundred times
tighter than HiGHS's default feasibility tolerances, so a basis is only ever reused where
HiGHS itself would stop at it.

Duals are symopt's: the change of the objective per unit increase of the active bound,
in the model's sense (``y`` solves ``B^T y = c_B`` with the model's own costs, for a
minimization or a maximization alike).

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram, BasisStatus as S
>>> lp = LinearProgram.from_arrays(c=[1.0, 2.0], A=[[1.0, 1.0]], row_lower=[3.0],
...                                row_upper=[np.inf])
>>> basis = ReusableBasis(lp, np.array([S.BASIC, S.AT_LOWER]), np.array([S.AT_LOWER]))
>>> found = basis.evaluate(lp.c, np.array([[3.0], [5.0]]), np.array([[np.inf], [np.inf]]))
>>> found.optimal.tolist(), found.x.tolist(), found.duals.tolist()
([True, True], [[3.0, 0.0], [5.0, 0.0]], [[1.0], [1.0]])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg.lapack import dgetrf, dgetrs

from symopt.optimize._linear.ranging import BasisFactor
from symopt.optimize.linear_program import BasisStatus, LinearProgram

__all__ = ["ReusableBasis", "BasisSolutions", "ACCEPT_TOL", "DENSE_ROWS"]

#: relative tolerance of the primal and dual feasibility tests (HiGHS's default is 1e-7)
ACCEPT_TOL = 1e-9
#: bases of at most this many rows are factorized densely (LAPACK getrf): for a small LP
#: the sparse route's scipy overhead (stacking, slicing, SuperLU set-up) is ~10x the
#: arithmetic, and a worker meets its first basis while the sweep waits for it
DENSE_ROWS = 200


@dataclass(frozen=True)
class BasisSolutions:
    """The basis's solution for each of k scenarios, and which of them it is optimal for."""

    optimal: np.ndarray      # (k,) bool: primal and dual feasible
    x: np.ndarray            # (k, n) column values
    activity: np.ndarray     # (k, m) row values A x
    duals: np.ndarray        # (k, m) row duals y
    reduced: np.ndarray      # (k, n) column reduced costs c - A^T y
    objective: np.ndarray    # (k,) c x (without the offset)
    degenerate: np.ndarray   # (k,) bool: a basic variable on a bound (duals not unique)


class ReusableBasis:
    """An optimal basis of ``lp``, factorized once, evaluated for many scenarios.

    ``col_status`` and ``row_status`` are `BasisStatus` arrays. Raises ValueError when they
    do not hold exactly one basic variable per row and `numpy.linalg.LinAlgError` when
    the basis matrix is singular.
    """

    def __init__(self, lp: LinearProgram, col_status: np.ndarray, row_status: np.ndarray):
        self.A = lp.A
        self.n = lp.num_cols
        self.status = np.concatenate((col_status, row_status)).astype(np.int64)
        self.head = np.flatnonzero(self.status == BasisStatus.BASIC)
        if self.head.size != lp.num_rows:
            raise ValueError(f"a basis needs {lp.num_rows} basic variables, not {self.head.size}")
        self.factor = _DenseFactor(lp.A, self.head) if 0 < lp.num_rows <= DENSE_ROWS \
            else BasisFactor(lp.A, self.head)
        self.col_lower, self.col_upper = lp.col_lower, lp.col_upper
        self.sign = 1.0 if lp.sense == "min" else -1.0
        self.key = self.status.tobytes()

    def evaluate(self, costs: np.ndarray, row_lower: np.ndarray,
                 row_upper: np.ndarray) -> BasisSolutions:
        """The basis's solutions for costs (n,) or (k, n) and row bounds (k, m)."""
        k = row_lower.shape[0]
        lower = np.hstack((np.broadcast_to(self.col_lower, (k, self.n)), row_lower))
        upper = np.hstack((np.broadcast_to(self.col_upper, (k, self.n)), row_upper))
        values = self._values(lower, upper)
        x, rows = values[:, :self.n], values[:, self.n:]
        duals, reduced = self._duals(costs, k)
        primal = _within(values, lower, upper)
        dual = self._dual_feasible(np.hstack((reduced, duals)), lower, upper, costs)
        objective = np.einsum("kj,kj->k", np.broadcast_to(costs, x.shape), x)
        head = self.head
        degenerate = np.any(_on_bound(values[:, head], lower[:, head])
                            | _on_bound(values[:, head], upper[:, head]), axis=1)
        return BasisSolutions(primal & dual, x, rows, duals, reduced, objective, degenerate)

    def _values(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """Every variable's value (k, n + m): nonbasic at its bound, basic from B z_B = r_N - A x_N."""
        status = self.status
        with np.errstate(invalid="ignore"):
            values = np.where(status == BasisStatus.AT_UPPER, upper,
                              np.where(status == BasisStatus.AT_LOWER, lower, 0.0))
        values[:, self.head] = 0.0
        rhs = values[:, self.n:].T - self.A @ values[:, :self.n].T          # (m, k)
        finite = np.isfinite(rhs).all(axis=0)   # else a nonbasic sits on an infinite bound
        basic = self.factor.solve(np.asfortranarray(np.where(finite, rhs, 0.0))).T
        values[:, self.head] = np.where(finite[:, None], basic, np.nan)
        return values

    def _duals(self, costs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``y`` from B^T y = c_B and the columns' reduced costs, each (k, ·)."""
        full = np.concatenate((costs, np.zeros(costs.shape[:-1] + (self.A.shape[0],))),
                              axis=-1)
        y = self.factor.solve(np.asfortranarray(full[..., self.head].T), transpose=True).T
        y = np.atleast_2d(y)
        reduced = np.atleast_2d(costs) - (self.A.T @ y.T).T
        reduced[:, self.head[self.head < self.n]] = 0.0
        return np.broadcast_to(y, (k, y.shape[1])), np.broadcast_to(reduced, (k, self.n))

    def _dual_feasible(self, reduced: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                       costs: np.ndarray) -> np.ndarray:
        """Each nonbasic reduced cost (model sense) has its bound's sign; fixed ones are free."""
        tol = ACCEPT_TOL * np.maximum(1.0, np.max(np.abs(costs), axis=-1, initial=0.0))
        signed = self.sign * reduced
        status = self.status
        wrong = np.where(status == BasisStatus.AT_LOWER, -signed,
                         np.where(status == BasisStatus.AT_UPPER, signed,
                                  np.where(status == BasisStatus.ZERO, np.abs(signed), 0.0)))
        wrong = np.where(lower == upper, 0.0, wrong)
        return np.all(wrong <= np.reshape(tol, (-1, 1)), axis=1)


class _DenseFactor:
    """A dense LU (LAPACK getrf) of the basis ``[A, -I][:, head]``, with `BasisFactor`'s
    ``solve``; `numpy.linalg.LinAlgError` when the basis is singular."""

    def __init__(self, A, head: np.ndarray):
        m, n = A.shape
        basis = np.zeros((m, m), order="F")
        columns = head < n
        if columns.any():
            basis[:, columns] = A[:, head[columns]].toarray()
        slacks = np.flatnonzero(~columns)
        basis[head[slacks] - n, slacks] = -1.0
        self.lu, self.pivots, info = dgetrf(basis, overwrite_a=True)
        if info > 0:
            raise np.linalg.LinAlgError(f"the basis is singular (pivot {info} is zero)")

    def solve(self, rhs: np.ndarray, transpose: bool = False) -> np.ndarray:
        """``B^-1 rhs`` (or ``B^-T rhs``) for a vector or an m x k block."""
        solution, _ = dgetrs(self.lu, self.pivots, rhs, trans=1 if transpose else 0)
        return solution


def _within(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Rows of ``values`` inside their bounds (`ACCEPT_TOL` relative), all finite."""
    with np.errstate(invalid="ignore"):
        below = lower - values > ACCEPT_TOL * np.maximum(1.0, np.abs(lower))
        above = values - upper > ACCEPT_TOL * np.maximum(1.0, np.abs(upper))
    return np.isfinite(values).all(axis=1) & ~np.any(below | above, axis=1)


def _on_bound(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Values on a finite bound, within `ACCEPT_TOL` relative."""
    with np.errstate(invalid="ignore"):
        near = np.abs(values - bounds) <= ACCEPT_TOL * np.maximum(1.0, np.abs(bounds))
    return near & np.isfinite(bounds)
