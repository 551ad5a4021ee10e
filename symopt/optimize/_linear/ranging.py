"""Sensitivity ranging from an optimal simplex basis.

Given an LP and an optimal basis (``col_basis``, ``row_basis`` of `BasisStatus`), this
module computes over which ranges each objective coefficient and each row's right-hand
side can move while the basis stays optimal. It refactorises the basis itself, so any
stage holding an optimal basis (the simplex, the interior-point crossover) can call it.

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

from symopt.optimize.linear_program import BasisStatus, LinearProgram, compressed_entries
from symopt.optimize.result import OptimizeResult

__all__ = ["compute_sensitivity"]

_ZERO = 1e-9
_DENSE_ENTRIES = 4_000_000


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
    full = _full_matrix_dense_columns(lp)
    binv = np.linalg.inv(full(head)) if m else np.zeros((0, 0))
    values = _nonbasic_values(status, lower, upper, x, n)
    values[head] = 0.0
    residual = lp.A @ values[:n] - values[n:]
    x_basic = -binv @ residual if m else np.zeros(0)
    values[head] = x_basic
    y = binv.T @ cost[head] if m else np.zeros(0)
    reduced = cost - np.concatenate([(lp.A.T @ y), -y]) if m else cost.copy()
    reduced[head] = 0.0
    cost_range = _cost_ranges(lp, status, head, binv, reduced, lower, upper, cost)
    if sign < 0:
        lo, hi, lo_change, hi_change = cost_range
        cost_range = (-hi, -lo, hi_change, lo_change)
    rhs_range = _rhs_ranges(lp, status, head, binv, values, lower, upper)
    names = ("cost_lower", "cost_upper", "cost_lower_change", "cost_upper_change",
             "rhs_value", "rhs_lower", "rhs_upper", "rhs_lower_change", "rhs_upper_change")
    return OptimizeResult(zip(names, cost_range + rhs_range))


def _full_matrix_dense_columns(lp: LinearProgram):
    """A function giving dense columns of the computational form ``[A, -I]``."""
    m, n = lp.A.shape
    A = lp.A

    def columns(indices: np.ndarray) -> np.ndarray:
        out = np.zeros((m, indices.size))
        for k, j in enumerate(indices):
            if j < n:
                rows, vals = compressed_entries(A, int(j))
                out[rows, k] = vals
            else:
                out[j - n, k] = -1.0
        return out
    return columns


def _nonbasic_values(status, lower, upper, x, n) -> np.ndarray:
    values = np.where(status == BasisStatus.AT_UPPER, upper, lower)
    free_like = (status == BasisStatus.ZERO) | ~np.isfinite(values)
    values = np.where(free_like, 0.0, values)
    if x is not None:
        x = np.asarray(x, dtype=float)
        zero_cols = np.flatnonzero(status[:n] == BasisStatus.ZERO)
        values[zero_cols] = x[zero_cols]
    return values


def _tableau_row(lp: LinearProgram, AT, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nonzeros (indices, values) of ``rho @ [A, -I]``, exploiting a sparse ``rho``."""
    m, n = lp.A.shape
    support = np.flatnonzero(rho)
    if support.size < 0.3 * m:
        starts, stops = AT.indptr[support], AT.indptr[support + 1]
        lengths = stops - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        take = offsets + np.arange(lengths.sum())
        weights = AT.data[take] * np.repeat(rho[support], lengths)
        structural = np.bincount(AT.indices[take], weights=weights, minlength=n)
    else:
        structural = (lp.A.T @ rho)
    cols = np.flatnonzero(np.abs(structural) > _ZERO)
    slack = support[np.abs(rho[support]) > _ZERO]
    return np.concatenate([cols, n + slack]), np.concatenate([structural[cols], -rho[slack]])


def _cost_ranges(lp, status, head, binv, reduced, lower, upper, cost):
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
    if basic_rows.size == 0:
        return lo, hi, lo_change, hi_change
    kind = _dual_sign_kind(status, lower, upper)
    if basic_rows.size * (n + m) <= _DENSE_ENTRIES and m * n <= _DENSE_ENTRIES:
        rows = binv[basic_rows]
        tableau = np.hstack([rows @ lp.A.toarray(), -rows])
        delta_lo, delta_hi, enter_lo, enter_hi = _basic_cost_steps_dense(tableau, reduced, kind)
        j = head[basic_rows]
        lo[j], hi[j] = c[j] + delta_lo, c[j] + delta_hi
        lo_change[j], hi_change[j] = enter_lo, enter_hi
        return lo, hi, lo_change, hi_change
    AT = lp.A.tocsr()
    for r in basic_rows:
        idx, alpha = _tableau_row(lp, AT, binv[r])
        delta_lo, delta_hi, enter_lo, enter_hi = _basic_cost_step(idx, alpha, reduced, kind)
        j = head[r]
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


def _basic_cost_step(idx: np.ndarray, alpha: np.ndarray, reduced: np.ndarray,
                     kind: np.ndarray):
    """Range of delta with ``reduced - delta * alpha`` keeping every nonbasic sign
    (``alpha`` holds the tableau row's nonzeros at positions ``idx``)."""
    active = kind[idx] != 0
    idx, a = idx[active], alpha[active]
    d, k = reduced[idx], kind[idx]
    d = np.where(k == 1, np.maximum(d, 0.0), np.where(k == -1, np.minimum(d, 0.0), 0.0))
    ratio = d / a if idx.size else d
    # delta <= ratio where (need >= 0 and a > 0) or (need <= 0 and a < 0); else delta >= ratio
    upper_limit = ((k == 1) & (a > 0)) | ((k == -1) & (a < 0)) | (k == 2)
    lower_limit = ~upper_limit | (k == 2)
    delta_hi, enter_hi = _extreme(ratio, idx, upper_limit, np.argmin, np.inf)
    delta_lo, enter_lo = _extreme(ratio, idx, lower_limit, np.argmax, -np.inf)
    return delta_lo, delta_hi, enter_lo, enter_hi


def _basic_cost_steps_dense(tableau: np.ndarray, reduced: np.ndarray, kind: np.ndarray):
    """`_basic_cost_step` for all rows of a dense tableau at once."""
    a = tableau
    k = kind[None, :]
    d = np.where(kind == 1, np.maximum(reduced, 0.0),
                 np.where(kind == -1, np.minimum(reduced, 0.0), 0.0))[None, :]
    active = (k != 0) & (np.abs(a) > _ZERO)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = d / a
    towards_upper = ((k == 1) & (a > 0)) | ((k == -1) & (a < 0))
    upper_limit = active & (towards_upper | (k == 2))
    lower_limit = active & (~towards_upper | (k == 2))
    every = np.arange(a.shape[0])
    hi_ratio = np.where(upper_limit, ratio, np.inf)
    enter_hi = np.argmin(hi_ratio, axis=1)
    delta_hi = hi_ratio[every, enter_hi]
    lo_ratio = np.where(lower_limit, ratio, -np.inf)
    enter_lo = np.argmax(lo_ratio, axis=1)
    delta_lo = lo_ratio[every, enter_lo]
    enter_hi = np.where(np.isfinite(delta_hi), enter_hi, -1)
    enter_lo = np.where(np.isfinite(delta_lo), enter_lo, -1)
    return delta_lo, delta_hi, enter_lo, enter_hi


def _extreme(ratio, idx, mask, pick, default):
    if not mask.any():
        return default, -1
    where = np.flatnonzero(mask)
    best = where[pick(ratio[where])]
    return float(ratio[best]), int(idx[best])


def _rhs_ranges(lp, status, head, binv, values, lower, upper):
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
        d_lo, d_hi, k_lo, k_hi = _rhs_step(binv[:, rows], x_basic, lb, ub)
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
        if value[i] >= activity:
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
