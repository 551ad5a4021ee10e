"""Elementary functions for model expressions: ``symopt.exp(m.x[1])`` and friends.

Each function builds a ``Node`` for a model expression, folds plain numbers to a float
(``exp(0) == 1.0``) and passes sympy input through to the sympy function of that name,
so the same code works on model variables, numbers and sympy symbols.

>>> from symopt.model.expr import VarData
>>> x = VarData(name="x")
>>> print(exp(2 * x) + sqrt(4))
exp(2*x) + 2
>>> import sympy
>>> log(sympy.Symbol("t"))
log(t)
"""
from __future__ import annotations

import math
from typing import Any

from symopt.errors import ModelError
from symopt.model.expr import FUNCTIONS, Expr, LinearExpr, Node, as_expression

__all__ = sorted(FUNCTIONS)

_NUMERIC = {
    "exp": math.exp, "log": math.log, "log10": math.log10, "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "sqrt": math.sqrt, "abs": abs, "tanh": math.tanh, "sinh": math.sinh,
    "cosh": math.cosh, "asin": math.asin, "acos": math.acos, "atan": math.atan, "erf": math.erf,
}


def apply_function(op: str, arg: Any) -> Any:
    """Apply the whitelisted function ``op`` (a key of FUNCTIONS) to ``arg``."""
    if type(arg).__module__.startswith("sympy"):
        import sympy  # lazy: only sympy input needs sympy here
        if op == "log10":
            return sympy.log(arg, 10)
        return getattr(sympy, FUNCTIONS[op])(arg)
    value = as_expression(arg)
    if isinstance(value, Expr):
        constant = value.constant if type(value) is LinearExpr and not value.terms else None
        if constant is None:
            return Node(op, (value,))
        value = constant
    try:
        return float(_NUMERIC[op](value))
    except (ValueError, OverflowError) as error:
        raise ModelError(f"{op}({value}) is undefined: {error}") from None


def exp(arg: Any) -> Any:
    """e to the power ``arg``."""
    return apply_function("exp", arg)


def log(arg: Any) -> Any:
    """Natural logarithm."""
    return apply_function("log", arg)


def log10(arg: Any) -> Any:
    """Base-10 logarithm."""
    return apply_function("log10", arg)


def sqrt(arg: Any) -> Any:
    """Square root."""
    return apply_function("sqrt", arg)


def sin(arg: Any) -> Any:
    """Sine (radians)."""
    return apply_function("sin", arg)


def cos(arg: Any) -> Any:
    """Cosine (radians)."""
    return apply_function("cos", arg)


def tan(arg: Any) -> Any:
    """Tangent (radians)."""
    return apply_function("tan", arg)


def asin(arg: Any) -> Any:
    """Inverse sine."""
    return apply_function("asin", arg)


def acos(arg: Any) -> Any:
    """Inverse cosine."""
    return apply_function("acos", arg)


def atan(arg: Any) -> Any:
    """Inverse tangent."""
    return apply_function("atan", arg)


def sinh(arg: Any) -> Any:
    """Hyperbolic sine."""
    return apply_function("sinh", arg)


def cosh(arg: Any) -> Any:
    """Hyperbolic cosine."""
    return apply_function("cosh", arg)


def tanh(arg: Any) -> Any:
    """Hyperbolic tangent."""
    return apply_function("tanh", arg)


def erf(arg: Any) -> Any:
    """The error function."""
    return apply_function("erf", arg)


def abs(arg: Any) -> Any:  # noqa: A001 - mirrors the math name users expect
    """Absolute value (nonsmooth at 0: gradient-based methods may struggle there)."""
    return apply_function("abs", arg)
