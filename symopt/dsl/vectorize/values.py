"""Values of `.opt` expressions over a whole frame: numbers, set elements, affine rows.

``Num``
    A float array with one value per frame row (params, numbers, index arithmetic).
``Elem``
    Element codes per frame row (an index name, a quoted or bare element name).
``Lin``
    One affine expression per frame row: terms as parallel arrays (frame row, global
    column, coefficient) plus a constant per row. Multiplying by a ``Num`` scales the
    coefficients by the value of their row; a ``sum`` maps rows to the outer frame.

Only what keeps a row affine is offered; anything else raises `Unsupported`, and the
family goes to the element-wise builder.

>>> a = Lin.single(np.arange(2), np.array([4, 5]), 2)
>>> b = a.scale(np.array([2.0, 3.0])).shift(np.array([1.0, 1.0]))
>>> b.coefs.tolist(), b.const.tolist()
([2.0, 3.0], [1.0, 1.0])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symopt.dsl.vectorize.frame import Unsupported

__all__ = ["Num", "Elem", "Lin", "sum_rows", "NamedRows"]


@dataclass
class Num:
    values: np.ndarray


@dataclass
class Elem:
    codes: np.ndarray


@dataclass
class Lin:
    rows: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray
    const: np.ndarray

    @classmethod
    def single(cls, rows: np.ndarray, cols: np.ndarray, size: int) -> "Lin":
        """One variable per row with coefficient 1."""
        return cls(rows, cols, np.ones(cols.size), np.zeros(size))

    def scale(self, factor: np.ndarray) -> "Lin":
        return Lin(self.rows, self.cols, self.coefs * factor[self.rows], self.const * factor)

    def shift(self, constant: np.ndarray) -> "Lin":
        return Lin(self.rows, self.cols, self.coefs, self.const + constant)

    def negate(self) -> "Lin":
        return Lin(self.rows, self.cols, -self.coefs, -self.const)

    def plus(self, other: "Lin") -> "Lin":
        return Lin(np.concatenate([self.rows, other.rows]), np.concatenate([self.cols, other.cols]),
                   np.concatenate([self.coefs, other.coefs]), self.const + other.const)


def sum_rows(value: "Num | Lin", parent: np.ndarray, size: int) -> "Num | Lin":
    """Add the rows of an inner frame into their outer rows (``parent`` maps them)."""
    if isinstance(value, Num):
        return Num(np.bincount(parent, weights=value.values, minlength=size).astype(float))
    if isinstance(value, Lin):
        const = np.bincount(parent, weights=value.const, minlength=size).astype(float)
        return Lin(parent[value.rows], value.cols, value.coefs, const)
    raise Unsupported("a sum of set elements")


class NamedRows:
    """A named expression's value per member (``expr NAME[...] = ...``), ready to be taken
    row by row: numbers as an array, affine rows with their terms grouped by member."""

    def __init__(self, value: "Num | Lin", size: int):
        if isinstance(value, Lin):
            order = np.argsort(value.rows, kind="stable")
            self.cols, self.coefs = value.cols[order], value.coefs[order]
            self.indptr = np.zeros(size + 1, dtype=np.int64)
            np.cumsum(np.bincount(value.rows, minlength=size), out=self.indptr[1:])
            self.const = np.broadcast_to(value.const, size)
            self.numbers = None
        else:
            self.numbers = np.broadcast_to(value.values, size)

    def take(self, where: np.ndarray) -> "Num | Lin":
        """The value of members ``where`` (one per frame row)."""
        if self.numbers is not None:
            return Num(self.numbers[where])
        counts = self.indptr[where + 1] - self.indptr[where]
        rows = np.repeat(np.arange(where.size, dtype=np.int64), counts)
        firsts = np.repeat(self.indptr[where] - (np.cumsum(counts) - counts), counts)
        entries = firsts + np.arange(int(counts.sum()), dtype=np.int64)
        return Lin(rows, self.cols[entries], self.coefs[entries], self.const[where].copy())
