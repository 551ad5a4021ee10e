"""Sensitivity ranging from an optimal simplex basis.

Given an LP and an optimal basis (``col_basis``, ``row_basis`` of `BasisStatus`), this
module computes over which ranges each objective coefficient and each row's right-hand
side can move while the basis stays optimal. It refactorises the basis itself, so any
stage holding an optimal basis (the simplex, the interior-point crossover, HiGHS) can
call it. The basis is factorised sparsely (SuperLU, `BasisFactor`); rows and columns of
its inverse are solved for in blocks, never formed whole.

Indices of entering/leaving variables count columns ``0..n-1``, then the row slacks
``n..n+m-1``; -1 means the range is unbounded on that side.

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram, BasisStatus as S
>>> lp = LinearProgram.from_arrays(c=[-1, -2], A=[[1, 1]], row_upper=[4],
...                                row_lower=[-np.inf])
>>> sens = compute_sensitivity(lp, [S.AT_LOWER, S.BASIC], [S.AT_UPPER])
>>> sens.cost_lower.tolist(), sens.cost_upper.tolist()
([-2.0, -inf], [inf, -1.0])
>>> sens.rhs_value.tolist(), sens.rhs_lower.tolist(), sens.rhs_upper.tolist()
([4.0], [0.0], [inf])
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.optimize.result import OptimizeResult

__all__ = ["compute_sensitivity"]

_ZERO = 1e-9
_DENSE_ENTRIES = 4_000_000
_SOLVE_BLOCK = 32


def compute_sensitivity(lp: LinearProgram, col_basis: Any, row_basis: Any,
                        x: Any = None) -> OptimizeResult:
    """Objective-coefficient and right-hand-side ranges of an optimal basis.

    Parameters
    ----------
    lp : LinearProgram
        The problem, in its own sense (``min`` or ``max``).
    col_basis, row_basis : array_like of BasisStatus
        An optimal basis: exactly ``m`` entries are ``BASIC``; a row's status is that of
        its slack (``AT_LOWER`` means the row sits at its lower bound).
    x : array_like, optional
        Column values; used only for nonbasic columns with status ``ZERO`` (free columns
        resting away from zero). Nonbasic columns otherwise sit at their bound.

    Returns
    -------
    OptimizeResult
        ``cost_lower``, ``cost_upper``, ``cost_lower_change``, ``cost_upper_change`` (n,)
        and ``rhs_value``, ``rhs_lower``, ``rhs_upper``, ``rhs_lower_change``,
        ``rhs_upper_change`` (m,), as described in docs/design.md.

    Examples
    --------
    See the module docstring.
    """
    col_basis = np.asarray(col_basis, dtype=np.int64)
    row_basis = np.asarray(row_basis, dtype=np.int64)
    m, n = lp.A.shape
    status = np.concatenate([col_basis, row_basis])
    head = np.flatnonzero(status == BasisStatus.BASIC)
    if head.size != m:
        raise ValueError(f"a basis needs {m} basic entries, got {head.size}")
    lower = np.concatenate([lp.col_lower, lp.row_lower])
    upper = np.concatenate([lp.col_upper, lp.row_upper])
    sign = 1.0 if lp.sense == "min" else -1.0
    cost = np.concatenate([sign * lp.c, np.zeros(m)])
    factor = BasisFactor(lp.A, head)
    values = _nonbasic_values(status, lower, upper, x, n)
    values[head] = 0.0
    residual = lp.A @ values[:n] - values[n:]
    values[head] = -factor.solve(residual)
    y = factor.solve(cost[head], transpose=True)
    reduced = cost - np.concatenate([(lp.A.T @ y), -y]) if m else cost.copy()
    reduced[head] = 0.0
    cost_range = _cost_ranges(lp, status, head, factor, reduced, lower, upper, cost)
    if sign < 0:
        lo, hi, lo_change, hi_change = cost_range
        cost_range = (-hi, -lo, hi_change, lo_change)
    rhs_range = _rhs_ranges(lp, status, head, factor, values, lower, upper)
    names = ("cost_lower", "cost_upper", "cost_lower_change", "cost_upper_change",
             "rhs_value", "rhs_lower", "rhs_upper", "rhs_lower_change", "rhs_upper_change")
    return OptimizeResult(zip(names, cost_range + rhs_range))


class BasisFactor:
    """A sparse LU (SuperLU) of the basis ``[A, -I][:, head]``: solves with B and B^T.

    >>> import numpy as np
    >>> from symopt.optimize.linear_program import as_csc
    >>> f = BasisFactor(as_csc([[2.0, 0.0], [1.0, 1.0]]), np.array([0, 3]))
    >>> f.solve(np.array([2.0, 0.0])).tolist()
    [1.0, 1.0]
    """

    def __init__(self, A: sp.csc_array, head: np.ndarray):
        m, n = A.shape
        self.m = m
        if m == 0:
            self._lu = None
            return
        full = sp.hstack([A, -sp.eye_array(m, format="csc")], format="csc")
        basis = sp.csc_matrix(full[:, head])
        try:
            self._lu = splu(basis, permc_spec="COLAMD", options={"SymmetricMode": False})
        except RuntimeError as exc:   # SuperLU: "Factor is exactly singular"
            raise np.linalg.LinAlgError(f"the basis is singular: {exc}") from exc

    def solve(self, rhs: np.ndarray, transpose: bool = False) -> np.ndarray:
        """``B^-1 rhs`` (or ``B^-T rhs``); ``rhs`` may be a vector or an m x k block."""
        if self.m == 0:
            return np.zeros(np.shape(rhs))
        return self._lu.solve(np.asarray(rhs, dtype=float), trans="T" if transpose else "N")

    def unit_solve(self, positions: np.ndarray, transpose: bool = False) -> np.ndarray:
        """Columns ``B^-1 e_p`` (rows of ``B^-1`` when ``transpose``) for ``p`` in positions.

        SuperLU's cost per right-hand side grows with their number, so they go in blocks
        of `_SOLVE_BLOCK` (Fortran-ordered, as SuperLU wants them)."""
        out = np.empty((self.m, positions.size))
        for start in range(0, positions.size, _SOLVE_BLOCK):
            chunk = positions[start:start + _SOLVE_BLOCK]
            block = np.zeros((self.m, chunk.size), order="F")
            block[chunk, np.arange(chunk.size)] = 1.0
            out[:, start:start + chunk.size] = self.solve(block, transpose)
        return out


def _nonbasic_values(status, lower, upper, x, n) -> np.ndarray:
    values = np.where(status == BasisStatus.AT_UPPER, upper, lower)
    free_like = (status == BasisStatus.ZERO) | ~np.isfinite(values)
    values = np.where(free_like, 0.0, values)
    if x is not None:
        x = np.asarray(x, dtype=float)
        zero_cols = np.flatnonzero(status[:n] == BasisStatus.ZERO)
        values[zero_cols] = x[zero_cols]
    return values


def _cost_ranges(lp, status, head, factor, reduced, lower, upper, cost):
    m, n = lp.A.shape
    c = cost[:n]
    d = reduced[:n]
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    lo_change = np.full(n, -1, dtype=np.int64)
    hi_change = np.full(n, -1, dtype=np.int64)
    fixed = lower[:n] == upper[:n]
    at_lower = (status[:n] == BasisStatus.AT_LOWER) & ~fixed
    at_upper = (status[:n] == BasisStatus.AT_UPPER) & ~fixed
    free_nb = (status[:n] == BasisStatus.ZERO) & ~fixed
    lo[at_lower] = c[at_lower] - np.maximum(d[at_lower], 0.0)
    lo_change[at_lower] = np.flatnonzero(at_lower)
    hi[at_upper] = c[at_upper] - np.minimum(d[at_upper], 0.0)
    hi_change[at_upper] = np.flatnonzero(at_upper)
    lo[free_nb], hi[free_nb] = c[free_nb], c[free_nb]
    lo_change[free_nb] = hi_change[free_nb] = np.flatnonzero(free_nb)
    basic_rows = np.flatnonzero(head < n)
    kind = _dual_sign_kind(status, lower, upper)
    chunk = max(1, _DENSE_ENTRIES // max(n + m, 1))
    for start in range(0, basic_rows.size, chunk):
        rows = basic_rows[start:start + chunk]
        binv_rows = factor.unit_solve(rows, transpose=True)          # m x k: rows of B^-1
        binv_rows[np.abs(binv_rows) <= _ZERO] = 0.0
        rho = sp.csr_array(binv_rows.T)                               # k x m, sparse
        tableau = sp.hstack([rho @ lp.A, -rho], format="csr")       # rows of B^-1 [A, -I]
        delta_lo, delta_hi, enter_lo, enter_hi = _basic_cost_steps(tableau, reduced, kind)
        j = head[rows]
        lo[j], hi[j] = c[j] + delta_lo, c[j] + delta_hi
        lo_change[j], hi_change[j] = enter_lo, enter_hi
    return lo, hi, lo_change, hi_change


def _dual_sign_kind(status, lower, upper) -> np.ndarray:
    """+1 where a nonbasic reduced cost must stay >= 0, -1 for <= 0, 2 for == 0, 0 free."""
    kind = np.zeros(status.size, dtype=np.int64)
    kind[status == BasisStatus.AT_LOWER] = 1
    kind[status == BasisStatus.AT_UPPER] = -1
    kind[status == BasisStatus.ZERO] = 2
    kind[lower == upper] = 0
    kind[status == BasisStatus.BASIC] = 0
    return kind


def _basic_cost_steps(tableau: sp.csr_array, reduced: np.ndarray, kind: np.ndarray):
    """Per tableau row (a basic column's cost moving by delta): the range of delta with
    ``reduced - delta * row`` keeping every nonbasic reduced cost's sign, and the column
    that blocks each end (ties: the smallest index; -1 when unbounded). Only the
    tableau's nonzeros are visited."""
    col, a = tableau.indices, tableau.data
    k = kind[col]
    d = np.where(k == 1, np.maximum(reduced[col], 0.0),
                 np.where(k == -1, np.minimum(reduced[col], 0.0), 0.0))
    active = (k != 0) & (np.abs(a) > _ZERO)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = d / a
    towards_upper = ((k == 1) & (a > 0)) | ((k == -1) & (a < 0))
    delta_hi, enter_hi = _first_per_row(tableau.indptr, col, ratio,
                                        active & (towards_upper | (k == 2)))
    delta_lo, enter_lo = _first_per_row(tableau.indptr, col, -ratio,
                                        active & (~towards_upper | (k == 2)))
    return -delta_lo, delta_hi, enter_lo, enter_hi


def _first_per_row(indptr: np.ndarray, col: np.ndarray, key: np.ndarray,
                   mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per CSR row, the smallest ``key`` among the masked entries (inf if none) and its
    column (the smallest one on ties; -1 if none): segment reductions, no sorting."""
    k_rows = indptr.size - 1
    value, where = np.full(k_rows, np.inf), np.full(k_rows, -1, dtype=np.int64)
    nonempty = np.flatnonzero(np.diff(indptr) > 0)
    if col.size == 0 or nonempty.size == 0:
        return value, where
    starts = indptr[nonempty]
    masked = np.where(mask, key, np.inf)
    value[nonempty] = np.minimum.reduceat(masked, starts)
    row = np.repeat(np.arange(k_rows), np.diff(indptr))
    hit = mask & (masked == value[row]) & np.isfinite(masked)
    sentinel = np.iinfo(np.int64).max      # col may be int32 (CSR indices): widen first
    best = np.minimum.reduceat(np.where(hit, col.astype(np.int64), sentinel), starts)
    where[nonempty] = np.where(best == sentinel, -1, best)
    return value, where


def _rhs_ranges(lp, status, head, factor, values, lower, upper):
    m, n = lp.A.shape
    value = np.full(m, np.nan)
    lo = np.full(m, -np.inf)
    hi = np.full(m, np.inf)
    lo_change = np.full(m, -1, dtype=np.int64)
    hi_change = np.full(m, -1, dtype=np.int64)
    x_basic = values[head][:, None]
    lb, ub = lower[head][:, None], upper[head][:, None]
    binding = np.flatnonzero(status[n:] != BasisStatus.BASIC)
    chunk = max(1, _DENSE_ENTRIES // max(m, 1))
    for start in range(0, binding.size, chunk):
        rows = binding[start:start + chunk]
        value[rows] = values[n + rows]
        d_lo, d_hi, k_lo, k_hi = _rhs_step(factor.unit_solve(rows), x_basic, lb, ub)
        lo[rows], hi[rows] = value[rows] + d_lo, value[rows] + d_hi
        lo_change[rows] = np.where(k_lo >= 0, head[np.maximum(k_lo, 0)], -1)
        hi_change[rows] = np.where(k_hi >= 0, head[np.maximum(k_hi, 0)], -1)
    for i in np.flatnonzero(status[n:] == BasisStatus.BASIC):
        s = n + i
        activity = values[s]
        candidates = [(abs(b - activity), b) for b in (lower[s], upper[s]) if np.isfinite(b)]
        if not candidates:
            continue
        value[i] = min(candidates)[1]
        if value[i] == upper[s]:      # the upper bound can fall to the activity
            lo[i], lo_change[i] = activity, s
        else:
            hi[i], hi_change[i] = activity, s
    return value, lo, hi, lo_change, hi_change


def _rhs_step(g, x, lb, ub):
    """Per column of ``g``: the range of delta with ``lb <= x + delta * g <= ub`` and the
    positions that block it (-1 when unbounded)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pos, neg = g > _ZERO, g < -_ZERO
        up = np.where(pos, (ub - x) / g, np.where(neg, (lb - x) / g, np.inf))
        down = np.where(pos, (lb - x) / g, np.where(neg, (ub - x) / g, -np.inf))
    up = np.where(np.isnan(up), np.inf, np.maximum(up, 0.0))
    down = np.where(np.isnan(down), -np.inf, np.minimum(down, 0.0))
    every = np.arange(g.shape[1])
    if g.shape[0] == 0:
        empty = np.full(g.shape[1], -1)
        return np.full(g.shape[1], -np.inf), np.full(g.shape[1], np.inf), empty, empty
    k_hi, k_lo = np.argmin(up, axis=0), np.argmax(down, axis=0)
    d_hi, d_lo = up[k_hi, every], down[k_lo, every]
    return d_lo, d_hi, np.where(np.isfinite(d_lo), k_lo, -1), np.where(np.isfinite(d_hi), k_hi, -1)
