"""Write every kind of report in all four formats: text, Markdown, HTML and JSON.

    python examples/write_reports.py [OUT_DIR] [--screenshots IMG_DIR]

Solves five small models with symopt and writes ``OUT_DIR/<kind>.{txt,md,html,json}``
(OUT_DIR defaults to ``reports/``):

* ``lp``          Dantzig's transportation problem (duals, ranging, grouped tables)
* ``production``  a two-variable production plan (with the feasible-region plot)
* ``infeasible``  an over-constrained plan (IIS and Farkas certificate)
* ``fit``         an exponential decay fitted to noisy data (errors, intervals, residuals)
* ``nlp``         a constrained Rosenbrock problem (multipliers, convergence history)
* ``milp``        a small integer plan (incumbent, bound, gap), when a MILP method exists

With ``--screenshots IMG_DIR`` the HTML pages are also photographed with headless
chromium (when installed), as the pictures in ``docs/reports.md`` were.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import sympy

import symopt
from symopt.report import write

PLANTS = {"seattle": 350, "san-diego": 600}
MARKETS = {"new-york": 325, "chicago": 300, "topeka": 275}
DISTANCE = {("seattle", "new-york"): 2.5, ("seattle", "chicago"): 1.7,
            ("seattle", "topeka"): 1.8, ("san-diego", "new-york"): 2.5,
            ("san-diego", "chicago"): 1.8, ("san-diego", "topeka"): 1.4}


def transportation() -> symopt.Model:
    m = symopt.Model("transportation")
    m.ship = symopt.Var(list(DISTANCE), domain=symopt.NonNegativeReals)
    m.cost = symopt.Objective(expr=symopt.quicksum(
        90 * DISTANCE[a] / 1000 * m.ship[a] for a in DISTANCE))
    m.supply = symopt.Constraint(list(PLANTS), rule=lambda m, p: symopt.quicksum(
        m.ship[p, k] for k in MARKETS) <= PLANTS[p])
    m.demand = symopt.Constraint(list(MARKETS), rule=lambda m, k: symopt.quicksum(
        m.ship[p, k] for p in PLANTS) >= MARKETS[k])
    return m


def production(hours3: float = 18.0, name: str = "production") -> symopt.Model:
    m = symopt.Model(name)
    m.make = symopt.Var(["doors", "windows"], domain=symopt.NonNegativeReals)
    m.profit = symopt.Objective(expr=3 * m.make["doors"] + 5 * m.make["windows"],
                                sense=symopt.maximize)
    m.plant1 = symopt.Constraint(expr=m.make["doors"] <= 4)
    m.plant2 = symopt.Constraint(expr=2 * m.make["windows"] <= 12)
    m.plant3 = symopt.Constraint(expr=3 * m.make["doors"] + 2 * m.make["windows"] <= hours3)
    return m


def infeasible() -> symopt.Model:
    m = production(name="over-committed plan")
    m.orders = symopt.Constraint(expr=m.make["doors"] + m.make["windows"] >= 12)
    return m


def integer_plan() -> symopt.Model:
    m = symopt.Model("crews")
    m.crews = symopt.Var(["a", "b"], domain=symopt.NonNegativeIntegers)
    m.overtime = symopt.Var(domain=symopt.NonNegativeReals, bounds=(0, 3))
    m.output = symopt.Objective(expr=5 * m.crews["a"] + 4 * m.crews["b"] + 3 * m.overtime,
                                sense=symopt.maximize)
    m.budget = symopt.Constraint(expr=2 * m.crews["a"] + 3 * m.crews["b"] + m.overtime <= 5)
    m.space = symopt.Constraint(expr=4 * m.crews["a"] + m.crews["b"] + 2 * m.overtime <= 11)
    return m


def decay_fit():
    a, k, c, t = sympy.symbols("a k c t")
    ts = np.linspace(0.0, 4.0, 25)
    noise = 0.05 * np.random.default_rng(7).standard_normal(ts.size)
    ys = 2.5 * np.exp(-1.3 * ts) + 0.5 + noise
    return symopt.fit(a * sympy.exp(-k * t) + c, t, ts, ys, {a: 1.0, k: 1.0, c: 0.0})


def constrained_rosenbrock():
    x, y = sympy.symbols("x y")
    return symopt.solve_minimize((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, {x: -1.0, y: 0.5},
                                 constraints=[x ** 2 + y ** 2 <= 1],
                                 bounds={x: (-2, 0.8), y: (-2, 2)})


def explained(solution: symopt.Solution) -> symopt.Solution:
    """The solution with its IIS and Farkas certificate (computed only when asked for)."""
    solution.iis()
    return solution


CASES = {"lp": lambda: symopt.solve(transportation()),
         "production": lambda: symopt.solve(production()),
         "infeasible": lambda: explained(symopt.solve(infeasible())),
         "fit": decay_fit, "nlp": constrained_rosenbrock,
         "milp": lambda: symopt.solve(integer_plan())}


def screenshot(page: Path, picture: Path) -> bool:
    """Photograph ``page`` with headless chromium; False when chromium is missing."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", f"--user-data-dir={profile}", "--hide-scrollbars",
                        "--virtual-time-budget=5000", "--window-size=1400,2400",
                        f"--screenshot={picture}", page.resolve().as_uri()],
                       capture_output=True, timeout=120, check=False)
    return picture.exists()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="reports", help="output folder")
    parser.add_argument("--screenshots", metavar="IMG_DIR", help="also photograph the HTML")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for kind, solve in CASES.items():
        try:
            solution = solve()
        except (symopt.SymoptError, ImportError) as error:  # e.g. no MILP method yet
            print(f"{kind:<11} skipped: {error}")
            continue
        paths = [write(solution, out / f"{kind}{suffix}") for suffix in (".txt", ".md", ".html", ".json")]
        print(f"{kind:<11} {solution.status:<11} " + "  ".join(str(p) for p in paths))
        if args.screenshots:
            picture = Path(args.screenshots) / f"report-{kind}.png"
            picture.parent.mkdir(parents=True, exist_ok=True)
            if not screenshot(paths[2], picture):
                print("  (no screenshot: chromium is not installed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
