"""Geometric row/column scaling of an LP matrix, rounded to powers of two.

A few passes of ``r_i = 1/sqrt(min_j |a_ij| * max_j |a_ij|)`` over rows and the same
over columns bring the entries of badly scaled LPs near 1, which keeps the simplex
tolerances meaningful. Powers of two make scaling and unscaling exact in floating point.

>>> from symopt.optimize.linear_program import as_csc
>>> A = as_csc([[1000.0, 2000.0], [0.001, 0.004]])
>>> rows, cols = geometric_scaling(A)
>>> scaled = scale_matrix(A, rows, cols).toarray()
>>> bool(abs(np.log2(np.abs(scaled))).max() <= 1.5)
True
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from symopt.optimize.linear_program import triplets

__all__ = ["geometric_scaling", "scale_matrix"]


def geometric_scaling(A: sp.csc_array, passes: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Row and column factors (powers of two) so that ``diag(r) A diag(c)`` is well scaled."""
    m, n = A.shape
    row_scale, col_scale = np.ones(m), np.ones(n)
    if A.nnz == 0:
        return row_scale, col_scale
    rows, cols, values = triplets(A)
    magnitude = np.abs(values)
    for _ in range(passes):
        current = magnitude * row_scale[rows] * col_scale[cols]
        row_scale /= _geometric_middle(current, rows, m)
        current = magnitude * row_scale[rows] * col_scale[cols]
        col_scale /= _geometric_middle(current, cols, n)
    return _power_of_two(row_scale), _power_of_two(col_scale)


def _geometric_middle(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    big = np.zeros(size)
    small = np.full(size, np.inf)
    np.maximum.at(big, groups, values)
    np.minimum.at(small, groups, values)
    empty = big == 0.0
    middle = np.sqrt(np.where(empty, 1.0, big) * np.where(empty, 1.0, small))
    return middle


def _power_of_two(scale: np.ndarray) -> np.ndarray:
    return np.exp2(np.clip(np.round(np.log2(scale)), -60, 60))


def scale_matrix(A: sp.csc_array, row_scale: np.ndarray, col_scale: np.ndarray) -> sp.csc_array:
    """``diag(row_scale) A diag(col_scale)`` with the same sparsity pattern."""
    cols = np.repeat(np.arange(A.shape[1]), np.diff(A.indptr))
    data = A.data * row_scale[A.indices] * col_scale[cols]
    return sp.csc_array((data, A.indices, A.indptr), shape=A.shape)
