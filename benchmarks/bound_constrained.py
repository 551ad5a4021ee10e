"""Large bound-constrained NLPs: which symopt method to route them to, against the peers.

Every model of `bound_models` (bounded chained Rosenbrock, elastic-plastic torsion, minimal
surface over an obstacle, bounded deblurring least squares) at 10^3, 10^4 (and, with
``--large``, 10^5) variables is built through symopt's Python API and compiled once
(analysis + exact derivatives); then the same compiled problem is solved by

- symopt ``l-bfgs-b`` (ours), the route for bound-constrained NLPs before this benchmark;
- symopt ``interior-point`` with the exact sparse Hessian (IPOPT family, ours), to
  ``tol=1e-12`` on the two QPs (torsion, nnls) as routing runs it;
- scipy's ``L-BFGS-B`` (Fortran, peer) on symopt's compiled ``fun`` and ``jac``;
- CasADi + IPOPT (peer, its own derivatives; print level 0, defaults).

symopt's ``trust-ncg`` / ``trust-exact`` take no bounds and SLSQP is dense (an n x n
quasi-Newton matrix), so neither is a candidate at these sizes.

Printed per instance and solver: status, objective, its relative gap to the
best of the four (all answers lie within the bounds), the
largest projected-gradient entry at the returned point (computed here, the same way for
all), iterations, CPU seconds of the solve (min of ``--repeat`` runs; symopt's solves
include the map back to the model; the one-off build of the interior point's sparse
Lagrangian-Hessian structure is shown as ``prep``), and the peak of Python-side memory
during one more run (tracemalloc: numpy arrays included; IPOPT's C++ heap is not seen).
BLAS is pinned to one thread. The closing lines state the routing rule these rows support.

    python benchmarks/bound_constrained.py                    # 10^3 and 10^4
    python benchmarks/bound_constrained.py torsion --sizes 1000 --repeat 1
    python benchmarks/bound_constrained.py --large            # adds 10^5 (minutes)
"""
from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bound_models import MODELS, CasadiBounds, SymoptBounds  # noqa: E402

SOLVERS = ("symopt l-bfgs-b", "symopt interior-point", "scipy L-BFGS-B", "CasADi+IPOPT")
TIME_LIMIT = 300.0


def compiled(name: str, size: int):
    """The model's analysis and its compiled `NonlinearProgram` (built once per instance)."""
    from symopt import pipeline
    from symopt.analysis import analyze
    structure = analyze(SymoptBounds(name).build(MODELS[name], size))
    return structure, pipeline._compile(structure)


def symopt_solver(structure, nlp, method: str) -> Callable[[], dict]:
    """symopt's ``method`` on the compiled problem; a QP (torsion, nnls) gets the interior
    point's QP tolerance as routing gives it (``tol=1e-12``)."""
    from symopt import dispatch, pipeline
    from symopt.routing import QP_TOL, route
    options = {"tol": QP_TOL} if method == "interior-point" and structure.quadratic_program \
        else None
    plan = route(structure, method=method, options=options, **pipeline._figures(nlp))

    def run() -> dict:
        solution = dispatch.run(nlp, plan, TIME_LIMIT)
        x = np.array([v.value for v in solution.variables])
        return {"status": solution.status, "f": solution.objective, "nit": solution.iterations,
                "x": x}
    return run


def scipy_solver(nlp) -> Callable[[], dict]:
    from scipy.optimize import minimize
    bounds = list(zip(nlp.col_lower, nlp.col_upper))
    x0 = np.clip(nlp.x0, nlp.col_lower, nlp.col_upper)

    def run() -> dict:
        result = minimize(nlp.fun, x0, jac=nlp.jac, bounds=bounds, method="L-BFGS-B",
                          options={"maxiter": 15000, "maxfun": 15000})
        return {"status": "optimal" if result.success else result.message[:20],
                "f": nlp.objective_value(result.x), "nit": result.nit, "x": result.x}
    return run


def casadi_solver(name: str, size: int) -> Callable[[], dict]:
    builder = CasadiBounds(name).build(MODELS[name], size)
    solver, args = builder.solver()

    def run() -> dict:
        result = solver(**args)
        stats = solver.stats()
        return {"status": stats["return_status"], "f": builder.sign * float(result["f"]),
                "nit": stats["iter_count"], "x": np.asarray(result["x"]).ravel()}
    return run


def measure(run: Callable[[], dict], repeat: int, memory: bool) -> dict:
    """The first run's answer with the least CPU time over ``repeat`` runs, and the
    Python-side peak memory of one more run."""
    times, out = [], None
    for _ in range(repeat):
        start = time.process_time()
        answer = run()
        times.append(time.process_time() - start)
        out = out or answer
    out["cpu"] = min(times)
    out["peak"] = float("nan")
    if memory:
        tracemalloc.start()
        run()
        out["peak"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
    return out


def projected_gradient(nlp, x: np.ndarray) -> float:
    g = nlp.jac(x)
    step = np.clip(x - g, nlp.col_lower, nlp.col_upper) - x
    return float(np.max(np.abs(step), initial=0.0))


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(b)) if np.isfinite(a) else float("inf")


def instance(name: str, size: int, repeat: int) -> list[dict]:
    start = time.process_time()
    structure, nlp = compiled(name, size)
    compile_time = time.process_time() - start
    start = time.process_time()
    nlp.sparse_derivatives      # the interior point's Jacobian / Lagrangian-Hessian patterns
    prep = time.process_time() - start
    runs = {"symopt l-bfgs-b": symopt_solver(structure, nlp, "l-bfgs-b"),
            "symopt interior-point": symopt_solver(structure, nlp, "interior-point"),
            "scipy L-BFGS-B": scipy_solver(nlp), "CasADi+IPOPT": casadi_solver(name, size)}
    rows = []
    for solver in SOLVERS:
        row = measure(runs[solver], repeat, memory=not solver.startswith("CasADi"))
        row.update(model=name, n=nlp.num_cols, solver=solver,
                   pg=projected_gradient(nlp, np.clip(row["x"], nlp.col_lower, nlp.col_upper)),
                   prep=prep if solver == "symopt interior-point" else 0.0,
                   compile=compile_time, hnnz=nlp.hessian_nnz)
        rows.append(row)
    reference = min(row["f"] for row in rows)      # every answer lies within the bounds
    for row in rows:
        row["gap"] = relative(row["f"], reference)
    return rows


def print_rows(rows: list[dict]) -> None:
    for r in rows:
        print(f"{r['model']:10s} {r['n']:>7d} {r['solver']:22s} {str(r['status'])[:18]:18s} "
              f"{r['f']:>16.10g} {r['gap']:>8.1e} {r['pg']:>8.1e} {str(r['nit']):>6s} "
              f"{r['cpu']:>8.2f} {r['prep']:>6.2f} {r['peak']:>8.1f}", flush=True)


def header() -> None:
    line = (f"{'model':10s} {'n':>7s} {'solver':22s} {'status':18s} {'objective':>16s} "
            f"{'gap':>8s} {'proj.g':>8s} {'nit':>6s} {'cpu s':>8s} {'prep':>6s} {'peak MB':>8s}")
    print(line)
    print("-" * len(line))


def accurate(row: dict) -> bool:
    return row["status"] == "optimal" and row["gap"] <= 1e-6


def verdict(rows: list[dict]) -> None:
    """Per instance: which of symopt's two methods is accurate, and the faster accurate one."""
    print("\nper instance (accurate = status optimal and within 1e-6 of the best objective):")
    by_instance: dict = {}
    for r in rows:
        by_instance.setdefault((r["model"], r["n"]), {})[r["solver"]] = r
    for (name, n), got in by_instance.items():
        lb, ip = got["symopt l-bfgs-b"], got["symopt interior-point"]
        ipm_time = ip["cpu"] + ip["prep"]
        best = ("interior-point" if accurate(ip) and (not accurate(lb) or ipm_time <= lb["cpu"])
                else "l-bfgs-b" if accurate(lb) else "neither")
        print(f"  {name:10s} n={n:>7d} hessian nnz/col {got['CasADi+IPOPT']['hnnz'] / n:5.1f}: "
              f"l-bfgs-b {'ok' if accurate(lb) else 'NOT accurate'} {lb['cpu']:.2f} s, "
              f"interior-point {'ok' if accurate(ip) else 'NOT accurate'} {ipm_time:.2f} s "
              f"-> {best}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*", help=f"models (default: all of {list(MODELS)})")
    parser.add_argument("--sizes", help="comma-separated sizes (default 1000,10000)")
    parser.add_argument("--large", action="store_true", help="add 100000 variables")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per solver (min)")
    args = parser.parse_args()
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else [1_000, 10_000] + ([100_000] if args.large else []))
    print(f"bound-constrained NLPs: CPU seconds of the solve, min of {args.repeat} runs; "
          "gap = relative objective gap to the best of the four")
    header()
    rows = []
    for name in args.models or list(MODELS):
        for size in sizes:
            found = instance(name, size, args.repeat)
            print_rows(found)
            rows.extend(found)
    verdict(rows)


if __name__ == "__main__":
    main()
