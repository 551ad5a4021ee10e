"""The one error root of symopt, with source locations.

Every error a user can cause derives from :class:`SymoptError`; each subclass
also derives from the matching built-in so ``except ValueError`` keeps working::

    SymoptError
    ├── ModelError(ValueError)        a model component is wrong (names the component)
    │   └── ParseError                 an .opt / .lp / .mps file is wrong (file:line:col)
    ├── CompileError(ValueError)       a model cannot be turned into numbers (names the term)
    ├── RoutingError(ValueError)       no method fits, or a method was asked for that cannot
    ├── InputError(ValueError)         a bad argument to a solver front door (names the argument)
    └── SolverError(RuntimeError)      a breakdown that cannot be reported as a status

Infeasible, unbounded and iteration limits are *statuses* on results, never errors.

>>> loc = SourceLocation("m.opt", 2, 5, "x + * y")
>>> print(ParseError("expected an expression after '+'", loc))
m.opt:2:5: expected an expression after '+'
    x + * y
        ^
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "SourceLocation", "SymoptError", "ModelError", "ParseError", "CompileError",
    "RoutingError", "InputError", "SolverError",
]


_WIDEST_LINE = 120    # longer source lines are shown as a window around the column


@dataclass(frozen=True)
class SourceLocation:
    """Where in a file something is: 1-based line and column, and the line's text."""

    file: str
    line: int
    column: int
    source_line: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def caret(self) -> str:
        """The source line with a caret under the column, indented by four spaces."""
        if not self.source_line:
            return ""
        text = self.source_line.rstrip("\n").expandtabs(1)
        column = max(self.column - 1, 0)
        if len(text) > _WIDEST_LINE:       # a window around the column, marked with '...'
            start = max(column - _WIDEST_LINE // 2, 0)
            end = start + _WIDEST_LINE
            text = ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")
            column = column - start + (3 if start else 0)
        return f"    {text}\n    {' ' * column}^"


class SymoptError(Exception):
    """Root of every symopt error; carries an optional :class:`SourceLocation`."""

    def __init__(self, message: str, location: SourceLocation | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        text = f"{self.location}: {self.message}"
        caret = self.location.caret()
        return f"{text}\n{caret}" if caret else text


class ModelError(SymoptError, ValueError):
    """A model component is wrong: the message names the component."""


class ParseError(ModelError):
    """A model file is wrong: always carries a location."""


class CompileError(SymoptError, ValueError):
    """A model cannot be compiled: names the term and the component it sits in."""


class RoutingError(SymoptError, ValueError):
    """No method fits the problem, or the one asked for cannot solve it."""


class InputError(SymoptError, ValueError):
    """A bad argument to a solver front door: names the argument and what was expected."""


class SolverError(SymoptError, RuntimeError):
    """A solver breakdown that cannot be reported as a status on the result."""
