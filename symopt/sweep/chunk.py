"""A chunk's results, as the worker sends them back, and the one-scenario-at-a-time loop.

A chunk's results are compact numpy arrays (one entry per scenario of the chunk): status
codes (indices into `STATUSES`), objectives, solve seconds, the kept values, and a message
per scenario that did not end optimal.
"""
from __future__ import annotations

import time
from typing import Any, Sequence

import numpy as np

from symopt.solution.optimality import lp_failures
from symopt.status import Status

__all__ = ["STATUSES", "CODE", "OPTIMAL", "empty_results", "place", "solve_each", "checked"]

#: status words, indexed by the codes a chunk returns: symopt's `Status` values, then
#: "error" (the scenario raised), "lost" (its worker kept dying), "not run" (interrupted)
STATUSES = (*(status.value for status in Status), "error", "lost", "not run")
CODE = {word: code for code, word in enumerate(STATUSES)}
OPTIMAL = CODE[Status.OPTIMAL.value]


def empty_results(count: int, width: int) -> dict:
    """Results of ``count`` scenarios keeping ``width`` numbers each, none solved yet."""
    return {"status": np.zeros(count, np.int8), "objective": np.full(count, np.nan),
            "seconds": np.zeros(count), "kept": np.full((count, width), np.nan),
            "messages": {}}


def place(out: dict, part: dict, start: int) -> None:
    """Copy the results ``part`` into ``out`` from scenario ``start`` on."""
    stop = start + part["status"].size
    for name in ("status", "objective", "seconds", "kept"):
        out[name][start:stop] = part[name]
    out["messages"].update((start + i, text) for i, text in part["messages"].items())


def solve_each(engine: Any, rows: np.ndarray, multistart: bool, out: dict,
               ids: Sequence[int] | None = None) -> None:
    """``engine.solve`` scenario after scenario (``ids``: which rows, default all), into
    ``out``. A scenario that raises is recorded with status "error" and the exception's
    text, and the chunk goes on."""
    for i in range(rows.shape[0]) if ids is None else ids:
        start = time.perf_counter()
        try:
            word, objective, kept, message = engine.solve(rows[i], multistart)
        except Exception as exc:  # a scenario that raises is a result, not the end of the sweep
            word, objective, kept, message = "error", np.nan, None, f"{type(exc).__name__}: {exc}"
            engine.reset()
        out["seconds"][i] = time.perf_counter() - start
        out["status"][i] = CODE[word]
        out["objective"][i] = objective
        if kept is not None:
            out["kept"][i] = kept
        if word != "optimal":
            out["messages"][i] = message


def checked(word: str, message: str, lp: Any, x: np.ndarray, activity: np.ndarray,
            row_dual: Any, col_dual: Any) -> tuple[str, str]:
    """An engine's "optimal" kept only when the point passes the same LP check as
    `symopt.solve`'s map-back stage (`lp_failures`); otherwise "inaccurate", saying why."""
    failures = lp_failures(lp, np.asarray(x, dtype=float), np.asarray(activity, dtype=float),
                           row_dual, col_dual)
    if word != "optimal" or not failures:
        return word, message
    return Status.INACCURATE.value, "not optimal at the returned point: " + "; ".join(failures)
