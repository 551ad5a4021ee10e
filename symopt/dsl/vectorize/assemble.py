"""The `LinearProgram` of an `ArrayBuilder`: stack the families, keep the used columns.

Mirrors `symopt.compile.linear.extract_linear` on the element-wise model: columns are the
variables that appear (with a nonzero coefficient) in the objective or a row, in
declaration order; duplicate terms of a row are summed and zero terms dropped; a row or
objective left without terms, or a column with lower > upper, is the element-wise
builder's business (it reports them), so `assemble` returns None there.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.dsl.vectorize.names import LazyNames, NameBlock
from symopt.optimize.linear_program import LinearProgram

__all__ = ["assemble"]


def assemble(builder: Any) -> LinearProgram | None:
    """The LP of a built model, or None when the element-wise path must decide."""
    space = builder.columns
    n = space.size
    objective = builder.objective_arrays
    c = np.zeros(n)
    if objective is not None:
        c = np.bincount(objective.cols, weights=objective.coefs, minlength=n).astype(float)
        if not np.any(c):
            return None
    A, row_lower, row_upper, row_blocks = _stack_rows(builder.row_blocks, n)
    if A.shape[0] and np.bincount(A.indices, minlength=A.shape[0]).min() == 0:
        return None                          # a row without terms: the element-wise verdict
    used = np.flatnonzero((c != 0) | (np.diff(A.indptr) > 0))
    col_lower = _concat(space.lower)[used]
    col_upper = _concat(space.upper)[used]
    if np.any(col_lower > col_upper):
        return None
    integer = _concat(space.integer).astype(bool)[used]
    matrix = A if used.size == n else A[:, used]
    matrix.sort_indices()
    return LinearProgram(
        c=c[used], A=matrix, row_lower=row_lower, row_upper=row_upper, col_lower=col_lower,
        col_upper=col_upper, offset=objective.constant if objective else 0.0,
        sense=objective.sense if objective else "min",
        integrality=integer.astype(np.int8) if integer.any() else None,
        name=builder.model.name, objective_name=objective.name if objective else "obj",
        col_names=LazyNames(space.blocks, builder.universe, used),
        row_names=LazyNames(row_blocks, builder.universe, np.arange(A.shape[0])))


def _stack_rows(blocks: list, n: int) -> tuple[Any, np.ndarray, np.ndarray, list[NameBlock]]:
    offset = 0
    rows, names = [], []
    for block in blocks:
        block.names.offset = offset
        names.append(block.names)
        rows.append(block.rows + offset)
        offset += block.names.size
    m = offset
    if not blocks:
        return sp.csc_array((0, n)), np.zeros(0), np.zeros(0), names
    triplets = (_concat([b.coefs for b in blocks]),
                (_concat(rows), _concat([b.cols for b in blocks])))
    A = sp.csc_array(triplets, shape=(m, n))
    A.sum_duplicates()
    A.eliminate_zeros()
    lower = _concat([np.broadcast_to(b.lower, b.names.size) for b in blocks]).astype(float)
    upper = _concat([np.broadcast_to(b.upper, b.names.size) for b in blocks]).astype(float)
    return A, lower, upper, names


def _concat(arrays: list) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0)
