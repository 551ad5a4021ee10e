"""symopt: declare optimization models symbolically, solve them with native numpy solvers.

The modeling API (``Model``, ``Set``, ``Param``, ``Var``, ``Objective``, ``Constraint``,
``Expression``, domains, ``exp``/``log``/... and ``quicksum``/``between``/``value``) and the
error classes are imported eagerly (``symopt.abs`` too, but it is left out of ``__all__`` so
that ``from symopt import *`` never shadows the built-in ``abs``): they load no solver and no sympy. ``solve``,
``solve_minimize``, ``solve_equations``, ``fit``, ``analyze`` and ``Solution`` load their
stage on first use (module ``__getattr__``), so ``import symopt`` stays fast.

>>> import symopt
>>> m = symopt.Model("demo")
>>> m.x = symopt.Var(bounds=(1, 5))
>>> print(symopt.between(1, 2 * m.x, 3))
1 <= 2*x <= 3
"""
from __future__ import annotations

import importlib
from typing import Any

from symopt.errors import (
    CompileError, InputError, ModelError, ParseError, RoutingError, SolverError, SourceLocation,
    SymoptError,
)
from symopt.model import (
    Binary, BuildCheck, Constraint, Expression, Integers, Model, NonNegativeIntegers, NonNegativeReals,
    NonPositiveReals, Objective, Param, RangeSet, Reals, Set, Var, abs, acos, asin, atan,
    between, cos, cosh, erf, exp, log, log10, maximize, minimize, quicksum, sin, sinh, sqrt, tan,
    tanh, value,
)

__version__ = "0.1.0"

#: names loaded on first use: name -> module that defines it
_LAZY = {
    "solve": "symopt.pipeline",
    "solve_minimize": "symopt.symbolic",
    "solve_equations": "symopt.symbolic",
    "fit": "symopt.symbolic",
    "Solution": "symopt.solution.types",
    "analyze": "symopt.analysis",
    "check_derivatives": "symopt.derivative_check",
    "solve_many": "symopt.sweep.run",
    "grid": "symopt.sweep.scenarios",
    "starts": "symopt.multistart",
    "Sweep": "symopt.sweep.table",
}

__all__ = [
    "__version__",
    # errors
    "SymoptError", "ModelError", "ParseError", "CompileError", "RoutingError", "InputError",
    "SolverError", "SourceLocation",
    # modeling
    "Model", "Set", "RangeSet", "Param", "Var", "Objective", "Constraint", "Expression",
    "BuildCheck", "minimize", "maximize", "Reals", "NonNegativeReals", "NonPositiveReals", "Integers",
    "NonNegativeIntegers", "Binary", "quicksum", "between", "value",
    # functions
    "exp", "log", "log10", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "tanh", "erf",
    # later stages (lazy)
    "solve", "solve_minimize", "solve_equations", "fit", "Solution", "analyze",
    "check_derivatives",
    "solve_many", "grid", "starts", "Sweep",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'symopt' has no attribute {name!r}")
    attribute = getattr(importlib.import_module(module), name)
    globals()[name] = attribute
    return attribute


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
