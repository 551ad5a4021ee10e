"""Certify an LP basis in rational arithmetic: exact x, duals, reduced costs and a verdict.

A floating-point LP solver returns an *approximately* optimal point. When the data are
rational (as every decimal number in a model or MPS file is), the final basis determines an
exact vertex: solving ``B x_B = -N x_N`` and ``B^T y = c_B`` in rationals gives the vertex
and its duals without rounding, and two sign checks decide whether that basis is exactly
optimal. This is the certificate that LP theory offers and no float solver can.

The LP is taken in its general form ``row_lower <= A x <= row_upper``, ``col_lower <= x <=
col_upper`` with one slack ``s = A x`` per row, so the constraint matrix over ``(x, s)`` is
``[A, -I]`` and a basis picks ``m`` of its ``n + m`` columns (`BasisStatus`, as every
engine reports it). Float data become rationals through their shortest decimal form
(``0.1`` -> ``1/10``), which is what a person meant by writing ``0.1``.

Two rational engines: python-flint's ``fmpq_mat`` (the ``flint`` extra; a 400-row basis in
well under a second) and, for small LPs when flint is absent, a sparse Gaussian elimination
over :class:`fractions.Fraction` from the standard library.

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram, BasisStatus as S
>>> lp = LinearProgram.from_arrays(c=[-3, -5], A=[[1, 0], [0, 2], [3, 2]],
...                                row_upper=[4, 12, 18], row_lower=[-np.inf] * 3)
>>> cert = certify_basis(lp, col_basis=[S.BASIC, S.BASIC],
...                      row_basis=[S.BASIC, S.AT_UPPER, S.AT_UPPER], engine="fraction")
>>> cert.optimal, [str(v) for v in cert.x], str(cert.objective)
(True, ['2', '6'], '-36')
>>> [str(v) for v in cert.row_dual]
['0', '-3/2', '-1']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np

from symopt.errors import InputError
from symopt.optimize.linear_program import BasisStatus, LinearProgram

__all__ = ["ExactCertificate", "certify_basis", "to_fraction", "FRACTION_ENGINE_MAX_ROWS"]

#: the stdlib engine is cubic in pure Python: beyond this many rows it asks for flint
FRACTION_ENGINE_MAX_ROWS = 300


@dataclass(frozen=True)
class ExactCertificate:
    """The exact vertex of a basis and whether it is optimal.

    ``x``, ``row_activity``, ``row_dual``, ``col_dual`` are lists of ``Fraction`` in the
    LP's own sense (duals are d objective / d active bound, as the float results).
    ``primal_violations`` and ``dual_violations`` name what fails, in words; ``optimal`` is
    True only when both are empty. ``max_float_error`` is the largest absolute difference
    between the float ``x`` given (if any) and the exact one.
    """

    x: list[Fraction]
    row_activity: list[Fraction]
    row_dual: list[Fraction]
    col_dual: list[Fraction]
    objective: Fraction
    engine: str
    primal_violations: list[str] = field(default_factory=list)
    dual_violations: list[str] = field(default_factory=list)
    max_float_error: float | None = None

    @property
    def optimal(self) -> bool:
        return not self.primal_violations and not self.dual_violations


def to_fraction(value: float) -> Fraction:
    """The rational a person meant: the shortest decimal that rounds to ``value``.

    >>> to_fraction(0.1), to_fraction(2.5), to_fraction(1e-3)
    (Fraction(1, 10), Fraction(5, 2), Fraction(1, 1000))
    """
    if not np.isfinite(value):
        raise InputError(f"exact arithmetic needs finite data, got {value!r}")
    return Fraction(repr(float(value)))


def certify_basis(lp: LinearProgram, col_basis: Sequence[int], row_basis: Sequence[int],
                  x: Any = None, engine: str = "auto") -> ExactCertificate:
    """Solve the basis of ``lp`` exactly and check primal and dual feasibility.

    Parameters
    ----------
    lp : LinearProgram
        The LP (its sense decides the dual signs).
    col_basis, row_basis : sequences of `BasisStatus`
        The final basis, as `solve_lp` and `linprog` report it.
    x : array_like, optional
        The float solution, to measure how far it is from the exact vertex.
    engine : {"auto", "flint", "fraction"}
        "auto" takes flint when installed, else the stdlib engine for small LPs.
    """
    m, n = lp.num_rows, lp.num_cols
    col_basis = np.asarray(col_basis, dtype=np.int64)
    row_basis = np.asarray(row_basis, dtype=np.int64)
    if col_basis.shape != (n,) or row_basis.shape != (m,):
        raise InputError(f"the basis has {col_basis.size} column and {row_basis.size} row "
                         f"statuses; the LP has {n} columns and {m} rows")
    status = np.concatenate([col_basis, row_basis])
    basic = np.flatnonzero(status == BasisStatus.BASIC)
    if basic.size != m:
        raise InputError(f"a basis of this LP has {m} basic variables, this one has "
                         f"{basic.size}: it cannot be certified")
    engine_name, solve = _pick_engine(engine, m)
    columns = _rational_columns(lp)
    lower, upper = _rational_bounds(lp)
    nonbasic_value = _nonbasic_values(status, lower, upper)
    rhs = [Fraction(0)] * m
    for k, value in nonbasic_value.items():
        for i, a in columns[k]:
            rhs[i] -= a * value
    basis_columns = [columns[k] for k in basic]
    solved = solve(basis_columns, [rhs], transpose=False)
    if solved is None:
        raise InputError("the basis matrix is singular: the basis reported by the solver "
                         "does not define a vertex")
    x_basic = solved[0]
    values = dict(nonbasic_value)
    values.update(zip(basic.tolist(), x_basic))
    cost = [to_fraction(v) for v in lp.c] + [Fraction(0)] * m
    (y,) = solve(basis_columns, [[cost[k] for k in basic]], transpose=True)
    reduced = [cost[k] - sum((a * y[i] for i, a in columns[k]), Fraction(0))
               for k in range(n + m)]
    full = [values[k] for k in range(n + m)]
    objective = to_fraction(lp.offset) + sum((cost[j] * full[j] for j in range(n)),
                                             Fraction(0))
    return ExactCertificate(
        x=full[:n], row_activity=full[n:], row_dual=reduced[n:], col_dual=reduced[:n],
        objective=objective, engine=engine_name,
        primal_violations=_primal_violations(lp, basic, full, lower, upper),
        dual_violations=_dual_violations(lp, status, reduced, lower, upper),
        max_float_error=_float_error(x, full[:n]))


def _pick_engine(engine: str, m: int) -> tuple[str, Callable[..., list | None]]:
    if engine not in ("auto", "flint", "fraction"):
        raise InputError(f"unknown exact engine {engine!r}; known: auto, flint, fraction")
    if engine in ("auto", "flint"):
        try:
            import flint  # noqa: F401  (the optional extra)
            return "flint", _solve_flint
        except ImportError:
            if engine == "flint":
                raise InputError("engine 'flint' needs python-flint: pip install "
                                 "'symopt[flint]'") from None
    if m > FRACTION_ENGINE_MAX_ROWS:
        raise InputError(f"exact certification of {m} rows needs python-flint (the "
                         f"standard-library engine stops at {FRACTION_ENGINE_MAX_ROWS} rows): "
                         "pip install 'symopt[flint]'")
    return "fraction", _solve_fraction


def _rational_columns(lp: LinearProgram) -> list[list[tuple[int, Fraction]]]:
    """Columns of ``[A, -I]`` as sparse lists of (row, Fraction)."""
    A = lp.A
    indptr, indices, data = (np.asarray(A.indptr), np.asarray(A.indices), np.asarray(A.data))
    columns = [[(int(indices[p]), to_fraction(data[p])) for p in range(indptr[j], indptr[j + 1])
                if data[p] != 0] for j in range(lp.num_cols)]
    columns += [[(i, Fraction(-1))] for i in range(lp.num_rows)]
    return columns


def _rational_bounds(lp: LinearProgram) -> tuple[list, list]:
    def convert(values: np.ndarray) -> list:
        return [to_fraction(v) if np.isfinite(v) and abs(v) < 1e20 else None for v in values]
    lower = convert(np.concatenate([lp.col_lower, lp.row_lower]))
    upper = convert(np.concatenate([lp.col_upper, lp.row_upper]))
    return lower, upper


def _nonbasic_values(status: np.ndarray, lower: list, upper: list) -> dict[int, Fraction]:
    values: dict[int, Fraction] = {}
    for k in np.flatnonzero(status != BasisStatus.BASIC).tolist():
        if status[k] == BasisStatus.AT_UPPER and upper[k] is not None:
            values[k] = upper[k]
        elif status[k] == BasisStatus.AT_LOWER and lower[k] is not None:
            values[k] = lower[k]
        elif lower[k] is not None and upper[k] is not None and lower[k] == upper[k]:
            values[k] = lower[k]
        else:
            values[k] = Fraction(0)
    return values


def _label(lp: LinearProgram, k: int) -> str:
    n = lp.num_cols
    return lp.col_names[k] if k < n else f"row {lp.row_names[k - n]}"


def _primal_violations(lp: LinearProgram, basic: np.ndarray, values: list,
                       lower: list, upper: list) -> list[str]:
    found = []
    for k in basic.tolist():
        v = values[k]
        if lower[k] is not None and v < lower[k]:
            found.append(f"{_label(lp, k)} = {v} lies below its lower bound {lower[k]}")
        if upper[k] is not None and v > upper[k]:
            found.append(f"{_label(lp, k)} = {v} lies above its upper bound {upper[k]}")
    return found


def _dual_violations(lp: LinearProgram, status: np.ndarray, reduced: list,
                     lower: list, upper: list) -> list[str]:
    sign = 1 if lp.sense == "min" else -1
    found = []
    for k in np.flatnonzero(status != BasisStatus.BASIC).tolist():
        d = sign * reduced[k]
        if d == 0 or (lower[k] is not None and lower[k] == upper[k]):
            continue
        at_upper = status[k] == BasisStatus.AT_UPPER and upper[k] is not None
        at_lower = status[k] == BasisStatus.AT_LOWER and lower[k] is not None
        if (at_lower and d < 0) or (at_upper and d > 0) or not (at_lower or at_upper):
            found.append(f"the reduced cost of {_label(lp, k)} is {reduced[k]}: moving it off "
                         "its bound improves the objective")
    return found


def _float_error(x: Any, exact: list[Fraction]) -> float | None:
    if x is None:
        return None
    x = np.asarray(x, dtype=float)
    return float(max((abs(float(e) - v) for e, v in zip(exact, x)), default=0.0))


def _solve_flint(columns: list, rhs: list[list[Fraction]], transpose: bool
                 ) -> list[list[Fraction]] | None:
    """Solve ``B z = b`` (or ``B^T z = b``) for each right-hand side ``b`` in ``rhs``, B
    given by its sparse columns; None when B is singular."""
    import flint
    m = len(columns)
    matrix = flint.fmpq_mat(m, m)
    for j, column in enumerate(columns):
        for i, a in column:
            entry = flint.fmpq(a.numerator, a.denominator)
            if transpose:
                matrix[j, i] = entry
            else:
                matrix[i, j] = entry
    b = flint.fmpq_mat(m, len(rhs), [flint.fmpq(v[i].numerator, v[i].denominator)
                                     for i in range(m) for v in rhs])
    try:
        z = matrix.solve(b)
    except ZeroDivisionError:
        return None
    return [[Fraction(int(z[i, c].p), int(z[i, c].q)) for i in range(m)]
            for c in range(len(rhs))]


def _solve_fraction(columns: list, rhs: list[list[Fraction]], transpose: bool
                    ) -> list[list[Fraction]] | None:
    """The same as `_solve_flint`, by one sparse elimination over `Fraction` that carries
    every right-hand side along."""
    m = len(columns)
    rows: list[dict[int, Fraction]] = [dict() for _ in range(m)]
    for j, column in enumerate(columns):
        for i, a in column:
            if transpose:
                rows[j][i] = a
            else:
                rows[i][j] = a
    b = [[v[i] for v in rhs] for i in range(m)]
    for col in range(m):
        candidates = [r for r in range(col, m) if rows[r].get(col, 0) != 0]
        if not candidates:
            return None
        pivot = min(candidates, key=lambda r: len(rows[r]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        b[col], b[pivot] = b[pivot], b[col]
        head = rows[col][col]
        for r in range(col + 1, m):
            factor = rows[r].get(col)
            if not factor:
                continue
            factor = factor / head
            for k, a in rows[col].items():
                value = rows[r].get(k, 0) - factor * a
                if value:
                    rows[r][k] = value
                else:
                    rows[r].pop(k, None)
            b[r] = [x - factor * y for x, y in zip(b[r], b[col])]
    z = [[Fraction(0)] * len(rhs) for _ in range(m)]
    for col in reversed(range(m)):
        for c in range(len(rhs)):
            total = b[col][c] - sum((a * z[k][c] for k, a in rows[col].items() if k > col),
                                    Fraction(0))
            z[col][c] = total / rows[col][col]
    return [[z[i][c] for i in range(m)] for c in range(len(rhs))]


#: exact ranging inverts the basis in rationals (dense, entries grow): up to this many rows
EXACT_RANGING_MAX_ROWS = 150


@dataclass(frozen=True)
class ExactRanges:
    """Cost and right-hand-side ranges of a basis as fractions (None: unbounded side).

    ``cost_lower[j]``/``cost_upper[j]``: the absolute range of ``c[j]`` keeping the basis
    optimal; ``rhs_value[i]``, ``rhs_lower[i]``/``rhs_upper[i]``: the row's active bound (or
    for a non-binding row its finite bound nearest the activity) and its range keeping the
    basis feasible. The same quantities as `compute_sensitivity`, without rounding.
    """

    cost_lower: list
    cost_upper: list
    rhs_value: list
    rhs_lower: list
    rhs_upper: list


def exact_ranges(lp: LinearProgram, col_basis: Sequence[int], row_basis: Sequence[int],
                 engine: str = "auto") -> ExactRanges:
    """Ranging of an optimal basis in rational arithmetic (LPs of up to
    `EXACT_RANGING_MAX_ROWS` rows)."""
    m, n = lp.num_rows, lp.num_cols
    if m > EXACT_RANGING_MAX_ROWS:
        raise InputError(f"exact ranging inverts the basis in rationals and stops at "
                         f"{EXACT_RANGING_MAX_ROWS} rows; this LP has {m}")
    certificate = certify_basis(lp, col_basis, row_basis, engine=engine)
    status = np.concatenate([np.asarray(col_basis), np.asarray(row_basis)]).astype(np.int64)
    basic = np.flatnonzero(status == BasisStatus.BASIC).tolist()
    columns = _rational_columns(lp)
    lower, upper = _rational_bounds(lp)
    inverse = _inverse([columns[k] for k in basic], engine)
    values = certificate.x + certificate.row_activity
    reduced = certificate.col_dual + certificate.row_dual
    sign = 1 if lp.sense == "min" else -1
    cost = [to_fraction(v) for v in lp.c]
    cost_lower, cost_upper = [], []
    for j in range(n):
        low, high = _cost_interval(j, status, basic, columns, inverse, reduced, lower, upper, sign)
        pair = [None if v is None else cost[j] * sign + v for v in (low, high)]
        if sign < 0:
            pair = [None if v is None else -v for v in reversed(pair)]
        cost_lower.append(pair[0])
        cost_upper.append(pair[1])
    rhs = [_rhs_interval(i, n, status, basic, inverse, values, lower, upper) for i in range(m)]
    return ExactRanges(cost_lower, cost_upper, [r[0] for r in rhs], [r[1] for r in rhs],
                       [r[2] for r in rhs])


def _inverse(columns: list, engine: str) -> list[list[Fraction]]:
    """The inverse of the basis (given by sparse columns) as rows of fractions: one solve
    with the identity's columns as right-hand sides."""
    m = len(columns)
    _, solve = _pick_engine(engine, m)
    identity = [[Fraction(int(i == k)) for i in range(m)] for k in range(m)]
    inverse_columns = solve(columns, identity, transpose=False)
    if inverse_columns is None:
        raise InputError("the basis matrix is singular")
    return [[inverse_columns[j][i] for j in range(m)] for i in range(m)]


def _cost_interval(j: int, status: np.ndarray, basic: list, columns: list, inverse: list,
                   reduced: list, lower: list, upper: list, sign: int) -> tuple:
    """(decrease, increase) of the minimization-sense cost of column j; None: unbounded."""
    nonbasic = np.flatnonzero(status != BasisStatus.BASIC).tolist()
    if j not in basic:
        d = sign * reduced[j]
        if lower[j] is not None and lower[j] == upper[j]:
            return None, None
        if status[j] == BasisStatus.AT_UPPER:
            return None, -d
        if status[j] == BasisStatus.AT_LOWER:
            return -d, None
        return Fraction(0), Fraction(0)
    row = inverse[basic.index(j)]
    low, high = None, None
    for k in nonbasic:
        if lower[k] is not None and lower[k] == upper[k]:
            continue
        alpha = sum((a * row[i] for i, a in columns[k]), Fraction(0))
        if alpha == 0:
            continue
        ratio = sign * reduced[k] / alpha
        at_lower = status[k] == BasisStatus.AT_LOWER
        at_upper = status[k] == BasisStatus.AT_UPPER
        if (at_lower and alpha > 0) or (at_upper and alpha < 0) or not (at_lower or at_upper):
            high = ratio if high is None else min(high, ratio)
        if (at_lower and alpha < 0) or (at_upper and alpha > 0) or not (at_lower or at_upper):
            low = ratio if low is None else max(low, ratio)
    return low, high


def _rhs_interval(i: int, n: int, status: np.ndarray, basic: list, inverse: list,
                  values: list, lower: list, upper: list) -> tuple:
    """(value, lower, upper) of the right-hand side of row i that is being ranged."""
    k = n + i
    activity = values[k]
    if status[k] == BasisStatus.BASIC:
        if upper[k] is not None and (lower[k] is None or upper[k] - activity <= activity - lower[k]):
            return upper[k], activity, None
        if lower[k] is not None:
            return lower[k], None, activity
        return None, None, None
    beta = [inverse[r][i] for r in range(len(basic))]
    low, high = None, None
    for r, b in enumerate(beta):
        if b == 0:
            continue
        var = basic[r]
        for limit, is_upper in ((lower[var], False), (upper[var], True)):
            if limit is None:
                continue
            step = (limit - values[var]) / b      # x + b step reaches the limit
            if (b > 0) == is_upper:               # moving up in delta runs into it
                high = step if high is None else min(high, step)
            else:
                low = step if low is None else max(low, step)
    return (activity, None if low is None else activity + low,
            None if high is None else activity + high)
