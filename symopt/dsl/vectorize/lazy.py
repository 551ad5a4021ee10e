"""Python views of array families, made only if an element-wise family asks for them.

A family generated as arrays keeps its keys as code columns and a param its values as an
array; the element-wise builder, for a family it builds itself, wants ``key in keys`` and
``{key: value}``. `LazyKeys` and `LazyTable` give those, decoding the codes on first use.

>>> from symopt.dsl.vectorize.frame import Universe
>>> universe = Universe()
>>> table = LazyTable([universe.encode(["a", "b"])], np.array([1.0, 2.0]), universe)
>>> table["b"], "c" in table
(2.0, False)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from symopt.dsl.vectorize.frame import Universe

__all__ = ["LazyKeys", "LazyTable"]


class LazyKeys:
    """A family's keys as Python values, made only when an element-wise family needs them."""

    def __init__(self, columns: list[np.ndarray], universe: Universe):
        self._columns, self._universe, self._keys = columns, universe, None

    def _all(self) -> list:
        if self._keys is None:
            parts = [self._universe.decode(column).tolist() for column in self._columns]
            self._keys = parts[0] if len(parts) == 1 else list(zip(*parts))
        return self._keys

    def __iter__(self) -> Any:
        return iter(self._all())

    def __len__(self) -> int:
        return int(self._columns[0].size)

    def __contains__(self, key: Any) -> bool:
        if not isinstance(self._keys, frozenset):
            self._keys = frozenset(self._all())
        return key in self._keys


class LazyTable(dict):
    """A vectorized param's ``{key: value}`` for element-wise families, filled on first use."""

    def __init__(self, columns: list[np.ndarray], values: np.ndarray, universe: Universe):
        super().__init__()
        self._source: Any = (columns, values, universe)

    def _fill(self) -> None:
        if self._source is not None:
            columns, values, universe = self._source
            self._source = None
            keys = LazyKeys(columns, universe)._all()
            dict.update(self, zip(keys, values.tolist()))

    def __contains__(self, key: Any) -> bool:
        self._fill()
        return dict.__contains__(self, key)

    def __getitem__(self, key: Any) -> Any:
        self._fill()
        return dict.__getitem__(self, key)

    def __iter__(self) -> Any:
        self._fill()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._fill()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._fill()
        return dict.keys(self)

    def values(self) -> Any:
        self._fill()
        return dict.values(self)

    def items(self) -> Any:
        self._fill()
        return dict.items(self)

    def get(self, key: Any, default: Any = None) -> Any:
        self._fill()
        return dict.get(self, key, default)
