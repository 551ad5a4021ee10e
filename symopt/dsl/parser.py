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
from importlib import resources
from pathlib import Path

from lark import Lark, Tree
from lark.exceptions import LarkError

from symopt.dsl.errors import location_at, parse_error_from_lark
from symopt.errors import ParseError

__all__ = ["grammar_text", "get_parser", "literal_terminals", "parse"]


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


@functools.lru_cache(maxsize=1)
def literal_terminals() -> dict[str, str]:
    """Lark's names of the grammar's literal terminals -> their text (``PLUS`` -> ``+``)."""
    return {terminal.name: terminal.pattern.value for terminal in get_parser().terminals
            if terminal.pattern.type == "str"}


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
        The syntax tree, with line and column on every node (``tree.meta``).

    Examples
    --------
    >>> parse("var x >= 0", "m.opt").children[0].data
    'var_stmt'
    """
    try:
        return get_parser().parse(text)
    except LarkError as exc:
        raise parse_error_from_lark(exc, text, filename, literal_terminals()) from None
    except RecursionError:
        raise ParseError("the model is nested too deeply to parse",
                         location_at(text, filename, 1, 1)) from None
