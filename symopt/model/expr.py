"""The expression core of symopt models: variables, affine sums, nonlinear nodes, relations.

Model expressions are *not* sympy objects while a model is built (sympy costs about a
millisecond per term). Three light classes cover every expression:

``VarData``
    One scalar variable (a scalar ``Var`` or ``m.x[i, j]``): ``.name`` ("x[seattle,chicago]"),
    ``.component`` (component name), ``.index`` (tuple), ``.lb``, ``.ub``, ``.value``,
    ``.fixed``, ``.domain``, ``.is_integer``, a lazily created sympy ``.symbol`` (named like
    ``.name``, ``real=True``) and, after a solve, ``.reduced_cost``. ``.value`` and
    ``.reduced_cost`` are plain settable attributes (the solve write-back sets them).
    Hashed by identity, so VarData are dict keys.
``LinearExpr``
    ``constant + sum(coef * var)``. ``.terms`` is a ``{VarData: float}`` dict (no zero
    coefficients), ``.constant`` a float. ``+``, ``-`` and ``*``/``/`` by numbers stay affine
    in O(terms). Python's ``sum()`` is linear-time: a sum is a view of two append-only lists
    (variables, coefficients) shared by its successive partial sums, so adding a term appends
    (O(1)) and no partial sum ever changes; the dict is built only when ``.terms`` is read
    (matrix extraction reads the lists).
``Node``
    Anything nonlinear: an immutable ``(op, args)`` tree. ``op`` is one of ``"add"``,
    ``"mul"``, ``"div"``, ``"pow"``, ``"neg"`` or a function name from :data:`FUNCTIONS`;
    ``args`` is a tuple whose items are floats, ``VarData``, ``LinearExpr`` or ``Node``.
    ``"mul"``, ``"div"`` and ``"pow"`` have two args, ``"neg"`` and functions one, ``"add"``
    any number (also built as a shared chain, so ``sum()`` over nonlinear terms is linear).

Numbers are folded when an expression is built (``2*3*x`` stores 6); Params index to plain
floats, so expressions never contain Params (see ``symopt.model.components.Param`` for how a
re-solve picks up changed mutable Params: constraints declared by ``rule`` are rebuilt).

Comparisons ``<=``, ``>=``, ``==`` return a :class:`Relation` (``body``, ``lower``,
``upper``), never a bool; ``bool(relation)`` raises a ModelError because Python's chained
``1 <= x <= 5`` silently keeps only one half: write ``(1, x, 5)`` or ``between(1, x, 5)``.
Strict ``<``/``>`` raise.

sympy interoperates both ways: every expression has ``_sympy_`` (so sympy functions and
sympy arithmetic accept it and return sympy), :func:`to_sympy` converts explicitly, and
``symopt.model.convert.from_sympy(expr, symbol_map)`` converts back; components accept
sympy expressions (and sympy True/False) wherever an expression goes.

Compiler API (what ``symopt.compile`` reads; all exported by ``symopt.model``):

* ``symopt.model.terms.split_terms(expr) -> (LinearExpr, list[Node])``: the affine part
  and the nonlinear additive terms at the top level (nested ``"add"`` nodes flattened).
* ``symopt.model.terms.term_shape(node) -> (key, variables, constants)``: ``key`` is a
  hashable nested tuple with variables replaced by ``("v", k)`` (k numbered by first
  occurrence, so ``x*x`` and ``x*y`` differ) and numbers by ``("c", k)``; integer exponents
  stay literal as ``("n", 2)``. An affine sub-expression is ``("lin", ((vk, ck), ...), ck
  or None)``. ``100*(x[2]-x[1]**2)**2`` and ``100*(x[3]-x[2]**2)**2`` share a key.
  ``variables`` is the tuple of VarData (fixed ones included: treat those as constants
  with their ``.value``), ``constants`` the tuple of floats.
* ``symopt.model.convert.shape_to_sympy(key) -> (sympy_expr, var_symbols, const_symbols)``.
* ``symopt.model.terms.evaluate(expr)`` and ``variables_of(expr)``.

Layout: this module holds the expression classes and their operator algebra, which call
each other (about 600 lines, more than the usual 400); the op vocabulary (``ops``), text
(``text``), sympy export (``export``) and ``Relation`` (``relation``) live beside it and
are re-exported here.

>>> x, y = VarData(name="x"), VarData(name="y")
>>> e = 2 * (x + y) - x
>>> type(e).__name__, e.terms[x], e.terms[y]
('LinearExpr', 1.0, 2.0)
>>> print(100 * (y - x**2)**2)
100*(y - x**2)**2
>>> r = x + y <= 3
>>> r.upper, r.lower is None
(3.0, True)
"""
from __future__ import annotations

import itertools
import math
from operator import attrgetter, countOf
from numbers import Real
from typing import Any, Iterable

from symopt.errors import ModelError
from symopt.model.column_index import all_distinct
from symopt.model.component import paused_gc
from symopt.model.export import to_sympy
from symopt.model.ops import FUNCTIONS
from symopt.model.relation import Relation
from symopt.model.text import expr_text, member_name

__all__ = [
    "Expr", "VarData", "LinearExpr", "Node", "Relation", "FUNCTIONS", "between", "quicksum",
    "to_sympy", "as_expression", "is_number", "expr_text",
]

def is_number(value: Any) -> bool:
    """True for ints, floats and numpy real scalars (not for expressions)."""
    return isinstance(value, (int, float)) or (isinstance(value, Real) and not isinstance(value, Expr))


#: integers the operator fast paths convert with float() directly; larger ones take the
#: general path, which refuses those beyond float range with a ModelError
_HUGE = 2 ** 1023

_NO_BUILTIN_EXTREMES = (
    " If this comes from Python's max() or min() of expressions: they cannot choose between "
    "expressions (the choice depends on the solution); model max(a, b) with a new variable t "
    "and constraints t >= a, t >= b (min: t <= a, t <= b). abs(expr) works (symopt.abs).")


class Expr:
    """Operators shared by every model expression (see the module docstring)."""

    __slots__ = ()
    __array_ufunc__ = None  # numpy scalars defer to our reflected operators
    __hash__ = object.__hash__

    def __add__(self, other: Any) -> "Expr":
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _add(self, other)

    def __radd__(self, other: Any) -> "Expr":
        other = _operand(other)
        if other is NotImplemented:
            return other
        if other == 0.0 and type(other) is float:
            return self
        return _add(other, self)

    def __sub__(self, other: Any) -> "Expr":
        if type(other) is Node:
            return _add(self, _negate(other))
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _add(self, _negate(other))

    def __rsub__(self, other: Any) -> "Expr":
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _add(other, _negate(self))

    def __mul__(self, other: Any) -> "Expr":
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _multiply(self, other)

    def __rmul__(self, other: Any) -> "Expr":
        kind = type(other)
        if (kind is float or (kind is int and -_HUGE < other < _HUGE)) and type(self) is Node \
                and other != 0 and other != 1 and self.op != "mul":
            return _node("mul", (float(other), self))
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _multiply(other, self)

    def __truediv__(self, other: Any) -> "Expr":
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _divide(self, other)

    def __rtruediv__(self, other: Any) -> "Expr":
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _divide(other, self)

    def __pow__(self, other: Any) -> "Expr":
        if type(other) is int and 1 < other < _HUGE and (type(self) is not LinearExpr or self._terms):
            return _node("pow", (self, other))
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _power(self, other)

    def __rpow__(self, other: Any) -> "Expr":
        other = _operand(other)
        if other is NotImplemented:
            return other
        return _power(other, self)

    def __neg__(self) -> "Expr":
        return _negate(self)

    def __pos__(self) -> "Expr":
        return self

    def __le__(self, other: Any) -> "Relation":
        return _relation(self, other, "<=")

    def __ge__(self, other: Any) -> "Relation":
        return _relation(self, other, ">=")

    def __eq__(self, other: Any) -> "Relation":  # type: ignore[override]
        return _relation(self, other, "==")

    def __lt__(self, other: Any) -> "Relation":
        raise ModelError(f"strict inequality '{expr_text(self)} < ...' is not supported; "
                         f"use '<=' (optimization bounds are closed).{_NO_BUILTIN_EXTREMES}")

    def __gt__(self, other: Any) -> "Relation":
        raise ModelError(f"strict inequality '{expr_text(self)} > ...' is not supported; "
                         f"use '>=' (optimization bounds are closed).{_NO_BUILTIN_EXTREMES}")

    def __abs__(self) -> "Expr":
        from symopt.model.functions import abs as symbolic_abs
        return symbolic_abs(self)

    def __bool__(self) -> bool:
        raise ModelError(f"the expression '{expr_text(self)}' has no truth value; "
                         "compare it with <=, >= or == inside a Constraint")

    def __float__(self) -> float:
        raise ModelError(f"the expression '{expr_text(self)}' has no numeric value while the model "
                         "is built; use symopt.exp/log/sqrt/... (not math or numpy functions) "
                         "on model expressions, and symopt.value(expr) for its current value")

    def _sympy_(self) -> Any:
        return to_sympy(self)

    def __str__(self) -> str:
        return expr_text(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {expr_text(self)}>"


class VarData(Expr):
    """One scalar decision variable; see the module docstring for its attributes.

    Usually created by ``Var``; a standalone one (``VarData(name="x")``) is handy in tests.
    """

    __slots__ = ("_owner", "index", "lb", "ub", "value", "fixed", "domain", "reduced_cost",
                 "_symbol", "_name")

    # A variable read as the single term ``1 * self`` (class attributes, not slots: what
    # ``LinearExpr._sum_of`` reads of many terms at once; see LinearExpr's states)
    _vars = _terms = None
    _coef = 1.0

    @property
    def _var(self) -> "VarData":
        return self

    def __init__(self, owner: Any = None, index: tuple = (), lb: float | None = None,
                 ub: float | None = None, value: float | None = None, domain: Any = None,
                 name: str | None = None):
        self._owner = owner
        self.index = index
        self.lb = lb
        self.ub = ub
        self.value = value
        self.fixed = False
        self.domain = domain
        self.reduced_cost: float | None = None
        self._symbol = None
        self._name = name

    @staticmethod
    def _make(owner: Any, index: tuple, lb: float | None, ub: float | None,
              value: float | None, domain: Any) -> "VarData":
        """Fast constructor for families (no keyword handling)."""
        var = _new_var(VarData)
        var._owner, var.index, var.lb, var.ub, var.value, var.domain = owner, index, lb, ub, value, domain
        var.fixed, var.reduced_cost, var._symbol, var._name = False, None, None, None
        return var

    @property
    def name(self) -> str:
        """"x" for a scalar, "x[seattle,chicago]" for an indexed member."""
        name = self._name
        if name is None:
            self._name = name = member_name(self.component, self.index)
        return name

    @property
    def component(self) -> str:
        """The name of the Var this variable belongs to."""
        owner = self._owner
        if owner is None:
            return self._name or "x"
        return owner._cname

    @property
    def is_integer(self) -> bool:
        return bool(self.domain is not None and self.domain.integer)

    @property
    def symbol(self) -> Any:
        """The sympy Symbol of this variable (created on first use, registered with the model)."""
        if self._symbol is None:
            import sympy  # lazy: the LP path never needs sympy
            self._symbol = sympy.Symbol(self.name, real=True)
            model = getattr(self._owner, "model", None)
            if model is not None:
                model._register_symbol(self._symbol, self)
        return self._symbol

    def __mul__(self, other: Any) -> Expr:
        kind = type(other)
        if (kind is float or (kind is int and -_HUGE < other < _HUGE)) and other != 0 \
                and other != 1:
            return _single_term(self, float(other))
        return Expr.__mul__(self, other)

    def __rmul__(self, other: Any) -> Expr:
        kind = type(other)
        if kind is float and other != 0.0 and other != 1.0:
            expr = _new_linear(LinearExpr)
            expr._terms = expr._vars = None
            expr._constant = 0.0
            expr._var = self
            expr._coef = other
            return expr
        if kind is int and -_HUGE < other < _HUGE and other != 0 and other != 1:
            return _single_term(self, float(other))
        return Expr.__rmul__(self, other)

    def __add__(self, other: Any) -> Expr:
        kind = type(other)
        if kind is VarData:
            return _view([self, other], None, 2, 0.0)
        if kind is LinearExpr:
            return _linear_add(_view([self], None, 1, 0.0), other)
        return Expr.__add__(self, other)

    def __rsub__(self, other: Any) -> Expr:
        kind = type(other)
        if kind is float or (kind is int and -_HUGE < other < _HUGE):
            return LinearExpr({self: -1.0}, other)
        return Expr.__rsub__(self, other)

    def __neg__(self) -> Expr:
        return _single_term(self, -1.0)

    def fix(self, value: float | None = None) -> None:
        """Hold the variable at ``value`` (default: its current value)."""
        if value is not None:
            self.value = float(value)
        if self.value is None:
            raise ModelError(f"cannot fix variable '{self.name}': it has no value; "
                             "pass one, e.g. fix(1.0)")
        self.fixed = True

    def unfix(self) -> None:
        """Let the solver choose the variable again."""
        self.fixed = False

    def setlb(self, value: float | None) -> None:
        """Set the lower bound (None or -inf: none)."""
        self.lb = None if value is None or float(value) == -math.inf else float(value)

    def setub(self, value: float | None) -> None:
        """Set the upper bound (None or inf: none)."""
        self.ub = None if value is None or float(value) == math.inf else float(value)


class LinearExpr(Expr):
    """``constant + sum(coef * var)``; see the module docstring.

    >>> x = VarData(name="x")
    >>> e = LinearExpr({x: 2.0}, 1.0)
    >>> print(3 * e - 1)
    6*x + 2
    """

    # Three internal states: materialized (``_terms`` a dict, ``_vars`` None); a view of
    # append-only lists shared by a growing sum (``_vars`` the variables, ``_coefs`` their
    # coefficients or None while all are 1; this expression is their first ``_n`` items, which
    # never change; duplicates allowed, ``_unique`` True once known there are none and no
    # zero coefficient; ``_terms`` caches the dict); or one term ``_coef * _var`` (``_terms``
    # and ``_vars`` None). ``_constant`` is always current.
    __slots__ = ("_terms", "_constant", "_vars", "_coefs", "_n", "_unique", "_var", "_coef")

    def __init__(self, terms: dict | None = None, constant: float = 0.0):
        self._terms = {} if terms is None else terms
        self._constant = float(constant)
        self._vars = None

    def __add__(self, other: Any) -> Expr:
        kind = type(other)
        if kind is VarData:
            var, coef = other, 1.0
        elif kind is LinearExpr and other._terms is None and other._vars is None:
            var, coef = other._var, other._coef
        elif kind is LinearExpr or kind is float:
            return _linear_add(self, other)
        else:
            return Expr.__add__(self, other)
        variables = self._vars
        if variables is not None and len(variables) == self._n:   # the tip of the shared lists
            coefs = self._coefs
            if coefs is None:
                if coef != 1.0:   # the first coefficient other than 1: a list starts here
                    coefs = [1.0] * self._n
                    coefs.append(coef)
            elif len(coefs) == self._n:
                coefs.append(coef)
            else:
                return _linear_add(self, _single_term(var, coef))
            variables.append(var)
            expr = _new_linear(LinearExpr)   # _view, inlined: this line runs once per term
            expr._terms = None
            expr._constant = self._constant
            expr._vars = variables
            expr._coefs = coefs
            expr._n = self._n + 1
            expr._unique = False
            return expr
        return _linear_add(self, _single_term(var, coef))

    def __sub__(self, other: Any) -> Expr:
        if type(other) is VarData:   # ``sum - x``: appended like ``sum + (-1) * x``
            return self.__add__(_single_term(other, -1.0))
        return Expr.__sub__(self, other)

    @property
    def terms(self) -> dict:
        """``{VarData: coefficient}``, zero coefficients removed; do not mutate."""
        if self._terms is None:
            self._materialize()
        return self._terms

    @property
    def constant(self) -> float:
        return self._constant

    def _parts(self) -> tuple[list, list | None, int]:
        """``(variables, coefficients or None for all ones, n)``; duplicates possible; the
        lists may be longer than ``n`` (read their first ``n`` items)."""
        if self._vars is not None:
            return self._vars, self._coefs, self._n
        if self._terms is not None:
            return list(self._terms), list(self._terms.values()), len(self._terms)
        return [self._var], [self._coef], 1

    def _flat(self) -> tuple[list, list | None]:
        """``(variables, coefficients or None for all ones)``: each variable once, no zero
        coefficient (what ``terms`` holds, without building the dict when the sum is clean)."""
        if self._vars is not None and self._terms is None:
            variables, coefs, n = self._vars, self._coefs, self._n
            if len(variables) != n:
                variables = variables[:n]
            if coefs is not None and len(coefs) != n:
                coefs = coefs[:n]
            if self._unique or (all_distinct(variables) and (coefs is None or 0.0 not in coefs)):
                self._unique = True
                return variables, coefs
        terms = self.terms
        return list(terms), list(terms.values())

    def _cleaned(self) -> "LinearExpr":
        """The same affine function without its constant, each variable once."""
        variables, coefs = self._flat()
        if self._terms is not None:
            return LinearExpr(self._terms)
        clean = _view(variables, coefs, len(variables), 0.0)
        clean._unique = True
        return clean

    def _is_constant(self) -> bool:
        """True when no variable is left (terms that cancel count as none)."""
        if self._vars is None:
            return self._terms is not None and not self._terms
        return self._n == 0 or (not self._unique and not self._flat()[0])   # unique: no zeros

    def _materialize(self) -> None:
        if self._vars is None:
            self._terms = {self._var: self._coef}
            return
        variables, coefs, n = self._vars, self._coefs, self._n
        variables = variables if len(variables) == n else variables[:n]
        if coefs is None:
            terms = dict.fromkeys(variables, 1.0)
        else:
            coefs = coefs if len(coefs) == n else coefs[:n]
            terms = dict(zip(variables, coefs))
        if len(terms) != n:   # a variable more than once: add its coefficients up
            terms = {}
            get = terms.get
            for var, coef in zip(variables, coefs if coefs is not None else itertools.repeat(1.0)):
                terms[var] = get(var, 0.0) + coef
        if 0.0 in terms.values():
            terms = {var: coef for var, coef in terms.items() if coef != 0.0}
        self._terms = terms

    @staticmethod
    def _sum_of(pieces: list, kinds: set | None = None) -> "LinearExpr":
        """The sum of floats, VarData and LinearExprs, in one pass.

        A sum of variables, or of single terms ``coef * var`` (what a generator such as
        ``quicksum(c[i] * x[i] for i in I)`` yields), is read with C-level ``map`` passes
        over the pieces, without a Python statement per piece.
        """
        if not pieces:
            return LinearExpr()
        if kinds is None:
            kinds = set(map(type, pieces))
        if kinds == {VarData}:
            return _view(pieces, None, len(pieces), 0.0)
        if kinds <= _TERM_KINDS:   # single terms and variables (which count as 1 * var)
            n = len(pieces)
            if countOf(map(_GET_VARS, pieces), None) == n and countOf(map(_GET_TERMS, pieces), None) == n:
                return _view(list(map(_GET_VAR, pieces)), list(map(_GET_COEF, pieces)), n, 0.0)
        variables: list = []
        coefs: list | None = None
        constant = 0.0
        for piece in pieces:
            kind = type(piece)
            if kind is float:
                constant += piece
                continue
            if isinstance(piece, VarData):
                more, more_coefs, n = (piece,), None, 1
            else:
                more, more_coefs, n = piece._parts()
                constant += piece._constant
            coefs = _extend(variables, coefs, more, more_coefs, n)
        return _view(variables, coefs, len(variables), constant)

    def scaled(self, factor: float) -> "LinearExpr":
        """A new expression ``factor * self``."""
        if factor == 0.0:
            return LinearExpr()
        if self._vars is None:
            if self._terms is None:
                return _single_term(self._var, factor * self._coef)
            return LinearExpr({v: factor * c for v, c in self._terms.items()}, factor * self._constant)
        n, coefs = self._n, self._coefs
        scaled = [factor] * n if coefs is None else [factor * c for c in itertools.islice(coefs, n)]
        return _view(self._vars, scaled, n, factor * self._constant)


def _view(variables: list, coefs: list | None, n: int, constant: float) -> LinearExpr:
    expr = _new_linear(LinearExpr)
    expr._terms = None
    expr._constant = constant
    expr._vars = variables
    expr._coefs = coefs
    expr._n = n
    expr._unique = False
    return expr


def _is_tip(expr: LinearExpr) -> bool:
    """Whether ``expr`` is the latest view of its lists (so appending keeps every view)."""
    return len(expr._vars) == expr._n and (expr._coefs is None or len(expr._coefs) == expr._n)


def _extend(variables: list, coefs: list | None, more: Any, more_coefs: list | None,
            n: int) -> list | None:
    """Append the first ``n`` of ``more`` (coefficients ``more_coefs``, None: ones) to the
    accumulating lists; returns the coefficient list (None while all are ones)."""
    start = len(variables)
    variables.extend(more if len(more) == n else itertools.islice(more, n))
    if coefs is None and more_coefs is None:
        return None
    if coefs is None:
        coefs = [1.0] * start
    if more_coefs is None:
        coefs.extend(itertools.repeat(1.0, n))
    else:
        coefs.extend(more_coefs if len(more_coefs) == n else itertools.islice(more_coefs, n))
    return coefs


def _linear_add(a: LinearExpr, b: Any) -> LinearExpr:
    """``a + b`` for a LinearExpr ``a`` and a float, VarData or LinearExpr ``b``: appends to
    ``a``'s lists when ``a`` is their latest view, else to a copy (``a`` never changes)."""
    if type(b) is float:
        if a._vars is None and a._terms is not None:
            return LinearExpr(a._terms, a._constant + b)
        variables, coefs, n = a._parts()
        return _view(variables, coefs, n, a._constant + b)
    if type(b) is LinearExpr and b._vars is not None and b._n > 64 and _is_tip(b) and (
            a._vars is None or a._n < b._n // 4):
        return _linear_add(b, a)   # a small head on a long sum: append it (no O(n) copy)
    variables, coefs, n = a._parts()
    if a._vars is not None and (len(variables) != n or (coefs is not None and len(coefs) != n)):
        variables = variables[:n]
        coefs = None if coefs is None else coefs[:n]
    if isinstance(b, VarData):
        coefs = _extend(variables, coefs, (b,), None, 1)
        return _view(variables, coefs, n + 1, a._constant)
    more, more_coefs, more_n = b._parts()
    coefs = _extend(variables, coefs, more, more_coefs, more_n)
    return _view(variables, coefs, n + more_n, a._constant + b._constant)


class Node(Expr):
    """An immutable nonlinear expression ``op(args)``; see the module docstring."""

    __slots__ = ("op", "_args", "_n")

    def __init__(self, op: str, args: tuple):
        self.op = op
        self._args = args
        self._n = len(args)

    @property
    def args(self) -> tuple:
        args = self._args
        return args if type(args) is tuple else tuple(args[:self._n])


def between(lower: Any, expr: Any, upper: Any) -> Relation:
    """The range constraint ``lower <= expr <= upper`` (the same as the tuple form).

    >>> print(between(1, VarData(name="x"), 5))
    1 <= x <= 5
    """
    body = as_expression(expr)
    return Relation(body, _bound(lower), _bound(upper))


def quicksum(items: Iterable[Any]) -> Expr:
    """Sum many expressions in linear time (Python's ``sum`` is linear-time too).

    Items are read in chunks; a chunk of variables, numbers and affine terms (``c * x``) is
    summed by whole-chunk ``map`` passes, so a generator of a million terms costs no
    Python statement per term here and only one chunk of terms is alive at a time. Past
    the first chunk the cyclic garbage collector pauses (``paused_gc``) while the items
    are made, as it does while a component is built.

    >>> x = VarData(name="x")
    >>> print(quicksum([x, 2 * x, 3]))
    3*x + 3
    """
    iterator = iter(items)
    chunk = list(itertools.islice(iterator, _CHUNK))
    if len(chunk) < _CHUNK:
        return _chunked_sum([chunk])
    more = iter(lambda: list(itertools.islice(iterator, _CHUNK)), [])   # until an empty chunk
    with paused_gc():   # a long sum: no collection rescans the terms while they are made
        return _chunked_sum(itertools.chain([chunk], more))


def _chunked_sum(chunks: Iterable[list]) -> Any:
    """The sum of the items of ``chunks`` (lists), an affine chunk at a time (see quicksum)."""
    parts: list = []   # the sum of each affine chunk
    chunks = iter(chunks)
    for chunk in chunks:
        kinds = set(map(type, chunk))
        if not kinds <= _AFFINE_KINDS:
            return _general_sum([*parts, *chunk, *itertools.chain.from_iterable(chunks)])
        parts.append(LinearExpr._sum_of(chunk, kinds))
    return parts[0] if len(parts) == 1 else LinearExpr._sum_of(parts)


def _general_sum(items: list) -> Any:
    """The sum of any model expressions and numbers (a Node when one is nonlinear)."""
    pieces = [_operand(item) for item in items]
    if any(p is NotImplemented for p in pieces):
        import sympy
        return sympy.Add(*[sympy.sympify(item, strict=True) for item in items])
    if all(type(p) is float or isinstance(p, (VarData, LinearExpr)) for p in pieces):
        return LinearExpr._sum_of(pieces)
    return _sum_node(pieces)


def as_expression(value: Any) -> Any:
    """A float or an Expr for ``value`` (a number or a model expression); else ModelError."""
    converted = _operand(value)
    if converted is NotImplemented:
        raise ModelError(f"expected a number or a model expression, got {type(value).__name__} "
                         f"{value!r}")
    return converted


def _operand(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            raise ModelError(f"a number with {value.bit_length() * 3 // 10}+ digits is beyond "
                             "the range of floating-point numbers (about 1.8e308)") from None
    if isinstance(value, Expr):
        return value
    operand = getattr(value, "_as_operand", None)
    if operand is not None:  # scalar Param / Expression components
        return operand()
    if isinstance(value, Real) and not isinstance(value, bool):
        return float(value)
    return NotImplemented


def _bound(value: Any) -> float | None:
    if value is None:
        return None
    value = _operand(value)
    if type(value) is not float:
        raise ModelError(f"a range bound must be a number or None, got '{expr_text(value)}'")
    return value


def _constant_of(expr: Any) -> float | None:
    """The value of expr when it is a number or a variable-free LinearExpr, else None."""
    if type(expr) is float:
        return expr
    if type(expr) is LinearExpr and expr._is_constant():
        return expr.constant
    return None


def _add(a: Any, b: Any) -> Any:
    kind_a, kind_b = type(a), type(b)
    if kind_a is Node:
        if a.op == "add" and type(a._args) is list and len(a._args) == a._n:
            a._args.append(b)
            node = _new_node(Node)
            node.op, node._args, node._n = "add", a._args, a._n + 1
            return node
        return _sum_node([a, b])
    if kind_b is Node:
        return _sum_node([a, b])
    if kind_a is float:
        if kind_b is float:
            return a + b
        a, b = b, a
        kind_a = type(a)
    if isinstance(a, VarData):
        a = _view([a], None, 1, 0.0)
    return _linear_add(a, b)


def _node(op: str, args: tuple) -> "Node":
    node = _new_node(Node)
    node.op, node._args, node._n = op, args, len(args)
    return node


def _single_term(var: VarData, coef: float) -> LinearExpr:
    expr = _new_linear(LinearExpr)
    expr._terms = None
    expr._constant = 0.0
    expr._vars = None
    expr._var = var
    expr._coef = coef
    return expr


_new_linear = LinearExpr.__new__
_AFFINE_KINDS = frozenset({VarData, LinearExpr, float})
_CHUNK = 1024   # items per chunk in quicksum (a chunk of terms stays in cache)
# a LinearExpr's state, read for many expressions at once (``map``): a single term
# ``coef * var`` has ``_vars`` and ``_terms`` None and keeps ``_var`` and ``_coef``
_TERM_KINDS = frozenset({VarData, LinearExpr})
_GET_VARS, _GET_TERMS = attrgetter("_vars"), attrgetter("_terms")
_GET_VAR, _GET_COEF = attrgetter("_var"), attrgetter("_coef")
_new_var = VarData.__new__
_new_node = Node.__new__


def _sum_node(pieces: list) -> Node:
    node = _new_node(Node)
    node.op, node._args, node._n = "add", pieces, len(pieces)
    return node


def _negate(a: Any) -> Any:
    if type(a) is float:
        return -a
    if isinstance(a, VarData):
        return _single_term(a, -1.0)
    if type(a) is LinearExpr:
        return a.scaled(-1.0)
    if a.op == "neg":
        return a._args[0]
    return _node("neg", (a,))


def _multiply(a: Any, b: Any) -> Any:
    ca, cb = _constant_of(a), _constant_of(b)
    if ca is not None and cb is not None:
        return ca * cb
    if cb is not None:
        a, b, ca, cb = b, a, cb, ca
    if ca is not None:  # number * expression
        if ca == 1.0:
            return b
        if ca == 0.0:
            return LinearExpr()
        if isinstance(b, VarData):
            return LinearExpr({b: ca})
        if type(b) is LinearExpr:
            return b.scaled(ca)
        if b.op == "mul" and type(b._args[0]) is float:
            return _multiply(ca * b._args[0], b._args[1])
        return _node("mul", (ca, b))
    return _node("mul", (a, b))


def _divide(a: Any, b: Any) -> Any:
    cb = _constant_of(b)
    if cb is not None:
        if cb == 0.0:
            raise ModelError(f"division by zero in '{expr_text(a)} / 0'")
        return _multiply(a, 1.0 / cb)
    ca = _constant_of(a)
    if ca == 0.0:
        return LinearExpr()
    return _node("div", (a if ca is None else ca, b))


def _power(a: Any, b: Any) -> Any:
    ca, cb = _constant_of(a), _constant_of(b)
    if ca is not None and cb is not None:
        return ca ** cb
    if cb is not None:
        if cb == 1.0:
            return a
        if cb == 0.0:
            return 1.0
        exponent: float | int = int(cb) if cb.is_integer() and abs(cb) < 1e9 else cb
        return _node("pow", (a, exponent))
    return _node("pow", (a if ca is None else ca, b))


def _relation(lhs: Any, rhs: Any, op: str) -> Relation:
    right = _operand(rhs)
    if right is NotImplemented:
        return NotImplemented
    truth = (lhs is right) if (op == "==" and isinstance(lhs, VarData)
                               and isinstance(right, VarData)) else None
    if type(right) is float:
        body, lower, upper = lhs, right, right
    elif type(lhs) is float:
        body, lower, upper = right, lhs, lhs
        op = {"<=": ">=", ">=": "<="}.get(op, op)
    else:
        body, lower, upper = _add(lhs, _negate(right)), 0.0, 0.0
    if op == "<=":
        lower = None
    elif op == ">=":
        upper = None
    return Relation(body, lower, upper, truth)
