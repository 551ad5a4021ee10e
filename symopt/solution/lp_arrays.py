"""An LP's results as arrays, and the per-variable records built from them on first use.

`symopt.solution.linear.from_linear_program` keeps what a solve gives per column and row as
numpy arrays (`LPArrays`): values, reduced costs, duals, basis codes, and the cost and
right-hand-side ranges (`RangeArrays`, with the objective at each end and the index of what
enters or leaves there). ``Solution.variables`` and ``Solution.constraints`` are `LazyList`s
that build their `VariableResult` and `ConstraintResult` records from these arrays only when
someone reads them, and the LP report reads the arrays directly (`columns_of`): a file LP
with thousands of columns is solved and reported without one Python object per column.
The degeneracy and alternative-optima checks run on the arrays too.

>>> lazy = LazyList(lambda: [1, 2, 3], origin="arrays")
>>> len(lazy), lazy[0], list(lazy) == [1, 2, 3], lazy == [1, 2, 3]
(3, 1, True, True)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

import numpy as np

from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.solution.types import ConstraintResult, Range, VariableResult, identify

__all__ = ["LPArrays", "RangeArrays", "LazyList", "BASIS_WORDS", "TOL", "basis_codes",
           "basis_words", "none_where_nan"]

BASIS_WORDS = {BasisStatus.BASIC: "basic", BasisStatus.AT_LOWER: "at lower",
               BasisStatus.AT_UPPER: "at upper", BasisStatus.ZERO: "free"}
_WORDS = np.array([None] * (max(map(int, BASIS_WORDS)) + 1), dtype=object)
for _status, _word in BASIS_WORDS.items():
    _WORDS[int(_status)] = _word
TOL = 1e-9


class LazyList(Sequence):
    """A list built by ``build()`` the first time it is read; ``origin`` is what it is
    built from (the report reads that instead when it can)."""

    __slots__ = ("_build", "_items", "origin")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, build: Callable[[], list], origin: Any = None) -> None:
        self._build, self._items, self.origin = build, None, origin

    def _list(self) -> list:
        if self._items is None:
            self._items, self._build = self._build(), None
        return self._items

    def __len__(self) -> int:
        return len(self._list())

    def __getitem__(self, index: Any) -> Any:
        return self._list()[index]

    def __iter__(self) -> Any:
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        return self._list() == (list(other) if isinstance(other, LazyList) else other)

    def __add__(self, other: Any) -> list:
        return self._list() + list(other)

    def __repr__(self) -> str:
        return repr(self._list())

    def __reduce__(self) -> tuple:
        return list, (self._list(),)


def basis_codes(statuses: Any, size: int) -> np.ndarray | None:
    """Basis codes as an int array (None when absent); an unknown code is a ValueError."""
    if statuses is None:
        return None
    codes = np.asarray(statuses, dtype=np.int64).reshape(size)
    for code in set(codes.tolist()):
        BasisStatus(code)
    return codes


def basis_words(codes: np.ndarray | None, size: int) -> list[str | None]:
    return [None] * size if codes is None else _WORDS[codes].tolist()


def none_where_nan(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]


@dataclass
class RangeArrays:
    """Ranges of the cost (or right-hand side) of every column (or row).

    ``at_lower``/``at_upper`` hold the objective at each end, ``none_lower``/``none_upper``
    mark where it is unknown (an infinite end with a nonzero slope); ``change_lower`` and
    ``change_upper`` index what enters or leaves there (columns, then row slacks; -1: none).
    """

    current: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    at_lower: np.ndarray
    at_upper: np.ndarray
    none_lower: np.ndarray
    none_upper: np.ndarray
    change_lower: np.ndarray
    change_upper: np.ndarray

    @classmethod
    def of(cls, current: np.ndarray, lower: np.ndarray, upper: np.ndarray, slope: np.ndarray,
           fun: float, change_lower: Any, change_upper: Any) -> "RangeArrays":
        ends = [_objective_at(fun, slope, current, end) for end in (lower, upper)]
        changes = [np.maximum(np.asarray(c, dtype=np.int64), -1)       # any negative: none
                   for c in (change_lower, change_upper)]
        return cls(current, lower, upper, ends[0][0], ends[1][0], ends[0][1], ends[1][1],
                   *changes)

    def objectives(self) -> tuple[list[float | None], list[float | None]]:
        """The objective at the lower and at the upper ends, None where unknown."""
        return tuple([None if gone else v for v, gone in zip(at.tolist(), none.tolist())]
                     for at, none in ((self.at_lower, self.none_lower),
                                      (self.at_upper, self.none_upper)))

    def records(self, labels: np.ndarray) -> list[Range]:
        """One `Range` per entry; ``labels`` names entering/leaving indices (see `labels`)."""
        at_lower, at_upper = self.objectives()
        return [Range(current=c, lower=lo, upper=hi, objective_at_lower=a, objective_at_upper=b,
                      change_at_lower=el, change_at_upper=eu)
                for c, lo, hi, a, b, el, eu in zip(
                    self.current.tolist(), self.lower.tolist(), self.upper.tolist(), at_lower,
                    at_upper, labels[self.change_lower].tolist(),
                    labels[self.change_upper].tolist())]


def _objective_at(fun: float, slope: np.ndarray, current: np.ndarray,
                  end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The objective when each number moves from ``current`` to ``end`` at ``slope``
    (``fun`` itself at an infinite end with zero slope), and where it is unknown."""
    with np.errstate(invalid="ignore", over="ignore"):
        moved = fun + slope * (end - current)
    finite = np.isfinite(end)
    flat = ~(np.abs(slope) > TOL)
    return np.where(finite, moved, float(fun)), ~finite & ~flat


@dataclass
class LPArrays:
    """Everything the LP report and the per-entry records need, as arrays (see the module
    docstring). NaN marks a missing reduced cost or dual."""

    lp: LinearProgram
    x: np.ndarray
    reduced: np.ndarray
    col_basis: np.ndarray | None
    body: np.ndarray
    duals: np.ndarray
    row_basis: np.ndarray | None
    cost_ranges: RangeArrays | None
    rhs_ranges: RangeArrays | None

    @property
    def integer(self) -> np.ndarray:
        lp = self.lp
        return (np.zeros(lp.num_cols, bool) if lp.integrality is None
                else np.asarray(lp.integrality).astype(bool))

    @property
    def slack(self) -> np.ndarray:
        """Distance from each row's body to its nearest finite bound (inf for a free row)."""
        lower, upper, body = self.lp.row_lower, self.lp.row_upper, self.body
        has_lower, has_upper = np.isfinite(lower), np.isfinite(upper)
        with np.errstate(invalid="ignore"):
            above, below = upper - body, body - lower
            both = np.where(below < above, below, above)      # min([above, below]) as Python
        return np.where(has_upper, np.where(has_lower, both, above),
                        np.where(has_lower, below, np.inf))

    @property
    def binding(self) -> np.ndarray:
        """Rows whose body sits on a finite bound (as `ConstraintResult.binding`)."""
        return _near(self.body, self.lp.row_lower, self.lp.row_upper, 1e-7)

    @cached_property
    def labels(self) -> np.ndarray:
        """Names of the entering/leaving indices: columns, row slacks, and None for -1."""
        lp = self.lp
        return np.array(list(lp.col_names) + [f"slack of {r}" for r in lp.row_names] + [None],
                        dtype=object)

    def variables(self) -> list[VariableResult]:
        lp, n = self.lp, self.lp.num_cols
        ranges = (self.cost_ranges.records(self.labels) if self.cost_ranges is not None
                  else [None] * n)
        columns = lp.columns or (None,) * n
        return [VariableResult(name=name, component=identify(of, name)[0],
                               index=identify(of, name)[1], value=value, lower=lo, upper=hi,
                               is_integer=flag, reduced_cost=r, basis=word, cost=cost,
                               cost_range=rng, of=of)
                for name, of, value, lo, hi, flag, r, word, cost, rng in zip(
                    lp.col_names, columns, self.x.tolist(), lp.col_lower.tolist(),
                    lp.col_upper.tolist(), self.integer.tolist(), none_where_nan(self.reduced),
                    basis_words(self.col_basis, n), lp.c.tolist(), ranges)]

    def constraints(self) -> list[ConstraintResult]:
        lp, m = self.lp, self.lp.num_rows
        ranges = (self.rhs_ranges.records(self.labels) if self.rhs_ranges is not None
                  else [None] * m)
        rows = lp.rows or (None,) * m
        return [ConstraintResult(name=name, component=identify(of, name)[0],
                                 index=identify(of, name)[1], body=body, lower=lo, upper=hi,
                                 slack=slack, dual=d, basis=word, rhs_range=rng, of=of)
                for name, of, body, lo, hi, slack, d, word, rng in zip(
                    lp.row_names, rows, self.body.tolist(), lp.row_lower.tolist(),
                    lp.row_upper.tolist(), self.slack.tolist(), none_where_nan(self.duals),
                    basis_words(self.row_basis, m), ranges)]

    def degenerate_names(self) -> list[str]:
        """Basic variables and basic row slacks that sit on a bound."""
        lp = self.lp
        names = []
        if self.col_basis is not None:
            at_bound = _near(self.x, lp.col_lower, lp.col_upper, 1e-9)
            names += _pick(lp.col_names, (self.col_basis == BasisStatus.BASIC) & at_bound)
        if self.row_basis is not None:
            names += _pick(lp.row_names, (self.row_basis == BasisStatus.BASIC) & self.binding)
        return names

    def alternative_optima_names(self) -> list[str]:
        """Nonbasic variables or rows that could move at zero cost (zero reduced cost/dual)."""
        lp = self.lp
        names = []
        for codes, prices, lower, upper, labels in (
                (self.col_basis, self.reduced, lp.col_lower, lp.col_upper, lp.col_names),
                (self.row_basis, self.duals, lp.row_lower, lp.row_upper, lp.row_names)):
            if codes is not None:
                with np.errstate(invalid="ignore"):
                    free_move = (np.abs(prices) <= TOL) & (lower < upper)
                names += _pick(labels, (codes != BasisStatus.BASIC) & free_move)
        return names


def _near(values: np.ndarray, lower: np.ndarray, upper: np.ndarray,
          tolerance: float) -> np.ndarray:
    """Entries within ``tolerance`` (relative to max(1, |value|)) of a bound."""
    with np.errstate(invalid="ignore"):
        scale = tolerance * np.maximum(1.0, np.abs(values))
        return (np.abs(values - lower) <= scale) | (np.abs(values - upper) <= scale)


def _pick(names: tuple, mask: np.ndarray) -> list[str]:
    return [names[i] for i in np.flatnonzero(mask).tolist()]
