"""Parametric LP answers on a fixed basis: x, duals and reduced costs as affine maps of parameters.

When some LP data depend affinely on parameters ``p`` (right-hand sides, bounds, objective
coefficients; not the constraint matrix), the optimal basis found at ``p0`` stays optimal on
a polyhedron around ``p0``, and there

    x(p) = x0 + sum_k dx[k] (p_k - p0_k),    y(p) = y0 + sum_k dy[k] (p_k - p0_k)

exactly. This module computes those maps in rational arithmetic (the engines of
`symopt.optimize._linear.exact`) and the polyhedron as inequalities ``a . (p - p0) <= b``:
the basic variables stay within their bounds (primal feasibility) and the nonbasic reduced
costs keep their signs (dual feasibility).

The dependence of the data on ``p`` is given as one `LinearProgram` per parameter: the LP
with that parameter moved by one unit (`lp_at`), so callers need no algebra of their own;
the difference must leave ``A`` unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from symopt.errors import InputError
from symopt.optimize._linear.exact import (
    _nonbasic_values, _pick_engine, _rational_bounds, _rational_columns, to_fraction,
)
from symopt.optimize.linear_program import BasisStatus, LinearProgram

__all__ = ["ParametricBasis", "parametric_basis", "data_change"]


@dataclass(frozen=True)
class ParametricBasis:
    """Affine maps in ``delta = p - p0`` on the basis, and where the basis stays optimal.

    ``x0[j] + sum_k dx[k][j] delta_k``; likewise ``row_dual``/``drow_dual`` and
    ``col_dual``/``dcol_dual``; ``c0``/``dc`` and ``offset0``/``doffset`` are the cost data
    (the optimal value is ``offset(p) + c(p) . x(p)``). ``region`` holds ``(a, b, why)``:
    ``a . delta <= b`` must hold, ``why`` names the variable or reduced cost it protects.
    """

    x0: list[Fraction]
    dx: list[list[Fraction]]
    row_dual0: list[Fraction]
    drow_dual: list[list[Fraction]]
    col_dual0: list[Fraction]
    dcol_dual: list[list[Fraction]]
    c0: list[Fraction]
    dc: list[list[Fraction]]
    offset0: Fraction
    doffset: list[Fraction]
    region: list[tuple[list[Fraction], Fraction, str]]


def data_change(base: float, moved: float) -> Fraction:
    """The change of one datum per unit of a parameter, as the simple rational it is meant to be.

    >>> data_change(0.30000000000000004, 0.4), data_change(2.0, 2.0)
    (Fraction(1, 10), Fraction(0, 1))
    """
    delta = float(moved) - float(base)
    if delta == 0:
        return Fraction(0)
    guess = Fraction(delta).limit_denominator(10 ** 6)
    return guess if abs(float(guess) - delta) <= 1e-9 * max(1.0, abs(delta)) else to_fraction(delta)


def _changes(base: np.ndarray, moved: np.ndarray) -> list[Fraction]:
    out = []
    for a, b in zip(base, moved):
        out.append(Fraction(0) if (a == b or not (np.isfinite(a) and np.isfinite(b)))
                   else data_change(a, b))
    return out


def _check_matrix(base: LinearProgram, moved: LinearProgram, name: str) -> None:
    if base.A.shape != moved.A.shape or abs(base.A - moved.A).max() > 0:
        raise InputError(f"parameter {name} changes the constraint matrix: parametric answers "
                         "cover parameters in objective coefficients, right-hand sides and "
                         "bounds only")
    for label in ("col_lower", "col_upper", "row_lower", "row_upper"):
        a, b = getattr(base, label), getattr(moved, label)
        if not np.array_equal(np.isfinite(a), np.isfinite(b)):
            raise InputError(f"parameter {name} makes a bound appear or vanish ({label}); "
                             "its parametric answer is not affine")


def parametric_basis(lp: LinearProgram, col_basis: Sequence[int], row_basis: Sequence[int],
                     lp_at: Sequence[LinearProgram], names: Sequence[str],
                     engine: str = "auto") -> ParametricBasis:
    """The affine answer of the basis of ``lp`` in the parameters that move ``lp`` to ``lp_at``."""
    m, n = lp.num_rows, lp.num_cols
    status = np.concatenate([np.asarray(col_basis), np.asarray(row_basis)]).astype(np.int64)
    basic = np.flatnonzero(status == BasisStatus.BASIC)
    if basic.size != m:
        raise InputError("the basis does not have one basic variable per row")
    _, solve = _pick_engine(engine, m)
    columns = _rational_columns(lp)
    lower, upper = _rational_bounds(lp)
    basis_columns = [columns[k] for k in basic]
    sign = 1 if lp.sense == "min" else -1

    def vertex(values: dict[int, Fraction]) -> list[Fraction]:
        rhs = [Fraction(0)] * m
        for k, value in values.items():
            for i, a in columns[k]:
                rhs[i] -= a * value
        solved = solve(basis_columns, [rhs], transpose=False)
        if solved is None:
            raise InputError("the basis matrix is singular")
        full = dict(values)
        full.update(zip(basic.tolist(), solved[0]))
        return [full[k] for k in range(n + m)]

    def duals(cost: list[Fraction]) -> list[Fraction]:
        (y,) = solve(basis_columns, [[cost[k] for k in basic]], transpose=True)
        return [cost[k] - sum((a * y[i] for i, a in columns[k]), Fraction(0))
                for k in range(n + m)]

    cost0 = [to_fraction(v) for v in lp.c] + [Fraction(0)] * m
    x0, reduced0 = vertex(_nonbasic_values(status, lower, upper)), duals(cost0)
    dx, dreduced, dc, dlow, dup, doffset = [], [], [], [], [], []
    for moved, name in zip(lp_at, names):
        _check_matrix(lp, moved, name)
        low_k = _changes(np.concatenate([lp.col_lower, lp.row_lower]),
                         np.concatenate([moved.col_lower, moved.row_lower]))
        up_k = _changes(np.concatenate([lp.col_upper, lp.row_upper]),
                        np.concatenate([moved.col_upper, moved.row_upper]))
        shift = _nonbasic_values(status, [v if lower[k] is not None else None
                                          for k, v in enumerate(low_k)],
                                 [v if upper[k] is not None else None for k, v in enumerate(up_k)])
        dx.append(vertex(shift))
        dc_k = _changes(lp.c, moved.c) + [Fraction(0)] * m
        dreduced.append(duals(dc_k))
        dc.append(dc_k[:n])
        dlow.append(low_k)
        dup.append(up_k)
        doffset.append(data_change(lp.offset, moved.offset))
    region = _region(lp, status, basic, x0, dx, reduced0, dreduced, lower, upper, dlow, dup,
                     sign)
    return ParametricBasis(
        x0=x0[:n], dx=[d[:n] for d in dx], row_dual0=reduced0[n:],
        drow_dual=[d[n:] for d in dreduced], col_dual0=reduced0[:n],
        dcol_dual=[d[:n] for d in dreduced], c0=cost0[:n], dc=dc,
        offset0=to_fraction(lp.offset), doffset=doffset, region=region)


def _label(lp: LinearProgram, k: int) -> str:
    n = lp.num_cols
    return lp.col_names[k] if k < n else f"row {lp.row_names[k - n]}"


def _region(lp: LinearProgram, status: np.ndarray, basic: np.ndarray, x0: list, dx: list,
            reduced0: list, dreduced: list, lower: list, upper: list, dlow: list, dup: list,
            sign: int) -> list[tuple[list[Fraction], Fraction, str]]:
    """Inequalities ``a . delta <= b`` keeping the basis primal and dual feasible."""
    region = []
    for k in basic.tolist():
        if lower[k] is not None:     # x_k(p) >= lower_k(p)
            region.append(([dl[k] - d[k] for d, dl in zip(dx, dlow)], x0[k] - lower[k],
                           f"{_label(lp, k)} stays above its lower bound"))
        if upper[k] is not None:     # x_k(p) <= upper_k(p)
            region.append(([d[k] - du[k] for d, du in zip(dx, dup)], upper[k] - x0[k],
                           f"{_label(lp, k)} stays below its upper bound"))
    for k in np.flatnonzero(status != BasisStatus.BASIC).tolist():
        if lower[k] is not None and lower[k] == upper[k]:
            continue
        d0, d = sign * reduced0[k], [sign * dr[k] for dr in dreduced]
        if status[k] == BasisStatus.AT_LOWER and lower[k] is not None:
            region.append(([-v for v in d], d0, f"the reduced cost of {_label(lp, k)} keeps its sign"))
        elif status[k] == BasisStatus.AT_UPPER and upper[k] is not None:
            region.append((d, -d0, f"the reduced cost of {_label(lp, k)} keeps its sign"))
        else:   # a free nonbasic: its reduced cost must stay zero
            region.append((d, -d0, f"the reduced cost of {_label(lp, k)} stays zero"))
            region.append(([-v for v in d], d0, f"the reduced cost of {_label(lp, k)} stays zero"))
    return [(a, b, why) for a, b, why in region if any(a) or b < 0]
