"""How the compiler scales: extended Rosenbrock (nonlinear) and a transportation LP (linear).

(a) Rosenbrock ``sum(100*(x[i+1] - x[i]**2)**2 + (1 - x[i])**2)`` for n = 10 .. 10,000:
    build (model API), compile (analysis + template derivation of gradient and Hessian +
    code generation, of which codegen alone), one gradient evaluation against scipy's
    hand-written ``rosen_der``, and the routed solve against scipy.optimize.minimize with
    the hand-written gradient (L-BFGS-B, and the routed trust method with hand-written
    Hessian / Hessian-vector product).
(b) Transportation LP with S sources and S sinks (S*S variables): build + matrix
    extraction, default solve, against Pyomo (build + LP file; build + appsi_highs solve)
    and PuLP (build + writeLP) when installed.

Run: ``python benchmarks/compile_scaling.py [--quick]`` (``--quick``: the small sizes).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import timeit

# one BLAS thread for both sides: on a shared 2-core machine threaded LAPACK calls (svd,
# eigh) run up to 10x slower than single-threaded ones; set before numpy is imported
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

from symopt import dispatch  # noqa: E402
from symopt.analysis import analyze  # noqa: E402
from symopt.compile import cache, templates  # noqa: E402
from symopt.compile.from_model import compile_model  # noqa: E402
from symopt.compile.linear import extract_linear  # noqa: E402
from symopt.model import Constraint, Model, NonNegativeReals, Objective, Var, quicksum  # noqa: E402
from symopt.pipeline import solve  # noqa: E402
from symopt.routing import route  # noqa: E402

QUICK = "--quick" in sys.argv
ROSENBROCK_SIZES = (10, 100, 1000) if QUICK else (10, 100, 1000, 10000)
TRANSPORT_SIZES = (10, 30) if QUICK else (10, 30, 100, 300)
START = 0.5   # from the classic (-1.2, 1, -1.2, ...) both peers need thousands of iterations at n >= 1,000


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


# ----- (a) Rosenbrock -------------------------------------------------------------------
def rosenbrock_model(n: int) -> Model:
    m = Model(f"rosenbrock{n}")
    m.x = Var(range(n), initialize=START)
    m.obj = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 + (1 - m.x[i]) ** 2
                               for i in range(n - 1)))
    return m


class CodegenTimer:
    """Accumulates the time spent generating code (wraps templates.generate_function)."""

    def __init__(self):
        self.seconds = 0.0
        self.original = templates.generate_function

    def __enter__(self):
        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
        templates.generate_function = wrapped
        return self

    def __exit__(self, *exc):
        templates.generate_function = self.original


def rosen_residuals(x: np.ndarray) -> np.ndarray:
    """Hand-written residuals R with rosen(x) = 0.5 * |R|^2."""
    return np.sqrt(2.0) * np.concatenate((10 * (x[1:] - x[:-1] ** 2), 1 - x[:-1]))


def rosen_residual_jacobian(x: np.ndarray) -> np.ndarray:
    n = x.size
    jac = np.zeros((2 * (n - 1), n))
    i = np.arange(n - 1)
    jac[i, i], jac[i, i + 1] = -20 * x[:-1], 10.0
    jac[n - 1 + i, i] = -1.0
    return np.sqrt(2.0) * jac


def scipy_rosenbrock(n: int, method: str):
    from scipy.optimize import least_squares, minimize, rosen, rosen_der, rosen_hess, rosen_hess_prod
    x0 = np.full(n, START)
    if method in ("lm", "trf"):
        return timed(least_squares, rosen_residuals, x0, jac=rosen_residual_jacobian, method=method)
    extra = {}
    if method == "trust-exact":
        extra["hess"] = rosen_hess
    elif method == "trust-ncg":
        extra["hessp"] = rosen_hess_prod
    result, seconds = timed(minimize, rosen, x0, jac=rosen_der, method=method, **extra)
    return result, seconds


def rosenbrock_row(n: int) -> dict:
    cache.clear()
    model, build = timed(rosenbrock_model, n)
    with CodegenTimer() as codegen:
        start = time.perf_counter()
        nlp = compile_model(analyze(model))
        nlp.objective.hessian_nnz  # derives and compiles the Hessian
        compile_seconds = time.perf_counter() - start
    from scipy.optimize import rosen_der
    x = np.random.default_rng(0).uniform(-1, 1, n)
    assert np.allclose(nlp.jac(x), rosen_der(x))
    reps = max(20, 20000 // n)
    ours = min(timeit.repeat(lambda: nlp.jac(x), number=reps, repeat=7)) / reps
    hand = min(timeit.repeat(lambda: rosen_der(x), number=reps, repeat=7)) / reps
    plan = route(analyze(model), num_variables=n, hessian_nnz=nlp.hessian_nnz)
    solution, solve_seconds = timed(dispatch.run, nlp, plan)
    peer_lbfgsb, lbfgsb_seconds = scipy_rosenbrock(n, "l-bfgs-b")
    peer_same, same_seconds = scipy_rosenbrock(n, plan.method)
    return {
        "n": n, "build": build, "compile": compile_seconds, "codegen": codegen.seconds,
        "grad_ratio": ours / hand, "method": plan.method, "solve": solve_seconds,
        "status": solution.status, "f": solution.objective,
        "njev": solution.evaluations.get("njev"), "nit": solution.iterations,
        "scipy_same_njev": peer_same.njev if peer_same.get("njev") is not None else peer_same.nfev, "scipy_same_s": same_seconds, "scipy_same_ok": peer_same.success,
        "scipy_lbfgsb_njev": peer_lbfgsb.njev, "scipy_lbfgsb_s": lbfgsb_seconds,
    }


def print_rosenbrock(rows: list[dict]) -> None:
    print("\n(a) extended Rosenbrock: symopt (model API, exact derivatives) vs scipy.optimize.minimize "
          "with hand-written numpy derivatives")
    print(f"{'n':>6} {'build s':>8} {'compile s':>10} {'(codegen)':>10} {'grad/hand':>10} "
          f"{'method':>11} {'solve s':>8} {'status':>8} {'njev':>5} | {'scipy same':>10} "
          f"{'njev':>5} {'s':>7} | {'scipy L-BFGS-B':>14} {'njev':>5} {'s':>7}")
    for r in rows:
        print(f"{r['n']:>6} {r['build']:>8.3f} {r['compile']:>10.3f} {r['codegen']:>10.3f} "
              f"{r['grad_ratio']:>10.2f} {r['method']:>11} {r['solve']:>8.3f} {r['status']:>8} "
              f"{str(r['njev']):>5} | {'ok' if r['scipy_same_ok'] else 'FAILED':>10} "
              f"{r['scipy_same_njev']:>5} {r['scipy_same_s']:>7.3f} | {'':>14} "
              f"{r['scipy_lbfgsb_njev']:>5} {r['scipy_lbfgsb_s']:>7.3f}")
    big = {r["n"]: r for r in rows}
    if 1000 in big and 10000 in big:
        a, b = big[1000], big[10000]
        growth = (b["build"] + b["compile"]) / (a["build"] + a["compile"])
        print(f"build + compile growth from n=1,000 to 10,000: {growth:.1f}x (linear = 10x); "
              f"at n=10,000: {b['build'] + b['compile']:.2f} s")


# ----- (b) transportation LP ----------------------------------------------------------
def transport_data(size: int):
    rng = np.random.default_rng(size)
    supply = rng.integers(50, 100, size).astype(float)
    demand = rng.integers(20, 60, size).astype(float)
    demand *= 0.9 * supply.sum() / demand.sum()
    cost = rng.uniform(1, 10, (size, size)).round(2)
    return supply, demand, cost


def transport_model(size: int) -> Model:
    supply, demand, cost = transport_data(size)
    S = range(size)
    m = Model(f"transport{size}")
    m.x = Var(S, S, domain=NonNegativeReals)
    m.cost = Objective(expr=quicksum(cost[i, j] * m.x[i, j] for i in S for j in S))
    m.supply = Constraint(S, rule=lambda m, i: quicksum(m.x[i, j] for j in S) <= supply[i])
    m.demand = Constraint(S, rule=lambda m, j: quicksum(m.x[i, j] for i in S) >= demand[j])
    return m


def pyomo_model(size: int):
    import pyomo.environ as pyo
    supply, demand, cost = transport_data(size)
    m = pyo.ConcreteModel()
    m.S = pyo.RangeSet(0, size - 1)
    m.x = pyo.Var(m.S, m.S, domain=pyo.NonNegativeReals)
    m.cost = pyo.Objective(expr=sum(cost[i, j] * m.x[i, j] for i in m.S for j in m.S))
    m.supply = pyo.Constraint(m.S, rule=lambda m, i: sum(m.x[i, j] for j in m.S) <= supply[i])
    m.demand = pyo.Constraint(m.S, rule=lambda m, j: sum(m.x[i, j] for i in m.S) >= demand[j])
    return m


def pyomo_lp_file(size: int, folder: str) -> float:
    start = time.perf_counter()
    pyomo_model(size).write(os.path.join(folder, f"pyomo{size}.lp"))
    return time.perf_counter() - start


def pyomo_highs(size: int) -> tuple[float, float]:
    import pyomo.environ as pyo
    start = time.perf_counter()
    m = pyomo_model(size)
    pyo.SolverFactory("appsi_highs").solve(m)
    return time.perf_counter() - start, pyo.value(m.cost)


def pulp_lp_file(size: int, folder: str) -> float:
    import pulp
    supply, demand, cost = transport_data(size)
    start = time.perf_counter()
    S = range(size)
    problem = pulp.LpProblem("transport", pulp.LpMinimize)
    x = {(i, j): pulp.LpVariable(f"x_{i}_{j}", lowBound=0) for i in S for j in S}
    problem += pulp.lpSum(cost[i, j] * x[i, j] for i in S for j in S)
    for i in S:
        problem += pulp.lpSum(x[i, j] for j in S) <= supply[i]
    for j in S:
        problem += pulp.lpSum(x[i, j] for i in S) >= demand[j]
    problem.writeLP(os.path.join(folder, f"pulp{size}.lp"))
    return time.perf_counter() - start


def optional(function, *args):
    try:
        return function(*args)
    except Exception as exc:  # a peer that is missing or fails must not stop the table
        print(f"  ({function.__name__} unavailable: {type(exc).__name__}: {exc})")
        return None


def transport_row(size: int, folder: str) -> dict:
    model, build = timed(transport_model, size)
    lp, extract = timed(lambda: extract_linear(analyze(model)))
    solution, solve_seconds = timed(solve, model)
    peer = optional(pyomo_highs, size)
    return {"S": size, "build": build, "extract": extract, "solve": solve_seconds,
            "end_to_end": build + solve_seconds, "method": solution.method or "default",
            "status": solution.status, "objective": solution.objective,
            "pyomo_lp": optional(pyomo_lp_file, size, folder),
            "pulp_lp": optional(pulp_lp_file, size, folder),
            "pyomo_highs": None if peer is None else peer[0],
            "pyomo_objective": None if peer is None else peer[1]}


def print_transport(rows: list[dict]) -> None:
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"
    print("\n(b) transportation LP, S x S: symopt (build with the API, extract, default solve) vs "
          "Pyomo and PuLP")
    print(f"{'S':>4} {'vars':>6} {'build s':>8} {'extract s':>9} {'b+e s':>7} | {'Pyomo LP s':>10} "
          f"{'PuLP LP s':>9} | {'solve s':>8} {'method':>14} {'end-to-end':>10} | "
          f"{'Pyomo+HiGHS':>11} {'ratio':>6} {'same optimum':>12}")
    for r in rows:
        ratio = None if r["pyomo_highs"] is None else r["end_to_end"] / r["pyomo_highs"]
        same = ("n/a" if r["pyomo_objective"] is None or r["objective"] is None else
                str(bool(abs(r["objective"] - r["pyomo_objective"]) <= 1e-6 * max(1, abs(r["pyomo_objective"])))))
        print(f"{r['S']:>4} {r['S'] ** 2:>6} {r['build']:>8.3f} {r['extract']:>9.3f} "
              f"{r['build'] + r['extract']:>7.3f} | {fmt(r['pyomo_lp']):>10} {fmt(r['pulp_lp']):>9} | "
              f"{r['solve']:>8.3f} {r['method']:>14} {r['end_to_end']:>10.3f} | "
              f"{fmt(r['pyomo_highs']):>11} {fmt(ratio):>6} {same:>12}")


def main() -> None:
    rows = [rosenbrock_row(n) for n in ROSENBROCK_SIZES]
    print_rosenbrock(rows)
    with tempfile.TemporaryDirectory() as folder:
        print_transport([transport_row(s, folder) for s in TRANSPORT_SIZES])


if __name__ == "__main__":
    main()
