"""symopt's default route end to end against highspy alone, on one model file.

* symopt: ``symopt.io.read`` (or a given `LinearProgram`), ``symopt.solve`` (HiGHS by
  default, then symopt's duals, basis, ranging from a sparse LU of the final basis, or a
  MILP's fixed-integer LP), and the text report with its ranging tables
  (``symopt.report.render``) -- what ``symopt report FILE`` does.
* highspy alone: ``Highs.readModel`` + ``Highs.run``; nothing else.

CPU seconds (``time.process_time``: HiGHS's threads count too), minimum of ``repeat``
runs. Used by benchmarks/netlib.py and benchmarks/milp.py.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import highspy  # noqa: E402

from symopt.io import read  # noqa: E402
from symopt.optimize._linear.highs import new_highs  # noqa: E402
from symopt.pipeline import solve  # noqa: E402
from symopt.report import render  # noqa: E402


@dataclass
class Outcome:
    status: str
    objective: float | None
    seconds: float
    detail: str = ""


def highspy_alone(path: Path, time_limit: float) -> Outcome:
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    start = time.process_time()
    h.readModel(str(path))
    h.run()
    seconds = time.process_time() - start
    status = h.getModelStatus()
    objective = h.getInfo().objective_function_value
    ok = status == highspy.HighsModelStatus.kOptimal
    return Outcome(status.name, objective if ok else None, seconds)


def symopt_route(path: Path, time_limit: float, offset: float | None = None) -> Outcome:
    """read + solve + text report with ranging; ``offset`` replaces the file's constant."""
    start = time.process_time()
    lp = read(path)
    if offset is not None:
        import dataclasses
        lp = dataclasses.replace(lp, offset=offset)
    solution = solve(lp, time_limit=time_limit)
    report = render(solution, "text")
    seconds = time.process_time() - start
    ranged = "ranging" in report.lower() or "range" in report.lower()
    return Outcome(solution.status, solution.objective, seconds,
                   f"solve {solution.timings.get('solve', 0.0):.3f}s"
                   + ("" if ranged or solution.status != "optimal" else " (no ranging!)"))


def stage_times(path: Path, repeat: int) -> dict[str, float]:
    """CPU seconds of each stage, each the minimum of ``repeat`` runs: symopt's read, solve
    (HiGHS, duals, basis, ranging, map back) and text report, and of that report its
    Solution and Sensitivity sections (the tables); highspy's readModel, run and
    getRanging (HiGHS's own ranging, which symopt's solve calls for the report)."""
    best: dict[str, float] = {}

    def keep(stage: str, seconds: float) -> None:
        best[stage] = min(best.get(stage, float("inf")), seconds)

    for _ in range(max(repeat, 1)):
        clock = time.process_time()
        lp = read(path)
        keep("symopt read", time.process_time() - clock)
        clock = time.process_time()
        solution = solve(lp)
        keep("symopt solve", time.process_time() - clock)
        clock = time.process_time()
        render(solution, "text")
        keep("symopt report", time.process_time() - clock)
        keep("report tables", _table_seconds(solution))
        h = new_highs()
        clock = time.process_time()
        h.readModel(str(path))
        keep("highspy readModel", time.process_time() - clock)
        clock = time.process_time()
        h.run()
        keep("highspy run", time.process_time() - clock)
        clock = time.process_time()
        h.getRanging()
        keep("highspy getRanging", time.process_time() - clock)
    return best


def _table_seconds(solution) -> float:
    """CPU seconds of the text of the report's Solution and Sensitivity sections."""
    from symopt.report import build_document
    from symopt.report.text import block_lines
    document = build_document(solution)
    clock = time.process_time()
    formatted: dict = {}
    for section in document.sections:
        if section.title == "Solution" or section.title.startswith("Sensitivity"):
            for block in section.blocks:
                block_lines(block, formatted)
    return time.process_time() - clock


def best_of(run, repeat: int) -> Outcome:
    outcomes = [run() for _ in range(max(repeat, 1))]
    return min(outcomes, key=lambda o: o.seconds)
