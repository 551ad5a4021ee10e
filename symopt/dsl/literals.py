"""Large data literals of `.opt` text read by one regular-expression scan, not by lark.

A model with its data inline spends nearly all of its parse in tables such as
``param cost[P, C] = {(p1, c1): 3.5, ...}`` and member lists such as ``set C = {c1, ...}``:
lark builds a tree node per entry, key and number. This module reads such a literal
directly, when it is large (`MIN_LENGTH` characters) and in the plainest form of the
grammar's ``table`` and ``set_literal`` rules: keys that are names, numbers, quoted
strings or tuples of these, and values that are numbers with an optional minus sign.

The language stays lark's: the patterns of names, numbers and strings are the grammar's
own terminals (read from the parser), and the literal's body is blanked (every character
but new lines becomes a space) so that lark still parses the statement around it, now
with an empty ``{ }``. `attach` then hangs each scanned literal on the empty node lark
built at its ``{``. Anything else -- a formula as a value, a keyword as a key, a number
beyond the float range, a ``{`` inside a comment or string -- is left to lark, and the
file is parsed again as written when any scanned literal finds no node of its own kind
or when a syntax error falls inside one; so results and error messages are lark's.
Entries keep their offsets, so an error about one key (given twice, not in the set)
is still located at its line and column.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from lark import Tree

__all__ = ["MIN_LENGTH", "Literal", "attach", "blank_literals"]

#: literals shorter than this (characters between the braces) are parsed by lark
MIN_LENGTH = 2000
_IGNORED = r"(?:[ \t\f\r\n]|#[^\n]*)*"     # the grammar's %ignore (one character at a time:
#                                               a nested '+' would backtrack exponentially)


@dataclass
class Literal:
    """One scanned ``{...}``: members (a set) or keys and values (a table), in order."""

    kind: str                       # "table" or "set_literal"
    start: int                      # offset of its '{' in the text
    keys: list = field(default_factory=list)
    values: list = field(default_factory=list)
    offsets: list = field(default_factory=list)     # offset of each entry's first character
    text: str = ""

    def place(self, index: int) -> "Place":
        """Where entry ``index`` starts (an object with ``line`` and ``column``)."""
        return Place(self.text, self.offsets[index])

    def places(self) -> list["Place"]:
        """Where every entry starts, in order."""
        text = self.text
        return [Place(text, offset) for offset in self.offsets]


class Place:
    """Line and column of an offset into a text, computed only when asked (for errors)."""

    __slots__ = ("text", "offset")

    def __init__(self, text: str, offset: int):
        self.text, self.offset = text, offset

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.offset) + 1

    @property
    def column(self) -> int:
        return self.offset - (self.text.rfind("\n", 0, self.offset) + 1) + 1


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, frozenset]:
    """(one token of a literal, the keywords) from the grammar's own terminals."""
    from symopt.dsl.parser import get_parser, literal_terminals
    terminal = {t.name: t.pattern.to_regexp() for t in get_parser().terminals}
    token = re.compile(
        f"(?P<space>[ \\t\\f\\r\\n]+)|(?P<comment>{terminal['COMMENT']})|(?P<comma>,)"
        f"|(?P<colon>:)|(?P<open>\\()|(?P<close>\\))|(?P<end>\\}})|(?P<minus>-(?!\\d|\\.\\d))"
        f"|(?P<name>{terminal['NAME']})|(?P<number>{terminal['SIGNED_NUMBER_NEG']}"
        f"|{terminal['NUMBER']})|(?P<string>{terminal['STRING']})|(?P<other>.)", re.DOTALL)
    return token, frozenset(literal_terminals().values())


_OPENING = re.compile(r"(?<![<>=!])=[ \t\f\r\n]*\{")


def blank_literals(text: str) -> tuple[str, list[Literal]]:
    """``text`` with every large plain literal's body blanked, and the literals scanned."""
    if len(text) < MIN_LENGTH:
        return text, []
    pieces, literals, done = [], [], 0
    for opening in _OPENING.finditer(text):
        start = opening.end() - 1
        if start < done:
            continue
        scanned = _Scanner(text, start).run()
        if scanned is None or scanned[1] - start < MIN_LENGTH:
            continue
        literal, end = scanned
        literals.append(literal)
        pieces.append(text[done:start + 1])
        pieces.append(re.sub(r"[^\n]", " ", text[start + 1:end - 1]))
        done = end - 1
    if not literals:
        return text, []
    pieces.append(text[done:])
    return "".join(pieces), literals


class _Scanner:
    """A state machine over the tokens of one ``{...}``: ``element (':' value)? , ...``."""

    def __init__(self, text: str, start: int):
        from symopt.dsl.indexing import number_of
        self.token, self.keywords = _patterns()
        self.number_of = number_of
        self.text, self.start = text, start
        self.literal = Literal("", start, text=text)

    def run(self) -> tuple[Literal, int] | None:
        """(the literal, the offset after its '}'), or None when lark should read it."""
        try:
            return self._run()
        except ValueError:           # a number beyond the float range: lark's error
            return None

    def _run(self) -> tuple[Literal, int] | None:
        literal, state, parts, negative = self.literal, "key", None, False
        keys, values, offsets = literal.keys, literal.values, literal.offsets
        for match in self.token.finditer(self.text, self.start + 1):
            group = match.lastgroup
            if group == "space" or group == "comment":
                continue
            if state == "key" or state == "part":
                item = self._element(group, match)
                if item is _NONE:
                    if state == "key" and group == "open":
                        parts, state, first = [], "part", match.start()
                        continue
                    return None
                if state == "part":
                    parts.append(item)
                    state = "part_sep"
                    continue
                keys.append(item)
                offsets.append(match.start())
                state = "after_key"
            elif state == "part_sep":
                if group == "comma":
                    state = "part"
                elif group == "close" and len(parts) > 1:
                    keys.append(tuple(parts))
                    offsets.append(first)
                    state = "after_key"
                else:
                    return None
            elif state == "after_key":
                if group == "colon" and literal.kind != "set_literal":
                    literal.kind, state = "table", "value"
                elif literal.kind != "table" and group in ("comma", "end"):
                    literal.kind = "set_literal"
                    if group == "end":
                        return literal, match.end()
                    state = "key"
                else:
                    return None
            elif state == "value":
                if group == "minus" and not negative:
                    negative = True
                elif group == "number" and not (negative and match.group()[0] == "-"):
                    value = self.number_of(match.group())
                    values.append(-value if negative else value)
                    negative, state = False, "after_value"
                else:
                    return None
            elif state == "after_value":
                if group == "end":
                    return literal, match.end()
                if group != "comma":
                    return None
                state = "key"
        return None

    def _element(self, group: str, match: re.Match) -> Any:
        """A simple element's value, or `_NONE` when the token is not one."""
        if group == "name":
            return match.group() if match.group() not in self.keywords else _NONE
        if group == "number":
            return self.number_of(match.group())
        if group == "string":
            return match.group()[1:-1]
        return _NONE


_NONE = object()


def attach(tree: Tree, literals: list[Literal]) -> bool:
    """Hang each literal on the empty node lark built at its ``{`` (``node.meta.fast``);
    False when one finds no node of its kind there (then the text must be parsed as is)."""
    wanted = {literal.start: literal for literal in literals}
    starts = sorted(wanted)
    found = 0
    for statement in tree.children:
        meta = statement.meta
        if meta.empty:
            continue
        first = bisect.bisect_left(starts, meta.start_pos)
        if first == len(starts) or starts[first] >= meta.end_pos:
            continue
        for node in statement.iter_subtrees():
            literal = wanted.get(node.meta.start_pos) if not node.meta.empty else None
            if literal is not None and node.data == literal.kind and not node.children:
                node.meta.fast = literal
                found += 1
    return found == len(literals)
