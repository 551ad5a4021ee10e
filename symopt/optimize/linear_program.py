"""`LinearProgram`: one LP in the general bounded form every LP path shares.

    minimize (or maximize)   c @ x + offset
    subject to               row_lower <= A @ x <= row_upper
                             col_lower <=     x <= col_upper
                             x[j] integer where integrality[j] == 1

The form holds ranges, equalities (row_lower == row_upper) and free rows alike, so
the MPS/LP readers, the model compiler and `linprog`'s scipy-style arrays all map
into it without loss; the native LP methods solve it. ``columns`` and ``rows`` hold the
objects the columns and rows stand for (a model's variables and constraints; empty for
an LP read from a file or built from arrays): results are mapped back by these objects.
``col_names`` and ``row_names`` are for display only; each file writer quotes or
escapes them into its own alphabet.

>>> lp = LinearProgram.from_arrays(c=[1, 2], A=[[1, 1]], row_lower=[1], row_upper=[np.inf])
>>> lp.num_rows, lp.num_cols, lp.col_lower
(1, 2, array([0., 0.]))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from symopt.errors import InputError

__all__ = ["LinearProgram", "BasisStatus", "csc_from_triplets", "as_csc", "triplets",
           "compressed_entries", "relative_violation", "primal_violation", "FEASIBILITY_TOL"]

#: violation of a row or bound accepted, relative to max(1, |bound|)
FEASIBILITY_TOL = 1e-6


def relative_violation(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> Any:
    """The worst violation of ``lower <= values <= upper`` relative to max(1, |bound|), along
    the last axis (a float for one point, an array for a stack of points)."""
    with np.errstate(invalid="ignore"):
        below = (lower - values) / np.maximum(1.0, np.abs(lower))
        above = (values - upper) / np.maximum(1.0, np.abs(upper))
    # fmax, not maximum: an infinite side gives NaN there, which must not hide the other side
    worst = np.nan_to_num(np.fmax(below, above), nan=0.0, neginf=0.0)
    return np.max(worst, axis=-1, initial=0.0)


def primal_violation(problem: Any, x: np.ndarray, activity: np.ndarray | None = None) -> Any:
    """The worst `relative_violation` of ``problem``'s rows (their values ``activity``;
    ``A @ x`` when not given) and column bounds at ``x`` (one point, or a stack along the
    first axes). ``problem`` is a `LinearProgram`, or anything with its ``row_lower``,
    ``row_upper``, ``col_lower`` and ``col_upper`` (a compiled NLP, with its row values)."""
    if activity is None:
        with np.errstate(all="ignore"):
            activity = problem.A @ x
    return np.maximum(relative_violation(activity, problem.row_lower, problem.row_upper),
                      relative_violation(x, problem.col_lower, problem.col_upper))


def csc_from_triplets(rows: Any, cols: Any, values: Any, shape: tuple[int, int]) -> sp.csc_array:
    """A canonical CSC array from triplets: duplicates summed, zeros dropped, rows sorted."""
    rows = np.asarray(rows, dtype=np.int64).ravel()
    cols = np.asarray(cols, dtype=np.int64).ravel()
    values = np.asarray(values, dtype=float).ravel()
    if not (rows.size == cols.size == values.size):
        raise ValueError("rows, cols and values must have the same length")
    matrix = sp.coo_array((values, (rows, cols)), shape=(int(shape[0]), int(shape[1]))).tocsc()
    return _canonical(matrix)


def csc_from_rows(indptr: Any, cols: Any, values: Any, shape: tuple[int, int]) -> sp.csc_array:
    """A canonical CSC array from compressed rows (CSR parts; a row may list a column twice)."""
    index = np.int32 if max(len(values), *shape) < 2**31 else np.int64   # as scipy's own choice
    matrix = sp.csr_array((np.asarray(values, dtype=float), np.asarray(cols, dtype=index),
                           np.asarray(indptr, dtype=index)), shape=(int(shape[0]), int(shape[1])))
    return _canonical(matrix.tocsc())


def as_csc(matrix: Any, name: str = "A") -> sp.csc_array:
    """Accept a scipy.sparse matrix or array, or a dense 2-D array-like, as canonical CSC."""
    if sp.issparse(matrix):
        return _canonical(sp.csc_array(matrix, dtype=float, copy=True))
    try:
        array = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a matrix of real numbers, got {matrix!r:.200}") from None
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got an array of shape {array.shape}")
    return _canonical(sp.csc_array(array))


def triplets(matrix: sp.sparray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, values) of a sparse matrix; a CSC matrix gives them in column order."""
    coo = matrix.tocoo()
    return np.asarray(coo.row, dtype=np.int64), np.asarray(coo.col, dtype=np.int64), coo.data


def compressed_entries(matrix: sp.sparray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of column k of a CSC matrix (row k of a CSR matrix)."""
    lo, hi = matrix.indptr[k], matrix.indptr[k + 1]
    return matrix.indices[lo:hi], matrix.data[lo:hi]


def _canonical(matrix: sp.csc_array) -> sp.csc_array:
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


class BasisStatus(IntEnum):
    """Status of a column or row (its slack) in a simplex basis."""

    BASIC = 0
    AT_LOWER = 1
    AT_UPPER = 2
    ZERO = 3  # a free nonbasic variable resting at zero (or any nonbasic value)


@dataclass(frozen=True, eq=False)
class LinearProgram:
    """An LP (or MILP when ``integrality`` has ones) in general bounded form."""

    c: np.ndarray
    A: sp.csc_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    offset: float = 0.0
    sense: str = "min"  # "min" or "max"; c and offset are in this sense
    integrality: np.ndarray | None = None
    name: str = ""
    objective_name: str = "obj"
    col_names: tuple[str, ...] = field(default=())
    row_names: tuple[str, ...] = field(default=())
    columns: tuple = field(default=())     # the objects behind the columns (display aside)
    rows: tuple = field(default=())        # the objects behind the rows

    @classmethod
    def from_arrays(
        cls, c: Any, A: Any = None, row_lower: Any = None, row_upper: Any = None,
        col_lower: Any = None, col_upper: Any = None, **kwargs: Any,
    ) -> "LinearProgram":
        """Build from array-likes; columns default to ``x >= 0``, names to ``x1.., c1..``."""
        c = np.asarray(c, dtype=float).ravel()
        n = c.size
        A = sp.csc_array((0, n)) if A is None else as_csc(A)
        m = A.shape[0]
        row_lower = np.full(m, -np.inf) if row_lower is None else np.asarray(row_lower, float)
        row_upper = np.full(m, np.inf) if row_upper is None else np.asarray(row_upper, float)
        col_lower = np.zeros(n) if col_lower is None else np.asarray(col_lower, float)
        col_upper = np.full(n, np.inf) if col_upper is None else np.asarray(col_upper, float)
        kwargs.setdefault("col_names", tuple(f"x{j + 1}" for j in range(n)))
        kwargs.setdefault("row_names", tuple(f"c{i + 1}" for i in range(m)))
        lp = cls(c, A, row_lower.ravel(), row_upper.ravel(), col_lower.ravel(),
                 col_upper.ravel(), **kwargs)
        lp.validate()
        return lp

    @property
    def num_rows(self) -> int:
        return self.A.shape[0]

    @property
    def num_cols(self) -> int:
        return self.A.shape[1]

    @property
    def is_mip(self) -> bool:
        return self.integrality is not None and bool(np.any(self.integrality))

    def validate(self) -> None:
        """Raise ValueError naming the first inconsistency (shapes, NaN, lower > upper)."""
        m, n = self.A.shape
        checks: Sequence[tuple[str, np.ndarray, int]] = (
            ("c", self.c, n), ("row_lower", self.row_lower, m), ("row_upper", self.row_upper, m),
            ("col_lower", self.col_lower, n), ("col_upper", self.col_upper, n),
        )
        for label, array, size in checks:
            if array.shape != (size,):
                raise ValueError(f"{label} has shape {array.shape}, expected ({size},)")
            if np.isnan(array).any():
                raise ValueError(f"{label} contains NaN at position {int(np.flatnonzero(np.isnan(array))[0])}")
        if not np.isfinite(self.c).all():
            raise ValueError("c must be finite")
        if not np.isfinite(self.A.data).all():
            raise ValueError("A contains NaN or inf")
        for label, lower, upper, names in (
            ("column", self.col_lower, self.col_upper, self.col_names),
            ("row", self.row_lower, self.row_upper, self.row_names),
        ):
            bad = np.flatnonzero(lower > upper)
            if bad.size:
                i = int(bad[0])
                who = names[i] if i < len(names) else str(i)
                raise ValueError(f"{label} {who!r} has lower bound {lower[i]} > upper bound {upper[i]}")
        if self.sense not in ("min", "max"):
            raise ValueError(f"sense must be 'min' or 'max', got {self.sense!r}")
        if self.integrality is not None and np.shape(self.integrality) != (n,):
            raise ValueError(f"integrality has shape {np.shape(self.integrality)}, expected ({n},)")
