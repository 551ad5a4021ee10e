"""Start-up time of the `symopt` command, in fresh processes, beside its floors and scipy.

Target: ``symopt solve examples/production.opt`` in under 1.5 s. The floors are the imports
every run pays (Python, numpy, lark); sympy is listed to show what the LP path must avoid.
The peer is scipy: importing scipy.optimize and solving the same LP with ``linprog``.
A second table times building a transportation LP from an .opt file (parse, build, extract
the sparse matrix) beside Pyomo's build + LP-file write, each in a fresh process.

Run: ``python benchmarks/startup.py [--repeat N]`` (median of N runs, default 5).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = str(ROOT / "examples" / "production.opt")
PY = sys.executable
SCIPY_LP = ("from scipy.optimize import linprog; "
            "r = linprog([-45, -80], A_ub=[[5, 20], [10, 15]], b_ub=[400, 450]); "
            "print(-r.fun)")
SYMOPT = [PY, "-m", "symopt.cli"]

CASES = [
    ("python (empty)", [PY, "-c", "pass"]),
    ("import numpy", [PY, "-c", "import numpy"]),
    ("import lark", [PY, "-c", "import lark"]),
    ("import numpy, lark (the floor)", [PY, "-c", "import numpy, lark"]),
    ("import sympy (avoided on LPs)", [PY, "-c", "import sympy"]),
    ("symopt --version", [*SYMOPT, "--version"]),
    ("symopt check production.opt", [*SYMOPT, "check", PRODUCTION]),
    ("symopt solve production.opt", [*SYMOPT, "solve", PRODUCTION]),
    ("scipy: import + linprog (peer)", [PY, "-c", SCIPY_LP]),
]


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=ROOT)
    return time.perf_counter() - start


def imports_sympy(command: list[str]) -> bool:
    run = subprocess.run([command[0], "-X", "importtime", *command[1:]], capture_output=True,
                         text=True, cwd=ROOT)
    return any(line.split("|")[-1].strip() == "sympy" for line in run.stderr.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-build", action="store_true",
                        help="skip the model-building table (transportation LPs)")
    args = parser.parse_args()
    wall_time([*SYMOPT, "check", PRODUCTION])  # warm the OS file cache and lark's parser cache
    print(f"start-up, median of {args.repeat} fresh processes (seconds)\n")
    print(f"{'case':<34} {'median':>8} {'min':>8}")
    print("-" * 52)
    results = {}
    for label, command in CASES:
        times = [wall_time(command) for _ in range(args.repeat)]
        results[label] = statistics.median(times)
        print(f"{label:<34} {statistics.median(times):8.3f} {min(times):8.3f}")
    solve = results["symopt solve production.opt"]
    floor = results["import numpy, lark (the floor)"]
    print("-" * 52)
    print(f"symopt solve - floor: {solve - floor:.3f} s; target < 1.5 s: "
          f"{'met' if solve < 1.5 else 'NOT met'}")
    print(f"sympy imported by 'symopt solve production.opt': "
          f"{imports_sympy([*SYMOPT, 'solve', PRODUCTION])}")
    if not args.no_build:
        build_times()


TRANSPORT_OPT = """set P = 1..{n}
set M = 1..{n}
param cost[i in P, j in M] = 1 + (i * 7 + j * 13) / 100
var x[P, M] >= 0
minimize total: sum(i in P, j in M) cost[i, j] * x[i, j]
subject to
  supply[i in P]: sum(j in M) x[i, j] <= 100
  demand[j in M]: sum(i in P) x[i, j] >= 90
"""

PYOMO_BUILD = """
import time, tempfile, os
start = time.perf_counter()
import pyomo.environ as pe
n = {n}
m = pe.ConcreteModel()
m.P = pe.RangeSet(n); m.M = pe.RangeSet(n)
cost = lambda i, j: 1 + (i * 7 + j * 13) / 100
m.x = pe.Var(m.P, m.M, within=pe.NonNegativeReals)
m.total = pe.Objective(expr=sum(cost(i, j) * m.x[i, j] for i in m.P for j in m.M))
m.supply = pe.Constraint(m.P, rule=lambda m, i: sum(m.x[i, j] for j in m.M) <= 100)
m.demand = pe.Constraint(m.M, rule=lambda m, j: sum(m.x[i, j] for i in m.P) >= 90)
path = os.path.join(tempfile.mkdtemp(), "t.lp")
m.write(path, io_options={{"symbolic_solver_labels": True}})
print(time.perf_counter() - start)
"""

SYMOPT_BUILD = """
import time, sys
start = time.perf_counter()
from symopt.dsl import read
from symopt.compile.linear import extract_linear
lp = extract_linear(read(sys.argv[1]).model)
print(time.perf_counter() - start)
"""


def build_times(sizes: tuple[int, ...] = (30, 100, 300)) -> None:
    """Building + extracting a transportation LP from an .opt file, beside Pyomo (+ LP file)."""
    import tempfile
    folder = Path(tempfile.mkdtemp())
    print(f"\ntransportation LP n x n, build + matrix in a fresh process, imports included (s)\n")
    print(f"{'n':>5} {'variables':>10} {'symopt .opt':>12} {'pyomo + .lp':>12}")
    for n in sizes:
        model = folder / f"transport{n}.opt"
        model.write_text(TRANSPORT_OPT.format(n=n))
        ours = subprocess.run([PY, "-c", SYMOPT_BUILD, str(model)], capture_output=True,
                              text=True, check=True, cwd=ROOT)
        peer = subprocess.run([PY, "-c", PYOMO_BUILD.format(n=n)], capture_output=True,
                              text=True)
        theirs = f"{float(peer.stdout):12.3f}" if peer.returncode == 0 else f"{'n/a':>12}"
        print(f"{n:>5} {n * n:>10} {float(ours.stdout):12.3f} {theirs}")


if __name__ == "__main__":
    main()
