"""Row and column names made only when asked for (a report, an LP file, a test).

A 10^6-column model would otherwise spend a second and ~100 MB on strings nobody reads.
`LazyNames` is a read-only sequence: ``names[k]`` formats one name from the family's key
codes; iterating formats them all, one at a time.

>>> from symopt.dsl.vectorize.frame import Universe
>>> universe = Universe()
>>> block = NameBlock("x", 0, 2, [universe.encode(["a", "b"])], None)
>>> list(LazyNames([block], universe, np.array([1, 0])))
['x[b]', 'x[a]']
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from symopt.dsl.vectorize.frame import Universe
from symopt.model.text import member_name

__all__ = ["NameBlock", "LazyNames"]


@dataclass
class NameBlock:
    """Names ``offset .. offset + size``: a family's key codes, or a list of ready names."""

    name: str
    offset: int
    size: int
    keys: list[np.ndarray] | None
    ready: list[str] | None = None

    def name_at(self, position: int, universe: Universe) -> str:
        if self.ready is not None:
            return self.ready[position]
        if self.keys is None:
            return self.name
        index = tuple(universe.elements[int(column[position])] for column in self.keys)
        return member_name(self.name, index)


class LazyNames(Sequence):
    """The names of the selected entries (``selected[k]`` is a global position)."""

    def __init__(self, blocks: list[NameBlock], universe: Universe, selected: np.ndarray):
        self._blocks = blocks
        self._starts = np.array([block.offset for block in blocks], dtype=np.int64)
        self._universe = universe
        self._selected = selected

    def __len__(self) -> int:
        return int(self._selected.size)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        position = int(self._selected[k])
        block = self._blocks[int(np.searchsorted(self._starts, position, side="right")) - 1]
        return block.name_at(position - block.offset, self._universe)

    def __iter__(self) -> Iterator[str]:
        for k in range(len(self)):
            yield self[k]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]
