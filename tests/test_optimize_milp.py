"""Branch and bound (symopt.optimize._linear.branch_and_bound) against scipy.optimize.milp (HiGHS)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from symopt.errors import InputError
from symopt.optimize.linear_program import LinearProgram
from symopt.optimize._linear.branch_and_bound import solve_milp


def knapsack_like(seed: int, m: int = 6, n: int = 10, mixed: bool = True):
    rng = np.random.default_rng(seed)
    A = rng.integers(1, 10, (m, n)).astype(float)
    b = A.sum(axis=1) * 0.4
    c = -rng.integers(1, 20, n).astype(float)
    integrality = np.ones(n)
    if mixed:
        integrality[:3] = 0
    upper = np.full(n, 3.0)
    lp = LinearProgram.from_arrays(c, A, np.full(m, -np.inf), b, np.zeros(n), upper,
                                   integrality=integrality)
    ref = milp(c, constraints=LinearConstraint(A, -np.inf, b), integrality=integrality,
               bounds=Bounds(0, upper))
    return lp, ref


@pytest.mark.parametrize("seed", range(6))
def test_matches_scipy_milp(seed):
    lp, ref = knapsack_like(seed, mixed=seed % 2 == 0)
    res = solve_milp(lp, {"mip_rel_gap": 1e-9})
    assert res.status == 0 and res.success
    assert res.fun == pytest.approx(ref.fun, rel=1e-7)
    integer = lp.integrality == 1
    np.testing.assert_allclose(res.x[integer], np.round(res.x[integer]))
    assert np.all(lp.A @ res.x <= lp.row_upper + 1e-7)
    assert res.mip_gap == pytest.approx(0.0, abs=1e-7)
    assert res.mip_node_count >= 1
    assert res.mip_dual_bound == pytest.approx(res.fun, rel=1e-6)


def test_maximisation_sense():
    lp = LinearProgram.from_arrays(c=[5, 4, 3], A=[[2, 3, 1], [4, 1, 2], [3, 4, 2]],
                                   row_upper=[5, 11, 8], integrality=np.ones(3), sense="max")
    res = solve_milp(lp)
    ref = milp(-lp.c, constraints=LinearConstraint(lp.A.toarray(), -np.inf, [5, 11, 8]),
               integrality=np.ones(3))
    assert res.status == 0 and res.fun == pytest.approx(-ref.fun)
    assert res.mip_dual_bound >= res.fun - 1e-9


def test_infeasible_integer_problem():
    # 2x = 1 has no integer solution, though its relaxation does
    lp = LinearProgram.from_arrays(c=[1], A=[[2]], row_lower=[1], row_upper=[1],
                                   col_upper=[5], integrality=np.ones(1))
    res = solve_milp(lp)
    assert res.status == 2 and res.x is None


def test_integer_bounds_without_integer_point():
    lp = LinearProgram.from_arrays(c=[1], A=[[1]], row_lower=[0], row_upper=[1],
                                   col_lower=[0.2], col_upper=[0.8], integrality=np.ones(1))
    assert solve_milp(lp).status == 2


def test_unbounded_relaxation():
    lp = LinearProgram.from_arrays(c=[-1, 0], A=[[1, -1]], row_upper=[0.5],
                                   integrality=np.ones(2))
    assert solve_milp(lp).status == 3


def test_node_limit_returns_incumbent_with_status_1():
    lp, ref = knapsack_like(11, m=10, n=25, mixed=False)
    res = solve_milp(lp, {"node_limit": 5, "mip_rel_gap": 0.0})
    assert res.status == 1 and not res.success
    assert res.mip_node_count == 5
    if res.x is not None:
        assert res.fun >= ref.fun - 1e-9
        assert res.mip_dual_bound <= ref.fun + 1e-9


def test_continuous_duals_of_fixed_problem():
    lp, _ = knapsack_like(2)
    res = solve_milp(lp)
    assert res.row_dual is not None and res.row_dual.shape == (lp.num_rows,)


def test_callback_and_bad_option():
    lp, _ = knapsack_like(3)
    seen = []
    solve_milp(lp, callback=seen.append)
    assert seen and "mip_node_count" in seen[-1]
    with pytest.raises(InputError, match="node_limt"):
        solve_milp(lp, {"node_limt": 3})


def test_dispatch_from_solve_lp():
    from symopt.optimize import solve_lp
    lp, ref = knapsack_like(4)
    res = solve_lp(lp)
    assert res.status == 0 and res.fun == pytest.approx(ref.fun, rel=1e-4)


def test_time_limit_zero_stops_at_once():
    lp, _ = knapsack_like(5)
    res = solve_milp(lp, {"time_limit": 0.0})
    assert res.status == 1 and "time limit" in res.message and res.x is None
