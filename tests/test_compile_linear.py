"""Linear extraction, checked against scipy's linprog on the same data."""
from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse

from symopt import (
    Binary, CompileError, Constraint, Integers, Model, NonNegativeReals, Objective, Param, Set,
    Var, maximize,
)
from symopt.analysis import analyze
from symopt.compile.linear import extract_linear


def scipy_solve(lp):
    """Solve a LinearProgram with scipy (HiGHS); returns the objective in the LP's sense."""
    A = scipy.sparse.csc_matrix((lp.A.data, lp.A.indices, lp.A.indptr), shape=lp.A.shape).toarray()
    eq = lp.row_lower == lp.row_upper
    upper = np.isfinite(lp.row_upper) & ~eq
    lower = np.isfinite(lp.row_lower) & ~eq
    A_ub = np.vstack([A[upper], -A[lower]])
    b_ub = np.concatenate([lp.row_upper[upper], -lp.row_lower[lower]])
    sign = -1.0 if lp.sense == "max" else 1.0
    res = scipy.optimize.linprog(
        sign * lp.c, A_ub=A_ub if len(b_ub) else None, b_ub=b_ub if len(b_ub) else None,
        A_eq=A[eq] if eq.any() else None, b_eq=lp.row_lower[eq] if eq.any() else None,
        bounds=list(zip(lp.col_lower, lp.col_upper)), integrality=lp.integrality, method="highs")
    assert res.status == 0, res.message
    return sign * res.fun + lp.offset, res.x


def transport_model(S: int, seed: int = 0) -> tuple[Model, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cost = rng.uniform(1, 10, (S, S))
    supply = rng.uniform(50, 100, S)
    demand = supply.sum() * 0.9 / S * np.ones(S)
    m = Model("transport")
    m.I = Set(initialize=range(S))
    m.J = Set(initialize=range(S))
    m.cost = Param(m.I, m.J, initialize={(i, j): cost[i, j] for i in range(S) for j in range(S)})
    m.x = Var(m.I, m.J, domain=NonNegativeReals)
    m.total = Objective(expr=sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J))
    m.ship = Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= supply[i])
    m.meet = Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= demand[j])
    return m, cost, supply, demand


def test_small_lp_arrays():
    m = Model("tiny")
    m.x = Var(domain=NonNegativeReals)
    m.y = Var(bounds=(-1, 3))
    m.profit = Objective(expr=3 * m.x + 2 * m.y + 5, sense=maximize)
    m.cap = Constraint(expr=m.x + m.y <= 4)
    m.rng = Constraint(expr=(1, m.x - m.y + 1, 6))
    m.eq = Constraint(expr=2 * m.x == m.y + 1)
    lp = extract_linear(m)
    assert lp.sense == "max" and lp.offset == 5.0 and lp.objective_name == "profit"
    np.testing.assert_array_equal(lp.c, [3, 2])
    np.testing.assert_array_equal(lp.A.toarray(), [[1, 1], [1, -1], [2, -1]])
    np.testing.assert_array_equal(lp.row_lower, [-np.inf, 0, 1])
    np.testing.assert_array_equal(lp.row_upper, [4, 5, 1])
    np.testing.assert_array_equal(lp.col_lower, [0, -1])
    np.testing.assert_array_equal(lp.col_upper, [np.inf, 3])
    assert lp.col_names == ("x", "y") and lp.row_names == ("cap", "rng", "eq")
    assert lp.integrality is None


def test_transport_matches_scipy_on_numpy_data():
    S = 8
    m, cost, supply, demand = transport_model(S)
    lp = extract_linear(m)
    assert lp.A.shape == (2 * S, S * S) and lp.A.nnz == 2 * S * S
    ours, _ = scipy_solve(lp)
    A_ub = np.vstack([np.kron(np.eye(S), np.ones(S)), -np.kron(np.ones(S), np.eye(S))])
    b_ub = np.concatenate([supply, -demand])
    direct = scipy.optimize.linprog(cost.ravel(), A_ub=A_ub, b_ub=b_ub, method="highs")
    assert ours == pytest.approx(direct.fun, rel=1e-9)


def test_fixed_variables_move_into_offset_and_bounds():
    m = Model()
    m.x = Var(domain=NonNegativeReals)
    m.y = Var(domain=NonNegativeReals)
    m.z = Var(domain=NonNegativeReals)
    m.obj = Objective(expr=2 * m.x + 3 * m.y + 4 * m.z)
    m.c1 = Constraint(expr=m.x + m.y + m.z >= 10)
    m.c2 = Constraint(expr=m.x - m.z <= 2)
    reference, _ = scipy_solve(extract_linear(m))
    m.z.fix(3.0)
    lp = extract_linear(m)
    assert lp.col_names == ("x", "y") and lp.offset == 12.0
    np.testing.assert_array_equal(lp.row_lower, [7.0, -np.inf])
    np.testing.assert_array_equal(lp.row_upper, [np.inf, 5.0])
    fixed, _ = scipy_solve(lp)
    m.z.unfix()
    m.z.setlb(3.0)
    m.z.setub(3.0)
    pinned, _ = scipy_solve(extract_linear(m))
    assert fixed == pytest.approx(pinned) and reference <= fixed + 1e-9


def test_milp_integrality_matches_scipy():
    values = [10, 13, 7, 8, 4]
    weights = [5, 6, 3, 4, 2]
    m = Model("knapsack")
    m.I = Set(initialize=range(5))
    m.take = Var(m.I, domain=Binary)
    m.n = Var(domain=Integers, bounds=(0, 2))
    m.value = Objective(expr=sum(values[i] * m.take[i] for i in m.I) + m.n, sense=maximize)
    m.weight = Constraint(expr=sum(weights[i] * m.take[i] for i in m.I) + 3 * m.n <= 11)
    lp = extract_linear(analyze(m))
    assert lp.is_mip and lp.integrality.tolist() == [1, 1, 1, 1, 1, 1]
    best, _ = scipy_solve(lp)
    brute = max(sum(v for v, b in zip(values, bits) if b) + n
                for bits in np.ndindex(*(2,) * 5) for n in range(3)
                if sum(w for w, b in zip(weights, bits) if b) + 3 * n <= 11)
    assert best == pytest.approx(brute)


def test_nonlinear_model_is_refused_with_the_term():
    m = Model("nl")
    m.x = Var()
    m.y = Var()
    m.obj = Objective(expr=m.x + m.y)
    m.cap = Constraint(expr=m.x * m.y >= 1)
    with pytest.raises(CompileError, match="constraint 'cap' contains x\\*y"):
        extract_linear(m)


@pytest.mark.slow
def test_large_transport_builds_and_extracts_fast():
    start = time.perf_counter()
    m, *_ = transport_model(300)
    lp = extract_linear(m)
    elapsed = time.perf_counter() - start
    assert lp.A.nnz == 180_000
    assert elapsed < 6.0  # Pyomo's build + LP write is ~1.9 s on a quiet machine


def test_rows_with_repeated_cancelled_and_fixed_terms():
    m = Model("repeats")
    m.x = Var(domain=NonNegativeReals)
    m.y = Var(domain=NonNegativeReals)
    m.z = Var(bounds=(0, 5))
    m.z.fix(2.0)
    m.obj = Objective(expr=sum([m.x, m.x, m.z, 3 * m.z]))
    m.a = Constraint(expr=sum([m.x, m.y, -1 * m.y, m.x, m.z]) <= 10)
    m.b = Constraint(expr=m.x + m.y >= 1)
    lp = extract_linear(m)
    assert lp.col_names == ("x", "y")
    assert lp.A.toarray().tolist() == [[2.0, 0.0], [1.0, 1.0]] and lp.A.nnz == 3
    assert lp.row_upper.tolist() == [8.0, np.inf] and lp.c.tolist() == [2.0, 0.0]
    assert lp.offset == 8.0


def test_quicksum_built_model_matches_sum_built_model_with_long_rows():
    """quicksum's chunked C-level path (over 1,024 terms a row, coefficients of 1 mixed with
    c * x, a repeated variable in a long objective) extracts the same LP as Python's sum."""
    from symopt import quicksum

    def build(add):
        m = Model("long")
        m.I = Set(initialize=range(3000))
        m.x = Var(m.I, domain=NonNegativeReals)
        coef = [1.0 if i % 3 == 0 else 1.0 + (i % 7) for i in range(3000)]
        m.obj = Objective(expr=add(coef[i] * m.x[i] for i in m.I) + add([m.x[5], -0.5 * m.x[7]]))
        m.row = Constraint(expr=add(coef[i] * m.x[i] for i in m.I) >= 10)
        m.ends = Constraint(expr=add(m.x[i] for i in range(0, 3000, 2)) <= 50)
        return extract_linear(m)

    fast, plain = build(quicksum), build(sum)
    np.testing.assert_array_equal(fast.c, plain.c)
    assert fast.c[5] == 1.0 + 5 % 7 + 1.0 and fast.c[7] == 1.0 + 7 % 7 - 0.5
    assert (fast.A != plain.A).nnz == 0 and fast.A.nnz == 3000 + 1500
    np.testing.assert_array_equal(fast.row_lower, plain.row_lower)


def test_extraction_without_analysis_terms_matches():
    """A Structure without analysis's located terms (or whose rows changed) is located again."""
    import dataclasses

    m, *_ = transport_model(12)
    m.x[1, 2].fix(4.0)
    structure = analyze(m)
    located, again = extract_linear(structure), extract_linear(dataclasses.replace(structure, affine=None))
    assert (located.A != again.A).nnz == 0 and located.A.shape == (24, 143)
    np.testing.assert_array_equal(located.c, again.c)
    np.testing.assert_array_equal(located.row_upper, again.row_upper)
    assert located.offset == again.offset != 0.0
