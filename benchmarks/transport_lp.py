"""A 300 x 300 transportation LP (90,000 variables, fixed seed): symopt vs scipy's HiGHS.

    minimize    sum_ij cost[i, j] x[i, j]
    subject to  sum_j x[i, j] <= supply[i]    (300 rows)
                sum_i x[i, j] >= demand[j]    (300 rows),   x >= 0

The matrix is built by numpy index arithmetic as a scipy.sparse CSC array; HiGHS gets the same
arrays through ``scipy.optimize.linprog(method='highs')``. Prints the objective, the
relative difference to HiGHS, iterations and wall time (median of ``--repeat`` runs)
for the default native method, 'interior-point' (with and without crossover) and
'simplex'. BLAS is pinned to one thread, as HiGHS runs on one.

    python benchmarks/transport_lp.py [--size 300] [--repeat 3] [--methods ...]
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from symopt.optimize import solve_lp  # noqa: E402
from symopt.optimize.linear_program import LinearProgram, csc_from_triplets  # noqa: E402


def transportation_lp(size: int, seed: int = 2026) -> LinearProgram:
    """The benchmark LP: ``size`` sources, ``size`` sinks, total supply 10 % above demand."""
    rng = np.random.default_rng(seed)
    demand = rng.uniform(10, 100, size)
    supply = rng.uniform(10, 100, size)
    supply *= 1.1 * demand.sum() / supply.sum()
    cost = rng.uniform(1, 50, (size, size))
    cols = np.arange(size * size)
    rows = np.concatenate([cols // size, size + cols % size])
    A = csc_from_triplets(rows, np.concatenate([cols, cols]), np.ones(2 * cols.size),
                           (2 * size, size * size))
    row_lower = np.concatenate([np.full(size, -np.inf), demand])
    row_upper = np.concatenate([supply, np.full(size, np.inf)])
    return LinearProgram.from_arrays(cost.ravel(), A, row_lower, row_upper,
                                     name=f"transport{size}")


def solve_highs(lp: LinearProgram):
    from scipy.optimize import linprog
    from scipy.sparse import csc_matrix, vstack
    size = lp.num_rows // 2
    A = csc_matrix((lp.A.data, lp.A.indices, lp.A.indptr), shape=lp.A.shape).tocsr()
    A_ub = vstack([A[:size], -A[size:]]).tocsc()
    b_ub = np.concatenate([lp.row_upper[:size], -lp.row_lower[size:]])
    res = linprog(lp.c, A_ub=A_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    return res.status, res.fun, int(res.nit)


def timed(function, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = function()
        times.append(time.perf_counter() - start)
    return out, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--methods", default="default,interior-point,interior-point/no-crossover,simplex")
    args = parser.parse_args()
    start = time.perf_counter()
    lp = transportation_lp(args.size)
    print(f"transportation LP {args.size} x {args.size}: {lp.num_rows} rows, {lp.num_cols} "
          f"columns, {lp.A.nnz} nonzeros (built in {time.perf_counter() - start:.3f} s)")
    (status, ref, nit), highs_time = timed(lambda: solve_highs(lp), args.repeat)
    print(f"{'method':28s} {'status':>6s} {'objective':>16s} {'rel.diff':>9s} {'nit':>6s} "
          f"{'time [s]':>9s} {'vs HiGHS':>9s}")
    print(f"{'scipy highs':28s} {status:6d} {ref:16.8f} {0.0:9.1e} {nit:6d} {highs_time:9.3f} "
          f"{1.0:8.1f}x")
    for label in args.methods.split(","):
        method, _, variant = label.partition("/")
        options = {"crossover": False} if variant == "no-crossover" else None
        chosen = None if method == "default" else method
        result, seconds = timed(lambda: solve_lp(lp, method=chosen, options=options), args.repeat)
        diff = abs(result.fun - ref) / max(1.0, abs(ref)) if result.fun is not None else np.nan
        name = label if method != "default" else f"default ({result.method})"
        print(f"{name:28s} {result.status:6d} {result.fun:16.8f} {diff:9.1e} "
              f"{int(result.nit or 0):6d} {seconds:9.3f} {seconds / highs_time:8.1f}x", flush=True)


if __name__ == "__main__":
    main()
