"""What runs in a sweep's worker processes: solve a chunk of scenarios of one compiled problem.

`solve_chunk` is the only task function. It receives the compiled problem as pickled bytes
(the same bytes for every chunk; each process unpickles them once and keeps an *engine*
for the problem), the chunk's parameter rows (or start points) and returns compact numpy
arrays: status codes, objectives, solve times, the kept values, and a message per
scenario that did not end optimal. A scenario that raises is recorded with status
"error" and the exception's text; the chunk goes on.

LPs run on HiGHS (highspy), modified in place between scenarios so that each solve
starts from the previous optimal basis (``warm_start=False`` clears it); another LP method
named by the caller runs through `symopt.optimize.solve_lp` on the LP at each scenario.
NLPs run through `symopt.dispatch` exactly as `symopt.solve` runs them, from the previous
scenario's solution when it was optimal (warm start) or the model's start point.
"""
from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from symopt import dispatch, optimize
from symopt.status import LINPROG, Status, status_from
from symopt.optimize._linear.highs import highs_model, new_highs, status_of
from symopt.solution.optimality import lp_failures

__all__ = ["Job", "Keep", "STATUSES", "solve_chunk"]

#: status words, indexed by the codes a chunk returns: symopt's `Status` values, then
#: "error" (the scenario raised), "lost" (its worker kept dying), "not run" (interrupted)
STATUSES = (*(status.value for status in Status), "error", "lost", "not run")
_CODE = {word: code for code, word in enumerate(STATUSES)}


@dataclass(frozen=True)
class Keep:
    """Which numbers of each solve to send back: columns' values and reduced costs, rows' duals."""

    values: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))
    reduced_costs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))
    duals: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))

    @property
    def width(self) -> int:
        return self.values.size + self.reduced_costs.size + self.duals.size

    def pick(self, x: np.ndarray, reduced: np.ndarray, duals: np.ndarray) -> np.ndarray:
        return np.concatenate((x[self.values], reduced[self.reduced_costs], duals[self.duals]))


@dataclass(frozen=True)
class Job:
    """Everything a worker needs: the compiled problem, the plan and the options."""

    problem: Any                 # ParametricLP or ParametricNLP
    plan: Any
    keep: Keep
    warm_start: bool = True
    engine: str = "highs"        # "highs" or "solve_lp" (LPs); ignored for NLPs
    time_limit: float | None = None


_ENGINES: dict[str, Any] = {}


def solve_chunk(token: str, blob: bytes, rows: np.ndarray, multistart: bool = False) -> dict:
    """Solve the scenarios ``rows`` (parameter rows, or start points when ``multistart``)."""
    engine = _ENGINES.get(token)
    if engine is None:
        _ENGINES.clear()                    # one problem per process at a time
        engine = _ENGINES[token] = _engine(pickle.loads(blob))
    count = rows.shape[0]
    out = {"status": np.zeros(count, np.int8), "objective": np.full(count, np.nan),
           "seconds": np.zeros(count), "kept": np.full((count, engine.job.keep.width), np.nan),
           "messages": {}}
    for i in range(count):
        start = time.perf_counter()
        try:
            word, objective, kept, message = engine.solve(rows[i], multistart)
        except Exception as exc:  # a scenario that raises is a result, not the end of the sweep
            word, objective, kept, message = "error", np.nan, None, f"{type(exc).__name__}: {exc}"
            engine.reset()
        out["seconds"][i] = time.perf_counter() - start
        out["status"][i] = _CODE[word]
        out["objective"][i] = objective
        if kept is not None:
            out["kept"][i] = kept
        if word != "optimal":
            out["messages"][i] = message
    return out


def _checked(word: str, message: str, lp: Any, x: np.ndarray, activity: np.ndarray,
             row_dual: Any, col_dual: Any) -> tuple[str, str]:
    """An engine's "optimal" kept only when the point passes the same LP check as
    `symopt.solve`'s map-back stage (`lp_failures`); otherwise "inaccurate", saying why."""
    failures = lp_failures(lp, np.asarray(x, dtype=float), np.asarray(activity, dtype=float),
                           row_dual, col_dual)
    if word != "optimal" or not failures:
        return word, message
    return Status.INACCURATE.value, "not optimal at the returned point: " + "; ".join(failures)


def _engine(job: Job) -> Any:
    if type(job.problem).__name__ == "ParametricNLP":
        return _NonlinearEngine(job)
    return _HighsEngine(job) if job.engine == "highs" else _LinearEngine(job)


class _HighsEngine:
    """One HiGHS instance per process, changed in place scenario after scenario."""

    def __init__(self, job: Job):
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
        self.current = self.lp.A.data.copy()

    def reset(self) -> None:
        self.highs.clearSolver()

    def solve(self, params: np.ndarray, multistart: bool) -> tuple:
        if multistart:
            raise ValueError("multistart is for nonlinear models; an LP has one optimum value")
        c, offset, data, lower, upper = self.job.problem.numbers(params)
        if not (np.isfinite(c).all() and np.isfinite(data).all() and np.isfinite(offset)) \
                or np.any(lower > upper):
            self.job.problem.at(params).validate()   # raises ValueError naming what is wrong
        highs = self.highs
        n, m = c.size, lower.size
        if c is not self.lp.c:
            highs.changeColsCost(n, self.col_index, self.sign * c)
        highs.changeObjectiveOffset(self.sign * offset)
        if m and lower is not self.lp.row_lower:
            highs.changeRowsBounds(m, self.row_index, lower, upper)
        if data is not self.current:
            for k in np.flatnonzero(data != self.current):
                highs.changeCoeff(int(self.entry_rows[k]), int(self.entry_cols[k]),
                                  float(data[k]))
            self.current = data
        if not self.job.warm_start:
            highs.clearSolver()
        highs.run()
        code, message = status_of(highs)
        word = status_from(LINPROG, code).value
        solution = highs.getSolution()
        if word != "optimal" or len(solution.col_value) != n:
            return word, np.nan, None, message
        x = np.array(solution.col_value)
        if solution.dual_valid:
            duals = self.sign * np.array(solution.row_dual)
            reduced = self.sign * np.array(solution.col_dual)
        else:
            duals, reduced = np.full(m, np.nan), np.full(n, np.nan)
        scenario = replace(self.lp, c=c, row_lower=lower, row_upper=upper)
        valid = solution.dual_valid
        word, message = _checked(word, message, scenario, x, np.array(solution.row_value),
                                 duals if valid else None, reduced if valid else None)
        return word, float(c @ x + offset), self.job.keep.pick(x, reduced, duals), message


class _LinearEngine:
    """Any `solve_lp` method on the LP at each scenario (no warm start)."""

    def __init__(self, job: Job):
        self.job = job

    def reset(self) -> None:
        pass

    def solve(self, params: np.ndarray, multistart: bool) -> tuple:
        if multistart:
            raise ValueError("multistart is for nonlinear models; an LP has one optimum value")
        lp = self.job.problem.at(params)
        lp.validate()
        options = dict(self.job.plan.options)
        if self.job.time_limit is not None:
            options.setdefault("time_limit", float(self.job.time_limit))
        result = optimize.solve_lp(lp, method=self.job.plan.method, options=options or None)
        word = status_from(LINPROG, result.status).value
        if word != "optimal":
            return word, np.nan, None, str(result.message)
        m, n = lp.num_rows, lp.num_cols
        duals = _array(result.get("row_dual"), m)
        reduced = _array(result.get("col_dual"), n)
        word, message = _checked(word, "", lp, result.x, lp.A @ result.x,
                                 result.get("row_dual"), result.get("col_dual"))
        return word, float(result.fun), self.job.keep.pick(result.x, reduced, duals), message


class _NonlinearEngine:
    """`symopt.dispatch.run` per scenario, warm-started from the last optimal point."""

    def __init__(self, job: Job):
        self.job = job
        self.nlp = job.problem.nlp
        self.base_x0 = self.nlp.x0.copy()
        self.last: np.ndarray | None = None

    def reset(self) -> None:
        self.last = None

    def solve(self, row: np.ndarray, multistart: bool) -> tuple:
        if multistart:
            self.nlp.x0[:] = row
        else:
            self.job.problem.set(row)
            use_last = self.job.warm_start and self.last is not None
            self.nlp.x0[:] = self.last if use_last else self.base_x0
        solution = dispatch.run(self.nlp, self.job.plan, self.job.time_limit)
        x = np.array([v.value for v in solution.variables], dtype=float)
        if solution.status != "optimal":
            self.last = None
            return str(Status(solution.status).value), np.nan, None, solution.message
        self.last = x
        reduced = np.array([np.nan if v.reduced_cost is None else v.reduced_cost
                            for v in solution.variables], dtype=float)
        duals = np.array([np.nan if c.dual is None else c.dual for c in solution.constraints],
                         dtype=float)
        return "optimal", float(solution.objective), self.job.keep.pick(x, reduced, duals), ""


def _array(values: Any, size: int) -> np.ndarray:
    return np.full(size, np.nan) if values is None else np.asarray(values, dtype=float)
