"""Objective and Constraint components, and the per-row ``ConstraintData``.

A constraint is given as a relation (``expr <= hi``, ``expr >= lo``, ``lhs == rhs``), a
range tuple ``(lo, expr, hi)`` / ``between(lo, expr, hi)``, a sympy relational, or by an
indexed ``rule(m, *i)`` that may return ``Constraint.Skip``. Each row is normalised to
``lower <= body <= upper`` with the body's constant moved into the bounds. A row without
variables (``x <= x + 1`` is ``0 <= 1``) is reported by name as always true or always false.

After a solve the pipeline writes results back through the setters
``ConstraintData._set_result(activity=..., dual=..., slack=...)`` and
``Objective._set_result(value=...)``; ``VarData.value`` and ``VarData.reduced_cost`` are
plain attributes.

>>> from symopt.model.model import Model
>>> from symopt.model.components import Var
>>> m = Model()
>>> m.x = Var()
>>> m.c = Constraint(expr=2 * m.x + 1 <= 5)
>>> m.c.body.terms[m.x], m.c.lower, m.c.upper
(2.0, None, 4.0)
"""
from __future__ import annotations

from enum import Enum
from itertools import repeat
from typing import Any, Callable, Iterator

import numpy as np

from symopt.errors import ModelError
from symopt.model.arrays import RelationArray, index_shape
from symopt.model.component import (
    IndexedComponent, call_rule, index_tuple, index_tuples, paused_gc,
)
from symopt.model.expr import (
    LinearExpr, Relation, _new_linear, _view, between, expr_text, member_name, quicksum,
)
from symopt.model.polynomial import affine_part
from symopt.model.terms import split_terms

__all__ = ["Sense", "minimize", "maximize", "Objective", "Constraint", "ConstraintData"]


class Sense(str, Enum):
    """Objective sense; compares equal to "min" / "max"."""

    MINIMIZE = "min"
    MAXIMIZE = "max"


minimize = Sense.MINIMIZE
maximize = Sense.MAXIMIZE
_SENSES = {"min": minimize, "minimize": minimize, "max": maximize, "maximize": maximize}


def _sense_of(value: Any) -> Sense:
    if isinstance(value, Sense):
        return value
    sense = _SENSES.get(str(value).lower()) if isinstance(value, str) else None
    if sense is None:
        raise ModelError(f"objective sense must be minimize or maximize, got {value!r}")
    return sense


class _Skip:
    def __repr__(self) -> str:
        return "Constraint.Skip"


class Objective(IndexedComponent):
    """The objective: ``Objective(expr=..., sense=minimize)`` or ``rule=lambda m: ...``.

    ``.expr`` is the expression, ``.sense`` a :class:`Sense`, ``.value`` the optimum
    after a solve. ``deactivate()`` leaves it out of the model.
    """

    kind = "objective"

    def __init__(self, *index_sets: Any, expr: Any = None, rule: Callable | None = None,
                 sense: Any = minimize, doc: str = ""):
        super().__init__(doc=doc)
        if index_sets:
            raise ModelError("indexed objectives are not supported: declare one Objective "
                             "(several may exist, with all but one deactivated)")
        if (expr is None) == (rule is None):
            raise ModelError("Objective needs exactly one of expr= or rule=")
        self._given, self._rule = expr, rule
        self.sense = _sense_of(sense)
        self.expr: Any = None
        self.value: float | None = None
        self.active = True

    def _attach(self, model: Any, name: str) -> None:
        super()._attach(model, name)
        self._build()

    def _build(self) -> None:
        raw = self._given if self._rule is None else call_rule(self._rule, self.model, None, f"objective '{self.name}'")
        self.expr = self.model._as_model_expression(raw, f"objective '{self.name}'")

    def _rebuild(self) -> None:
        if self._rule is not None:
            self._build()

    def _set_result(self, value: float | None = None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"<Objective {self.name}: {self.sense.name.lower()} {expr_text(self.expr)[:60]}>"

    def activate(self) -> None:
        self.active = True

    def deactivate(self) -> None:
        self.active = False


class ConstraintData:
    """One row ``lower <= body <= upper``; ``lower``/``upper`` None when absent.

    ``body`` is the expression without its constant; ``linear`` (a LinearExpr) and
    ``nonlinear`` (a list of Nodes) are its parts. After a solve: ``activity`` (the
    body's value), ``dual`` (shadow price, see ``symopt.solution.types``) and ``slack``.
    """

    __slots__ = ("_owner", "index", "body", "lower", "upper", "linear", "nonlinear",
                 "dual", "slack", "activity", "_name")

    def __init__(self, owner: Any, index: tuple):
        self._owner = owner
        self.index = index
        self.dual: float | None = None
        self.slack: float | None = None
        self.activity: float | None = None
        self._name: str | None = None

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = member_name(self._owner._cname, self.index)
        return self._name

    @property
    def component(self) -> str:
        return self._owner._cname

    @property
    def is_equality(self) -> bool:
        return self.lower is not None and self.lower == self.upper

    @property
    def is_linear(self) -> bool:
        return not self.nonlinear

    def _set_result(self, activity: float | None = None, dual: float | None = None,
                    slack: float | None = None) -> None:
        """Write a solve's numbers onto the row (called by the solve pipeline)."""
        self.activity, self.dual, self.slack = activity, dual, slack

    def _set_relation(self, relation: Relation) -> None:
        linear, nonlinear = split_terms(relation.body)
        shift = linear.constant
        lower = None if relation.lower is None else relation.lower - shift
        upper = None if relation.upper is None else relation.upper - shift
        terms = linear._cleaned()   # each variable once; a sum's lists, not a dict
        self.linear, self.nonlinear = terms, nonlinear
        self.body = terms if not nonlinear else quicksum([terms, *nonlinear])
        self.lower, self.upper = lower, upper
        self._check(relation)

    def _absorb_cancelling_terms(self) -> bool:
        """Fold the nonlinear terms into the affine part when they cancel to an affine
        expression (``(x+1)**2 - x**2``); True when the row is affine afterwards."""
        if not self.nonlinear:
            return True
        affine = affine_part(self.nonlinear)
        if affine is None:
            return False
        merged = quicksum([self.linear, LinearExpr(affine.terms)])
        relation = Relation(merged, None if self.lower is None else self.lower - affine.constant,
                            None if self.upper is None else self.upper - affine.constant)
        self._set_relation(relation)
        return True

    def _check(self, relation: Relation) -> None:
        lower, upper = self.lower, self.upper
        if (lower is not None and lower != lower) or (upper is not None and upper != upper):
            label = "lower" if lower is not None and lower != lower else "upper"   # NaN != NaN
            raise ModelError(f"constraint '{self.name}' has a NaN {label} bound")
        if lower is not None and upper is not None and lower > upper:
            raise ModelError(f"constraint '{self.name}' has lower bound {lower} > upper "
                             f"bound {upper} ('{relation}'), so it can never hold")
        if not self.linear._is_constant() or self.nonlinear:
            return
        holds = (lower is None or lower <= 0.0) and (upper is None or 0.0 <= upper)
        reduced = Relation(0.0, lower, upper)
        _raise_trivial(self.name, holds, f"its variables cancel, leaving '{reduced}'")

    def __str__(self) -> str:
        return f"{self.name}: {Relation(self.body, self.lower, self.upper)}"


def _clean_row(owner: Any, index: tuple, variables: list, coefficients: list,
               lower: float | None, upper: float | None) -> ConstraintData:
    """A row whose affine part is clean already (each variable once, no zero coefficient,
    at least one term): what ``_set_relation`` would store, without its checks."""
    row = _new_row(ConstraintData)
    row._owner, row.index, row.lower, row.upper = owner, index, lower, upper
    row.dual = row.slack = row.activity = row._name = None
    linear = _new_linear(LinearExpr)   # _view(variables, coefficients, ...), inlined
    linear._terms, linear._constant, linear._vars, linear._coefs = None, 0.0, variables, coefficients
    linear._n, linear._unique = len(variables), True
    row.linear = row.body = linear
    row.nonlinear = ()   # shared: nothing appends to a row's nonlinear terms
    return row


_new_row = ConstraintData.__new__


def _raise_trivial(name: str, holds: bool, why: str) -> None:
    if holds:
        raise ModelError(f"constraint '{name}' is always true: {why}; return Constraint.Skip "
                         "from the rule (or leave the constraint out) if that is intended")
    raise ModelError(f"constraint '{name}' is always false: {why}; the model can have no solution")


class Constraint(IndexedComponent):
    """Constraints: ``Constraint(expr=...)`` or ``Constraint(m.I, rule=lambda m, i: ...)``."""

    kind = "constraint"
    Skip = _Skip()

    def __new__(cls, *index_sets: Any, **kwargs: Any) -> "Constraint":
        if cls is Constraint:
            cls = IndexedConstraint if index_sets else ScalarConstraint
        return object.__new__(cls)

    def _setup(self, index_sets: tuple, expr: Any, rule: Callable | None, doc: str) -> None:
        IndexedComponent.__init__(self, *index_sets, doc=doc)
        if (expr is None) == (rule is None):
            raise ModelError("Constraint needs exactly one of expr= or rule=")
        if index_sets and rule is None and not isinstance(expr, RelationArray):
            raise ModelError("an indexed Constraint needs rule=lambda m, *index: ... or "
                             "expr=<a RelationArray of the index sets' shape>")
        self._given, self._rule = expr, rule
        self.active = True

    def _relation_for(self, key: Any, row: ConstraintData) -> Any:
        """The relation of ``row`` (key ``key``): the given one or its rule's; the row's
        name is formatted only for an error message."""
        if self._rule is None:
            raw = self._given
        else:
            raw = call_rule(self._rule, self.model, key, lambda: f"constraint '{row.name}'")
        if raw is Constraint.Skip or type(raw) is Relation:
            return raw
        where = row.name
        try:
            return _as_relation(self.model._as_model_relation(raw, where), where)
        except ModelError as error:
            if f"'{where}'" in error.message:
                raise
            raise ModelError(f"constraint '{where}': {error.message}", error.location) from None

    def _rebuild(self) -> None:
        """After a mutable Param changed: rows made by a rule are made again; given ones
        (``expr=``, array relations included) keep their numbers."""
        if self._rule is not None:
            self._build()

    def activate(self) -> None:
        self.active = True

    def deactivate(self) -> None:
        self.active = False


def _as_relation(raw: Any, where: str) -> Relation:
    if isinstance(raw, Relation):
        return raw
    if isinstance(raw, RelationArray):
        if raw.shape:
            raise ModelError(f"constraint '{where}' is an array of relations of shape "
                             f"{raw.shape}; declare Constraint(<index sets of that shape>, "
                             "expr=...) or index one element")
        return raw[()]
    if isinstance(raw, bool):
        _raise_trivial(where, raw, "its relation has no variables (Python or sympy evaluated it to "
                       f"{raw})")
    if isinstance(raw, tuple):
        if len(raw) != 3:
            raise ModelError(f"constraint '{where}' is a tuple of {len(raw)} items; expected a range "
                             "(lo, expr, hi)")
        return between(*raw)
    raise ModelError(f"constraint '{where}' is '{expr_text(raw)}', not a relation; expected "
                     "expr <= hi, expr >= lo, lhs == rhs, (lo, expr, hi) or between(lo, expr, hi)")


class ScalarConstraint(ConstraintData, Constraint):
    """One constraint: the component is its own (only) ConstraintData."""

    def __init__(self, expr: Any = None, rule: Callable | None = None, doc: str = ""):
        ConstraintData.__init__(self, self, ())
        self._setup((), expr, rule, doc)

    def _attach(self, model: Any, name: str) -> None:
        Constraint._attach(self, model, name)
        self._name = None
        self._build()

    def _build(self) -> None:
        relation = self._relation_for(None, self)
        if relation is Constraint.Skip:
            raise ModelError(f"constraint '{self.name}' is not indexed; Constraint.Skip only "
                             "makes sense in an indexed rule")
        self._set_relation(relation)

    def rows(self) -> Iterator[ConstraintData]:
        return iter((self,))


class IndexedConstraint(Constraint):
    """A family of constraints ``m.c[i, ...]``; skipped members are absent."""

    def __init__(self, *index_sets: Any, expr: Any = None, rule: Callable | None = None, doc: str = ""):
        self._setup(index_sets, expr, rule, doc)
        self._data: dict = {}

    def _attach(self, model: Any, name: str) -> None:
        super()._attach(model, name)
        self._build()

    def _build(self) -> None:
        if self._rule is None:
            self._data = self._rows_of_array(self._given)
            return
        data: dict = {}
        with paused_gc():   # a row is a few objects: no collection rescans the rows built
            for key in self.index_keys():
                row = ConstraintData(self, index_tuple(key))
                relation = self._relation_for(key, row)
                if relation is Constraint.Skip:
                    continue
                row._set_relation(relation)
                data[key] = row
        self._data = data

    def _rows_of_array(self, relations: RelationArray) -> dict:
        """The rows of ``expr=``, a RelationArray: element k is the row of the k-th key.
        A clean row (see ``RelationArray.rows``) is stored as it is, with no Python
        statement per term; any other goes through ``_set_relation``, which merges
        repeated variables and reports a row left without any."""
        shape = index_shape(self)
        if relations.shape != shape:
            raise ModelError(f"constraint '{self.name}' is indexed by sets of shape {shape}, "
                             f"but its expr= is a RelationArray of shape {relations.shape}")
        variables, coefficients, lower, upper, clean = relations.rows()
        keys = list(self.index_keys())
        with paused_gc():
            made = map(_clean_row, repeat(self), index_tuples(keys), variables, coefficients,
                       lower, upper)
            data = dict(zip(keys, made))
        for position in np.flatnonzero(~clean).tolist():
            row = data[keys[position]]
            body = _view(variables[position], coefficients[position], len(variables[position]), 0.0)
            row._set_relation(Relation(body, lower[position], upper[position]))
        return data

    def __getitem__(self, key: Any) -> ConstraintData:
        try:
            return self._data[key]
        except (KeyError, TypeError):
            raise self._missing(key, self._data) from None

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Any) -> bool:
        try:
            return key in self._data
        except TypeError:                 # an unhashable key (a list, an array) is no index
            return False

    def keys(self) -> Iterator:
        return iter(self._data)

    def values(self) -> list:
        return list(self._data.values())

    def items(self) -> Iterator:
        return iter(self._data.items())

    def rows(self) -> Iterator[ConstraintData]:
        return iter(self._data.values())

    def __repr__(self) -> str:
        return f"<IndexedConstraint {self.name}: {len(self._data)} rows>"
