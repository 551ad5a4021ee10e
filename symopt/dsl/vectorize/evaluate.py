"""Evaluate `.opt` index lists, conditions and expressions over whole frames with numpy.

The mirror of `symopt.dsl.evaluate.Evaluator`, one frame at a time instead of one scope:
``frame(iterators, condition)`` builds the members of an index list, ``value(node, frame)``
gives a `Num`, `Elem` or `Lin` per row, ``mask(condition, frame)`` a boolean per row.
Set expressions that do not use the frame's index names are evaluated once by the
element-wise evaluator (so every set construct it knows works here too) and coded.

Whatever this module does not know (a node kind, a nonlinear product, a key outside an
index set, a domain error) raises `Unsupported`; the builder then builds that family
element-wise, which gives the same rows or the located error message.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np
from lark import Token, Tree

from symopt.dsl.indexing import is_number, split_condition
from symopt.dsl.vectorize.frame import Frame, KeyIndex, Unsupported, Universe
from symopt.dsl.vectorize import terms
from symopt.dsl.vectorize.terms import Terms, as_terms
from symopt.dsl.vectorize.values import Elem, Lin, NamedRows, Num, sum_rows

__all__ = ["VectorEvaluator", "Table", "Family"]

_FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "exp": np.exp, "log": np.log, "ln": np.log, "log10": np.log10, "sqrt": np.sqrt,
    "abs": np.abs, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin,
    "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
}
_ORDERED = ("card", "first", "last", "ord", "prev", "next", "prevw", "nextw")
_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
            "==": operator.eq, "!=": operator.ne}


class Table:
    """An indexed param as arrays: its keys' `KeyIndex` and one value per key."""

    def __init__(self, index: KeyIndex, values: np.ndarray):
        self.index, self.values = index, values


class Family:
    """A variable family: global columns ``offset .. offset + size`` in key order."""

    def __init__(self, name: str, offset: int, size: int, index: KeyIndex | None,
                 keys: list[np.ndarray]):
        self.name, self.offset, self.size, self.index, self.keys = name, offset, size, index, keys


class VectorEvaluator:
    """Evaluates trees over frames; knows params as `Table`s and variables as `Family`s."""

    def __init__(self, element_wise: Any, universe: Universe):
        self.element_wise = element_wise          # symopt.dsl.evaluate.Evaluator
        self.symbols = element_wise.symbols
        self.universe = universe
        self.tables: dict[str, Table] = {}
        self.families: dict[str, Family] = {}
        self.expressions: dict[str, tuple[KeyIndex | None, NamedRows]] = {}
        self._sets: dict[int, list[np.ndarray]] = {}

    # ---- index lists ------------------------------------------------------------------------
    def frame(self, iterators: list[Tree], condition: Tree | None, outer: Frame) -> tuple[Frame, np.ndarray]:
        """The members of an index list inside ``outer``, and each member's outer row."""
        frame, parent = outer, np.arange(outer.size, dtype=np.int64)
        for iterator in iterators:
            columns = self.set_columns(iterator.children[-1], frame)
            names = self._bound_names(iterator, len(columns))
            if any(name in frame.names for name in names if name is not None):
                raise Unsupported("an index name bound again (a pattern filter, or an error)")
            parent = np.repeat(parent, columns[0].size)
            frame = frame.join(columns, names)
            if iterator.data == "named_iterator" and names[0] is not None:
                frame.sets[names[0]] = iterator.children[-1]
        if condition is not None:
            keep = self.mask(condition.children[0], frame)
            frame, parent = frame.select(keep), parent[keep]
        return frame, parent

    def _bound_names(self, iterator: Tree, arity: int) -> list[str | None]:
        kind = iterator.data
        if kind in ("named_iterator", "member_iterator"):
            if not isinstance(iterator.children[0], Token):
                raise Unsupported("an iterator pattern")
            if arity != 1:
                raise Unsupported("an index name bound to tuples")
            return [str(iterator.children[0])]
        if kind == "tuple_iterator":
            tokens = [element.children[0] for element in iterator.children[0].children]
            if any(not isinstance(t, Token) or t.type != "NAME" for t in tokens):
                raise Unsupported("a pattern with values in it (it filters)")
            names = [str(token) for token in tokens]
            if len(names) != arity:
                raise Unsupported("a tuple iterator of another length than its set")
            return names
        if kind == "anonymous_iterator":
            return [None] * arity
        raise Unsupported(f"iterator '{kind}'")

    def set_columns(self, node: Tree, frame: Frame) -> list[np.ndarray]:
        """A set expression's members as code columns (the set must not use frame names)."""
        if _mentions(node, frame.names):
            raise Unsupported("a set that depends on an index name")
        cached = self._sets.get(id(node))
        if cached is None:
            cached = self._sets[id(node)] = self.universe.encode_set(
                self.element_wise.set_value(node, {}))
        return cached

    # ---- conditions -------------------------------------------------------------------------
    def mask(self, node: Tree, frame: Frame) -> np.ndarray:
        kind = node.data
        if kind in ("and_", "or_"):
            first = self.mask(node.children[0], frame)
            rest = first if kind == "and_" else ~first   # rows the right side decides
            result = first.copy()
            if rest.any():
                result[rest] = self.mask(node.children[1], frame.select(rest))
            return result
        if kind == "not_":
            return ~self.mask(node.children[0], frame)
        if kind != "compare":
            raise Unsupported(f"condition '{kind}'")
        left, op, right = node.children
        symbol = "==" if str(op.children[0]) == "=" else str(op.children[0])
        a, b = self.key_value(left, frame), self.key_value(right, frame)
        if isinstance(a, Lin) or isinstance(b, Lin):
            raise Unsupported("a condition on variables")
        if symbol in ("==", "!=") and (isinstance(a, Elem) or isinstance(b, Elem)):
            equal = self._codes(a) == self._codes(b)
            return equal if symbol == "==" else ~equal
        if symbol in ("==", "!="):     # as the element-wise `compare`: a relative 1e-9
            equal = np.isclose(self.number(a), self.number(b), rtol=1e-9, atol=1e-12)
            return equal if symbol == "==" else ~equal
        return _COMPARE[symbol](self.number(a), self.number(b))

    # ---- expressions ------------------------------------------------------------------------
    def value(self, node: Any, frame: Frame) -> Any:
        if not isinstance(node, Tree):
            raise Unsupported("a bare token")
        handler = getattr(self, f"_v_{node.data}", None)
        if handler is None:
            raise Unsupported(f"expression '{node.data}'")
        return handler(node, frame)

    def numbers(self, node: Any, frame: Frame) -> np.ndarray:
        """An expression that must be a number per row (no variables)."""
        return self.number(self.value(node, frame))

    def number(self, value: Any) -> np.ndarray:
        if isinstance(value, Num):
            return value.values
        if isinstance(value, Elem):
            numbers = self.universe.numbers(value.codes)
            if np.isnan(numbers).any():
                raise Unsupported("arithmetic on a text element")
            return numbers
        raise Unsupported("a number was expected")

    def _codes(self, value: Any) -> np.ndarray:
        if isinstance(value, Elem):
            return value.codes
        return self.universe.codes_of_numbers(self.number(value))

    def _v_number(self, node: Tree, frame: Frame) -> Num:
        # the element-wise reading: a literal beyond the float range is a located error
        return Num(np.full(frame.size, float(self.element_wise.literal(node.children[0]))))

    def _v_name(self, node: Tree, frame: Frame) -> Any:
        name = str(node.children[0])
        if name in frame.names:
            return Elem(frame.names[name])
        symbols = self.symbols
        if name in symbols.params:
            value = symbols.params[name]
            if not is_number(value):
                raise Unsupported("an indexed param without subscript")
            return Num(np.full(frame.size, float(value)))
        named = self.expressions.get(name)
        if named is not None and named[0] is None:
            return named[1].take(np.zeros(frame.size, dtype=np.int64))
        family = self.families.get(name)
        if family is not None and family.index is None:
            return Lin.single(np.arange(frame.size), np.full(frame.size, family.offset), frame.size)
        raise Unsupported(f"name '{name}'")

    def key_value(self, node: Tree, frame: Frame) -> Any:
        """One subscript position, as the element-wise ``subscript_value`` reads it."""
        if node.data == "name":
            name = str(node.children[0])
            if name in frame.names:
                return Elem(frame.names[name])
            if name in self.families or name in self.symbols.expressions:
                raise Unsupported("a variable or expression where a set member may stand")
            value = self.symbols.params.get(name)
            if value is not None and is_number(value):
                return Num(np.full(frame.size, float(value)))
            return Elem(np.full(frame.size, self.universe.code(name)))
        if node.data == "string":
            return Elem(np.full(frame.size, self.universe.code(str(node.children[0])[1:-1])))
        value = self.value(node, frame)
        if isinstance(value, Lin):
            raise Unsupported("a variable in a subscript")
        return value

    def _keys(self, positions: list[Tree], frame: Frame) -> list[np.ndarray]:
        return [self._codes(self.key_value(child, frame)) for child in positions]

    def _v_subscript(self, node: Tree, frame: Frame) -> Any:
        token, *positions = node.children
        name = str(token)
        family = self.families.get(name)
        if family is not None:
            if family.index is None:
                raise Unsupported("a subscript on a scalar variable")
            where = family.index.lookup(self._keys(positions, frame))
            return Lin.single(np.arange(frame.size), where + family.offset, frame.size)
        named = self.expressions.get(name)
        if named is not None and named[0] is not None:
            return named[1].take(named[0].lookup(self._keys(positions, frame)))
        table = self.tables.get(name)
        if table is None:
            raise Unsupported(f"subscript of '{name}'")
        return Num(table.values[table.index.lookup(self._keys(positions, frame))])

    def _v_add(self, node: Tree, frame: Frame) -> Any:
        return self._add(self.value(node.children[0], frame), self.value(node.children[1], frame))

    def _v_sub(self, node: Tree, frame: Frame) -> Any:
        return self._add(self.value(node.children[0], frame),
                         self._negate(self.value(node.children[1], frame)))

    def _v_neg(self, node: Tree, frame: Frame) -> Any:
        return self._negate(self.value(node.children[0], frame))

    def _add(self, left: Any, right: Any) -> Any:
        if isinstance(left, Terms) or isinstance(right, Terms):
            size = (left if isinstance(left, Terms) else right).lin.const.size
            return as_terms(self._arithmetic(left), size).plus(
                as_terms(self._arithmetic(right), size))
        if isinstance(left, Lin) and isinstance(right, Lin):
            return left.plus(right)
        if isinstance(left, Lin):
            return left.shift(self.number(right))
        if isinstance(right, Lin):
            return right.shift(self.number(left))
        return Num(self.number(left) + self.number(right))

    def _arithmetic(self, value: Any) -> Any:
        """A value that takes part in arithmetic: set elements as their numbers."""
        return Num(self.number(value)) if isinstance(value, Elem) else value

    def _negate(self, value: Any) -> Any:
        if isinstance(value, (Lin, Terms)):
            return value.negate()
        return Num(-self.number(value))

    def _v_mul(self, node: Tree, frame: Frame) -> Any:
        left, right = (self._arithmetic(self.value(child, frame)) for child in node.children)
        if isinstance(left, (Lin, Terms)) and isinstance(right, (Lin, Terms)):
            return terms.apply("mul", [left, right], frame.size)
        if isinstance(left, (Lin, Terms)):
            return left.scale(self.number(right))
        if isinstance(right, (Lin, Terms)):
            return right.scale(self.number(left))
        return Num(self.number(left) * self.number(right))

    def _v_div(self, node: Tree, frame: Frame) -> Any:
        left, right = (self._arithmetic(self.value(child, frame)) for child in node.children)
        if isinstance(right, (Lin, Terms)):
            return terms.apply("div", [left, right], frame.size)
        divisor = self.number(right)
        if np.any(divisor == 0):
            raise Unsupported("division by zero")
        if isinstance(left, (Lin, Terms)):
            return left.scale(1.0 / divisor)
        return Num(self.number(left) / divisor)

    def _v_pow(self, node: Tree, frame: Frame) -> Any:
        base, exponent = (self._arithmetic(self.value(child, frame)) for child in node.children)
        if isinstance(exponent, (Lin, Terms)):
            return terms.apply("pow", [base, exponent], frame.size)
        if isinstance(base, (Lin, Terms)):
            return terms.power(base, self.number(exponent), frame.size)
        base, exponent = self.number(base), self.number(exponent)
        with np.errstate(all="ignore"):
            return Num(_finite(np.power(base, exponent)))

    def _v_call(self, node: Tree, frame: Frame) -> Any:
        token, *arguments = node.children
        name = str(token)
        if name in _ORDERED:
            return self._ordered(name, arguments, frame)
        function = _FUNCTIONS.get(name)
        if function is None:
            raise Unsupported(f"function '{name}'")
        values = [self._arithmetic(self.value(child, frame)) for child in arguments]
        if len(values) != 1:
            raise Unsupported(f"function '{name}'")
        if isinstance(values[0], (Lin, Terms)):
            return terms.apply("log" if name == "ln" else name, values, frame.size)
        values = [self.number(values[0])]
        with np.errstate(all="ignore"):
            return Num(_finite(function(values[0])))

    def _ordered(self, name: str, arguments: list, frame: Frame) -> Any:
        """card/first/last of a set; ord/prev/next/prevw/nextw of members, as arrays."""
        if name in ("card", "first", "last"):
            codes = self._named_set(arguments[0] if len(arguments) == 1 else None)
            if name == "card":
                return Num(np.full(frame.size, float(codes.size)))
            if codes.size == 0:
                raise Unsupported("first/last of an empty set")
            return Elem(np.full(frame.size, codes[0 if name == "first" else -1]))
        if not 1 <= len(arguments) <= (2 if name == "ord" else 3):
            raise Unsupported("an ordered-set function with other arguments")
        if len(arguments) > 1:
            codes = self._named_set(arguments[1])
        else:
            index = arguments[0]
            where = frame.sets.get(str(index.children[0])) if index.data == "name" else None
            if where is None:
                raise Unsupported("an ordered-set function without its set")
            columns = self.set_columns(where, Frame(frame.size))
            if len(columns) != 1:
                raise Unsupported("an ordered-set function over tuples")
            codes = columns[0]
        lut = np.full(len(self.universe.elements), -1, dtype=np.int64)
        lut[codes] = np.arange(codes.size)
        members = self._codes(self.key_value(arguments[0], frame))
        if np.any(members < 0) or np.any(members >= lut.size):
            raise Unsupported("a member outside the set")
        positions = lut[members]
        if np.any(positions < 0):
            raise Unsupported("a member outside the set")
        if name == "ord":
            return Num(positions + 1.0)
        steps = self.numbers(arguments[2], frame) if len(arguments) == 3 else np.ones(frame.size)
        return Elem(codes[_ordered_steps(name, positions, steps, codes.size)])

    def _named_set(self, node: Any) -> np.ndarray:
        if node is None or not isinstance(node, Tree) or node.data != "name":
            raise Unsupported("a set argument that is not a set's name")
        members = self.symbols.sets.get(str(node.children[0]))
        if members is None:
            raise Unsupported("not a set")
        columns = self.universe.encode_set(members)
        if len(columns) != 1:
            raise Unsupported("an ordered-set function over tuples")
        return columns[0]

    def _v_max_call(self, node: Tree, frame: Frame) -> Any:
        return self._extreme(node.children, frame, np.maximum)

    def _v_min_call(self, node: Tree, frame: Frame) -> Any:
        return self._extreme(node.children, frame, np.minimum)

    def _extreme(self, arguments: list, frame: Frame, combine: Callable) -> Num:
        values = [self.numbers(child, frame) for child in arguments]
        result = values[0]
        for value in values[1:]:
            result = combine(result, value)
        return Num(result)

    def _v_if_expr(self, node: Tree, frame: Frame) -> Any:
        """``if cond then a else b``: each branch evaluated only on the rows that take it."""
        condition, then, otherwise = node.children
        chosen = self.mask(condition, frame)
        parts = [(np.flatnonzero(rows), self.value(branch, frame.select(rows)))
                 for rows, branch in ((chosen, then), (~chosen, otherwise))]
        if any(isinstance(value, Terms) for _, value in parts):
            return terms.placed([(rows, as_terms(self._arithmetic(value), rows.size))
                                 for rows, value in parts], frame.size)
        if not any(isinstance(value, Lin) for _, value in parts):
            values = np.empty(frame.size)
            for rows, value in parts:
                values[rows] = self.number(value)
            return Num(values)
        const = np.zeros(frame.size)
        rows_, cols, coefs = [], [], []
        for rows, value in parts:
            if isinstance(value, Lin):
                const[rows] = value.const
                rows_.append(rows[value.rows])
                cols.append(value.cols)
                coefs.append(value.coefs)
            else:
                const[rows] = self.number(value)
        return Lin(np.concatenate(rows_), np.concatenate(cols), np.concatenate(coefs), const)

    def _v_sum(self, node: Tree, frame: Frame) -> Any:
        iteration, body = node.children
        iterators, condition = split_condition(iteration.children)
        inner, parent = self.frame(iterators, condition, frame)
        value = self.value(body, inner)
        if isinstance(value, Elem):
            value = Num(self.number(value))
        if isinstance(value, Terms):
            return value.summed(parent, frame.size)
        return sum_rows(value, parent, frame.size)


def _ordered_steps(name: str, positions: np.ndarray, steps: np.ndarray, size: int) -> np.ndarray:
    """Positions ``steps`` members before (prev) or after (next) ``positions``."""
    if np.any(steps != np.round(steps)) or np.any(steps < 0):
        raise Unsupported("a number of steps that is not a whole number >= 0")
    target = positions + (-1 if name.startswith("prev") else 1) * steps.astype(np.int64)
    if name.endswith("w"):
        return target % size
    if np.any((target < 0) | (target >= size)):
        raise Unsupported("a step past the first or last member")
    return target


def _finite(values: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        raise Unsupported("a value outside a function's domain")
    return values


def _mentions(node: Tree, names: Any) -> bool:
    if not names:
        return False
    return any(isinstance(token, Token) and token.type == "NAME" and str(token) in names
               for token in node.scan_values(lambda value: isinstance(value, Token)))
