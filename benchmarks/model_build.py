"""Model build + matrix extraction: symopt vs Pyomo (build + LP file) vs PuLP (build + LP file).

The transportation LP of the issue, S sources x S destinations (S = 300: 90,000 variables,
180,000 nonzeros), written with each library's ordinary API (Python sums over generators).
Every case runs in a fresh process (imports excluded from the time); the median of
``--repeat`` runs is printed, as wall time and as process CPU time (the fairer figure on
a shared, loaded machine). Also times symopt's build of the extended Rosenbrock
objective (n = 10,000) and its term-shape grouping, the model layer's share of that target.

    python benchmarks/model_build.py [--size 300] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap

DATA = """
import numpy as np, time, os, tempfile
S = {size}
rng = np.random.default_rng(0)
sources = [f"s{{i}}" for i in range(S)]
sinks = [f"d{{j}}" for j in range(S)]
supply = {{s: 1000.0 for s in sources}}
demand = {{d: 900.0 for d in sinks}}
cost_table = rng.uniform(1, 10, (S, S))
cost = {{(sources[i], sinks[j]): float(cost_table[i, j]) for i in range(S) for j in range(S)}}
"""

CASES = {
    "symopt (build + extract_linear)": """
from symopt import Model, Set, Param, Var, Objective, Constraint, NonNegativeReals, minimize
from symopt.compile.linear import extract_linear
start, cpu_start = time.perf_counter(), time.process_time()
m = Model("transport")
m.I = Set(initialize=sources)
m.J = Set(initialize=sinks)
m.supply = Param(m.I, initialize=supply)
m.demand = Param(m.J, initialize=demand)
m.cost = Param(m.I, m.J, initialize=cost)
m.x = Var(m.I, m.J, domain=NonNegativeReals)
m.total = Objective(expr=sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J), sense=minimize)
m.ship = Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= m.supply[i])
m.meet = Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= m.demand[j])
lp = extract_linear(m)
assert lp.A.nnz == 2 * S * S
""",
    "Pyomo (build + LP file)": """
import pyomo.environ as pyo
start, cpu_start = time.perf_counter(), time.process_time()
m = pyo.ConcreteModel()
m.I = pyo.Set(initialize=sources)
m.J = pyo.Set(initialize=sinks)
m.supply = pyo.Param(m.I, initialize=supply)
m.demand = pyo.Param(m.J, initialize=demand)
m.cost = pyo.Param(m.I, m.J, initialize=cost)
m.x = pyo.Var(m.I, m.J, domain=pyo.NonNegativeReals)
m.total = pyo.Objective(expr=sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J))
m.ship = pyo.Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= m.supply[i])
m.meet = pyo.Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= m.demand[j])
m.write(os.path.join(tempfile.mkdtemp(), "t.lp"))
""",
    "PuLP (build + LP file)": """
import pulp
start, cpu_start = time.perf_counter(), time.process_time()
prob = pulp.LpProblem("transport", pulp.LpMinimize)
x = {(i, j): pulp.LpVariable(f"x_{i}_{j}", lowBound=0) for i in sources for j in sinks}
prob += pulp.lpSum(cost[i, j] * x[i, j] for i in sources for j in sinks)
for i in sources:
    prob += pulp.lpSum(x[i, j] for j in sinks) <= supply[i]
for j in sinks:
    prob += pulp.lpSum(x[i, j] for i in sources) >= demand[j]
prob.writeLP(os.path.join(tempfile.mkdtemp(), "t.lp"))
""",
}

ROSENBROCK = """
import time
from symopt import Model, Var, Objective, RangeSet
from symopt.model import split_terms, term_shape
n = {n}
start, cpu_start = time.perf_counter(), time.process_time()
cpu = time.process_time()
m = Model("rosenbrock")
m.x = Var(RangeSet(n), initialize=-1.2)
m.f = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 + (1 - m.x[i]) ** 2 for i in range(1, n)))
built, cpu_built = time.perf_counter(), time.process_time()
linear, terms = split_terms(m.f.expr)
shapes = {{}}
for term in terms:
    key, variables, constants = term_shape(term)
    shapes.setdefault(key, []).append(variables)
done, cpu_done = time.perf_counter(), time.process_time()
print(built - start, done - built, len(terms), len(shapes), cpu_built - cpu, cpu_done - cpu_built)
"""


SUM_SCALING = """
import time
from symopt import Model, Var, RangeSet
n = {n}
m = Model()
m.x = Var(RangeSet(n))
xs = [m.x[i] for i in range(1, n + 1)]
start = time.process_time()
total = sum(2.5 * v for v in xs)
len(total.terms)
print(time.process_time() - start)
"""


def run(code: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(code)
    out = subprocess.run([sys.executable, handle.name], capture_output=True, text=True, timeout=600)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return out.stdout.strip()


def time_case(body: str, size: int, repeat: int) -> tuple[float, float]:
    code = (DATA.format(size=size) + textwrap.dedent(body)
            + "\nprint(time.perf_counter() - start, time.process_time() - cpu_start)\n")
    runs = [run(code).split() for _ in range(repeat)]
    return (statistics.median(float(r[0]) for r in runs), statistics.median(float(r[1]) for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rosenbrock", type=int, default=10_000)
    args = parser.parse_args()
    print(f"Transportation LP, S = {args.size} ({args.size ** 2:,} variables, "
          f"{2 * args.size ** 2:,} nonzeros); median of {args.repeat} fresh processes")
    print(f"{'path':<36}{'wall s':>10}{'CPU s':>10}")
    for name, body in CASES.items():
        try:
            wall, cpu = time_case(body, args.size, args.repeat)
            seconds = f"{wall:10.3f}{cpu:10.3f}"
        except (RuntimeError, ImportError) as error:
            seconds = f"  failed: {str(error).splitlines()[-1][:60]}"
        print(f"{name:<36}{seconds}")
    times = [run(ROSENBROCK.format(n=args.rosenbrock)).split() for _ in range(args.repeat)]
    build, shape, build_cpu, shape_cpu = (statistics.median(float(t[k]) for t in times) for k in (0, 1, 4, 5))
    print(f"\nExtended Rosenbrock n = {args.rosenbrock:,} ({times[0][2]} terms, {times[0][3]} shapes)")
    print(f"{'stage':<36}{'wall s':>10}{'CPU s':>10}")
    print(f"{'symopt model build':<36}{build:10.3f}{build_cpu:10.3f}")
    print(f"{'split_terms + term_shape':<36}{shape:10.3f}{shape_cpu:10.3f}")
    print("\nPython sum() over n affine terms (build + materialize), CPU seconds:")
    print(f"{'n':>10}{'CPU s':>10}{'us/term':>10}")
    for n in (10_000, 100_000, 1_000_000):
        cpu = statistics.median(float(run(SUM_SCALING.format(n=n))) for _ in range(args.repeat))
        print(f"{n:>10,}{cpu:10.3f}{1e6 * cpu / n:10.2f}")


if __name__ == "__main__":
    main()
