"""Sensitivity ranging: against HiGHS's ranging and by re-solving inside/outside the ranges."""
from __future__ import annotations

import numpy as np
import pytest

from symopt.optimize import BasisStatus, LinearProgram
from symopt.optimize._linear.ranging import compute_sensitivity
from symopt.optimize._linear.simplex import solve_simplex


def random_lp(seed, m=5, n=8, sense="min"):
    rng = np.random.default_rng(seed)
    A = rng.uniform(0.1, 2.0, (m, n))
    b = rng.uniform(5.0, 10.0, m)
    c = -rng.uniform(1.0, 3.0, n)
    if sense == "max":
        c = -c
    return LinearProgram.from_arrays(c, A, np.full(m, -np.inf), b, np.zeros(n), np.full(n, 3.0),
                                     sense=sense)


def with_changes(lp, c=None, row_upper=None):
    return LinearProgram.from_arrays(lp.c if c is None else c, lp.A, lp.row_lower,
                                     lp.row_upper if row_upper is None else row_upper,
                                     lp.col_lower, lp.col_upper, sense=lp.sense)


def highs_ranging(lp):
    from symopt.optimize._linear.highs import highs_model, new_highs
    h = new_highs()
    h.passModel(highs_model(lp))
    h.run()
    return h.getRanging()[1]


@pytest.mark.parametrize("seed", range(5))
def test_cost_ranges_match_highs(seed):
    lp = random_lp(seed)
    sens = solve_simplex(lp).sensitivity
    ranging = highs_ranging(lp)
    n = lp.num_cols
    np.testing.assert_allclose(sens.cost_lower, np.array(ranging.col_cost_dn.value_)[:n],
                               rtol=1e-9)
    np.testing.assert_allclose(sens.cost_upper, np.array(ranging.col_cost_up.value_)[:n],
                               rtol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_rhs_ranges_of_binding_rows_match_highs(seed):
    lp = random_lp(seed)
    res = solve_simplex(lp)
    ranging = highs_ranging(lp)
    binding = res.row_basis != BasisStatus.BASIC
    np.testing.assert_allclose(res.sensitivity.rhs_lower[binding],
                               np.array(ranging.row_bound_dn.value_)[binding], rtol=1e-9)
    np.testing.assert_allclose(res.sensitivity.rhs_upper[binding],
                               np.array(ranging.row_bound_up.value_)[binding], rtol=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_basis_survives_inside_cost_range_and_changes_outside(seed):
    lp = random_lp(seed)
    base = solve_simplex(lp)
    sens = base.sensitivity
    for j in range(lp.num_cols):
        for bound, step in ((sens.cost_lower[j], 1e-4), (sens.cost_upper[j], -1e-4)):
            if not np.isfinite(bound):
                continue
            c = lp.c.copy()
            c[j] = bound + step
            inside = solve_simplex(with_changes(lp, c=c), {"sensitivity": False})
            np.testing.assert_allclose(inside.x, base.x, atol=1e-9)
            c[j] = bound - 50 * step
            outside = solve_simplex(with_changes(lp, c=c), {"sensitivity": False})
            assert not np.allclose(outside.x, base.x, atol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_objective_is_linear_in_rhs_inside_its_range(seed):
    lp = random_lp(seed)
    base = solve_simplex(lp)
    sens = base.sensitivity
    for i in np.flatnonzero(base.row_basis != BasisStatus.BASIC):
        for target in (0.9 * sens.rhs_lower[i] + 0.1 * sens.rhs_value[i],
                       0.9 * sens.rhs_upper[i] + 0.1 * sens.rhs_value[i]):
            if not np.isfinite(target):
                continue
            upper = lp.row_upper.copy()
            upper[i] = target
            moved = solve_simplex(with_changes(lp, row_upper=upper), {"sensitivity": False})
            expected = base.fun + base.row_dual[i] * (target - sens.rhs_value[i])
            assert moved.fun == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_non_binding_row_ranges_from_activity_to_infinity():
    lp = random_lp(0)
    res = solve_simplex(lp)
    sens = res.sensitivity
    for i in np.flatnonzero(res.row_basis == BasisStatus.BASIC):
        assert sens.rhs_value[i] == lp.row_upper[i]
        assert sens.rhs_lower[i] == pytest.approx(res.row_activity[i])
        assert sens.rhs_upper[i] == np.inf
        assert sens.rhs_lower_change[i] == lp.num_cols + i
        assert sens.rhs_upper_change[i] == -1


def test_maximisation_ranges_are_in_the_max_sense():
    lp_max = random_lp(2, sense="max")
    lp_min = LinearProgram.from_arrays(-lp_max.c, lp_max.A, lp_max.row_lower, lp_max.row_upper,
                                       lp_max.col_lower, lp_max.col_upper)
    s_max = solve_simplex(lp_max).sensitivity
    s_min = solve_simplex(lp_min).sensitivity
    np.testing.assert_allclose(s_max.cost_lower, -s_min.cost_upper)
    np.testing.assert_allclose(s_max.cost_upper, -s_min.cost_lower)
    np.testing.assert_allclose(s_max.rhs_lower, s_min.rhs_lower)


def test_compute_sensitivity_rejects_a_basis_of_the_wrong_size():
    lp = random_lp(0)
    with pytest.raises(ValueError, match="basis needs 5 basic entries"):
        compute_sensitivity(lp, np.zeros(lp.num_cols), np.zeros(lp.num_rows))


@pytest.mark.parametrize("sense", ["max", "min"])
def test_what_enters_at_a_basic_columns_cost_range_ends_matches_highs(sense):
    """Wyndor: both columns basic; at each finite end of their cost ranges a slack enters
    (the native ranging once reported -1, 'nothing', there: int32 indices overflowed)."""
    from symopt.optimize import solve_lp
    sign = 1.0 if sense == "max" else -1.0
    lp = LinearProgram.from_arrays(c=[3 * sign, 5 * sign], A=[[1, 0], [0, 2], [3, 2]],
                                   row_upper=[4, 12, 18], sense=sense)
    native = solve_lp(lp, method="simplex").sensitivity
    highs = solve_lp(lp, method="highs").sensitivity
    for key in ("cost_lower_change", "cost_upper_change", "rhs_lower_change",
                "rhs_upper_change"):
        assert native[key].tolist() == highs[key].tolist(), key
    finite = np.isfinite(native.cost_lower)
    assert (native.cost_lower_change[finite] >= 0).all()
    finite = np.isfinite(native.cost_upper)
    assert (native.cost_upper_change[finite] >= 0).all()
