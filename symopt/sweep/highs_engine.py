"""A sweep worker's LP engine: reuse optimal bases, and HiGHS for what they do not cover.

Scenarios that change only costs and row bounds (demands, capacities, prices: the
constraint matrix stays) are first tested, a whole chunk at once, against the optimal
bases this process has met (`symopt.optimize._linear.basis_reuse`: one LU factorization
per basis, one multi-right-hand-side solve per chunk). Every scenario a basis stays primal
and dual feasible for is answered from it -- values, objective, duals and reduced costs,
exact for that basis -- and granted "optimal" only after the map-back stage's own LP check
(`lp_passes`, the vectorized `lp_failures`). The others go, in order, to one HiGHS
instance modified in place and warm-started from its previous basis; each new optimal
basis HiGHS finds is factorized and tested against the chunk's remaining scenarios.

The last `CACHED_BASES` bases are kept across chunks (a sweep over demands usually visits
a handful). A scenario whose matrix entries change, ``warm_start=False`` and MILPs go to
HiGHS one by one. The per-scenario time of a scenario answered from a basis is its share
of the chunk's test.
"""
from __future__ import annotations

import time
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np

from symopt.optimize._linear.basis_reuse import ReusableBasis
from symopt.optimize._linear.highs import current_basis, highs_model, new_highs, status_of
from symopt.solution.optimality import lp_passes
from symopt.status import LINPROG, status_from
from symopt.sweep.chunk import OPTIMAL, checked, empty_results, place, solve_each

__all__ = ["HighsEngine", "CACHED_BASES", "DEGENERATE", "BLOCK_NUMBERS"]

#: how many optimal bases a worker process keeps to test new scenarios against
CACHED_BASES = 8
#: a chunk is tested against the bases in blocks of scenarios whose (k, n + m) arrays hold
#: about this many numbers: small enough to stay in cache (10,000 transport scenarios in
#: one block cost 1.5 us each, in blocks of 2,000 about 1 us) and to bound a worker's
#: memory whatever the chunk size; large enough that the per-block numpy calls are cheap
BLOCK_NUMBERS = 24_000
MIN_BLOCK = 64
#: the message of an optimal scenario at a degenerate vertex (its duals are not unique)
DEGENERATE = ("optimal at a degenerate vertex: several bases are optimal, and the duals "
              "and reduced costs are those of the basis used, one valid choice among several")


class HighsEngine:
    """One HiGHS instance per process, changed in place scenario after scenario, and the
    optimal bases met so far (see the module docstring)."""

    def __init__(self, job: Any):
        self.job, self.lp = job, job.problem.lp
        self.highs = new_highs()
        if job.time_limit is not None:
            self.highs.setOptionValue("time_limit", float(job.time_limit))
        self.highs.passModel(highs_model(self.lp))
        m, n = self.lp.A.shape
        self.sign = 1.0 if self.lp.sense == "min" else -1.0
        self.col_index = np.arange(n, dtype=np.int32)
        self.row_index = np.arange(m, dtype=np.int32)
        self.entry_rows = self.lp.A.indices.astype(np.int32)
        self.entry_cols = np.repeat(np.arange(n, dtype=np.int32), np.diff(self.lp.A.indptr))
        self.current = self.lp.A.data
        self.bases: list[ReusableBasis] = []
        self.reuse = job.warm_start and not self.lp.is_mip
        self.block = max(MIN_BLOCK, BLOCK_NUMBERS // (m + n + 1))
        self.runs = self.answered = 0     # HiGHS runs, scenarios answered from a basis

    def reset(self) -> None:
        self.highs.clearSolver()

    def solve_all(self, rows: np.ndarray, multistart: bool, out: dict) -> None:
        """Every scenario of the chunk, into ``out`` (see the module docstring), a block of
        at most ``self.block`` scenarios at a time."""
        if multistart or not self.reuse:
            solve_each(self, rows, multistart, out)
            return
        for start in range(0, rows.shape[0], self.block):
            part = empty_results(min(self.block, rows.shape[0] - start), out["kept"].shape[1])
            self._solve_block(rows[start:start + self.block], part)
            place(out, part, start)

    def _solve_block(self, rows: np.ndarray, out: dict) -> None:
        batch, ready = self._numbers(rows)
        solve_each(self, rows, False, out, np.flatnonzero(~ready))
        pending = np.flatnonzero(ready)
        for basis in self.bases:
            if pending.size == 0:
                return
            pending = self._answer(basis, pending, batch, out)
        while pending.size:
            first = pending[0]
            solve_each(self, rows, False, out, pending[:1])
            basis = self._remember() if out["status"][first] == OPTIMAL else None
            if basis is None:
                pending = pending[1:]
                continue
            spent = out["seconds"][first]
            pending = self._answer(basis, pending, batch, out)   # HiGHS's scenario too
            if pending.size and pending[0] == first:    # HiGHS's own answer stays
                self._note_degenerate(basis, pending[:1], batch, out)
                pending = pending[1:]
            else:                       # answered from its basis after HiGHS found it
                out["seconds"][first] += spent
                self.answered -= 1

    def _numbers(self, rows: np.ndarray) -> tuple[SimpleNamespace, np.ndarray]:
        """Each scenario's costs, offset and row bounds, and which of them a basis may
        answer (the base matrix, finite numbers, consistent bounds)."""
        stacked = self.job.problem.stack(rows)
        if stacked is None:    # the matrix may change: scenario by scenario
            return self._numbers_each(rows)
        c, offsets, lower, upper = stacked
        batch = SimpleNamespace(c=c, offset=offsets, lower=lower, upper=upper)
        with np.errstate(invalid="ignore"):
            ready = np.isfinite(offsets) & ~np.any((lower > upper) | np.isnan(lower)
                                                  | np.isnan(upper), axis=1)
        ready &= np.isfinite(c).all(axis=-1)
        return batch, ready

    def _numbers_each(self, rows: np.ndarray) -> tuple[SimpleNamespace, np.ndarray]:
        count, (m, n) = rows.shape[0], self.lp.A.shape
        costs, offsets = np.zeros((count, n)), np.zeros(count)
        lower, upper = np.zeros((count, m)), np.zeros((count, m))
        same_matrix = np.zeros(count, bool)
        for s in range(count):
            costs[s], offsets[s], data, lower[s], upper[s] = self.job.problem.numbers(rows[s])
            same_matrix[s] = data is self.lp.A.data
        batch = SimpleNamespace(c=costs, offset=offsets, lower=lower, upper=upper)
        with np.errstate(invalid="ignore"):
            ready = np.isfinite(offsets) & ~np.any((lower > upper) | np.isnan(lower)
                                                  | np.isnan(upper), axis=1)
        return batch, ready & same_matrix & np.isfinite(costs).all(axis=1)

    def _evaluate(self, basis: ReusableBasis, ids: np.ndarray, batch: SimpleNamespace) -> tuple:
        costs = batch.c if batch.c.ndim == 1 else batch.c[ids]
        lower, upper = batch.lower[ids], batch.upper[ids]
        return basis.evaluate(costs, lower, upper), costs, lower, upper

    def _note_degenerate(self, basis: ReusableBasis, ids: np.ndarray, batch: SimpleNamespace,
                         out: dict) -> None:
        """Say so for the scenarios ``ids`` (solved at ``basis``) that are degenerate there."""
        for i in ids[self._evaluate(basis, ids, batch)[0].degenerate]:
            out["messages"][int(i)] = DEGENERATE

    def _answer(self, basis: ReusableBasis, ids: np.ndarray, batch: SimpleNamespace,
                out: dict) -> np.ndarray:
        """Answer the scenarios ``ids`` that ``basis`` is optimal for; returns the others."""
        start = time.perf_counter()
        found, costs, lower, upper = self._evaluate(basis, ids, batch)
        ok = found.optimal
        if ok.any():
            scenario = SimpleNamespace(c=costs, row_lower=lower, row_upper=upper,
                                       col_lower=self.lp.col_lower, col_upper=self.lp.col_upper,
                                       sense=self.lp.sense, is_mip=False)
            ok &= lp_passes(scenario, found.x, found.activity, found.duals, found.reduced)
        done = ids[ok]
        self.answered += done.size
        if done.size:
            out["status"][done] = OPTIMAL
            out["objective"][done] = found.objective[ok] + batch.offset[done]
            out["kept"][done] = self.job.keep.pick(found.x[ok], found.reduced[ok],
                                                   found.duals[ok])
            out["seconds"][done] = (time.perf_counter() - start) / done.size
            for i in ids[ok & found.degenerate]:
                out["messages"][int(i)] = DEGENERATE
        return ids[~ok]

    def _remember(self) -> ReusableBasis | None:
        """HiGHS's new optimal basis, factorized and cached (None if it cannot be used)."""
        statuses = current_basis(self.highs)
        if statuses is None:
            return None
        try:
            basis = ReusableBasis(self.lp, *statuses)
        except (ValueError, np.linalg.LinAlgError):
            return None
        self.bases = [basis] + [b for b in self.bases if b.key != basis.key]
        del self.bases[CACHED_BASES:]
        return basis

    def solve(self, params: np.ndarray, multistart: bool) -> tuple:
        """One scenario on HiGHS, from the previous basis (unless ``warm_start=False``)."""
        if multistart:
            raise ValueError("multistart is for nonlinear models; an LP has one optimum value")
        c, offset, data, lower, upper = self.job.problem.numbers(params)
        if not (np.isfinite(c).all() and np.isfinite(data).all() and np.isfinite(offset)) \
                or np.any(lower > upper):
            self.job.problem.at(params).validate()   # raises ValueError naming what is wrong
        self._load(c, offset, data, lower, upper)
        if not self.job.warm_start:
            self.highs.clearSolver()
        self.highs.run()
        self.runs += 1
        code, message = status_of(self.highs)
        word = status_from(LINPROG, code).value
        solution = self.highs.getSolution()
        if word != "optimal" or len(solution.col_value) != c.size:
            return word, np.nan, None, message
        x = np.array(solution.col_value)
        valid = solution.dual_valid
        duals = self.sign * np.array(solution.row_dual) if valid else np.full(lower.size, np.nan)
        reduced = self.sign * np.array(solution.col_dual) if valid else np.full(c.size, np.nan)
        scenario = replace(self.lp, c=c, row_lower=lower, row_upper=upper)
        word, message = checked(word, message, scenario, x, np.array(solution.row_value),
                                duals if valid else None, reduced if valid else None)
        return word, float(c @ x + offset), self.job.keep.pick(x, reduced, duals), message

    def _load(self, c: np.ndarray, offset: float, data: np.ndarray, lower: np.ndarray,
              upper: np.ndarray) -> None:
        """Change HiGHS's costs, offset, row bounds and changed matrix entries in place."""
        highs = self.highs
        if c is not self.lp.c:
            highs.changeColsCost(c.size, self.col_index, self.sign * c)
        highs.changeObjectiveOffset(self.sign * offset)
        if lower.size and lower is not self.lp.row_lower:
            highs.changeRowsBounds(lower.size, self.row_index, lower, upper)
        if data is not self.current:
            for k in np.flatnonzero(data != self.current):
                highs.changeCoeff(int(self.entry_rows[k]), int(self.entry_cols[k]),
                                  float(data[k]))
            self.current = data
