"""Index sets and variable domains.

A :class:`Set` is ordered (declaration order, duplicates dropped), may be
multi-dimensional (its members are tuples) and may be filtered. ``RangeSet(n)`` is
``1..n`` and ``RangeSet(a, b)`` is ``a..b`` inclusive, as in Pyomo. ``A * B`` is the
ordered cross product. Domains say which values a variable may take.

>>> I = Set(initialize=["a", "b", "a"])
>>> list(I), len(I), "b" in I
(['a', 'b'], 2, True)
>>> list(RangeSet(3) * Set(initialize=["u"]))
[(1, 'u'), (2, 'u'), (3, 'u')]
>>> Binary.lower, Binary.upper, Binary.integer
(0.0, 1.0, True)
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from symopt.errors import ModelError
from symopt.model.component import Component, index_members

__all__ = [
    "Domain", "Reals", "NonNegativeReals", "NonPositiveReals", "Integers",
    "NonNegativeIntegers", "Binary", "Set", "RangeSet",
]


@dataclass(frozen=True)
class Domain:
    """Which values a variable may take: implied bounds and integrality."""

    name: str
    lower: float | None
    upper: float | None
    integer: bool

    def __repr__(self) -> str:
        return self.name


Reals = Domain("Reals", None, None, False)
NonNegativeReals = Domain("NonNegativeReals", 0.0, None, False)
NonPositiveReals = Domain("NonPositiveReals", None, 0.0, False)
Integers = Domain("Integers", None, None, True)
NonNegativeIntegers = Domain("NonNegativeIntegers", 0.0, None, True)
Binary = Domain("Binary", 0.0, 1.0, True)


class Set(Component):
    """An ordered index set; ``initialize`` is an iterable or ``rule(model)``.

    ``filter(model, *member)`` keeps the members for which it returns True.
    """

    def __init__(self, *product: Any, initialize: Any = None, filter: Callable | None = None,
                 doc: str = "", name: str = ""):
        super().__init__(doc)
        self._cname = name
        self._product = product
        self._initialize = initialize
        self._filter = filter
        self._members: list = []
        self._lookup: set = set()
        if not callable(initialize) and not _needs_model(filter):
            self._fill(None)

    kind = "set"

    def _attach(self, model: Any, name: str) -> None:
        super()._attach(model, name)
        if callable(self._initialize) or _needs_model(self._filter):
            self._fill(model)

    def _fill(self, model: Any) -> None:
        source = self._initialize
        if callable(source):
            source = source(model)
        if source is None:
            source = itertools.product(*map(index_members, self._product)) if self._product else ()
            if len(self._product) == 1:
                source = (member[0] for member in source)
        members: list = []
        seen: set = set()
        for member in source:
            member = tuple(member) if isinstance(member, list) else member
            if member in seen:
                continue
            if self._filter is not None and not self._keep(model, member):
                continue
            seen.add(member)
            members.append(member)
        self._members, self._lookup = members, seen

    def _keep(self, model: Any, member: Any) -> bool:
        args = member if isinstance(member, tuple) else (member,)
        return bool(self._filter(model, *args))

    @property
    def dimen(self) -> int:
        """Members' length (1 for plain members, 0 for an empty set)."""
        if not self._members:
            return 0
        first = self._members[0]
        return len(first) if isinstance(first, tuple) else 1

    def __iter__(self) -> Iterator:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, member: Any) -> bool:
        return member in self._lookup

    def __getitem__(self, position: int) -> Any:
        """The member at 1-based ``position`` (Pyomo's convention)."""
        if not 1 <= position <= len(self._members):
            raise ModelError(f"set '{self.name}' has {len(self._members)} members; "
                             f"position {position} is out of range 1..{len(self._members)}")
        return self._members[position - 1]

    def first(self) -> Any:
        return self[1]

    def last(self) -> Any:
        return self[len(self._members)]

    def ord(self, member: Any) -> int:
        """1-based position of ``member``."""
        if member not in self._lookup:
            raise ModelError(f"{member!r} is not a member of set '{self.name}'")
        return self._members.index(member) + 1

    def __mul__(self, other: Any) -> "Set":
        members = [_flat(a) + _flat(b) for a in self for b in index_members(other)]
        return Set(initialize=members, name=f"{self.name}*{getattr(other, 'name', '')}")

    def __repr__(self) -> str:
        head = ", ".join(map(repr, self._members[:5]))
        more = ", ..." if len(self._members) > 5 else ""
        return f"Set({self.name or '?'}: [{head}{more}])"


class RangeSet(Set):
    """``RangeSet(n)`` is 1..n; ``RangeSet(a, b, step=1)`` is a..b inclusive."""

    def __init__(self, first: int, last: int | None = None, step: int = 1, **kwargs: Any):
        if last is None:
            first, last = 1, first
        if step == 0:
            raise ModelError("RangeSet step must not be zero")
        stop = last + (1 if step > 0 else -1)
        super().__init__(initialize=list(range(int(first), int(stop), int(step))), **kwargs)


def _flat(member: Any) -> tuple:
    return member if isinstance(member, tuple) else (member,)


def _needs_model(function: Callable | None) -> bool:
    return function is not None
