"""MILP benchmark: symopt's default route end to end against highspy alone, same run.

Instances (fixed seeds, ``benchmarks/milp_instances.py``): knapsack, set cover,
capacitated facility location, generalized assignment, lot sizing; plus every MPS file
with MARKER sections under ``../shared/data`` (none at the time of writing). Each is
written once as MPS, then

* highspy alone: ``readModel`` + ``run`` (its objective is the reference optimum);
* symopt, file route: ``symopt.io.read`` + ``symopt.solve`` + the text report (MIP figures
  and the ranging of the LP with the integers fixed) -- ``symopt report FILE``;
* ``symopt solve FILE`` (the CLI, in process): objective checked;
* ``symopt.solve`` on the `LinearProgram` built from the arrays: objective checked.

CPU seconds (``time.process_time``), minimum of ``--repeat`` runs; objectives must match
the reference within HiGHS's default relative gap (1e-4).

    python benchmarks/milp.py [--repeat 3] [--time-limit 300] [--only knapsack,gap]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from end_to_end import best_of, highspy_alone, symopt_route  # noqa: E402
from milp_instances import MilpArrays, standard_set  # noqa: E402
from symopt.cli import main as cli_main  # noqa: E402
from symopt.io import write  # noqa: E402
from symopt.optimize.linear_program import LinearProgram  # noqa: E402
from symopt.pipeline import solve  # noqa: E402

SHARED = HERE.parents[1] / "shared" / "data"
GAP = 1e-4


def as_lp(inst: MilpArrays) -> LinearProgram:
    return LinearProgram.from_arrays(inst.c, inst.A, inst.row_lower, inst.row_upper,
                                     inst.lower, inst.upper, integrality=inst.integrality,
                                     name=inst.name)


def cli_objective(path: Path, time_limit: float) -> tuple[float | None, float]:
    out = io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(out):
        cli_main(["solve", str(path), "--json", "--time-limit", str(time_limit)])
    seconds = time.process_time() - start
    objective = json.loads(out.getvalue()).get("objective")
    return (None if isinstance(objective, str) else objective), seconds


def api_objective(lp: LinearProgram, time_limit: float) -> tuple[float | None, float]:
    start = time.process_time()
    solution = solve(lp, time_limit=time_limit)
    return solution.objective, time.process_time() - start


def matches(value: float | None, reference: float | None) -> bool:
    if value is None or reference is None:
        return False
    return abs(value - reference) <= GAP * max(1.0, abs(reference)) + 1e-9


def marker_files() -> list[Path]:
    found = []
    for path in sorted(SHARED.rglob("*.mps")) if SHARED.exists() else []:
        with open(path, errors="replace") as handle:
            if "MARKER" in handle.read(2_000_000):
                found.append(path)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    args = parser.parse_args()
    prefixes = [p for p in args.only.split(",") if p]
    instances = [i for i in standard_set()
                 if not prefixes or any(i.name.startswith(p) for p in prefixes)]
    print(f"{'instance':18s} {'rows':>5s} {'cols':>5s} | {'highspy s':>9s} {'objective':>14s} | "
          f"{'symopt s':>9s} {'ratio':>6s} | {'file':>4s} {'cli':>4s} {'api':>4s} {'api s':>7s}")
    print("-" * 100)
    ratios, failures = [], []
    with tempfile.TemporaryDirectory() as folder:
        cases = [(i.name, i) for i in instances] + [(p.stem, p) for p in marker_files()]
        for name, case in cases:
            path = case if isinstance(case, Path) else Path(folder) / f"{name}.mps"
            if not isinstance(case, Path):
                write(as_lp(case), path)
            peer = best_of(lambda: highspy_alone(path, args.time_limit), args.repeat)
            ours = best_of(lambda: symopt_route(path, args.time_limit), args.repeat)
            cli_value, _ = cli_objective(path, args.time_limit)
            api_value, api_seconds = (api_objective(as_lp(case), args.time_limit)
                                      if not isinstance(case, Path) else (None, float("nan")))
            ok = [matches(ours.objective, peer.objective), matches(cli_value, peer.objective),
                  isinstance(case, Path) or matches(api_value, peer.objective)]
            if not all(ok):
                failures.append(name)
            ratios.append(ours.seconds / peer.seconds)
            rows, cols = (case.A.shape if not isinstance(case, Path) else ("?", "?"))
            print(f"{name:18s} {rows:>5} {cols:>5} | {peer.seconds:9.3f} "
                  f"{peer.objective if peer.objective is not None else float('nan'):14.6g} | "
                  f"{ours.seconds:9.3f} {ratios[-1]:5.2f}x | "
                  + " ".join(f"{'ok' if flag else 'MISS':>4s}" for flag in ok)
                  + f" {api_seconds:7.3f}", flush=True)
    print(f"\n{len(ratios) - len(failures)}/{len(ratios)} instances at the reference optimum by "
          f"every route" + (f" (missed: {', '.join(failures)})" if failures else "")
          + f"; median CPU ratio symopt/highspy {statistics.median(ratios):.2f}x, "
          f"geometric mean {float(np.exp(np.mean(np.log(ratios)))):.2f}x")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
