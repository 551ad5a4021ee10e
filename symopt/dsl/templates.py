"""Trees of `.opt` statements made from a template per statement shape.

`symopt.dsl.statements` splits a text into statements and block constraints and gives
each a *shape*: the types of its tokens, with the text of operators and keywords. lark's
LALR parser decides a tree from token types alone, so one parse per shape serves every
statement of that shape: `Template` records the parse with its leaves and positions
(``meta``: line, column and offset of a node's first and last token) as token numbers,
and `Template.build` makes another statement's tree from its own tokens. A template is
refused (`Unusual`) when lark read the statement's tokens otherwise than the scan did;
then the whole text goes to lark.
"""
from __future__ import annotations

import bisect
from array import array
import functools
import re
from typing import Any

from lark import Token, Tree
from lark.tree import Meta

__all__ = ["Places", "Template", "Unusual", "chunk_parser", "shift", "START_ATTRS",
           "END_ATTRS"]

START_ATTRS = ("line", "column", "start_pos")
END_ATTRS = ("end_line", "end_column", "end_pos")


class Unusual(Exception):
    """The text needs lark's own reading (a character or a layout the scan does not know)."""


class Template:
    """A chunk's lark tree with its leaves and positions as the chunk's token numbers."""

    def __init__(self, tree: Any, starts: list[int], ends: list[int]):
        by_start = {s: i for i, s in enumerate(starts)}
        by_end = {e: i for i, e in enumerate(ends)}
        try:
            self.spec = self._spec(tree, by_start, by_end)
        except KeyError as where:               # a position between the scan's tokens
            raise Unusual(where.args[0]) from None

    def _spec(self, node: Any, by_start: dict, by_end: dict) -> Any:
        if isinstance(node, Token):
            index = by_start.get(node.start_pos)
            if index is None or by_end.get(node.end_pos) != index:
                raise Unusual(node.start_pos)       # lark read this token otherwise
            return (node.type, index, None)
        meta = node.meta
        if meta.empty:
            places = None
        else:
            places = [(_NAMES[prefix, side], index[getattr(meta, pos)], side)
                      for prefix in ("", "container_")
                      for side, pos, index in ((0, prefix + "start_pos", by_start),
                                               (3, prefix + "end_pos", by_end))
                      if hasattr(meta, pos)]
        return (node.data, [self._spec(c, by_start, by_end) for c in node.children], places)

    def build(self, chunk: Any, place: "Places") -> Any:
        """The tree of ``chunk`` (a chunk of this template's shape)."""
        return _instantiate(self.spec, place.text, place.positions(chunk))


_NAMES = {(prefix, side): tuple(prefix + a for a in (START_ATTRS if side == 0 else END_ATTRS))
          for prefix in ("", "container_") for side in (0, 3)}


def _instantiate(spec: tuple, text: str, positions: list[tuple]) -> Any:
    """The tree of ``spec`` over a chunk's token ``positions`` (start, line, column, end,
    end line, end column)."""
    data, children, places = spec
    if children.__class__ is int:                       # a leaf: (type, token number, None)
        start, line, column, end, end_line, end_column = positions[children]
        return Token(data, text[start:end], start, line, column, end_line, end_column, end)
    meta = Meta()
    if places is not None:
        values = meta.__dict__
        values["empty"] = False
        for (a, b, c), index, side in places:
            where = positions[index]
            if side:
                values[a], values[b], values[c] = where[4], where[5], where[3]
            else:
                values[a], values[b], values[c] = where[1], where[2], where[0]
    return Tree(data, [_instantiate(c, text, positions) for c in children], meta)


class Places:
    """Lines and columns of offsets in the text (by bisection over its new lines)."""

    def __init__(self, text: str):
        self.text = text
        self.newlines = array("q", (m.start() for m in re.finditer("\n", text)))  # 8 B each

    def line_column(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_left(self.newlines, offset)
        return row + 1, offset - (self.newlines[row - 1] + 1 if row else 0) + 1

    def positions(self, chunk: Any) -> list[tuple]:
        """(start, line, column, end, end line, end column) of each token of ``chunk``."""
        starts, ends = chunk.starts, chunk.ends
        if self.text.find("\n", starts[0], ends[-1]) < 0:        # all on one line
            line, column = self.line_column(starts[0])
            shift = column - starts[0]
            return [(s, line, s + shift, e, line, e + shift) for s, e in zip(starts, ends)]
        found = []
        for start, end in zip(starts, ends):
            line, column = self.line_column(start)
            end_line, end_column = self.line_column(end)
            found.append((start, line, column, end, end_line, end_column))
        return found


@functools.lru_cache(maxsize=1)
def chunk_parser() -> Any:
    """lark's LALR parser of the grammar with two entry points: ``start`` and ``constraint``."""
    from lark import Lark

    from symopt.dsl.parser import _cache_file, grammar_text
    grammar = grammar_text()
    options = dict(parser="lalr", lexer="contextual", propagate_positions=True,
                   maybe_placeholders=False, start=["start", "constraint"])
    cache = _cache_file(grammar + "\n// entry points: start, constraint")
    if cache is not None:
        try:
            return Lark(grammar, cache=cache, **options)
        except OSError:
            pass
    return Lark(grammar, **options)


def shift(tree: Tree, offset: int, place: Places) -> None:
    """Move the positions of a chunk's parse (read from offset 0) to ``offset`` in the text."""
    def moved(start: int) -> tuple[int, int, int]:
        line, column = place.line_column(start + offset)
        return line, column, start + offset

    for node in tree.iter_subtrees():
        meta = node.meta
        for prefix in ("", "container_"):
            if hasattr(meta, prefix + "start_pos"):
                values = moved(getattr(meta, prefix + "start_pos"))
                for attr, value in zip(START_ATTRS, values):
                    setattr(meta, prefix + attr, value)
            if hasattr(meta, prefix + "end_pos"):
                values = moved(getattr(meta, prefix + "end_pos"))
                for attr, value in zip(END_ATTRS, values):
                    setattr(meta, prefix + attr, value)
        for index, child in enumerate(node.children):
            if isinstance(child, Token):
                line, column, start = moved(child.start_pos)
                end_line, end_column, end = moved(child.end_pos)
                node.children[index] = Token(child.type, child.value, start, line, column,
                                             end_line, end_column, end)
