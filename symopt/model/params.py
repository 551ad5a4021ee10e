"""Param: numeric data, scalar or indexed.

An indexed Param is a read-only ``dict`` from index key to float (like ``IndexedVar``), so
``m.cost[i, j]`` inside a rule is a C-level lookup: a 10^6-term objective reads it 10^6
times. A dict initializer is checked with whole-collection operations (types, finiteness,
membership of each key's parts in the index sets) instead of a Python loop per key, and
the index is never listed when the dict covers it.

>>> from symopt.model.sets import Set
>>> from symopt.model.model import Model
>>> m = Model()
>>> m.I = Set(initialize=["a", "b"])
>>> m.p = Param(m.I, m.I, initialize={(i, j): 1.0 for i in m.I for j in m.I})
>>> m.p["a", "b"], type(m.p).__name__, ("a", "c") in m.p
(1.0, 'IndexedParam', False)
"""
from __future__ import annotations

import math
import warnings
from collections.abc import MutableMapping
from operator import itemgetter
from typing import Any, Callable, Iterator

import numpy as np

from symopt.errors import ModelError
from symopt.model.arrays import value_array
from symopt.model.component import (
    _RULES_RUNNING, IndexedComponent, call_rule, in_rule, index_members,
)
from symopt.model.expr import is_number

__all__ = ["Param", "IndexedParam"]


class _NumberLike:
    """Arithmetic and comparisons on a scalar component forward to ``_as_operand()``."""

    __hash__ = object.__hash__

    def _as_operand(self) -> Any:
        raise NotImplementedError

    def __add__(self, other: Any) -> Any:
        return self._as_operand() + other

    def __radd__(self, other: Any) -> Any:
        return other + self._as_operand()

    def __sub__(self, other: Any) -> Any:
        return self._as_operand() - other

    def __rsub__(self, other: Any) -> Any:
        return other - self._as_operand()

    def __mul__(self, other: Any) -> Any:
        return self._as_operand() * other

    def __rmul__(self, other: Any) -> Any:
        return other * self._as_operand()

    def __truediv__(self, other: Any) -> Any:
        return self._as_operand() / other

    def __rtruediv__(self, other: Any) -> Any:
        return other / self._as_operand()

    def __pow__(self, other: Any) -> Any:
        return self._as_operand() ** other

    def __rpow__(self, other: Any) -> Any:
        return other ** self._as_operand()

    def __neg__(self) -> Any:
        return -self._as_operand()

    def __abs__(self) -> Any:
        return abs(self._as_operand())

    def __le__(self, other: Any) -> Any:
        return self._as_operand() <= other

    def __ge__(self, other: Any) -> Any:
        return self._as_operand() >= other

    def __lt__(self, other: Any) -> Any:
        return self._as_operand() < other

    def __gt__(self, other: Any) -> Any:
        return self._as_operand() > other

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self._as_operand() == other


class Param(_NumberLike, IndexedComponent):
    """Numeric data: scalar or indexed; ``initialize`` a number, dict or ``rule(m, *i)``."""

    kind = "param"

    #: a mutable param's value was read outside a rule (into an ``expr=`` component, say),
    #: so a later change may not reach everything built from it (see ``_warn_if_frozen``)
    _read_outside_rules = False

    def __new__(cls, *index_sets: Any, **kwargs: Any) -> "Param":
        if cls is Param and index_sets:
            cls = _MutableIndexedParam if kwargs.get("mutable") else IndexedParam
        return super().__new__(cls)

    def __init__(self, *index_sets: Any, initialize: Any = None, default: Any = None,
                 mutable: bool = False, symbolic: bool = False, doc: str = ""):
        super().__init__(*index_sets, doc=doc)
        if symbolic and index_sets:
            raise ModelError("symbolic=True is for scalar params: declare one symbolic Param "
                             "per quantity the answer should be a function of")
        self._initialize = initialize
        self._default = None if default is None else default
        self.mutable = mutable or symbolic
        #: a symbolic param: LP answers are given as functions of it (see symopt.solution.parametric)
        self.symbolic = symbolic
        if not index_sets:
            self._values: dict = {}
        self._key_set: set | None = None

    def _attach(self, model: Any, name: str) -> None:
        super()._attach(model, name)
        if self._default is not None:
            self._default = self._number(self._default, "default")
        if not self.is_indexed:
            source = self._initialize if self._initialize is not None else self._default
            if callable(source):
                source = source(model)
            if source is None:
                raise ModelError(f"param '{name}' has no value: give initialize= or default=")
            self._values[None] = self._number(source, None)
            return
        self._fill_indexed(model)

    def _fill_indexed(self, model: Any) -> None:
        source = self._initialize
        if isinstance(source, dict):
            self._fill_from_dict(source)
            return
        keys = list(self.index_keys())
        if callable(source):
            what = f"param '{self.name}'"
            self._values.update({key: self._number(call_rule(source, model, key, what), key)
                                 for key in keys})
        elif source is not None:
            self._values.update(dict.fromkeys(keys, self._number(source, "initialize")))
        elif self._default is None and keys:
            raise ModelError(f"param '{self.name}' has no value for index {keys[0]!r} "
                             f"({len(keys)} missing); give it a value or a default=")

    def _fill_from_dict(self, source: dict) -> None:
        """Values from a dict: every key in the index; all of it unless there is a default."""
        covered = _keys_within(source, self._index_sets)
        if covered is None:   # multi-dimensional sets: check key by key
            covered = all(self._valid_key(key) for key in source)
        if not covered:
            unknown = next(key for key in source if not self._valid_key(key))
            raise ModelError(f"param '{self.name}' is given a value for {unknown!r}, "
                             "which is not in its index set")
        self._values.update(self._floats_of(source))
        if self._default is None and len(source) < _index_size(self._index_sets, self):
            missing = [k for k in self.index_keys() if k not in source]
            if missing:
                raise ModelError(f"param '{self.name}' has no value for index {missing[0]!r} "
                                 f"({len(missing)} missing); give it a value or a default=")

    def _floats_of(self, source: dict) -> dict:
        """``source`` with float values; a value that is no finite number raises, naming its key."""
        kinds = set(map(type, source.values()))
        if all(issubclass(kind, (float, int)) and kind is not bool for kind in kinds):
            try:
                values = source if kinds <= {float} else dict(zip(source, map(float, source.values())))
            except OverflowError:
                values = None
            if values is not None and all(map(math.isfinite, values.values())):
                return values
        return {key: self._number(raw, key) for key, raw in source.items()}

    def _number(self, raw: Any, key: Any) -> float:
        where = self.name if key is None else f"{self.name}[{key!r}]"
        if is_number(raw) and not isinstance(raw, bool):
            try:
                value = float(raw)
            except OverflowError:
                value = math.inf
            if not math.isfinite(value):
                raise ModelError(f"param '{where}' is {raw!r}; expected a finite number")
            return value
        raise ModelError(f"param '{where}' must be a number, got {type(raw).__name__} {raw!r}")

    def __getitem__(self, key: Any) -> float:
        try:
            return self._values[key]
        except KeyError:
            pass
        except TypeError:
            raise self._missing(key, self._values) from None
        if self._default is not None and self._valid_key(key):
            return self._default
        raise self._missing(key, self._values)

    def _valid_key(self, key: Any) -> bool:
        sets = self._index_sets
        try:
            if len(sets) == 1:
                return key in index_members(sets[0])
            if (isinstance(key, tuple) and len(key) == len(sets)
                    and all(getattr(s, "dimen", 1) <= 1 for s in sets)):
                return all(part in index_members(s) for part, s in zip(key, sets))
            if self._key_set is None:
                self._key_set = set(self.index_keys()) if sets else {None}
            return key in self._key_set
        except TypeError:
            return False

    def __setitem__(self, key: Any, raw: Any) -> None:
        if not self.mutable:
            raise ModelError(f"param '{self.name}' is not mutable; declare it with mutable=True "
                             "to change its values after declaration")
        try:
            stored = key in self._values
        except TypeError:                 # an unhashable key (a list, an array) is no index
            raise self._missing(key, self._values) from None
        if not stored and not self._valid_key(key):
            raise self._missing(key, self._values)
        self._values[key] = self._number(raw, key)
        self._warn_if_frozen(stacklevel=3 if key is None else 2)
        if self.model is not None:
            self.model._mark_changed()

    def _peek(self, key: Any) -> float:
        """The value at ``key`` (defaults included) for tools that inspect data, such as the
        sweep: unlike ``p[key]``, it notes no read outside a rule."""
        in_rules = _RULES_RUNNING[0]
        _RULES_RUNNING[0] = in_rules + 1
        try:
            return self[key]
        finally:
            _RULES_RUNNING[0] = in_rules

    def _warn_if_frozen(self, stacklevel: int) -> None:
        """Warn (once) that a change may not reach components that read this param outside
        a rule: those declared with ``expr=`` (array expressions among them) keep the
        numbers they were built with, and only rule-built ones are rebuilt."""
        if self._read_outside_rules and not getattr(self, "_warned_frozen", False):
            self._warned_frozen = True
            warnings.warn(f"param '{self.name}' changes after its values were read outside a "
                          "rule: a component declared with expr= (or from as_array()) that "
                          "used them keeps the old numbers; declare such components with "
                          "rule=... so that they follow the param", stacklevel=stacklevel + 1)

    @property
    def value(self) -> float:
        if self.is_indexed:
            raise ModelError(f"param '{self.name}' is indexed: use {self.name}[index]")
        return self._values[None]

    @value.setter
    def value(self, raw: Any) -> None:
        self[None] = raw

    def set_value(self, raw: Any) -> None:
        self.value = raw

    def __float__(self) -> float:
        return self._as_operand()

    def _as_operand(self) -> float:
        if self.symbolic and not in_rule():
            raise ModelError(f"param '{self.name}' is symbolic, so it may only enter expressions "
                             "inside a rule: declare the objective or constraint that uses it "
                             "with rule=... (a number read outside a rule is frozen into its "
                             "expression, and the answer could not follow the param)")
        if self.mutable and not in_rule():
            self._read_outside_rules = True
        return self.value

    def items(self) -> Iterator:
        return ((k, self[k]) for k in self.index_keys())

    def as_array(self) -> np.ndarray:
        """The values as a float array, one axis per index set in key order (defaults
        filled in), aligned with ``Var.as_array()`` of a family over the same sets."""
        return value_array(self)

    def __repr__(self) -> str:
        if not self.is_indexed:
            return f"<Param {self.name} = {self._values.get(None)}>"
        return f"<Param {self.name}: {len(self._values)} values>"

    def __iter__(self) -> Iterator:
        return self.index_keys()

    def __len__(self) -> int:
        return len(list(self.index_keys())) if self.is_indexed else 1


class IndexedParam(Param, dict):
    """An indexed Param: a read-only dict (``m.p[i] = v`` needs ``mutable=True``)."""

    __hash__ = object.__hash__

    def __getitem__(self, key: Any, _get: Callable = dict.__getitem__) -> Any:
        try:
            return _get(self, key)
        except TypeError:                 # an unhashable key (a list, an array) is no index
            raise self._missing(key, self) from None

    def __missing__(self, key: Any) -> float:
        if self._default is not None and self._valid_key(key):
            return self._default
        raise self._missing(key, self)

    def __contains__(self, key: Any) -> bool:
        return self._valid_key(key)

    @property
    def _values(self) -> "_Values":
        """The stored values (a view: the sweep swaps entries for placeholders)."""
        return _Values(self)

    @_values.setter
    def _values(self, values: dict) -> None:
        dict.clear(self)
        dict.update(self, values)


class _MutableIndexedParam(IndexedParam):
    """An indexed ``mutable=True`` Param: it notes reads made outside rules."""

    def __getitem__(self, key: Any, _get: Callable = IndexedParam.__getitem__) -> Any:
        if not _RULES_RUNNING[0]:   # in_rule(), inlined: this runs on every lookup
            self._read_outside_rules = True
        return _get(self, key)


class _Values(MutableMapping):
    """The plain-dict face of an IndexedParam's stored values (no checks, no defaults)."""

    __slots__ = ("_param",)

    def __init__(self, param: IndexedParam):
        self._param = param

    def __getitem__(self, key: Any) -> Any:
        if not dict.__contains__(self._param, key):
            raise KeyError(key)
        return dict.__getitem__(self._param, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self._param, key, value)

    def __delitem__(self, key: Any) -> None:
        dict.__delitem__(self._param, key)

    def __contains__(self, key: Any) -> bool:
        return dict.__contains__(self._param, key)

    def __iter__(self) -> Iterator:
        return dict.__iter__(self._param)

    def __len__(self) -> int:
        return dict.__len__(self._param)

    def update(self, other: Any = (), **kwargs: Any) -> None:
        dict.update(self._param, other, **kwargs)


def _lookup(source: Any) -> Any:
    """A C-level membership test for the members of one index set."""
    members = index_members(source)
    found = getattr(members, "_lookup", None)
    return found if isinstance(found, (set, frozenset)) else set(members)


def _keys_within(source: dict, index_sets: tuple) -> bool | None:
    """Whether every key of ``source`` is in the product of ``index_sets``, checked column by
    column without a Python loop; None when a set has tuple members (the caller checks)."""
    if not all(map(_is_flat, index_sets)):
        return None
    if len(index_sets) == 1:
        try:
            return all(map(_lookup(index_sets[0]).__contains__, source))
        except TypeError:   # an unhashable key
            return False
    if not source:
        return True
    if set(map(type, source)) != {tuple} or set(map(len, source)) != {len(index_sets)}:
        return False
    try:
        return all(all(map(_lookup(s).__contains__, map(itemgetter(k), source)))
                   for k, s in enumerate(index_sets))
    except TypeError:
        return False


def _is_flat(source: Any) -> bool:
    """Whether an index set's members are plain (not tuples flattened into the key)."""
    return not isinstance(next(iter(index_members(source)), None), tuple)


def _index_size(index_sets: tuple, param: Param) -> int:
    if not all(map(_is_flat, index_sets)):
        return sum(1 for _ in param.index_keys())
    return math.prod(len(index_members(s)) for s in index_sets)
