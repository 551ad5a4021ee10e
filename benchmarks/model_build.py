"""Model build + matrix extraction: symopt (`.opt` arrays, `.opt` element-wise, Python API)
against linopy, CVXPY, pyoptinterface, Pyomo and PuLP; a nonlinear family against CasADi.

Models (the same data for every library, made before the clock starts):

* transportation LP, S sources x S markets (S^2 variables, 2 S^2 nonzeros),
  cost[i, j] = 1 + 9 |sin(i j)|, supply 1000, demand 900;
* multi-period production/inventory LP, P products x T periods (2 P T variables), with
  balance rows linking inventory at t and t-1 and a capacity row per period;
* optimal control of x' = sin(x) + u on N steps (2N + 1 variables, N nonlinear equality
  rows): symopt's build + compile to the solver's input (compiled derivatives with the
  Jacobian and Lagrangian-Hessian patterns) from the `.opt` file as arrays
  (`read_program`: one template + index arrays per family), from the `.opt` file
  element-wise (`load` -> analysis -> compiler) and from the Python API, against
  CasADi's build + nlpsol (IPOPT) construction.

The symopt API case is written as a Pyomo user would, with ``quicksum`` over generators as
the pyoptinterface case uses ``poi.quicksum`` ("symopt API (sum)": Python's ``sum``);
"symopt API (arrays)" writes the same model with ``as_array()`` (``symopt.model.arrays``),
as the CVXPY and linopy cases do. "Python floor (keyed)" is no modelling library at all:
one object per variable in a dict keyed by index tuples, and the objective's and rows'
terms gathered into lists by the same generators a keyed API runs (garbage collector
off): the least any keyed pure-Python API can spend.
pyoptinterface is timed twice: with nested lists of variables (the fastest way to write
it) and with its ``add_variables`` tupledict indexed ``x[i, j]`` and ``x.select`` (the
way its documentation and its own benchmarks write models, the same dict lookups as
``m.x[i, j]``).

Each case runs in a fresh process with BLAS pinned to one thread; the figures are process
CPU seconds from the first line of model code to the matrices (or LP file, or solver
object) and the process's peak resident memory (imports included), the minimum over
``--repeat`` runs. ``--timing`` also solves the symopt `.opt` LP and prints the stage times.

    python benchmarks/model_build.py                         # transport S = 100, 300, 1000
    python benchmarks/model_build.py --model production --size 1000x500
    python benchmarks/model_build.py --model control --sizes 50000 --repeat 3
    python benchmarks/model_build.py --sizes 1000 --only "symopt .opt,linopy" --timing [--no-ranging]
    python benchmarks/model_build.py --api-memory 300          # symopt API bytes per unit
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

PRELUDE = """
import os, resource, sys, time, tempfile
import numpy as np
def report(extra=""):
    cpu = time.process_time() - CPU0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT {cpu:.4f} {peak:.1f} {extra}")
"""

# ---- transportation -------------------------------------------------------------------------
TRANSPORT_DATA = """
S = {S}
idx = np.arange(1, S + 1)
C = 1 + 9 * np.abs(np.sin(np.outer(idx, idx).astype(float)))
supply = np.full(S, 1000.0); demand = np.full(S, 900.0)
"""

TRANSPORT_OPT = """set PLANTS = 1..{S}
set MARKETS = 1..{S}
param supply[i in PLANTS] = 1000
param demand[j in MARKETS] = 900
param cost[i in PLANTS, j in MARKETS] = 1 + 9 * abs(sin(i * j))
var ship[PLANTS, MARKETS] >= 0
minimize total_cost: sum(i in PLANTS, j in MARKETS) cost[i, j] * ship[i, j]
subject to
  within_supply[i in PLANTS]: sum(j in MARKETS) ship[i, j] <= supply[i]
  meet_demand[j in MARKETS]:  sum(i in PLANTS) ship[i, j] >= demand[j]
"""

TRANSPORT = {
    "symopt .opt": """
from symopt.dsl.vectorize import read_arrays
CPU0 = time.process_time()
arrays = read_arrays(PATH)
GENERATED = time.process_time() - CPU0
assert arrays.element_wise == [] and arrays.lp.A.nnz == 2 * S * S
report()
if TIMING:   # CPU seconds per stage of symopt.solve (the solution's own timings are wall)
    import symopt.dispatch as dispatch
    from symopt import solve
    cpu = {"generate": GENERATED}
    def timed(stage, function):
        def run(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - start
        return run
    import highspy
    highspy.Highs.run = timed("HiGHS run", highspy.Highs.run)
    dispatch.optimize.solve_lp = timed("solve_lp", dispatch.optimize.solve_lp)
    dispatch.optimize.diagnose_lp = timed("diagnose", dispatch.optimize.diagnose_lp)
    dispatch.from_linear_program = timed("map back", dispatch.from_linear_program)
    start = time.process_time()
    solution = solve(arrays.lp, solver="highs", options=None if RANGING else {"sensitivity": False})
    cpu["solve() total"] = time.process_time() - start
    cpu["symopt in solve_lp (model hand-over, ranging)"] = cpu.pop("solve_lp") - cpu["HiGHS run"]
    symopt_total = cpu["generate"] + cpu["solve() total"] - cpu["HiGHS run"]
    print("TIMING", solution.status, " ".join(f"{k}={v:.2f}" for k, v in cpu.items()),
          f"| symopt total {symopt_total:.2f} vs HiGHS {cpu['HiGHS run']:.2f}")
""",
    "symopt .opt element-wise": """
from symopt.dsl import load
from symopt.compile.linear import extract_linear
CPU0 = time.process_time()
lp = extract_linear(load(PATH))
assert lp.A.nnz == 2 * S * S
report()
""",
    "symopt API": """
from symopt import Model, Set, Param, Var, Objective, Constraint, NonNegativeReals, minimize, quicksum
from symopt.compile.linear import extract_linear
cost = {(i, j): float(C[i - 1, j - 1]) for i in idx.tolist() for j in idx.tolist()}
CPU0 = time.process_time()
m = Model("transport")
m.I = Set(initialize=idx.tolist())
m.J = Set(initialize=idx.tolist())
m.supply = Param(m.I, initialize=1000.0)
m.demand = Param(m.J, initialize=900.0)
m.cost = Param(m.I, m.J, initialize=cost)
m.x = Var(m.I, m.J, domain=NonNegativeReals)
m.total = Objective(expr=quicksum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J), sense=minimize)
m.ship = Constraint(m.I, rule=lambda m, i: quicksum(m.x[i, j] for j in m.J) <= m.supply[i])
m.meet = Constraint(m.J, rule=lambda m, j: quicksum(m.x[i, j] for i in m.I) >= m.demand[j])
lp = extract_linear(m)
assert lp.A.nnz == 2 * S * S
report()
""",
    "linopy": """
import linopy, xarray as xr
CPU0 = time.process_time()
m = linopy.Model()
i = xr.DataArray(idx, dims="i"); j = xr.DataArray(idx, dims="j")
cost = xr.DataArray(C, coords=[idx, idx], dims=["i", "j"])
x = m.add_variables(lower=0, coords=[idx, idx], dims=["i", "j"], name="x")
m.add_objective((cost * x).sum())
m.add_constraints(x.sum("j") <= xr.DataArray(supply, coords=[idx], dims=["i"]), name="supply")
m.add_constraints(x.sum("i") >= xr.DataArray(demand, coords=[idx], dims=["j"]), name="demand")
A = m.matrices.A; c = m.matrices.c
assert A.nnz == 2 * S * S
report()
""",
    "CVXPY": """
import cvxpy as cp
CPU0 = time.process_time()
x = cp.Variable((S, S), nonneg=True)
prob = cp.Problem(cp.Minimize(cp.sum(cp.multiply(C, x))),
                  [cp.sum(x, axis=1) <= supply, cp.sum(x, axis=0) >= demand])
data = prob.get_problem_data(cp.HIGHS)
report()
""",
    "pyoptinterface": """
import pyoptinterface as poi
from pyoptinterface import highs
import casadi
highs.load_library(os.path.join(os.path.dirname(casadi.__file__), "libhighs.so"))
Cl = C.tolist()
CPU0 = time.process_time()
m = highs.Model()
x = [[m.add_variable(lb=0.0) for j in range(S)] for i in range(S)]
m.set_objective(poi.quicksum(Cl[i][j] * x[i][j] for i in range(S) for j in range(S)), poi.ObjectiveSense.Minimize)
for i in range(S):
    m.add_linear_constraint(poi.quicksum(x[i]), poi.Leq, 1000.0)
for j in range(S):
    m.add_linear_constraint(poi.quicksum(x[i][j] for i in range(S)), poi.Geq, 900.0)
report()
""",
    "pyoptinterface (tupledict)": """
import pyoptinterface as poi
from pyoptinterface import highs
import casadi
highs.load_library(os.path.join(os.path.dirname(casadi.__file__), "libhighs.so"))
cost = {(i, j): float(C[i - 1, j - 1]) for i in idx.tolist() for j in idx.tolist()}
CPU0 = time.process_time()
m = highs.Model()
x = m.add_variables(idx.tolist(), idx.tolist(), lb=0.0)
m.set_objective(poi.quicksum(cost[i, j] * x[i, j] for i in idx.tolist() for j in idx.tolist()),
                poi.ObjectiveSense.Minimize)
for i in idx.tolist():
    m.add_linear_constraint(poi.quicksum(x.select(i, "*")), poi.Leq, 1000.0)
for j in idx.tolist():
    m.add_linear_constraint(poi.quicksum(x.select("*", j)), poi.Geq, 900.0)
report()
""",
    "Python floor (keyed)": """
import gc, itertools
cost = {(i, j): float(C[i - 1, j - 1]) for i in idx.tolist() for j in idx.tolist()}
CPU0 = time.process_time()
gc.disable()
class Variable:   # one slot: the least a variable object can be
    __slots__ = ("index",)
    def __rmul__(self, coefficient):
        return (coefficient, self)
I = J = idx.tolist()
keys = list(itertools.product(I, J))
x = dict(zip(keys, map(Variable.__new__, itertools.repeat(Variable, len(keys)))))
objective = [cost[i, j] * x[i, j] for i in I for j in J]
supply_rows = [[x[i, j] for j in J] for i in I]
demand_rows = [[x[i, j] for i in I] for j in J]
report()
""",
    "Pyomo (LP file)": """
import pyomo.environ as pyo
cost = {(i, j): float(C[i - 1, j - 1]) for i in idx.tolist() for j in idx.tolist()}
CPU0 = time.process_time()
m = pyo.ConcreteModel()
m.I = pyo.Set(initialize=idx.tolist()); m.J = pyo.Set(initialize=idx.tolist())
m.cost = pyo.Param(m.I, m.J, initialize=cost)
m.x = pyo.Var(m.I, m.J, domain=pyo.NonNegativeReals)
m.total = pyo.Objective(expr=sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J))
m.ship = pyo.Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= 1000)
m.meet = pyo.Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= 900)
m.write(os.path.join(tempfile.mkdtemp(), "t.lp"))
report()
""",
    "PuLP (LP file)": """
import pulp
Cl = C.tolist()
CPU0 = time.process_time()
prob = pulp.LpProblem("transport", pulp.LpMinimize)
x = [[pulp.LpVariable(f"x_{i}_{j}", lowBound=0) for j in range(S)] for i in range(S)]
prob += pulp.lpSum(Cl[i][j] * x[i][j] for i in range(S) for j in range(S))
for i in range(S):
    prob += pulp.lpSum(x[i]) <= 1000
for j in range(S):
    prob += pulp.lpSum(x[i][j] for i in range(S)) >= 900
prob.writeLP(os.path.join(tempfile.mkdtemp(), "t.lp"))
report()
""",
}

TRANSPORT["symopt API (sum)"] = TRANSPORT["symopt API"].replace("quicksum(", "sum(")
TRANSPORT["symopt API (arrays)"] = TRANSPORT["symopt API"].replace("""
m.total = Objective(expr=quicksum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J), sense=minimize)
m.ship = Constraint(m.I, rule=lambda m, i: quicksum(m.x[i, j] for j in m.J) <= m.supply[i])
m.meet = Constraint(m.J, rule=lambda m, j: quicksum(m.x[i, j] for i in m.I) >= m.demand[j])
""", """
x = m.x.as_array()
m.total = Objective(expr=(m.cost.as_array() * x).sum(), sense=minimize)
m.ship = Constraint(m.I, expr=x.sum(axis=1) <= m.supply.as_array())
m.meet = Constraint(m.J, expr=x.sum(axis=0) >= m.demand.as_array())
""")
assert "as_array" in TRANSPORT["symopt API (arrays)"]


# ---- production / inventory -------------------------------------------------------------
PRODUCTION_DATA = """
P, T = {P}, {T}
p_ = np.arange(1, P + 1)[:, None].astype(float); t_ = np.arange(1, T + 1)[None, :].astype(float)
D = 5 + 4 * np.abs(np.sin(p_ * t_))
Cost = 1 + np.abs(np.cos(p_ + t_))
usage = 1 + (np.arange(1, P + 1) - 1) / P
cap = np.full(T, 5.0 * P)
"""

PRODUCTION_OPT = """set P = 1..{P}
set T = 1..{T}
param demand[p in P, t in T] = 5 + 4 * abs(sin(p * t))
param cost[p in P, t in T] = 1 + abs(cos(p + t))
param usage[p in P] = 1 + (p - 1) / {P}
param cap[t in T] = 5 * {P}
param hold = 0.1
var make[P, T] >= 0
var inv[P, T] >= 0
minimize total: sum(p in P, t in T) (cost[p, t] * make[p, t] + hold * inv[p, t])
subject to
  start[p in P]: make[p, 1] - inv[p, 1] == demand[p, 1]
  balance[p in P, t in T : t > 1]: inv[p, t - 1] + make[p, t] - inv[p, t] == demand[p, t]
  capacity[t in T]: sum(p in P) usage[p] * make[p, t] <= cap[t]
"""

PRODUCTION = {
    "symopt .opt": TRANSPORT["symopt .opt"].replace(
        "assert arrays.element_wise == [] and arrays.lp.A.nnz == 2 * S * S",
        "assert arrays.element_wise == []"),
    "symopt .opt element-wise": """
from symopt.dsl import load
from symopt.compile.linear import extract_linear
CPU0 = time.process_time()
lp = extract_linear(load(PATH))
report()
""",
    "symopt API": """
from symopt import Model, Var, Objective, Constraint, NonNegativeReals, RangeSet, quicksum
from symopt.compile.linear import extract_linear
Dl, Cl, ul, capl = D.tolist(), Cost.tolist(), usage.tolist(), cap.tolist()
CPU0 = time.process_time()
m = Model("production")
m.P = RangeSet(P); m.T = RangeSet(T)
m.make = Var(m.P, m.T, domain=NonNegativeReals)
m.inv = Var(m.P, m.T, domain=NonNegativeReals)
m.total = Objective(expr=quicksum(Cl[p - 1][t - 1] * m.make[p, t] + 0.1 * m.inv[p, t]
                                  for p in m.P for t in m.T))
def balance(m, p, t):
    before = m.inv[p, t - 1] if t > 1 else 0
    return before + m.make[p, t] - m.inv[p, t] == Dl[p - 1][t - 1]
m.balance = Constraint(m.P, m.T, rule=balance)
m.capacity = Constraint(m.T, rule=lambda m, t: quicksum(ul[p - 1] * m.make[p, t] for p in m.P) <= capl[t - 1])
lp = extract_linear(m)
report()
""",
    "symopt API (arrays)": """
from symopt import Model, Var, Objective, Constraint, NonNegativeReals, RangeSet
from symopt.compile.linear import extract_linear
CPU0 = time.process_time()
m = Model("production")
m.P = RangeSet(P); m.T = RangeSet(T); m.LATER = RangeSet(2, T)
m.make = Var(m.P, m.T, domain=NonNegativeReals)
m.inv = Var(m.P, m.T, domain=NonNegativeReals)
make, inv = m.make.as_array(), m.inv.as_array()
m.total = Objective(expr=(Cost * make).sum() + 0.1 * inv.sum())
m.start = Constraint(m.P, expr=make[:, 0] - inv[:, 0] == D[:, 0])
m.balance = Constraint(m.P, m.LATER, expr=inv[:, :-1] + make[:, 1:] - inv[:, 1:] == D[:, 1:])
m.capacity = Constraint(m.T, expr=usage @ make <= cap)
lp = extract_linear(m)
report()
""",
    "linopy": """
import linopy, xarray as xr
CPU0 = time.process_time()
m = linopy.Model()
coords = [np.arange(1, P + 1), np.arange(1, T + 1)]
make = m.add_variables(lower=0, coords=coords, dims=["p", "t"], name="make")
inv = m.add_variables(lower=0, coords=coords, dims=["p", "t"], name="inv")
demand = xr.DataArray(D, coords=coords, dims=["p", "t"])
cost = xr.DataArray(Cost, coords=coords, dims=["p", "t"])
m.add_objective((cost * make).sum() + 0.1 * inv.sum())
m.add_constraints(inv.shift(t=1) + make - inv == demand, name="balance")
m.add_constraints((xr.DataArray(usage, coords=[coords[0]], dims=["p"]) * make).sum("p")
                  <= xr.DataArray(cap, coords=[coords[1]], dims=["t"]), name="capacity")
A = m.matrices.A; c = m.matrices.c
report()
""",
    "CVXPY": """
import cvxpy as cp
CPU0 = time.process_time()
make = cp.Variable((P, T), nonneg=True); inv = cp.Variable((P, T), nonneg=True)
rows = [make[:, 0] - inv[:, 0] == D[:, 0],
        inv[:, :-1] + make[:, 1:] - inv[:, 1:] == D[:, 1:],
        usage @ make <= cap]
prob = cp.Problem(cp.Minimize(cp.sum(cp.multiply(Cost, make)) + 0.1 * cp.sum(inv)), rows)
data = prob.get_problem_data(cp.HIGHS)
report()
""",
    "pyoptinterface": """
import pyoptinterface as poi
from pyoptinterface import highs
import casadi
highs.load_library(os.path.join(os.path.dirname(casadi.__file__), "libhighs.so"))
Dl, Cl, ul, capl = D.tolist(), Cost.tolist(), usage.tolist(), cap.tolist()
CPU0 = time.process_time()
m = highs.Model()
make = [[m.add_variable(lb=0.0) for t in range(T)] for p in range(P)]
inv = [[m.add_variable(lb=0.0) for t in range(T)] for p in range(P)]
m.set_objective(poi.quicksum(Cl[p][t] * make[p][t] + 0.1 * inv[p][t] for p in range(P) for t in range(T)),
                poi.ObjectiveSense.Minimize)
for p in range(P):
    for t in range(T):
        expr = make[p][t] - inv[p][t] + (inv[p][t - 1] if t else 0)
        m.add_linear_constraint(expr, poi.Eq, Dl[p][t])
for t in range(T):
    m.add_linear_constraint(poi.quicksum(ul[p] * make[p][t] for p in range(P)), poi.Leq, capl[t])
report()
""",
    "Pyomo (LP file)": """
import pyomo.environ as pyo
Dl, Cl, ul, capl = D.tolist(), Cost.tolist(), usage.tolist(), cap.tolist()
CPU0 = time.process_time()
m = pyo.ConcreteModel()
m.P = pyo.RangeSet(P); m.T = pyo.RangeSet(T)
m.make = pyo.Var(m.P, m.T, domain=pyo.NonNegativeReals)
m.inv = pyo.Var(m.P, m.T, domain=pyo.NonNegativeReals)
m.total = pyo.Objective(expr=sum(Cl[p - 1][t - 1] * m.make[p, t] + 0.1 * m.inv[p, t] for p in m.P for t in m.T))
def balance(m, p, t):
    before = m.inv[p, t - 1] if t > 1 else 0
    return before + m.make[p, t] - m.inv[p, t] == Dl[p - 1][t - 1]
m.balance = pyo.Constraint(m.P, m.T, rule=balance)
m.capacity = pyo.Constraint(m.T, rule=lambda m, t: sum(ul[p - 1] * m.make[p, t] for p in m.P) <= capl[t - 1])
m.write(os.path.join(tempfile.mkdtemp(), "t.lp"))
report()
""",
    "PuLP (LP file)": """
import pulp
Dl, Cl, ul, capl = D.tolist(), Cost.tolist(), usage.tolist(), cap.tolist()
CPU0 = time.process_time()
prob = pulp.LpProblem("production", pulp.LpMinimize)
make = [[pulp.LpVariable(f"m_{p}_{t}", lowBound=0) for t in range(T)] for p in range(P)]
inv = [[pulp.LpVariable(f"i_{p}_{t}", lowBound=0) for t in range(T)] for p in range(P)]
prob += pulp.lpSum(Cl[p][t] * make[p][t] + 0.1 * inv[p][t] for p in range(P) for t in range(T))
for p in range(P):
    for t in range(T):
        prob += (inv[p][t - 1] if t else 0) + make[p][t] - inv[p][t] == Dl[p][t]
for t in range(T):
    prob += pulp.lpSum(ul[p] * make[p][t] for p in range(P)) <= capl[t]
prob.writeLP(os.path.join(tempfile.mkdtemp(), "t.lp"))
report()
""",
}

# ---- nonlinear family: optimal control ----------------------------------------------------
CONTROL_DATA = """
N = {N}
h = 1.0 / N
"""

CONTROL_OPT = """param N = {N}
param h = 1 / N
set T = 0..N
set U = 0..(N - 1)
var x[T] = 1
var u[U] >= -1 <= 1
minimize effort: sum(t in U) h * (x[t]^2 + u[t]^2)
subject to
  start: x[0] == 1
  dynamics[t in U]: x[t + 1] == x[t] + h * (sin(x[t]) + u[t])
"""

CONTROL = {
    "symopt .opt arrays": """
from symopt.dsl.vectorize import read_program
CPU0 = time.process_time()
problem = read_program(PATH)
problem.sparse_derivatives             # Jacobian and Lagrangian-Hessian patterns, derived
assert problem.num_cols == 2 * N + 1
report()
""",
    "symopt .opt element-wise": """
from symopt.dsl import load
from symopt.analysis import analyze
from symopt.compile.from_model import compile_model
CPU0 = time.process_time()
problem = compile_model(analyze(load(PATH)))
problem.sparse_derivatives
report()
""",
    "symopt API": """
from symopt import Model, Var, Objective, Constraint, quicksum, sin
from symopt.analysis import analyze
from symopt.compile.from_model import compile_model
CPU0 = time.process_time()
m = Model("control")
m.x = Var(range(N + 1), initialize=1.0)
m.u = Var(range(N), bounds=(-1, 1))
x, u = m.x, m.u
m.effort = Objective(expr=quicksum(h * (x[t] ** 2 + u[t] ** 2) for t in range(N)))
m.start = Constraint(expr=x[0] == 1)
m.dynamics = Constraint(range(N), rule=lambda m, t: x[t + 1] == x[t] + h * (sin(x[t]) + u[t]))
problem = compile_model(analyze(m))
problem.sparse_derivatives
report()
""",
    "CasADi (build + nlpsol)": """
import casadi as ca
CPU0 = time.process_time()
x = ca.SX.sym("x", N + 1); u = ca.SX.sym("u", N)
f = h * (ca.sumsqr(x[:N]) + ca.sumsqr(u))
g = ca.vertcat(x[0] - 1, x[1:] - x[:N] - h * (ca.sin(x[:N]) + u))
solver = ca.nlpsol("s", "ipopt", {"x": ca.vertcat(x, u), "f": f, "g": g},
                   {"ipopt.print_level": 0, "print_time": 0})
report()
""",
}

RANGING = True

MODELS = {
    "transport": (TRANSPORT, TRANSPORT_DATA, TRANSPORT_OPT, ["100", "300", "1000"]),
    "production": (PRODUCTION, PRODUCTION_DATA, PRODUCTION_OPT, ["1000x500"]),
    "control": (CONTROL, CONTROL_DATA, CONTROL_OPT, ["50000"]),
}


def fill(template: str, size: str, model: str) -> str:
    if model == "transport":
        return template.format(S=int(size))
    if model == "production":
        p, t = (int(v) for v in size.split("x"))
        return template.format(P=p, T=t)
    return template.format(N=int(size))


def run_case(body: str, data: str, path: str, timing: bool) -> tuple[float, float, str]:
    code = (PRELUDE + data + f"PATH = {path!r}\nTIMING = {timing}\nRANGING = {RANGING}\n"
            + textwrap.dedent(body))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(code)
    try:
        out = subprocess.run([sys.executable, handle.name], capture_output=True, text=True,
                             timeout=1200, env=ENV)
    finally:
        os.unlink(handle.name)
    if out.returncode:
        raise RuntimeError((out.stderr.strip().splitlines() or ["failed"])[-1])
    result = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    timings = next((line[7:] for line in out.stdout.splitlines() if line.startswith("TIMING")), "")
    cpu, peak = (float(v) for v in result.split()[1:3])
    return cpu, peak, timings


API_MEMORY = """
import tracemalloc
from symopt import Model, Set, Param, Var, Objective, Constraint, NonNegativeReals
from symopt.compile.linear import extract_linear
cost = {(i, j): float(C[i - 1, j - 1]) for i in idx.tolist() for j in idx.tolist()}
m = Model("transport")
m.I = Set(initialize=idx.tolist()); m.J = Set(initialize=idx.tolist())
tracemalloc.start()
sizes = [tracemalloc.get_traced_memory()[0]]
def step(build):
    build(); sizes.append(tracemalloc.get_traced_memory()[0])
step(lambda: setattr(m, "cost", Param(m.I, m.J, initialize=cost)))
step(lambda: setattr(m, "x", Var(m.I, m.J, domain=NonNegativeReals)))
step(lambda: setattr(m, "total", Objective(expr=sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J))))
def rows():
    m.ship = Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= 1000)
    m.meet = Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= 900)
step(rows)
lp = []
step(lambda: lp.append(extract_linear(m)))
n, grown = S * S, [b - a for a, b in zip(sizes, sizes[1:])]
print(f"bytes per param entry {grown[0] / n:.0f}, per variable {grown[1] / n:.0f}, "
      f"per objective term {grown[2] / n:.0f}, per row nonzero {grown[3] / (2 * n):.0f}, "
      f"extracted LP per nonzero {grown[4] / (2 * n):.0f} (c and bounds included)")
"""


def api_memory(size: int) -> None:
    """Bytes per variable and per nonzero of the symopt API's transport model (tracemalloc)."""
    code = PRELUDE + TRANSPORT_DATA.format(S=size) + API_MEMORY
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    print(out.stdout.strip() or out.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="transport")
    parser.add_argument("--sizes", help="comma-separated sizes (transport: S; production: "
                        "PxT; control: N); default: the issue's sizes")
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs per case (min taken)")
    parser.add_argument("--only", help="comma-separated case names to run")
    parser.add_argument("--skip", default="", help="comma-separated case names to skip")
    parser.add_argument("--timing", action="store_true",
                        help="also solve the `.opt` arrays LP and print symopt's stage times")
    parser.add_argument("--no-ranging", action="store_true",
                        help="with --timing: solve without sensitivity ranging")
    parser.add_argument("--api-memory", type=int, metavar="S",
                        help="print the symopt API's bytes per variable and per nonzero at S")
    args = parser.parse_args()
    if args.api_memory:
        api_memory(args.api_memory)
        return
    global RANGING
    RANGING = not args.no_ranging
    cases, data, opt_text, default_sizes = MODELS[args.model]
    sizes = args.sizes.split(",") if args.sizes else default_sizes
    wanted = [name for name in cases if (not args.only or name in args.only.split(","))
              and name not in args.skip.split(",")]
    print(f"{args.model}: CPU s / peak MB, min of {args.repeat} fresh process(es)")
    print(f"{'case':<32}" + "".join(f"{size:>22}" for size in sizes))
    folder = tempfile.mkdtemp()
    results: dict[str, list[str]] = {}
    for name in wanted:
        cells = []
        for size in sizes:
            path = os.path.join(folder, f"{args.model}_{size}.opt")
            with open(path, "w") as handle:
                handle.write(fill(opt_text, size, args.model))
            try:
                runs = [run_case(cases[name], fill(data, size, args.model), path, args.timing)
                        for _ in range(args.repeat)]
                cpu, peak = min(r[0] for r in runs), min(r[1] for r in runs)
                cells.append(f"{cpu:9.2f} s {peak:7.0f} MB")
                if runs[0][2]:
                    print(f"  [{name} at {size}] symopt stages: {runs[0][2]}", flush=True)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                cells.append(f"{'failed: ' + str(error)[:12]:>22}")
        results[name] = cells
        print(f"{name:<32}" + "".join(f"{cell:>22}" for cell in cells), flush=True)


if __name__ == "__main__":
    main()
