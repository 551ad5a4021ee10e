"""curve_fit on the 27 NIST StRD nonlinear regression problems: symopt next to scipy.

For each problem and both certified start points, four runs: {symopt, scipy} x
{finite-difference Jacobian, exact Jacobian}. Every model is written below in Python; its
exact Jacobian is derived with sympy from that Python expression (``sympy.diff`` then
``lambdify``) -- nothing read from the data files is ever turned into code. Both libraries
run with their own defaults (symopt's curve_fit defaults are tighter; see its docstring).
Prints per run the LRE (minimum over parameters of ``-log10(|b - b_cert| / |b_cert|)``,
capped at 11; 0 for a failed run), nfev and njev, then the counts of runs with LRE >= 4 and
>= 6 and the median Jacobian evaluations per column.

Counting: nfev is every call of the model, finite-difference probes included, for both
libraries (symopt's curve_fit reports the probes as ``infodict['nfev_jac']``; they are
added here). scipy's curve_fit (MINPACK leastsq) reports no njev with finite differences;
symopt always reports njev (every Jacobian, exact or approximated).

Run: ``python benchmarks/nist_strd.py`` (about a minute); ``--only Misra1a,MGH09`` limits it.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nist_data import NistProblem, read_all  # noqa: E402

import scipy.optimize as scipy_opt  # noqa: E402  (the peer)

from symopt.optimize import curve_fit as symopt_curve_fit  # noqa: E402

PI = sp.pi


def _lanczos(b, x, m):
    return b[0] * m.exp(-b[1] * x) + b[2] * m.exp(-b[3] * x) + b[4] * m.exp(-b[5] * x)


def _gauss(b, x, m):
    return (b[0] * m.exp(-b[1] * x) + b[2] * m.exp(-(x - b[3]) ** 2 / b[4] ** 2)
            + b[5] * m.exp(-(x - b[6]) ** 2 / b[7] ** 2))


def _rational_3_3(b, x, m):
    return (b[0] + b[1] * x + b[2] * x ** 2 + b[3] * x ** 3) / (
        1 + b[4] * x + b[5] * x ** 2 + b[6] * x ** 3)


def _enso(b, x, m):
    w = 2 * m.pi * x
    return (b[0] + b[1] * m.cos(w / 12) + b[2] * m.sin(w / 12) + b[4] * m.cos(w / b[3])
            + b[5] * m.sin(w / b[3]) + b[7] * m.cos(w / b[6]) + b[8] * m.sin(w / b[6]))


#: name -> model(b, x, m), where m is the math namespace (numpy or sympy)
MODELS: dict[str, Callable] = {
    "Misra1a": lambda b, x, m: b[0] * (1 - m.exp(-b[1] * x)),
    "Chwirut2": lambda b, x, m: m.exp(-b[0] * x) / (b[1] + b[2] * x),
    "Chwirut1": lambda b, x, m: m.exp(-b[0] * x) / (b[1] + b[2] * x),
    "Lanczos3": _lanczos,
    "Gauss1": _gauss,
    "Gauss2": _gauss,
    "DanWood": lambda b, x, m: b[0] * x ** b[1],
    "Misra1b": lambda b, x, m: b[0] * (1 - (1 + b[1] * x / 2) ** (-2)),
    "Kirby2": lambda b, x, m: (b[0] + b[1] * x + b[2] * x ** 2) / (1 + b[3] * x + b[4] * x ** 2),
    "Hahn1": _rational_3_3,
    "Nelson": lambda b, x, m: b[0] - b[1] * x[0] * m.exp(-b[2] * x[1]),
    "MGH17": lambda b, x, m: b[0] + b[1] * m.exp(-x * b[3]) + b[2] * m.exp(-x * b[4]),
    "Lanczos1": _lanczos,
    "Lanczos2": _lanczos,
    "Gauss3": _gauss,
    "Misra1c": lambda b, x, m: b[0] * (1 - (1 + 2 * b[1] * x) ** (-0.5)),
    "Misra1d": lambda b, x, m: b[0] * b[1] * x / (1 + b[1] * x),
    "Roszman1": lambda b, x, m: b[0] - b[1] * x - m.atan(b[2] / (x - b[3])) / m.pi,
    "ENSO": _enso,
    "MGH09": lambda b, x, m: b[0] * (x ** 2 + x * b[1]) / (x ** 2 + x * b[2] + b[3]),
    "Thurber": _rational_3_3,
    "BoxBOD": lambda b, x, m: b[0] * (1 - m.exp(-b[1] * x)),
    "Rat42": lambda b, x, m: b[0] / (1 + m.exp(b[1] - b[2] * x)),
    "MGH10": lambda b, x, m: b[0] * m.exp(b[1] / (x + b[2])),
    "Eckerle4": lambda b, x, m: (b[0] / b[1]) * m.exp(-0.5 * ((x - b[2]) / b[1]) ** 2),
    "Rat43": lambda b, x, m: b[0] / ((1 + m.exp(b[1] - b[2] * x)) ** (1 / b[3])),
    "Bennett5": lambda b, x, m: b[0] * (b[1] + x) ** (-1 / b[2]),
}


class _NumpyMath:
    exp, cos, sin, atan, pi = np.exp, np.cos, np.sin, np.arctan, np.pi


class _SympyMath:
    exp, cos, sin, atan, pi = sp.exp, sp.cos, sp.sin, sp.atan, sp.pi


def model_functions(name: str, n: int, two_predictors: bool):
    """(f(x, *b), exact jac(x, *b)) for problem ``name``: the Jacobian from sympy."""
    model = MODELS[name]
    b = sp.symbols(f"b1:{n + 1}")
    x = (sp.Symbol("x1"), sp.Symbol("x2")) if two_predictors else sp.Symbol("x")
    expr = model(b, x, _SympyMath)
    grads = [sp.lambdify((x, *b), sp.diff(expr, bj), "numpy") for bj in b]

    def f(xdata, *params):
        xs = (xdata[:, 0], xdata[:, 1]) if two_predictors else xdata
        return model(params, xs, _NumpyMath)

    def jac(xdata, *params):
        xs = (xdata[:, 0], xdata[:, 1]) if two_predictors else xdata
        size = xdata.shape[0]
        return np.column_stack([np.broadcast_to(g(xs, *params), (size,)) for g in grads])
    return f, jac


def lre(estimate: np.ndarray | None, certified: np.ndarray) -> float:
    """Minimum over parameters of the log relative error, capped at 11; 0 on failure."""
    if estimate is None or not np.all(np.isfinite(estimate)):
        return 0.0
    with np.errstate(divide="ignore"):
        rel = np.abs(estimate - certified) / np.abs(certified)
        values = np.where(rel == 0, 11.0, -np.log10(rel))
    return float(np.clip(np.min(values), 0.0, 11.0))


def run_symopt(problem: NistProblem, y, start, f, jac):
    try:
        popt, _, info, _, _ = symopt_curve_fit(f, problem.x, y, p0=start, jac=jac,
                                               full_output=True)
        return popt, info["njev"], info["nfev"] + info["nfev_jac"]
    except RuntimeError:
        return None, -1, -1


def run_scipy(problem: NistProblem, y, start, f, jac):
    try:
        popt, _, info, _, _ = scipy_opt.curve_fit(f, problem.x, y, p0=start, jac=jac,
                                                  full_output=True)
        return popt, info.get("njev"), info["nfev"]
    except RuntimeError:
        return None, -1, -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated problem names")
    options = parser.parse_args()
    problems = read_all()
    if options.only:
        problems = {k: problems[k] for k in options.only.split(",")}
    columns = [("symopt", "fd"), ("scipy", "fd"), ("symopt", "exact"), ("scipy", "exact")]
    runners = {"symopt": run_symopt, "scipy": run_scipy}
    rows, started = [], time.perf_counter()
    warnings.simplefilter("ignore")
    print(f"{'':13s} | " + " | ".join(f"{lib + '-' + kind:^20s}" for lib, kind in columns))
    print(f"{'problem':10s} st | " + " | ".join(f"{'LRE':>5s} {'nfev':>6s} {'njev':>6s} "
                                                   for _ in columns))
    for name in MODELS:
        if name not in problems:
            continue
        problem = problems[name]
        y = np.log(problem.y) if name == "Nelson" else problem.y
        f, exact = model_functions(name, problem.n_params, problem.x.ndim == 2)
        for label, start in (("1", problem.start1), ("2", problem.start2)):
            cells = []
            for lib, kind in columns:
                popt, njev, nfev = runners[lib](problem, y, start, f,
                                                exact if kind == "exact" else None)
                cells.append((lre(popt, problem.certified), njev, nfev))
            rows.append(cells)
            print(f"{name:10s} {label:>2s} | " + " | ".join(
                f"{score:5.1f} {_count(nfev):>6s} {_count(njev):>6s} "
                for score, njev, nfev in cells))
    _summary(rows, columns)
    print(f"total time {time.perf_counter() - started:.1f} s")


def _count(value) -> str:
    if value is None:
        return "-"
    return "fail" if value < 0 else str(value)


def _summary(rows, columns) -> None:
    print()
    print(f"{'column':14s} {'LRE>=4':>7s} {'LRE>=6':>7s} {'median njev':>12s}   "
          f"of {len(rows)} runs (a failed run scores LRE 0 and is left out of the median)")
    summary = {}
    for k, (lib, kind) in enumerate(columns):
        scores = np.array([row[k][0] for row in rows])
        njev = [row[k][1] for row in rows if row[k][1] is not None and row[k][1] >= 0]
        median = float(np.median(njev)) if njev else float("nan")
        summary[lib, kind] = (int(np.sum(scores >= 4)), int(np.sum(scores >= 6)), median)
        print(f"{lib + '-' + kind:14s} {summary[lib, kind][0]:7d} {summary[lib, kind][1]:7d} "
              f"{median if njev else '-':>12}")
    if ("symopt", "exact") in summary and ("scipy", "exact") in summary:
        ge4, ge6, median = summary["symopt", "exact"]
        peer = summary["scipy", "exact"][2]
        met = ge6 >= 50 and ge4 >= 53 and median <= peer
        print(f"target (symopt-exact: LRE>=6 on >= 50, LRE>=4 on >= 53, median njev <= "
              f"scipy's {peer}): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
