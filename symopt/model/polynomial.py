"""Exact affine detection for nonlinear terms that cancel: ``(x + 1)**2 - x**2`` is ``2*x + 1``.

Operator overloading keeps ``2*(x + y) - x`` affine by construction, but products and
powers become ``Node`` terms even when they cancel. :func:`affine_part` expands a short
list of terms as polynomials (monomials keyed by the sorted tuple of their variables) and
returns the equivalent ``LinearExpr`` when every monomial of degree two or more cancels.
Terms with functions, divisions by expressions or non-integer powers are not polynomial
and are left alone; so are long sums (more than ``MAX_TERMS`` terms) and expansions that
grow past ``MAX_MONOMIALS``, which keeps the check cheap on large models.

>>> from symopt.model.expr import VarData
>>> from symopt.model.terms import split_terms
>>> x, y = VarData(name="x"), VarData(name="y")
>>> print(affine_part(split_terms((x + 1) ** 2 - x ** 2 + x * y - y * x)[1]))
2*x + 1
>>> affine_part(split_terms(x * y)[1]) is None
True
"""
from __future__ import annotations

from typing import Any

from symopt.model.expr import LinearExpr, Node, VarData

__all__ = ["affine_part", "degree", "MAX_TERMS", "MAX_MONOMIALS"]

MAX_TERMS = 50
MAX_MONOMIALS = 500
_RELATIVE_ZERO = 1e-12


class _NotPolynomial(Exception):
    pass


def affine_part(terms: list) -> LinearExpr | None:
    """The LinearExpr equal to ``sum(terms)`` when its nonlinear monomials cancel, else None."""
    if not terms or len(terms) > MAX_TERMS:
        return None
    total: dict = {}
    try:
        for term in terms:
            _accumulate(total, _polynomial(term), 1.0)
    except _NotPolynomial:
        return None
    scale = max((abs(c) for c in total.values()), default=0.0)
    kept = {m: c for m, c in total.items() if abs(c) > _RELATIVE_ZERO * scale}
    if any(len(monomial) > 1 for monomial in kept):
        return None
    constant = kept.pop((), 0.0)
    return LinearExpr({monomial[0]: coef for monomial, coef in kept.items()}, constant)


def degree(expr: Any) -> float:
    """The polynomial degree of ``expr`` without expanding it (``inf`` when not a polynomial).

    >>> from symopt.model.expr import VarData
    >>> x, y = VarData(name="x"), VarData(name="y")
    >>> degree(3 * x * y + x), degree((x + y) ** 2 / 2), degree(x / y)
    (2, 2, inf)
    """
    if isinstance(expr, (int, float)):
        return 0
    if isinstance(expr, VarData):
        return 1
    if type(expr) is LinearExpr:
        return 1 if expr.terms else 0
    if not isinstance(expr, Node):
        return float("inf")
    op, args = expr.op, expr.args
    if op == "add":
        return max(degree(a) for a in args)
    if op == "neg":
        return degree(args[0])
    if op == "mul":
        return degree(args[0]) + degree(args[1])
    if op == "div":
        return degree(args[0]) if degree(args[1]) == 0 else float("inf")
    if op == "pow" and isinstance(args[1], int) and args[1] >= 0:
        return args[1] * degree(args[0])
    return float("inf")


def _accumulate(target: dict, source: dict, factor: float) -> None:
    for monomial, coef in source.items():
        target[monomial] = target.get(monomial, 0.0) + factor * coef
    if len(target) > MAX_MONOMIALS:
        raise _NotPolynomial


def _polynomial(expr: Any) -> dict:
    if isinstance(expr, (int, float)):
        return {(): float(expr)}
    if isinstance(expr, VarData):
        return {(expr,): 1.0}
    if type(expr) is LinearExpr:
        poly = {(var,): coef for var, coef in expr.terms.items()}
        if expr.constant:
            poly[()] = expr.constant
        return poly
    if not isinstance(expr, Node):
        raise _NotPolynomial
    return _node_polynomial(expr.op, expr.args)


def _node_polynomial(op: str, args: tuple) -> dict:
    if op == "add":
        total: dict = {}
        for arg in args:
            _accumulate(total, _polynomial(arg), 1.0)
        return total
    if op == "neg":
        return {m: -c for m, c in _polynomial(args[0]).items()}
    if op == "mul":
        return _product(_polynomial(args[0]), _polynomial(args[1]))
    if op == "div":
        denominator = _polynomial(args[1])
        if set(denominator) != {()}:
            raise _NotPolynomial
        return {m: c / denominator[()] for m, c in _polynomial(args[0]).items()}
    if op == "pow" and isinstance(args[1], int) and 0 <= args[1] <= 8:
        base = _polynomial(args[0])
        result: dict = {(): 1.0}
        for _ in range(args[1]):
            result = _product(result, base)
        return result
    raise _NotPolynomial


def _product(left: dict, right: dict) -> dict:
    result: dict = {}
    for m1, c1 in left.items():
        for m2, c2 in right.items():
            monomial = tuple(sorted(m1 + m2, key=id))
            result[monomial] = result.get(monomial, 0.0) + c1 * c2
        if len(result) > MAX_MONOMIALS:
            raise _NotPolynomial
    return result
