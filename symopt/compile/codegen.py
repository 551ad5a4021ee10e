"""sympy expressions -> numpy functions, through generated Python source.

The only place in symopt that runs ``exec``. What it compiles is text this module
writes itself: the expressions reaching it are *templates* whose free symbols are the
compiler's own placeholders (``v0, v1, ...`` for variables, ``p0, p1, ...`` for
numeric constants), never user names, and the body is printed by sympy's NumPy
printer after common-subexpression elimination. User text never reaches ``exec``, and
no identifier in generated code derives from a user's name, whatever it is
(``lambda``, ``x[1,2]``, ``__import__``): the argument names are checked to be plain
identifiers before any source is written.

>>> import sympy
>>> v0, v1 = placeholders("v", 2)
>>> f = generate_function("f", ["v0", "v1"], [v0 ** 2 * v1, sympy.sin(v0)])
>>> [float(a) for a in f(2.0, 3.0)]
[12.0, 0.9092974268256817]
>>> "def f(v0, v1):" in f.source
True
"""
from __future__ import annotations

import keyword
import math
import re
from typing import Any, Callable, Sequence

import numpy as np
import sympy
from sympy.printing.codeprinter import PrintMethodNotImplementedError
from sympy.printing.numpy import NumPyPrinter

from symopt.errors import CompileError

__all__ = ["placeholders", "generate_function", "generate_source"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def placeholders(prefix: str, count: int) -> list[sympy.Symbol]:
    """The compiler's placeholder symbols ``prefix0 .. prefix{count-1}`` (real-valued).

    >>> placeholders("p", 2)
    [p0, p1]
    """
    return [sympy.Symbol(f"{prefix}{i}", real=True) for i in range(count)]


class _ElementwiseMath:
    """``math.erf`` and friends, applied elementwise: what the printer falls back to."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return np.vectorize(getattr(math, name), otypes=[float])


_PRINTER_SETTINGS = {"fully_qualified_modules": True, "strict": True}


def _print(expr: sympy.Expr, printer: NumPyPrinter) -> str:
    try:
        return printer.doprint(expr)
    except PrintMethodNotImplementedError as exc:
        raise CompileError(
            f"cannot generate numpy code for {expr}: {exc.args[0].splitlines()[0]}; "
            "use the elementary functions (exp, log, sin, cos, tan, sqrt, abs, ...) instead"
        ) from None


def generate_source(name: str, arguments: Sequence[str], outputs: Sequence[sympy.Expr]) -> str:
    """Python source of ``def name(*arguments): return (outputs...)`` with shared subterms."""
    for argument in (name, *arguments):
        if not _IDENTIFIER.match(argument) or keyword.iskeyword(argument):
            raise CompileError(f"internal: {argument!r} is not a safe identifier")
    allowed = set(arguments)
    for expr in outputs:
        unknown = sorted(str(s) for s in sympy.sympify(expr).free_symbols if str(s) not in allowed)
        if unknown:
            raise CompileError(f"expression {expr} has symbols without a value: {', '.join(unknown)}")
    replacements, reduced = sympy.cse(list(outputs), symbols=sympy.numbered_symbols("_t"),
                                      optimizations=None, order="none")
    printer = NumPyPrinter(_PRINTER_SETTINGS)
    lines = [f"def {name}({', '.join(arguments)}):"]
    lines += [f"    {symbol} = {_print(expr, printer)}" for symbol, expr in replacements]
    lines.append(f"    return ({''.join(_print(e, printer) + ', ' for e in reduced)})")
    return "\n".join(lines) + "\n"


def generate_function(
    name: str, arguments: Sequence[str], outputs: Sequence[sympy.Expr],
) -> Callable[..., tuple]:
    """Compile ``outputs`` (sympy expressions in ``arguments``) into one numpy function.

    The function takes the arguments positionally (floats or arrays that broadcast) and
    returns a tuple with one entry per output; ``function.source`` holds its text.
    """
    return function_from_source(name, generate_source(name, arguments, outputs))


def function_from_source(name: str, source: str) -> Callable[..., tuple]:
    """The function ``name`` defined by ``source``, text made by `generate_source` only.

    Used again when a compiled problem is unpickled in another process (a sweep's
    worker): generated functions travel as their source text, never as sympy.
    """
    namespace: dict[str, Any] = {"numpy": np, "math": _ElementwiseMath()}
    exec(compile(source, f"<symopt generated {name}>", "exec"), namespace)
    function = namespace[name]
    function.source = source
    return function
