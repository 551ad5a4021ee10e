"""Index sets as integer arrays: the element universe, index frames and key look-ups.

Every set element a model mentions gets one integer code in a `Universe` (1 and 1.0 share
a code, as they share a dict key in the element-wise builder). An index list such as
``[i in PLANTS, j in MARKETS : cond]`` becomes a `Frame`: one row per member, one code
array per bound index name, and the key's parts in order. Joins (``sum(j in J)``) repeat
the outer rows and tile the inner set, which is exactly ``itertools.product``'s order, so
rows come out in the element-wise builder's order.

A family's keys (a variable's or an indexed param's) are located with a `KeyIndex`: each
key position is coded densely, the codes are combined into one integer, and a look-up is
a direct index (full products in order) or a binary search.

>>> universe = Universe()
>>> frame = Frame.unit().join(universe.encode_set([1, 2]), ["t"])
>>> frame.size, universe.decode(frame.names["t"]).tolist()
(2, [1, 2])
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

__all__ = ["Unsupported", "Universe", "Frame", "KeyIndex"]


class Unsupported(Exception):
    """The vectorized path cannot express this family; the element-wise path builds it."""


def _as_number(element: Any) -> float:
    if isinstance(element, (int, float)) and not isinstance(element, bool):
        return float(element)
    return math.nan


class Universe:
    """Integer codes for set elements (strings, ints, floats), shared by the whole model."""

    def __init__(self) -> None:
        self.elements: list = []
        self.code_of: dict = {}
        self._numeric: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def code(self, element: Any) -> int:
        """The code of one element (a new code for an element not seen before)."""
        found = self.code_of.get(element)
        if found is None:
            found = self.code_of[element] = len(self.elements)
            self.elements.append(element)
            self._numeric = None
        return found

    def encode(self, elements: Sequence) -> np.ndarray:
        """Codes of a list of scalar elements."""
        code = self.code
        return np.fromiter((code(element) for element in elements), dtype=np.int64,
                           count=len(elements))

    def encode_set(self, elements: Sequence) -> list[np.ndarray]:
        """A set's members as key columns (one per tuple position); Unsupported if ragged."""
        if not elements:
            return [np.zeros(0, dtype=np.int64)]
        first = elements[0]
        if not isinstance(first, tuple):
            if any(isinstance(element, tuple) for element in elements):
                raise Unsupported("a set mixing tuples and single elements")
            return [self.encode(elements)]
        arity = len(first)
        if any(not isinstance(e, tuple) or len(e) != arity for e in elements):
            raise Unsupported("a set of tuples of different lengths")
        return [self.encode([e[k] for e in elements]) for k in range(arity)]

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """The elements of ``codes`` as an object array."""
        table = np.empty(len(self.elements), dtype=object)
        table[:] = self.elements
        return table[codes]

    def numbers(self, codes: np.ndarray) -> np.ndarray:
        """The numeric value of each element (NaN for text)."""
        return self._tables()[0][codes]

    def codes_of_numbers(self, values: np.ndarray) -> np.ndarray:
        """The code of the element equal to each number, -1 where no element is."""
        _, ordered, ordered_codes = self._tables()
        values = np.asarray(values, dtype=float)
        if ordered.size == 0:
            return np.full(values.shape, -1, dtype=np.int64)
        where = np.clip(np.searchsorted(ordered, values), 0, ordered.size - 1)
        return np.where(ordered[where] == values, ordered_codes[where], -1)

    def _tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._numeric is None:
            numeric = np.fromiter((_as_number(e) for e in self.elements), dtype=float,
                                  count=len(self.elements))
            codes = np.flatnonzero(~np.isnan(numeric))
            order = np.argsort(numeric[codes], kind="stable")
            self._numeric = (numeric, numeric[codes][order], codes[order])
        return self._numeric


@dataclass
class Frame:
    """The members of an index list: codes per bound name and the key's parts, row-aligned."""

    size: int
    names: dict[str, np.ndarray] = field(default_factory=dict)
    parts: list[np.ndarray] = field(default_factory=list)
    sets: dict[str, Any] = field(default_factory=dict)    # index name -> its set expression

    @classmethod
    def unit(cls) -> "Frame":
        """One row and no names: the scope of an unindexed statement."""
        return cls(1)

    def join(self, columns: list[np.ndarray], names: list[str | None]) -> "Frame":
        """Every row combined with every member of a set (outer rows vary slowest)."""
        inner = columns[0].size
        outer = self.size
        grown = {name: np.repeat(codes, inner) for name, codes in self.names.items()}
        new_columns = [np.tile(column, outer) for column in columns]
        for name, column in zip(names, new_columns):
            if name is not None:
                grown[name] = column
        parts = [np.repeat(part, inner) for part in self.parts] + new_columns
        return Frame(outer * inner, grown, parts, dict(self.sets))

    def parent(self, inner: int) -> np.ndarray:
        """For a join with a set of ``inner`` members: the outer row of each new row."""
        return np.repeat(np.arange(self.size, dtype=np.int64), inner)

    def select(self, mask: np.ndarray) -> "Frame":
        """The rows where ``mask`` is True."""
        return Frame(int(mask.sum()), {n: c[mask] for n, c in self.names.items()},
                     [part[mask] for part in self.parts], self.sets)


class KeyIndex:
    """Position of a key among a family's keys (given as code columns), by array look-up."""

    def __init__(self, columns: list[np.ndarray], universe_size: int):
        self.arity = len(columns)
        self.size = int(columns[0].size) if columns else 1
        self.luts: list[np.ndarray] = []
        strides: list[int] = []
        total = 1
        for column in columns:
            present = np.zeros(universe_size, dtype=bool)
            present[column] = True
            lut = np.full(universe_size, -1, dtype=np.int64)
            members = np.flatnonzero(present)
            lut[members] = np.arange(members.size)
            self.luts.append(lut)
            strides.append(members.size)
            total *= max(members.size, 1)
        if total >= 2 ** 62:
            raise Unsupported("a family's key space is too large to code in 64 bits")
        self.radix = strides
        composite = self._combine([lut[column] for lut, column in zip(self.luts, columns)])
        self.direct = bool(np.array_equal(composite, np.arange(self.size)))
        if not self.direct:
            order = np.argsort(composite, kind="stable")
            self.sorted, self.positions = composite[order], order

    def _combine(self, local: list[np.ndarray]) -> np.ndarray:
        composite = np.zeros(local[0].shape if local else (), dtype=np.int64)
        for codes, radix in zip(local, self.radix):
            composite = composite * radix + codes
        return composite

    def lookup(self, keys: list[np.ndarray]) -> np.ndarray:
        """Positions of the keys (code arrays, one per part); Unsupported if one is absent."""
        if len(keys) != self.arity:
            raise Unsupported("a subscript with the wrong number of positions")
        local = []
        for lut, codes in zip(self.luts, keys):
            if codes.size and (codes.min() < 0 or codes.max() >= lut.size):
                raise Unsupported("a key outside the family's index set")
            mapped = lut[codes]
            if mapped.size and mapped.min() < 0:
                raise Unsupported("a key outside the family's index set")
            local.append(mapped)
        composite = self._combine(local)
        if self.direct:
            return composite
        where = np.clip(np.searchsorted(self.sorted, composite), 0, max(self.size - 1, 0))
        if self.size == 0 or np.any(self.sorted[where] != composite):
            raise Unsupported("a key outside the family's index set")
        return self.positions[where]
