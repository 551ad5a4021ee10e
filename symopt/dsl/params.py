"""The values of `.opt` params: a number, an inline table, a formula per index, or a CSV file.

Tables are checked against the param's index set: a missing key (without ``default``) and
a key outside the set are errors that name the key.

>>> from symopt.dsl.parser import parse
>>> from symopt.dsl.builder import build
>>> text = "set S = {a, b}\\nparam p[S] = {a: 1, b: 2}\\nvar x\\nminimize f: p[b] * x^2"
>>> result = build(parse(text, "m.opt"), text, "m.opt")
>>> result.errors
[]
"""
from __future__ import annotations

from typing import Any

from lark import Tree

from symopt.dsl.data import cell_value, did_you_mean
from symopt.dsl.evaluate import format_key

__all__ = ["param_values"]

_SHOWN = 5


def param_values(builder: Any, node: Tree, supplied: tuple | None = None) -> tuple[Any, str]:
    """(value, index label) of a ``param`` statement: a number, or {key: number}.

    ``supplied`` is a data file's ``(statement, DataFile)`` for this param: its value (and
    default, if it has one) replace the model's, read in the data file's context.
    """
    token, *rest = node.children
    name = str(token)
    spec = rest.pop(0) if rest and rest[0].data == "index_spec" else None
    scopes = builder.index_scopes(spec) if spec is not None else None
    label = builder.evaluator.set_label(builder.iterators(spec)) if spec is not None else ""
    data = None
    if supplied is not None:
        statement, data = supplied
        value_node, default_node = _value_parts(statement.children[1:])
        default_node = default_node or _value_parts(rest)[1]
        node = statement
    else:
        value_node, default_node = _value_parts(rest)
    with builder.reading(data):
        evaluator = builder.evaluator
        default = evaluator.number(default_node.children[0], {}) if default_node else None
        if scopes is None:
            return _scalar(builder, name, node, value_node, default), ""
        return _indexed(builder, name, node, label, scopes, value_node, default), label


def without_symbolic_mark(node: Tree) -> tuple[Tree, bool]:
    """``param p symbolic = 40``: the statement without its ``symbolic`` mark, and whether
    it had one (the rest of a param statement reads the same either way)."""
    kept = [c for c in node.children if not (isinstance(c, Tree) and c.data == "symbolic")]
    if len(kept) == len(node.children):
        return node, False
    return Tree(node.data, kept, node.meta), True


def _value_parts(rest: list) -> tuple[Tree | None, Tree | None]:
    """(value, default) nodes of a param statement's children after its name and index."""
    default_node = rest[-1] if rest and rest[-1].data == "default" else None
    values = [child for child in rest if child.data not in ("default", "index_spec")]
    return (values[0] if values else None), default_node


def _indexed(builder: Any, name: str, node: Tree, label: str, scopes: list,
             value_node: Tree | None, default: float | None) -> dict:
    evaluator = builder.evaluator
    if value_node is None:
        if default is None:
            raise builder.fail(f"param '{name}' has no value: give '= {{...}}', '= formula', "
                               "'from \"file.csv\"', 'default value', or its value in a data "
                               "file (--data)", node)
        return {key: default for _, key in scopes}
    if value_node.data == "param_expr":
        return {key: evaluator.number(value_node.children[0], scope) for scope, key in scopes}
    if value_node.data == "param_table":
        given = _table_entries(builder, name, value_node.children[0])
    elif value_node.data == "param_wide":
        given = _wide_entries(builder, name, value_node, scopes)
    else:
        given = _csv_entries(builder, name, value_node, scopes)
    return _complete(builder, name, label, node, [key for _, key in scopes], given, default)


def _scalar(builder: Any, name: str, node: Tree, value_node: Tree | None,
            default: float | None) -> float:
    if value_node is None:
        if default is not None:
            return default
        raise builder.fail(f"param '{name}' has no value: write 'param {name} = number' (or "
                           "give it in a data file, --data, or with --param)", node)
    if value_node.data != "param_expr":
        raise builder.fail(f"param '{name}' is not indexed, so it takes one value "
                           f"('param {name} = number'), not a table", value_node)
    return builder.evaluator.number(value_node.children[0], {})


def _table_entries(builder: Any, name: str, table: Tree) -> dict:
    fast = getattr(table.meta, "fast", None)
    if fast is not None:
        return _scanned_entries(builder, name, fast)
    evaluator = builder.evaluator
    entries: dict = {}
    for entry in table.children:
        key = evaluator.element(entry.children[0])
        if key in entries:
            raise builder.fail(f"param '{name}' gives key [{format_key(key)}] twice", entry)
        entries[key] = (evaluator.number(entry.children[1], {}), entry)
    return entries


def _scanned_entries(builder: Any, name: str, fast: Any) -> dict:
    """The entries of a table `symopt.dsl.literals` scanned: key -> (value, its place)."""
    entries = dict(zip(fast.keys, zip(fast.values, fast.places())))
    if len(entries) < len(fast.keys):
        seen: set = set()
        twice = next(i for i, key in enumerate(fast.keys) if key in seen or seen.add(key))
        raise builder.fail(f"param '{name}' gives key [{format_key(fast.keys[twice])}] twice",
                           fast.place(twice))
    return entries


def _csv_entries(builder: Any, name: str, node: Tree, scopes: list) -> dict:
    path, *column = node.children
    table = builder.table(path)
    arity = _arity(scopes)
    location = builder.evaluator.location(node)
    if column:
        wanted = builder.column_name(column[0])
    elif name in table.names:
        wanted = name
    elif len(table.names) == arity + 1:
        wanted = table.names[-1]
    else:
        raise builder.fail(f"{table.path.name} has no column '{name}'"
                           f"{did_you_mean(name, table.names)}; name the column with "
                           f"'column <name>' (columns: {', '.join(table.names)})", node)
    values = table.numeric_column(wanted, location)
    key_columns = [table.column(key_name, location) for key_name in table.names[:arity]]
    entries: dict = {}
    for row, value in enumerate(values):
        parts = tuple(column_values[row] for column_values in key_columns)
        key = parts[0] if arity == 1 else parts
        if key in entries:
            raise builder.fail(f"{table.path.name} gives param '{name}' key "
                               f"[{format_key(key)}] twice (line {row + 2})", node)
        entries[key] = (value, node)
    return entries


def _arity(scopes: list) -> int:
    return len(scopes[0][1]) if scopes and isinstance(scopes[0][1], tuple) else 1


def _wide_entries(builder: Any, name: str, node: Tree, scopes: list) -> dict:
    """A wide table: the first column keys the rows, the other headers key the columns."""
    table = builder.table(node.children[0])
    if _arity(scopes) != 2:
        raise builder.fail(f"'wide' reads a param over two sets (rows x columns); '{name}' "
                           f"has {_arity(scopes)} index position(s)", node)
    location = builder.evaluator.location(node)
    rows = table.column(table.names[0], location)
    entries: dict = {}
    for header in table.names[1:]:
        column_key = cell_value(header)
        for row_key, value in zip(rows, table.numeric_column(header, location)):
            key = (row_key, column_key)
            if key in entries:
                raise builder.fail(f"{table.path.name} gives param '{name}' key "
                                   f"[{format_key(key)}] twice", node)
            entries[key] = (value, node)
    return entries


def _complete(builder: Any, name: str, label: str, node: Tree, keys: list, given: dict,
              default: float | None) -> dict:
    known = set(keys)
    for key, (_, where) in given.items():
        if key not in known:
            hint = did_you_mean(format_key(key), [format_key(k) for k in keys])
            raise builder.fail(f"param '{name}' has key [{format_key(key)}], which is not in "
                               f"its index set {label}{hint}", where)
    missing = [key for key in keys if key not in given]
    if missing and default is None:
        shown = ", ".join(f"[{format_key(k)}]" for k in missing[:_SHOWN])
        more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
        raise builder.fail(f"param '{name}' has no value for {shown}{more}; add them or "
                           "give a 'default'", node)
    return {key: given[key][0] if key in given else default for key in keys}
