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
from lark.visitors import Interpreter

from symopt.dsl.data import did_you_mean
from symopt.dsl.errors import location_at
from symopt.errors import ModelError, SourceLocation
from symopt.limits import LIMITS, check_size, finite

__all__ = ["Symbols", "VarEntry", "IndexedSet", "Indexing", "SET_OF", "format_key", "number_of",
           "is_number", "split_condition"]


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


#: scope key of the set an index name runs over: ``scope[(SET_OF, "m")]`` (for ``prev(m)``)
SET_OF = "set of"


@dataclass
class IndexedSet:
    """A family of sets ``IN[k]``: key -> ordered members."""

    members: dict
    label: str


@dataclass
class Symbols:
    """What the names of a model mean: sets, params, variables, data columns."""

    sets: dict[str, list] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)         # scalar or {key: value}
    param_sets: dict[str, str] = field(default_factory=dict)     # name -> its index label
    variables: dict[str, VarEntry] = field(default_factory=dict)
    indexed_sets: dict[str, IndexedSet] = field(default_factory=dict)
    expressions: dict[str, Any] = field(default_factory=dict)    # named expressions
    expression_sets: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)           # column -> model symbol
    model_function: Callable[[str], Callable[..., Any]] | None = None
    used_data: set = field(default_factory=set)                  # data columns met so far

    def all_names(self) -> list[str]:
        return [*self.sets, *self.indexed_sets, *self.params, *self.variables,
                *self.expressions, *self.data]


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
        """A literal set member: a name, number, quoted string or tuple of them."""
        if isinstance(node, Tree) and node.data == "tuple_element":
            return tuple(self.element(child) for child in node.children)
        token = node.children[0] if isinstance(node, Tree) else node
        if token.type in ("NUMBER", "SIGNED_NUMBER_NEG"):
            return self.literal(token)
        if token.type == "STRING":
            return str(token)[1:-1]
        return str(token)

    def set_value(self, node: Tree, scope: dict) -> list:
        """The ordered members of a set expression (duplicates dropped)."""
        if not isinstance(node, Tree):
            raise self.fail(f"expected a set here, found '{node}'", node)
        return SetValue(self, scope).visit(node)

    def same_dimension(self, node: Tree, left: list, right: list, word: str) -> None:
        if left and right and len(_flat(left[0])) != len(_flat(right[0])):
            raise self.fail(f"'{word}' needs sets of the same dimension: "
                            f"{self.text_of(node.children[0])} has members like "
                            f"({format_key(left[0])}), {self.text_of(node.children[1])} like "
                            f"({format_key(right[0])})", node)

    def indexed_set_member(self, token: Token, positions: list, scope: dict, node: Tree) -> list:
        """The set ``IN[k]`` of an indexed set ``IN``."""
        name = str(token)
        family = self.symbols.indexed_sets.get(name)
        if family is None:
            if name in self.symbols.sets:
                raise self.fail(f"set '{name}' is not indexed; write {name} alone", token)
            raise self.fail(f"undefined indexed set '{name}'"
                            f"{did_you_mean(name, list(self.symbols.indexed_sets))}", token)
        parts = [self.subscript_value(child, scope) for child in positions]
        key = parts[0] if len(parts) == 1 else tuple(parts)
        if key not in family.members:
            raise self._key_error(name, key, family.members, family.label, node)
        return family.members[key]

    def lookup_set(self, token: Token) -> list:
        name = str(token)
        if name not in self.symbols.sets:
            if name in self.symbols.indexed_sets:
                label = self.symbols.indexed_sets[name].label
                raise self.fail(f"set '{name}' is indexed over {label}; write {name}[...]",
                                token)
            kind = self.kind_of(name)
            if kind:
                raise self.fail(f"'{name}' is a {kind}, not a set", token)
            raise self.fail(f"undefined set '{name}'"
                            f"{did_you_mean(name, list(self.symbols.sets))}", token)
        return self.symbols.sets[name]

    def kind_of(self, name: str) -> str:
        for kind, table in (("set", self.symbols.sets), ("param", self.symbols.params),
                            ("variable", self.symbols.variables),
                            ("named expression", self.symbols.expressions),
                            ("data column", self.symbols.data)):
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
        if not _independent(iterators) or any(it.data == "tuple_iterator" for it in iterators):
            yield from self._nested(iterators, scope)
            return
        sets = [self.set_value(iterator.children[-1], scope) for iterator in iterators]
        if len(sets) > 1:
            self.limit_size(math.prod(map(len, sets)), "this index list", iterators[0])
        names = [self._fresh_name(it, scope) if it.data == "named_iterator" else None
                 for it in iterators]
        base = dict(scope)
        for iterator, name in zip(iterators, names):
            if name is not None:
                base[(SET_OF, name)] = iterator.children[-1]
        for combination in itertools.product(*sets):
            inner = dict(base)
            parts: list = []
            for name, element in zip(names, combination):
                if name is not None:
                    inner[name] = element
                if type(element) is tuple:
                    parts.extend(element)
                else:
                    parts.append(element)
            yield inner, parts

    def _nested(self, iterators: list[Tree], scope: dict) -> Iterator[tuple[dict, list]]:
        """One iterator at a time: sets that use earlier index names (``j in 1..i``), and
        tuple patterns, whose names already bound filter (``(i, k) in LINKS``)."""
        if not iterators:
            yield scope, []
            return
        first, rest = iterators[0], iterators[1:]
        base = dict(scope)
        if first.data == "named_iterator":
            base[(SET_OF, self._fresh_name(first, scope))] = first.children[-1]
        pattern = self._pattern(first, scope) if first.data == "tuple_iterator" else None
        for element in self.set_value(first.children[-1], scope):
            inner = dict(base)
            if not self._bind(first, pattern, element, inner):
                continue
            for deeper, parts in self._nested(rest, inner):
                yield deeper, _flat(element) + parts

    def _fresh_name(self, iterator: Tree, scope: dict) -> str:
        token = iterator.children[0]
        name = str(token)
        if name in scope:
            raise self.fail(f"index '{name}' is already bound here; use another name, or "
                            f"filter with a condition (': {name} in "
                            f"{self.text_of(iterator.children[-1])}') or a pattern "
                            f"('({name}, j) in ...')", token)
        return name

    def _pattern(self, iterator: Tree, scope: dict) -> list[tuple[str, Any]]:
        """A tuple pattern as ("bind", name) or ("match", value) per position."""
        pattern = []
        for child in iterator.children[0].children:
            inner = child.children[0]
            if isinstance(inner, Tree):
                raise self.fail("a pattern holds names and values, not nested tuples", child)
            if inner.type == "NAME" and str(inner) not in scope:
                pattern.append(("bind", str(inner)))
            elif inner.type == "NAME":
                pattern.append(("match", scope[str(inner)]))
            else:
                pattern.append(("match", self.element(inner)))
        names = [name for kind, name in pattern if kind == "bind"]
        if len(set(names)) != len(names):
            raise self.fail("a pattern names each index once", iterator.children[0])
        return pattern

    def _bind(self, iterator: Tree, pattern: list | None, element: Any, scope: dict) -> bool:
        """Bind the names of ``iterator`` to ``element``; False when a pattern does not match."""
        if iterator.data == "named_iterator":
            scope[str(iterator.children[0])] = element
            return True
        if pattern is None:
            return True
        parts = _flat(element)
        if len(parts) != len(pattern):
            raise self.fail(f"cannot unpack ({format_key(element)}) into "
                            f"{self.text_of(iterator.children[0])}: it has {len(parts)} "
                            f"part(s), the pattern {len(pattern)}", iterator)
        for (kind, value), part in zip(pattern, parts):
            if kind == "match" and value != part:
                return False
        for (kind, value), part in zip(pattern, parts):
            if kind == "bind":
                scope[value] = part
        return True

    def set_label(self, iterators: list[Tree]) -> str:
        return " * ".join(self.text_of(it.children[-1]) for it in iterators)

    def text_of(self, node: Tree) -> str:
        meta = node.meta
        if meta.empty:
            return node.data
        return self.text[meta.start_pos:meta.end_pos]


class SetValue(Interpreter):
    """A set expression's members in one scope: lark's Interpreter, one method per node kind
    of ``set_expr`` in the grammar (``set_union``, ``set_range``, ...)."""

    def __init__(self, indexing: "Indexing", scope: dict):
        self.indexing, self.scope = indexing, scope

    def __default__(self, tree: Tree) -> list:
        raise self.indexing.fail(f"expected a set here, found "
                                 f"'{self.indexing.text_of(tree)}'", tree)

    def _both(self, tree: Tree, word: str) -> tuple[list, list]:
        left, right = (self.visit(child) for child in tree.children)
        if word:
            self.indexing.same_dimension(tree, left, right, word)
        return left, right

    def set_literal(self, tree: Tree) -> list:
        fast = getattr(tree.meta, "fast", None)        # scanned by symopt.dsl.literals
        if fast is not None:
            return _unique(fast.keys)
        return _unique([self.indexing.element(child) for child in tree.children])

    def set_filter(self, tree: Tree) -> list:
        iterators, condition = split_condition(tree.children)
        return _unique([key for _, key in self.indexing.iterate(iterators, condition,
                                                                 self.scope)])

    def set_ref(self, tree: Tree) -> list:
        return self.indexing.lookup_set(tree.children[0])

    def set_member(self, tree: Tree) -> list:
        token, *positions = tree.children
        return self.indexing.indexed_set_member(token, positions, self.scope, tree)

    def set_range(self, tree: Tree) -> list:
        low, high = (self.indexing.integer(child, self.scope) for child in tree.children)
        self.indexing.limit_size(high - low + 1, f"the range {low}..{high}", tree)
        return list(range(low, high + 1))

    def set_product(self, tree: Tree) -> list:
        left, right = self._both(tree, "")
        self.indexing.limit_size(len(left) * len(right), "this product of sets", tree)
        return [tuple(_flat(a) + _flat(b)) for a, b in itertools.product(left, right)]

    def set_union(self, tree: Tree) -> list:
        left, right = self._both(tree, "union")
        return _unique(left + right)

    def set_diff(self, tree: Tree) -> list:
        left, right = self._both(tree, "diff")
        drop = set(right)
        return [member for member in left if member not in drop]

    def set_inter(self, tree: Tree) -> list:
        left, right = self._both(tree, "inter")
        keep = set(right)
        return [member for member in left if member in keep]

    def set_if(self, tree: Tree) -> list:
        condition, then, otherwise = tree.children
        return self.visit(then if self.indexing.logic(condition, self.scope) else otherwise)


def split_condition(children: list) -> tuple[list, Tree | None]:
    """An index list's iterators and its condition (None when it has none)."""
    if children and isinstance(children[-1], Tree) and children[-1].data == "condition":
        return list(children[:-1]), children[-1]
    return list(children), None


def _independent(iterators: list[Tree]) -> bool:
    """True when no iterator's set mentions an index name bound by an earlier one."""
    bound: set[str] = set()
    for iterator in iterators:
        names = {str(token) for token in iterator.children[-1].scan_values(
            lambda value: isinstance(value, Token) and value.type == "NAME")}
        if names & bound:
            return False
        if iterator.data == "named_iterator":
            bound.add(str(iterator.children[0]))
        elif iterator.data == "tuple_iterator":
            bound.update(str(token) for token in iterator.children[0].scan_values(
                lambda value: isinstance(value, Token) and value.type == "NAME"))
    return True


def _flat(element: Any) -> list:
    return list(element) if isinstance(element, tuple) else [element]


def _unique(elements: list) -> list:
    seen: dict = {}
    for element in elements:
        seen.setdefault(element, None)
    return list(seen)
