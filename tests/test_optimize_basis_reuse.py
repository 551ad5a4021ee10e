"""ReusableBasis: one optimal basis tested against many right-hand sides and costs at once.

HiGHS solving each changed LP alone is the oracle: where the basis is declared optimal,
its values, objective, duals and reduced costs must be HiGHS's (nondegenerate LPs), and
where HiGHS finds another optimum the basis must not claim it.
"""
from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from symopt.optimize._linear.basis_reuse import ReusableBasis
from symopt.optimize._linear.highs import solve_highs
from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.solution.optimality import lp_failures, lp_passes


def random_lp(seed: int, sense: str = "min") -> LinearProgram:
    """A bounded, feasible LP with ranged rows and boxed columns (dense random data)."""
    rng = np.random.default_rng(seed)
    m, n = 6, 9
    A = rng.uniform(-1, 2, (m, n)) * (rng.uniform(size=(m, n)) < 0.7)
    x0 = rng.uniform(0, 2, n)
    activity = A @ x0
    return LinearProgram.from_arrays(
        c=rng.uniform(-2, 3, n), A=A, row_lower=activity - rng.uniform(0.5, 2, m),
        row_upper=np.where(rng.uniform(size=m) < 0.5, np.inf, activity + 1.0),
        col_lower=np.zeros(n), col_upper=np.full(n, 4.0), sense=sense)


def base_basis(lp: LinearProgram) -> tuple[ReusableBasis, object]:
    result = solve_highs(lp)
    assert result.status == 0
    return ReusableBasis(lp, result.col_basis, result.row_basis), result


def alone(lp: LinearProgram, c: np.ndarray, lower: np.ndarray, upper: np.ndarray):
    return solve_highs(replace(lp, c=c, row_lower=lower, row_upper=upper))


@pytest.mark.parametrize("sense", ["min", "max"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_declared_optimal_means_highs_agrees_and_rejected_means_another_basis(seed, sense):
    lp = random_lp(seed, sense)
    basis, _ = base_basis(lp)
    rng = np.random.default_rng(100 + seed)
    k = 40
    scale = np.geomspace(1e-4, 1.0, k)[:, None]      # small moves first, then large ones
    lower = lp.row_lower + scale * rng.normal(size=(k, lp.num_rows))
    upper = np.where(np.isfinite(lp.row_upper), np.maximum(lp.row_upper + scale
                     * rng.normal(size=(k, lp.num_rows)), lower), np.inf)
    costs = lp.c + scale * rng.normal(size=(k, lp.num_cols))
    found = basis.evaluate(costs, lower, upper)
    assert found.optimal[:5].all()                    # tiny moves keep the basis
    for s in range(k):
        result = alone(lp, costs[s], lower[s], upper[s])
        if found.optimal[s]:
            assert result.status == 0
            assert found.objective[s] == pytest.approx(result.fun, rel=1e-9, abs=1e-9)
            np.testing.assert_allclose(found.x[s], result.x, atol=1e-7)
            np.testing.assert_allclose(found.duals[s], result.row_dual, atol=1e-7)
            np.testing.assert_allclose(found.reduced[s], result.col_dual, atol=1e-7)
            np.testing.assert_allclose(found.activity[s], lp.A @ result.x, atol=1e-7)
        elif result.status == 0:    # rejected: HiGHS's basis differs from this one
            changed = (not np.array_equal(result.col_basis, basis.status[:lp.num_cols])
                       or not np.array_equal(result.row_basis, basis.status[lp.num_cols:]))
            assert changed
    assert not found.optimal.all()                    # the large moves leave it


def test_same_costs_give_one_dual_vector_for_every_right_hand_side():
    lp = random_lp(7)
    basis, result = base_basis(lp)
    lower = np.repeat(lp.row_lower[None, :], 3, axis=0) + 1e-3 * np.arange(3)[:, None]
    upper = np.repeat(lp.row_upper[None, :], 3, axis=0)
    found = basis.evaluate(lp.c, lower, upper)
    assert found.optimal.all() and not found.degenerate.any()
    np.testing.assert_allclose(found.duals, np.repeat(result.row_dual[None, :], 3, axis=0),
                               atol=1e-9)


def test_an_infinite_nonbasic_bound_or_an_infeasible_scenario_is_not_claimed():
    lp = LinearProgram.from_arrays(c=[1.0, 1.0], A=[[1.0, 1.0], [1.0, -1.0]],
                                   row_lower=[2.0, -np.inf], row_upper=[np.inf, 0.0],
                                   col_lower=[0.0, 0.0], col_upper=[1.0, 5.0])
    basis, result = base_basis(lp)
    lower = np.array([[2.0, -np.inf], [9.0, -np.inf], [-np.inf, -np.inf]])
    upper = np.array([[np.inf, 0.0], [np.inf, 0.0], [np.inf, 0.0]])
    found = basis.evaluate(lp.c, lower, upper)
    assert found.optimal[0] and not found.optimal[1]     # 9 > 1 + 5: infeasible
    assert not found.optimal[2]                          # the active row lost its bound
    assert alone(lp, lp.c, lower[1], upper[1]).status == 2


def test_a_degenerate_basis_gives_the_optimum_and_valid_duals():
    """x + y >= 2, x + 2y >= 2 at (2, 0)... with costs making both rows active at one vertex:
    a degenerate vertex has several optimal bases; any one the basis certifies is optimal."""
    lp = LinearProgram.from_arrays(c=[1.0, 1.0], A=[[1.0, 1.0], [1.0, 2.0], [2.0, 1.0]],
                                   row_lower=[2.0, 2.0, 2.0], row_upper=[np.inf] * 3)
    basis, result = base_basis(lp)
    found = basis.evaluate(lp.c, lp.row_lower[None, :], lp.row_upper[None, :])
    assert found.optimal[0] and found.degenerate[0]
    assert found.objective[0] == pytest.approx(result.fun)
    y = found.duals[0]
    assert np.all(y >= -1e-12)                                    # min, lower sides
    np.testing.assert_allclose(lp.A.T @ y, lp.c)                  # x > 0: zero reduced cost
    assert float(y @ lp.row_lower) == pytest.approx(result.fun)   # dual objective


def test_a_basis_without_one_basic_variable_per_row_is_refused():
    lp = random_lp(0)
    with pytest.raises(ValueError, match="basic variables"):
        ReusableBasis(lp, np.full(lp.num_cols, BasisStatus.AT_LOWER),
                      np.full(lp.num_rows, BasisStatus.AT_LOWER))


def test_the_stacked_lp_check_agrees_with_lp_failures_point_by_point():
    """lp_passes (a chunk at once) says yes exactly where lp_failures lists nothing."""
    lp = random_lp(5)
    _, result = base_basis(lp)
    rng = np.random.default_rng(9)
    k = 60
    x = result.x + rng.choice([0.0, 1e-9, 1e-3], (k, 1)) * rng.normal(size=(k, lp.num_cols))
    duals = result.row_dual * rng.choice([1.0, -1.0], (k, 1), p=[0.8, 0.2])
    reduced = result.col_dual + rng.choice([0.0, 1e-2], (k, 1)) * rng.normal(size=(k, lp.num_cols))
    costs = lp.c + rng.choice([0.0, 1.0], (k, 1)) * rng.normal(size=(k, lp.num_cols))
    activity = x @ lp.A.T.toarray()
    stack = SimpleNamespace(c=costs, row_lower=np.repeat(lp.row_lower[None], k, 0),
                            row_upper=np.repeat(lp.row_upper[None], k, 0),
                            col_lower=lp.col_lower, col_upper=lp.col_upper, sense=lp.sense,
                            is_mip=False)
    passed = lp_passes(stack, x, activity, duals, reduced)
    expected = [not lp_failures(replace(lp, c=costs[s]), x[s], activity[s], duals[s], reduced[s])
                for s in range(k)]
    assert passed.tolist() == expected and 0 < sum(expected) < k
