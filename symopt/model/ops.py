"""The vocabulary of expression nodes: operator and function names, and their precedence.

>>> FUNCTIONS["abs"], PRECEDENCE["pow"] > PRECEDENCE["mul"]
('Abs', True)
"""
from __future__ import annotations

__all__ = ["FUNCTIONS", "BINARY", "PRECEDENCE"]

#: Whitelisted function nodes: op name -> sympy function name.
FUNCTIONS = {
    "exp": "exp", "log": "log", "log10": "log", "sin": "sin", "cos": "cos", "tan": "tan",
    "sqrt": "sqrt", "abs": "Abs", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh",
    "asin": "asin", "acos": "acos", "atan": "atan", "erf": "erf",
}

BINARY = {"mul": "*", "div": "/", "pow": "**"}

#: binding strength of operators when printing (higher binds tighter)
PRECEDENCE = {"add": 1, "neg": 2, "mul": 3, "div": 3, "pow": 5}
