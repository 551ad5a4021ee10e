"""Functions of ordered sets in `.opt` files: card, first, last, ord, prev, next (and wrap-around).

Sets keep their declaration order, so a set of months or periods is ordered as written.
``prev(m)``/``next(m)`` step within the set the index ``m`` runs over (or a set given as the
second argument, as in AMPL's ``prev(m, MONTHS)``); a third argument steps further. Stepping
before the first or after the last member is an error that says how to guard it, unless the
wrap-around forms ``prevw``/``nextw`` are used.

>>> from symopt.dsl import loads
>>> text = '''set M = {jan, feb, mar}
... param p[m in M] = if m = first(M) then 0 else ord(prev(m), M) * 10 + card(M)
... var x
... minimize f: x^2'''
>>> result = loads(text)
>>> result.errors, sorted(result.model.p.items())
([], [('feb', 13.0), ('jan', 0.0), ('mar', 23.0)])
"""
from __future__ import annotations

from typing import Any

from lark import Tree

from symopt.dsl.indexing import SET_OF, format_key, is_number

__all__ = ["SET_FUNCTIONS", "set_function"]

#: name -> (fewest, most) arguments
SET_FUNCTIONS = {
    "card": (1, 1), "first": (1, 1), "last": (1, 1), "ord": (1, 2),
    "prev": (1, 3), "next": (1, 3), "prevw": (1, 3), "nextw": (1, 3),
}


def set_function(evaluator: Any, name: str, node: Tree, arguments: list, scope: dict) -> Any:
    """The value of ``name(arguments)`` for one of `SET_FUNCTIONS`."""
    fewest, most = SET_FUNCTIONS[name]
    if not fewest <= len(arguments) <= most:
        usage = {"card": "card(S)", "first": "first(S)", "last": "last(S)",
                 "ord": "ord(i) or ord(i, S)"}.get(name, f"{name}(i), {name}(i, S) or "
                                                         f"{name}(i, S, steps)")
        raise evaluator.fail(f"{name}() takes {usage}, got {len(arguments)} argument(s)", node)
    if name in ("card", "first", "last"):
        members = set_argument(evaluator, arguments[0], scope)
        if name == "card":
            return len(members)
        if not members:
            raise evaluator.fail(f"{name}({evaluator.text_of(arguments[0])}): the set is "
                                 "empty", node)
        return members[0] if name == "first" else members[-1]
    member = evaluator.subscript_value(arguments[0], scope)
    members = (set_argument(evaluator, arguments[1], scope) if len(arguments) > 1
               else _set_of_index(evaluator, name, arguments[0], scope))
    position = _position(evaluator, name, node, member, members, arguments)
    if name == "ord":
        return position + 1
    return _step(evaluator, name, node, position, members, arguments, scope)


def set_argument(evaluator: Any, node: Tree, scope: dict) -> list:
    """A set named as a function argument: ``S`` or ``IN[k]``."""
    if isinstance(node, Tree) and node.data == "name":
        return evaluator.lookup_set(node.children[0])
    if isinstance(node, Tree) and node.data == "subscript":
        token, *positions = node.children
        return evaluator.indexed_set_member(token, positions, scope, node)
    raise evaluator.fail(f"expected the name of a set here, found "
                         f"'{evaluator.text_of(node)}' (declare it with 'set NAME = ...')", node)


def _set_of_index(evaluator: Any, name: str, node: Tree, scope: dict) -> list:
    """The set an index name runs over, for ``prev(m)`` without a set argument."""
    index = str(node.children[0]) if isinstance(node, Tree) and node.data == "name" else None
    where = scope.get((SET_OF, index)) if index is not None else None
    if where is None:
        raise evaluator.fail(f"{name}({evaluator.text_of(node)}) needs the set: write "
                             f"{name}({evaluator.text_of(node)}, SET) (only an index name "
                             "knows its own set)", node)
    return evaluator.set_value(where, scope)


def _position(evaluator: Any, name: str, node: Tree, member: Any, members: list,
              arguments: list) -> int:
    positions = _positions(evaluator, members)
    if member not in positions:
        label = evaluator.text_of(arguments[1]) if len(arguments) > 1 else "its set"
        raise evaluator.fail(f"{name}(): {format_key(member)} is not a member of {label}",
                             node)
    return positions[member]


def _positions(evaluator: Any, members: list) -> dict:
    """member -> 0-based position, cached per set list (sets are not changed once built)."""
    cache = evaluator.__dict__.setdefault("_positions_cache", {})
    entry = cache.get(id(members))
    if entry is None or entry[0] is not members:
        entry = (members, {member: k for k, member in enumerate(members)})
        cache[id(members)] = entry
    return entry[1]


def _step(evaluator: Any, name: str, node: Tree, position: int, members: list,
          arguments: list, scope: dict) -> Any:
    steps = 1
    if len(arguments) == 3:
        steps = evaluator.expression(arguments[2], scope)
        if not is_number(steps) or steps != int(steps) or steps < 0:
            raise evaluator.fail(f"{name}(): the number of steps must be a whole number "
                                 f">= 0, got {steps}", arguments[2])
    target = position + (-int(steps) if name.startswith("prev") else int(steps))
    if name.endswith("w"):
        return members[target % len(members)]
    if not 0 <= target < len(members):
        end = "first" if name == "prev" else "last"
        member = format_key(members[position])
        label = evaluator.text_of(arguments[1]) if len(arguments) > 1 else "its set"
        raise evaluator.fail(
            f"{name}({member}) steps past the {end} member of {label}; guard it with "
            f"'if {evaluator.text_of(arguments[0])} = {end}(SET) then ... else ...', limit the "
            f"index list, or use {name}w() to wrap around", node)
    return members[target]


