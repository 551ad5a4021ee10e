"""The `.opt` parser: lark's LALR parser over ``grammar/opt.lark``, built once and cached.

The grammar ships inside the wheel as the package ``symopt.grammar`` and is read with
:mod:`importlib.resources`, so it is found from a checkout and from an installed wheel
alike. Building the LALR tables costs ~0.15 s; lark's cache (a file in the user's cache
directory, keyed by the grammar's hash) cuts that to ~0.015 s. When no cache directory is
writable the parser is simply built every time.

>>> tree = parse("var x = 1\\nminimize f: (x - 2)^2", "m.opt")
>>> [child.data for child in tree.children]
['var_stmt', 'objective']
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
from importlib import resources
from pathlib import Path

from lark import Lark, Tree
from lark.exceptions import LarkError

from symopt.dsl.errors import location_at, parse_error_from_lark
from symopt.errors import ParseError

__all__ = ["grammar_text", "get_parser", "literal_terminals", "parse", "syntax_errors",
           "STATEMENT_PARSE_SIZE"]

#: model text from this many characters on is parsed statement by statement
#: (`symopt.dsl.statements`: one lark parse per statement shape)
STATEMENT_PARSE_SIZE = 20_000


def grammar_text() -> str:
    """The text of ``opt.lark``, from the installed ``symopt.grammar`` package."""
    return resources.files("symopt.grammar").joinpath("opt.lark").read_text(encoding="utf-8")


def _cache_file(grammar: str) -> str | None:
    """A writable cache file path for this grammar version, or None when there is none."""
    if os.environ.get("SYMOPT_CACHE_DIR"):
        folder = Path(os.environ["SYMOPT_CACHE_DIR"])
    elif os.environ.get("XDG_CACHE_HOME"):
        folder = Path(os.environ["XDG_CACHE_HOME"]) / "symopt"
    else:
        folder = Path.home() / ".cache" / "symopt"
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return str(folder / f"opt-grammar-{digest}.lark-cache")


@functools.lru_cache(maxsize=1)
def get_parser() -> Lark:
    """The LALR parser of the `.opt` language (built once per process, cached on disk)."""
    grammar = grammar_text()
    options = dict(parser="lalr", lexer="contextual", propagate_positions=True,
                   maybe_placeholders=False)
    cache = _cache_file(grammar)
    if cache is not None:
        try:
            return Lark(grammar, cache=cache, **options)
        except OSError:
            pass  # an unreadable or unwritable cache: build without it
    return Lark(grammar, **options)


_WHOLE_WORD = "(?![A-Za-z_0-9])"


@functools.lru_cache(maxsize=1)
def literal_terminals() -> dict[str, str]:
    """Lark's names of the grammar's literal terminals -> their text (``PLUS`` -> ``+``)."""
    words = {}
    for terminal in get_parser().terminals:
        if terminal.pattern.type == "str":
            words[terminal.name] = terminal.pattern.value
        elif terminal.pattern.value.endswith(_WHOLE_WORD):     # keywords: whole words
            words[terminal.name] = terminal.pattern.value[:-len(_WHOLE_WORD)]
    return words


def parse(text: str, filename: str = "<string>") -> Tree:
    """Parse `.opt` source text into a lark tree; syntax errors raise `ParseError`.

    Parameters
    ----------
    text : str
        The model source.
    filename : str
        Shown in error locations (``file:line:col``).

    Returns
    -------
    lark.Tree
        The syntax tree, with line and column on every node (``tree.meta``). A large
        table or member list in its plainest form is read by `symopt.dsl.literals`
        and hangs, scanned, on its empty node (``node.meta.fast``).

    Examples
    --------
    >>> parse("var x >= 0", "m.opt").children[0].data
    'var_stmt'
    """
    from symopt.dsl.literals import attach, blank_literals
    blanked, literals = blank_literals(text)
    if len(text) >= STATEMENT_PARSE_SIZE:
        from symopt.dsl.statements import parse_by_statement
        tree = parse_by_statement(blanked)
        if tree is not None and (not literals or attach(tree, literals)):
            return tree
    if literals:
        try:
            tree = get_parser().parse(blanked)
            if attach(tree, literals):
                return tree
        except (LarkError, RecursionError):
            pass                    # parse the text as written, for lark's own message
    try:
        return get_parser().parse(text)
    except LarkError as exc:
        raise parse_error_from_lark(exc, text, filename, literal_terminals()) from None
    except RecursionError:
        raise ParseError("the model is nested too deeply to parse",
                         location_at(text, filename, 1, 1)) from None


_STATEMENT_LINE = re.compile(
    r"\s*(set|param|var|expr|minimize|maximize|subject|solve|check|fit|data|options)\b")
_CONSTRAINT_LINE = re.compile(r"\s*[A-Za-z_][A-Za-z_0-9]*\s*(\[[^\]]*\])?\s*:")
_BLOCK_LINE = re.compile(r"\s*(subject\s+to|solve)\b")
_MOST_ERRORS = 50


def syntax_errors(text: str, filename: str = "<string>") -> list:
    """Every syntax error of ``text`` (up to 50), not only the first.

    After an error, parsing resumes at the next line that starts a statement or a
    constraint (inside the ``subject to`` / ``solve`` block it belongs to); the lines
    before it are blanked so that line numbers stay true.

    >>> [e.location.line for e in syntax_errors("var x +\\nvar y\\nvar z *", "m.opt")]
    [1, 3]
    """
    lines = text.split("\n")
    errors: list = []
    start = 0
    while len(errors) < _MOST_ERRORS:
        masked = ["" for _ in lines[:start]] + lines[start:]
        block = _block_before(lines, start)
        if block and start > 0 and not _STATEMENT_LINE.match(lines[start]):
            masked[start - 1] = block
        try:
            parse("\n".join(masked), filename)
            return errors
        except ParseError as error:
            if not errors or errors[-1].location != error.location:
                errors.append(error)
            here = error.location.line - 1       # an error at a statement's first token:
            at_statement = here > start and lines[here][:error.location.column - 1].strip() == ""
            start = _resume_line(lines, here if at_statement else max(here + 1, start + 1))
            if start is None:
                return errors
    return errors


def _block_before(lines: list[str], index: int) -> str:
    """'subject to' or 'solve' when line ``index`` sits inside such a block, else ''."""
    for line in reversed(lines[:index]):
        match = _BLOCK_LINE.match(line)
        if match:
            return "solve" if match.group(1) == "solve" else "subject to"
        if _STATEMENT_LINE.match(line):
            return ""
    return ""


def _resume_line(lines: list[str], after: int) -> int | None:
    """The first line index >= ``after`` that starts a statement or a constraint."""
    for index in range(after, len(lines)):
        if _STATEMENT_LINE.match(lines[index]) or _CONSTRAINT_LINE.match(lines[index]):
            return index
    return None
