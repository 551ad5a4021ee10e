"""CPU time and peak memory of ``symopt check`` on large generated `.opt` files.

Two kinds of big model text matter (issue 17: "10 MB of model text must check in
seconds"):

* **data-heavy**: a few statements carrying most of the bytes -- a long ``set S = {...}``
  member list, one-index and two-index ``param p[...] = {key: number, ...}`` tables, and a
  small LP over them (what a model with its data inline looks like);
* **constraint-heavy**: one constraint per line over 100 variables (what a generated
  model looks like, e.g. exported from another tool).

Each file is written to a temporary folder and run by ``symopt COMMAND FILE`` (``check``
by default; ``--commands check,solve,export`` for more) in a fresh process (``python -m
symopt.cli``); the figures are the child's CPU seconds (user + system) and peak resident
memory, imports included, the minimum over ``--repeat`` runs. ``export`` writes MPS to
the temporary folder.

    python benchmarks/big_files.py                          # 1, 5, 10 MB of both kinds
    python benchmarks/big_files.py --sizes 1 --kinds data --repeat 3
    python benchmarks/big_files.py --sizes 10 --commands check,solve --repeat 2
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")


def data_heavy(megabytes: float) -> str:
    """A transport-like LP whose data (a member list and three tables) fills the file."""
    budget = megabytes * 1e6
    n = max(10, int(budget / 160))               # one-index tables + the set list
    m = max(2, int((budget * 0.45) / 24 / n)) if n else 2
    m = max(2, min(m, 40))
    pairs = max(1, int(budget * 0.5 / 30))
    members = ", ".join(f"c{i}" for i in range(n))
    demand = ",\n  ".join(f"c{i}: {(i * 37) % 1000 / 7:.6g}" for i in range(n))
    weight = ",\n  ".join(f"c{i}: {1 + (i * 13) % 97}" for i in range(n))
    plants = ", ".join(f"p{j}" for j in range(m))
    cost = ",\n  ".join(f"(p{k % m}, c{(k // m) % n}): {1 + (k * 7919) % 1000 / 100:.4g}"
                        for k in range(min(pairs, n * m)))
    return (f"set CUSTOMERS = {{{members}}}\n"
            f"set PLANTS = {{{plants}}}\n"
            f"param demand[CUSTOMERS] = {{\n  {demand}\n}}\n"
            f"param weight[CUSTOMERS] = {{\n  {weight}\n}}\n"
            f"param cost[PLANTS, CUSTOMERS] = {{\n  {cost}\n}} default 50\n"
            "param capacity[p in PLANTS] = 2 * sum(c in CUSTOMERS) demand[c] / card(PLANTS)\n"
            "var ship[PLANTS, CUSTOMERS] >= 0\n"
            "minimize total: sum(p in PLANTS, c in CUSTOMERS) cost[p, c] * weight[c] * ship[p, c]\n"
            "subject to\n"
            "  supply[p in PLANTS]: sum(c in CUSTOMERS) ship[p, c] <= capacity[p]\n"
            "  meet[c in CUSTOMERS]: sum(p in PLANTS) ship[p, c] >= demand[c]\n")


def constraint_heavy(megabytes: float) -> str:
    """100 bounded variables and one named linear constraint per line (~40 bytes each)."""
    lines = int(megabytes * 1e6 / 40)
    return ("".join(f"var x{j} >= 0 <= 100\n" for j in range(100))
            + "minimize f: " + " + ".join(f"x{j}" for j in range(100)) + "\nsubject to\n"
            + "\n".join(f"  c{i}: x{i % 100} + 2*x{(i + 7) % 100} >= {i % 9}"
                        for i in range(lines)) + "\n")


KINDS = {"data": data_heavy, "constraints": constraint_heavy}


def generate(kind: str, megabytes: float) -> str:
    """Model text of ``kind`` close to ``megabytes`` long (one proportional correction)."""
    text = KINDS[kind](megabytes)
    return KINDS[kind](megabytes * megabytes * 1e6 / len(text))


def measure(path: Path, command: str = "check") -> tuple[float, float, int]:
    """(CPU s, peak MB, exit code) of ``symopt command path`` in a fresh process."""
    extra = ["--to", "mps", "-o", str(path.with_suffix(".mps"))] if command == "export" else []
    child = subprocess.Popen([sys.executable, "-m", "symopt.cli", command, str(path), *extra],
                             env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        print(output.decode(errors="replace")[-2000:], file=sys.stderr)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,10", help="MB of model text, comma-separated")
    parser.add_argument("--kinds", default="data,constraints", help="data and/or constraints")
    parser.add_argument("--commands", default="check", help="check, solve and/or export")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (min is kept)")
    args = parser.parse_args()
    print("| kind | MB | command | CPU (s) | peak RSS (MB) | exit |\n|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.kinds.split(","):
            for size in (float(s) for s in args.sizes.split(",")):
                path = Path(folder) / f"{kind}_{size:g}mb.opt"
                path.write_text(generate(kind, size))
                for command in args.commands.split(","):
                    runs = [measure(path, command) for _ in range(args.repeat)]
                    cpu = min(r[0] for r in runs)
                    peak = min(r[1] for r in runs)
                    print(f"| {kind} | {path.stat().st_size / 1e6:.2f} | {command} | {cpu:.1f} "
                          f"| {peak:.0f} | {runs[-1][2]} |", flush=True)


if __name__ == "__main__":
    main()
