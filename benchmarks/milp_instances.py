"""Generated MILP instances with fixed seeds, shared by benchmarks/milp.py and the tests.

Each generator returns a `MilpArrays` (scipy.optimize.milp's data: minimise ``c @ x``
subject to ``row_lower <= A x <= row_upper``, ``lower <= x <= upper``, integrality):

* knapsack (n items, one capacity),
* set cover (m elements, n sets, every element covered at least once),
* capacitated facility location (f facilities with opening costs and capacities,
  k customers with demands; continuous shipments, binary openings),
* generalized assignment (a agents with capacities, t tasks each assigned once),
* lot sizing (T periods: production, stock, binary set-ups with big-M capacities).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class MilpArrays:
    name: str
    c: np.ndarray
    A: sp.csc_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integrality: np.ndarray


def knapsack(n: int, seed: int = 0) -> MilpArrays:
    rng = np.random.default_rng(seed)
    weight = rng.integers(10, 100, n).astype(float)
    value = weight + rng.integers(-5, 15, n)
    return MilpArrays(f"knapsack{n}-s{seed}", -value, sp.csc_array(weight[None, :]),
                      np.array([-np.inf]), np.array([weight.sum() / 2]), np.zeros(n),
                      np.ones(n), np.ones(n))


def set_cover(m: int, n: int, seed: int = 0) -> MilpArrays:
    rng = np.random.default_rng(seed)
    A = (rng.random((m, n)) < 0.05).astype(float)
    A[np.arange(m), rng.integers(0, n, m)] = 1.0     # every element in some set
    cost = rng.integers(1, 20, n).astype(float)
    return MilpArrays(f"setcover{m}x{n}-s{seed}", cost, sp.csc_array(A), np.ones(m),
                      np.full(m, np.inf), np.zeros(n), np.ones(n), np.ones(n))


def facility_location(f: int, k: int, seed: int = 0) -> MilpArrays:
    """Columns: y (f openings), then x[i, j] shipped from i to j (f * k)."""
    rng = np.random.default_rng(seed)
    demand = rng.integers(5, 35, k).astype(float)
    capacity = rng.integers(10, 160, f).astype(float) * demand.sum() / (3 * 85.0)
    fixed = rng.integers(100, 1000, f).astype(float)
    ship = rng.uniform(1, 10, (f, k))
    n = f + f * k
    x = f + np.arange(f * k).reshape(f, k)
    rows, cols, vals = [], [], []
    for j in range(k):                               # sum_i x[i, j] = demand[j]
        rows += [j] * f; cols += list(x[:, j]); vals += [1.0] * f
    for i in range(f):                               # sum_j x[i, j] - cap_i y_i <= 0
        rows += [k + i] * (k + 1); cols += list(x[i]) + [i]; vals += [1.0] * k + [-capacity[i]]
    for i in range(f):                               # x[i, j] <= demand[j] y_i (strong)
        for j in range(k):
            r = k + f + i * k + j
            rows += [r, r]; cols += [x[i, j], i]; vals += [1.0, -demand[j]]
    m = k + f + f * k
    A = sp.csc_array((vals, (rows, cols)), shape=(m, n))
    lower = np.concatenate([demand, np.full(f + f * k, -np.inf)])
    upper = np.concatenate([demand, np.zeros(f + f * k)])
    integrality = np.concatenate([np.ones(f), np.zeros(f * k)])
    col_upper = np.concatenate([np.ones(f), np.full(f * k, np.inf)])
    return MilpArrays(f"cfl{f}x{k}-s{seed}", np.concatenate([fixed, ship.ravel()]), A, lower, upper,
                      np.zeros(n), col_upper, integrality)


def generalized_assignment(agents: int, tasks: int, seed: int = 0) -> MilpArrays:
    """Columns x[a, t] (agent a does task t)."""
    rng = np.random.default_rng(seed)
    cost = rng.integers(10, 50, (agents, tasks)).astype(float)
    size = rng.integers(5, 25, (agents, tasks)).astype(float)
    capacity = 0.8 * size.sum(axis=1) / agents
    n = agents * tasks
    index = np.arange(n).reshape(agents, tasks)
    rows, cols, vals = [], [], []
    for t in range(tasks):
        rows += [t] * agents; cols += list(index[:, t]); vals += [1.0] * agents
    for a in range(agents):
        rows += [tasks + a] * tasks; cols += list(index[a]); vals += list(size[a])
    A = sp.csc_array((vals, (rows, cols)), shape=(tasks + agents, n))
    lower = np.concatenate([np.ones(tasks), np.full(agents, -np.inf)])
    upper = np.concatenate([np.ones(tasks), capacity])
    return MilpArrays(f"gap{agents}x{tasks}-s{seed}", cost.ravel(), A, lower, upper, np.zeros(n),
                      np.ones(n), np.ones(n))


def lot_sizing(periods: int, seed: int = 0) -> MilpArrays:
    """Columns: production p[t], stock s[t], set-up y[t] (binary)."""
    rng = np.random.default_rng(seed)
    T = periods
    demand = rng.integers(20, 120, T).astype(float)
    setup = rng.integers(100, 400, T).astype(float)
    hold = rng.uniform(0.5, 2.0, T)
    unit = rng.uniform(1.0, 3.0, T)
    big = demand[::-1].cumsum()[::-1]                 # the rest of the demand
    p, s, y = np.arange(T), T + np.arange(T), 2 * T + np.arange(T)
    rows, cols, vals = [], [], []
    for t in range(T):                                # s[t-1] + p[t] - s[t] = d[t]
        rows += [t, t]; cols += [p[t], s[t]]; vals += [1.0, -1.0]
        if t:
            rows.append(t); cols.append(s[t - 1]); vals.append(1.0)
        rows += [T + t, T + t]; cols += [p[t], y[t]]; vals += [1.0, -big[t]]
    A = sp.csc_array((vals, (rows, cols)), shape=(2 * T, 3 * T))
    lower = np.concatenate([demand, np.full(T, -np.inf)])
    upper = np.concatenate([demand, np.zeros(T)])
    col_upper = np.concatenate([np.full(2 * T, np.inf), np.ones(T)])
    integrality = np.concatenate([np.zeros(2 * T), np.ones(T)])
    return MilpArrays(f"lotsizing{T}-s{seed}", np.concatenate([unit, hold, setup]), A, lower, upper,
                      np.zeros(3 * T), col_upper, integrality)


def standard_set() -> list[MilpArrays]:
    """The benchmark's instances (fixed seeds)."""
    return ([knapsack(n, seed) for n in (50, 100, 200) for seed in (0, 1)]
            + [set_cover(m, n, seed) for m, n in ((100, 200), (200, 400)) for seed in (0, 1)]
            + [facility_location(f, k, seed) for f, k in ((10, 30), (20, 50)) for seed in (0, 1)]
            + [generalized_assignment(a, t, seed) for a, t in ((5, 30), (10, 40)) for seed in (0, 1)]
            + [lot_sizing(T, seed) for T in (30, 60) for seed in (0, 1)])


def small_set() -> list[MilpArrays]:
    """Quick instances for the tests."""
    return [knapsack(30, 3), set_cover(40, 60, 3), facility_location(5, 12, 3),
            generalized_assignment(4, 12, 3), lot_sizing(12, 3)]
