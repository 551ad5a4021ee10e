"""`.opt` text parsed statement by statement, one lark parse per statement *shape*.

A generated model repeats a handful of statement forms thousands of times (``c17: x3 +
2*x9 >= 4``, ``c18: x4 + 2*x10 >= 5``, ...). lark's LALR parser decides a tree from the
*types* of the tokens alone, so two statements whose tokens have the same types (names
where names are, numbers where numbers are, the same operators and keywords) get the same
tree, only with other tokens at the leaves. This module therefore

1. splits the text into chunks -- top-level statements, and each constraint of a
   ``subject to`` / ``solve`` block -- by one regular-expression scan with the grammar's
   own token patterns (`_chunks`), keeping strings, comments and nested brackets whole;
2. parses the first chunk of each shape with lark (statements from the grammar's
   ``start`` rule, constraints from its ``constraint`` rule) and records the tree as a
   `symopt.dsl.templates.Template` whose leaves and positions (``meta``) point at the
   chunk's token numbers;
3. builds every other chunk of that shape from the template with its own tokens, so
   lines, columns and offsets are the chunk's own.

A constraint in the plainest linear form (`plain_pattern`) after the first of its block
is matched whole by one regular expression and kept as its span (`Plain`): a block's
children are a `Constraints` sequence that makes such a tree only when it is read, so
the trees of a large block never sit in memory together, and the array builder reads
plain constraints straight into rows (`symopt.dsl.vectorize.plain`).

The tree is identical to lark's parse of the whole text (the tests compare both on every
example and on random statements). Whenever anything is unusual -- a chunk lark refuses,
a character the scan does not know, a token lark reads differently from the scan -- the
answer is None and the caller parses the whole text with lark as before, so every syntax
error keeps lark's message and ``file:line:col``.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any, Iterator

from lark import Tree
from lark.exceptions import LarkError
from lark.tree import Meta

from symopt.dsl.templates import (END_ATTRS, START_ATTRS, Places, Template, Unusual,
                                  chunk_parser, shift)

__all__ = ["Constraints", "Plain", "parse_by_statement", "plain_pattern"]

#: keywords that begin a top-level statement (the alternatives of ``statement``)
STATEMENT_KEYWORDS = frozenset({"set", "param", "var", "expr", "minimize", "maximize",
                                "subject", "solve", "check", "fit", "data", "options"})
_BLOCKS = ("subject", "solve")
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def ignored_pattern() -> str:
    """The grammar's ``%ignore`` (blanks and comments) as one atomic regular expression:
    a run of blanks is one step (a blanked table is megabytes of them) and nothing is
    given back, so a failed match never backtracks through it."""
    from symopt.dsl.parser import get_parser
    comment = next(t for t in get_parser().terminals if t.name == "COMMENT")
    return f"(?>(?:[ \\t\\f\\r\\n]+|{comment.pattern.to_regexp()})*)"


@functools.lru_cache(maxsize=1)
def _scanner() -> tuple[re.Pattern, frozenset]:
    """(one token after any ignored text, the keywords) from the grammar's terminals."""
    from symopt.dsl.parser import get_parser, literal_terminals
    terminals = {t.name: t for t in get_parser().terminals}
    punctuation = sorted((t.pattern.value for t in terminals.values() if t.pattern.type == "str"),
                         key=len, reverse=True)
    token = re.compile(
        f"{ignored_pattern()}"
        f"(?:(?P<name>{terminals['NAME'].pattern.to_regexp()})"
        f"|(?P<number>{terminals['NUMBER'].pattern.to_regexp()})"
        f"|(?P<string>{terminals['STRING'].pattern.to_regexp()})"
        f"|(?P<negative>-(?=\\d|\\.\\d))"
        f"|(?P<punct>{'|'.join(re.escape(p) for p in punctuation)})"
        f"|(?P<end>\\Z)|(?P<other>.))", re.DOTALL)
    keywords = frozenset(w for w in literal_terminals().values() if w.isidentifier())
    return token, keywords


@functools.lru_cache(maxsize=1)
def plain_pattern() -> re.Pattern:
    """One constraint in its plainest linear form, from the grammar's own token patterns:
    ``NAME: side rel side``, a side being ``[-] term (+|- term)*`` and a term ``NUMBER *
    NAME``, ``NAME`` or ``NUMBER`` (no keyword as a name); it must be followed by a name,
    a keyword or the end of the text, which cannot continue it."""
    from symopt.dsl.parser import get_parser
    terminals = {t.name: t.pattern.to_regexp() for t in get_parser().terminals}
    _, keywords = _scanner()
    ignored = ignored_pattern()
    word = "|".join(sorted(keywords, key=len, reverse=True))
    name = f"(?>(?!(?:{word})(?![A-Za-z_0-9])){terminals['NAME']})"
    number = f"(?>{terminals['NUMBER']})"
    term = f"(?:{number}{ignored}\\*{ignored}{name}|{name}|{number})"
    side = f"(?:-{ignored})?{term}(?:{ignored}[-+]{ignored}{term})*"
    return re.compile(f"{ignored}(?P<name>{name}){ignored}:{ignored}{side}{ignored}"
                      f"(?:<=|>=|==|=){ignored}(?P<last>{side})"
                      f"(?={ignored}(?:[A-Za-z_]|\\Z))")


class Chunk:
    """One statement (``rule`` "start") or one constraint (``rule`` "constraint"): the
    shape key of its tokens and where each token starts and ends in the text."""

    __slots__ = ("rule", "key", "starts", "ends")

    def __init__(self, rule: str):
        self.rule, self.key, self.starts, self.ends = rule, [], [], []

    def cut(self, index: int) -> "Chunk":
        """Move tokens ``index:`` into a new constraint chunk (returned)."""
        tail = Chunk("constraint")
        tail.key, tail.starts, tail.ends = self.key[index:], self.starts[index:], self.ends[index:]
        del self.key[index:], self.starts[index:], self.ends[index:]
        return tail


class Plain:
    """A constraint in the plainest linear form (`plain_pattern`), kept as its span only;
    its tree is made when asked (`Constraints`), the array builder reads it directly."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start, self.end = start, end


_NAMES_AFTER = frozenset({"N", "#", ")", "]"})


def _chunks(text: str) -> Iterator[Chunk | Plain]:
    """The statements and block constraints of ``text`` in order: `Chunk` objects, and
    `Plain` spans for plain constraints after the first of a block (`Unusual` if odd)."""
    pattern, keywords = _scanner()
    plain = plain_pattern()
    chunk: Chunk | None = None
    depth, in_block, block_open = 0, False, False
    candidate, opened, closed_from = -1, [], {}
    position = 0
    while True:
        if in_block and block_open and depth == 0 and (chunk is None or chunk.key[-1] in _NAMES_AFTER):
            match = plain.match(text, position)
            if match is not None:
                if chunk is not None:
                    yield chunk
                    chunk = None
                yield Plain(match.start("name"), match.end("last"))
                position = match.end("last")
                continue
        match = pattern.match(text, position)
        kind = match.lastgroup
        position = match.end()
        if kind == "end":
            break
        if kind == "other":
            raise Unusual(match.start(kind))
        value = match.group(kind)
        key = _KEYS.get(kind, value)
        if kind == "name" and value in keywords:
            key = value
            if depth == 0 and value in STATEMENT_KEYWORDS:
                if chunk is not None:
                    yield chunk
                chunk = Chunk("start")
                in_block, block_open = value in _BLOCKS, False
                candidate, closed_from = -1, {}
        if chunk is None:
            if not (in_block and key == "N"):
                raise Unusual(match.start(kind))
            chunk = Chunk("constraint")           # after a plain constraint
            candidate, closed_from = -1, {}
        index = len(chunk.starts)
        chunk.key.append(key)
        chunk.starts.append(match.start(kind))
        chunk.ends.append(position)
        if key in _OPEN:
            depth += 1
            opened.append(index)
        elif key in _CLOSE:
            depth -= 1
            if depth < 0:
                raise Unusual(match.start(kind))
            closed_from[index] = opened.pop()
        elif depth == 0 and in_block:
            if key == "N":
                candidate = index
            elif key == ":" and _names_constraint(chunk.key, candidate, index, closed_from):
                if block_open and candidate > 0:
                    tail = chunk.cut(candidate)
                    yield chunk
                    chunk = tail
                    closed_from = {}
                block_open = True
    if chunk is not None:
        yield chunk


_KEYS = {"name": "N", "number": "#", "string": '"', "negative": "-#"}


def _names_constraint(key: list, candidate: int, colon: int, closed_from: dict) -> bool:
    """True when the ':' at ``colon`` follows ``NAME`` or ``NAME[...]`` at ``candidate``."""
    if candidate < 0:
        return False
    if colon == candidate + 1:
        return True
    return key[colon - 1] == "]" and closed_from.get(colon - 1) == candidate + 1 and \
        key[candidate + 1] == "["


class Constraints(Sequence):
    """The constraints of a block: trees, and `Plain` spans whose trees are made when read
    (so the whole block never sits in memory as trees). `items` gives both as they are."""

    def __init__(self, shapes: "_Shapes"):
        self.shapes = shapes
        self.items: list[Any] = []

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.tree(item) for item in self.items[index]]
        return self.tree(self.items[index])

    def __iter__(self) -> Iterator[Tree]:
        for item in self.items:
            yield self.tree(item)

    def __eq__(self, other: Any) -> bool:
        return list(self) == list(other)

    def tree(self, item: Any) -> Tree:
        """The lark tree of one item."""
        return self.shapes.plain_tree(item) if isinstance(item, Plain) else item

    def end_of(self, item: Any) -> tuple[int, int, int]:
        """(line, column, offset) where an item ends."""
        if isinstance(item, Plain):
            return (*self.shapes.place.line_column(item.end), item.end)
        meta = item.meta
        return tuple(getattr(meta, "container_" + a, getattr(meta, a)) for a in END_ATTRS)


class _Shapes:
    """The templates of one text's statement shapes, and the trees made from them."""

    def __init__(self, text: str):
        self.text, self.place = text, Places(text)
        self.parser = chunk_parser()
        self.templates: dict[tuple, Template] = {}

    def tree(self, chunk: Chunk) -> Tree:
        key = (chunk.rule, *chunk.key)
        template = self.templates.get(key)
        if template is None:
            piece = self.text[chunk.starts[0]:chunk.ends[-1]]
            tree = self.parser.parse(piece, start=chunk.rule)
            shift(tree, chunk.starts[0], self.place)
            template = self.templates[key] = Template(tree, chunk.starts, chunk.ends)
        return template.build(chunk, self.place)

    def plain_tree(self, plain: Plain) -> Tree:
        pattern, keywords = _scanner()
        chunk = Chunk("constraint")
        position = plain.start
        while position < plain.end:
            match = pattern.match(self.text, position)
            kind = match.lastgroup
            value = match.group(kind)
            chunk.key.append(value if kind == "punct" or value in keywords else _KEYS[kind])
            chunk.starts.append(match.start(kind))
            position = match.end()
            chunk.ends.append(position)
        return self.tree(chunk)


def parse_by_statement(text: str) -> Tree | None:
    """lark's tree of ``text``, built one statement shape at a time; None when the text
    must be parsed whole by lark (anything unusual, every syntax error)."""
    try:
        return _parse(text)
    except (Unusual, LarkError, RecursionError):
        return None


def _parse(text: str) -> Tree:
    shapes = _Shapes(text)
    statements: list[Tree] = []
    block: Tree | None = None
    for chunk in _chunks(text):
        if isinstance(chunk, Plain) or chunk.rule == "constraint":
            if block is None:
                raise Unusual(chunk.start if isinstance(chunk, Plain) else chunk.starts[0])
            block.children.items.append(chunk if isinstance(chunk, Plain) else shapes.tree(chunk))
            continue
        tree = shapes.tree(chunk)
        statements.extend(tree.children)
        _close(block)
        block = None
        if len(tree.children) == 1 and tree.children[0].data in ("constraint_block",
                                                                   "solve_block"):
            block = tree.children[0]
            lazy = Constraints(shapes)
            lazy.items.extend(block.children)
            block.children = lazy
    _close(block)
    return _root(statements)


def _close(block: Tree | None) -> None:
    """A block's end is its last constraint's end (lark's positions for ``constraint+``);
    its first plain constraint is read as a tree once, to hold the plain form to lark's."""
    if block is None:
        return
    items = block.children.items
    first = next((item for item in items if isinstance(item, Plain)), None)
    if first is not None:
        block.children.tree(first)
    for attr, value in zip(END_ATTRS, block.children.end_of(items[-1])):
        setattr(block.meta, attr, value)
        setattr(block.meta, "container_" + attr, value)


def _span(meta: Meta, first: Meta, last: Meta) -> None:
    """Set ``meta`` to run from ``first``'s container start to ``last``'s container end."""
    for attr in START_ATTRS:
        value = getattr(first, "container_" + attr, getattr(first, attr))
        setattr(meta, attr, value)
        setattr(meta, "container_" + attr, value)
    for attr in END_ATTRS:
        value = getattr(last, "container_" + attr, getattr(last, attr))
        setattr(meta, attr, value)
        setattr(meta, "container_" + attr, value)
    meta.empty = False


def _root(statements: list[Tree]) -> Tree:
    meta = Meta()
    if statements:
        _span(meta, statements[0].meta, statements[-1].meta)
    return Tree("start", statements, meta)
