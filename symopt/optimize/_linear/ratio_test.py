"""Ratio tests of the bounded simplex: dual (bound flipping + Harris) and primal (Harris).

Both use Harris's two passes: the first finds the largest step that keeps every
variable within its bound *plus a tolerance*; the second picks, among the candidates
whose exact ratio fits in that step, the one with the largest pivot, which keeps the
basis well conditioned at the price of tiny, tolerated infeasibilities.

>>> import numpy as np
>>> alpha = np.array([1.0, -2.0, 0.5])
>>> d = np.array([2.0, -1.0, 0.1])
>>> where = np.array([1, 2, 1])
>>> lower, upper = np.zeros(3), np.full(3, np.inf)
>>> dual_ratio_test(alpha, d, where, lower, upper, delta=5.0, tol=1e-9).entering
2
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DualStep", "dual_ratio_test", "PrimalStep", "primal_ratio_test"]

PIVOT_TOL = 1e-7


@dataclass
class DualStep:
    """Outcome of the dual ratio test: entering variable (-1: none) and bound flips."""

    entering: int
    flips: np.ndarray


def dual_ratio_test(alpha: np.ndarray, d: np.ndarray, where: np.ndarray, lower: np.ndarray,
                    upper: np.ndarray, delta: float, tol: float,
                    support: np.ndarray | None = None) -> DualStep:
    """Choose the entering variable for a leaving row with infeasibility ``delta``.

    ``alpha`` is the pivot row, ``delta`` < 0 when the leaving variable goes to its
    lower bound and > 0 for its upper bound. Boxed variables whose breakpoints the dual
    objective can pass while its slope stays positive are flipped instead of entering.
    """
    if support is None:
        support = np.flatnonzero(alpha)
    a = alpha[support]
    keep = (np.abs(a) > PIVOT_TOL) & (where[support] != 0) & \
        (lower[support] != upper[support])
    idx = support[keep]
    a, w = np.sign(delta) * a[keep], where[idx]
    eligible = ((w == 1) & (a > 0)) | ((w == 2) & (a < 0)) | (w == 3)
    idx, a, w = idx[eligible], a[eligible], w[eligible]
    if idx.size == 0:
        return DualStep(-1, idx)
    dj = d[idx]
    abs_a = np.abs(a)
    slack = np.where(w == 1, np.maximum(dj, 0.0), np.where(w == 2, -np.minimum(dj, 0.0),
                                                           np.abs(dj)))
    ratio = slack / abs_a
    width_all = upper[idx] - lower[idx]
    unboxed = ~np.isfinite(width_all)
    if unboxed.all():  # nothing can flip: the plain Harris two-pass test
        harris = np.min((slack + tol) / abs_a)
        fits = np.flatnonzero(ratio <= harris)
        return DualStep(int(idx[fits[np.argmax(abs_a[fits])]]), idx[:0])
    # only breakpoints before the first variable that cannot flip can matter
    cutoff = np.min((slack[unboxed] + tol) / abs_a[unboxed]) if unboxed.any() else np.inf
    near = np.flatnonzero(ratio <= cutoff)
    order = near[np.argsort(ratio[near], kind="stable")]
    width = width_all[order]
    drop = np.cumsum(abs_a[order] * width)
    blocked = np.flatnonzero(drop >= abs(delta))
    if blocked.size:
        k = int(blocked[0])
    elif abs(delta) - drop[-1] <= 1e-9 * (1.0 + abs(delta)):
        k = order.size - 1  # the slope ends at zero up to rounding: the last one enters
    else:
        return DualStep(-1, idx)
    flips = idx[order[:k]]
    rest = order[k:]
    harris = np.min((slack[rest] + tol) / abs_a[rest])
    fits = rest[ratio[rest] <= harris]
    best = fits[np.argmax(abs_a[fits])]
    return DualStep(int(idx[best]), flips)


@dataclass
class PrimalStep:
    """Outcome of the primal ratio test.

    ``row`` is the leaving row (-1 when the entering variable only flips its bound or
    nothing blocks), ``step`` >= 0 the move of the entering variable, ``to_upper`` the
    bound the leaving variable goes to, ``flip`` True for a bound flip.
    """

    row: int
    step: float
    to_upper: bool = False
    flip: bool = False


def primal_ratio_test(column: np.ndarray, direction: float, x: np.ndarray, lower: np.ndarray,
                      upper: np.ndarray, entering_range: float, tol: float) -> PrimalStep:
    """Largest step of the entering variable keeping the basic ``x - t*direction*column``."""
    g = direction * column
    down = np.flatnonzero((g > PIVOT_TOL) & np.isfinite(lower))
    up = np.flatnonzero((g < -PIVOT_TOL) & np.isfinite(upper))
    rows = np.concatenate([down, up])
    gap = np.concatenate([x[down] - lower[down], x[up] - upper[up]])
    gr = g[rows]
    if rows.size == 0:
        if np.isfinite(entering_range):
            return PrimalStep(-1, entering_range, flip=True)
        return PrimalStep(-1, np.inf)
    harris_gap = gap + np.where(gr > 0, tol, -tol)
    harris = np.min(harris_gap / gr)
    if entering_range <= harris:
        return PrimalStep(-1, entering_range, flip=True)
    exact = gap / gr
    fits = np.flatnonzero(exact <= harris)
    best = fits[np.argmax(np.abs(gr[fits]))]
    return PrimalStep(int(rows[best]), max(float(exact[best]), 0.0),
                      to_upper=bool(gr[best] < 0))
