"""The column of each variable in a row, found by identity with numpy.

A ``{VarData: column}`` dict over 10^6 columns costs about 60 MB (the table plus one int
object per column) and a hash probe per nonzero. Variables are found by their ``id``
instead: the columns' ids sorted once, each row's ids looked up with one vectorized binary
search. Nothing per variable outlives the extraction.

>>> from symopt.model.expr import VarData
>>> x, y, z = (VarData(name=n) for n in "xyz")
>>> index = ColumnIndex([x, y])
>>> index.find([z, y, x]).tolist()
[-1, 1, 0]
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["ColumnIndex", "ids_of"]


def ids_of(variables: Sequence) -> np.ndarray:
    """The ``id`` of each object as an int64 array (addresses fit in 63 bits)."""
    return np.fromiter(map(id, variables), dtype=np.int64, count=len(variables))


class ColumnIndex:
    """Columns ``0..n-1`` of ``columns``; ``find`` gives -1 for any other variable."""

    def __init__(self, columns: Sequence):
        ids = ids_of(columns)
        order = np.argsort(ids)
        self._order = order.astype(np.int32) if ids.size < 2**31 else order
        self._sorted = ids[order]

    def __len__(self) -> int:
        return self._sorted.size

    def find(self, variables: Sequence) -> np.ndarray:
        """The column of each variable (-1 where it is not a column)."""
        return self.find_ids(ids_of(variables))

    def find_ids(self, ids: np.ndarray) -> np.ndarray:
        """The column of each id (-1 where it is not a column's), as int32 when the columns
        fit; searched in chunks so the temporaries stay small."""
        out = np.empty(ids.shape, dtype=self._order.dtype)
        if not self._sorted.size:
            out.fill(-1)
            return out
        for start in range(0, ids.size, _CHUNK):
            part = ids[start:start + _CHUNK]
            position = np.searchsorted(self._sorted, part)
            position[position == self._sorted.size] = 0
            out[start:start + _CHUNK] = np.where(self._sorted[position] == part,
                                                 self._order[position], -1)
        return out


_CHUNK = 1 << 18
