"""Sensitivity ranging of an LP that HiGHS solved, from HiGHS's own ``getRanging``.

HiGHS ranges its final basis in about a millisecond, while symopt's own ranging
(`symopt.optimize._linear.ranging.compute_sensitivity`, kept for the native methods)
solves with the basis once per basic column and binding row: seconds to minutes on the
larger Netlib problems. This module translates HiGHS's ranging into symopt's
``sensitivity`` fields (docs/design.md), so every report reads the same numbers
whichever engine solved:

* cost ranges and the variable that enters at each end: ``col_cost_dn``/``col_cost_up``
  (flipped back for a maximisation, which HiGHS solves negated);
* right-hand-side ranges of binding rows and the variable that leaves at each end:
  ``row_bound_dn``/``row_bound_up``;
* non-binding (basic) rows: from the activity to infinity on the side of the row's
  nearest finite bound, the row's own slack leaving -- as `compute_sensitivity` does.

Where both engines define a number they agree (tests/test_optimize_highs.py checks it on
Netlib), except the RHS range of a ranged row (finite ``row_lower < row_upper``): HiGHS
stops it at the row's other bound, symopt's own ranging does not. Among tied blocking
variables the two may name different ones.

Indices count columns ``0..n-1`` then row slacks ``n..n+m-1``; -1 means unbounded.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.optimize.result import OptimizeResult

__all__ = ["highs_sensitivity"]


def highs_sensitivity(h: Any, lp: LinearProgram, row_basis: np.ndarray,
                      row_activity: np.ndarray) -> OptimizeResult | None:
    """symopt's ``sensitivity`` fields from ``h.getRanging()`` of a solved LP.

    Parameters
    ----------
    h : highspy.Highs
        A Highs instance holding an optimal basis of ``highs_model(lp)``.
    lp : LinearProgram
        The problem in its own sense.
    row_basis : ndarray of BasisStatus
        The rows' basis statuses.
    row_activity : ndarray
        ``A @ x`` at the optimum.

    Returns
    -------
    OptimizeResult or None
        The fields of `compute_sensitivity`; None when HiGHS has no ranging.
    """
    status, ranging = h.getRanging()
    if str(status) != str(type(status).kOk) or not ranging.valid:
        return None
    m, n = lp.A.shape
    down, up = ranging.col_cost_dn, ranging.col_cost_up
    cost_lower, cost_upper = _values(down, n), _values(up, n)
    lower_change, upper_change = _changes(down.in_var_, cost_lower, n), \
        _changes(up.in_var_, cost_upper, n)
    if lp.sense == "max":
        cost_lower, cost_upper = -cost_upper, -cost_lower
        lower_change, upper_change = upper_change, lower_change
    rhs = _rhs_ranges(ranging, lp, np.asarray(row_basis), np.asarray(row_activity, float))
    names = ("cost_lower", "cost_upper", "cost_lower_change", "cost_upper_change",
             "rhs_value", "rhs_lower", "rhs_upper", "rhs_lower_change", "rhs_upper_change")
    return OptimizeResult(zip(names, (cost_lower, cost_upper, lower_change, upper_change)
                              + rhs))


def _values(record: Any, size: int) -> np.ndarray:
    """A ranging record's values with HiGHS's +-1e30 (kHighsInf is inf already) as inf."""
    values = np.array(record.value_, dtype=float)[:size]
    values[values >= 1e30], values[values <= -1e30] = np.inf, -np.inf
    return values


def _changes(indices: Any, values: np.ndarray, size: int) -> np.ndarray:
    """Entering/leaving indices, -1 where the range is unbounded."""
    changes = np.array(indices, dtype=np.int64)[:size]
    changes[~np.isfinite(values)] = -1
    return changes


def _rhs_ranges(ranging: Any, lp: LinearProgram, row_basis: np.ndarray,
                activity: np.ndarray) -> tuple:
    m, n = lp.A.shape
    lo, hi = _values(ranging.row_bound_dn, m), _values(ranging.row_bound_up, m)
    lo_change = _changes(ranging.row_bound_dn.ou_var_, lo, m)
    hi_change = _changes(ranging.row_bound_up.ou_var_, hi, m)
    value = np.where(row_basis == BasisStatus.AT_LOWER, lp.row_lower,
                     np.where(row_basis == BasisStatus.AT_UPPER, lp.row_upper, activity))
    basic = row_basis == BasisStatus.BASIC
    lo[basic], hi[basic] = -np.inf, np.inf
    lo_change[basic] = hi_change[basic] = -1
    value[basic] = np.nan
    gap_lower = np.where(np.isfinite(lp.row_lower), np.abs(activity - lp.row_lower), np.inf)
    gap_upper = np.where(np.isfinite(lp.row_upper), np.abs(lp.row_upper - activity), np.inf)
    bounded = basic & (np.isfinite(gap_lower) | np.isfinite(gap_upper))
    # the nearest bound is ranged (ties: the lower, except an equality row's upper)
    below = bounded & ((gap_upper < gap_lower) | (lp.row_upper == lp.row_lower))
    above = bounded & ~below
    value[below], value[above] = lp.row_upper[below], lp.row_lower[above]
    slack = n + np.arange(m)
    lo[below], lo_change[below] = activity[below], slack[below]
    hi[above], hi_change[above] = activity[above], slack[above]
    return value, lo, hi, lo_change, hi_change
