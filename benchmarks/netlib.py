"""Netlib LP benchmark: symopt's default route end to end against highspy alone.

Default table (``benchmarks/end_to_end.py``): for every feasible problem, symopt's
default route -- ``symopt.io.read``, ``symopt.solve`` (HiGHS, then symopt's duals and
ranging from its basis) and the text report with ranging -- against highspy alone
(``readModel`` + ``run``), CPU seconds, minimum of ``--repeat`` runs, with the objective
checked against the published optimum; then the median ratio.

    python benchmarks/netlib.py                  # end to end, problems < 1,000 rows
    python benchmarks/netlib.py --all            # every feasible problem
    python benchmarks/netlib.py --native         # the native methods' table (below)
    python benchmarks/netlib.py --stages SCTAP2  # per-stage times (all small ones: no names)

With ``--native``, the older table: symopt's native LP methods side by side with scipy's
HiGHS.

Reads the MPS files of ``../shared/data/netlib/mps`` with ``symopt.io.read``, solves each
with the native methods (the default of ``solve_lp``, 'interior-point' with and without its
crossover, 'simplex') and with
``scipy.optimize.linprog(method='highs')`` on the same arrays, and prints the relative
objective error against the published optimum (the smallest over every value the netlib
readme lists; E226's objective constant is left out, as the published value does), the
iterations and the CPU time (``time.process_time``: the machine is shared, and HiGHS runs
in this process on one thread). Then the 28 infeasible problems of ``npz/infeasible``.
A last table gives, per size bucket (rows < 300, 300-1000, 1000-3000, > 3000), how many
problems each method solved (status 0 and within 1e-6; a stall near the value does not
count) and the median and largest time ratio to HiGHS. The smallest error over the
listed values flatters GREENBEA: MINOS's -7.2462405908e7 is 1.3e-3 above the optimum
(CPLEX's -7.2555248130e7, which HiGHS reaches), so check its objective against the latter.

    python benchmarks/netlib.py --native                  # problems with fewer than 1,000 rows
    python benchmarks/netlib.py --native --all            # also the larger ones
    python benchmarks/netlib.py --native AFIRO KB2        # chosen problems
    python benchmarks/netlib.py --native --methods interior-point --no-infeasible

BLAS is pinned to one thread (HiGHS is single-threaded too, and the machine is shared).

Proposal for the default method (C1 owns ``choose_method``), from these measurements
(2 shared cores, 2026-11-24): on the 73 problems under 1,000 rows every native variant
reaches 1e-6; median time ratio to HiGHS 11.4x for the default (simplex), 21x for
'interior-point' with crossover and 6.3x without it. The crossover costs about a cold
simplex solve (the simplex warm start goes through its dual phase one), so: keep the
simplex as the default while a basis and ranging are wanted and the LP is small; above
~600 rows, or whenever duals without a basis suffice, 'interior-point' without
crossover is 1-9x (median 4x) faster than the simplex there (33x on QAP8), and 1.7x
faster below; above 2,500 rows it is the only native choice.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import dataclasses  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from symopt.io import read  # noqa: E402
from symopt.optimize._linprog import to_linear_program  # noqa: E402
from symopt.optimize import solve_lp  # noqa: E402
from symopt.optimize.linear_program import LinearProgram  # noqa: E402

NETLIB_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "netlib"
SMALL_ROWS = 1000


def published_values(row: dict) -> list[float]:
    return [float(row[key]) for key in ("optimal", "cplex_sparc", "minos_mips") if row[key]]


def load_problem(row: dict) -> LinearProgram:
    lp = read(NETLIB_DIR / row["mps"])
    if row["name"] == "E226":
        lp = dataclasses.replace(lp, offset=0.0)
    return lp


def scipy_arrays(lp: LinearProgram) -> dict:
    """``linprog`` arguments (sparse) of the same LP: upper rows, negated lower rows, equalities."""
    from scipy.sparse import csc_matrix, vstack
    A = csc_matrix((lp.A.data, lp.A.indices, lp.A.indptr), shape=lp.A.shape).tocsr()
    equal = lp.row_lower == lp.row_upper
    upper = ~equal & np.isfinite(lp.row_upper)
    lower = ~equal & np.isfinite(lp.row_lower)
    sign = -1.0 if lp.sense == "max" else 1.0
    return {
        "c": sign * lp.c,
        "A_ub": vstack([A[upper], -A[lower]]).tocsc(),
        "b_ub": np.concatenate([lp.row_upper[upper], -lp.row_lower[lower]]),
        "A_eq": A[equal].tocsc(), "b_eq": lp.row_lower[equal],
        "bounds": np.column_stack([lp.col_lower, lp.col_upper]),
        "sign": sign,
    }


def run_highs(lp: LinearProgram, time_limit: float) -> tuple[int, float | None, int, float]:
    from scipy.optimize import linprog
    args = scipy_arrays(lp)
    sign = args.pop("sign")
    start = time.process_time()
    res = linprog(**args, method="highs", options={"time_limit": time_limit})
    seconds = time.process_time() - start
    fun = None if res.fun is None else sign * res.fun + lp.offset
    return res.status, fun, int(res.nit), seconds


def run_native(lp: LinearProgram, label: str | None, time_limit: float):
    """Solve by ``solve_lp``; ``label`` is a method name, optionally ``/no-crossover``."""
    method, _, variant = (label or "").partition("/")
    options: dict = {"time_limit": time_limit}
    if variant == "no-crossover":
        options["crossover"] = False
    method = method or None
    start = time.process_time()
    try:
        res = solve_lp(lp, method=method, options=options)
    except Exception as exc:  # noqa: BLE001 - the benchmark reports every outcome
        return -1, None, 0, time.process_time() - start, f"{type(exc).__name__}: {exc}"
    seconds = time.process_time() - start
    return res.status, res.fun, int(res.nit or 0), seconds, res.message


def display(method: str | None) -> str:
    """A column label of at most 14 characters."""
    if method is None:
        return "default"
    return method.replace("interior-point", "ipm").replace("/no-crossover", " (no xover)")


def relative_error(fun: float | None, values: list[float]) -> float:
    if fun is None or not np.isfinite(fun):
        return float("nan")
    return min(abs(fun - v) / max(1.0, abs(v)) for v in values)


def warm_up(methods: list) -> None:
    """Solve a tiny LP once per method so that import times stay out of the table."""
    tiny = LinearProgram.from_arrays(c=[-1, -2], A=[[1, 1], [1, 3]], row_upper=[4, 6])
    for method in methods:
        run_native(tiny, method, 10.0)
    run_highs(tiny, 10.0)


def benchmark_feasible(rows: list[dict], methods: list[str], time_limit: float) -> None:
    warm_up(methods)
    labels = [display(m) for m in methods] + ["highs"]
    header = f"{'problem':10s} {'rows':>5s} {'cols':>6s} " + " ".join(
        f"| {label[:14]:14s} {'relerr':>8s} {'nit':>5s} {'time':>7s}" for label in labels)
    print(header)
    print("-" * len(header))
    table: dict[str, list] = {label: [] for label in labels}
    for row in rows:
        lp = load_problem(row)
        values = published_values(row)
        cells = []
        for method, label in zip(methods + ["highs"], labels):
            if label == "highs":
                status, fun, nit, seconds = run_highs(lp, time_limit)
            else:
                status, fun, nit, seconds, _ = run_native(lp, method, time_limit)
            err = relative_error(fun, values)
            table[label].append((row["name"], lp.num_rows, status, err, nit, seconds))
            cells.append(f"| st={status:<2d}{'':9s}{err:8.1e} {nit:5d} {seconds:7.3f}")
        print(f"{row['name']:10s} {lp.num_rows:5d} {lp.num_cols:6d} " + " ".join(cells),
              flush=True)
    summarize(table, labels)
    summarize_buckets(table, labels)


BUCKETS = ((0, 300), (300, 1000), (1000, 3000), (3000, 10**9))


def solved(entry: tuple) -> bool:
    """Status optimal and within 1e-6 of a published value (a stall near it is no solve)."""
    return entry[2] == 0 and entry[3] <= 1e-6


def summarize_buckets(table: dict, labels: list[str]) -> None:
    """Per size bucket: problems solved to 1e-6 and the time ratio to HiGHS."""
    highs = {name: seconds for name, _, _, _, _, seconds in table["highs"]}
    print(f"\n{'method':15s} {'rows':>11s} {'solved':>7s} {'median x':>9s} {'max x':>8s}"
          f" {'sum s':>8s} {'HiGHS s':>8s}")
    for label in labels[:-1]:
        for low, high in BUCKETS:
            entries = [e for e in table[label] if low <= e[1] < high]
            if not entries:
                continue
            ratios = [e[5] / max(highs[e[0]], 1e-3) for e in entries]
            count = sum(solved(e) for e in entries)
            span = f"{low}-{high}" if high < 10**9 else f">{low}"
            print(f"{label:15s} {span:>11s} {count:>3d}/{len(entries):<3d} "
                  f"{statistics.median(ratios):9.1f} {max(ratios):8.1f} "
                  f"{sum(e[5] for e in entries):8.1f} {sum(highs[e[0]] for e in entries):8.1f}")


def summarize(table: dict, labels: list[str]) -> None:
    highs = {name: seconds for name, _, _, _, _, seconds in table["highs"]}
    print()
    for label in labels:
        entries = table[label]
        small = [e for e in entries if e[1] < SMALL_ROWS]
        ok = [e for e in small if solved(e)]
        ratios = [e[5] / highs[e[0]] for e in small if highs.get(e[0])]
        line = (f"{label:15s} small set: {len(ok)}/{len(small)} within 1e-6"
                f", median time {statistics.median([e[5] for e in small]) if small else 0:.3f} s")
        if label != "highs" and ratios:
            line += f", median time ratio to HiGHS {statistics.median(ratios):.1f}x"
        large = [e for e in entries if e[1] >= SMALL_ROWS]
        if large:
            line += f"; large set: {sum(solved(e) for e in large)}/{len(large)} within 1e-6"
        failed = [e[0] for e in small if not solved(e)]
        if failed:
            line += f"; missed: {', '.join(failed)}"
        print(line)


def benchmark_infeasible(methods: list[str], time_limit: float) -> None:
    paths = sorted((NETLIB_DIR / "npz" / "infeasible").glob("*.npz"))
    print(f"\nInfeasible Netlib set ({len(paths)} problems): status 2 expected")
    labels = [display(m) for m in methods] + ["highs"]
    counts = {label: 0 for label in labels}
    for path in paths:
        lp = npz_problem(path)
        cells = []
        for method, label in zip(methods + ["highs"], labels):
            if label == "highs":
                status, _, nit, seconds = run_highs(lp, time_limit)
            else:
                status, _, nit, seconds, _ = run_native(lp, method, time_limit)
            counts[label] += status == 2
            cells.append(f"| {label[:14]:14s} st={status:<2d} {nit:5d} {seconds:7.3f}")
        print(f"{path.stem:10s} {lp.num_rows:5d} {lp.num_cols:6d} " + " ".join(cells), flush=True)
    print("reported infeasible: " + ", ".join(f"{k} {v}/{len(paths)}" for k, v in counts.items()))


def npz_problem(path: Path) -> LinearProgram:
    data = np.load(path, allow_pickle=True)
    bounds = np.asarray(data["bounds"], dtype=object).reshape(-1, 2)  # some are (1, n, 2)
    lp = to_linear_program(data["c"], data["A_ub"], data["b_ub"], data["A_eq"], data["b_eq"],
                           bounds)
    return dataclasses.replace(lp, name=path.stem)


def benchmark_end_to_end(rows: list[dict], time_limit: float, repeat: int) -> None:
    from end_to_end import best_of, highspy_alone, symopt_route
    print(f"{'problem':10s} {'rows':>5s} {'cols':>6s} | {'highspy s':>9s} {'relerr':>8s} | "
          f"{'symopt s':>9s} {'relerr':>8s} {'status':>8s} | {'ratio':>6s}")
    print("-" * 80)
    ratios, missed = [], []
    for row in rows:
        path, values = NETLIB_DIR / row["mps"], published_values(row)
        offset = 0.0 if row["name"] == "E226" else None
        peer = best_of(lambda: highspy_alone(path, time_limit), repeat)
        ours = best_of(lambda: symopt_route(path, time_limit, offset), repeat)
        peer_fun = None if peer.objective is None else peer.objective - (
            0.0 if offset is None else read(path).offset)
        err_peer, err_ours = relative_error(peer_fun, values), relative_error(ours.objective, values)
        if peer.objective is not None:
            ratios.append(ours.seconds / peer.seconds)
            if not err_ours <= 1e-6:
                missed.append(row["name"])
        print(f"{row['name']:10s} {int(row['parsed_rows']):5d} {int(row['parsed_cols']):6d} | "
              f"{peer.seconds:9.3f} {err_peer:8.1e} | {ours.seconds:9.3f} {err_ours:8.1e} "
              f"{ours.status[:8]:>8s} | {ours.seconds / peer.seconds:5.2f}x", flush=True)
    print(f"\n{len(ratios)} problems highspy solves; symopt within 1e-6 on "
          f"{len(ratios) - len(missed)}" + (f" (missed: {', '.join(missed)})" if missed else "")
          + f"; median CPU ratio symopt/highspy {statistics.median(ratios):.2f}x, "
          f"geometric mean {float(np.exp(np.mean(np.log(ratios)))):.2f}x")


def benchmark_stages(rows: list[dict], repeat: int) -> None:
    """Per-stage CPU milliseconds (minimum of ``repeat`` runs) of the chosen problems, then
    the median ratios to highspy alone (readModel + run) of the whole route and of what
    bounds it from below: HiGHS's own run and ranging with no Python at all, and those plus
    symopt's report tables (the Solution and Sensitivity sections of the text report)."""
    from end_to_end import stage_times
    stages = ("symopt read", "symopt solve", "symopt report", "report tables",
              "highspy readModel", "highspy run", "highspy getRanging")
    print(f"{'problem':10s} {'rows':>5s} | " + " | ".join(f"{s:>18s}" for s in stages)
          + " | symopt / highspy (ms)")
    ratios: dict[str, list[float]] = {"route": [], "HiGHS run + ranging": [],
                                      "+ report tables": []}
    for row in rows:
        times = stage_times(NETLIB_DIR / row["mps"], repeat)
        ours = sum(times[s] for s in stages[:3])
        peer = times["highspy readModel"] + times["highspy run"]
        floor = peer + times["highspy getRanging"]
        ratios["route"].append(ours / peer)
        ratios["HiGHS run + ranging"].append(floor / peer)
        ratios["+ report tables"].append((floor + times["report tables"]) / peer)
        print(f"{row['name']:10s} {int(row['parsed_rows']):5d} | "
              + " | ".join(f"{1e3 * times[s]:18.2f}" for s in stages)
              + f" | {1e3 * ours:.1f} / {1e3 * peer:.1f} = {ours / peer:.2f}x", flush=True)
    if len(rows) > 1:
        print("\nmedian ratio to highspy alone (readModel + run): "
              + ", ".join(f"{k} {statistics.median(v):.2f}x" for k, v in ratios.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("problems", nargs="*", help="netlib names (default: the small set)")
    parser.add_argument("--all", action="store_true", help="also problems with >= 1000 rows")
    parser.add_argument("--methods",
                        default="default,interior-point,interior-point/no-crossover,simplex",
                        help="comma-separated native methods ('default' = solve_lp's choice; "
                             "'interior-point/no-crossover' skips the crossover)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per solve")
    parser.add_argument("--no-infeasible", action="store_true", help="skip the infeasible set")
    parser.add_argument("--native", action="store_true",
                        help="the native methods against scipy's HiGHS instead of end to end")
    parser.add_argument("--repeat", type=int, default=3, help="runs per problem (minimum kept)")
    parser.add_argument("--stages", action="store_true",
                        help="per-stage times (read, solve, report; highspy's read, run) of "
                             "the chosen problems, e.g. --stages SCTAP2 SHIP08S")
    parser.add_argument("--skip", default="", help="comma-separated names to leave out, "
                        "e.g. QAP15 (highspy alone needs > 130 s with its defaults)")
    args = parser.parse_args()
    methods = [None if m == "default" else m for m in args.methods.split(",") if m]
    with open(NETLIB_DIR / "netlib_problems.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["mps"] and r["optimal"]]
    if args.problems:
        wanted = {p.upper() for p in args.problems}
        rows = [r for r in rows if r["name"].upper() in wanted]
    elif not args.all:
        rows = [r for r in rows if int(r["parsed_rows"]) < SMALL_ROWS]
    skipped = {name.upper() for name in args.skip.split(",") if name}
    rows = [r for r in rows if r["name"].upper() not in skipped]
    if args.stages:
        benchmark_stages(rows, args.repeat)
        return
    if not args.native:
        benchmark_end_to_end(rows, args.time_limit, args.repeat)
        return
    benchmark_feasible(rows, methods, args.time_limit)
    if not args.no_infeasible and not args.problems:
        benchmark_infeasible(methods, args.time_limit)


if __name__ == "__main__":
    main()
