"""`CSCMatrix`: the compressed-sparse-column matrix the LP solvers and the compiler share.

numpy has no sparse matrices and scipy is not a runtime dependency, so this small
immutable class is the one sparse format of symopt. It converts from dense arrays,
from coordinate triplets (duplicates are summed) and from anything with a
``tocsc()`` method (scipy.sparse), and offers the few operations the solvers need.

>>> A = CSCMatrix.from_coo([0, 1, 1], [0, 0, 2], [1.0, 2.0, 3.0], shape=(2, 3))
>>> A.to_dense()
array([[1., 0., 0.],
       [2., 0., 3.]])
>>> A @ np.array([1.0, 1.0, 1.0])
array([1., 5.])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["CSCMatrix", "as_csc"]


@dataclass(frozen=True, eq=False)
class CSCMatrix:
    """An m x n sparse matrix: column j's rows are ``indices[indptr[j]:indptr[j+1]]``.

    Row indices within a column are sorted and unique; explicit zeros are dropped.
    """

    shape: tuple[int, int]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    @classmethod
    def from_coo(cls, rows: Any, cols: Any, values: Any, shape: tuple[int, int]) -> "CSCMatrix":
        """Build from triplets; duplicate (row, col) entries are summed, zeros dropped."""
        m, n = int(shape[0]), int(shape[1])
        rows = np.asarray(rows, dtype=np.int64).ravel()
        cols = np.asarray(cols, dtype=np.int64).ravel()
        values = np.asarray(values, dtype=float).ravel()
        if not (rows.size == cols.size == values.size):
            raise ValueError("rows, cols and values must have the same length")
        if rows.size and (rows.min() < 0 or rows.max() >= m or cols.min() < 0 or cols.max() >= n):
            raise ValueError(f"a triplet index lies outside the shape {shape}")
        key = cols * max(m, 1) + rows
        order = np.argsort(key, kind="stable")
        key, values = key[order], values[order]
        unique, start = np.unique(key, return_index=True)
        summed = np.add.reduceat(values, start) if values.size else values
        keep = summed != 0.0
        unique, summed = unique[keep], summed[keep]
        col_of = unique // max(m, 1)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(col_of, minlength=n), out=indptr[1:])
        return cls((m, n), indptr, (unique % max(m, 1)).astype(np.int64), summed.astype(float))

    @classmethod
    def from_dense(cls, array: Any) -> "CSCMatrix":
        """Build from a 2-D array-like."""
        dense = np.atleast_2d(np.asarray(array, dtype=float))
        rows, cols = np.nonzero(dense.T)[::-1]
        return cls.from_coo(rows, cols, dense[rows, cols], dense.shape)

    @classmethod
    def empty(cls, m: int, n: int) -> "CSCMatrix":
        """An m x n matrix with no entries."""
        return cls((m, n), np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.int64), np.zeros(0))

    @property
    def nnz(self) -> int:
        """Number of stored (nonzero) entries."""
        return int(self.data.size)

    def column(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Row indices and values of column j."""
        lo, hi = self.indptr[j], self.indptr[j + 1]
        return self.indices[lo:hi], self.data[lo:hi]

    def to_coo(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Triplets (rows, cols, values) in column order."""
        cols = np.repeat(np.arange(self.shape[1]), np.diff(self.indptr))
        return self.indices.copy(), cols, self.data.copy()

    def to_dense(self) -> np.ndarray:
        """A dense copy."""
        out = np.zeros(self.shape)
        rows, cols, values = self.to_coo()
        out[rows, cols] = values
        return out

    def transpose(self) -> "CSCMatrix":
        """The n x m transpose, again in CSC form (i.e. this matrix's CSR arrays)."""
        rows, cols, values = self.to_coo()
        return CSCMatrix.from_coo(cols, rows, values, (self.shape[1], self.shape[0]))

    @property
    def T(self) -> "CSCMatrix":  # noqa: N802 - matches numpy
        return self.transpose()

    def matvec(self, x: np.ndarray) -> np.ndarray:
        """A @ x."""
        x = np.asarray(x, dtype=float)
        cols = np.repeat(np.arange(self.shape[1]), np.diff(self.indptr))
        return np.bincount(self.indices, weights=self.data * x[cols], minlength=self.shape[0])

    def rmatvec(self, y: np.ndarray) -> np.ndarray:
        """A.T @ y."""
        y = np.asarray(y, dtype=float)
        products = self.data * y[self.indices]
        if products.size == 0:
            return np.zeros(self.shape[1])
        sums = np.add.reduceat(np.append(products, 0.0), self.indptr[:-1])
        sums[np.diff(self.indptr) == 0] = 0.0
        return sums

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        return self.matvec(x)

    def select_columns(self, cols: Any) -> "CSCMatrix":
        """The submatrix of the given columns, in that order."""
        cols = np.asarray(cols, dtype=np.int64)
        counts = np.diff(self.indptr)[cols]
        indptr = np.zeros(cols.size + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        take = np.concatenate([np.arange(self.indptr[j], self.indptr[j + 1]) for j in cols]) \
            if cols.size else np.zeros(0, np.int64)
        return CSCMatrix((self.shape[0], cols.size), indptr, self.indices[take], self.data[take])

    def select_rows(self, rows: Any) -> "CSCMatrix":
        """The submatrix of the given rows, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        new_index = np.full(self.shape[0], -1, dtype=np.int64)
        new_index[rows] = np.arange(rows.size)
        r, c, v = self.to_coo()
        keep = new_index[r] >= 0
        return CSCMatrix.from_coo(new_index[r[keep]], c[keep], v[keep], (rows.size, self.shape[1]))


def as_csc(matrix: Any, name: str = "A") -> CSCMatrix:
    """Accept a CSCMatrix, anything with ``tocsc()`` (scipy.sparse), or a dense array-like."""
    if isinstance(matrix, CSCMatrix):
        return matrix
    if hasattr(matrix, "tocsc"):
        csc = matrix.tocsc()
        csc.sum_duplicates()
        csc.sort_indices()
        return CSCMatrix.from_coo(*_scipy_coo(csc), shape=csc.shape)
    array = np.asarray(matrix, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got an array of shape {array.shape}")
    return CSCMatrix.from_dense(array)


def _scipy_coo(csc: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cols = np.repeat(np.arange(csc.shape[1]), np.diff(csc.indptr))
    return np.asarray(csc.indices), cols, np.asarray(csc.data, dtype=float)
