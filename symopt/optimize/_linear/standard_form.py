"""The interior-point method's standard form, built from a general `LinearProgram`.

    minimize  c @ x   subject to   A @ x = b,   0 <= x,   x[j] <= u[j] (u may be inf)

Every non-equality row gets a slack column ``-e_i`` carrying the row's bounds; every
column is then shifted to its finite lower bound, reflected onto its finite upper bound,
or split into two nonnegative parts when free. The problem is scaled (geometric-mean
passes, then equilibration) so that the normal equations stay well conditioned, and
`StandardForm.recover` maps a standard-form point back to the LP's columns and rows.

>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 2]], row_lower=[2], row_upper=[np.inf],
...                                col_lower=[-np.inf, 0], col_upper=[3, np.inf])
>>> sf = StandardForm.from_lp(lp)
>>> sf.A.shape, int(np.isfinite(sf.u).sum())
((1, 3), 0)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from symopt.optimize.linear_program import LinearProgram, csc_from_triplets, triplets

__all__ = ["StandardForm"]


@dataclass(frozen=True, eq=False)
class StandardForm:
    """A scaled standard-form LP plus the maps back to the general form it came from."""

    A: sp.csc_array          # scaled, m x N
    b: np.ndarray         # scaled
    c: np.ndarray         # scaled, minimisation sense
    u: np.ndarray         # scaled upper bounds (inf when none)
    row_scale: np.ndarray
    col_scale: np.ndarray
    source: np.ndarray    # general column (0..n-1) or slack (n + row) behind each column
    sign: np.ndarray      # +1 or -1: general value = anchor + sign * col_scale * x
    anchor: np.ndarray
    objective_shift: float  # c @ anchor in the minimisation sense
    num_general: int        # n + m: the general columns followed by the row slacks

    @classmethod
    def from_lp(cls, lp: LinearProgram, scale: bool = True) -> "StandardForm":
        """Convert (and scale) ``lp``; maximisation is turned into minimisation."""
        m, n = lp.A.shape
        sense = -1.0 if lp.sense == "max" else 1.0
        slack_rows = np.flatnonzero(lp.row_lower != lp.row_upper)
        rows, cols, vals = triplets(lp.A)
        rows = np.concatenate([rows, slack_rows])
        cols = np.concatenate([cols, n + np.arange(slack_rows.size)])
        vals = np.concatenate([vals, -np.ones(slack_rows.size)])
        lower = np.concatenate([lp.col_lower, lp.row_lower[slack_rows]])
        upper = np.concatenate([lp.col_upper, lp.row_upper[slack_rows]])
        cost = np.concatenate([sense * lp.c, np.zeros(slack_rows.size)])
        origin = np.concatenate([np.arange(n), n + slack_rows])
        b = np.where(lp.row_lower == lp.row_upper, lp.row_lower, 0.0)
        return _shift_and_split(rows, cols, vals, lower, upper, cost, origin, b, m, n, scale)

    def recover(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """General-form values of the columns and row slacks (length n + m), and row duals.

        ``y`` is the (scaled) standard-form dual; the returned duals are in the
        minimisation sense: ``d(min objective) / d(row bound)``.
        """
        values = self.sign * self.col_scale * x
        general = np.zeros(self.num_general)
        np.add.at(general, self.source, values)
        general += self.anchor
        return general, self.row_scale * y


def _shift_and_split(rows, cols, vals, lower, upper, cost, origin, b, m, n, scale):
    has_lower, has_upper = np.isfinite(lower), np.isfinite(upper)
    sign = np.where(has_lower | ~has_upper, 1.0, -1.0)
    anchor = np.where(has_lower, lower, np.where(has_upper, upper, 0.0))
    width = np.where(has_lower & has_upper, upper - lower, np.inf)
    b = b - np.bincount(rows, weights=vals * anchor[cols], minlength=m)
    objective_shift = float(cost @ anchor)
    free = np.flatnonzero(~has_lower & ~has_upper)
    # a free column j becomes j (positive part) followed by a negated copy at the end
    num = cost.size
    copy_of = np.full(num, -1)
    copy_of[free] = num + np.arange(free.size)
    in_free = copy_of[cols] >= 0
    rows = np.concatenate([rows, rows[in_free]])
    vals = np.concatenate([vals * sign[cols], -vals[in_free]])
    cols = np.concatenate([cols, copy_of[cols[in_free]]])
    c = np.concatenate([cost * sign, -cost[free]])
    u = np.concatenate([width, np.full(free.size, np.inf)])
    source = np.concatenate([origin, origin[free]])
    sign_all = np.concatenate([sign, -np.ones(free.size)])
    anchor_general = np.zeros(n + m)
    np.add.at(anchor_general, origin, anchor)
    total = num + free.size
    row_scale, col_scale = _scaling(rows, cols, vals, m, total) if scale else (
        np.ones(m), np.ones(total))
    A = csc_from_triplets(rows, cols, vals * row_scale[rows] * col_scale[cols], (m, total))
    return StandardForm(A, b * row_scale, c * col_scale, u / col_scale, row_scale, col_scale,
                        source, sign_all, anchor_general, objective_shift, n + m)


def _scaling(rows, cols, vals, m, n, passes: int = 6):
    """Row and column factors making the scaled entries' magnitudes close to one."""
    magnitude = np.abs(vals)
    log_a = np.log2(np.where(magnitude > 0, magnitude, 1.0))
    row_log, col_log = np.zeros(m), np.zeros(n)
    for _ in range(passes):
        current = log_a + row_log[rows] + col_log[cols]
        row_log -= _log_midpoint(current, rows, m)
        current = log_a + row_log[rows] + col_log[cols]
        col_log -= _log_midpoint(current, cols, n)
    row_scale = np.exp2(np.round(row_log))
    col_scale = np.exp2(np.round(col_log))
    return row_scale, col_scale


def _log_midpoint(logs, group, size):
    """Per group, the midpoint of the largest and smallest log-magnitudes (0 if empty)."""
    high = np.full(size, -np.inf)
    low = np.full(size, np.inf)
    np.maximum.at(high, group, logs)
    np.minimum.at(low, group, logs)
    with np.errstate(invalid="ignore"):
        mid = 0.5 * (high + low)
    return np.where(np.isfinite(mid), mid, 0.0)
