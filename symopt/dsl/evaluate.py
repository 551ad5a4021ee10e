"""Evaluation of `.opt` conditions and expressions from the syntax tree.

Numbers stay Python numbers; anything touching a variable becomes a model expression,
built by the modeling layer's operators and functions (`symopt.model`), never by parsing
text. The evaluator knows the model only through `Symbols` (what each name means).

>>> from symopt.dsl.parser import parse
>>> tree = parse("param n = 2 ^ 3 + 1", "m.opt")
>>> Evaluator(Symbols(), "m.opt", "").expression(tree.children[0].children[1].children[0], {})
9
"""
from __future__ import annotations

import math
import operator
from typing import Any, Callable

from lark import Token, Tree
from lark.visitors import Interpreter

from symopt.dsl.data import did_you_mean
from symopt.dsl.indexing import (
    Indexing, Symbols, VarEntry, format_key, is_number, number_of, split_condition,
)
from symopt.dsl.ordered import SET_FUNCTIONS, set_function
from symopt.errors import SymoptError
from symopt.limits import finite, power

_UNBOUND = object()

__all__ = ["Evaluator", "Symbols", "VarEntry", "MATH_FUNCTIONS", "compare", "format_key",
           "number_of"]

#: function name -> (numeric version, arity); the model versions come from symopt.model
MATH_FUNCTIONS: dict[str, tuple[Callable[..., float], int]] = {
    "exp": (math.exp, 1), "log": (math.log, 1), "ln": (math.log, 1),
    "log10": (math.log10, 1), "sqrt": (math.sqrt, 1), "abs": (abs, 1),
    "sin": (math.sin, 1), "cos": (math.cos, 1), "tan": (math.tan, 1),
    "asin": (math.asin, 1), "acos": (math.acos, 1), "atan": (math.atan, 1),
    "sinh": (math.sinh, 1), "cosh": (math.cosh, 1), "tanh": (math.tanh, 1),
    "min": (min, -1), "max": (max, -1),
}
_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_RELATIVE = 1e-9       # numbers this close compare equal: sums of decimal data are rarely exact


def compare(symbol: str, a: Any, b: Any) -> bool:
    """``a symbol b``; ``=``/``==``/``!=`` of two numbers allow a relative 1e-9."""
    if symbol in ("=", "==", "!="):
        if is_number(a) and is_number(b):
            same = math.isclose(a, b, rel_tol=_RELATIVE, abs_tol=1e-12)
        else:
            same = a == b
        return same if symbol != "!=" else not same
    return bool(_COMPARE[symbol](a, b))




class Condition(Interpreter):
    """A condition's truth in one scope: lark's Interpreter, one method per node kind of
    ``logic`` in the grammar; ``and``/``or`` evaluate their right side only when needed."""

    def __init__(self, evaluator: "Evaluator", scope: dict):
        self.evaluator, self.scope = evaluator, scope

    def __default__(self, tree: Tree) -> bool:
        raise self.evaluator.fail(f"expected a condition here, found "
                                  f"'{self.evaluator.text_of(tree)}'", tree)

    def or_(self, tree: Tree) -> bool:
        return self.visit(tree.children[0]) or self.visit(tree.children[1])

    def and_(self, tree: Tree) -> bool:
        return self.visit(tree.children[0]) and self.visit(tree.children[1])

    def not_(self, tree: Tree) -> bool:
        return not self.visit(tree.children[0])

    def compare(self, tree: Tree) -> bool:
        return self.evaluator.comparison(tree, self.scope)

    def member_of(self, tree: Tree) -> bool:
        return self.evaluator.membership(tree, self.scope)

    def not_member_of(self, tree: Tree) -> bool:
        return not self.evaluator.membership(tree, self.scope)


class Evaluator(Indexing):
    """Evaluates trees in a scope (index name -> element); errors are `ModelError` at a spot."""

    # ---- conditions -------------------------------------------------------------------------
    def logic(self, node: Tree, scope: dict) -> bool:
        """A condition on data: comparisons, set membership, and, or, not."""
        return Condition(self, scope).visit(node)

    def comparison(self, node: Tree, scope: dict) -> bool:
        left, op, right = node.children
        a, b = self._data_value(left, scope), self._data_value(right, scope)
        symbol = str(op.children[0])
        if symbol not in ("==", "=", "!=") and not (is_number(a) and is_number(b)):
            raise self.fail(f"cannot compare {a!r} {symbol} {b!r}: expected numbers", node)
        return compare(symbol, a, b)

    def membership(self, node: Tree, scope: dict) -> bool:
        value = self._data_value(node.children[0], scope)
        return value in set(self.set_value(node.children[1], scope))

    def _data_value(self, node: Tree, scope: dict) -> Any:
        """One side of a condition: a number or a set member, never a variable."""
        value = self.subscript_value(node, scope)
        if node.data == "name" and str(node.children[0]) not in scope and (
                value in self.symbols.variables or value in self.symbols.expressions):
            value = None       # a bare variable name, not a set member called like it
        if not isinstance(value, (int, float, str, tuple)):
            raise self.fail(f"a condition is on data (numbers and set members), but "
                            f"'{self.text_of(node)}' depends on variables; a choice that "
                            "depends on variables needs a reformulation (binary variables "
                            "with big-M constraints, or max/min/abs of expressions)", node)
        return value

    # ---- expressions -----------------------------------------------------------------------
    def expression(self, node: Tree | Token, scope: dict) -> Any:
        handler = _HANDLERS.get(node.data) if isinstance(node, Tree) else None
        if handler is None:
            raise self.fail("expected an arithmetic expression here", node)
        return handler(self, node, scope)

    def number(self, node: Tree, scope: dict) -> float:
        """An expression that must be a number (params, not variables)."""
        value = self.expression(node, scope)
        if not is_number(value):
            raise self.fail(f"'{self.text_of(node)}' must be a number here (it may use "
                            "params and index names, not variables)", node)
        return value

    def _expr_number(self, node: Tree, scope: dict) -> Any:
        return self.literal(node.children[0])

    def _expr_string(self, node: Tree, scope: dict) -> Any:
        raise self.fail(f"a quoted string {node.children[0]} cannot be used in arithmetic",
                        node)

    def _expr_name(self, node: Tree, scope: dict) -> Any:
        token = node.children[0]
        name = str(token)
        if name in scope:
            return scope[name]
        symbols = self.symbols
        if name in symbols.params:
            value = symbols.params[name]
            if isinstance(value, dict):
                raise self.fail(f"param '{name}' is indexed over {symbols.param_sets[name]}; "
                                f"write {name}[...]", token)
            return value
        if name in symbols.variables:
            entry = symbols.variables[name]
            if entry.keys is not None:
                raise self.fail(f"variable '{name}' is indexed over {entry.set_label}; "
                                f"write {name}[...]", token)
            return entry.get(None)
        if name in symbols.expressions:
            value = symbols.expressions[name]
            if isinstance(value, dict):
                raise self.fail(f"expression '{name}' is indexed over "
                                f"{symbols.expression_sets[name]}; write {name}[...]", token)
            return value
        if name in symbols.data:
            symbols.used_data.add(name)
            return symbols.data[name]
        if name in symbols.sets or name in symbols.indexed_sets:
            raise self.fail(f"'{name}' is a set; it cannot be used as a number (card({name}) "
                            "is its size)", token)
        known = [*(k for k in scope if isinstance(k, str)), *symbols.params,
                 *symbols.variables, *symbols.expressions, *symbols.data]
        raise self.fail(f"undefined name '{name}'{did_you_mean(name, known)}", token)

    def subscript_value(self, node: Tree, scope: dict) -> Any:
        """One index position: an index name, a param, a number, or a set element's name."""
        if node.data == "name":
            name = str(node.children[0])
            if name in scope:
                return scope[name]
            if name in self.symbols.params and not isinstance(self.symbols.params[name], dict):
                return self.symbols.params[name]
            return name
        if node.data == "string":
            return str(node.children[0])[1:-1]
        value = self.expression(node, scope)
        if is_number(value) and math.isfinite(value) and value == int(value):
            return int(value)
        return value

    def _expr_subscript(self, node: Tree, scope: dict) -> Any:
        token, *positions = node.children
        name = str(token)
        parts = []
        for child in positions:   # the hot path of big models: bound index names first
            value = scope.get(child.children[0].value, _UNBOUND) if child.data == "name" \
                else _UNBOUND
            parts.append(self.subscript_value(child, scope) if value is _UNBOUND else value)
        key = parts[0] if len(parts) == 1 else tuple(parts)
        symbols = self.symbols
        if name in symbols.variables:
            entry = symbols.variables[name]
            if entry.keys is None:
                raise self.fail(f"variable '{name}' is not indexed; write {name} alone", token)
            if key not in entry.keys:
                raise self._key_error(name, key, entry.keys, entry.set_label, node)
            return entry.get(key)
        if name in symbols.params:
            table = symbols.params[name]
            if not isinstance(table, dict):
                raise self.fail(f"param '{name}' is not indexed; write {name} alone", token)
            if key not in table:
                raise self._key_error(name, key, table, symbols.param_sets[name], node)
            return table[key]
        if name in symbols.expressions:
            table = symbols.expressions[name]
            if not isinstance(table, dict):
                raise self.fail(f"expression '{name}' is not indexed; write {name} alone", token)
            if key not in table:
                raise self._key_error(name, key, table, symbols.expression_sets[name], node)
            return table[key]
        if name in symbols.sets or name in symbols.indexed_sets:
            raise self.fail(f"'{name}' is a set; {name}[...] is only for indexed sets, "
                            "params, variables and expressions", token)
        known = [*symbols.params, *symbols.variables, *symbols.expressions]
        raise self.fail(f"undefined name '{name}'{did_you_mean(name, known)}", token)

    def _key_error(self, name: str, key: Any, keys: Any, label: str, node: Tree) -> SymoptError:
        hint = did_you_mean(format_key(key), [format_key(k) for k in keys])
        return self.fail(f"index [{format_key(key)}] of '{name}' is not in its index set "
                        f"{label}{hint}", node)

    def _expr_add(self, node: Tree, scope: dict) -> Any:
        return self._additive_chain(node, scope)

    _expr_sub = _expr_add

    def _additive_chain(self, node: Tree, scope: dict) -> Any:
        """``a + b - c + ...`` without recursion: files hold sums of thousands of terms."""
        spine = []
        while isinstance(node, Tree) and node.data in ("add", "sub"):
            spine.append(node)
            node = node.children[0]
        result = self.expression(node, scope)
        for link in reversed(spine):
            op = operator.add if link.data == "add" else operator.sub
            result = self._combine(link, op, result, self.expression(link.children[1], scope))
        return result

    def _expr_mul(self, node: Tree, scope: dict) -> Any:
        return self._binary(node, scope, operator.mul)

    def _expr_div(self, node: Tree, scope: dict) -> Any:
        return self._binary(node, scope, operator.truediv)

    def _expr_pow(self, node: Tree, scope: dict) -> Any:
        return self._binary(node, scope, _power)

    def _expr_neg(self, node: Tree, scope: dict) -> Any:
        return -self.expression(node.children[0], scope)

    def _binary(self, node: Tree, scope: dict, op: Callable[[Any, Any], Any]) -> Any:
        left = self.expression(node.children[0], scope)
        right = self.expression(node.children[1], scope)
        return self._combine(node, op, left, right)

    def _combine(self, node: Tree, op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
        try:
            result = op(left, right)
        except ZeroDivisionError:
            raise self.fail(f"division by zero in '{self.text_of(node)}'", node) from None
        except OverflowError:
            raise self.fail(f"'{self.text_of(node)}' overflows", node) from None
        except SymoptError as exc:
            raise self.fail(f"{exc.message} (in '{self.text_of(node)}')", node) from None
        except TypeError as exc:
            raise self.fail(f"cannot evaluate '{self.text_of(node)}': {exc}", node) from None
        except ValueError as exc:       # limits.power and limits.finite say what is wrong
            raise self.fail(f"{exc} (in '{self.text_of(node)}')", node) from None
        if isinstance(result, complex):
            raise self.fail(f"'{self.text_of(node)}' is not a real number", node)
        if is_number(result):
            self.finite(result, node)
        return result

    def finite(self, value: int | float, node: Tree) -> int | float:
        """``value``, or a located error when it is NaN, infinite or beyond the float range."""
        try:
            return finite(value, f"'{self.text_of(node)}'")
        except ValueError as exc:
            raise self.fail(str(exc), node) from None

    def _terms(self, node: Tree, scope: dict) -> list:
        """The body of ``sum``/``prod``/``max``/``min`` over its index list, one per member."""
        iteration, body = node.children
        iterators, condition = split_condition(iteration.children)
        return [self.expression(body, inner)
                for inner, _ in self.iterate(iterators, condition, scope)]

    def _expr_sum(self, node: Tree, scope: dict) -> Any:
        terms = self._terms(node, scope)
        if not terms:
            return 0
        if all(is_number(term) for term in terms):
            try:
                return self.finite(math.fsum(terms), node)
            except OverflowError:
                raise self.fail(f"'{self.text_of(node)}' overflows", node) from None
        return sum(terms[1:], terms[0])

    def _expr_prod(self, node: Tree, scope: dict) -> Any:
        result: Any = 1
        for term in self._terms(node, scope):
            result = self._combine(node, operator.mul, result, term)
        return result

    def _expr_max_over(self, node: Tree, scope: dict) -> Any:
        return self._extreme(node, scope, "max")

    def _expr_min_over(self, node: Tree, scope: dict) -> Any:
        return self._extreme(node, scope, "min")

    def _extreme(self, node: Tree, scope: dict, word: str) -> Any:
        terms = self._terms(node, scope)
        if not terms:
            raise self.fail(f"{word}(...) over an empty set has no value", node)
        if not all(is_number(term) for term in terms):
            relation = ">=" if word == "max" else "<="
            raise self.fail(f"{word}(...) of variables is not smooth; model it with a new "
                            f"variable t and one constraint t {relation} term per member", node)
        return max(terms) if word == "max" else min(terms)

    def _expr_if_expr(self, node: Tree, scope: dict) -> Any:
        condition, then, otherwise = node.children
        return self.expression(then if self.logic(condition, scope) else otherwise, scope)

    def _expr_max_call(self, node: Tree, scope: dict) -> Any:
        return self._function(node, "max", node.children, scope)

    def _expr_min_call(self, node: Tree, scope: dict) -> Any:
        return self._function(node, "min", node.children, scope)

    def _expr_call(self, node: Tree, scope: dict) -> Any:
        token, *arguments = node.children
        name = str(token)
        if name in SET_FUNCTIONS:
            return set_function(self, name, node, arguments, scope)
        if name not in MATH_FUNCTIONS:
            known = sorted([*MATH_FUNCTIONS, *SET_FUNCTIONS])
            raise self.fail(f"unknown function '{name}'{did_you_mean(name, known)}"
                            f"; the functions are {', '.join(known)}", token)
        return self._function(node, name, arguments, scope)

    def _function(self, node: Tree, name: str, arguments: list, scope: dict) -> Any:
        numeric, arity = MATH_FUNCTIONS[name]
        values = [self.expression(child, scope) for child in arguments]
        if arity > 0 and len(values) != arity:
            raise self.fail(f"{name}() takes {arity} argument(s), got {len(values)}", node)
        if arity < 0 and len(values) < 2:
            raise self.fail(f"{name}() takes two or more arguments, got {len(values)}", node)
        if all(is_number(value) for value in values):
            try:
                result = numeric(*values)
            except (ValueError, OverflowError, ZeroDivisionError):
                raise self.fail(f"{name}({', '.join(map(str, values))}) is not defined",
                                node) from None
            return self.finite(result, node)
        if arity < 0:
            relation = ">=" if name == "max" else "<="
            raise self.fail(f"{name}() of variables is not smooth; model it with a new "
                            f"variable t and constraints t {relation} each argument", node)
        return self._model_function(name, node)(*values)

    def _model_function(self, name: str, node: Tree) -> Callable[..., Any]:
        factory = self.symbols.model_function
        function = factory(name) if factory else None
        if function is None:
            raise self.fail(f"function '{name}' of a variable is not supported by the "
                            "modeling layer", node)
        return function


def _power(base: Any, exponent: Any) -> Any:
    """``base ^ exponent``: bounded for numbers (`symopt.limits.power`), symbolic otherwise."""
    if is_number(base) and is_number(exponent):
        return power(base, exponent)
    return base ** exponent


#: tree node name -> the Evaluator method that evaluates it
_HANDLERS = {name[len("_expr_"):]: method for name, method in vars(Evaluator).items()
             if name.startswith("_expr_")}
