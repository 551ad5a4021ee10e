"""Param, Var and Expression components.

``Param`` values are folded to plain floats when an expression is built. A *mutable*
Param may be changed after declaration (``m.p = ...`` is a re-declaration; use
``m.p[i] = v`` or ``m.p.value = v``); the change marks the model, and at the next
``analyze``/``solve`` every Expression, Constraint and Objective declared with ``rule=``
is rebuilt from its rule, so it sees the new values. Components declared with a ready expression
(``expr=``) keep the numbers they were built with: re-declare them after a change (a change
of a mutable Param whose values were read outside a rule warns once, since such a read may
have frozen them into an ``expr=`` component).
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

import itertools
import math
import warnings
from itertools import repeat
from typing import Any, Callable, Iterator

from symopt.errors import ModelError
from symopt.limits import INFINITE_BOUND
from symopt.model.arrays import LinearArray, variable_array
from symopt.model.component import (
    IndexedComponent, call_rule, index_tuple, index_tuples,
)
from symopt.model.expr import VarData, is_number, to_sympy
from symopt.model.params import IndexedParam, Param, _NumberLike
from symopt.model.sets import Domain, Reals

__all__ = ["Param", "IndexedParam", "Var", "ScalarVar", "IndexedVar", "Expression"]


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

    def as_array(self) -> "LinearArray":
        """The variables as a :class:`~symopt.model.arrays.LinearArray` (one axis per index
        set, members in key order), for numpy-style expressions; see ``symopt.model.arrays``."""
        return variable_array(self)

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
            keys = list(self.index_keys())
            members = map(VarData._make, repeat(self), index_tuples(keys), repeat(lower),
                          repeat(upper), repeat(start), repeat(domain))
            dict.update(self, zip(keys, members))   # straight into this dict, no copy
            checked = itertools.islice(self.values(), 1)   # the same settings for every member
        else:
            for key in self.index_keys():
                lower, upper, start = self._member_settings(key)
                dict.__setitem__(self, key, VarData(self, index_tuple(key), lower, upper, start, domain))
            checked = self.values()
        for var in checked:
            _check_bounds(var)

    def __getitem__(self, key: Any, _get: Callable = dict.__getitem__) -> VarData:
        try:
            return _get(self, key)
        except TypeError:                 # an unhashable key (a list, an array) is no index
            raise self._missing(key, self) from None

    def __missing__(self, key: Any) -> VarData:
        if isinstance(key, tuple) and len(key) == 1 and key[0] in self:
            return dict.__getitem__(self, key[0])  # m.x[(3,)] is m.x[3]
        raise self._missing(key, self)

    def __contains__(self, key: Any, _has: Callable = dict.__contains__) -> bool:
        try:
            return _has(self, key)
        except TypeError:
            return False

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
