"""Model expressions -> sympy (the reverse lives in ``symopt.model.convert``).

Reads expressions through their documented shape (numbers; nodes with ``op``/``args``;
affine sums with ``terms``/``constant``; variables with ``symbol``), so the expression
classes can offer ``_sympy_`` without an import cycle. sympy is imported on first use.
"""
from __future__ import annotations

from typing import Any

from symopt.model.ops import FUNCTIONS

__all__ = ["to_sympy", "sympy_operation"]


def to_sympy(expr: Any) -> Any:
    """The sympy expression of a model expression (numbers become sympy numbers).

    >>> from symopt.model.expr import VarData
    >>> x = VarData(name="x")
    >>> to_sympy(2 * x + 1)
    2*x + 1
    """
    import sympy  # lazy: only the nonlinear and reporting paths need sympy
    return _sympy_of(expr, sympy)


def _sympy_number(value: float | int, sympy: Any) -> Any:
    if isinstance(value, int) or float(value).is_integer():
        return sympy.Integer(int(value))
    return sympy.Float(value)


def _sympy_of(expr: Any, sympy: Any) -> Any:
    if isinstance(expr, (int, float)):
        return _sympy_number(expr, sympy)
    if getattr(expr, "op", None) is None:
        if hasattr(expr, "constant") and hasattr(expr, "terms"):
            parts = [_sympy_number(c, sympy) * v.symbol for v, c in expr.terms.items()]
            return sympy.Add(*parts, _sympy_number(expr.constant, sympy))
        if hasattr(expr, "symbol"):
            return expr.symbol
        return sympy.sympify(expr, strict=True)
    return sympy_operation(expr.op, [_sympy_of(a, sympy) for a in expr.args], sympy)


def sympy_operation(op: str, args: list, sympy: Any) -> Any:
    """The sympy expression of the operation ``op`` (``"add"``, ``"mul"``, ``"div"``,
    ``"pow"``, ``"neg"``, ``"log10"`` or a name in :data:`FUNCTIONS`) on sympy ``args``;
    a KeyError for any other ``op``.

    >>> import sympy
    >>> sympy_operation("log10", [sympy.Symbol("x")], sympy)
    log(x)/log(10)
    """
    if op == "add":
        return sympy.Add(*args)
    if op == "mul":
        return sympy.Mul(*args)
    if op == "div":
        return args[0] / args[1]
    if op == "pow":
        return sympy.Pow(args[0], args[1])
    if op == "neg":
        return -args[0]
    if op == "log10":
        return sympy.log(args[0], 10)
    return getattr(sympy, FUNCTIONS[op])(*args)
