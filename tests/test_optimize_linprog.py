"""linprog / solve_lp against scipy's linprog(method='highs'): status, objective, duals."""
from __future__ import annotations

import numpy as np
import pytest

from symopt.errors import InputError
from symopt.optimize import LinearProgram, linprog, solve_lp
from symopt.optimize.linear_program import as_csc

scipy_optimize = pytest.importorskip("scipy.optimize")
scipy_sparse = pytest.importorskip("scipy.sparse")


def reference(**problem):
    return scipy_optimize.linprog(method="highs", **problem)


def assert_same_solution(ours, theirs, check_duals=True):
    assert ours.status == theirs.status, (ours.message, theirs.message)
    if theirs.status != 0:
        return
    scale = 1.0 + abs(theirs.fun)
    assert ours.fun == pytest.approx(theirs.fun, abs=1e-7 * scale)
    if not check_duals:
        return
    for part in ("ineqlin", "eqlin", "lower", "upper"):
        expected = getattr(theirs, part).marginals
        got = getattr(ours, part).marginals
        np.testing.assert_allclose(got, expected, atol=1e-6 * scale, err_msg=part)


def random_lp(seed, m_ub=8, m_eq=3, n=12, free=0, boxed=True):
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(0, 2, n)
    A_ub = rng.normal(size=(m_ub, n)) * (rng.random((m_ub, n)) < 0.6)
    A_eq = rng.normal(size=(m_eq, n)) * (rng.random((m_eq, n)) < 0.6)
    b_ub = A_ub @ x0 + rng.uniform(0, 1, m_ub)
    b_eq = A_eq @ x0
    c = rng.normal(size=n)
    upper = 5.0 if boxed else None
    bounds = [(0, upper)] * (n - free) + [(None, None)] * free
    if free and not boxed:
        bounds = [(0, 5.0)] * (n - free) + [(-10, 10)] * free
    return dict(c=c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds)


@pytest.mark.parametrize("seed", range(12))
def test_random_boxed_lps_match_scipy(seed):
    problem = random_lp(seed)
    assert_same_solution(linprog(**problem), reference(**problem))


@pytest.mark.parametrize("seed", range(6))
def test_random_lps_with_free_variables_match_scipy(seed):
    problem = random_lp(100 + seed, free=3, boxed=False)
    assert_same_solution(linprog(**problem), reference(**problem))


@pytest.mark.parametrize("seed", range(4))
def test_random_lps_without_upper_bounds_match_scipy(seed):
    rng = np.random.default_rng(200 + seed)
    n, m = 15, 10
    A = rng.uniform(0.1, 2.0, (m, n))
    problem = dict(c=rng.uniform(1, 3, n), A_ub=-A, b_ub=-rng.uniform(1, 5, m))
    assert_same_solution(linprog(**problem), reference(**problem))


def test_documented_example():
    res = linprog(c=[-1, 4], A_ub=[[-3, 1], [1, 2]], b_ub=[6, 4], bounds=[(None, None), (-3, None)])
    assert res.status == 0 and res.success
    np.testing.assert_allclose(res.x, [10.0, -3.0])
    assert res.fun == pytest.approx(-22.0)
    np.testing.assert_allclose(res.slack, [39.0, 0.0])


def test_infeasible_problem_has_status_2():
    problem = dict(c=[1, 1], A_ub=[[1, 1], [-1, -1]], b_ub=[1, -3])
    res = linprog(**problem)
    assert res.status == 2 and not res.success
    assert "infeasible" in res.message
    assert reference(**problem).status == 2


def test_infeasible_bounds_against_equality():
    res = linprog(c=[1, 0], A_eq=[[1, 1]], b_eq=[10], bounds=[(0, 2), (0, 3)])
    assert res.status == 2


def test_unbounded_problem_has_status_3():
    problem = dict(c=[-1, -1], A_ub=[[1, -1]], b_ub=[1])
    res = linprog(**problem)
    assert res.status == 3 and "unbounded" in res.message
    assert reference(**problem).status == 3


def test_unbounded_free_variable_without_rows():
    res = linprog(c=[1.0], bounds=[(None, None)])
    assert res.status == 3


def test_beale_cycling_example():
    # Beale (1955): Dantzig's rule with a naive tie-break cycles on this one.
    c = [-0.75, 150, -0.02, 6]
    A_ub = [[0.25, -60, -0.04, 9], [0.5, -90, -0.02, 3], [0, 0, 1, 0]]
    b_ub = [0, 0, 1]
    res = linprog(c, A_ub=A_ub, b_ub=b_ub)
    assert_same_solution(res, reference(c=c, A_ub=A_ub, b_ub=b_ub), check_duals=False)
    assert res.fun == pytest.approx(-0.05)


@pytest.mark.parametrize("n", [3, 6, 9])
def test_klee_minty_cube(n):
    c = -np.array([2.0 ** (n - 1 - j) for j in range(n)])
    A = np.zeros((n, n))
    for i in range(n):
        A[i, :i] = [2.0 ** (i - j + 1) for j in range(i)]
        A[i, i] = 1.0
    b = np.array([5.0 ** (i + 1) for i in range(n)])
    res = linprog(c, A_ub=A, b_ub=b)
    assert_same_solution(res, reference(c=c, A_ub=A, b_ub=b))
    assert res.fun == pytest.approx(-(5.0 ** n))


def test_equality_only_with_redundant_rows():
    A_eq = np.array([[1.0, 1, 1, 0], [0, 1, 1, 1], [1, 2, 2, 1]])  # row 3 = row 1 + row 2
    b_eq = np.array([4.0, 5, 9])
    c = np.array([1.0, 2, 3, 1])
    res = linprog(c, A_eq=A_eq, b_eq=b_eq)
    theirs = reference(c=c, A_eq=A_eq, b_eq=b_eq)
    assert res.status == theirs.status == 0
    assert res.fun == pytest.approx(theirs.fun)
    np.testing.assert_allclose(A_eq @ res.x, b_eq, atol=1e-9)


def test_degenerate_vertex():
    c = [-1, -1, -1]
    A_ub = [[1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
    b_ub = [1, 1, 1, 1.5]
    assert_same_solution(linprog(c, A_ub=A_ub, b_ub=b_ub),
                         reference(c=c, A_ub=A_ub, b_ub=b_ub), check_duals=False)


def test_sparse_inputs_scipy_and_csc():
    problem = random_lp(7)
    theirs = reference(**problem)
    sparse = dict(problem, A_ub=scipy_sparse.csr_matrix(problem["A_ub"]),
                  A_eq=as_csc(problem["A_eq"]))
    assert_same_solution(linprog(**sparse), theirs)


def test_fixed_variables_and_marginal_signs():
    problem = dict(c=[1.0, 2.0, -1.0], A_ub=[[1, 1, 1]], b_ub=[4.0],
                   A_eq=[[1, -1, 0]], b_eq=[0.5], bounds=[(0, 3), (1, 1), (None, 2)])
    ours, theirs = linprog(**problem), reference(**problem)
    assert_same_solution(ours, theirs)
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-9)


def test_marginals_are_objective_derivatives():
    problem = random_lp(3)
    res = linprog(**problem)
    step = 1e-5
    bumped = dict(problem, b_ub=problem["b_ub"] + step * np.eye(len(problem["b_ub"]))[0])
    slope = (linprog(**bumped).fun - res.fun) / step
    assert slope == pytest.approx(res.ineqlin.marginals[0], abs=1e-5)


def test_solve_lp_maximise_gives_duals_in_its_own_sense():
    lp = LinearProgram.from_arrays(c=[1, 2], A=[[1, 1]], row_lower=[-np.inf], row_upper=[4],
                                   sense="max")
    res = solve_lp(lp)
    assert res.fun == pytest.approx(8.0)
    assert res.row_dual[0] == pytest.approx(2.0)
    assert res.col_dual[0] == pytest.approx(-1.0)
    assert res.sensitivity is not None


def test_solve_lp_ranged_rows_and_offset():
    lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, -1]], row_lower=[2, -1],
                                   row_upper=[5, 1], offset=10.0)
    res = solve_lp(lp, method="simplex")
    assert res.status == 0
    assert res.fun == pytest.approx(12.0)
    np.testing.assert_allclose(res.row_activity, lp.A @ res.x)


def test_highs_delegate_agrees():
    problem = random_lp(11)
    for method in ("highs", "highs-ds", "highs-ipm"):
        assert_same_solution(linprog(method=method, **problem), reference(**problem))


def test_iteration_limit_is_status_1():
    problem = random_lp(5, m_ub=20, n=30)
    res = linprog(options={"maxiter": 2}, **problem)
    assert res.status == 1 and "Iteration limit" in res.message


@pytest.mark.parametrize("kwargs, words", [
    (dict(c=[1, 2], A_ub=[[1, 2, 3]], b_ub=[1]), "A_ub has 3 columns"),
    (dict(c=[1, 2], A_ub=[[1, 2]], b_ub=[1, 2]), "b_ub has 2 entries"),
    (dict(c=[1, np.nan]), "c must be finite"),
    (dict(c=[1, 2], A_eq=[[1, np.nan]], b_eq=[1]), "A_eq contains NaN"),
    (dict(c=[1, 2], bounds=[(0, 1), (3, 2)]), "variable 1 has lower bound 3.0"),
    (dict(c=[1, 2], bounds=[(0, 1)] * 3), "bounds must be one (lb, ub) pair or 2 pairs"),
    (dict(c=[1, 2], A_ub=[[1, 2]]), "A_ub is given but b_ub is not"),
    (dict(c=[1, 2], method="bogus"), "unknown method 'bogus'"),
    (dict(c=[1, 2], options={"bogus": 1}), "unknown option 'bogus'"),
])
def test_bad_input_raises_input_error(kwargs, words):
    with pytest.raises(InputError) as info:
        linprog(**kwargs)
    assert words in str(info.value)


def test_linprog_callback_receives_iterates():
    problem = random_lp(2)
    seen = []
    res = linprog(callback=lambda r: seen.append((r.nit, r.x.copy())), method="simplex",
                  **problem)
    assert res.status == 0
    assert seen and seen[-1][0] == res.nit


def test_highs_lp_with_a_callback_says_it_reports_no_iterates():
    with pytest.raises(InputError, match="does not report LP iterations"):
        linprog(callback=print, **random_lp(2))


def test_default_method_is_highs_with_symopt_ranging():
    res = linprog(**random_lp(4))
    assert res.method == "highs" and res.sensitivity is not None
    assert res.col_basis is not None


def test_scalar_bounds_pair_applies_to_every_variable():
    problem = dict(c=[-1, -1], A_ub=[[1, 2]], b_ub=[10], bounds=(1, 3))
    assert_same_solution(linprog(**problem), reference(**problem))


def test_default_falls_back_to_simplex_after_numerical_trouble(monkeypatch):
    import symopt.optimize._linprog as front
    from symopt.optimize.result import OptimizeResult

    def troubled(lp, options=None, callback=None):
        return OptimizeResult(status=4, message="trouble", method="interior-point")

    monkeypatch.setattr(front, "choose_method", lambda lp: "interior-point")
    monkeypatch.setattr(front, "lookup", lambda door, name: type(
        "M", (), {"load": staticmethod(lambda: troubled)}))
    res = linprog([1, 1], A_ub=[[-1, -1]], b_ub=[-1], options={"time_limit": 10.0})
    assert res.status == 0 and res.fun == pytest.approx(1.0)
    assert "after interior-point" in res.message


@pytest.mark.parametrize("method", ["simplex", "interior-point", None])
def test_an_optimal_claim_is_checked_against_the_rows(method):
    """``3 x0 + 1e20 x1 <= -2`` with ``0 <= x <= 1`` cannot hold; beside a 1e-320 cost the
    native simplex's scaling once called x = 0 optimal (found by the fuzz harness). Every
    "optimal" from solve_lp is checked against the rows and bounds first."""
    result = linprog([1e-320, -1.0], A_ub=[[3.0, 1e20]], b_ub=[-2.0],
                     bounds=[(0, 1), (0, 1)], method=method)
    assert not result.success and result.status in (2, 4)
    if result.status == 4:
        assert "violates the constraints" in result.message or "non-finite" in result.message
