"""COPS 3.0 models: symopt's default route side by side with CasADi + IPOPT.

Every model of `cops_models` at three sizes (``--quick``: the smallest only) is built
through symopt's Python API and solved by ``symopt.solve`` (analysis, compilation of the
exact derivatives, routing, solve), and built with CasADi SX and solved by
``nlpsol('ipopt')`` (print level 0, IPOPT's defaults). Printed per instance: objective,
largest constraint violation, iterations, and CPU seconds for symopt's build + compile
(analysis, derivatives, code) + solve and CasADi's build (graph + ``nlpsol``, which
generates the derivatives) + solve. Times are the minimum over ``--repeat`` runs
(a fresh build each time), BLAS pinned to one thread. Then the targets of issue 10:
objective within 1e-6 relative of IPOPT's, iterations at most 2x IPOPT's, and symopt's
total at most 3x CasADi's at each model's largest size.

    python benchmarks/cops.py --quick
    python benchmarks/cops.py                       # all sizes
    python benchmarks/cops.py chain rocket --sizes 100,500 --repeat 3
    python benchmarks/cops.py --opt                 # symopt side from benchmarks/cops/*.opt
    python benchmarks/cops.py --arrays              # the same files generated as arrays

With ``--arrays`` the `.opt` file is generated and compiled as templates + index arrays
(`symopt.dsl.vectorize.read_program`): "build" is then build + compile, "compil" 0.
"""
from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cops_models import MODELS, SIZES, CasadiBuilder, SymoptBuilder  # noqa: E402

OPT_DIR = Path(__file__).resolve().parent / "cops"
SIZE_PARAMETER = re.compile(r"^param (nh|n|nv) = \d+", re.MULTILINE)


def opt_model(name: str, size: int, arrays: bool = False):
    """The `.opt` file of ``name`` with its size parameter set to ``size``, loaded (or, with
    ``arrays``, generated and compiled as arrays: a `NonlinearProgram`)."""
    from symopt import dsl
    from symopt.dsl.vectorize import read_program
    text = (OPT_DIR / f"{name}.opt").read_text()
    text = SIZE_PARAMETER.sub(lambda match: f"param {match.group(1)} = {size}", text, count=1)
    with tempfile.NamedTemporaryFile("w", suffix=".opt", delete=False) as handle:
        handle.write(text)
    try:
        if arrays:
            program = read_program(handle.name)
            if program is None:
                raise SystemExit(f"{name}.opt is not generated as arrays")
            return program
        return dsl.load(handle.name)
    finally:
        os.unlink(handle.name)


class _CPUClock:
    """Stands in for the ``time`` module of `symopt.pipeline`: its stage timings in CPU time."""

    perf_counter = staticmethod(time.process_time)


def run_symopt(name: str, size: int, from_opt: bool, time_limit: float,
               method: str | None = None, arrays: bool = False) -> dict:
    import symopt
    import symopt.pipeline
    symopt.pipeline.time = _CPUClock  # stage timings (analyze, compile, solve) in CPU seconds
    start = time.process_time()
    if from_opt or arrays:
        model = opt_model(name, size, arrays)
    else:
        model = SymoptBuilder(name).build(MODELS[name], size)
    build = time.process_time() - start
    solution = symopt.solve(model, method=method, time_limit=time_limit)
    total = time.process_time() - start
    timings = solution.timings
    return {
        "status": solution.status, "f": solution.objective, "nit": solution.iterations,
        "viol": solution.max_violation, "method": solution.method, "build": build,
        "compile": timings.get("analyze", 0.0) + timings.get("compile", 0.0),
        "solve": timings.get("solve", 0.0), "total": total,
    }


def run_casadi(name: str, size: int) -> dict:
    start = time.process_time()
    builder = CasadiBuilder(name).build(MODELS[name], size)
    solver, args = builder.solver()
    build = time.process_time() - start
    result = solver(**args)
    total = time.process_time() - start
    stats = solver.stats()
    g = np.asarray(result["g"]).ravel()
    x = np.asarray(result["x"]).ravel()
    violation = max(np.max(np.maximum(args["lbg"] - g, 0), initial=0.0),
                    np.max(np.maximum(g - args["ubg"], 0), initial=0.0),
                    np.max(np.maximum(args["lbx"] - x, 0), initial=0.0),
                    np.max(np.maximum(x - args["ubx"], 0), initial=0.0))
    return {
        "status": stats["return_status"], "f": builder.sign * float(result["f"]),
        "sign": builder.sign,
        "nit": stats["iter_count"], "viol": float(violation), "build": build,
        "solve": total - build, "total": total, "n": x.size, "m": g.size,
    }


def best_of(runs: list[dict]) -> dict:
    """The first run's results with the smallest time of each stage over all runs."""
    best = dict(runs[0])
    for key in ("build", "compile", "solve", "total"):
        if key in best:
            best[key] = min(run[key] for run in runs)
    return best


def relative(a: float | None, b: float | None) -> float:
    if a is None or b is None or not np.isfinite(a):
        return float("inf")
    return abs(a - b) / max(1.0, abs(b))


def better(ours: dict, peer: dict) -> bool:
    """symopt's optimum beats IPOPT's (another local optimum, in the model's sense) at a
    point as feasible as IPOPT's (the issue's "within 1e-6 relative (or better)")."""
    if ours["status"] != "optimal" or ours["f"] is None or ours["viol"] is None:
        return False
    return (peer["sign"] * (ours["f"] - peer["f"]) < 0
            and ours["viol"] <= max(1e-8, 10 * peer["viol"]))


def print_row(name: str, size: int, ours: dict, peer: dict) -> None:
    f = float("nan") if ours["f"] is None else ours["f"]
    viol = float("nan") if ours["viol"] is None else ours["viol"]
    print(f"{name:9s} {size:>6d} {peer['n']:>6d} {peer['m']:>6d} | {ours['status'][:10]:10s} "
          f"{f:>14.8g} {viol:>8.1e} {str(ours['nit']):>5s} {ours['build']:>6.2f} "
          f"{ours['compile']:>6.2f} {ours['solve']:>7.2f} {ours['total']:>7.2f} | "
          f"{peer['status'][:10]:10s} {peer['f']:>14.8g} {peer['viol']:>8.1e} {peer['nit']:>5d} "
          f"{peer['build']:>6.2f} {peer['solve']:>7.2f} {peer['total']:>7.2f} | "
          f"{relative(ours['f'], peer['f']):>8.1e}", flush=True)


def header() -> None:
    line = (f"{'model':9s} {'size':>6s} {'vars':>6s} {'cons':>6s} | {'symopt':10s} "
            f"{'objective':>14s} {'viol':>8s} {'nit':>5s} {'build':>6s} {'compil':>6s} "
            f"{'solve':>7s} {'total':>7s} | {'IPOPT':10s} {'objective':>14s} {'viol':>8s} "
            f"{'nit':>5s} {'build':>6s} {'solve':>7s} {'total':>7s} | {'rel.diff':>8s}")
    print(line)
    print("-" * len(line))


def targets(rows: list[tuple]) -> None:
    """The issue's three targets, instance by instance."""
    close = [r for r in rows if relative(r[2]["f"], r[3]["f"]) <= 1e-6 or better(r[2], r[3])]
    few = [r for r in rows if r[2]["nit"] is not None and r[2]["nit"] <= 2 * max(1, r[3]["nit"])]
    largest = {}
    for r in rows:
        if r[1] >= largest.get(r[0], (None, -1))[1]:
            largest[r[0]] = r
    fast = [r for r in largest.values() if r[2]["total"] <= 3 * r[3]["total"]]
    print(f"\nobjective within 1e-6 of IPOPT's (or better): {len(close)}/{len(rows)}"
          f"; iterations <= 2x IPOPT's: {len(few)}/{len(rows)}"
          f"; total time <= 3x CasADi+IPOPT at the largest size: {len(fast)}/{len(largest)}")
    for name, r in largest.items():
        ratio = r[2]["total"] / max(r[3]["total"], 1e-9)
        print(f"  {name:9s} size {r[1]:>6d}: symopt {r[2]['total']:.2f} s, CasADi+IPOPT "
              f"{r[3]['total']:.2f} s, ratio {ratio:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*", help=f"models (default: all of {list(MODELS)})")
    parser.add_argument("--quick", action="store_true", help="the smallest size of each model")
    parser.add_argument("--sizes", help="comma-separated sizes instead of the model's three")
    parser.add_argument("--repeat", type=int, default=2, help="runs per instance (min time)")
    parser.add_argument("--opt", action="store_true", help="symopt side from the .opt files")
    parser.add_argument("--arrays", action="store_true",
                        help="symopt side from the .opt files generated as arrays")
    parser.add_argument("--method", help="a symopt method instead of the default route")
    parser.add_argument("--time-limit", type=float, default=600.0, help="symopt seconds per solve")
    args = parser.parse_args()
    names = args.models or list(MODELS)
    route = f"method {args.method!r}" if args.method else "symopt.solve's default route"
    source = ".opt files as arrays" if args.arrays else ".opt files" if args.opt else "Python API"
    print(f"symopt ({source}) by {route} vs CasADi + IPOPT; CPU seconds, min of {args.repeat} runs")
    header()
    rows = []
    for name in names:
        sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
                 else SIZES[name][:1] if args.quick else SIZES[name])
        for size in sizes:
            peer = best_of([run_casadi(name, size) for _ in range(args.repeat)])
            ours = best_of([run_symopt(name, size, args.opt, args.time_limit, args.method,
                                       args.arrays) for _ in range(args.repeat)])
            print_row(name, size, ours, peer)
            rows.append((name, size, ours, peer))
    methods = sorted({r[2]["method"] for r in rows})
    print(f"\nsymopt's route: {', '.join(methods)}")
    targets(rows)


if __name__ == "__main__":
    main()
