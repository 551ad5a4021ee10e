"""Postsolve: undo the reductions of `symopt.optimize._linear.presolve` on a solve's result.

The reductions are undone in reverse order. Values of removed columns are restored
(fixed and empty columns from their recorded values, substituted column singletons from
their row); duals of removed rows are recovered (a singleton row takes its column's
reduced cost when the bound it implied is the active one; a merged duplicate row takes
the kept row's dual when its bound was the tighter; a substituted singleton's row gets
``cost / coefficient``); reduced costs follow as ``c - A^T y``; and basis statuses are
completed so that every removed row pairs with one basic variable.

>>> from symopt.optimize._linear.presolve import presolve
>>> from symopt.optimize.linear_program import LinearProgram
>>> from symopt.optimize.result import OptimizeResult
>>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 0], [1, 1]], row_lower=[3, 1],
...                                row_upper=[np.inf, np.inf])
>>> reduced = presolve(lp)
>>> reduced.lp.num_rows, reduced.lp.num_cols
(0, 0)
>>> inner = OptimizeResult(x=np.zeros(0), row_dual=np.zeros(0), col_dual=np.zeros(0))
>>> full = postsolve(reduced, inner)
>>> full.x.tolist(), full.row_dual.tolist()
([3.0, 0.0], [1.0, 0.0])
"""
from __future__ import annotations

from typing import Any

import numpy as np

from symopt.optimize.linear_program import BasisStatus, LinearProgram, compressed_entries
from symopt.optimize.result import OptimizeResult

__all__ = ["postsolve"]


def postsolve(p: Any, result: OptimizeResult) -> OptimizeResult:
    """Map ``result`` of ``p.lp`` (a `Presolved`'s reduced LP) back to ``p.original``."""
    lp = p.original
    m, n = lp.A.shape
    out = OptimizeResult(result)
    if result.get("x") is None:
        return _expand_certificates(p, out)
    x = p.col_value.copy()
    x[p.cols] = result.x
    y = np.zeros(m)
    y[p.rows] = result.row_dual
    basis = result.get("col_basis") is not None
    col_basis = np.full(n, int(BasisStatus.AT_LOWER))
    row_basis = np.full(m, int(BasisStatus.BASIC))
    if basis:
        col_basis[p.cols] = result.col_basis
        row_basis[p.rows] = result.row_basis
    rows_of = lp.A.tocsr()
    for record in reversed(p.records):
        _undo(record, lp, rows_of, x, y, col_basis, row_basis)
    out.x = x
    out.fun = float(lp.c @ x + lp.offset)
    out.row_activity = lp.A @ x
    out.row_dual = y
    out.col_dual = lp.c - (lp.A.T @ y)
    free_basic = (x > lp.col_lower + 1e-9 * (1 + np.abs(x))) & (
        x < lp.col_upper - 1e-9 * (1 + np.abs(x)))
    out.col_dual[free_basic] = 0.0
    if basis:
        out.col_basis, out.row_basis = col_basis, row_basis
    return out


def _undo(record, lp, rows_of, x, y, col_basis, row_basis) -> None:
    kind = record[0]
    if kind == "columns":
        columns = record[1]
        at_upper = np.isfinite(lp.col_upper[columns]) & (x[columns] >= lp.col_upper[columns]) & (
            lp.col_lower[columns] < lp.col_upper[columns])
        col_basis[columns] = np.where(at_upper, int(BasisStatus.AT_UPPER), np.where(
            np.isfinite(lp.col_lower[columns]) | at_upper, int(BasisStatus.AT_LOWER),
            int(BasisStatus.ZERO)))
    elif kind == "rows":
        y[record[1]] = 0.0
        row_basis[record[1]] = int(BasisStatus.BASIC)
    elif kind == "singleton":
        _undo_singleton(record, lp, x, y, col_basis, row_basis)
    elif kind == "duplicate":
        _undo_duplicate(record, lp, rows_of, x, y, row_basis)
    elif kind == "free_singleton":
        _, i, j, a, rhs, _, _, ratio = record
        cols, vals = compressed_entries(rows_of, i)
        others = cols != j
        activity = float(vals[others] @ x[cols[others]])
        row_value = lp.row_lower[i] if rhs is not None else float(
            np.clip(activity, lp.row_lower[i], lp.row_upper[i]))
        x[j] = (row_value - activity) / a
        y[i] = ratio
        col_basis[j] = int(BasisStatus.BASIC)
        row_basis[i] = int(BasisStatus.AT_LOWER) if rhs is not None else int(BasisStatus.BASIC)


def _at(value: float, bound: float) -> bool:
    return bool(np.isfinite(bound)) and abs(value - bound) <= 1e-7 * (1 + abs(bound))


def _undo_duplicate(record, lp, rows_of, x, y, row_basis) -> None:
    _, keep, drop, factor, from_lower, from_upper = record
    cols, vals = compressed_entries(rows_of, keep)
    activity = float(vals @ x[cols])
    on_own_bound = _at(activity, lp.row_lower[keep]) or _at(activity, lp.row_upper[keep])
    row_basis[drop] = int(BasisStatus.BASIC)
    if y[keep] != 0.0 and (from_lower or from_upper) and not on_own_bound:
        y[drop], y[keep] = y[keep] / factor, 0.0
        if row_basis[keep] != BasisStatus.BASIC:
            row_basis[drop] = _flip(int(row_basis[keep]), factor)
            row_basis[keep] = int(BasisStatus.BASIC)
    else:
        y[drop] = 0.0


def _flip(status: int, factor: float) -> int:
    if factor > 0 or status not in (BasisStatus.AT_LOWER, BasisStatus.AT_UPPER):
        return int(status)
    return int(BasisStatus.AT_UPPER if status == BasisStatus.AT_LOWER else BasisStatus.AT_LOWER)


def _undo_singleton(record, lp, x, y, col_basis, row_basis) -> None:
    _, i, j, a, from_lower, from_upper = record
    rows, vals = compressed_entries(lp.A, j)
    reduced_cost = float(lp.c[j] - vals @ y[rows])
    activity = a * x[j]
    on_row_bound = _at(activity, lp.row_lower[i]) or _at(activity, lp.row_upper[i])
    on_col_bound = _at(x[j], lp.col_lower[j]) or _at(x[j], lp.col_upper[j])
    if (from_lower or from_upper) and on_row_bound and not on_col_bound and reduced_cost != 0.0:
        y[i] = reduced_cost / a
        if col_basis[j] != BasisStatus.BASIC:
            col_basis[j] = int(BasisStatus.BASIC)
            row_basis[i] = int(BasisStatus.AT_LOWER if _at(activity, lp.row_lower[i])
                               else BasisStatus.AT_UPPER)
        else:
            row_basis[i] = int(BasisStatus.BASIC)
    else:
        y[i] = 0.0
        row_basis[i] = int(BasisStatus.BASIC)


def _expand_certificates(p: Presolved, out: OptimizeResult) -> OptimizeResult:
    m, n = p.original.A.shape
    for key, size, index in (("farkas", m, p.rows), ("ray", n, p.cols)):
        if out.get(key) is not None:
            full = np.zeros(size)
            full[index] = out[key]
            out[key] = full
    for key in ("row_dual", "col_dual", "row_activity", "row_basis", "col_basis"):
        out[key] = None
    return out
