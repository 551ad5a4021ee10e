"""LP presolve: cheap reductions before a solve, and the postsolve that undoes them.

``presolve(lp)`` repeats, until nothing changes: fixed columns are substituted out;
empty rows are dropped (or prove infeasibility); empty columns are set to their best
bound (or prove unboundedness); singleton rows become column bounds; duplicate rows
(one a multiple of another) are merged; rows whose activity range lies inside their
bounds are dropped as redundant, and rows whose activity range misses their bounds
prove infeasibility; free column singletons with zero cost, or on an equality row,
and column singletons whose bounds the equality row already implies (bound tightening),
are solved for and removed with their row. Finally, bound propagation (each row bounds
its columns through the others' bounds, iterated) proves infeasibility when implied
bounds cross; it only detects, the LP keeps its bounds. The result holds the reduced
`LinearProgram` and `postsolve(result)`, which maps a solve of the reduced problem back
to the original one: ``x``, ``fun``, row activities, row duals, reduced costs and, when
the reduced result has a basis, the basis statuses.

>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[1, 1, 1], A=[[1, 0, 0], [1, 1, 1]],
...                                row_lower=[2, 4], row_upper=[np.inf, np.inf],
...                                col_lower=[0, 1, 0], col_upper=[np.inf, 1, np.inf])
>>> reduced = presolve(lp)
>>> reduced.lp.num_rows, reduced.lp.num_cols, float(reduced.lp.col_lower[0])
(1, 2, 2.0)
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from symopt.optimize.linear_program import LinearProgram, triplets
from symopt.optimize._linear.postsolve import postsolve
from symopt.optimize.result import OptimizeResult

__all__ = ["presolve", "Presolved"]

_TOL = 1e-9


@dataclass
class Presolved:
    """The outcome of `presolve`: a reduced LP, or a status decided without a solve."""

    original: LinearProgram
    lp: LinearProgram | None
    status: int | None = None      # 2 infeasible / 3 unbounded when presolve decided it
    message: str = ""
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    records: list = field(default_factory=list)
    col_value: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def postsolve(self, result: OptimizeResult) -> OptimizeResult:
        """Map a result of the reduced LP to the original LP (a new result)."""
        return postsolve(self, result)


class _State:
    """Mutable bounds, costs and activity masks of the LP being reduced."""

    def __init__(self, lp: LinearProgram):
        self.lp = lp
        self.rows, self.cols, self.vals = triplets(lp.A)
        self.c = lp.c.astype(float).copy()
        self.offset = float(lp.offset)
        self.rl, self.ru = lp.row_lower.copy(), lp.row_upper.copy()
        self.cl, self.cu = lp.col_lower.copy(), lp.col_upper.copy()
        self.row_on = np.ones(lp.num_rows, bool)
        self.col_on = np.ones(lp.num_cols, bool)
        self.value = np.zeros(lp.num_cols)
        self.records: list = []
        self.sign = -1.0 if lp.sense == "max" else 1.0   # +1 when smaller c@x is better

    def live(self) -> np.ndarray:
        return self.row_on[self.rows] & self.col_on[self.cols]

    def counts(self):
        live = self.live()
        return (np.bincount(self.rows[live], minlength=self.rl.size),
                np.bincount(self.cols[live], minlength=self.cl.size), live)


def presolve(lp: LinearProgram, max_passes: int = 20) -> Presolved:
    """Reduce ``lp``; see the module docstring for the reductions."""
    state = _State(lp)
    try:
        _remove_duplicate_rows(state)
        for _ in range(max_passes):
            changed = (_fix_columns(state) + _empty_rows(state) + _empty_columns(state)
                       + _singleton_rows(state) + _redundant_rows(state)
                       + _free_column_singletons(state))
            if not changed:
                break
        _propagate_bounds(state)
    except _Decided as decided:
        return Presolved(lp, None, decided.status, decided.message)
    return _reduced(state)


class _Decided(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _name(names, index: int, kind: str) -> str:
    return f"{kind} {names[index]!r}" if index < len(names) else f"{kind} {index}"


def _fix_columns(s: _State) -> int:
    finite = np.isfinite(s.cl) & np.isfinite(s.cu)
    fixed = np.flatnonzero(s.col_on & finite & (s.cu - s.cl <= _TOL * (1 + np.abs(s.cl))))
    if fixed.size == 0:
        return 0
    _remove_columns_at(s, fixed, s.cl[fixed])
    return fixed.size


def _remove_columns_at(s: _State, columns: np.ndarray, values: np.ndarray) -> None:
    s.value[columns] = values
    s.col_on[columns] = False
    hit = np.isin(s.cols, columns) & s.row_on[s.rows]
    shift = np.bincount(s.rows[hit], weights=s.vals[hit] * s.value[s.cols[hit]],
                        minlength=s.rl.size)
    s.rl -= shift
    s.ru -= shift
    s.offset += float(s.c[columns] @ values)
    s.records.append(("columns", columns))


def _empty_rows(s: _State) -> int:
    row_count, _, _ = s.counts()
    empty = np.flatnonzero(s.row_on & (row_count == 0))
    if empty.size == 0:
        return 0
    tol = _TOL * (1 + np.maximum(np.abs(s.rl[empty]), 0))
    bad = empty[(s.rl[empty] > tol) | (s.ru[empty] < -tol)]
    if bad.size:
        i = int(bad[0])
        raise _Decided(2, f"infeasible: {_name(s.lp.row_names, i, 'row')} has no variables "
                          f"left but needs a value in [{s.rl[i]:g}, {s.ru[i]:g}]")
    s.row_on[empty] = False
    s.records.append(("rows", empty))
    return empty.size


def _empty_columns(s: _State) -> int:
    _, col_count, _ = s.counts()
    empty = np.flatnonzero(s.col_on & (col_count == 0))
    if empty.size == 0:
        return 0
    cost = s.sign * s.c[empty]
    values = np.where(cost > 0, s.cl[empty], np.where(cost < 0, s.cu[empty], np.clip(
        0.0, s.cl[empty], s.cu[empty])))
    unbounded = ~np.isfinite(values)
    if np.any(unbounded):
        j = int(empty[np.flatnonzero(unbounded)[0]])
        raise _Decided(3, f"unbounded (if feasible): {_name(s.lp.col_names, j, 'column')} "
                          "appears in no constraint and improves the objective without limit")
    _remove_columns_at(s, empty, values)
    return empty.size


def _singleton_rows(s: _State) -> int:
    row_count, _, live = s.counts()
    singles = np.flatnonzero(s.row_on & (row_count == 1))
    if singles.size == 0:
        return 0
    entry = np.flatnonzero(live & np.isin(s.rows, singles))
    for k in entry:
        i, j, a = int(s.rows[k]), int(s.cols[k]), float(s.vals[k])
        low, high = (s.rl[i] / a, s.ru[i] / a) if a > 0 else (s.ru[i] / a, s.rl[i] / a)
        from_lower, from_upper = low > s.cl[j], high < s.cu[j]
        s.cl[j], s.cu[j] = max(s.cl[j], low), min(s.cu[j], high)
        if s.cl[j] > s.cu[j] + _TOL * (1 + abs(s.cl[j])):
            raise _Decided(2, f"infeasible: {_name(s.lp.row_names, i, 'row')} forces "
                              f"{_name(s.lp.col_names, j, 'column')} outside its bounds")
        s.cu[j] = max(s.cu[j], s.cl[j])
        s.row_on[i] = False
        s.records.append(("singleton", i, j, a, bool(from_lower), bool(from_upper)))
    return singles.size


def _activity_bounds(s: _State, live: np.ndarray):
    rows, cols, vals = s.rows[live], s.cols[live], s.vals[live]
    low_part = np.where(vals > 0, s.cl[cols], s.cu[cols]) * vals
    high_part = np.where(vals > 0, s.cu[cols], s.cl[cols]) * vals
    m = s.rl.size
    low = np.zeros(m) + np.bincount(
        rows, weights=np.where(np.isfinite(low_part), low_part, 0.0), minlength=m)
    high = np.zeros(m) + np.bincount(
        rows, weights=np.where(np.isfinite(high_part), high_part, 0.0), minlength=m)
    low[np.bincount(rows, weights=~np.isfinite(low_part), minlength=m) > 0] = -np.inf
    high[np.bincount(rows, weights=~np.isfinite(high_part), minlength=m) > 0] = np.inf
    return low, high


def _propagate_bounds(s: _State, passes: int = 30) -> None:
    """Bound tightening used to detect infeasibility early (the LP itself is not changed).

    Each row bounds every column in it through the other columns' bounds; the implied
    bounds are intersected and propagated. Crossing bounds, or a row whose implied
    activity range misses its bounds, prove infeasibility.
    """
    live = s.live()
    rows, cols, vals = s.rows[live], s.cols[live], s.vals[live]
    low_col, high_col = s.cl.copy(), s.cu.copy()
    for _ in range(passes):
        new_low, new_high = _implied_column_bounds(s, rows, cols, vals, low_col, high_col)
        tol = 1e-6 * (1 + np.abs(np.where(np.isfinite(new_low), new_low, 0)))
        gained = np.any(new_low > low_col + tol) or np.any(new_high < high_col - tol)
        low_col, high_col = np.maximum(low_col, new_low), np.minimum(high_col, new_high)
        crossed = np.flatnonzero(s.col_on & (low_col > high_col + 1e-6 * (1 + np.abs(low_col))))
        if crossed.size:
            j = int(crossed[0])
            raise _Decided(2, f"infeasible: the rows force {_name(s.lp.col_names, j, 'column')}"
                              f" into [{low_col[j]:g}, {high_col[j]:g}], an empty range")
        if not gained:
            return


def _implied_column_bounds(s: _State, rows, cols, vals, low_col, high_col):
    m = s.rl.size
    low_part = np.where(vals > 0, low_col[cols], high_col[cols]) * vals
    high_part = np.where(vals > 0, high_col[cols], low_col[cols]) * vals
    sums = {}
    for key, part in (("low", low_part), ("high", high_part)):
        finite = np.isfinite(part)
        total = np.bincount(rows, weights=np.where(finite, part, 0.0), minlength=m)
        missing = np.bincount(rows, weights=~finite, minlength=m)
        others = total[rows] - np.where(finite, part, 0.0)
        valid = missing[rows] - ~finite == 0
        sums[key] = np.where(valid, others, np.nan)
    with np.errstate(invalid="ignore"):
        from_upper = (s.ru[rows] - sums["low"]) / vals      # a x_j <= ru - others_low
        from_lower = (s.rl[rows] - sums["high"]) / vals     # a x_j >= rl - others_high
    upper_cand = np.where(vals > 0, from_upper, from_lower)
    lower_cand = np.where(vals > 0, from_lower, from_upper)
    new_low, new_high = np.full(low_col.size, -np.inf), np.full(high_col.size, np.inf)
    ok_low = np.isfinite(lower_cand)
    ok_high = np.isfinite(upper_cand)
    np.maximum.at(new_low, cols[ok_low], lower_cand[ok_low])
    np.minimum.at(new_high, cols[ok_high], upper_cand[ok_high])
    return new_low, new_high


def _redundant_rows(s: _State) -> int:
    _, _, live = s.counts()
    low, high = _activity_bounds(s, live)
    scale = 1 + np.abs(np.where(np.isfinite(s.rl), s.rl, 0)) + np.abs(
        np.where(np.isfinite(s.ru), s.ru, 0))
    tol = 1e-9 * scale
    bad = np.flatnonzero(s.row_on & ((low > s.ru + tol) | (high < s.rl - tol)))
    if bad.size:
        i = int(bad[0])
        raise _Decided(2, f"infeasible: {_name(s.lp.row_names, i, 'row')} has activity in "
                          f"[{low[i]:g}, {high[i]:g}] by the column bounds, which misses "
                          f"its bounds [{s.rl[i]:g}, {s.ru[i]:g}]")
    loose = 1e-12 * scale
    redundant = np.flatnonzero(s.row_on & (low >= s.rl - loose) & (high <= s.ru + loose))
    if redundant.size == 0:
        return 0
    s.row_on[redundant] = False
    s.records.append(("rows", redundant))
    return redundant.size


def _free_column_singletons(s: _State) -> int:
    """Column singletons that are free, or implied free by their equality row, go."""
    _, col_count, live = s.counts()
    singleton = s.col_on & (col_count == 1)
    entry = np.flatnonzero(live & singleton[s.cols])
    order = np.flatnonzero(live)[np.argsort(s.rows[live], kind="stable")]
    starts = np.searchsorted(s.rows[order], np.arange(s.rl.size + 1))
    done = 0
    for k in entry:
        i, j, a = int(s.rows[k]), int(s.cols[k]), float(s.vals[k])
        if not s.row_on[i] or not s.col_on[j]:
            continue
        in_row = order[starts[i]:starts[i + 1]]
        in_row = in_row[s.col_on[s.cols[in_row]] & (s.cols[in_row] != j)]
        equality = s.rl[i] == s.ru[i]
        free = np.isinf(s.cl[j]) and np.isinf(s.cu[j])
        if not (free and (s.c[j] == 0 or equality)) and not (
                equality and _implied_free(s, j, a, s.rl[i], in_row)):
            continue
        ratio = s.c[j] / a
        np.add.at(s.c, s.cols[in_row], -ratio * s.vals[in_row])
        if s.c[j] != 0:
            s.offset += ratio * s.rl[i]
        s.records.append(("free_singleton", i, j, a, s.rl[i] if s.c[j] != 0 or equality
                          else None, s.cols[in_row], s.vals[in_row], ratio))
        s.row_on[i] = False
        s.col_on[j] = False
        done += 1
    return done


def _implied_free(s: _State, j: int, a: float, rhs: float, in_row: np.ndarray) -> bool:
    """Bound tightening: do the row and the other columns' bounds keep x_j inside its own?"""
    cols, vals = s.cols[in_row], s.vals[in_row]
    low = float(np.sum(np.where(vals > 0, s.cl[cols], s.cu[cols]) * vals))
    high = float(np.sum(np.where(vals > 0, s.cu[cols], s.cl[cols]) * vals))
    implied = sorted(((rhs - high) / a, (rhs - low) / a))
    tol = 1e-9 * (1 + abs(rhs))
    return bool(implied[0] >= s.cl[j] - tol and implied[1] <= s.cu[j] + tol)


def _remove_duplicate_rows(s: _State) -> None:
    """Merge rows that are multiples of one another (matched by a normalised pattern)."""
    m = s.rl.size
    order = np.lexsort((s.cols, s.rows))
    rows, cols, vals = s.rows[order], s.cols[order], s.vals[order]
    starts = np.searchsorted(rows, np.arange(m + 1))
    seen: dict = {}
    for i in range(m):
        lo, hi = starts[i], starts[i + 1]
        if hi - lo < 2:
            continue
        lead = vals[lo]
        key = (cols[lo:hi].tobytes(), np.round(vals[lo:hi] / lead, 12).tobytes())
        keeper = seen.setdefault(key, (i, lead))
        if keeper[0] != i:
            _merge_rows(s, keeper[0], i, lead / keeper[1])


def _merge_rows(s: _State, keep: int, drop: int, factor: float) -> None:
    low, high = s.rl[drop] / factor, s.ru[drop] / factor
    if factor < 0:
        low, high = high, low
    from_lower, from_upper = low > s.rl[keep], high < s.ru[keep]
    s.rl[keep], s.ru[keep] = max(s.rl[keep], low), min(s.ru[keep], high)
    if s.rl[keep] > s.ru[keep] + _TOL * (1 + abs(s.rl[keep])):
        raise _Decided(2, f"infeasible: {_name(s.lp.row_names, drop, 'row')} is a multiple "
                          f"of {_name(s.lp.row_names, keep, 'row')} with incompatible bounds")
    s.ru[keep] = max(s.ru[keep], s.rl[keep])
    s.row_on[drop] = False
    s.records.append(("duplicate", keep, drop, factor, bool(from_lower), bool(from_upper)))


def _reduced(s: _State) -> Presolved:
    lp = s.lp
    rows, cols = np.flatnonzero(s.row_on), np.flatnonzero(s.col_on)
    A = lp.A[:, cols][rows, :]
    integrality = None if lp.integrality is None else np.asarray(lp.integrality)[cols]
    reduced = replace(
        lp, c=s.c[cols], A=A, row_lower=s.rl[rows], row_upper=s.ru[rows],
        col_lower=s.cl[cols], col_upper=s.cu[cols], offset=s.offset, integrality=integrality,
        col_names=tuple(lp.col_names[j] for j in cols) if lp.col_names else (),
        row_names=tuple(lp.row_names[i] for i in rows) if lp.row_names else ())
    return Presolved(lp, reduced, None, "", rows, cols, s.records, s.value)
