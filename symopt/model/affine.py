"""Every affine term of a model's objective and rows at once, as arrays.

A linear model at 10^6 variables has millions of terms. Analysis needs to know which
variables they use and extraction needs each term's column; both read the same lists of
the objective's and the rows' ``LinearExpr`` (each variable once, see ``LinearExpr._flat``).
:class:`AffineTerms` flattens those lists once and finds every term's variable among the
model's variables with one vectorized search (``ColumnIndex``), so neither stage builds a
set or a dict of variables, and extraction reuses analysis's search.

>>> from symopt.model.expr import VarData
>>> x, y, z = (VarData(name=n) for n in "xyz")
>>> terms = AffineTerms([x, y, z], [2 * x + y, y - 3 * x])
>>> terms.positions.tolist(), terms.ends.tolist(), terms.used.tolist()
([0, 1, 1, 0], [0, 2, 4], [True, True, False])
>>> terms.columns().tolist(), terms.coefficients().tolist()
([0, 1, 1, 0], [2.0, 1.0, 1.0, -3.0])
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from symopt.model.column_index import ColumnIndex
from symopt.model.expr import LinearExpr

__all__ = ["AffineTerms"]


class AffineTerms:
    """The terms of ``parts`` (LinearExprs: the objective's affine part, then each row's),
    located among ``variables`` (the model's, in declaration order).

    ``positions[k]`` is the place in ``variables`` of the k-th term's variable (-1 for a
    variable that is not among them); part ``p`` holds terms ``ends[p]:ends[p + 1]``;
    ``used[i]`` tells whether a term (or ``more``: the nonlinear terms' variables) uses
    ``variables[i]``. ``column_positions`` is set by analysis: the places of the columns.
    """

    __slots__ = ("variables", "parts", "positions", "ends", "used", "column_positions")

    def __init__(self, variables: Sequence, parts: Sequence[LinearExpr], more: Iterable = ()):
        self.variables = variables
        self.parts = parts
        index = ColumnIndex(variables)
        self.positions, self.ends = _located([part._flat()[0] for part in parts], index)
        self.used = np.zeros(len(variables), dtype=bool)
        self.used[self.positions[self.positions >= 0]] = True
        more = list(more)
        if more:
            found = index.find(more)
            self.used[found[found >= 0]] = True
        self.column_positions = np.flatnonzero(self.used)

    def columns(self) -> np.ndarray:
        """Every term's column (its variable's place among ``variables[column_positions]``),
        -1 for a term whose variable is no column (fixed, or not a model variable)."""
        column_of = np.full(len(self.variables) + 1, -1, dtype=self.positions.dtype)   # [-1]: -1
        column_of[self.column_positions] = np.arange(len(self.column_positions))
        return column_of[self.positions]

    def part_variables(self, p: int) -> list:
        """The variables of part ``p``, in term order."""
        return self.parts[p]._flat()[0]

    def coefficients(self) -> np.ndarray:
        """Every term's coefficient, in term order."""
        values = np.ones(self.ends[-1])
        for part, start, end in zip(self.parts, self.ends.tolist(), self.ends[1:].tolist()):
            coefs = part._flat()[1]
            if coefs is not None:
                values[start:end] = coefs
        return values


def _located(lists: list[list], index: ColumnIndex) -> tuple[np.ndarray, np.ndarray]:
    """The place in ``index`` of every item of ``lists`` (flattened), and where each list
    ends; located a batch of lists at a time (no list of all the items at once)."""
    ends = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(list(map(len, lists)), out=ends[1:])
    positions = np.empty(ends[-1], dtype=index.dtype)
    batch: list = []
    start = 0
    for items in [*lists, None]:   # None: the end, locate what is left
        if items is not None:
            batch.extend(items)
        if batch and (len(batch) >= _BATCH or items is None):
            positions[start:start + len(batch)] = index.find(batch)
            start += len(batch)
            batch = []
    return positions, ends


_BATCH = 1 << 16
