"""Sets and index lists of `.opt` files: set members, products, ranges, filters, iteration.

`Indexing` evaluates what comes before the expressions: set expressions to ordered member
lists, and index lists (``[i in I, (j, k) in ARCS : cond]``) to (scope, key) pairs. The
`Symbols` table says what each name of the model means.

>>> from symopt.dsl.parser import parse
>>> from symopt.dsl.evaluate import Evaluator
>>> tree = parse("set S = {a, b} * 1..2", "m.opt")
>>> Evaluator(Symbols(), "m.opt", "").set_value(tree.children[0].children[1], {})
[('a', 1), ('a', 2), ('b', 1), ('b', 2)]
"""
from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from lark import Token, Tree

from symopt.dsl.data import did_you_mean
from symopt.dsl.errors import location_at
from symopt.errors import ModelError, SourceLocation
from symopt.limits import LIMITS, check_size, finite

__all__ = ["Symbols", "VarEntry", "Indexing", "format_key", "number_of", "is_number"]


def format_key(key: Any) -> str:
    """An index as written in a model: ``(a, 1)`` -> ``a,1``."""
    if isinstance(key, tuple):
        return ",".join(map(str, key))
    return str(key)


@dataclass
class VarEntry:
    """A declared variable: how to reach one scalar of it, and its index set (None: scalar)."""

    name: str
    get: Callable[[Any], Any]
    keys: frozenset | None = None
    set_label: str = ""
    index_order: tuple = ()


@dataclass
class Symbols:
    """What the names of a model mean: sets, params, variables, data columns."""

    sets: dict[str, list] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)         # scalar or {key: value}
    param_sets: dict[str, str] = field(default_factory=dict)     # name -> its index label
    variables: dict[str, VarEntry] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)           # column -> model symbol
    model_function: Callable[[str], Callable[..., Any]] | None = None
    used_data: set = field(default_factory=set)                  # data columns met so far

    def all_names(self) -> list[str]:
        return [*self.sets, *self.params, *self.variables, *self.data]


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_of(token: Token) -> int | float:
    """The value of a NUMBER token: an int when written without '.' or exponent."""
    return _number_text(token.value if isinstance(token, Token) else str(token))


@functools.lru_cache(maxsize=4096)
def _number_text(text: str) -> int | float:
    """The number ``text`` spells; ValueError when it is beyond the float range."""
    if any(c in text for c in ".eE"):
        return finite(float(text), f"the number {_shown(text)}")
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 309:
        raise ValueError(f"the number {_shown(text)} has {len(digits)} digits: it is beyond "
                         "the range of floating-point numbers (about 1.8e308)")
    return finite(int(text), f"the number {_shown(text)}")


def _shown(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}..."




class Indexing:
    """Locations, set values and index lists; `Evaluator` adds conditions and expressions."""

    def __init__(self, symbols: Symbols, filename: str, text: str):
        self.symbols = symbols
        self.filename = filename
        self.text = text

    # ---- locations and errors --------------------------------------------------------------
    def location(self, node: Tree | Token | None) -> SourceLocation | None:
        line = getattr(node, "line", None)
        column = getattr(node, "column", None)
        if isinstance(node, Tree) and not node.meta.empty:
            line, column = node.meta.line, node.meta.column
        if line is None:
            return None
        return location_at(self.text, self.filename, line, column)

    def fail(self, message: str, node: Tree | Token | None) -> ModelError:
        return ModelError(message, self.location(node))

    # ---- elements and sets -----------------------------------------------------------------
    def literal(self, token: Token) -> int | float:
        """The value of a NUMBER token; one beyond the float range is a located error."""
        try:
            return number_of(token)
        except ValueError as exc:
            raise self.fail(str(exc), token) from None

    def element(self, node: Tree | Token) -> Any:
        if isinstance(node, Tree) and node.data == "tuple_element":
            return tuple(self.element(child) for child in node.children)
        token = node.children[0] if isinstance(node, Tree) else node
        if token.type in ("NUMBER", "SIGNED_NUMBER_NEG"):
            return self.literal(token)
        if token.type == "STRING":
            return str(token)[1:-1]
        return str(token)

    def set_value(self, node: Tree, scope: dict) -> list:
        kind = node.data
        if kind == "set_literal":
            return _unique([self.element(child) for child in node.children])
        if kind == "set_filter":
            *iterators, condition = node.children
            return _unique([key for _, key in self.iterate(iterators, condition, scope)])
        if kind == "set_ref":
            return self.lookup_set(node.children[0])
        if kind == "set_range":
            low, high = (self.integer(child, scope) for child in node.children)
            self.limit_size(high - low + 1, f"the range {low}..{high}", node)
            return list(range(low, high + 1))
        if kind == "set_product":
            left, right = (self.set_value(child, scope) for child in node.children)
            self.limit_size(len(left) * len(right), "this product of sets", node)
            return [tuple(_flat(a) + _flat(b)) for a, b in itertools.product(left, right)]
        raise self.fail(f"'{kind}' is not a set", node)

    def lookup_set(self, token: Token) -> list:
        name = str(token)
        if name not in self.symbols.sets:
            kind = self.kind_of(name)
            if kind:
                raise self.fail(f"'{name}' is a {kind}, not a set", token)
            raise self.fail(f"undefined set '{name}'"
                            f"{did_you_mean(name, list(self.symbols.sets))}", token)
        return self.symbols.sets[name]

    def kind_of(self, name: str) -> str:
        for kind, table in (("set", self.symbols.sets), ("param", self.symbols.params),
                            ("variable", self.symbols.variables), ("data column", self.symbols.data)):
            if name in table:
                return kind
        return ""

    def limit_size(self, count: int, what: str, node: Tree) -> None:
        """A located error when ``count`` members exceed the set-size limit."""
        try:
            check_size(count, what)
        except ValueError as exc:
            raise self.fail(str(exc), node) from None

    def integer(self, node: Tree, scope: dict) -> int:
        value = self.expression(node, scope)
        if not is_number(value) or not math.isfinite(value) or value != int(value):
            raise self.fail(f"a range bound must be a whole number, got {value}", node)
        return int(value)

    # ---- index lists ---------------------------------------------------------------------
    def iterate(self, iterators: list[Tree], condition: Tree | None,
                scope: dict) -> Iterator[tuple[dict, Any]]:
        """Each (scope, key) of an index list, in order, filtered by its condition."""
        limit = LIMITS.max_set_size
        for count, (inner, parts) in enumerate(self._combinations(iterators, scope), 1):
            if count > limit:
                self.limit_size(count, "this index list", iterators[0])
            if condition is not None and not self.logic(condition.children[0], inner):
                continue
            key = parts[0] if len(parts) == 1 else tuple(parts)
            yield inner, key

    def _combinations(self, iterators: list[Tree], scope: dict) -> Iterator[tuple[dict, list]]:
        if not _independent(iterators):
            yield from self._nested(iterators, scope)
            return
        sets = [self.set_value(iterator.children[-1], scope) for iterator in iterators]
        if len(sets) > 1:
            self.limit_size(math.prod(map(len, sets)), "this index list", iterators[0])
        names = [str(it.children[0]) if it.data in ("named_iterator", "member_iterator")
                 else None for it in iterators]
        for combination in itertools.product(*sets):
            inner = dict(scope)
            parts: list = []
            for iterator, name, element in zip(iterators, names, combination):
                if name is not None:
                    inner[name] = element
                elif iterator.data == "tuple_iterator":
                    self._bind(iterator, element, inner)
                if type(element) is tuple:
                    parts.extend(element)
                else:
                    parts.append(element)
            yield inner, parts

    def _nested(self, iterators: list[Tree], scope: dict) -> Iterator[tuple[dict, list]]:
        """Iterators whose sets use earlier index names (``j in 1..i``), one level at a time."""
        if not iterators:
            yield scope, []
            return
        first, rest = iterators[0], iterators[1:]
        for element in self.set_value(first.children[-1], scope):
            inner = dict(scope)
            self._bind(first, element, inner)
            for deeper, parts in self._nested(rest, inner):
                yield deeper, _flat(element) + parts

    def _bind(self, iterator: Tree, element: Any, scope: dict) -> None:
        if iterator.data in ("named_iterator", "member_iterator"):
            scope[str(iterator.children[0])] = element
        elif iterator.data == "tuple_iterator":
            names = [str(token) for token in iterator.children[:-1]]
            parts = _flat(element)
            if len(parts) != len(names):
                raise self.fail(f"cannot unpack {format_key(element)} into "
                                f"({', '.join(names)}): it has {len(parts)} parts", iterator)
            scope.update(zip(names, parts))

    def set_label(self, iterators: list[Tree]) -> str:
        return " * ".join(self.text_of(it.children[-1]) for it in iterators)

    def text_of(self, node: Tree) -> str:
        meta = node.meta
        if meta.empty:
            return node.data
        return self.text[meta.start_pos:meta.end_pos]


def _independent(iterators: list[Tree]) -> bool:
    """True when no iterator's set mentions an index name bound by an earlier one."""
    bound: set[str] = set()
    for iterator in iterators:
        names = {str(token) for token in iterator.children[-1].scan_values(
            lambda value: isinstance(value, Token) and value.type == "NAME")}
        if names & bound:
            return False
        if iterator.data != "anonymous_iterator":
            bound.update(str(token) for token in iterator.children[:-1])
    return True


def _flat(element: Any) -> list:
    return list(element) if isinstance(element, tuple) else [element]


def _unique(elements: list) -> list:
    seen: dict = {}
    for element in elements:
        seen.setdefault(element, None)
    return list(seen)
