"""LP presolve reductions and postsolve, checked against scipy's HiGHS on the original LP."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog as scipy_linprog

from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.optimize._linear.presolve import presolve
from symopt.optimize._linear.simplex import solve_simplex

INF = np.inf


def lp_of(c, A, rl, ru, cl=None, cu=None, **kw):
    return LinearProgram.from_arrays(c, A, rl, ru, cl, cu, **kw)


def highs_min(lp: LinearProgram):
    A = lp.A.toarray()
    eq = lp.row_lower == lp.row_upper
    up = ~eq & np.isfinite(lp.row_upper)
    lo = ~eq & np.isfinite(lp.row_lower)
    res = scipy_linprog(lp.c, A_ub=np.vstack([A[up], -A[lo]]) if (up | lo).any() else None,
                        b_ub=np.concatenate([lp.row_upper[up], -lp.row_lower[lo]])
                        if (up | lo).any() else None,
                        A_eq=A[eq] if eq.any() else None, b_eq=lp.row_lower[eq] if eq.any() else None,
                        bounds=np.column_stack([lp.col_lower, lp.col_upper]), method="highs")
    duals = np.zeros(lp.num_rows)
    if res.status == 0:
        if eq.any():
            duals[eq] = res.eqlin.marginals
        k = int(up.sum())
        marg = res.ineqlin.marginals if (up | lo).any() else np.zeros(0)
        duals[up] += marg[:k]
        duals[lo] -= marg[k:]
    return res, duals


def solve_via_presolve(lp: LinearProgram):
    reduced = presolve(lp)
    assert reduced.status is None
    inner = solve_simplex(reduced.lp) if reduced.lp.num_cols else None
    if inner is None:
        from symopt.optimize.result import OptimizeResult
        inner = OptimizeResult(x=np.zeros(0), fun=0.0, status=0, row_dual=np.zeros(0),
                               col_dual=np.zeros(0), col_basis=np.zeros(0, int),
                               row_basis=np.zeros(reduced.lp.num_rows, int))
    return reduced, reduced.postsolve(inner)


def check_against_highs(lp: LinearProgram, duals: bool = True):
    reduced, res = solve_via_presolve(lp)
    ref, ref_duals = highs_min(lp)
    assert ref.status == 0
    assert res.fun == pytest.approx(ref.fun, rel=1e-9, abs=1e-9)
    assert np.all(lp.A @ res.x >= lp.row_lower - 1e-7)
    assert np.all(lp.A @ res.x <= lp.row_upper + 1e-7)
    if duals:
        np.testing.assert_allclose(res.row_dual, ref_duals, atol=1e-7)
    return reduced, res


def test_fixed_column_is_substituted():
    lp = lp_of([1, 2, 3], [[1, 1, 1], [1, -1, 0]], [4, -INF], [INF, 1], [0, 2, 0], [INF, 2, INF])
    reduced, res = check_against_highs(lp)
    assert reduced.lp.num_cols == 2
    assert res.x[1] == 2 and res.col_basis[1] == BasisStatus.AT_LOWER


def test_singleton_row_becomes_bound_and_gets_its_dual_back():
    lp = lp_of([1, 1], [[1, 0], [1, 1]], [3, 1], [INF, INF])
    reduced, res = check_against_highs(lp)
    assert reduced.lp.num_rows == 0 and reduced.records[0][0] == "singleton"
    assert res.row_dual[0] == pytest.approx(1.0)
    assert res.row_basis[0] == BasisStatus.AT_LOWER and res.col_basis[0] == BasisStatus.BASIC


def test_duplicate_rows_are_merged():
    lp = lp_of([1, 1], [[1, 2], [2, 4], [1, -1]], [2, 6, -INF], [INF, INF, 5])
    reduced, res = check_against_highs(lp)
    assert reduced.lp.num_rows <= 2
    assert res.row_dual[0] == pytest.approx(0.0) and res.row_dual[1] > 0


def test_redundant_row_is_dropped():
    lp = lp_of([-1, -1], [[1, 1], [1, 0]], [-INF, -INF], [10, 5], [0, 0], [1, 1])
    reduced, res = check_against_highs(lp)
    assert reduced.lp.num_rows == 0
    assert res.fun == -2


def test_free_column_singleton_on_equality_row():
    lp = lp_of([1, 2, 3], [[1, 1, 1], [0, 2, 1]], [6, 2], [6, INF],
               [-INF, 0, 0], [INF, INF, INF])
    reduced, res = check_against_highs(lp)
    assert reduced.lp.num_cols < 3


def test_empty_column_goes_to_best_bound():
    lp = lp_of([1, -1, 1], [[1, 0, 1]], [1], [INF], [0, 0, 0], [INF, 4, INF])
    reduced, res = check_against_highs(lp)
    assert res.x[1] == 4


@pytest.mark.parametrize("lp, status, word", [
    (lp_of([1], [[0.0]], [1], [2]), 2, "no variables"),
    (lp_of([1, 1], [[1, 1]], [5], [INF], [0, 0], [1, 1]), 2, "activity"),
    (lp_of([1, 1], [[1, 0], [1, 1]], [3, -INF], [INF, 2]), 2, "infeasible"),
    (lp_of([-1, 1], [[0, 1]], [0], [1]), 3, "unbounded"),
    (lp_of([1, 1], [[1, 1], [2, 2]], [3, -INF], [INF, 4]), 2, "multiple"),
])
def test_decided_without_a_solve(lp, status, word):
    reduced = presolve(lp)
    assert reduced.status == status and word in reduced.message


@pytest.mark.parametrize("seed", range(6))
def test_random_sparse_lps_postsolve_to_highs(seed):
    rng = np.random.default_rng(seed)
    m, n = 10, 14
    A = rng.integers(-3, 4, (m, n)) * (rng.random((m, n)) < 0.25)
    A[0] = 0
    A[0, 0] = 2                                    # a singleton row
    A[1] = 2 * A[2]                                # a duplicate row
    x0 = rng.uniform(0, 2, n)
    rl, ru = A @ x0 - rng.uniform(0, 1, m), A @ x0 + rng.uniform(0, 1, m)
    cu = np.where(rng.random(n) < 0.3, x0, x0 + 2)
    cl = np.where(cu == x0, x0, 0)                  # some fixed columns
    lp = lp_of(rng.uniform(0.1, 2, n), A, rl, ru, cl, cu)
    check_against_highs(lp, duals=False)


def test_postsolve_keeps_certificates_on_failure():
    lp = lp_of([1, 1, 1], [[1, 1, 0], [1, 1, 0], [0, 0, 1]], [3, -INF, 0], [INF, 1, 4])
    reduced = presolve(lp)
    assert reduced.status == 2


def test_implied_free_column_singleton_is_substituted():
    # x3 only in the equality row; x1, x2 in [0, 1] imply x3 = 5 - x1 - x2 in [3, 5] within [0, 10]
    lp = lp_of([1, 2, 3], [[1, 1, 1], [1, -1, 0]], [5, -INF], [5, 0.5],
               [0, 0, 0], [1, 1, 10])
    reduced, res = check_against_highs(lp)
    assert reduced.lp.num_cols == 2
    assert res.col_basis[2] == BasisStatus.BASIC


def test_free_singleton_in_a_row_shifted_by_a_fixed_column():
    # x2 is fixed at 4, so the equality row is x1 + x3 = 10 - 4 when x3 is solved for
    lp = lp_of([1, 1, 1], [[1, 1, 1], [1, 0, 0]], [10, -INF], [10, 3],
               [0, 4, -INF], [INF, 4, INF])
    reduced, res = check_against_highs(lp)
    assert reduced.lp.num_cols <= 1
    assert res.x @ [1, 1, 1] == pytest.approx(10)


def test_bound_propagation_detects_infeasibility():
    # x - y >= 2 forces x >= 2, and x + y <= 1 forces x <= 1
    lp = lp_of([1, 1], [[1, 1], [1, -1]], [-INF, 2], [1, INF], [0, 0], [10, 10])
    reduced = presolve(lp)
    assert reduced.status == 2 and "empty range" in reduced.message


def test_bound_propagation_leaves_feasible_lps_alone():
    lp = lp_of([1, 1], [[1, 1], [1, -1]], [-INF, 2], [3, INF], [0, 0], [10, 10])
    check_against_highs(lp)
