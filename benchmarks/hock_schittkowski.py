"""Hock-Schittkowski problems: how many each constrained NLP method of symopt solves.

Every problem of `hs_problems` (37 classic ones with known optima) is built through the
Python API and solved by ``symopt.solve`` with each method ('slsqp', 'interior-point'
and the default route) from the book's start point. *Solved* means: status optimal, the
point feasible within 1e-6 and its objective within 1e-6 (relative) of the published
optimum. Printed: status, objective error, iterations and CPU seconds per method, then
the solved counts (issue 10's target: interior-point at least as many as SLSQP).

    python benchmarks/hock_schittkowski.py
    python benchmarks/hock_schittkowski.py 71 106 --methods slsqp,interior-point
"""
from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hs_problems import PROBLEMS, model, solved  # noqa: E402


def run(number: int, method: str | None) -> dict:
    import symopt
    hs = PROBLEMS[number]
    m = model(hs)
    start = time.process_time()
    solution = symopt.solve(m, method=method, time_limit=60)
    seconds = time.process_time() - start
    x = None
    if solution.objective is not None:
        x = np.array([m.x[i].value for i in range(len(hs.x0))], float)
    error = (float("nan") if solution.objective is None
             else abs(solution.objective - hs.f_star) / max(1.0, abs(hs.f_star)))
    ok = solution.status == "optimal" and solved(hs, solution.objective, x)
    return {"status": solution.status, "error": error, "nit": solution.iterations,
            "seconds": seconds, "solved": ok, "method": solution.method}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("problems", nargs="*", type=int, help="HS numbers (default: all)")
    parser.add_argument("--methods", default="slsqp,interior-point,default",
                        help="comma-separated methods ('default' = symopt.solve's route)")
    args = parser.parse_args()
    numbers = args.problems or sorted(PROBLEMS)
    methods = args.methods.split(",")
    line = f"{'problem':8s} {'n':>3s} " + " ".join(
        f"| {m[:14]:14s} {'status':10s} {'error':>8s} {'nit':>5s} {'cpu s':>6s}" for m in methods)
    print(line)
    print("-" * len(line))
    counts = {m: 0 for m in methods}
    for number in numbers:
        hs = PROBLEMS[number]
        cells = []
        for method in methods:
            r = run(number, None if method == "default" else method)
            counts[method] += r["solved"]
            label = r["method"] if method == "default" else ("ok" if r["solved"] else "MISSED")
            cells.append(f"| {label[:14]:14s} {r['status'][:10]:10s} {r['error']:8.1e} "
                         f"{str(r['nit']):>5s} {r['seconds']:6.3f}")
        print(f"{hs.name:8s} {len(hs.x0):>3d} " + " ".join(cells), flush=True)
    print("\nsolved (optimal, feasible to 1e-6, objective within 1e-6 of the published optimum): "
          + ", ".join(f"{m} {c}/{len(numbers)}" for m, c in counts.items()))


if __name__ == "__main__":
    main()
