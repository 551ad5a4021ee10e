"""The variables and constraints of an LP report as parallel columns, in report order.

The LP report's tables (solution, ranging, highlights) are built from `Entries`: one list
per column of the tables. For an LP read from a file, whose results are arrays
(`symopt.solution.lp_arrays.LPArrays`), the lists come straight from the arrays, in the
file's order; otherwise (a model's indexed components, a hand-built `Solution`) from the
records, sorted by component and index. Both give the same cells.

>>> from symopt.solution.types import VariableResult
>>> entries = variable_entries([VariableResult("x[2]", "x", (2,), value=1.0),
...                             VariableResult("x[1]", "x", (1,), value=0.0)])
>>> entries.name, entries.groups()
(['x[1]', 'x[2]'], ['x', 'x'])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symopt.solution.lp_arrays import LPArrays, RangeArrays, basis_words, none_where_nan

__all__ = ["Entries", "RangeColumns", "report_entries", "variable_entries",
           "constraint_entries", "sorted_by_component", "group_labels"]


@dataclass
class RangeColumns:
    """The ranges of the entries at ``where`` (positions in their `Entries`)."""

    where: list[int]
    current: list[float]
    lower: list[float]
    upper: list[float]
    decrease: list[float]
    increase: list[float]
    at_lower: list[float | None]
    at_upper: list[float | None]
    change_lower: list[str | None]
    change_upper: list[str | None]


@dataclass
class Entries:
    """Variables (``price`` = reduced cost) or constraints (``value`` = activity,
    ``price`` = shadow price) as parallel lists."""

    name: list[str]
    value: list[float]
    lower: list[float]
    upper: list[float]
    price: list[float | None]
    basis: list[str | None]
    ranges: RangeColumns | None
    components: list[str] = field(default_factory=list)         # records only
    indexed: list[bool] = field(default_factory=list)            # records only
    cost: list[float | None] = field(default_factory=list)       # variables
    integer: list[bool] = field(default_factory=list)            # variables
    slack: list[float] = field(default_factory=list)             # constraints
    binding: list[bool] = field(default_factory=list)            # constraints

    def groups(self, where: list[int] | None = None) -> list[str]:
        """Group labels (components) of the entries at ``where`` (default: all) when one of
        them has an index; else none (as `group_labels`)."""
        where = range(len(self.name)) if where is None else where
        if not self.components or not any(self.indexed[i] for i in where):
            return []
        return [self.components[i] for i in where]

    def subset(self, values: list) -> list:
        """``values`` (one per entry) of the entries with a range (the list itself when
        every entry has one, so that tables share it)."""
        where = self.ranges.where
        return values if len(where) == len(values) else [values[i] for i in where]

    def range_ends(self) -> tuple[list, list]:
        """Each entry's range low and high (None without a range)."""
        if self.ranges is not None and len(self.ranges.where) == len(self.name):
            return self.ranges.lower, self.ranges.upper
        low, high = [None] * len(self.name), [None] * len(self.name)
        if self.ranges is not None:
            for i, lo, hi in zip(self.ranges.where, self.ranges.lower, self.ranges.upper):
                low[i], high[i] = lo, hi
        return low, high


def index_key(value: Any) -> tuple:
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def sorted_by_component(items: list[Any]) -> list[Any]:
    """Components in order of first appearance, each component's members by index."""
    order: dict[str, int] = {}
    for item in items:
        order.setdefault(item.component, len(order))
    return sorted(items, key=lambda it: (order[it.component],
                                         tuple(index_key(i) for i in it.index)))


def group_labels(items: list[Any]) -> list[str]:
    """One label per row when some component has an index; else none."""
    if not any(item.index for item in items):
        return []
    return [item.component for item in items]


def report_entries(solution: Any) -> tuple[Entries, Entries]:
    """The variables and constraints of ``solution`` in report order."""
    arrays = getattr(solution.variables, "origin", None)
    if (isinstance(arrays, LPArrays) and getattr(solution.constraints, "origin", None) is arrays
            and not arrays.lp.columns and not arrays.lp.rows
            and len(set(arrays.lp.col_names)) == arrays.lp.num_cols
            and len(set(arrays.lp.row_names)) == arrays.lp.num_rows):
        return _array_variables(arrays), _array_constraints(arrays)
    return (variable_entries(solution.variables), constraint_entries(solution.constraints))


def _record_ranges(items: list[Any], attribute: str) -> RangeColumns | None:
    where = [i for i, item in enumerate(items) if getattr(item, attribute) is not None]
    if not where:
        return None
    ranges = [getattr(items[i], attribute) for i in where]
    return RangeColumns(where, [r.current for r in ranges], [r.lower for r in ranges],
                        [r.upper for r in ranges], [r.allowable_decrease for r in ranges],
                        [r.allowable_increase for r in ranges],
                        [r.objective_at_lower for r in ranges],
                        [r.objective_at_upper for r in ranges],
                        [r.change_at_lower for r in ranges], [r.change_at_upper for r in ranges])


def variable_entries(variables: Any) -> Entries:
    """`Entries` of `VariableResult` records, sorted by component and index."""
    items = sorted_by_component(list(variables))
    return Entries([v.name for v in items], [v.value for v in items], [v.lower for v in items],
                   [v.upper for v in items], [v.reduced_cost for v in items],
                   [v.basis for v in items], _record_ranges(items, "cost_range"),
                   [v.component for v in items], [bool(v.index) for v in items],
                   cost=[v.cost for v in items],
                   integer=[v.is_integer for v in items])


def constraint_entries(constraints: Any) -> Entries:
    """`Entries` of `ConstraintResult` records, sorted by component and index."""
    items = sorted_by_component(list(constraints))
    return Entries([c.name for c in items], [c.body for c in items], [c.lower for c in items],
                   [c.upper for c in items], [c.dual for c in items], [c.basis for c in items],
                   _record_ranges(items, "rhs_range"), [c.component for c in items],
                   [bool(c.index) for c in items],
                   slack=[c.slack for c in items], binding=[c.binding for c in items])


def _array_ranges(ranges: RangeArrays | None, arrays: LPArrays,
                  current: list[float] | None = None) -> RangeColumns | None:
    """The ranges as lists; ``current``, when given, is ``ranges.current`` as a list."""
    if ranges is None:
        return None
    labels = arrays.labels
    at_lower, at_upper = ranges.objectives()
    with np.errstate(invalid="ignore"):
        decrease, increase = ranges.current - ranges.lower, ranges.upper - ranges.current
    return RangeColumns(list(range(ranges.current.size)),
                        ranges.current.tolist() if current is None else current,
                        ranges.lower.tolist(), ranges.upper.tolist(), decrease.tolist(),
                        increase.tolist(), at_lower, at_upper,
                        labels[ranges.change_lower].tolist(), labels[ranges.change_upper].tolist())


def _array_variables(arrays: LPArrays) -> Entries:
    lp = arrays.lp
    cost = lp.c.tolist()        # the cost ranges' current values are the costs
    return Entries(list(lp.col_names), arrays.x.tolist(), lp.col_lower.tolist(),
                   lp.col_upper.tolist(), none_where_nan(arrays.reduced),
                   basis_words(arrays.col_basis, lp.num_cols),
                   _array_ranges(arrays.cost_ranges, arrays, cost), cost=cost,
                   integer=arrays.integer.tolist())


def _array_constraints(arrays: LPArrays) -> Entries:
    lp = arrays.lp
    return Entries(list(lp.row_names), arrays.body.tolist(), lp.row_lower.tolist(),
                   lp.row_upper.tolist(), none_where_nan(arrays.duals),
                   basis_words(arrays.row_basis, lp.num_rows),
                   _array_ranges(arrays.rhs_ranges, arrays), slack=arrays.slack.tolist(),
                   binding=arrays.binding.tolist())
