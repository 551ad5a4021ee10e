"""Start-up time of the `symopt` command, in fresh processes, beside its floors and scipy.

Target: ``symopt solve examples/production.opt`` in under 1.5 s. The floors are the imports
every run pays (Python, numpy, lark); sympy is listed to show what the LP path must avoid.
The peer is scipy: importing scipy.optimize and solving the same LP with ``linprog``.

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


if __name__ == "__main__":
    main()
