"""The column of each variable in a row, found by identity with numpy.

A ``{VarData: column}`` dict over 10^6 columns costs about 60 MB (the table plus one int
object per column) and a hash probe per nonzero. Variables are found by identity
instead: the columns' object pointers sorted once, each row's looked up with one vectorized
binary search. Nothing per variable outlives the extraction.

>>> from symopt.model.expr import VarData
>>> x, y, z = (VarData(name=n) for n in "xyz")
>>> index = ColumnIndex([x, y])
>>> index.find([z, y, x]).tolist()
[-1, 1, 0]
"""
from __future__ import annotations

import ctypes
from typing import Sequence

import numpy as np

__all__ = ["ColumnIndex", "ids_of", "all_distinct"]


def ids_of(objects: Sequence) -> np.ndarray:
    """Each object's identity as an int64 array: the object pointers a numpy object array
    holds (what ``id`` returns in CPython), copied out without a Python call per object."""
    n = len(objects)
    if not n:
        return np.zeros(0, dtype=np.int64)
    holder = np.fromiter(objects, dtype=object, count=n)
    pointers = (ctypes.c_ssize_t * n).from_address(holder.ctypes.data)
    return np.ctypeslib.as_array(pointers).astype(np.int64)


def all_distinct(objects: list) -> bool:
    """Whether no object is in ``objects`` twice (by identity); a long list is checked by
    sorting its pointers, which needs far less memory than a set (32 MB at 10^6 items)."""
    if len(objects) < _SORT_FROM:
        return len(set(objects)) == len(objects)
    ids = np.sort(ids_of(objects), kind="stable")   # made one after another: nearly sorted
    return not (ids[1:] == ids[:-1]).any()


_SORT_FROM = 1 << 14


class ColumnIndex:
    """Columns ``0..n-1`` of ``columns``; ``find`` gives -1 for any other variable."""

    def __init__(self, columns: Sequence):
        ids = ids_of(columns)
        order = np.argsort(ids, kind="stable")   # objects made one after another: nearly sorted
        self._order = order.astype(np.int32) if ids.size < 2**31 else order
        self._sorted = ids[order]

    @property
    def dtype(self) -> np.dtype:
        """The integer type of the columns ``find`` returns (int32 when they fit)."""
        return self._order.dtype

    def __len__(self) -> int:
        return self._sorted.size

    def find(self, variables: Sequence) -> np.ndarray:
        """The column of each variable (-1 where it is not a column), found in chunks so
        the temporaries stay small."""
        out = np.full(len(variables), -1, dtype=self._order.dtype)
        if not self._sorted.size:
            return out
        for start in range(0, len(variables), _CHUNK):
            ids = ids_of(variables[start:start + _CHUNK])
            position = np.searchsorted(self._sorted, ids)
            position[position == self._sorted.size] = 0
            out[start:start + _CHUNK] = np.where(self._sorted[position] == ids,
                                                 self._order[position], -1)
        return out


_CHUNK = 1 << 16
