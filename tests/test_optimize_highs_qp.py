"""HiGHS's QP solver behind minimize(method='highs-qp') and the route of small convex QPs.

scipy.optimize is the oracle; the duals are checked against finite differences of the
optimal value (re-solving with a moved right-hand side)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize as scipy_optimize

import symopt
from symopt.errors import InputError
from symopt.optimize import LinearConstraint, minimize
from symopt.optimize._nonlinear.highs_qp import hessian_is_psd

P = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]])
Q = np.array([-1.0, 2.0, -3.0])
ROWS = LinearConstraint([[1.0, 1.0, 1.0], [1.0, -1.0, 0.0]], [1.0, -np.inf], [1.0, 0.2])


def qp(x):
    return 0.5 * x @ P @ x + Q @ x + 7.0


def test_a_convex_qp_matches_the_oracle_with_multipliers_and_kkt():
    res = minimize(qp, np.zeros(3), jac=lambda x: P @ x + Q, hess=lambda x: P,
                   method="highs-qp", bounds=[(0, None), (None, 0.5), (-1, 1)], constraints=ROWS)
    ref = scipy_optimize.minimize(qp, np.zeros(3), jac=lambda x: P @ x + Q, method="SLSQP",
                                  bounds=[(0, None), (None, 0.5), (-1, 1)], options={"ftol": 1e-14},
                                  constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1},
                                               {"type": "ineq", "fun": lambda x: 0.2 - x[0] + x[1]}])
    assert res.status == 0 and res.success
    np.testing.assert_allclose(res.x, ref.x, atol=1e-7)
    assert res.fun == pytest.approx(ref.fun, rel=1e-10)
    # trust-constr's convention: grad f + J^T v - z = 0 (to HiGHS's dual tolerance, 1e-7)
    v = res.v[0]
    np.testing.assert_allclose(P @ res.x + Q + ROWS.A.T @ v - res.multipliers_bounds, 0,
                               atol=1e-6)
    assert res.kkt_residuals["stationarity"] <= 1e-6 and res.constr_violation <= 1e-9


def test_a_nonconvex_hessian_is_refused_with_its_eigenvalue():
    H = np.diag([1.0, -0.5])
    assert hessian_is_psd(H) == (False, -0.5)
    assert hessian_is_psd(np.diag([2.0, 0.0]))[0]
    with pytest.raises(InputError, match="convex QP: the Hessian's smallest eigenvalue is -0.5"):
        minimize(lambda x: 0.5 * x @ H @ x, np.ones(2), jac=lambda x: H @ x, hess=lambda x: H,
                 method="highs-qp", bounds=[(-1, 1)] * 2)


def test_a_function_that_is_not_quadratic_is_not_reported_optimal():
    res = minimize(lambda x: np.sum(x ** 4 - x), np.ones(2), jac=lambda x: 4 * x ** 3 - 1,
                   hess=lambda x: np.diag(12 * x ** 2), method="highs-qp", bounds=[(-2, 2)] * 2)
    assert res.status == 5 and not res.success and "not quadratic" in res.message


def test_an_infeasible_qp_says_so():
    res = minimize(lambda x: x @ x, np.zeros(2), jac=lambda x: 2 * x, hess=lambda x: 2 * np.eye(2),
                   method="highs-qp", bounds=[(0, 1)] * 2,
                   constraints=LinearConstraint([[1.0, 1.0]], 3.0, np.inf))
    assert res.status == 2 and not res.success


def _portfolio(floor: float, cap: float, budget: float = 1.0, sense=symopt.minimize):
    """A small convex QP in the model's words: a concave utility when maximized."""
    m = symopt.Model("mean_variance")
    m.x = symopt.Var(range(3), bounds=(0, None), initialize=0.3)
    risk = 2 * m.x[0] ** 2 + m.x[1] ** 2 + 3 * m.x[2] ** 2 + m.x[0] * m.x[1]
    gain = 0.8 * m.x[0] + 0.5 * m.x[1] + 1.1 * m.x[2]
    m.obj = symopt.Objective(expr=risk - gain if sense is symopt.minimize else gain - risk,
                             sense=sense)
    m.budget = symopt.Constraint(expr=m.x[0] + m.x[1] + m.x[2] == budget)
    m.floor = symopt.Constraint(expr=m.x[0] >= floor)
    m.cap = symopt.Constraint(expr=m.x[2] <= cap)
    return m


@pytest.mark.parametrize("sense", [symopt.minimize, symopt.maximize])
def test_small_convex_qps_route_to_highs_and_their_duals_are_sensitivities(sense):
    """Each named constraint's .dual is d objective / d right-hand side (central finite
    differences of re-solves), in the model's own sense; the report shows it."""
    from symopt.pipeline import explain
    base = {"floor": 0.4, "cap": 0.25, "budget": 1.0}
    m = _portfolio(**base, sense=sense)
    assert "quadratic program" in explain(m)
    solution = symopt.solve(m)
    assert solution.route.method == "highs-qp" and solution.status == "optimal"
    assert "convex quadratic program" in solution.route.method_reason
    assert solution.kkt is not None and solution.kkt.holds
    h = 1e-5
    for name in base:
        moved = [symopt.solve(_portfolio(**{**base, name: base[name] + step}, sense=sense))
                 for step in (h, -h)]
        sensitivity = (moved[0].objective - moved[1].objective) / (2 * h)
        assert getattr(m, name).dual == pytest.approx(sensitivity, rel=1e-5, abs=1e-7), name
        assert abs(sensitivity) > 0.01, name        # every row binds
    assert "Lagrange multiplier" in solution.report()


def test_a_nonconvex_small_qp_stays_on_the_interior_point_and_says_why():
    m = symopt.Model("saddle")
    m.x = symopt.Var(bounds=(0, 2), initialize=0.5)
    m.y = symopt.Var(bounds=(0, 2), initialize=0.5)
    m.obj = symopt.Objective(expr=m.x * m.y - m.x)
    m.row = symopt.Constraint(expr=m.x + m.y <= 3)
    solution = symopt.solve(m)
    assert solution.route.method == "interior-point"
    assert "not positive semidefinite" in solution.route.method_reason
    assert solution.status == "optimal"


def test_a_small_convex_bounds_only_qp_goes_to_highs():
    m = symopt.Model("box")
    m.x = symopt.Var(range(4), bounds=(0, 1), initialize=0.5)
    m.obj = symopt.Objective(expr=symopt.quicksum((m.x[i] - 0.3 * i) ** 2 + m.x[i] * m.x[(i + 1) % 4]
                                                  for i in range(4)))
    assert "proves positive semidefinite to HiGHS's QP solver" in symopt.pipeline.explain(m)
    solution = symopt.solve(m)
    assert solution.route.method == "highs-qp" and solution.status == "optimal"
    x = np.array([m.x[i].value for i in range(4)])
    H = np.array([[2, 1, 0, 1], [1, 2, 1, 0], [0, 1, 2, 1], [1, 0, 1, 2]], float)
    ref = scipy_optimize.minimize(lambda z: 0.5 * z @ H @ z - 0.6 * np.arange(4) @ z,
                                  np.full(4, 0.5), method="L-BFGS-B", bounds=[(0, 1)] * 4,
                                  options={"ftol": 1e-15, "gtol": 1e-12})
    np.testing.assert_allclose(x, ref.x, atol=1e-6)
