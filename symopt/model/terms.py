"""Reading model expressions: additive terms, term shapes, variables and values.

This is the compiler's window onto ``symopt.model.expr`` (see its module docstring):

* :func:`split_terms` — the affine part and the nonlinear additive terms of an expression;
* :func:`term_shape` — a hashable key with variables and numbers as placeholders, so terms
  of the same shape over different variables (an indexed family written as a Python sum)
  are found, differentiated once and evaluated vectorised;
* :func:`variables_of`, :func:`evaluate`, :func:`is_affine`.

>>> from symopt.model.expr import VarData
>>> x = [VarData(name=f"x[{i}]") for i in range(3)]
>>> f = sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(2))
>>> linear, nonlinear = split_terms(f)
>>> len(linear.terms), len(nonlinear)
(0, 4)
>>> term_shape(nonlinear[0])[0] == term_shape(nonlinear[2])[0]
True
>>> term_shape(nonlinear[0])[1:]
((<VarData x[1]>, <VarData x[0]>), (100.0,))
"""
from __future__ import annotations

import math
from typing import Any

from symopt.errors import ModelError
from symopt.model.expr import LinearExpr, Node, VarData, expr_text

__all__ = ["split_terms", "term_shape", "variables_of", "evaluate", "is_affine", "ShapeMemo"]


def split_terms(expr: Any) -> tuple[LinearExpr, list[Node]]:
    """Split ``expr`` into its affine part and its nonlinear additive terms.

    Nested sums are flattened; every returned term is a ``Node`` whose op is not ``"add"``
    (a negated sum stays one term).
    """
    if type(expr) is LinearExpr:
        return expr, []
    pieces: list = []
    nonlinear: list[Node] = []
    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            if item.op == "add":
                stack.extend(reversed(item.args))
            else:
                nonlinear.append(item)
        elif isinstance(item, (int, float)):
            pieces.append(float(item))
        elif isinstance(item, (VarData, LinearExpr)):
            pieces.append(item)
        else:
            raise ModelError(f"not a model expression: {item!r}")
    linear = LinearExpr._sum_of(pieces)
    return linear, nonlinear


def is_affine(expr: Any) -> bool:
    """True when ``expr`` is a number, a variable or a LinearExpr (exact: no Node anywhere)."""
    return isinstance(expr, (int, float, VarData, LinearExpr))


def term_shape(node: Any) -> tuple[tuple, tuple, tuple]:
    """The shape key of a term, its variables and its numeric constants.

    See ``symopt.model.expr`` for the key's grammar. Two terms share a key exactly when
    they are the same formula up to which variables and which numbers they hold.
    """
    variables: dict = {}
    constants: list[float] = []
    key = _shape(node, variables, constants)
    return key, tuple(variables), tuple(constants)


class ShapeMemo:
    """`term_shape` of each term computed once and shared: analysis reads a term's
    variables from it, the compiler its key and constants (one walk per term, not two).

    Entries hold their term, so an id is never reused while the memo lives; terms of one
    shape share one key object, so the memo costs little memory beyond the terms.

    >>> x = VarData(name="x")
    >>> memo = ShapeMemo()
    >>> term = 3 * x ** 2
    >>> memo.shape(term) is memo.shape(term), memo.shape(term)[1]
    (True, (<VarData x>,))
    """

    __slots__ = ("_entries", "_keys")

    def __init__(self) -> None:
        self._entries: dict[int, tuple[Any, tuple]] = {}
        self._keys: dict[tuple, tuple] = {}     # one key object per distinct shape

    def shape(self, term: Any) -> tuple[tuple, tuple, tuple]:
        entry = self._entries.get(id(term))
        if entry is None or entry[0] is not term:
            key, variables, constants = term_shape(term)
            key = self._keys.setdefault(key, key)
            entry = self._entries[id(term)] = (term, (key, variables, constants))
        return entry[1]

    def take(self, term: Any) -> tuple[tuple, tuple, tuple]:
        """`shape`, leaving the memo: its last reader frees the entries as it goes."""
        entry = self._entries.pop(id(term), None)
        if entry is None or entry[0] is not term:
            return term_shape(term)
        return entry[1]


_VAR_KEYS = [("v", k) for k in range(64)]
_CONST_KEYS = [("c", k) for k in range(64)]


def _constant_key(value: float, constants: list[float]) -> tuple:
    constants.append(float(value))
    k = len(constants) - 1
    return _CONST_KEYS[k] if k < 64 else ("c", k)


def _var_key(var: VarData, variables: dict) -> tuple:
    slot = variables.get(var)
    if slot is None:
        slot = variables[var] = len(variables)
    return _VAR_KEYS[slot] if slot < 64 else ("v", slot)


def _shape(expr: Any, variables: dict, constants: list[float]) -> tuple:
    kind = type(expr)
    if kind is Node:
        op, args = expr.op, expr._args
        if type(args) is not tuple:
            args = expr.args
        if len(args) == 2:
            first = _shape(args[0], variables, constants)
            if op == "pow" and type(args[1]) is int:
                return (op, first, ("n", args[1]))
            return (op, first, _shape(args[1], variables, constants))
        return (op, *[_shape(a, variables, constants) for a in args])
    if kind is float or kind is int:
        return _constant_key(expr, constants)
    if kind is LinearExpr:
        pairs = tuple((_var_key(v, variables), _constant_key(c, constants))
                      for v, c in expr.terms.items())
        constant = _constant_key(expr.constant, constants) if expr.constant else None
        return ("lin", pairs, constant)
    if isinstance(expr, VarData):
        return _var_key(expr, variables)
    if isinstance(expr, (int, float)):
        return _constant_key(expr, constants)
    raise ModelError(f"not a model expression: {expr!r}")


def variables_of(expr: Any) -> list[VarData]:
    """The distinct variables of ``expr`` in order of first appearance."""
    seen: dict = {}
    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, VarData):
            seen.setdefault(item, None)
        elif type(item) is LinearExpr:   # its distinct variables, without building .terms
            seen.update(dict.fromkeys(item._flat()[0]))
        elif isinstance(item, Node):
            stack.extend(reversed(item.args))
    return list(seen)


_MATH = {
    "exp": math.exp, "log": math.log, "log10": math.log10, "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "sqrt": math.sqrt, "abs": abs, "tanh": math.tanh, "sinh": math.sinh,
    "cosh": math.cosh, "asin": math.asin, "acos": math.acos, "atan": math.atan, "erf": math.erf,
}


def evaluate(expr: Any) -> float:
    """The value of ``expr`` at the variables' current ``.value``.

    >>> x = VarData(name="x", value=3.0)
    >>> evaluate(2 * x ** 2 + 1)
    19.0
    """
    if isinstance(expr, (int, float)):
        return float(expr)
    if isinstance(expr, VarData):
        if expr.value is None:
            raise ModelError(f"variable '{expr.name}' has no value yet; solve the model or "
                             "give it one (initialize=..., .value = ...)")
        return float(expr.value)
    if type(expr) is LinearExpr:
        return expr.constant + sum(c * evaluate(v) for v, c in expr.terms.items())
    if not isinstance(expr, Node):
        raise ModelError(f"cannot evaluate {expr!r}: not a model expression")
    values = [evaluate(a) for a in expr.args]
    try:
        return _apply(expr.op, values)
    except (ValueError, ZeroDivisionError, OverflowError):
        return math.nan


def _apply(op: str, values: list[float]) -> float:
    if op == "add":
        return math.fsum(values)
    if op == "mul":
        return values[0] * values[1]
    if op == "div":
        return values[0] / values[1]
    if op == "pow":
        return float(values[0] ** values[1])
    if op == "neg":
        return -values[0]
    return float(_MATH[op](values[0]))


def describe_term(node: Any) -> str:
    """Short text of a term for messages (long terms are cut)."""
    text = expr_text(node)
    return text if len(text) <= 80 else text[:77] + "..."
