"""The `set` statements of `.opt` files: a set expression, an indexed family, or CSV columns.

``within W`` checks every member against ``W`` when the set is built (AMPL's declared
domain); ``dimen k`` says how many parts each member has. A set read from a CSV file with
several columns must say which columns make its members (``column c``, ``columns (a, b)``,
``dimen 2`` or ``within A cross B``): a two-column file of arcs never silently becomes a
set of first nodes.

>>> from symopt.dsl import loads
>>> text = '''set N = {a, b, c}
... set L within N cross N = {(a, b), (b, c), (a, c)}
... set IN[k in N] = {(i, k) in L}
... var x
... minimize f: x^2'''
>>> loads(text).errors
[]
"""
from __future__ import annotations

from typing import Any

from lark import Token, Tree

from symopt.dsl.indexing import IndexedSet, format_key

__all__ = ["set_members", "indexed_set", "csv_members", "check_attributes", "dimension"]

_SHOWN = 3


def attributes(children: list) -> list[Tree]:
    """The ``within``/``dimen`` attributes among a set statement's children."""
    return [child for child in children if isinstance(child, Tree)
            and child.data in ("within", "dimen")]


def set_members(builder: Any, expression: Tree) -> list:
    """The members of a plain ``set NAME = expression``."""
    return builder.evaluator.set_value(expression, {})


def indexed_set(builder: Any, name: str, spec: Tree, expression: Tree,
                attrs: list[Tree]) -> IndexedSet:
    """``set NAME[k in K] = expression``: one member list per key, each checked."""
    evaluator = builder.evaluator
    members = {}
    for scope, key in builder.index_scopes(spec):
        members[key] = evaluator.set_value(expression, scope)
        check_attributes(builder, f"{name}[{format_key(key)}]", members[key], attrs)
    return IndexedSet(members, evaluator.set_label(builder.iterators(spec)))


def dimension(builder: Any, attrs: list[Tree]) -> int | None:
    """The member size a set's attributes imply (``dimen k`` or ``within`` a k-set)."""
    for attribute in attrs:
        if attribute.data == "dimen":
            return int(str(attribute.children[0]))
    for attribute in attrs:
        domain = builder.evaluator.set_value(attribute.children[0], {})
        if domain:
            first = domain[0]
            return len(first) if isinstance(first, tuple) else 1
    return None


def check_attributes(builder: Any, name: str, members: list, attrs: list[Tree]) -> None:
    """Raise a located error when a member breaks ``within`` or ``dimen``."""
    evaluator = builder.evaluator
    for attribute in attrs:
        if attribute.data == "dimen":
            size = int(str(attribute.children[0]))
            wrong = [m for m in members if (len(m) if isinstance(m, tuple) else 1) != size]
            if wrong:
                raise evaluator.fail(f"set '{name}' is declared 'dimen {size}' but has "
                                     f"members of another size: {_show(wrong)}", attribute)
            continue
        domain = set(evaluator.set_value(attribute.children[0], {}))
        outside = [member for member in members if member not in domain]
        if outside:
            raise evaluator.fail(
                f"set '{name}' has member(s) outside "
                f"{evaluator.text_of(attribute.children[0])}: {_show(outside)} (it is "
                f"declared 'within {evaluator.text_of(attribute.children[0])}')", attribute)


def csv_members(builder: Any, node: Tree, path: Token, columns: Tree | None,
                attrs: list[Tree]) -> list:
    """The members of ``set NAME from "file.csv" [column c | columns (a, b)]``."""
    table = builder.table(path)
    location = builder.evaluator.location(node)
    if columns is not None:
        names = [builder.column_name(child) for child in columns.children]
    else:
        size = dimension(builder, attrs)
        if size is None and len(table.names) > 1:
            listed = ", ".join(table.names)
            raise builder.fail(
                f"{table.path.name} has {len(table.names)} columns ({listed}); say which "
                f"make the set's members: 'column {table.names[0]}' for one, 'columns "
                f"({table.names[0]}, {table.names[1]})' for pairs, or 'dimen 2' for the "
                "first two", node)
        size = size or 1
        if size > len(table.names):
            raise builder.fail(f"the set has members of {size} parts but {table.path.name} "
                               f"has only {len(table.names)} column(s)", node)
        names = table.names[:size]
    cells = [table.column(column, location) for column in names]
    if len(cells) == 1:
        return list(dict.fromkeys(cells[0]))
    return list(dict.fromkeys(zip(*cells)))


def _show(members: list) -> str:
    shown = ", ".join(f"({format_key(m)})" if isinstance(m, tuple) else str(m)
                      for m in members[:_SHOWN])
    more = f" and {len(members) - _SHOWN} more" if len(members) > _SHOWN else ""
    return shown + more
