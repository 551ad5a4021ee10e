"""KKT factorization candidates for the NLP interior point, measured on the issue's KKT systems.

Records the KKT matrices (upper triangle, as the interior point factorizes them) of the COPS
hanging chain at several sizes and of a Markowitz QP, then times, per matrix:

* ``qdldl``: first factorization (AMD ordering + symbolic + numeric), a refactorization with
  the same pattern (``update``, what every later iteration does), a solve, reading the inertia;
* ``scipy splu`` (SuperLU, COLAMD ordering) on the full symmetric matrix: factorization, solve
  (no inertia: the interior point could not correct a wrong one);
* ``cvxopt cholmod`` (CHOLMOD LDL^T, simplicial, AMD): symbolic once, numeric, solve, inertia
  (only when cvxopt is installed; it is not a symopt dependency). cvxopt exposes D only for
  a supernodal LL^T factor, which an indefinite KKT matrix does not have: no inertia either.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/kkt_factorization.py [sizes...]``
(default sizes 1000 5000 20000). CPU time, min of 3 runs; BLAS pinned to one thread.
"""
from __future__ import annotations

import os
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import qdldl  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.linalg as sla  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from test_optimize_interior_point_nlp import hanging_chain  # noqa: E402

from symopt.optimize import minimize  # noqa: E402
from symopt.optimize._nonlinear import ipm_kkt  # noqa: E402

REPEATS = 3


def recorded_kkt(nh: int) -> list[sp.csc_matrix]:
    """The KKT matrices the interior point factorized (without a zero pivot) while solving the chain with ``nh``."""
    seen: list[sp.csc_matrix] = []
    original = ipm_kkt.KKTMatrix.factorize

    def recording(self, matrix):
        inertia = original(self, matrix)
        if inertia is not None and inertia[2] == 0:     # the ones that factorized
            seen.append(matrix.copy())
        return inertia
    ipm_kkt.KKTMatrix.factorize = recording
    try:
        f, grad, con, hess, start = hanging_chain(nh)
        minimize(f, start, jac=grad, method="interior-point", constraints=con,
                 options={"lagrangian_hess": hess})
    finally:
        ipm_kkt.KKTMatrix.factorize = original
    return seen


def best(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def measure_qdldl(upper: sp.csc_matrix, rhs: np.ndarray) -> dict:
    solver = qdldl.Solver(upper, upper=True)
    return {"first": best(lambda: qdldl.Solver(upper, upper=True)),
            "refactor": best(lambda: solver.update(upper, upper=True)),
            "solve": best(lambda: solver.solve(rhs)),
            "inertia": best(lambda: solver.factors()[1]),
            "error": _residual(upper, solver.solve(rhs), rhs)}


def measure_splu(upper: sp.csc_matrix, rhs: np.ndarray) -> dict:
    full = (upper + sp.triu(upper, 1).T).tocsc()
    lu = sla.splu(full)
    return {"first": best(lambda: sla.splu(full)), "refactor": best(lambda: sla.splu(full)),
            "solve": best(lambda: lu.solve(rhs)), "inertia": float("nan"),
            "error": _residual(upper, lu.solve(rhs), rhs)}


def measure_cholmod(upper: sp.csc_matrix, rhs: np.ndarray) -> dict | None:
    try:
        from cvxopt import cholmod, matrix, spmatrix
    except ImportError:
        return None
    cholmod.options["supernodal"] = 0
    lower = sp.tril(upper.T).tocoo()
    A = spmatrix(lower.data, lower.row.tolist(), lower.col.tolist(), size=lower.shape)
    F = cholmod.symbolic(A)
    out = {"first": best(lambda: cholmod.numeric(A, cholmod.symbolic(A)))}
    try:
        cholmod.numeric(A, F)
    except ArithmeticError:
        return {"first": out["first"], "refactor": float("nan"), "solve": float("nan"),
                "inertia": float("nan"), "error": float("inf")}
    out["refactor"] = best(lambda: cholmod.numeric(A, F))
    b = matrix(rhs)

    def solve():
        x = matrix(b)
        cholmod.solve(F, x)
        return x
    out["solve"] = best(solve)
    out["inertia"] = float("nan")    # cvxopt's cholmod.diag needs a supernodal LL^T factor
    out["error"] = _residual(upper, np.array(solve()).ravel(), rhs)
    return out


def _residual(upper: sp.csc_matrix, x: np.ndarray, rhs: np.ndarray) -> float:
    product = upper @ x + upper.T @ x - upper.diagonal() * x
    return float(np.max(np.abs(product - rhs)) / max(1.0, np.max(np.abs(rhs))))


def main(sizes: list[int]) -> None:
    print(f"{'problem':>12} {'n+m':>7} {'nnz':>8} {'solver':>15} {'first s':>9} {'refactor s':>10} "
          f"{'solve s':>9} {'inertia s':>9} {'rel. residual':>13}")
    for nh in sizes:
        matrices = recorded_kkt(nh)
        upper = matrices[len(matrices) // 2]        # a mid-solve matrix (regularized if needed)
        rhs = np.random.default_rng(0).normal(size=upper.shape[0])
        rows = {"qdldl": measure_qdldl(upper, rhs), "scipy splu": measure_splu(upper, rhs)}
        cholmod = measure_cholmod(upper, rhs)
        if cholmod is not None:
            rows["cvxopt cholmod"] = cholmod
        for name, r in rows.items():
            print(f"{'chain ' + str(nh):>12} {upper.shape[0]:7d} {upper.nnz:8d} {name:>15} "
                  f"{r['first']:9.4f} {r['refactor']:10.4f} {r['solve']:9.4f} {r['inertia']:9.4f} "
                  f"{r['error']:13.1e}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
