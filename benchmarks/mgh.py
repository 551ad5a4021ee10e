"""symopt.optimize vs scipy.optimize on the Moré-Garbow-Hillstrom problems.

Runs every minimize method (exact gradients, and exact Hessians for the Newton methods;
Nelder-Mead derivative-free) on all problems of ``mgh_problems.py``, and every root method
on the square systems (m == n) when ``symopt.optimize.root`` is importable. Prints two
tables: solved counts, median nfev / njev over the problems both solved, wall time, and
whether the target holds (symopt solves every problem scipy solves with the same method,
and needs no more gradient evaluations in the median).

    python benchmarks/mgh.py [--detail] [--methods BFGS,CG] [--problems Rosenbrock,Wood]
                             [--perturb K [--size 1e-8]]

``--perturb K`` adds, for every problem, K starts ``x0 (1 + size u)`` with ``u`` uniform in
[-1, 1] (seeded): a check of which differences are the method's and which are rounding.
Two implementations of one method agree to the last digits for a while and then, on the
chaotic problems, drift apart; a difference that survives tiny changes of the start is real.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
import scipy.optimize as so

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mgh_problems  # noqa: E402

from symopt.optimize import minimize  # noqa: E402

MINIMIZE_METHODS = ["Nelder-Mead", "CG", "BFGS", "L-BFGS-B", "Newton-CG", "trust-ncg",
                    "trust-exact", "SLSQP"]
ROOT_METHODS = ["hybr", "lm", "broyden1", "broyden2", "newton"]
HESSIAN_METHODS = {"Newton-CG", "trust-ncg", "trust-exact"}
#: accuracy in f that counts as solved: 1e-8, or the method's own goal when looser
#: (SLSQP's ftol = 1e-6 is an absolute accuracy goal for f)
SOLVED_ATOL = {"SLSQP": 1e-6}
#: a root counts as found when max |F_i(x)| <= this (broyden's default f_tol is 6e-6)
ROOT_TOL = 1e-5


@dataclass
class Run:
    solved: bool
    nfev: int
    njev: int
    seconds: float
    value: float


def run_minimize(minimizer, problem, method: str) -> Run:
    kwargs = {} if method == "Nelder-Mead" else {"jac": problem.grad}
    if method in HESSIAN_METHODS:
        kwargs["hess"] = problem.hess
    start = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            res = minimizer(problem.f, problem.x0.copy(), method=method, **kwargs)
            value, nfev, njev = float(res.fun), int(res.nfev), int(res.get("njev", 0))
        except Exception as exc:                      # a crash counts as not solved
            print(f"  ! {method} on {problem.name}: {type(exc).__name__}: {exc}")
            value, nfev, njev = np.inf, 0, 0
    solved = problem.solved(value, SOLVED_ATOL.get(method, 1e-8))
    return Run(solved, nfev, njev, time.perf_counter() - start, value)


def run_root(rooter, problem, method: str) -> Run:
    kwargs = {"jac": problem.J} if method in ("hybr", "lm", "newton") else {}
    start = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            res = rooter(problem.F, problem.x0.copy(), method=method, **kwargs)
            x = np.asarray(res.x, dtype=float)
            residual = float(np.max(np.abs(problem.F(x))))
            nfev, njev = int(res.get("nfev", 0) or 0), int(res.get("njev", 0) or 0)
        except Exception as exc:
            print(f"  ! root {method} on {problem.name}: {type(exc).__name__}: {exc}")
            residual, nfev, njev = np.inf, 0, 0
    solved = bool(np.isfinite(residual) and residual <= ROOT_TOL)
    return Run(solved, nfev, njev, time.perf_counter() - start, residual)


def summarize(method: str, ours: list[Run], ref: list[Run] | None, names: list[str],
              uses_gradient: bool) -> tuple[list[str], bool]:
    solved_ours = {n for n, r in zip(names, ours) if r.solved}
    if ref is None:
        return [method, str(len(names)), str(len(solved_ours)), "-", "-",
                f"{_median(ours, 'nfev', solved_ours, names)} / -",
                f"{_median(ours, 'njev', solved_ours, names)} / -",
                f"{sum(r.seconds for r in ours):.2f} / -", "no peer"], True
    solved_ref = {n for n, r in zip(names, ref) if r.solved}
    both = solved_ours & solved_ref
    missed = _by_problem(solved_ref - solved_ours)
    med = {k: (_median(ours, k, both, names), _median(ref, k, both, names))
           for k in ("nfev", "njev")}
    key = "njev" if uses_gradient else "nfev"
    holds = not missed and (not both or float(med[key][0]) <= float(med[key][1]))
    row = [method, str(len(names)), str(len(solved_ours)), str(len(solved_ref)),
           ", ".join(missed) or "-", f"{med['nfev'][0]} / {med['nfev'][1]}",
           f"{med['njev'][0]} / {med['njev'][1]}",
           f"{sum(r.seconds for r in ours):.2f} / {sum(r.seconds for r in ref):.2f}",
           "yes" if holds else "NO"]
    return row, holds


def _by_problem(run_names: set[str]) -> list[str]:
    """Run names grouped by problem: ``Biggs EXP6 #3`` and ``#4`` become ``Biggs EXP6 (x2)``."""
    counts = Counter(name.split(" #")[0] for name in run_names)
    return [name if n == 1 else f"{name} (x{n})" for name, n in sorted(counts.items())]


def perturbed(problems: list, count: int, size: float, seed: int = 0) -> list:
    """Every problem from its standard start and from ``count`` starts ``x0 (1 + size u)``."""
    rng = np.random.default_rng(seed)
    runs = []
    for p in problems:
        runs.append(p)
        runs.extend(replace(p, name=f"{p.name} #{k}",
                            x0=p.x0 * (1 + size * rng.uniform(-1, 1, p.n)))
                    for k in range(1, count + 1))
    return runs


def _median(runs: list[Run], field: str, subset: set[str], names: list[str]) -> str:
    values = [getattr(r, field) for n, r in zip(names, runs) if n in subset]
    return f"{np.median(values):g}" if values else "-"


def print_table(title: str, rows: list[list[str]]) -> None:
    header = ["method", "runs", "solved symopt", "solved scipy", "scipy-only solves",
              "median nfev sym/sci", "median njev sym/sci", "time s sym/sci", "target"]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def print_detail(method: str, names: list[str], ours: list[Run], ref: list[Run] | None) -> None:
    print(f"\n  {method}: problem, symopt (solved nfev njev value), scipy (same)")
    for i, name in enumerate(names):
        o = ours[i]
        line = f"    {name:28s} {'Y' if o.solved else '.'} {o.nfev:6d} {o.njev:6d} {o.value:12.6g}"
        if ref is not None:
            r = ref[i]
            line += f" | {'Y' if r.solved else '.'} {r.nfev:6d} {r.njev:6d} {r.value:12.6g}"
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="print every problem's run")
    parser.add_argument("--methods", help="comma-separated subset of methods")
    parser.add_argument("--problems", help="comma-separated subset of problem names")
    parser.add_argument("--perturb", type=int, default=0, metavar="K",
                        help="also run every problem from K slightly perturbed starts")
    parser.add_argument("--size", type=float, default=1e-8,
                        help="relative size of the start perturbations (default 1e-8)")
    args = parser.parse_args()
    wanted = set(args.methods.split(",")) if args.methods else None
    problems = mgh_problems.load(args.problems.split(",") if args.problems else None)
    if args.perturb:
        problems = perturbed(problems, args.perturb, args.size)
    names = [p.name for p in problems]
    rows, all_hold = [], True
    for method in MINIMIZE_METHODS:
        if wanted and method not in wanted:
            continue
        ours = [run_minimize(minimize, p, method) for p in problems]
        ref = [run_minimize(so.minimize, p, method) for p in problems]
        row, holds = summarize(method, ours, ref, names, method != "Nelder-Mead")
        rows.append(row)
        all_hold &= holds
        if args.detail:
            print_detail(method, names, ours, ref)
    print_table(f"minimize: {len(problems)} MGH runs, exact gradients (Hessians for "
                "Newton-CG / trust-*), scipy defaults on both sides; solved = f within 1e-8 "
                "(SLSQP: 1e-6, its ftol) + 1e-4 relative of a known minimum", rows)
    all_hold &= root_table(problems, wanted, args.detail)
    print(f"\ntarget holds for every method: {'yes' if all_hold else 'NO'}")
    return 0


def root_table(problems, wanted, detail: bool) -> bool:
    try:
        root = importlib.import_module("symopt.optimize._root").root
    except (ImportError, AttributeError) as exc:
        print(f"\nroot: symopt.optimize.root is not importable yet ({exc}); table skipped")
        return True
    square = [p for p in problems if p.square]
    names = [p.name for p in square]
    rows, all_hold = [], True
    for method in ROOT_METHODS:
        if wanted and method not in wanted:
            continue
        ours = [run_root(root, p, method) for p in square]
        ref = None if method == "newton" else [run_root(so.root, p, method) for p in square]
        row, holds = summarize(method, ours, ref, names, method in ("hybr", "lm", "newton"))
        rows.append(row)
        all_hold &= holds
        if detail:
            print_detail(method, names, ours, ref)
    print_table(f"root: {len(square)} runs on square MGH systems (m == n), exact Jacobians for "
                f"hybr / lm / newton, solved = max|F(x)| <= {ROOT_TOL:g} "
                "(scipy has no 'newton')", rows)
    return all_hold


if __name__ == "__main__":
    sys.exit(main())
