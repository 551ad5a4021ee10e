"""What a sweep varies: tables of Param values (`grid`, lists, DataFrames, CSV) and `starts`.

A scenario table has one column per swept name and one row per scenario. A column is a
scalar Param (``"freight"``), one member of an indexed Param (``"cost[seattle,chicago]"``,
the member's name as symopt prints it) or a whole indexed Param (``"demand"``: every
member takes the column's value). `resolve` turns the columns into the model's param
*entries* (one number of the model each) and, per column, the entries it sets.

>>> table = as_table(grid(demand=[100, 200], freight=[1.0, 2.0, 3.0]))
>>> table.columns, table.values.shape, table.values[:2].tolist()
(('demand', 'freight'), (6, 2), [[100.0, 1.0], [100.0, 2.0]])
>>> starts(4, seed=1, method="lhs").count
4
"""
from __future__ import annotations

import csv
import itertools
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from symopt.errors import InputError
from symopt.model.components import Param
from symopt.model.component import index_tuple
from symopt.model.text import member_name
from symopt.multistart import Starts, starts

__all__ = ["Entry", "ScenarioTable", "Starts", "as_table", "grid", "resolve", "starts",
           "parse_values", "read_csv"]


@dataclass(frozen=True)
class Entry:
    """One number of the model that a sweep sets: ``param[key]`` (``key`` None: scalar)."""

    param: str
    key: Any
    label: str


@dataclass(frozen=True)
class ScenarioTable:
    """``values[s, c]``: the value of column ``columns[c]`` in scenario ``s``."""

    columns: tuple[str, ...]
    values: np.ndarray

    def __len__(self) -> int:
        return self.values.shape[0]


@dataclass(frozen=True)
class Grid:
    """The cartesian product of the given value lists, first name varying slowest."""

    axes: tuple[tuple[str, np.ndarray], ...]


def grid(*tables: Mapping[str, Iterable[float]], **columns: Iterable[float]) -> Grid:
    """Every combination of the given values (names with brackets go in a dict).

    >>> len(as_table(grid({"cost[seattle,chicago]": [1, 2]}, demand=range(3))))
    6
    """
    merged: dict[str, Iterable[float]] = {}
    for table in tables:
        merged.update(table)
    merged.update(columns)
    if not merged:
        raise InputError("grid() needs at least one name=values")
    return Grid(tuple((str(name), _numbers(values, name)) for name, values in merged.items()))


def as_table(scenarios: Any) -> ScenarioTable:
    """A `ScenarioTable` from a grid, a list of dicts, a column dict, a DataFrame or a CSV path."""
    if isinstance(scenarios, ScenarioTable):
        return scenarios
    if isinstance(scenarios, Grid):
        names = tuple(name for name, _ in scenarios.axes)
        rows = list(itertools.product(*(values for _, values in scenarios.axes)))
        return ScenarioTable(names, np.array(rows, dtype=float).reshape(len(rows), len(names)))
    if isinstance(scenarios, (str, Path)):
        return read_csv(scenarios)
    if hasattr(scenarios, "columns") and hasattr(scenarios, "to_numpy"):  # a DataFrame
        names = tuple(str(c) for c in scenarios.columns)
        return ScenarioTable(names, _matrix(scenarios.to_numpy(), names))
    if isinstance(scenarios, Mapping):
        names = tuple(str(c) for c in scenarios)
        columns = [_numbers(scenarios[c], c) for c in scenarios]
        if len({c.size for c in columns}) > 1:
            raise InputError("the scenario columns have different lengths: "
                             + ", ".join(f"{n}: {c.size}" for n, c in zip(names, columns)))
        return ScenarioTable(names, np.column_stack(columns) if columns else np.zeros((0, 0)))
    return _from_records(list(scenarios))


def _from_records(records: list) -> ScenarioTable:
    if not records:
        raise InputError("no scenarios given")
    names: list[str] = []
    for record in records:
        if not isinstance(record, Mapping):
            raise InputError(f"a scenario must be a dict of name -> value, got "
                             f"{type(record).__name__} {record!r}")
        names += [str(k) for k in record if str(k) not in names]
    values = np.empty((len(records), len(names)))
    for s, record in enumerate(records):
        given = {str(k): v for k, v in record.items()}
        missing = [n for n in names if n not in given]
        if missing:
            raise InputError(f"scenario {s} has no value for {missing[0]!r}; every scenario "
                             "must set the same names")
        values[s] = [_number(given[n], n) for n in names]
    return ScenarioTable(tuple(names), values)


def read_csv(path: str | Path) -> ScenarioTable:
    """A scenario table from a CSV file with a header row of names."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the scenario table ({exc})") from None
    if len(rows) < 2:
        raise InputError(f"{path}: a scenario table needs a header row and at least one row")
    header = tuple(name.strip() for name in rows[0])
    values = np.empty((len(rows) - 1, len(header)))
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(f"{path}:{line}: {len(row)} values for {len(header)} columns")
        for c, cell in enumerate(row):
            values[line - 2, c] = _number(cell.strip(), f"{path}:{line} column {header[c]!r}")
    return ScenarioTable(header, values)


def parse_values(text: str, where: str) -> np.ndarray:
    """``"100:300:21"`` (21 values from 100 to 300), ``"1,2,3"`` or ``"5"`` as an array."""
    parts = text.split(":")
    if len(parts) == 3:
        low, high, count = (_number(p, where) for p in parts)
        if count < 1 or count != int(count):
            raise InputError(f"{where}: the count in {text!r} must be a whole number >= 1")
        return np.linspace(low, high, int(count))
    if len(parts) != 1:
        raise InputError(f"{where}: expected start:stop:count, a list 1,2,3 or one number; "
                         f"got {text!r}")
    return np.array([_number(p, where) for p in text.split(",")])


def resolve(model: Any, columns: tuple[str, ...]) -> tuple[list[Entry], list[np.ndarray],
                                                           np.ndarray]:
    """The model's entries the columns set, each column's entry positions, base values."""
    entries: list[Entry] = []
    position: dict[Entry, int] = {}
    slots = []
    for column in columns:
        found = _entries_of(model, column)
        for entry in found:
            if entry not in position:
                position[entry] = len(entries)
                entries.append(entry)
        slots.append(np.array([position[e] for e in found], dtype=np.intp))
    params = {e.param: _param(model, e.param) for e in entries}
    for param in params.values():
        if param._read_outside_rules:
            warnings.warn(f"param '{param.name}' is swept, but its values were also read "
                          "outside a rule: a component declared with expr= (or from "
                          "as_array()) that used them keeps the base numbers in every "
                          "scenario; declare such components with rule=...", stacklevel=4)
    base = np.array([params[e.param]._peek(e.key) for e in entries], dtype=float)
    return entries, slots, base


def _entries_of(model: Any, column: str) -> list[Entry]:
    name, _, rest = column.partition("[")
    name = name.strip()
    param = _param(model, name)
    if not param.is_indexed:
        if rest:
            raise InputError(f"param '{name}' is scalar; write {name!r}, not {column!r}")
        return [Entry(name, None, name)]
    members = {member_name(name, index_tuple(key)): key for key in param.index_keys()}
    if not rest:
        return [Entry(name, key, label) for label, key in members.items()]
    label = member_name(name, tuple(part.strip() for part in rest.rstrip("]").split(",")))
    if label not in members:
        sample = ", ".join(list(members)[:4])
        raise InputError(f"{column!r} is not a member of param '{name}'; its members are "
                         f"{sample}{', ...' if len(members) > 4 else ''}")
    return [Entry(name, members[label], label)]


def _param(model: Any, name: str) -> Param:
    component = next((c for c in model.components(Param) if c.name == name), None)
    if not isinstance(component, Param):
        params = [c.name for c in model.components(Param)]
        raise InputError(f"model '{model.name}' has no param {name!r} to sweep; its params are "
                         f"{', '.join(params) or '(none)'}")
    return component


def _matrix(raw: Any, names: tuple[str, ...]) -> np.ndarray:
    try:
        return np.asarray(raw, dtype=float).reshape(-1, len(names))
    except (TypeError, ValueError):
        raise InputError("the scenario table must hold numbers only") from None


def _numbers(values: Any, name: Any) -> np.ndarray:
    try:   # numbers already (the common case: a numpy column), checked at once
        array = np.atleast_1d(np.asarray(values, dtype=float)).ravel()
    except (TypeError, ValueError):
        array = None
    if array is None or np.isnan(array).any():  # find the offending value, to name it
        array = np.atleast_1d(np.asarray([_number(v, name) for v in np.ravel(values)],
                                         dtype=float))
    if array.size == 0:
        raise InputError(f"no values given for {name!r}")
    return array


def _number(raw: Any, where: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InputError(f"{where}: expected a number, got {raw!r}") from None
    if np.isnan(value):
        raise InputError(f"{where}: NaN is not a value a scenario can set")
    return value
