"""Plain scalar constraints (`symopt.dsl.statements.Plain`) read straight into rows.

A generated model states most of its rows as ``c17: x3 + 2*x9 >= 4``. The array builder
would make each one's lark tree and evaluate it over a one-row frame; here the text of
such a constraint is read with the grammar's token patterns and its row computed with
the same float operations, in the same order, as `VectorEvaluator` applies to the tree
(``_v_add``, ``_v_sub``, ``_v_neg``, ``_v_mul`` on a `Lin` or a `Num`), so the rows are
the same. Rows of consecutive plain constraints are gathered into one `RowBlock`.

`PlainRows.take` declines (returns False) whenever the tree path could answer otherwise:
a name that is not a scalar variable the arrays made (a param, a named expression, an
undeclared or broken name), a constraint name already taken or reserved, a number
beyond the float range, a side without variables, an error recorded earlier. The
builder then reads that constraint's tree as before, with its located error.
"""
from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np
from lark import Token

from symopt.dsl.indexing import number_of

__all__ = ["PlainRows"]


@functools.lru_cache(maxsize=1)
def _piece() -> re.Pattern:
    """One token of a plain constraint after ignored text (the grammar's patterns)."""
    from symopt.dsl.parser import get_parser
    from symopt.dsl.statements import ignored_pattern
    terminals = {t.name: re.sub(r"(?<!\\)\((?!\?)", "(?:", t.pattern.to_regexp())
                 for t in get_parser().terminals}         # groups not captured: findall
    return re.compile(f"{ignored_pattern()}"
                      f"({terminals['NAME']}|{terminals['NUMBER']}|<=|>=|==|=|[-+*:])")


class PlainRows:
    """Rows of consecutive plain constraints, waiting to become one `RowBlock`."""

    def __init__(self, builder: Any):
        self.builder = builder
        self.names: list[str] = []
        self.counts: list[int] = []
        self.cols: list[int] = []
        self.coefs: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def take(self, plain: Any, shapes: Any) -> bool:
        """Add the row of ``plain``; False (nothing added) when the tree must decide."""
        builder = self.builder
        pieces = _piece().findall(shapes.text, plain.start, plain.end)
        name = pieces[0]
        if (builder.result.errors or builder.broken or name in builder.defined
                or name in builder.forced or name.startswith("__")):
            return False
        try:
            at = next(i for i, p in enumerate(pieces) if p in _RELATIONS)
            left = self._side(pieces[2:at])
            right = self._side(pieces[at + 1:])
        except (_Decline, ValueError, OverflowError):
            return False
        body = _add(left, _negate(right))
        if not isinstance(body, tuple):
            return False                      # no variables: the tree path's error
        cols, coefs, const = body
        bound = 0.0 - const
        op = pieces[at]
        line, column = shapes.place.line_column(plain.start)
        end_line, end_column = shapes.place.line_column(plain.start + len(name))
        builder.declare(Token("NAME", name, plain.start, line, column, end_line, end_column,
                              plain.start + len(name)), "constraint")
        builder.vectorized.append(name)
        self.names.append(name)
        self.counts.append(len(cols))
        self.cols.extend(cols)
        self.coefs.extend(coefs)
        self.lower.append(bound if op in ("=", "==", ">=") else -np.inf)
        self.upper.append(bound if op in ("=", "==", "<=") else np.inf)
        return True

    def _side(self, pieces: list[str]) -> Any:
        """The value of ``[-] term (+|- term)*``, left to right as lark groups it."""
        negative = bool(pieces) and pieces[0] == "-"
        position = 1 if negative else 0
        value, position = self._term(pieces, position, negative)
        while position < len(pieces):
            op = pieces[position]
            term, position = self._term(pieces, position + 1, False)
            value = _add(value, term if op == "+" else _negate(term))
        return value

    def _term(self, pieces: list[str], position: int, negative: bool) -> tuple[Any, int]:
        """``NUMBER * NAME``, ``NAME`` or ``NUMBER`` at ``position`` (after a leading '-':
        lark's ``neg`` of the number or of the name)."""
        first = pieces[position]
        if first[0].isdigit() or first[0] == ".":
            number = float(number_of(first))
            if negative:
                number = -number
            if position + 1 < len(pieces) and pieces[position + 1] == "*":
                col = self._column(pieces[position + 2])
                return ([col], [1.0 * number], 0.0 * number), position + 3
            return number, position + 1
        col = self._column(first)
        value = ([col], [1.0], 0.0)
        return (_negate(value) if negative else value), position + 1

    def _column(self, name: str) -> int:
        """The global column of a scalar variable the arrays made (else `_Decline`)."""
        vector = self.builder.vector
        if name in vector.symbols.params or name in vector.expressions:
            raise _Decline(name)
        family = vector.families.get(name)
        if family is None or family.index is not None:
            raise _Decline(name)
        return family.offset

    def flush(self) -> None:
        """Hand the gathered rows to the builder as one `RowBlock`."""
        if not self.names:
            return
        from symopt.dsl.vectorize.builder import RowBlock
        from symopt.dsl.vectorize.names import NameBlock
        size = len(self.names)
        block = RowBlock(NameBlock(self.names[0], 0, size, None, self.names),
                         np.repeat(np.arange(size, dtype=np.int64), self.counts),
                         np.array(self.cols, dtype=np.int64), np.array(self.coefs, dtype=float),
                         np.array(self.lower, dtype=float), np.array(self.upper, dtype=float))
        self.builder.row_blocks.append(block)
        self.__init__(self.builder)


_RELATIONS = frozenset({"<=", ">=", "==", "="})


class _Decline(Exception):
    """The constraint is for the tree path."""


def _add(left: Any, right: Any) -> Any:
    """`VectorEvaluator._add` on one row: a ``(cols, coefs, const)`` or a float."""
    if isinstance(left, tuple) and isinstance(right, tuple):
        return left[0] + right[0], left[1] + right[1], left[2] + right[2]
    if isinstance(left, tuple):
        return left[0], left[1], left[2] + right
    if isinstance(right, tuple):
        return right[0], right[1], right[2] + left
    return left + right


def _negate(value: Any) -> Any:
    if isinstance(value, tuple):
        return value[0], [-c for c in value[1]], -value[2]
    return -value
