"""IIS of the netlib infeasible LPs: symopt's deletion filter against HiGHS's getIis.

    python benchmarks/bench_report_iis.py [--max-rows 800] [--problems a,b,...] [--no-before]

symopt: `symopt.optimize.find_iis` as `symopt.solve` runs it (a deletion filter started
from the support of a Farkas certificate, every question asked of one hot-started HiGHS
instance). "before": the same filter with the native simplex as its LP oracle (the
default before HiGHS became the engine), for the speed-up. CPU times. Peer: HiGHS
(highspy) ``getIis`` with ``iis_strategy = 4`` ("find true IIS"). Each IIS is checked with
scipy's HiGHS: infeasible as a whole and feasible without any one member ("irred." = yes;
"no" when a member can go; "?" when scipy's HiGHS cannot decide the whole subset, "yes?"
when it cannot decide some of the smaller ones).
Also timed: rendering the whole LP report (text / HTML with plot) of the transportation LP.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from report_oracle import netlib_infeasible, scipy_solve_lp, transport_lp  # noqa: E402
from symopt.optimize import solve_lp  # noqa: E402
from symopt.report import render  # noqa: E402
from symopt.optimize import find_iis  # noqa: E402
from symopt.optimize._linear.infeasibility import feasibility_problem  # noqa: E402
from symopt.solution.linear import from_linear_program  # noqa: E402

NETLIB = HERE.parents[1] / "shared" / "data" / "netlib" / "npz" / "infeasible"


def highs_iis(lp) -> tuple[list[int], list[int]] | None:
    try:
        import highspy
    except ImportError:
        return None
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("iis_strategy", 4)
    inf = highspy.kHighsInf
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = lp.num_cols, lp.num_rows
    model.col_cost_ = lp.c
    model.col_lower_ = np.where(np.isfinite(lp.col_lower), lp.col_lower, -inf)
    model.col_upper_ = np.where(np.isfinite(lp.col_upper), lp.col_upper, inf)
    model.row_lower_ = np.where(np.isfinite(lp.row_lower), lp.row_lower, -inf)
    model.row_upper_ = np.where(np.isfinite(lp.row_upper), lp.row_upper, inf)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = lp.A.indptr
    model.a_matrix_.index_ = lp.A.indices
    model.a_matrix_.value_ = lp.A.data
    h.passModel(model)
    h.run()
    _, iis = h.getIis()
    # col_bound_ 1 means "free": the column is in the IIS model but none of its bounds is
    return list(iis.row_index_), [j for j, b in zip(iis.col_index_, iis.col_bound_) if b >= 2]


def irreducible(lp, rows: list[int], cols: list[int]) -> str:
    """'yes' when the subset is infeasible and every member is needed; else what fails."""
    row_mask = np.zeros(lp.num_rows, bool)
    row_mask[rows] = True
    col_mask = np.zeros(lp.num_cols, bool)
    col_mask[cols] = True
    def status():
        return int(scipy_solve_lp(feasibility_problem(lp, row_mask, col_mask)).status)
    whole = status()
    if whole != 2:
        return "feasible!" if whole == 0 else "?"  # "?": scipy's HiGHS could not decide
    undecided = False
    for mask in (row_mask, col_mask):
        for k in np.flatnonzero(mask):
            mask[k] = False
            without = status()
            mask[k] = True
            if without == 2:
                return "no"
            undecided |= without != 0
    return "yes?" if undecided else "yes"


def timed(function, *args):
    start = time.process_time()
    value = function(*args)
    return value, time.process_time() - start


def native_simplex(problem):
    return solve_lp(problem, method="simplex")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-rows", type=int, default=800)
    parser.add_argument("--problems", default="")
    parser.add_argument("--no-before", action="store_true", help="skip the native-oracle run")
    args = parser.parse_args()
    if not NETLIB.exists():
        print(f"netlib data not found at {NETLIB}")
        return 1
    names = [p for p in args.problems.split(",") if p]
    paths = [NETLIB / f"{n}.npz" for n in names] or sorted(NETLIB.glob("*.npz"))
    print(f"{'problem':<10} {'rows':>5} {'cols':>5} | {'symopt IIS r+b':>14} {'time s':>7} "
          f"{'irred.':>6} | {'before s':>8} {'speed-up':>8} | {'HiGHS IIS r+b':>13} "
          f"{'time s':>7} {'irred.':>6}")
    print("-" * 112)
    totals = {"now": [], "before": []}
    for path in paths:
        lp = netlib_infeasible(path)
        if lp.num_rows > args.max_rows:
            continue
        try:
            (rows, cols, _), ours = timed(find_iis, lp)
            mine = f"{len(rows)}+{len(cols)}"
            check = irreducible(lp, rows, cols) if rows or cols else "none"
        except Exception as error:  # a benchmark reports failures and goes on
            mine, ours, check = f"error: {type(error).__name__}", float("nan"), "-"
        before = float("nan") if args.no_before else timed(find_iis, lp, native_simplex)[1]
        totals["now"].append(ours)
        totals["before"].append(before)
        peer, theirs = timed(highs_iis, lp)
        peer_text = "n/a" if peer is None else f"{len(peer[0])}+{len(peer[1])}"
        peer_check = "-" if not peer or not (peer[0] or peer[1]) else irreducible(lp, *peer)
        print(f"{path.stem:<10} {lp.num_rows:>5} {lp.num_cols:>5} | {mine:>14} {ours:>7.3f} "
              f"{check:>6} | {before:>8.3f} {before / ours:>7.1f}x | {peer_text:>13} "
              f"{theirs:>7.3f} {peer_check:>6}", flush=True)
    now, old = np.array(totals["now"]), np.array(totals["before"])
    print(f"total: symopt {now.sum():.2f} s, before {old.sum():.2f} s ({old.sum() / now.sum():.1f}x); "
          f"median speed-up {np.median(old / now):.1f}x")
    lp = transport_lp()
    solution = from_linear_program(lp, solve_lp(lp))
    for fmt in ("text", "md", "html", "json"):
        _, seconds = timed(render, solution, fmt)
        print(f"render transportation LP report as {fmt:<5}: {seconds * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
