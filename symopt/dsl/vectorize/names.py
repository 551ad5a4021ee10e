"""Row and column names made only when asked for (a report, an LP file, a test).

A 10^6-column model would otherwise spend a second and ~100 MB on strings nobody reads.
`LazyNames` is a read-only sequence that formats every name, block by block, the first
time one is read (a solution or report that reads one name reads them all).

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

__all__ = ["NameBlock", "LazyNames"]


@dataclass
class NameBlock:
    """Names ``offset .. offset + size``: a family's key codes, or a list of ready names."""

    name: str
    offset: int
    size: int
    keys: list[np.ndarray] | None
    ready: list[str] | None = None

    def all_names(self, universe: Universe) -> list[str]:
        """Every name of the block, formatted like `member_name` does."""
        if self.ready is not None:
            return list(self.ready)
        if self.keys is None:
            return [self.name] * self.size
        texts = [list(map(str, universe.decode(column).tolist())) for column in self.keys]
        if len(texts) == 1:
            return [f"{self.name}[{a}]" for a in texts[0]]
        return [f"{self.name}[{','.join(parts)}]" for parts in zip(*texts)]


class LazyNames(Sequence):
    """The names of the selected entries (``selected[k]`` is a global position)."""

    def __init__(self, blocks: list[NameBlock], universe: Universe, selected: np.ndarray):
        self._blocks = blocks
        self._universe = universe
        self._selected = selected
        self._names: list[str] | None = None

    def _all(self) -> list[str]:
        if self._names is None:
            names: list[str] = []
            for block in self._blocks:
                names.extend(block.all_names(self._universe))
            if self._selected.size != len(names) or np.any(
                    self._selected != np.arange(len(names))):
                names = [names[k] for k in self._selected.tolist()]
            self._names = names
        return self._names

    def __len__(self) -> int:
        return int(self._selected.size)

    def __getitem__(self, k: Any) -> Any:
        return self._all()[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]
