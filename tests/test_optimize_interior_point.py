"""The native 'interior-point' LP method against scipy's HiGHS and known answers."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog as scipy_linprog

from symopt.errors import InputError
from symopt.optimize._linear.crossover import identify_basis
from symopt.optimize._linear.hsd import solve_standard_form
from symopt.optimize._linear.interior_point import solve_interior_point
from symopt.optimize.linear_program import BasisStatus, LinearProgram, csc_from_triplets
from symopt.optimize._linear.normal_equations import NormalEquations
from symopt.optimize._linear.standard_form import StandardForm

RAW = {"crossover": False}


def random_lp(seed: int, m: int = 12, n: int = 18) -> LinearProgram:
    """A feasible LP with every kind of row and column bound, bounded by its cost signs."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(m, n)) * (rng.random((m, n)) < 0.5)
    x0 = rng.uniform(-1, 2, n)
    activity = A @ x0
    kind = rng.integers(0, 4, m)
    row_lower = np.where(kind == 0, activity, np.where(kind == 2, -np.inf, activity - 1))
    row_upper = np.where(kind == 0, activity, np.where(kind == 1, np.inf, activity + 1))
    col_lower = np.where(rng.random(n) < 0.2, -np.inf, x0 - rng.uniform(0.5, 2, n))
    col_upper = np.where(rng.random(n) < 0.3, np.inf, x0 + rng.uniform(0.5, 2, n))
    free = np.isinf(col_lower) & np.isinf(col_upper)
    col_upper[free] = x0[free] + 3
    c = rng.normal(size=n)
    c = np.where(np.isinf(col_lower), -np.abs(c), np.where(np.isinf(col_upper), np.abs(c), c))
    return LinearProgram.from_arrays(c, A, row_lower, row_upper,
                                     col_lower, col_upper)


def highs(lp: LinearProgram):
    A = lp.A.toarray()
    eq = lp.row_lower == lp.row_upper
    up = ~eq & np.isfinite(lp.row_upper)
    lo = ~eq & np.isfinite(lp.row_lower)
    sign = -1.0 if lp.sense == "max" else 1.0
    res = scipy_linprog(sign * lp.c, A_ub=np.vstack([A[up], -A[lo]]),
                        b_ub=np.concatenate([lp.row_upper[up], -lp.row_lower[lo]]),
                        A_eq=A[eq] if eq.any() else None, b_eq=lp.row_lower[eq] if eq.any() else None,
                        bounds=np.column_stack([lp.col_lower, lp.col_upper]), method="highs")
    return res, sign


@pytest.mark.parametrize("seed", range(8))
def test_random_general_form_matches_highs(seed):
    lp = random_lp(seed)
    ref, sign = highs(lp)
    res = solve_interior_point(lp, RAW)
    assert ref.status == 0 and res.status == 0
    assert res.fun == pytest.approx(sign * ref.fun, rel=1e-7, abs=1e-7)
    assert np.all(lp.A @ res.x >= lp.row_lower - 1e-6)
    assert np.all(lp.A @ res.x <= lp.row_upper + 1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_crossover_gives_basis_duals_and_sensitivity(seed):
    lp = random_lp(seed + 20)
    ref, _ = highs(lp)
    res = solve_interior_point(lp)
    assert res.status == 0
    assert res.fun == pytest.approx(ref.fun, rel=1e-8, abs=1e-8)
    assert res.col_basis is not None and res.row_basis is not None
    assert np.count_nonzero(np.concatenate([res.col_basis, res.row_basis]) == BasisStatus.BASIC) \
        == lp.num_rows
    # strong duality with the reported duals: c@x = y@activity + d@x
    assert res.fun == pytest.approx(res.row_dual @ res.row_activity + res.col_dual @ res.x,
                                    rel=1e-7, abs=1e-7)
    assert res.sensitivity is not None


def test_maximisation_and_duals_in_own_sense():
    lp = LinearProgram.from_arrays(c=[3, 5], A=[[1, 0], [0, 2], [3, 2]],
                                   row_upper=[4, 12, 18], sense="max")
    res = solve_interior_point(lp)
    assert res.status == 0
    assert res.fun == pytest.approx(36.0)
    np.testing.assert_allclose(res.x, [2, 6], atol=1e-7)
    np.testing.assert_allclose(res.row_dual, [0, 1.5, 1], atol=1e-7)


def test_infeasible_reports_status_2_with_farkas():
    lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 1]], row_lower=[3, -np.inf],
                                   row_upper=[np.inf, 1], col_lower=[0, 0])
    res = solve_interior_point(lp, {"presolve": False})
    assert res.status == 2 and not res.success
    assert "infeasible" in res.message


def test_presolve_detects_infeasibility_early():
    lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1]], row_lower=[5], row_upper=[np.inf],
                                   col_upper=[1, 1])
    res = solve_interior_point(lp)
    assert res.status == 2 and "infeasible" in res.message


def test_unbounded_reports_status_3_with_ray():
    lp = LinearProgram.from_arrays(c=[-1, -1], A=[[1, -1]], row_lower=[-np.inf], row_upper=[1])
    res = solve_interior_point(lp, {"presolve": False})
    assert res.status == 3
    assert res.ray is not None and lp.c @ res.ray < 0


def test_beale_cycling_example():
    c = [-0.75, 150, -0.02, 6]
    A = [[0.25, -60, -0.04, 9], [0.5, -90, -0.02, 3], [0, 0, 1, 0]]
    lp = LinearProgram.from_arrays(c, A, row_lower=[-np.inf] * 3, row_upper=[0, 0, 1])
    res = solve_interior_point(lp)
    assert res.status == 0 and res.fun == pytest.approx(-0.05)


def test_degenerate_and_redundant_equalities():
    A = [[1, 1, 1], [2, 2, 2], [1, -1, 0]]
    lp = LinearProgram.from_arrays(c=[1, 2, 3], A=A, row_lower=[1, 2, 0], row_upper=[1, 2, 0])
    for opts in ({"presolve": False, "crossover": False}, {}):
        res = solve_interior_point(lp, opts)
        assert res.status == 0 and res.fun == pytest.approx(1.5)


def test_sparse_input_and_callback():
    calls = []
    A = csc_from_triplets([0, 0, 1], [0, 1, 1], [1.0, 1.0, 1.0], (2, 2))
    lp = LinearProgram.from_arrays(c=[-1, -1], A=A, row_upper=[2, 1])
    res = solve_interior_point(lp, RAW, callback=calls.append)
    assert res.status == 0 and res.fun == pytest.approx(-2.0)
    assert calls and "mu" in calls[0]


def test_iteration_limit_is_status_1():
    res = solve_interior_point(random_lp(3), {"maxiter": 2, "crossover": False})
    assert res.status == 1 and not res.success


@pytest.mark.parametrize("options, word", [({"tol": -1}, "tol"), ({"bogus": 1}, "bogus"),
                                           ({"maxiter": -3}, "maxiter")])
def test_bad_options_raise_input_error(options, word):
    with pytest.raises(InputError, match=word):
        solve_interior_point(random_lp(0), options)


def test_standard_form_roundtrip_and_normal_equations():
    lp = random_lp(5)
    form = StandardForm.from_lp(lp)
    out = solve_standard_form(form.A, form.b, form.c, form.u)
    assert out.status == 0
    general, _ = form.recover(out.x, out.y)
    ref, _ = highs(lp)
    assert lp.c @ general[:lp.num_cols] == pytest.approx(ref.fun, rel=1e-7, abs=1e-7)
    dense = form.A.toarray()
    theta = np.random.default_rng(1).uniform(0.1, 10, dense.shape[1])
    ne = NormalEquations(form.A)
    ne.factorize(theta)
    rhs = np.arange(1.0, dense.shape[0] + 1)
    np.testing.assert_allclose((dense * theta) @ dense.T @ ne.solve(rhs), rhs, rtol=1e-8)


def test_identify_basis_counts_m_basics():
    lp = random_lp(7)
    res = solve_interior_point(lp, RAW)
    cols, rows = identify_basis(lp, res.x, res.col_dual, res.row_dual)
    assert np.count_nonzero(cols == 0) + np.count_nonzero(rows == 0) == lp.num_rows


def test_dispatch_through_solve_lp():
    from symopt.optimize import solve_lp
    res = solve_lp(random_lp(1), method="interior-point")
    assert res.status == 0 and res.method == "interior-point"


@pytest.mark.parametrize("backend", ["auto", "qdldl", "superlu"])
def test_normal_equations_with_dense_columns_and_dependent_rows(backend):
    """Dense columns go through the Woodbury update; a repeated row is regularised and the
    solve refined; every backend solves a consistent right-hand side to full accuracy."""
    import scipy.sparse as sp
    rng = np.random.default_rng(3)
    m, n = 300, 900
    sparse = sp.random(m, n, density=3 / m, random_state=4, format="csc")
    dense = rng.normal(size=(m, 3))
    A = sp.hstack([sp.identity(m), sparse, sp.csc_matrix(dense)]).tolil()
    A[m - 1] = A[m - 2]                           # a dependent row
    A = sp.csc_matrix(A)
    ne = NormalEquations(A, backend=backend)
    assert ne.dense_columns == 3
    theta = rng.uniform(0.1, 10.0, A.shape[1])
    ne.factorize(theta)
    M = (A @ sp.diags(theta) @ A.T).toarray()
    rhs = M @ rng.normal(size=m)                  # consistent although M is singular
    np.testing.assert_allclose(M @ ne.solve(rhs), rhs, rtol=1e-8, atol=1e-8 * np.abs(rhs).max())


def test_normal_equations_reject_an_unknown_backend():
    with pytest.raises(ValueError, match="backend"):
        NormalEquations(np.eye(2), backend="dense")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_newton_step_keeps_the_primal_equation_when_theta_spreads_over_30_decades(seed):
    """At a point near a degenerate optimum (basic x ~ 1e4..1e8 with z ~ 1e-12..1e-8,
    nonbasic x ~ 1e-12..1e-8 with z ~ 1) and a dual residual of 1e-3, theta = x/z spans
    1e-12 .. 1e19. A step along the Newton direction must shrink the primal residual
    ``b tau - A x`` (it is multiplied by ``1 - alpha eta``); without the primal
    regularisation the direction recovered from the normal equations grew it 1e5-1e7x."""
    import scipy.sparse as sp
    from symopt.optimize._linear import hsd
    rng = np.random.default_rng(seed)
    m, n = 4, 10
    normal = NormalEquations(sp.csc_matrix(rng.normal(size=(m, n))))
    A = normal.A
    basic = np.arange(n) < m
    x = np.where(basic, 10.0 ** rng.uniform(4, 8, n), 10.0 ** rng.uniform(-12, -8, n))
    z = np.where(basic, 10.0 ** rng.uniform(-12, -8, n), 10.0 ** rng.uniform(-1, 1, n))
    y = rng.normal(size=m)
    b = A @ x + 1e-6 * rng.normal(size=m)
    c = A.T @ y + z + 1e-3 * rng.normal(size=n)
    has_u, ub = np.zeros(n, bool), np.zeros(n)
    point = hsd._Point(x=x, w=np.zeros(n), y=y, z=z, v=np.zeros(n), tau=1.0, kappa=1e-8)
    before = hsd._residuals(A, b, c, ub, has_u, point)
    after = hsd._residuals(A, b, c, ub, has_u,
                           hsd._step(A, b, c, ub, has_u, point, before, normal))
    assert np.linalg.norm(after["p"]) <= np.linalg.norm(before["p"])
