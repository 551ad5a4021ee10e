"""Array expressions: whole families of affine expressions built by numpy.

A Pyomo-style build writes one term at a time (``quicksum(m.cost[i, j] * m.x[i, j] for i
in m.I for j in m.J)``): a Python statement, a key tuple and two lookups per term, about a
microsecond each at 10^6 terms. ``m.x.as_array()`` gives a Var family as a
:class:`LinearArray`, an n-d array of affine expressions whose ``*``, ``/``, ``+``, ``-``,
``@``, indexing, ``.T`` and ``sum(axis=...)`` are numpy operations on the terms' variables
and coefficients (the style of CVXPY, linopy and JuMP's broadcasting), and
``m.cost.as_array()`` gives a Param's values aligned with it. A comparison gives a
:class:`RelationArray`, which ``Constraint(m.I, expr=...)`` takes whole: row ``k`` for the
k-th index key. Both styles make the same rows and can be mixed; ``a[i, j]`` of an array
is an ordinary expression again.

Array expressions are affine: a product of two of them raises (write nonlinear terms
with rules). An array has one axis per index set of its family, in the sets' order (a
set of tuples is one axis).

>>> from symopt import Model, Set, Var, Param, Constraint, Objective
>>> m = Model()
>>> m.I = Set(initialize=["a", "b"]); m.J = Set(initialize=[1, 2, 3])
>>> m.x = Var(m.I, m.J, bounds=(0, None))
>>> m.cost = Param(m.I, m.J, initialize=lambda m, i, j: j)
>>> x = m.x.as_array()
>>> x.shape
(2, 3)
>>> m.total = Objective(expr=(m.cost.as_array() * x).sum())
>>> print(m.total.expr)
x[a,1] + 2*x[a,2] + 3*x[a,3] + x[b,1] + 2*x[b,2] + 3*x[b,3]
>>> m.ship = Constraint(m.I, expr=x.sum(axis=1) <= [10, 20])
>>> print(m.ship["b"])
ship[b]: x[b,1] + x[b,2] + x[b,3] <= 20
"""
from __future__ import annotations

import math
from array import array
from itertools import repeat
from typing import Any, Iterator

import numpy as np

from symopt.errors import ModelError
from symopt.model.column_index import ids_of
from symopt.model.component import in_rule
from symopt.model.expr import Expr, LinearExpr, Relation, VarData, _view, as_expression

__all__ = ["LinearArray", "RelationArray", "variable_array", "value_array", "index_shape"]


class LinearArray:
    """An n-d array of affine expressions ``constant + sum(coefficient * variable)``.

    Element ``e`` has the terms ``variables[e + (t,)]``, ``coefficients[e + (t,)]`` for
    ``t`` in ``range(k)`` (``k`` the same for every element; a variable may repeat and a
    coefficient may be 0) and the constant ``constant[e]``. Arrays are never changed in
    place: every operation makes a new one (its arrays may be numpy views of the old).
    """

    __slots__ = ("variables", "coefficients", "constant")
    __array_ufunc__ = None   # ``ndarray * LinearArray`` defers to our reflected operators
    __hash__ = None          # ``==`` makes relations

    def __init__(self, variables: np.ndarray, coefficients: np.ndarray, constant: np.ndarray):
        self.variables = variables
        self.coefficients = coefficients
        self.constant = constant

    # -- shape ---------------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.constant.shape

    @property
    def ndim(self) -> int:
        return self.constant.ndim

    @property
    def size(self) -> int:
        return self.constant.size

    def __len__(self) -> int:
        if not self.ndim:
            raise TypeError("len() of a 0-d LinearArray")
        return self.shape[0]

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __getitem__(self, key: Any) -> Any:
        """numpy indexing over the array's axes; one element is an ordinary expression."""
        key = key if isinstance(key, tuple) else (key,)
        try:
            constant = np.asarray(self.constant[key])
            picked = LinearArray(self.variables[(*key, slice(None))],
                                 self.coefficients[(*key, slice(None))], constant)
        except (IndexError, TypeError, ValueError) as error:
            raise ModelError(f"cannot index a LinearArray of shape {self.shape} with "
                             f"{key!r}: {error}") from None
        return picked.item() if not constant.ndim else picked

    @property
    def T(self) -> "LinearArray":
        """The array with its axes reversed (the terms' axis stays last)."""
        order = (*range(self.ndim - 1, -1, -1), self.ndim)
        return LinearArray(self.variables.transpose(order), self.coefficients.transpose(order),
                           self.constant.T)

    def item(self) -> Any:
        """The one element of a 0-d array as a model expression (a LinearExpr, or a float
        when it has no variables)."""
        if self.ndim:
            raise ModelError(f"a LinearArray of shape {self.shape} is not one expression: "
                             "sum it (.sum()) or index one element")
        variables = self.variables.tolist()
        if not variables:
            return float(self.constant)
        return _view(variables, _coefficient_list(self.coefficients), len(variables),
                     float(self.constant))

    # -- arithmetic ----------------------------------------------------------------------
    def __add__(self, other: Any) -> "LinearArray":
        other = _lifted(other)
        return NotImplemented if other is NotImplemented else _concatenated(self, other)

    def __radd__(self, other: Any) -> "LinearArray":
        other = _lifted(other)
        return NotImplemented if other is NotImplemented else _concatenated(other, self)

    def __sub__(self, other: Any) -> "LinearArray":
        other = _lifted(other)
        return NotImplemented if other is NotImplemented else _concatenated(self, -other)

    def __rsub__(self, other: Any) -> "LinearArray":
        other = _lifted(other)
        return NotImplemented if other is NotImplemented else _concatenated(other, -self)

    def __neg__(self) -> "LinearArray":
        return LinearArray(self.variables, -self.coefficients, -self.constant)

    def __pos__(self) -> "LinearArray":
        return self

    def __mul__(self, other: Any) -> "LinearArray":
        factor = _numbers(other, "multiply")
        shape = np.broadcast_shapes(self.shape, factor.shape)
        return LinearArray(np.broadcast_to(self.variables, (*shape, self.terms)),
                           self.coefficients * factor[..., None], self.constant * factor)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> "LinearArray":
        divisor = _numbers(other, "divide")
        if not divisor.all():
            raise ModelError("division of a LinearArray by zero")
        return self * (1.0 / divisor)

    def __matmul__(self, other: Any) -> Any:
        return _matrix_product(self, _numbers(other, "multiply (@)"))

    def __rmatmul__(self, other: Any) -> Any:
        return _matrix_product(_numbers(other, "multiply (@)"), self)

    def __pow__(self, other: Any) -> Any:
        raise ModelError(_AFFINE_ONLY)

    __rtruediv__ = __rpow__ = __pow__

    def sum(self, axis: int | tuple[int, ...] | None = None) -> Any:
        """The sum over ``axis`` (all axes: one expression), as ``numpy.sum``."""
        axes = _axes(axis, self.ndim)
        kept = [d for d in range(self.ndim) if d not in axes]
        order = (*kept, *axes, self.ndim)
        shape = tuple(self.shape[d] for d in kept)
        summed = LinearArray(self.variables.transpose(order).reshape(*shape, -1),
                             self.coefficients.transpose(order).reshape(*shape, -1),
                             np.asarray(self.constant.sum(axis=axes)))
        return summed if shape else summed.item()

    @property
    def terms(self) -> int:
        """How many terms each element has (the length of the terms' axis)."""
        return self.variables.shape[-1]

    # -- comparisons ---------------------------------------------------------------------
    def __le__(self, other: Any) -> "RelationArray":
        return _compared(self, other, "<=")

    def __ge__(self, other: Any) -> "RelationArray":
        return _compared(self, other, ">=")

    def __eq__(self, other: Any) -> "RelationArray":  # type: ignore[override]
        return _compared(self, other, "==")

    def __lt__(self, other: Any) -> Any:
        raise ModelError("strict inequality '<' between arrays is not supported; use '<=' "
                         "(optimization bounds are closed)")

    def __gt__(self, other: Any) -> Any:
        raise ModelError("strict inequality '>' between arrays is not supported; use '>=' "
                         "(optimization bounds are closed)")

    def __bool__(self) -> bool:
        raise ModelError("a LinearArray has no truth value; compare it with <=, >= or == "
                         "inside a Constraint")

    def _as_operand(self) -> Any:
        """What scalar expressions see: the element of a 0-d array (else NotImplemented, so
        that ``y + array`` reaches our reflected operators)."""
        return self.item() if not self.ndim else NotImplemented

    def __repr__(self) -> str:
        return f"<LinearArray of shape {self.shape}, {self.terms} term(s) per element>"


class RelationArray:
    """An n-d array of rows ``lower <= body <= upper`` (``lower``/``upper`` None when no
    element has that side), made by comparing a LinearArray; the body's constant is
    already moved into the bounds."""

    __slots__ = ("body", "lower", "upper")

    def __init__(self, body: LinearArray, lower: np.ndarray | None, upper: np.ndarray | None):
        self.body, self.lower, self.upper = body, lower, upper

    @property
    def shape(self) -> tuple:
        return self.body.shape

    def __getitem__(self, key: Any) -> Any:
        """numpy indexing; one element is an ordinary Relation (what a rule may return)."""
        key = key if isinstance(key, tuple) else (key,)
        body = self.body[key]
        lower = None if self.lower is None else self.lower[key]
        upper = None if self.upper is None else self.upper[key]
        if isinstance(body, LinearArray):
            return RelationArray(body, lower, upper)
        return Relation(body, None if lower is None else float(lower),
                        None if upper is None else float(upper))

    def rows(self) -> tuple[list, list, list, list, np.ndarray]:
        """Each element's row, in C order (the order of the index keys): the lists of its
        variables, of its coefficients, its lower and upper bounds (None: no such side),
        and whether it is *clean* (at least one term, each variable once, no zero
        coefficient), which is what a row's affine part must be; other rows need merging."""
        n, k = self.body.size, self.body.terms
        variables = self.body.variables.reshape(n, k)
        coefficients = self.body.coefficients.reshape(n, k)
        clean = np.full(n, k > 0)
        if k > 1:
            ids = np.sort(ids_of(variables.ravel()).reshape(n, k), axis=1)
            clean &= ~(ids[:, 1:] == ids[:, :-1]).any(axis=1)
        clean &= ~(coefficients == 0).any(axis=1)
        lower = [None] * n if self.lower is None else self.lower.reshape(n).tolist()
        upper = lower if self.upper is self.lower else (
            [None] * n if self.upper is None else self.upper.reshape(n).tolist())
        return variables.tolist(), _coefficient_rows(coefficients), lower, upper, clean

    def __bool__(self) -> bool:
        raise ModelError("a RelationArray is a family of constraints, not a truth value; "
                         "declare it with Constraint(<index sets>, expr=...)")

    def __repr__(self) -> str:
        return f"<RelationArray of shape {self.shape}>"


_AFFINE_ONLY = ("array expressions are affine (numbers times variables, plus numbers); a "
                "product, quotient or power of expressions is nonlinear: write it with a rule")


def _lifted(value: Any) -> Any:
    """``value`` as a LinearArray (numbers: no terms; a scalar expression: 0-d), or
    NotImplemented for what is neither."""
    if isinstance(value, LinearArray):
        return value
    if isinstance(value, Expr) or hasattr(value, "_as_operand"):
        expression = as_expression(value)
        if isinstance(expression, float):
            return _constant_array(np.asarray(expression))
        return _scalar(expression)
    try:
        numbers = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return NotImplemented
    return _constant_array(numbers)


def _scalar(expression: Any) -> LinearArray:
    """A 0-d LinearArray of a scalar expression; ModelError when it is nonlinear."""
    if isinstance(expression, VarData):
        variables, coefs = [expression], None
    elif isinstance(expression, LinearExpr):
        variables, coefs = expression._flat()
    else:
        raise ModelError(_AFFINE_ONLY)
    coefs = np.ones(len(variables)) if coefs is None else np.asarray(coefs, dtype=float)
    constant = expression.constant if isinstance(expression, LinearExpr) else 0.0
    return LinearArray(_objects(variables, (len(variables),)), coefs, np.asarray(constant))


def _matrix_product(left: Any, right: Any) -> Any:
    """``left @ right`` for 1-d and 2-d operands as numpy defines it, one of them numbers:
    a 1-d left is a row, a 1-d right a column, and those axes are dropped again."""
    if not (1 <= left.ndim <= 2 and 1 <= right.ndim <= 2) or left.shape[-1] != right.shape[0]:
        raise ModelError(f"@ needs 1-d or 2-d operands whose inner axes match; got shapes "
                         f"{left.shape} and {right.shape}")
    rows = left[None, :] if left.ndim == 1 else left
    columns = right[:, None] if right.ndim == 1 else right
    product = (rows[:, :, None] * columns[None, :, :]).sum(axis=1)   # sum_k L[i, k] R[k, j]
    if right.ndim == 1:
        product = product[:, 0]
    return product[0] if left.ndim == 1 else product


def _coefficient_list(coefficients: np.ndarray) -> Any:
    """A LinearExpr's coefficients: None when all are 1, else a compact ``array("d")``
    (8 bytes each, no float object per term; it appends and slices as a list does)."""
    if (coefficients == 1.0).all():
        return None
    return array("d", np.ascontiguousarray(coefficients, dtype=float).tobytes())


def _coefficient_rows(coefficients: np.ndarray) -> list:
    """Each row's coefficients (an (n, k) array) as a list, None for a row of ones.

    Rows of one family mostly repeat a few patterns (a balance row is ``[1, 1, -1]``), and
    rows with the same pattern share one list: LinearExpr views read only the first items
    of their lists and only ever append, so sharing cannot change a row (see ``expr``).
    """
    n, k = coefficients.shape
    values, codes = np.unique(coefficients, return_inverse=True)   # each value's code
    if len(values) ** k < 2 ** 62:   # a row's codes packed into one int64: its pattern
        packed = codes.reshape(n, k) @ (len(values) ** np.arange(k, dtype=np.int64))
        _, first, which = np.unique(packed, return_index=True, return_inverse=True)
        if len(first) <= _SHARED_PATTERNS:
            shared = [None if (row == 1.0).all() else row.tolist() for row in coefficients[first]]
            return list(map(shared.__getitem__, which.reshape(-1).tolist()))
    rows = coefficients.tolist()
    for position in np.flatnonzero((coefficients == 1.0).all(axis=1)).tolist():
        rows[position] = None
    return rows


_SHARED_PATTERNS = 4096


def _constant_array(numbers: np.ndarray) -> LinearArray:
    return LinearArray(np.empty((*numbers.shape, 0), dtype=object),
                       np.empty((*numbers.shape, 0)), numbers)


def _numbers(value: Any, action: str) -> np.ndarray:
    """``value`` as a float array; ModelError for expressions (that would be nonlinear)."""
    if isinstance(value, (LinearArray, Expr)) or hasattr(value, "_as_operand"):
        raise ModelError(_AFFINE_ONLY)
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ModelError(f"cannot {action} a LinearArray by {type(value).__name__} "
                         f"{value!r:.60}; expected numbers or an array of numbers") from None


def _concatenated(a: LinearArray, b: LinearArray) -> LinearArray:
    """``a + b``: broadcast, then each element's terms are a's followed by b's."""
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ModelError(f"cannot add LinearArrays of shapes {a.shape} and {b.shape}") from None
    if not b.terms or not a.terms:
        terms = a if a.terms else b
        variables = np.broadcast_to(terms.variables, (*shape, terms.terms))
        coefficients = np.broadcast_to(terms.coefficients, (*shape, terms.terms))
    else:
        variables = np.concatenate([np.broadcast_to(a.variables, (*shape, a.terms)),
                                    np.broadcast_to(b.variables, (*shape, b.terms))], axis=-1)
        coefficients = np.concatenate([np.broadcast_to(a.coefficients, (*shape, a.terms)),
                                       np.broadcast_to(b.coefficients, (*shape, b.terms))], axis=-1)
    return LinearArray(variables, coefficients, np.asarray(a.constant + b.constant))


def _compared(body: LinearArray, other: Any, op: str) -> Any:
    other = _lifted(other)
    if other is NotImplemented:
        return NotImplemented
    difference = _concatenated(body, -other)
    bound = -difference.constant
    if np.isnan(bound).any():
        raise ModelError("a constraint array has a NaN bound")
    terms = LinearArray(difference.variables, difference.coefficients,
                        np.zeros(difference.shape))
    return RelationArray(terms, None if op == "<=" else bound, None if op == ">=" else bound)


def _axes(axis: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    try:
        normal = tuple(sorted(int(a) + ndim if int(a) < 0 else int(a) for a in axes))
    except (TypeError, ValueError):
        normal = ()
    if len(set(normal)) != len(axes) or any(not 0 <= a < ndim for a in normal):
        raise ModelError(f"axis {axis!r} is not an axis of an array of {ndim} axes")
    return normal


def _objects(items: list, shape: tuple) -> np.ndarray:
    holder = np.empty(len(items), dtype=object)
    holder[:] = items
    return holder.reshape(shape)


def index_shape(component: Any) -> tuple[int, ...]:
    """The array shape of an indexed component: one axis per index set, its length."""
    return tuple(len(list(index_set)) if not hasattr(index_set, "__len__") else len(index_set)
                 for index_set in component._index_sets)


def variable_array(family: Any) -> LinearArray:
    """A Var family (or a scalar Var) as a LinearArray of its members, in key order."""
    members = family.values() if family.is_indexed else [family]
    shape = index_shape(family)
    if math.prod(shape) != len(members):
        raise ModelError(f"variable '{family.name}' has {len(members)} members, not one per "
                         f"combination of its index sets {shape}, so it is no array")
    variables = np.fromiter(members, dtype=object, count=len(members)).reshape(*shape, 1)
    return LinearArray(variables, np.ones((*shape, 1)), np.zeros(shape))


def value_array(param: Any) -> np.ndarray:
    """A Param's values as a float array in key order (defaults filled in)."""
    if param.mutable and not in_rule():
        param._read_outside_rules = True   # the numbers are frozen into what is built
    if not param.is_indexed:
        return np.asarray(float(param.value))
    keys = list(param.index_keys())
    if isinstance(param, dict) and list(dict.keys(param)) == keys:   # stored in key order
        values: Any = dict.values(param)
    else:
        values = map(param.__getitem__, keys)   # defaults filled in
    try:
        values = np.fromiter(values, dtype=float, count=len(keys))
    except (TypeError, ValueError):
        raise ModelError(f"param '{param.name}' has values that are not numbers, so it has "
                         "no array of numbers") from None
    return values.reshape(index_shape(param))
