"""Fuzz symopt with 10,000+ seeded hostile inputs and print the table of issue 17.

Six suites (see ``tests/fuzz_cases.py``): mutated example models (.opt), mutated Netlib MPS
files, the same as CPLEX LP files, the ``symopt`` command, the Python API, and hostile
names (solved, exported to .lp/.mps/.opt, read back, solved again). Each case runs in a
forked child with a memory limit (3 GB) and a time limit; the table counts clean errors,
statuses (a solve that says what failed), verified successes, and the failures: internal
errors, hangs, wrong successes ("optimal" but not finite, not feasible, or not HiGHS's
optimum) and models that ``check`` passed but ``solve`` rejected. The same seed gives the
same cases. It also times ``check`` on generated model text of growing size.

    OPENBLAS_NUM_THREADS=1 python benchmarks/fuzz.py                 # 10,000 cases, seed 17
    OPENBLAS_NUM_THREADS=1 python benchmarks/fuzz.py --scale 0.1 --jobs 2 --seed 3
    OPENBLAS_NUM_THREADS=1 python benchmarks/fuzz.py --suites api,names --check-sizes ""
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import fuzz_cases  # noqa: E402

COUNTS = {"opt": 3000, "mps": 1500, "lp": 1500, "cli": 1500, "api": 1500, "names": 1000}


def run(counts: dict[str, int], seed: int, timeout: float, jobs: int) -> list:
    cases = [case for suite, count in counts.items()
             if not (suite in ("mps", "lp") and not fuzz_cases.netlib_texts())
             for case in fuzz_cases.make_cases(suite, count, seed)]
    done = [0]
    start = time.perf_counter()

    def one(case: fuzz_cases.Case) -> fuzz_cases.Outcome:
        outcome = fuzz_cases.run_isolated(case, timeout)
        done[0] += 1
        if outcome.kind in fuzz_cases.FAILURES:
            print(f"  {outcome.kind}: {outcome.name}: {outcome.detail}", flush=True)
        if done[0] % 500 == 0:
            print(f"  {done[0]}/{len(cases)} cases, {time.perf_counter() - start:.0f} s",
                  flush=True)
        return outcome

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, cases))


def check_times(sizes_mb: list[float]) -> list[tuple[float, float, float]]:
    """(MB, CPU seconds, peak MB) of `symopt check` on generated LP model text."""
    import resource
    from symopt.dsl import check_text
    rows = []
    for size in sizes_mb:
        lines = int(size * 1e6 / 40)
        text = ("".join(f"var x{j} >= 0 <= 100\n" for j in range(100))
                + "minimize f: " + " + ".join(f"x{j}" for j in range(100)) + "\nsubject to\n"
                + "\n".join(f"  c{i}: x{i % 100} + 2*x{(i + 7) % 100} >= {i % 9}"
                            for i in range(lines)))
        start = time.process_time()
        errors = check_text(text, "big.opt")
        elapsed = time.process_time() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((len(text) / 1e6, elapsed, peak))
        assert not errors, errors[:1]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 10,000 cases")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at once")
    parser.add_argument("--check-sizes", default="0.5,2",
                        help="MB of model text to check (0 or '': none)")
    parser.add_argument("--suites", default=",".join(COUNTS),
                        help="the suites to run, in this order (default: all six)")
    args = parser.parse_args()
    chosen = [suite.strip() for suite in args.suites.split(",") if suite.strip()]
    unknown = sorted(set(chosen) - set(COUNTS))
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(COUNTS)}")
    counts = {suite: max(1, round(COUNTS[suite] * args.scale)) for suite in chosen}
    start = time.perf_counter()
    outcomes = run(counts, args.seed, args.timeout, args.jobs)
    print(f"\nfuzz: {len(outcomes)} cases, seed {args.seed}, per-case timeout "
          f"{args.timeout:g} s, {time.perf_counter() - start:.0f} s wall\n")
    print(fuzz_cases.table(outcomes))
    sizes = [float(s) for s in args.check_sizes.split(",") if s.strip() and float(s) > 0]
    if sizes:
        print("\n| model text (MB) | check CPU (s) | peak RSS (MB) |\n|---|---|---|")
        for size, seconds, peak in check_times(sizes):
            print(f"| {size:.2f} | {seconds:.1f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
