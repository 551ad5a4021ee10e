"""Index sets and variable domains.

A :class:`Set` is ordered (declaration order, duplicates dropped), may be
multi-dimensional (its members are tuples) and may be filtered. ``RangeSet(n)`` is
``1..n`` and ``RangeSet(a, b)`` is ``a..b`` inclusive, as in Pyomo. ``A * B`` is the
ordered cross product, ``A | B``, ``A & B`` and ``A - B`` union, intersection and
difference (in ``A``'s order). ``first/last/ord/prev/next`` (and ``prevw/nextw``, which
wrap around) use the order; stepping off an end is an error. ``Set(m.N, initialize=rule)``
is an indexed set as in Pyomo: ``rule(m, k)`` gives the members of ``m.S[k]``. Domains say
which values a variable may take.

>>> I = Set(initialize=["a", "b", "a"])
>>> list(I), len(I), "b" in I
(['a', 'b'], 2, True)
>>> list(RangeSet(3) * Set(initialize=["u"]))
[(1, 'u'), (2, 'u'), (3, 'u')]
>>> M = Set(initialize=["jan", "feb", "mar"])
>>> M.prev("feb"), M.nextw("mar"), list(M - Set(initialize=["feb"]))
('jan', 'jan', ['jan', 'mar'])
>>> Binary.lower, Binary.upper, Binary.integer
(0.0, 1.0, True)
"""
from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from symopt.errors import ModelError
from symopt.model.component import Component, index_members

__all__ = [
    "Domain", "Reals", "NonNegativeReals", "NonPositiveReals", "Integers",
    "NonNegativeIntegers", "Binary", "Set", "IndexedSet", "RangeSet",
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

    ``filter(model, *member)`` keeps the members for which it returns True. With index
    sets and a rule or dict, ``Set(m.N, initialize=rule)`` is an `IndexedSet`.
    """

    def __new__(cls, *product: Any, **kwargs: Any) -> Any:
        initialize = kwargs.get("initialize")
        if cls is Set and product and (callable(initialize) or isinstance(initialize, dict)):
            return IndexedSet(*product, **kwargs)
        return super().__new__(cls)

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
        try:
            return member in self._lookup
        except TypeError:                 # an unhashable value (a list, an array) is no member
            return False

    def __getitem__(self, position: int) -> Any:
        """The member at 1-based ``position`` (Pyomo's convention)."""
        if (isinstance(position, bool) or not isinstance(position, numbers.Integral)
                or not 1 <= position <= len(self._members)):
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
        if getattr(self, "_positions", None) is None or len(self._positions) != len(self):
            self._positions = {m: k for k, m in enumerate(self._members, start=1)}
        return self._positions[member]

    def prev(self, member: Any, steps: int = 1) -> Any:
        """The member ``steps`` before ``member``; an error before the first one."""
        return self._step(member, -steps, wrap=False, word="prev")

    def next(self, member: Any, steps: int = 1) -> Any:
        """The member ``steps`` after ``member``; an error after the last one."""
        return self._step(member, steps, wrap=False, word="next")

    def prevw(self, member: Any, steps: int = 1) -> Any:
        """Like `prev`, wrapping around from the first member to the last."""
        return self._step(member, -steps, wrap=True, word="prevw")

    def nextw(self, member: Any, steps: int = 1) -> Any:
        """Like `next`, wrapping around from the last member to the first."""
        return self._step(member, steps, wrap=True, word="nextw")

    def _step(self, member: Any, steps: int, wrap: bool, word: str) -> Any:
        target = self.ord(member) - 1 + steps
        if wrap:
            return self._members[target % len(self._members)]
        if not 0 <= target < len(self._members):
            end = "first" if steps < 0 else "last"
            raise ModelError(f"{word}({member!r}) steps past the {end} member of set "
                             f"'{self.name}'; test 'member == S.{end}()' first, or use "
                             f"{word}w() to wrap around")
        return self._members[target]

    def __mul__(self, other: Any) -> "Set":
        members = [_flat(a) + _flat(b) for a in self for b in index_members(other)]
        return Set(initialize=members, name=f"{self.name}*{getattr(other, 'name', '')}")

    def __or__(self, other: Any) -> "Set":
        return Set(initialize=[*self, *index_members(other)], name=self._op_name("|", other))

    def __and__(self, other: Any) -> "Set":
        keep = set(index_members(other))
        return Set(initialize=[m for m in self if m in keep], name=self._op_name("&", other))

    def __sub__(self, other: Any) -> "Set":
        drop = set(index_members(other))
        return Set(initialize=[m for m in self if m not in drop], name=self._op_name("-", other))

    def _op_name(self, op: str, other: Any) -> str:
        return f"{self.name}{op}{getattr(other, 'name', '')}"

    def __repr__(self) -> str:
        head = ", ".join(map(repr, self._members[:5]))
        more = ", ..." if len(self._members) > 5 else ""
        return f"Set({self.name or '?'}: [{head}{more}])"


class IndexedSet(Component):
    """A family of ordered sets ``S[k]``, one per member of its index sets (Pyomo's
    ``Set(m.N, initialize=rule)``): ``rule(model, *k)`` or a dict gives each member's list."""

    kind = "set"

    def __init__(self, *index: Any, initialize: Any = None, doc: str = "", name: str = "",
                 **unused: Any):
        super().__init__(doc)
        if unused:
            raise ModelError(f"an indexed Set takes index sets and initialize=, not "
                             f"{', '.join(unused)}")
        self._index, self._initialize, self._sets = index, initialize, {}

    def _attach(self, model: Any, name: str) -> None:
        from symopt.model.component import IndexedComponent, call_rule
        super()._attach(model, name)
        for key in IndexedComponent(*self._index).index_keys():
            source = self._initialize
            members = (source.get(key, ()) if isinstance(source, dict)
                       else call_rule(source, model, key, f"set '{name}'"))
            member_set = Set(initialize=list(members))
            member_set._cname = f"{name}[{key}]"
            self._sets[key] = member_set

    def __getitem__(self, key: Any) -> Set:
        try:
            return self._sets[key]
        except (KeyError, TypeError):     # unknown, or unhashable (a list, an array)
            raise ModelError(f"{key!r} is not in the index of set '{self.name}'") from None

    def __iter__(self) -> Iterator:
        return iter(self._sets)

    def __len__(self) -> int:
        return len(self._sets)

    def __repr__(self) -> str:
        return f"IndexedSet({self.name or '?'}: {len(self._sets)} sets)"


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
