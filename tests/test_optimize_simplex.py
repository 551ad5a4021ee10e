"""The native simplex: Netlib problems, certificates, warm starts, limits."""
from __future__ import annotations

import numpy as np
import pytest

from symopt.errors import InputError
from symopt.optimize import BasisStatus, LinearProgram
from symopt.optimize._linear.simplex import solve_simplex
from conftest import NETLIB_DIR, load_netlib_npz

NPZ = NETLIB_DIR / "npz"
FAST_NETLIB = ["AFIRO", "KB2", "SC50A", "SC50B", "ADLITTLE", "BLEND", "SHARE2B", "RECIPE",
               "SC105", "STOCFOR1", "BEACONFD", "LOTFI", "BOEING2"]
FAST_INFEASIBLE = ["itest2", "itest6", "galenet", "box1", "ex72a", "bgprtr", "woodinfe",
                   "klein1", "forest6"]


def netlib_path(name):
    path = NPZ / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"shared Netlib data not found at {path}")
    return path


@pytest.mark.parametrize("name", [n for n in FAST_NETLIB if n != "BOEING2"])
def test_small_netlib_problems_reach_the_published_optimum(name):
    lp, optimum = load_netlib_npz(netlib_path(name))
    res = solve_simplex(lp, {"sensitivity": False})
    assert res.status == 0, res.message
    assert abs(res.fun - optimum) <= 1e-6 * max(1.0, abs(optimum))
    rows = lp.A @ res.x
    assert np.all(rows >= lp.row_lower - 1e-6 * (1 + np.abs(lp.row_lower)))
    assert np.all(rows <= lp.row_upper + 1e-6 * (1 + np.abs(lp.row_upper)))


@pytest.mark.parametrize("name", FAST_INFEASIBLE)
def test_netlib_infeasible_problems_are_reported_infeasible(name):
    lp, _ = load_netlib_npz(netlib_path(f"infeasible/{name}"))
    res = solve_simplex(lp, {"sensitivity": False})
    assert res.status == 2, res.message


def test_duals_satisfy_optimality_conditions_on_netlib():
    lp, _ = load_netlib_npz(netlib_path("ADLITTLE"))
    res = solve_simplex(lp)
    reduced = lp.c - (lp.A.T @ res.row_dual)
    np.testing.assert_allclose(reduced, res.col_dual, atol=1e-6 * np.abs(lp.c).max())
    basic = res.col_basis == BasisStatus.BASIC
    assert np.all(np.abs(res.col_dual[basic]) <= 1e-9)
    assert np.all(res.col_dual[res.col_basis == BasisStatus.AT_LOWER] >= -1e-7)
    assert np.sum(res.col_basis == 0) + np.sum(res.row_basis == 0) == lp.num_rows


def test_farkas_certificate_proves_infeasibility():
    lp = LinearProgram.from_arrays(c=[1, 1, 0], A=[[1, 1, 0], [1, 1, 1]],
                                   row_lower=[5, -np.inf], row_upper=[np.inf, 3],
                                   col_upper=[10, 10, 10])
    res = solve_simplex(lp)
    assert res.status == 2
    y = res.farkas
    assert y is not None and np.abs(y).max() > 0
    # y @ (A x) ranges over an interval (x in its box) disjoint from y @ s (s in the row box)
    coef = (lp.A.T @ y)
    ax_low = np.sum(np.where(coef > 0, coef * lp.col_lower, coef * lp.col_upper))
    ax_high = np.sum(np.where(coef > 0, coef * lp.col_upper, coef * lp.col_lower))
    with np.errstate(invalid="ignore"):
        s_low = np.sum(np.where(y > 0, y * lp.row_lower, y * lp.row_upper))
        s_high = np.sum(np.where(y > 0, y * lp.row_upper, y * lp.row_lower))
    assert ax_high < s_low - 1e-9 or s_high < ax_low - 1e-9


def test_unbounded_ray_improves_and_stays_feasible():
    lp = LinearProgram.from_arrays(c=[-1, -1, 0], A=[[1, -1, 0], [0, 1, -1]],
                                   row_lower=[-np.inf, -np.inf], row_upper=[1, 2])
    res = solve_simplex(lp)
    assert res.status == 3
    ray = res.ray
    assert lp.c @ ray < 0
    assert np.all(lp.A @ ray <= 1e-9)
    assert np.all(ray >= -1e-12)


def test_warm_start_from_optimal_basis_takes_no_iterations():
    lp, _ = load_netlib_npz(netlib_path("SC50A"))
    first = solve_simplex(lp, {"sensitivity": False})
    again = solve_simplex(lp, {"sensitivity": False}, basis=(first.col_basis, first.row_basis))
    assert again.status == 0 and again.nit == 0
    assert again.fun == pytest.approx(first.fun, rel=1e-12)


def test_warm_start_after_bound_change_matches_cold_start():
    lp, _ = load_netlib_npz(netlib_path("SC50A"))
    first = solve_simplex(lp, {"sensitivity": False})
    j = int(np.argmax(first.x))
    upper = lp.col_upper.copy()
    upper[j] = first.x[j] / 2
    changed = LinearProgram.from_arrays(lp.c, lp.A, lp.row_lower, lp.row_upper, lp.col_lower,
                                        upper)
    warm = solve_simplex(changed, {"sensitivity": False}, basis=(first.col_basis,
                                                                 first.row_basis))
    cold = solve_simplex(changed, {"sensitivity": False})
    assert warm.status == cold.status == 0
    assert warm.fun == pytest.approx(cold.fun, rel=1e-9)
    assert warm.nit < cold.nit


def test_dual_infeasible_warm_start_is_cheaper_than_cold():
    # a crossover-like guess: the optimal basis with a few columns swapped for slacks is
    # neither primal nor dual feasible; cost shifting finishes it without a dual phase 1
    lp, _ = load_netlib_npz(netlib_path("SC105"))
    first = solve_simplex(lp, {"sensitivity": False})
    col_basis, row_basis = first.col_basis.copy(), first.row_basis.copy()
    basic_cols = np.flatnonzero(col_basis == BasisStatus.BASIC)[:3]
    col_basis[basic_cols] = BasisStatus.AT_LOWER
    row_basis[np.flatnonzero(row_basis != BasisStatus.BASIC)[:3]] = BasisStatus.BASIC
    warm = solve_simplex(lp, {"sensitivity": False}, basis=(col_basis, row_basis))
    assert warm.status == 0
    assert warm.fun == pytest.approx(first.fun, rel=1e-9)
    assert warm.nit < first.nit


def test_dual_infeasible_warm_start_still_finds_unbounded_ray():
    lp = LinearProgram.from_arrays(c=[-1, -1], A=[[1, -1]], row_lower=[-1], row_upper=[1])
    basis = ([BasisStatus.BASIC, BasisStatus.AT_LOWER], [BasisStatus.AT_LOWER])
    res = solve_simplex(lp, basis=basis)
    assert res.status == 3
    assert lp.c @ res.ray < 0


def test_nearly_singular_warm_basis_falls_back_to_a_cold_start():
    eps = 1e-9   # basic values near 1e9: far beyond every bound
    lp = LinearProgram.from_arrays(c=[1, 1, 1], A=[[1, 1, 0], [1, 1 + eps, 1]],
                                   row_lower=[1, 2], row_upper=[1, 2], col_upper=[5, 5, 5])
    basis = ([BasisStatus.BASIC, BasisStatus.BASIC, BasisStatus.AT_LOWER],
             [BasisStatus.AT_LOWER, BasisStatus.AT_LOWER])
    res = solve_simplex(lp, basis=basis)
    cold = solve_simplex(lp)
    assert res.status == cold.status == 0
    assert res.fun == pytest.approx(cold.fun, rel=1e-9)


def test_singular_warm_basis_is_repaired():
    lp = LinearProgram.from_arrays(c=[1, 2, 3], A=[[1, 1, 0], [2, 2, 0]],
                                   row_lower=[1, 2], row_upper=[1, 2])
    basis = ([BasisStatus.BASIC, BasisStatus.BASIC, BasisStatus.AT_LOWER],
             [BasisStatus.AT_LOWER, BasisStatus.AT_LOWER])
    res = solve_simplex(lp, basis=basis)
    assert res.status == 0 and res.fun == pytest.approx(1.0)


def test_wrong_basis_shape_raises():
    lp = LinearProgram.from_arrays(c=[1, 2], A=[[1, 1]], row_lower=[1], row_upper=[1])
    with pytest.raises(InputError, match="basis must be"):
        solve_simplex(lp, basis=([0], [0]))


def test_time_limit_is_status_1():
    lp, _ = load_netlib_npz(netlib_path("SHARE2B"))
    res = solve_simplex(lp, {"time_limit": 0.0})
    assert res.status == 1 and "Time limit" in res.message


def test_callback_sees_progress():
    lp, _ = load_netlib_npz(netlib_path("AFIRO"))
    seen = []
    solve_simplex(lp, callback=lambda r: seen.append(r.fun))
    assert len(seen) > 5 and np.isfinite(seen).all()


def test_problem_without_rows():
    lp = LinearProgram.from_arrays(c=[1, -1], col_lower=[-2, 0], col_upper=[3, 4])
    res = solve_simplex(lp)
    assert res.status == 0
    np.testing.assert_allclose(res.x, [-2, 4])
    assert res.fun == pytest.approx(-6.0)


def test_primal_phase_alone_solves_beales_cycling_example():
    from symopt.optimize._linear.primal_simplex import run_primal
    from symopt.optimize._linear.simplex_state import IterationBudget, SimplexState
    from symopt.optimize.linear_program import as_csc
    A = as_csc([[0.25, -60, -0.04, 9], [0.5, -90, -0.02, 3], [0, 0, 1, 0]])
    cost = np.array([-0.75, 150, -0.02, 6, 0, 0, 0])
    lower = np.array([0, 0, 0, 0, -np.inf, -np.inf, -np.inf])
    upper = np.array([np.inf] * 4 + [0, 0, 1.0])
    state = SimplexState(A, cost, lower, upper)
    budget = IterationBudget(1000, 10.0)
    assert run_primal(state, budget, 1e-9).outcome == "optimal"
    assert cost @ state.z == pytest.approx(-0.05)
