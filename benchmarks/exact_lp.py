"""Exact certification of an LP's final basis: time against size, flint and the stdlib engine.

Random sparse LPs with decimal data (two decimals, as a person types them), ``m`` rows and
``1.5 m`` columns, are solved by HiGHS; `certify_basis` then solves the final basis in
rational arithmetic and checks optimality exactly. The table gives, per size, the float
solve time, the certification time with python-flint (the ``flint`` extra) and with the
standard-library `Fraction` engine (only up to its row cap), whether the basis was certified
optimal, and the largest error of the float x against the exact vertex.

Target (issue 14): a 400-row LP certified in under 1 s.

    python benchmarks/exact_lp.py [--sizes 100 200 400 800] [--repeat 3]
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from symopt.optimize import solve_lp  # noqa: E402
from symopt.optimize._linear.exact import FRACTION_ENGINE_MAX_ROWS, certify_basis  # noqa: E402
from symopt.optimize.linear_program import LinearProgram  # noqa: E402


def random_lp(m: int, seed: int = 14) -> LinearProgram:
    """A feasible, bounded LP: ``A x <= b`` with b from a positive point, costs negative."""
    rng = np.random.default_rng(seed)
    n = int(1.5 * m)
    A = sp.random(m, n, density=min(1.0, 6.0 / m), random_state=rng,
                  data_rvs=lambda k: np.round(rng.uniform(0.1, 9.9, k), 2)).tocsc()
    A = (A + sp.eye(m, n, format="csc")).tocsc()
    point = np.round(rng.uniform(0.5, 2.0, n), 2)
    b = np.round(A @ point + 1.0, 2)
    c = -np.round(rng.uniform(0.5, 5.0, n), 2)
    return LinearProgram.from_arrays(c, A, row_lower=np.full(m, -np.inf), row_upper=b,
                                     col_upper=np.full(n, 10.0))


def best_time(function, repeat: int) -> tuple[float, object]:
    best, value = np.inf, None
    for _ in range(repeat):
        start = time.process_time()
        value = function()
        best = min(best, time.process_time() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'rows':>5} {'cols':>5} {'HiGHS s':>8} {'flint s':>8} {'fraction s':>10} "
          f"{'optimal':>8} {'max |x - x*|':>13}")
    for m in args.sizes:
        lp = random_lp(m)
        solve_time, result = best_time(lambda: solve_lp(lp, method="highs"), args.repeat)
        basis = (result.col_basis, result.row_basis)
        flint_time, cert = best_time(
            lambda: certify_basis(lp, *basis, x=result.x, engine="flint"), args.repeat)
        fraction = "-"
        if m <= FRACTION_ENGINE_MAX_ROWS:
            fraction_time, _ = best_time(
                lambda: certify_basis(lp, *basis, engine="fraction"), 1)
            fraction = f"{fraction_time:.3f}"
        print(f"{m:>5} {lp.num_cols:>5} {solve_time:>8.3f} {flint_time:>8.3f} {fraction:>10} "
              f"{str(cert.optimal):>8} {cert.max_float_error:>13.2e}")


if __name__ == "__main__":
    main()
