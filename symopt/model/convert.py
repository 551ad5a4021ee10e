"""sympy -> model expressions, and shape keys -> sympy templates.

:func:`from_sympy` turns a sympy expression (or relational, or sympy True/False) built
elsewhere into a model expression, mapping its Symbols to variables through a
``{Symbol: VarData}`` map (``Model.symbol_map()``), so that sympy input joins the fast
affine path. :func:`shape_to_sympy` builds the sympy formula of a term shape (see
``symopt.model.terms.term_shape``) over placeholder symbols ``v0, v1, ...`` and
``c0, c1, ...``, which the compiler differentiates once per shape.

No string ever reaches sympy here: expressions are built from sympy objects and numbers.

>>> import sympy
>>> from symopt.model.expr import VarData
>>> x = VarData(name="x")
>>> e = from_sympy(2 * x.symbol + 3, {x.symbol: x})
>>> type(e).__name__, e.terms[x], e.constant
('LinearExpr', 2.0, 3.0)
>>> shape_to_sympy(("pow", ("v", 0), ("n", 2)))
(v0**2, (v0,), ())
"""
from __future__ import annotations

from typing import Any, Sequence

from symopt.errors import ModelError
from symopt.model.export import sympy_operation
from symopt.model.expr import FUNCTIONS, Relation, between, quicksum
from symopt.model.functions import apply_function

__all__ = ["from_sympy", "shape_to_sympy", "shape_expr"]

_SYMPY_TO_OP = {sympy_name: op for op, sympy_name in FUNCTIONS.items() if op != "log10"}


def from_sympy(expr: Any, symbol_map: dict) -> Any:
    """Convert a sympy expression into a model expression (float, LinearExpr or Node).

    Relationals become :class:`~symopt.model.expr.Relation`; sympy ``True``/``False``
    become Python bools (the caller reports an always-true/false constraint by name).
    """
    import sympy
    if isinstance(expr, (bool, sympy.logic.boolalg.BooleanAtom)):
        return bool(expr)
    if isinstance(expr, sympy.core.relational.Relational):
        return _relation(expr, symbol_map, sympy)
    if not isinstance(expr, sympy.Basic):
        return expr
    return _convert(expr, symbol_map, sympy)


def _relation(rel: Any, symbol_map: dict, sympy: Any) -> Relation:
    lhs = _convert(rel.lhs, symbol_map, sympy)
    rhs = _convert(rel.rhs, symbol_map, sympy)
    kind = rel.rel_op
    if kind in ("<", ">"):
        raise ModelError(f"strict inequality '{rel}' is not supported; use '<=' or '>='")
    if kind == "<=":
        return between(None, lhs - rhs, 0.0) if not isinstance(rhs, float) else between(None, lhs, rhs)
    if kind == ">=":
        return between(0.0, lhs - rhs, None) if not isinstance(rhs, float) else between(rhs, lhs, None)
    if kind == "==":
        body = lhs - rhs if not isinstance(rhs, float) else lhs
        bound = 0.0 if not isinstance(rhs, float) else rhs
        return between(bound, body, bound)
    raise ModelError(f"unsupported relation '{rel}': expected <=, >= or ==")


def _convert(expr: Any, symbol_map: dict, sympy: Any) -> Any:
    if expr.is_Number or expr.is_NumberSymbol:
        value = float(expr)
        return value
    if expr.is_Symbol:
        var = symbol_map.get(expr)
        if var is None:
            raise ModelError(f"the sympy symbol '{expr}' is not a variable of this model; "
                             "use the model's variables (m.x[i].symbol) in sympy expressions")
        return var
    args = [_convert(a, symbol_map, sympy) for a in expr.args]
    if expr.is_Add:
        return quicksum(args)
    if expr.is_Mul:
        result = args[0]
        for arg in args[1:]:
            result = result * arg
        return result
    if expr.is_Pow:
        return args[0] ** args[1]
    name = type(expr).__name__
    op = _SYMPY_TO_OP.get(name)
    if op is None or len(args) != 1:
        raise ModelError(f"the sympy function '{name}' in '{expr}' is not supported; "
                         f"expected one of {', '.join(sorted(FUNCTIONS))}")
    return apply_function(op, args[0])


def shape_to_sympy(key: tuple) -> tuple[Any, tuple, tuple]:
    """The sympy template of a shape key: ``(expr, var_symbols, const_symbols)``.

    Variables are ``v0, v1, ...`` (real) and constants ``c0, c1, ...`` (real), numbered as
    in the key, so ``var_symbols[k]`` stands for ``term_shape(...)[1][k]``.
    """
    import sympy
    counts = {"v": 0, "c": 0}
    _count_slots(key, counts)
    var_symbols = tuple(sympy.Symbol(f"v{k}", real=True) for k in range(counts["v"]))
    const_symbols = tuple(sympy.Symbol(f"c{k}", real=True) for k in range(counts["c"]))
    expr = _template(key, var_symbols, const_symbols, sympy)
    return expr, var_symbols, const_symbols


def _count_slots(key: Any, counts: dict) -> None:
    if not isinstance(key, tuple) or not key:
        return
    if key[0] in ("v", "c") and len(key) == 2 and isinstance(key[1], int):
        counts[key[0]] = max(counts[key[0]], key[1] + 1)
        return
    for part in (key[1:] if isinstance(key[0], str) else key):
        _count_slots(part, counts)


def shape_expr(key: tuple, var_symbols: Sequence[Any], const_symbols: Sequence[Any]) -> Any:
    """The sympy expression of a shape key in the given symbols: ``("v", k)`` becomes
    ``var_symbols[k]`` and ``("c", k)`` becomes ``const_symbols[k]``; an unknown operation is
    a KeyError naming it."""
    import sympy
    return _template(key, var_symbols, const_symbols, sympy)


def _template(key: tuple, vs: Sequence[Any], cs: Sequence[Any], sympy: Any) -> Any:
    tag = key[0]
    if tag == "v":
        return vs[key[1]]
    if tag == "c":
        return cs[key[1]]
    if tag == "n":
        return sympy.Integer(key[1])
    if tag == "lin":
        parts = [_template(c, vs, cs, sympy) * _template(v, vs, cs, sympy) for v, c in key[1]]
        if key[2] is not None:
            parts.append(_template(key[2], vs, cs, sympy))
        return sympy.Add(*parts)
    return sympy_operation(tag, [_template(part, vs, cs, sympy) for part in key[1:]], sympy)
