"""Parametric LP answers: the optimum as formulas in the model's symbolic Params.

A scalar ``Param(..., symbolic=True)`` still has a value, and the model is solved at it.
On the optimal basis found there, the optimal value, the primal values and the shadow prices
are exact affine (the objective: quadratic) functions of the symbolic params, valid on a
polyhedron of param values that this module also gives (an interval for one param):

    "the shadow price of labour is 5*p/3 - 20 while 90 <= b_labour <= 140"

How each Param reaches the LP is found by the model itself: the param is moved by one unit,
the rules that read it are run again (a symbolic Param may only be read inside rules, so
nothing keeps a stale copy; a model file, ``param p symbolic = 40``, is built again), and
the LP data that move are the derivatives
(`symopt.optimize._linear.parametric`). The param is then put back. Params in the constraint
matrix (a coefficient of a variable) make the answer rational rather than affine and are
refused with a clear error.

>>> from symopt.model import Model, Var, Param, Objective, Constraint, maximize
>>> import symopt
>>> m = Model("shop")
>>> m.hours = Param(initialize=40, symbolic=True)
>>> m.x, m.y = Var(bounds=(0, None)), Var(bounds=(0, None))
>>> m.profit = Objective(expr=3 * m.x + 2 * m.y, sense=maximize)
>>> m.labour = Constraint(rule=lambda m: m.x + m.y <= m.hours)
>>> m.wood = Constraint(expr=m.x <= 30)
>>> answer = symopt.solve(m).parametric
>>> answer.objective, answer.duals["labour"], answer.values["y"]
(2*hours + 30, 2, hours - 30)
>>> answer.describe_region()
'30 <= hours'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from symopt.analysis import analyze
from symopt.compile.linear import extract_linear
from symopt.errors import InputError
from symopt.optimize._linear.exact import to_fraction
from symopt.optimize._linear.parametric import parametric_basis
from symopt.optimize.linear_program import LinearProgram

__all__ = ["ParametricAnswer", "parametric_answer", "symbolic_params"]


@dataclass(frozen=True)
class ParametricAnswer:
    """Formulas (sympy expressions in the params' symbols) and where they hold."""

    parameters: dict[str, float]        # name -> the value solved at
    objective: Any
    values: dict[str, Any]              # variable name -> x*(p)
    duals: dict[str, Any]               # constraint name -> shadow price(p)
    reduced_costs: dict[str, Any]
    region: list[Any]                   # sympy relations in the params
    interval: tuple[Any, Any] | None    # (lower, upper) for one param (None: unbounded side)

    def describe_region(self) -> str:
        """Where the formulas hold, in words: an interval for one param, else inequalities."""
        if self.interval is not None:
            (name,) = self.parameters
            low, high = self.interval
            if low is None and high is None:
                return f"every value of {name}"
            text = name if low is None else f"{low} <= {name}"
            return text if high is None else f"{text} <= {high}"
        return " and ".join(str(r) for r in self.region) or "every value of the params"


def symbolic_params(model: Any) -> list:
    """The model's symbolic Params, in declaration order."""
    return [c for c in model.components() if getattr(c, "symbolic", False)]


def _moved_lp(model: Any, param: Any, base: LinearProgram) -> LinearProgram:
    """The LP with ``param`` one unit up (`Model.params_at`: its rules run again, or the
    model file is built again), the param then put back."""
    with model.params_at({param.name: param.value + 1.0}) as moved_model:
        moved = extract_linear(analyze(moved_model))
    if moved.col_names != base.col_names or moved.row_names != base.row_names:
        raise InputError(f"moving param '{param.name}' changes which variables or constraints "
                         "the LP has; its parametric answer is not affine")
    return moved


def parametric_answer(model: Any, lp: LinearProgram, result: Any) -> ParametricAnswer:
    """Formulas of the optimum of ``lp`` (solved as ``result``) in the model's symbolic Params."""
    import sympy
    params = symbolic_params(model)
    moved = [_moved_lp(model, p, lp) for p in params]
    names = [p.name for p in params]
    basis = parametric_basis(lp, result.col_basis, result.row_basis, moved, names)
    symbols = [sympy.Symbol(name, real=True) for name in names]
    deltas = [s - _rational(p.value) for s, p in zip(symbols, params)]

    def affine(base: Fraction, slopes: list) -> Any:
        return sympy.expand(_rational(base) + sum((_rational(d) * delta
                                                   for d, delta in zip(slopes, deltas)),
                                                  sympy.Integer(0)))

    def column(table0: list, table: list, j: int) -> Any:
        return affine(table0[j], [t[j] for t in table])

    n, m = lp.num_cols, lp.num_rows
    x = [column(basis.x0, basis.dx, j) for j in range(n)]
    cost = [column(basis.c0, basis.dc, j) for j in range(n)]
    objective = sympy.expand(affine(basis.offset0, basis.doffset)
                             + sum((c * v for c, v in zip(cost, x)), sympy.Integer(0)))
    region = [_relation(a, b, params, symbols) for a, b, _ in basis.region]
    return ParametricAnswer(
        parameters={p.name: p.value for p in params}, objective=objective,
        values=dict(zip(lp.col_names, x)),
        duals={lp.row_names[i]: column(basis.row_dual0, basis.drow_dual, i) for i in range(m)},
        reduced_costs={lp.col_names[j]: column(basis.col_dual0, basis.dcol_dual, j)
                       for j in range(n)},
        region=[r for r in region if r is not sympy.true],
        interval=_interval(basis.region, params) if len(params) == 1 else None)


def _relation(a: list[Fraction], b: Fraction, params: list, symbols: list) -> Any:
    """``a . (p - p0) <= b`` as a readable relation: integer coefficients on the left, one
    param alone when only one enters (``300 <= b_labour``)."""
    import sympy
    rhs = b + sum((a_k * to_fraction(p.value) for a_k, p in zip(a, params)), Fraction(0))
    used = [(a_k, s) for a_k, s in zip(a, symbols) if a_k != 0]
    if len(used) == 1:
        (a_k, symbol), = used
        bound = _rational(rhs / a_k)
        return sympy.Le(symbol, bound) if a_k > 0 else sympy.Ge(symbol, bound)
    scale = math.lcm(*(a_k.denominator for a_k, _ in used), rhs.denominator)
    lhs = sum((_rational(a_k * scale) * s for a_k, s in used), sympy.Integer(0))
    return sympy.Le(lhs, _rational(rhs * scale))


def _rational(value: Any) -> Any:
    import sympy
    value = value if isinstance(value, Fraction) else to_fraction(value)
    return sympy.Rational(value.numerator, value.denominator)


def _interval(region: list, params: list) -> tuple[Any, Any]:
    """``a delta <= b`` for one param as ``low <= p <= high`` (None for an open side)."""
    base = to_fraction(params[0].value)
    low = high = None
    for (a,), b, _ in region:
        if a > 0:
            high = b / a if high is None else min(high, b / a)
        elif a < 0:
            low = b / a if low is None else max(low, b / a)
    return (None if low is None else _rational(base + low),
            None if high is None else _rational(base + high))
