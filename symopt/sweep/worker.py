"""What runs in a sweep's worker processes: solve a chunk of scenarios of one compiled problem.

`solve_chunk` is the only task function. It receives the chunk's parameter rows (or start
points) and the compiled problem as pickled bytes (or the path of a file holding them,
`BlobFile`), which a process reads and unpickles only the first time it meets the
problem, keeps one *engine* per process for the problem, and returns compact numpy arrays (`symopt.sweep.chunk`): status
codes, objectives, solve times, the kept values, and a message per scenario that did not
end optimal. A scenario that raises is recorded with status "error" and the exception's
text; the chunk goes on.

LPs run on `HighsEngine`: each chunk is first answered from the optimal bases met so far
(where they stay optimal), the rest on one HiGHS instance modified in place and
warm-started from its previous basis (``warm_start=False``: every scenario from scratch).
Another LP method named by the caller runs through `symopt.optimize.solve_lp` on the LP at
each scenario. NLPs run through `symopt.dispatch` exactly as `symopt.solve` runs them,
from the previous scenario's solution when it was optimal (warm start) or the model's
start point.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symopt import dispatch, optimize
from symopt.status import LINPROG, Status, status_from
from symopt.sweep.chunk import checked, empty_results, solve_each
from symopt.sweep.heap import roomy_heap
from symopt.sweep.highs_engine import HighsEngine

__all__ = ["Job", "Keep", "BlobFile", "solve_chunk"]

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
        """The kept numbers of one solve (1-D inputs) or of a stack of solves (k, ·)."""
        return np.concatenate((x[..., self.values], reduced[..., self.reduced_costs],
                               duals[..., self.duals]), axis=-1)


@dataclass(frozen=True)
class Job:
    """Everything a worker needs: the compiled problem, the plan and the options."""

    problem: Any                 # ParametricLP or ParametricNLP
    plan: Any
    keep: Keep
    warm_start: bool = True
    engine: str = "highs"        # "highs" or "solve_lp" (LPs); ignored for NLPs
    time_limit: float | None = None

    @property
    def batched(self) -> bool:
        """Whether a worker answers scenarios a block at a time from reused LP bases
        (microseconds each) rather than with one solve each: an LP on HiGHS, warm-started,
        whose parameters leave the constraint matrix as it is."""
        problem = self.problem
        return (type(problem).__name__ == "ParametricLP" and self.engine == "highs"
                and self.warm_start and not problem.lp.is_mip and not problem.rows.families)


_ENGINES: dict[str, Any] = {}


@dataclass(frozen=True)
class BlobFile:
    """Where the pickled `Job` waits on this machine (read by a process that lacks it)."""

    path: str

    def read(self) -> bytes:
        with open(self.path, "rb") as handle:
            return handle.read()


def solve_chunk(token: str, blob: "bytes | BlobFile", rows: np.ndarray,
                multistart: bool = False) -> dict:
    """Solve the scenarios ``rows`` (parameter rows, or start points when ``multistart``).

    ``blob`` is the pickled `Job`, or the `BlobFile` that holds it; it is read and
    unpickled only by a process that has no engine for ``token`` yet.
    """
    engine = _ENGINES.get(token)
    if engine is None:
        _ENGINES.clear()                    # one problem per process at a time
        data = blob.read() if isinstance(blob, BlobFile) else blob
        engine = _ENGINES[token] = _engine(pickle.loads(data))
    out = empty_results(rows.shape[0], engine.job.keep.width)
    with roomy_heap():
        engine.solve_all(rows, multistart, out)
    return out


def _engine(job: Job) -> Any:
    if type(job.problem).__name__ == "ParametricNLP":
        return _NonlinearEngine(job)
    return HighsEngine(job) if job.engine == "highs" else _LinearEngine(job)


class _OneByOne:
    """Engines without a chunk-wide method solve each scenario in turn."""

    def solve_all(self, rows: np.ndarray, multistart: bool, out: dict) -> None:
        solve_each(self, rows, multistart, out)


class _LinearEngine(_OneByOne):
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
        word, message = checked(word, "", lp, result.x, lp.A @ result.x,
                                 result.get("row_dual"), result.get("col_dual"))
        return word, float(result.fun), self.job.keep.pick(result.x, reduced, duals), message


class _NonlinearEngine(_OneByOne):
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
