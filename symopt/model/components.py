"""Param, Var and Expression components.

``Param`` values are folded to plain floats when an expression is built. A *mutable*
Param may be changed after declaration (``m.p = ...`` is a re-declaration; use
``m.p[i] = v`` or ``m.p.value = v``); the change marks the model, and at the next
``analyze``/``solve`` every Expression, Constraint and Objective declared with ``rule=``
is rebuilt from its rule, so it sees the new values. Components declared with a ready expression
(``expr=``) keep the numbers they were built with: re-declare them after a change.
Variable bounds and start values are read once, when the variable is declared.

>>> from symopt.model.model import Model
>>> from symopt.model.sets import Set, NonNegativeReals
>>> m = Model()
>>> m.I = Set(initialize=[1, 2])
>>> m.p = Param(m.I, initialize={1: 2.5, 2: 4.0})
>>> m.x = Var(m.I, domain=NonNegativeReals, bounds=(None, 10))
>>> m.x[2].name, m.x[2].lb, m.x[2].ub, m.p[2] * 2
('x[2]', 0.0, 10.0, 8.0)
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Iterator

from symopt.errors import ModelError
from symopt.limits import INFINITE_BOUND
from symopt.model.component import (
    IndexedComponent, call_rule, in_rule, index_members, index_tuple,
)
from symopt.model.expr import VarData, is_number, to_sympy
from symopt.model.sets import Domain, Reals

__all__ = ["Param", "Var", "ScalarVar", "IndexedVar", "Expression"]


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
        sparse = isinstance(source, dict) and self._default is not None
        keys = [] if sparse else list(self.index_keys())  # a sparse param never lists its index
        if isinstance(source, dict):
            if sparse:
                unknown = [key for key in source if not self._valid_key(key)]
            elif len(source) == len(keys) and all(key in source for key in keys):
                unknown = []  # as many keys as the index, all of it present: nothing else
            else:
                unknown = list(source.keys() - set(keys))
            if unknown:
                raise ModelError(f"param '{self.name}' is given a value for {unknown[0]!r}, "
                                 "which is not in its index set")
            odd = [k for k, v in source.items()
                   if not isinstance(v, (float, int)) or v is True or v is False]
            for key in odd:
                self._number(source[key], key)  # raises unless a numpy-like number
            try:
                values = {key: float(raw) for key, raw in source.items()}
            except OverflowError:
                values = {key: self._number(raw, key) for key, raw in source.items()}
            bad = next((key for key, value in values.items() if not math.isfinite(value)), None)
            if bad is not None:
                self._number(values[bad], bad)     # raises: a param must be finite
            self._values.update(values)
        elif callable(source):
            for key in keys:
                self._values[key] = self._number(call_rule(source, model, key, f"param '{self.name}'"), key)
        elif source is not None:
            value = self._number(source, "initialize")
            self._values = dict.fromkeys(keys, value)
        if self._default is None:
            missing = [k for k in keys if k not in self._values]
            if missing:
                raise ModelError(f"param '{self.name}' has no value for index {missing[0]!r} "
                                 f"({len(missing)} missing); give it a value or a default=")

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
        if key not in self._values and not self._valid_key(key):
            raise self._missing(key, self._values)
        self._values[key] = self._number(raw, key)
        if self.model is not None:
            self.model._mark_changed()

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
        return self.value

    def items(self) -> Iterator:
        return ((k, self[k]) for k in self.index_keys())

    def __repr__(self) -> str:
        if not self.is_indexed:
            return f"<Param {self.name} = {self._values.get(None)}>"
        return f"<Param {self.name}: {len(self._values)} values>"

    def __iter__(self) -> Iterator:
        return self.index_keys()

    def __len__(self) -> int:
        return len(list(self.index_keys())) if self.is_indexed else 1


def _bounds_of(domain: Domain, bounds: Any) -> tuple[float | None, float | None]:
    lower, upper = (None, None) if bounds is None else bounds
    lower = None if lower is None else _bound_number(lower, bounds)
    upper = None if upper is None else _bound_number(upper, bounds)
    if lower is not None and lower == math.inf or upper is not None and upper == -math.inf:
        raise ModelError(f"a variable bound of {bounds!r} excludes every value")
    lower = None if lower == -math.inf else lower
    upper = None if upper == math.inf else upper
    if domain.lower is not None:
        lower = domain.lower if lower is None else max(lower, domain.lower)
    if domain.upper is not None:
        upper = domain.upper if upper is None else min(upper, domain.upper)
    return lower, upper


def _bound_number(raw: Any, bounds: Any) -> float:
    """A bound as a float; NaN is an error, and beyond 1e20 means none (as in HiGHS, CPLEX)."""
    if not is_number(raw) or isinstance(raw, bool):
        raise ModelError(f"a variable bound must be a number or None, got {raw!r:.80}")
    try:
        value = float(raw)
    except OverflowError:
        value = math.inf if raw > 0 else -math.inf
    if math.isnan(value):
        raise ModelError(f"a variable bound is NaN ({bounds!r}); use None for no bound")
    if math.isfinite(value) and abs(value) >= INFINITE_BOUND:
        warnings.warn(f"a variable bound of {value:g} is treated as infinite (no bound): "
                      f"values beyond {INFINITE_BOUND:g} are", stacklevel=2)
        return math.copysign(math.inf, value)
    return value


class Var(IndexedComponent):
    """Decision variables: ``Var()`` is one variable, ``Var(m.I, m.J)`` a family.

    ``domain`` (alias ``within``) is a Domain; ``bounds`` a ``(lb, ub)`` pair or
    ``rule(m, *i) -> (lb, ub)`` (None means unbounded); ``initialize`` a number, dict
    or ``rule(m, *i)`` giving the starting value.
    """

    kind = "variable"

    def __new__(cls, *index_sets: Any, **kwargs: Any) -> "Var":
        if cls is Var:
            cls = IndexedVar if index_sets else ScalarVar
        return super().__new__(cls)

    def _setup(self, index_sets: tuple, domain: Domain | None, within: Domain | None,
               bounds: Any, initialize: Any, doc: str) -> None:
        IndexedComponent.__init__(self, *index_sets, doc=doc)
        chosen = domain if domain is not None else within
        if chosen is not None and not isinstance(chosen, Domain):
            raise ModelError(f"domain must be one of Reals, NonNegativeReals, NonPositiveReals, "
                             f"Integers, NonNegativeIntegers, Binary; got {chosen!r}")
        self._domain = chosen or Reals
        self._bounds = bounds
        self._initialize = initialize

    def _member_settings(self, key: Any) -> tuple:
        bounds = self._bounds
        if callable(bounds):
            bounds = call_rule(bounds, self.model, key, f"the bounds of variable '{self.name}'")
        if bounds is not None and (not isinstance(bounds, (tuple, list)) or len(bounds) != 2):
            raise ModelError(f"bounds of variable '{self.name}' must be a (lb, ub) pair, got {bounds!r}")
        lower, upper = _bounds_of(self._domain, bounds)
        start = self._initialize
        if isinstance(start, dict):
            start = start.get(key)
        elif callable(start):
            start = call_rule(start, self.model, key, f"the initial value of variable '{self.name}'")
        return lower, upper, None if start is None else self._start_number(start, key)

    def _start_number(self, raw: Any, key: Any) -> float:
        where = self.name if key is None else f"{self.name}[{key!r}]"
        if not is_number(raw) or isinstance(raw, bool):
            raise ModelError(f"the start value of {where} must be a number, got {raw!r:.80}")
        try:
            return float(raw)
        except OverflowError:
            raise ModelError(f"the start value of {where} is beyond the range of "
                             "floating-point numbers (about 1.8e308)") from None


def _check_bounds(var: VarData) -> None:
    if var.lb is not None and var.ub is not None and var.lb > var.ub:
        raise ModelError(f"variable '{var.name}' has lower bound {var.lb} > upper bound {var.ub}")
    start = var.value
    if start is None:
        return
    if not math.isfinite(start):
        raise ModelError(f"the start value of {var.name} is {start}; expected a finite number")
    if (var.lb is not None and start < var.lb) or (var.ub is not None and start > var.ub):
        raise ModelError(f"the start value of {var.name} ({_shown(start)}) lies outside its "
                         f"bounds [{_shown(var.lb, '-inf')}, {_shown(var.ub, 'inf')}]")


def _shown(value: float | None, missing: str = "") -> str:
    """A bound or value as a person writes it: 2 for 2.0, -inf for no lower bound."""
    if value is None:
        return missing
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


class ScalarVar(VarData, Var):
    """A single variable: the component is its own (only) VarData."""

    def __init__(self, domain: Domain | None = None, bounds: Any = None, initialize: Any = None,
                 within: Domain | None = None, doc: str = ""):
        VarData.__init__(self, owner=self)
        self._setup((), domain, within, bounds, initialize, doc)
        self.domain = self._domain

    def _attach(self, model: Any, name: str) -> None:
        Var._attach(self, model, name)
        self.lb, self.ub, self.value = self._member_settings(None)
        self._name = None
        _check_bounds(self)

    def __iter__(self) -> Iterator:
        return iter((self,))

    def values(self) -> list:
        return [self]

    def __getitem__(self, index: Any) -> "ScalarVar":
        if index is None or index == ():
            return self
        raise ModelError(f"variable '{self.name}' is a scalar and has no index {index!r}; "
                         f"declare it as Var(<set>, ...) to index it")


class IndexedVar(Var, dict):
    """A family of variables ``m.x[i, ...]``: a read-only dict from index key to VarData.

    Being a dict makes ``m.x[i, j]`` a C-level lookup (large models index millions of
    times); an unknown key raises a ModelError naming the variable.
    """

    __hash__ = object.__hash__
    __eq__ = object.__eq__
    __ne__ = object.__ne__

    def __init__(self, *index_sets: Any, domain: Domain | None = None, bounds: Any = None,
                 initialize: Any = None, within: Domain | None = None, doc: str = ""):
        self._setup(index_sets, domain, within, bounds, initialize, doc)

    def _attach(self, model: Any, name: str) -> None:
        super()._attach(model, name)
        domain = self._domain
        start = self._initialize
        if not callable(self._bounds) and not callable(start) and not isinstance(start, dict):
            lower, upper, start = self._member_settings(None)
            make = VarData._make
            data = {key: make(self, key if type(key) is tuple else (key,), lower, upper, start, domain)
                    for key in self.index_keys()}
        else:
            data = {}
            for key in self.index_keys():
                lower, upper, start = self._member_settings(key)
                data[key] = VarData(self, index_tuple(key), lower, upper, start, domain)
        for var in data.values():
            _check_bounds(var)
        dict.update(self, data)

    def __missing__(self, key: Any) -> VarData:
        if isinstance(key, tuple) and len(key) == 1 and key[0] in self:
            return dict.__getitem__(self, key[0])  # m.x[(3,)] is m.x[3]
        raise self._missing(key, self)

    def __setitem__(self, key: Any, value: Any) -> None:
        raise ModelError(f"cannot assign to {self.name}[{key!r}]: set its .value, or fix() it")

    def __repr__(self) -> str:
        return f"<IndexedVar {self.name}: {len(self)} variables>"

    def fix(self, value: float | None = None) -> None:
        """Fix every member (at ``value``, or at each one's current value)."""
        for var in self.values():
            var.fix(value)

    def unfix(self) -> None:
        for var in self.values():
            var.unfix()


class Expression(_NumberLike, IndexedComponent):
    """A named sub-expression: ``Expression(expr=...)`` or ``Expression(m.I, rule=...)``."""

    kind = "expression"

    def __init__(self, *index_sets: Any, expr: Any = None, rule: Callable | None = None, doc: str = ""):
        super().__init__(*index_sets, doc=doc)
        if (expr is None) == (rule is None) and not index_sets:
            raise ModelError("Expression needs exactly one of expr= or rule=")
        self._expr_given, self._rule = expr, rule
        self._data: dict = {}

    def _attach(self, model: Any, name: str) -> None:
        super()._attach(model, name)
        self._build()

    def _rebuild(self) -> None:
        if self._rule is not None:
            self._build()

    def _build(self) -> None:
        model, name = self.model, self.name
        if not self.is_indexed:
            raw = self._expr_given if self._rule is None else call_rule(self._rule, model, None, f"expression '{name}'")
            self._data[None] = model._as_model_expression(raw, f"expression '{name}'")
            return
        for key in self.index_keys():
            raw = call_rule(self._rule, model, key, f"expression '{name}'")
            self._data[key] = model._as_model_expression(raw, f"expression '{name}[{key!r}]'")

    @property
    def expr(self) -> Any:
        return self._data[None]

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._data[key]
        except (KeyError, TypeError):
            raise self._missing(key, self._data) from None

    def _as_operand(self) -> Any:
        if self.is_indexed:
            raise ModelError(f"expression '{self.name}' is indexed: use {self.name}[index]")
        return self._data[None]

    def _sympy_(self) -> Any:
        return to_sympy(self._as_operand())
