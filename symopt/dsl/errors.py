"""Syntax errors of `.opt` files in plain words: lark's exceptions become `ParseError`.

A lark error names terminals (``NAME``, ``__ANON_3``); users need ``file:line:col``, the
line with a caret, and what was expected in words::

    m.opt:2:22: expected an expression after '+', found ':'
        minimize f: x + :
                        ^

>>> from symopt.dsl.parser import parse
>>> try:
...     parse("var x\\nminimize f: x + ", "m.opt")
... except ParseError as error:
...     print(error.message)
expected an expression after '+', found the end of the file
"""
from __future__ import annotations

import re
from typing import Mapping

from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from symopt.errors import ParseError, SourceLocation

__all__ = ["parse_error_from_lark", "location_at", "describe_expected", "end_position"]

_EXPRESSION_START = {"NAME", "NUMBER", "LPAR"}
_STATEMENT_START = {"_SET", "_PARAM", "_VAR"}
_STATEMENTS = ("set, param, var, expr, minimize, maximize, subject to, solve, check, fit, data "
               "or options")
_STATEMENT_WORDS = {"set", "param", "var", "expr", "minimize", "maximize", "subject", "solve",
                    "check", "fit", "data", "options"}
_OPERATORS = {"+", "-", "*", "/", "^", "**", "(", ",", "=", "<=", ">=", "==", ":", "~"}
_NAMED_TERMINALS = {
    "NAME": "a name", "NUMBER": "a number", "STRING": 'a quoted string ("...")',
    "SIGNED_NUMBER_NEG": "a number", "$END": "the end of the file",
}
_TOKEN_PATTERN = re.compile(
    r'"[^"\n]*"|#[^\n]*|[A-Za-z_][A-Za-z_0-9]*|\d+(?:\.(?!\.)\d*)?(?:[eE][+-]?\d+)?'
    r'|\*\*|<=|>=|==|!=|\.\.|\S')


def location_at(text: str, filename: str, line: int, column: int) -> SourceLocation:
    """A `SourceLocation` for 1-based ``line``/``column`` of ``text`` (with its source line)."""
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return SourceLocation(filename, line, column, source)


def _terminal_words(name: str, terminals: Mapping[str, str]) -> str:
    """Plain words for one lark terminal name (``PLUS`` -> ``'+'``, ``SET`` -> ``'set'``)."""
    if name in _NAMED_TERMINALS:
        return _NAMED_TERMINALS[name]
    literal = terminals.get(name)
    return f"'{literal}'" if literal is not None else name.lower()


def describe_expected(expected: set[str], terminals: Mapping[str, str] | None = None) -> str:
    """What the parser expected, in words: 'an expression', 'a statement', or a list."""
    expected = {name for name in expected if not name.startswith("__IGNORE")}
    if _EXPRESSION_START <= expected:
        return "an expression"
    if _STATEMENT_START <= expected:
        return f"a statement ({_STATEMENTS})"
    words = sorted({_terminal_words(name, terminals or {}) for name in expected})
    if not words:
        return "nothing more"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _tokens_before(text: str, offset: int, count: int) -> list[tuple[str, int]]:
    """The last ``count`` tokens before ``offset`` as (text, start), comments skipped."""
    found: list[tuple[str, int]] = []
    for match in _TOKEN_PATTERN.finditer(text, 0, offset):
        if not match.group().startswith("#"):
            found.append((match.group(), match.start()))
            del found[:-count]
    return found


def _previous_token(text: str, offset: int) -> str | None:
    """The last token before ``offset`` in ``text`` (comments skipped), or None."""
    tokens = _tokens_before(text, offset, 1)
    return tokens[-1][0] if tokens else None


def _keyword_swallowed(text: str, offset: int) -> tuple[str, str, int] | None:
    """A statement keyword read as a name because the expression before it was unfinished.

    ``x + 2*y +`` followed by ``subject to`` reads ``subject`` as a variable; the real
    mistake is the dangling operator. Returns (operator, keyword, keyword offset).
    """
    tokens = _tokens_before(text, offset, 2)
    if len(tokens) == 2 and tokens[1][0] in _STATEMENT_WORDS and tokens[0][0] in _OPERATORS:
        return tokens[0][0], tokens[1][0], tokens[1][1]
    return None


def _found(token: object) -> str:
    if getattr(token, "type", None) == "$END" or token == "":
        return "the end of the file"
    value = str(token)
    if len(value) > 40:
        value = value[:37] + "..."
    kind = getattr(token, "type", "")
    if kind == "NAME":
        return f"the name '{value}'"
    return f"'{value}'"


def _token_message(exc: UnexpectedToken, text: str, terminals: Mapping[str, str]) -> str:
    offset = exc.token.start_pos if exc.token.start_pos is not None else len(text)
    if exc.token.type == "$END":
        offset = len(text)
    previous = _previous_token(text, offset)
    wanted = describe_expected(set(exc.expected), terminals)
    after = f" after '{previous}'" if previous is not None else ""
    message = f"expected {wanted}{after}, found {_found(exc.token)}"
    glued = _glued_keyword(exc, terminals)
    if glued:
        return message + glued
    if wanted.startswith("a statement") and exc.token.type == "NAME":
        message += ("; a constraint (name: expression <= expression) must follow "
                    "'subject to' or 'solve'")
    return message


def _glued_keyword(exc: UnexpectedToken, terminals: Mapping[str, str]) -> str:
    """A hint when a name starts with a keyword the parser wanted (``varx`` for ``var x``)."""
    if exc.token.type != "NAME":
        return ""
    value = str(exc.token)
    for name in exc.expected:
        word = terminals.get(name, "")
        if word.isidentifier() and len(value) > len(word) and value.startswith(word):
            return (f"; keywords are whole words: '{value}' is one name, write "
                    f"'{word} {value[len(word):]}'")
    return ""


def parse_error_from_lark(exc: LarkError, text: str, filename: str,
                          terminals: Mapping[str, str] | None = None) -> ParseError:
    """Turn a lark exception into a `ParseError` with a location and plain words.

    ``terminals`` maps lark's names of literal terminals to their text (``PLUS`` -> ``+``).
    """
    terminals = terminals or {}
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        offset = token.start_pos if token.type != "$END" and token.start_pos is not None \
            else len(text)
        swallowed = _keyword_swallowed(text, offset)
        if swallowed is not None:
            operator, keyword, start = swallowed
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            return ParseError(f"expected an expression after '{operator}', found the "
                              f"keyword '{keyword}'", location_at(text, filename, line, column))
        if token.type == "$END" or token.line is None:
            line, column = end_position(text)
        else:
            line, column = token.line, token.column
        return ParseError(_token_message(exc, text, terminals), location_at(text, filename, line, column))
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        previous = _previous_token(text, exc.pos_in_stream)
        after = f" after '{previous}'" if previous is not None else ""
        if char == '"':
            message = "a quoted string is not closed on its line (add the closing '\"')"
        else:
            message = (f"unexpected character {char!r}{after}; expected "
                       f"{describe_expected(set(exc.allowed or ()), terminals)}")
        return ParseError(message, location_at(text, filename, exc.line, exc.column))
    if isinstance(exc, UnexpectedInput):
        line, column = end_position(text)
        return ParseError("unexpected end of the file", location_at(text, filename, line, column))
    line, column = end_position(text)
    return ParseError(f"cannot parse the model: {exc}", location_at(text, filename, line, column))


def end_position(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character of ``text``."""
    stripped = text.rstrip()
    if not stripped:
        return 1, 1
    lines = stripped.splitlines()
    return len(lines), len(lines[-1]) + 1
