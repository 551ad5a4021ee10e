"""Readable text of model expressions and relations, for messages and reports.

Reads expressions through their documented shape only (numbers; nodes with ``op`` and
``args``; affine sums with ``terms`` and ``constant``; variables with ``name``), so it
imports none of the expression classes.

>>> number_text(2.0), number_text(0.1 + 0.2), member_name("x", ("a", 3))
('2', '0.3', 'x[a,3]')
"""
from __future__ import annotations

from typing import Any

from symopt.model.ops import BINARY, PRECEDENCE

__all__ = ["expr_text", "number_text", "relation_text", "member_name"]


def member_name(base: str, index: tuple) -> str:
    """"x" for (), "x[3]" for (3,), "x[a,b]" for ("a", "b")."""
    size = len(index)
    if size == 2:
        return f"{base}[{index[0]},{index[1]}]"
    if size == 1:
        return f"{base}[{index[0]}]"
    return f"{base}[{','.join(map(str, index))}]" if size else base



def relation_text(body: Any, lower: float | None, upper: float | None) -> str:
    """``lower <= body <= upper`` with absent sides left out; ``body == v`` for equalities."""
    text = expr_text(body)
    if lower is not None and lower == upper:
        return f"{text} == {number_text(lower)}"
    text = text if lower is None else f"{number_text(lower)} <= {text}"
    return text if upper is None else f"{text} <= {number_text(upper)}"


def number_text(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{float(value):.12g}"


def expr_text(expr: Any) -> str:
    """Readable text of an expression, e.g. ``100*(y - x**2)**2``."""
    if isinstance(expr, (int, float)):
        return number_text(expr)
    if getattr(expr, "op", None) is not None:
        return _node_text(expr)
    if hasattr(expr, "constant") and hasattr(expr, "terms"):
        parts = [(c, v.name) for v, c in expr.terms.items()]
        if expr.constant or not parts:
            parts.append((expr.constant, ""))
        return _join_sum(parts)
    name = getattr(expr, "name", None)
    return name if isinstance(name, str) else str(expr)


def _join_sum(parts: list) -> str:
    text = ""
    for coef, name in parts:
        sign = "-" if coef < 0 else "+"
        size = abs(coef)
        body = number_text(size) if not name else (name if size == 1 else f"{number_text(size)}*{name}")
        text = (("-" if sign == "-" else "") + body) if not text else f"{text} {sign} {body}"
    return text


def _wrapped(expr: Any, parent: int) -> str:
    text = expr_text(expr)
    if getattr(expr, "op", None) is not None:
        mine = PRECEDENCE.get(expr.op, 9)
    elif hasattr(expr, "constant") and hasattr(expr, "terms"):
        mine = 1 if len(expr.terms) + (expr.constant != 0) > 1 else (3 if text[:1] != "-" else 2)
    elif isinstance(expr, (int, float)) and expr < 0:
        mine = 2
    else:
        mine = 9
    return f"({text})" if mine <= parent else text


def _node_text(node: Any) -> str:
    op, args = node.op, node.args
    if op == "add":
        text = expr_text(args[0])
        for arg in args[1:]:
            if getattr(arg, "op", None) == "neg":
                text += " - " + _wrapped(arg.args[0], 1)
            else:
                piece = expr_text(arg)
                text += (" - " + piece[1:]) if piece.startswith("-") else " + " + piece
        return text
    if op == "neg":
        return "-" + _wrapped(args[0], 2)
    if op in BINARY:
        level = PRECEDENCE[op]
        left = _wrapped(args[0], level if op == "pow" else level - 1)
        return f"{left}{BINARY[op]}{_wrapped(args[1], level)}"
    return f"{op}({expr_text(args[0])})"
