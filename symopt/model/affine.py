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
>>> terms.places.tolist(), terms.ends.tolist(), terms.used.tolist()
([0, 1, 1, 0], [0, 2, 4], [True, True, False])
>>> terms.coefficients(1, 2).tolist()
[1.0, -3.0]
>>> terms.assign_columns(np.array([False, True, False]))   # x fixed: y is column 0
>>> terms.places.tolist()
[-1, 0, 0, -1]
"""
from __future__ import annotations

import itertools
from operator import itemgetter
from typing import Any, Iterable, Sequence

import numpy as np

from symopt.model.column_index import ColumnIndex
from symopt.model.expr import LinearExpr

__all__ = ["AffineTerms"]


class AffineTerms:
    """The terms of ``parts`` (LinearExprs: the objective's affine part, then each row's),
    located among ``variables`` (the model's, in declaration order).

    Part ``p`` holds terms ``ends[p]:ends[p + 1]``; ``used[i]`` tells whether a term (or
    ``more``: the nonlinear terms' variables) uses ``variables[i]``. ``places[k]`` is the
    place of the k-th term's variable in ``variables`` (-1 for one that is not among them)
    until `assign_columns` makes it the term's column.
    """

    __slots__ = ("variables", "parts", "places", "ends", "used", "_coefs")

    def __init__(self, variables: Sequence, parts: Sequence[LinearExpr], more: Iterable = ()):
        self.variables = variables
        self.parts = parts
        index = ColumnIndex(variables)
        flats = list(map(LinearExpr._flat, parts))   # (variables, coefficients) per part
        self._coefs = list(map(itemgetter(1), flats))
        variables_of_parts = list(map(itemgetter(0), flats))
        del flats   # a tuple per part (36 MB at 5 * 10^5 rows)
        self.places, self.ends = _located(variables_of_parts, index)
        self.used = np.zeros(len(variables), dtype=bool)
        self.used[self.places[self.places >= 0]] = True
        more = list(more)
        if more:
            found = index.find(more)
            self.used[found[found >= 0]] = True

    def assign_columns(self, is_column: np.ndarray) -> None:
        """Make ``places`` the terms' columns: the variables where ``is_column`` holds are
        the columns, in order; a term of any other variable gets -1."""
        column_of = np.full(len(self.variables) + 1, -1, dtype=self.places.dtype)   # [-1]: -1
        column_of[:-1][is_column] = np.arange(np.count_nonzero(is_column))
        self.places[:] = column_of[self.places]

    def part_variables(self, p: int) -> list:
        """The variables of part ``p``, in term order."""
        return self.parts[p]._flat()[0]

    def coefficients(self, first: int, last: int) -> np.ndarray:
        """The coefficients of the terms of parts ``first`` to ``last - 1``, in term order,
        gathered in one pass (a part without coefficients has all ones)."""
        ends = self.ends[first:last + 1]
        coefs = self._coefs[first:last]
        if coefs.count(None) == len(coefs):
            return np.ones(ends[-1] - ends[0])
        sizes = np.diff(ends).tolist()
        return np.fromiter(itertools.chain.from_iterable(map(_or_ones, coefs, sizes)),
                           dtype=float, count=ends[-1] - ends[0])


def _or_ones(coefs: Any, size: int) -> Any:
    return itertools.repeat(1.0, size) if coefs is None else coefs


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
