"""`solve_many`: one model, many scenarios, compiled once, solved in parallel."""
from __future__ import annotations

import json
import pickle
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.sweep.chunk import STATUSES
from symopt.sweep.executors import executor_kind, run_chunks, worker_count
from symopt.sweep.feed import Feed
from symopt.sweep.parametric import Compiled, compile_parametric
from symopt.sweep.scenarios import Starts, as_table, resolve
from symopt.sweep.table import FORMAT, Sweep
from symopt.sweep.trace import ModelSource
from symopt.sweep.worker import Job, Keep

__all__ = ["solve_many"]

_NOT_RUN = STATUSES.index("not run")
_LOST = STATUSES.index("lost")
_KEEP_ALL_UP_TO = 200


def solve_many(model: Any, scenarios: Any, *, executor: Any = None, workers: int | None = None,
               chunksize: int | str = "auto", keep: Any = None,
               warm_start: bool | str = "auto",
               solver: str | None = None, method: str | None = None,
               options: dict | None = None, time_limit: float | None = None,
               progress: bool | Callable[[dict], None] = False,
               save: str | Path | None = None, resume: str | Path | None = None) -> Sweep:
    """Solve ``model`` once per scenario and return the results as a `Sweep` table.

    Parameters
    ----------
    model : Model or path of a ``.opt`` file
        Analysed, routed and compiled once; the swept Params become the compiled
        problem's parameter vector (`symopt.sweep.parametric`).
    scenarios : grid, list of dicts, column dict, DataFrame, CSV path, or `starts`
        Columns name Params (``"demand"``, ``"cost[seattle,chicago]"``); `symopt.starts`
        runs an NLP from many start points instead (multistart).
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where chunks run; by default a process pool of ``workers`` (default: all cores).
    chunksize : int or "auto"
        Scenarios per task; "auto": one task per worker for LP scenarios answered from
        reused bases (microseconds each), else chunks cut as workers free up, shrinking
        towards the end of the sweep to a few of the executor's task round trips
        (`symopt.sweep.feed`).
    keep : names, optional
        Variables (values; ``"x.reduced_cost"`` for reduced costs) and constraints (duals),
        as components (``"ship"``) or members (``"ship[seattle,chicago]"``). Default: every
        variable and every constraint when there are at most 200 of them, else none.
    warm_start : bool or "auto"
        Start each solve from the previous scenario's basis (LP) or point (NLP). "auto":
        LPs only (the basis changes the path, not the optimum); an NLP's start point can
        change which local solution its solver finds, so NLPs start from the model's start
        point unless ``warm_start=True``.
    solver, method, options, time_limit
        As for `symopt.solve`. LPs run on HiGHS unless another ``method`` is named.
    progress : bool or callable
        True draws a progress bar on stderr; a callable receives a dict (done, total,
        failed, rate, eta) after each chunk.
    save, resume : path, optional
        Append each finished scenario to a results file (JSON lines); ``resume`` reads
        one, skips the scenarios it holds (except "lost" and "not run") and appends.
    """
    started = time.perf_counter()
    source = ModelSource(model)
    multistart = isinstance(scenarios, Starts)
    columns, values, entries, rows = _scenario_rows(source, scenarios, multistart)
    compiled = compile_parametric(source, entries, _base(source, entries), solver, method,
                                  options)
    if multistart:
        columns, values, rows = _starts(compiled, scenarios)
    problem = compiled.problem
    col_names, row_names = _names(problem)
    kept_names, keep_spec = _keep(keep, col_names, row_names)
    engine = "highs" if method is None or str(method).startswith("highs") else "solve_lp"
    warm = compiled.structure.is_linear if warm_start == "auto" else bool(warm_start)
    job = Job(problem, compiled.plan, keep_spec, warm, engine, time_limit)
    sweep = _empty(compiled, columns, values, kept_names, engine, multistart)
    log = _ResultsFile(resume or save, sweep) if (resume or save) else None
    todo = np.arange(len(sweep)) if resume is None else log.load(sweep)
    interrupted = _solve(job, sweep, rows, todo, executor, workers, chunksize, multistart,
                         _reporter(progress, todo.size), log)
    sweep.interrupted = interrupted
    sweep.wall_seconds = time.perf_counter() - started
    return sweep


def _scenario_rows(source: ModelSource, scenarios: Any, multistart: bool):
    if multistart:
        return (), np.zeros((0, 0)), [], None
    table = as_table(scenarios)
    entries, slots, base = resolve(source.model, table.columns)
    rows = np.repeat(base[None, :], len(table), axis=0)
    for c, positions in enumerate(slots):
        rows[:, positions] = table.values[:, c:c + 1]
    return table.columns, table.values, entries, rows


def _base(source: ModelSource, entries: list) -> np.ndarray:
    return np.array([_param_value(source.model, e) for e in entries], dtype=float)


def _param_value(model: Any, entry: Any) -> float:
    param = next(p for p in model.components() if p.name == entry.param)
    return float(param._peek(entry.key))


def _starts(compiled: Compiled, spec: Starts):
    if compiled.structure.is_linear or compiled.structure.problem_class == "equations":
        raise InputError(f"multistart needs a nonlinear optimization model; model "
                         f"'{compiled.structure.model_name}' is a {compiled.structure.problem_class}")
    nlp = compiled.problem.nlp
    points = spec.points(nlp.x0, nlp.col_lower, nlp.col_upper)
    numbers = np.arange(spec.count, dtype=float)[:, None]
    return ("start",), numbers, points


def _names(problem: Any) -> tuple[tuple, tuple]:
    inner = getattr(problem, "lp", None) or problem.nlp
    return tuple(inner.col_names), tuple(inner.row_names)


def _keep(keep: Any, col_names: tuple, row_names: tuple) -> tuple[tuple, Keep]:
    if keep is None:
        if len(col_names) + len(row_names) > _KEEP_ALL_UP_TO:
            return (), Keep()
        keep = [*dict.fromkeys(_component(n) for n in col_names),
                *dict.fromkeys(_component(n) for n in row_names)]
    values, reduced, duals = [], [], []
    for name in ([keep] if isinstance(keep, str) else keep):
        base, _, suffix = str(name).partition(".")
        matched_cols = _matching(base, col_names)
        matched_rows = _matching(base, row_names)
        if suffix == "reduced_cost" and matched_cols:
            reduced += matched_cols
        elif suffix in ("", "value") and matched_cols:
            values += matched_cols
        elif suffix in ("", "dual") and matched_rows:
            duals += matched_rows
        else:
            raise InputError(f"keep={name!r}: no variable or constraint of that name (use a "
                             "variable, NAME.reduced_cost, or a constraint, NAME.dual)")
    names = ([col_names[j] for j in values] + [f"{col_names[j]}.reduced_cost" for j in reduced]
             + [f"{row_names[i]}.dual" for i in duals])
    spec = Keep(*(np.array(v, dtype=np.intp) for v in (values, reduced, duals)))
    return tuple(names), spec


def _component(name: str) -> str:
    """The component of a member's display name: ``ship`` of ``ship[seattle,chicago]``."""
    return name.partition("[")[0]


def _matching(name: str, names: tuple) -> list[int]:
    return [k for k, n in enumerate(names) if n == name or _component(n) == name]


def _empty(compiled: Compiled, columns: tuple, values: np.ndarray, kept_names: tuple,
           engine: str, multistart: bool) -> Sweep:
    count = values.shape[0]
    structure = compiled.structure
    method = "highs (warm start)" if structure.is_linear and engine == "highs" else \
        str(compiled.plan.method or "")
    return Sweep(tuple(columns), values, np.full(count, _NOT_RUN, np.int8),
                 np.full(count, np.nan), np.zeros(count), np.full((count, len(kept_names)), np.nan),
                 kept_names, {}, structure.model_name, structure.problem_class, structure.sense,
                 method, multistart=multistart)


def _solve(job: Job, sweep: Sweep, rows: np.ndarray, todo: np.ndarray, executor: Any,
           workers: int | None, chunksize: Any, multistart: bool,
           report: Callable[[int, int], None], log: Any) -> bool:
    if todo.size == 0:
        return False
    feed = Feed(todo, rows, worker_count(executor, workers),
                size=None if chunksize == "auto" else int(chunksize),
                cheap=job.batched and not multistart, executor_kind=executor_kind(executor))
    blob = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    token = uuid.uuid4().hex[:20]   # one per sweep: a worker builds its engine afresh

    def done(k: int, result: dict | None, message: str) -> None:
        ids = feed[k][0]
        if result is None:
            sweep.status_codes[ids] = _LOST
            for s in ids:
                sweep.messages[int(s)] = message
        else:
            sweep.status_codes[ids] = result["status"]
            sweep.objective[ids] = result["objective"]
            sweep.seconds[ids] = result["seconds"]
            sweep.kept[ids] = result["kept"]
            for i, text in result["messages"].items():
                sweep.messages[int(ids[i])] = text
        if log is not None:
            log.append(sweep, ids)
        report(ids.size, int(np.sum(sweep.status_codes[ids] != 0)))

    return run_chunks(token, blob, feed, multistart, done, executor, workers)


class _ResultsFile:
    """Finished scenarios, one JSON line each, after a header line naming the columns."""

    def __init__(self, path: str | Path, sweep: Sweep):
        self.path = Path(path)
        self.header = {FORMAT: 1, "model": sweep.model_name, "columns": list(sweep.columns),
                       "kept": list(sweep.kept_names), "scenarios": len(sweep)}

    def load(self, sweep: Sweep) -> np.ndarray:
        """Fill ``sweep`` from the file; returns the scenarios still to run."""
        if not self.path.exists():
            return np.arange(len(sweep))
        lines = self.path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0]) if lines else {}
        if {k: header.get(k) for k in self.header} != self.header:
            raise InputError(f"{self.path}: the results file is for another sweep (its header "
                             f"is {lines[0][:200] if lines else 'missing'})")
        for line in lines[1:]:
            record = json.loads(line)
            s = record["scenario"]
            sweep.status_codes[s] = STATUSES.index(record["status"])
            sweep.objective[s] = np.nan if record["objective"] is None else record["objective"]
            sweep.seconds[s] = record["seconds"]
            sweep.kept[s] = [np.nan if v is None else v for v in record["kept"]]
            if record["message"]:
                sweep.messages[s] = record["message"]
        return np.flatnonzero(sweep.status_codes >= _LOST)

    def append(self, sweep: Sweep, ids: np.ndarray) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            if handle.tell() == 0:
                handle.write(json.dumps(self.header) + "\n")
            for s in ids:
                s = int(s)
                handle.write(json.dumps({
                    "scenario": s, "status": STATUSES[sweep.status_codes[s]],
                    "objective": _plain(sweep.objective[s]), "seconds": float(sweep.seconds[s]),
                    "message": sweep.messages.get(s, ""),
                    "kept": [_plain(v) for v in sweep.kept[s]]}) + "\n")


def _plain(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _reporter(progress: Any, total: int) -> Callable[[int, int], None]:
    state = {"done": 0, "failed": 0, "start": time.perf_counter()}
    bar = _bar if progress is True else (progress if callable(progress) else None)

    def report(count: int, failed: int) -> None:
        state["done"] += count
        state["failed"] += failed
        if bar is None:
            return
        elapsed = max(time.perf_counter() - state["start"], 1e-9)
        rate = state["done"] / elapsed
        bar({"done": state["done"], "total": total, "failed": state["failed"], "rate": rate,
             "eta": (total - state["done"]) / rate if rate > 0 else None})
    return report


def _bar(info: dict) -> None:
    import sys
    width = 30
    filled = int(width * info["done"] / max(info["total"], 1))
    eta = "?" if info["eta"] is None else f"{info['eta']:.0f}s"
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {info['done']}/{info['total']}"
                     f"  failed {info['failed']}  {info['rate']:.0f}/s  ETA {eta}  ")
    if info["done"] >= info["total"]:
        sys.stderr.write("\n")
    sys.stderr.flush()
