"""Convex quadratic programs: symopt's interior point against HiGHS's QP solver.

Models (symopt's Python API, seeded data):

- ``markowitz``: long-only minimum-variance portfolio with a return floor, the covariance
  as a k-factor model ``F F^T + diag(d)`` (k = 10): ``min sum d_i x_i^2 + sum_j y_j^2``
  s.t. ``y = F^T x``, ``sum x = 1``, ``mu^T x >= r``, ``x >= 0``;
- ``markowitz-dense``: the same with the covariance written out as a dense quadratic form
  (n <= 200: n^2/2 Hessian terms);
- ``sparse``: a random sparse convex QP ``min 0.5 ||B x||^2 + 0.05 ||x||^2 + q^T x``,
  B with three entries per row, s.t. ``l <= A x <= u`` (n/2 rows, four entries each),
  ``-1 <= x <= 1``, feasible by construction.

Each instance is analysed and compiled once; then solved by symopt's interior point as
routed for a QP (``tol=1e-12``), by symopt's ``highs-qp`` (up to 2,000 variables: its
convexity check is a dense eigendecomposition; routing sends convex QPs below 300 variables
there) -- both CPU seconds of ``dispatch.run``, the map back to the model included -- and by
HiGHS alone (highspy ``passModel`` + ``passHessian``; HiGHS's QP solver is an active-set
method for convex QPs) on the matrices read from the compiled problem (their extraction is
timed apart as ``extract``). Printed: status, objective, relative gap,
iterations, CPU seconds (min of ``--repeat``), BLAS on one thread.

    python benchmarks/qp.py
    python benchmarks/qp.py markowitz --sizes 1000 --repeat 3
"""
from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import symopt  # noqa: E402

FACTORS = 10
HIGHS_TIME_LIMIT = 120.0  # seconds: HiGHS's active set needs minutes on the largest instances
WRAPPED_LIMIT = 2_000     # symopt's highs-qp (dense PSD check) is run up to this many variables
SIZES = {"markowitz": (100, 1_000, 10_000), "markowitz-dense": (50, 100, 200),
         "sparse": (100, 1_000, 10_000)}


def _portfolio_data(n: int):
    rng = np.random.default_rng(n)
    F = rng.normal(scale=0.1, size=(n, FACTORS))
    d = rng.uniform(0.01, 0.05, n)
    mu = rng.uniform(0.02, 0.12, n)
    return F, d, mu, float(np.mean(mu) + 0.3 * np.std(mu))


def _portfolio_base(n: int):
    F, d, mu, floor = _portfolio_data(n)
    m = symopt.Model("markowitz")
    m.x = symopt.Var(range(n), bounds=(0, None), initialize=1.0 / n)
    m.budget = symopt.Constraint(expr=symopt.quicksum(m.x[i] for i in range(n)) == 1)
    m.ret = symopt.Constraint(expr=symopt.quicksum(float(mu[i]) * m.x[i] for i in range(n))
                              >= floor)
    return m, F, d


def markowitz(n: int):
    m, F, d = _portfolio_base(n)
    m.y = symopt.Var(range(FACTORS), initialize=0.0)
    m.factor = symopt.Constraint(range(FACTORS), rule=lambda m, j: m.y[j] == symopt.quicksum(
        float(F[i, j]) * m.x[i] for i in range(n)))
    m.risk = symopt.Objective(expr=symopt.quicksum(float(d[i]) * m.x[i] ** 2 for i in range(n))
                              + symopt.quicksum(m.y[j] ** 2 for j in range(FACTORS)))
    return m


def markowitz_dense(n: int):
    m, F, d = _portfolio_base(n)
    sigma = F @ F.T + np.diag(d)
    m.risk = symopt.Objective(expr=symopt.quicksum(
        (float(sigma[i, j]) if i == j else 2 * float(sigma[i, j])) * m.x[i] * m.x[j]
        for i in range(n) for j in range(i + 1)))
    return m


def sparse(n: int):
    rng = np.random.default_rng(n + 1)
    m = symopt.Model("sparse_qp")
    m.x = symopt.Var(range(n), bounds=(-1, 1), initialize=0.0)
    feasible = rng.uniform(-0.5, 0.5, n)
    terms = []
    for _ in range(n):
        cols = rng.choice(n, size=3, replace=False)
        terms.append(0.5 * symopt.quicksum(float(b) * m.x[int(j)]
                                           for b, j in zip(rng.normal(size=3), cols)) ** 2)
    q = rng.normal(size=n)
    m.obj = symopt.Objective(expr=symopt.quicksum(terms)
                             + symopt.quicksum(0.05 * m.x[i] ** 2 + float(q[i]) * m.x[i]
                                               for i in range(n)))
    rows = []
    for _ in range(n // 2):
        cols = rng.choice(n, size=4, replace=False)
        rows.append((cols, rng.normal(size=4)))
    body = [float(a @ feasible[c]) for c, a in rows]
    m.rows = symopt.Constraint(range(len(rows)), rule=lambda m, r: symopt.between(
        body[r] - 0.1, symopt.quicksum(float(a) * m.x[int(j)] for a, j in zip(rows[r][1],
                                                                                rows[r][0])),
        body[r] + 0.1))
    return m


MODELS = {"markowitz": markowitz, "markowitz-dense": markowitz_dense, "sparse": sparse}


def compiled(name: str, size: int):
    from symopt import pipeline
    from symopt.analysis import analyze
    structure = analyze(MODELS[name](size))
    assert structure.quadratic_program, f"{name} is not recognized as a QP"
    return structure, pipeline._compile(structure)


def solve_symopt(structure, nlp, method: str) -> dict:
    """symopt's ``method`` on the compiled QP through the dispatch stage (map back included);
    the interior point to the QP tolerance routing gives it."""
    from symopt import dispatch, pipeline
    from symopt.routing import QP_TOL, route
    options = {"tol": QP_TOL} if method == "interior-point" else None
    plan = route(structure, method=method, options=options, **pipeline._figures(nlp, structure))
    solution = dispatch.run(nlp, plan)
    return {"status": solution.status, "f": solution.objective, "nit": solution.iterations,
            "method": "symopt " + method}


def qp_matrices(nlp):
    """``min 0.5 x^T H x + q^T x + f0,  lo <= A x <= hi``: the compiled QP's data."""
    import scipy.sparse as sp
    zero = np.zeros(nlp.num_cols)
    derivatives = nlp.sparse_derivatives
    lower = derivatives.lagrangian_hessian(zero, 1.0, np.zeros(nlp.num_rows)).tocsc()
    A = derivatives.jacobian(zero).tocsc()
    offset = nlp.constraints.values(zero) if nlp.num_rows else np.zeros(0)
    return (sp.tril(lower).tocsc(), nlp.jac(zero), nlp.fun(zero), A,
            nlp.row_lower - offset, nlp.row_upper - offset)


def solve_highs(nlp, data) -> dict:
    import highspy
    from symopt.optimize._linear.highs import new_highs
    H, q, f0, A, lo, hi = data
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nlp.num_cols, nlp.num_rows
    lp.col_cost_, lp.offset_ = q, f0
    lp.col_lower_, lp.col_upper_ = nlp.col_lower, nlp.col_upper
    lp.row_lower_, lp.row_upper_ = lo, hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = nlp.num_cols, nlp.num_rows
    lp.a_matrix_.start_, lp.a_matrix_.index_ = A.indptr, A.indices
    lp.a_matrix_.value_ = A.data
    h = new_highs()
    h.setOptionValue("time_limit", HIGHS_TIME_LIMIT)
    h.passModel(lp)
    h.passHessian(nlp.num_cols, H.nnz, highspy.HessianFormat.kTriangular,
                  H.indptr.astype(np.int32), H.indices.astype(np.int32), H.data)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus().name
    return {"status": "optimal" if status == "kOptimal" else status,
            "f": nlp.sign * info.objective_function_value, "nit": info.qp_iteration_count,
            "method": "highspy QP"}


def timed(run, repeat: int) -> dict:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        answer = run()
        best = min(best, time.process_time() - start)
        out = out or answer
    out["cpu"] = best
    return out


def instance(name: str, size: int, repeat: int) -> list[dict]:
    structure, nlp = compiled(name, size)
    start = time.process_time()
    data = qp_matrices(nlp)
    extract = time.process_time() - start
    runs = [timed(lambda: solve_symopt(structure, nlp, "interior-point"), repeat)]
    if nlp.num_cols <= WRAPPED_LIMIT:      # its convexity check is a dense eigendecomposition
        runs.append(timed(lambda: solve_symopt(structure, nlp, "highs-qp"), repeat))
    peer = timed(lambda: solve_highs(nlp, data), repeat)
    peer["extract"] = extract
    runs.append(peer)
    values = [row["f"] for row in runs if row["status"] == "optimal"] or [np.nan]
    reference = min(values) if nlp.sign > 0 else max(values)
    rows = []
    for row in runs:
        row.update(model=name, n=nlp.num_cols, m=nlp.num_rows,
                   gap=abs(row["f"] - reference) / max(1.0, abs(reference)))
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*", help=f"models (default: all of {list(MODELS)})")
    parser.add_argument("--sizes", help="comma-separated sizes instead of the model's three")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per solver (min)")
    args = parser.parse_args()
    print(f"convex QPs: CPU seconds, min of {args.repeat} runs; gap = relative to the better")
    line = (f"{'model':16s} {'n':>6s} {'m':>5s} {'solver':22s} {'status':10s} "
            f"{'objective':>18s} {'gap':>8s} {'nit':>6s} {'cpu s':>8s} {'extract':>8s}")
    print(line + "\n" + "-" * len(line))
    ratios = []
    for name in args.models or list(MODELS):
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else SIZES[name]
        for size in sizes:
            rows = instance(name, size, args.repeat)
            for r in rows:
                print(f"{r['model']:16s} {r['n']:>6d} {r['m']:>5d} {r['method']:22s} "
                      f"{r['status'][:10]:10s} {r['f']:>18.12g} {r['gap']:>8.1e} "
                      f"{str(r['nit']):>6s} {r['cpu']:>8.3f} {r.get('extract', 0.0):>8.3f}",
                      flush=True)
            ratios.append((name, rows[0]["n"], rows[0]["cpu"] / max(rows[-1]["cpu"], 1e-9)))
    print("\nsymopt interior point / highspy QP time ratio: " +
          ", ".join(f"{name} {n}: {ratio:.1f}x" for name, n, ratio in ratios))


if __name__ == "__main__":
    main()
