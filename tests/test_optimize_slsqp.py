"""SLSQP, its QP subproblem and the constraint normal form, against scipy and known answers."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so
from hypothesis import given, settings
from hypothesis import strategies as st

from symopt.errors import InputError
from symopt.optimize import Bounds, LinearConstraint, NonlinearConstraint, minimize
from symopt.optimize.constraints import normalize_bounds, normalize_constraints
from symopt.optimize._nonlinear.qp_subproblem import solve_qp


def kkt_residual(G, a, C_eq, b_eq, C_in, b_in, qp):
    """Largest violation of the QP's optimality conditions."""
    stationarity = G @ qp.x + a - C_eq.T @ qp.lam_eq - C_in.T @ qp.lam_in
    slack = C_in @ qp.x - b_in
    return max(np.max(np.abs(stationarity), initial=0), np.max(np.abs(C_eq @ qp.x - b_eq), initial=0),
               np.max(-slack, initial=0), np.max(np.abs(qp.lam_in * slack), initial=0),
               np.max(-qp.lam_in, initial=0))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_random_qps_satisfy_kkt(seed):
    rng = np.random.default_rng(seed)
    n, me, mi = rng.integers(2, 7), rng.integers(0, 2), rng.integers(1, 8)
    A = rng.normal(size=(n, n))
    G, a = A @ A.T + 0.1 * np.eye(n), rng.normal(size=n)
    C_eq, C_in = rng.normal(size=(me, n)), rng.normal(size=(mi, n))
    x_feasible = rng.normal(size=n)                  # guarantees feasibility
    b_eq = C_eq @ x_feasible
    b_in = C_in @ x_feasible - rng.uniform(0, 1, mi)
    qp = solve_qp(G, a, C_eq, b_eq, C_in, b_in)
    assert qp.status == "optimal"
    assert kkt_residual(G, a, C_eq, b_eq, C_in, b_in, qp) < 1e-8


def test_qp_detects_infeasibility():
    qp = solve_qp(np.eye(1), np.zeros(1), np.zeros((0, 1)), np.zeros(0),
                  np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]))   # x >= 1 and x <= 0
    assert qp.status == "infeasible"


@pytest.mark.parametrize("use_jac", [False, True])
def test_hs071_matches_scipy(use_jac):
    f = lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    grad = lambda x: np.array([x[3] * (2 * x[0] + x[1] + x[2]), x[0] * x[3], x[0] * x[3] + 1,
                               x[0] * (x[0] + x[1] + x[2])])
    cons = [{"type": "ineq", "fun": lambda x: np.prod(x) - 25,
             "jac": lambda x: np.array([np.prod(x) / v for v in x])},
            {"type": "eq", "fun": lambda x: np.sum(x ** 2) - 40, "jac": lambda x: 2 * x}]
    kw = {"jac": grad} if use_jac else {}
    x0, bounds = np.array([1.0, 5, 5, 1]), [(1, 5)] * 4
    ours = minimize(f, x0, method="SLSQP", bounds=bounds, constraints=cons, **kw)
    ref = so.minimize(f, x0, method="SLSQP", bounds=bounds, constraints=cons, **kw)
    assert ours.success and abs(ours.fun - 17.0140173) < 1e-5
    assert np.allclose(ours.x, ref.x, atol=1e-4)
    assert ours.nfev <= ref.nfev + 8


def test_kkt_conditions_hold_with_the_documented_sign_convention():
    f = lambda x: float((x[0] - 3) ** 2 + (x[1] - 2) ** 2 + x[2] ** 2)
    grad = lambda x: np.array([2 * (x[0] - 3), 2 * (x[1] - 2), 2 * x[2]])
    eq = {"type": "eq", "fun": lambda x: x[0] + x[1] + x[2] - 2,
          "jac": lambda x: np.ones((1, 3))}
    ineq = {"type": "ineq", "fun": lambda x: 1.5 - x[0], "jac": lambda x: np.array([[-1.0, 0, 0]])}
    res = minimize(f, np.zeros(3), jac=grad, method="SLSQP", constraints=[eq, ineq],
                   bounds=[(None, None), (None, 0.4), (None, None)])
    assert res.success
    lam_eq, lam_in = res.constraint_multipliers[0][0], res.constraint_multipliers[1][0]
    bound = res.multipliers_bounds
    reconstructed = lam_eq * np.ones(3) + lam_in * np.array([-1.0, 0, 0]) + bound
    assert np.allclose(grad(res.x), reconstructed, atol=1e-5)
    assert lam_in >= 0 and bound[1] <= 0          # x1 <= 0.4 is active: upper bound, <= 0


def test_equality_only_problem_and_linear_constraint_objects():
    f = lambda x: float(x @ x)
    res = minimize(f, np.array([3.0, -1.0, 2.0]), method="SLSQP",
                   constraints=LinearConstraint([[1, 2, 3], [1, 0, -1]], [6, 0], [6, 0]))
    assert res.success
    A = np.array([[1, 2, 3], [1, 0, -1]])
    expected = A.T @ np.linalg.solve(A @ A.T, [6, 0])
    assert np.allclose(res.x, expected, atol=1e-6)
    assert np.allclose(2 * res.x, A.T @ res.constraint_multipliers[0], atol=1e-5)


def test_incompatible_constraints_are_a_status():
    cons = [{"type": "ineq", "fun": lambda x: x[0] - 2}, {"type": "ineq", "fun": lambda x: 1 - x[0]}]
    res = minimize(lambda x: float(x[0] ** 2), [0.0], method="SLSQP", constraints=cons)
    ref = so.minimize(lambda x: float(x[0] ** 2), [0.0], method="SLSQP", constraints=cons)
    assert not ref.success                      # scipy says 8 (line search) after 145 calls
    assert not res.success and res.status == 4 and res.nfev < 20


def test_iteration_limit_and_args_in_constraint_dicts():
    cons = {"type": "ineq", "fun": lambda x, r: r - x[0] ** 2 - x[1] ** 2, "args": (1.0,)}
    res = minimize(so.rosen, [0.0, 0.0], method="SLSQP", constraints=cons,
                   options={"maxiter": 2})
    assert res.status == 9 and not res.success
    full = minimize(so.rosen, [0.0, 0.0], method="SLSQP", constraints=cons)
    ref = so.minimize(so.rosen, [0.0, 0.0], method="SLSQP", constraints=cons)
    assert np.allclose(full.x, ref.x, atol=1e-4)


def test_nan_in_the_line_search_steps_back():
    f = lambda x: float(np.sum((x - 3) ** 2)) if x[0] < 4 else np.nan
    res = minimize(f, np.array([0.0, 0.0]), method="SLSQP",
                   constraints={"type": "ineq", "fun": lambda x: 10 - x[1]})
    assert res.success and np.allclose(res.x, [3, 3], atol=1e-4)


def test_normalize_bounds_and_constraint_errors():
    assert normalize_bounds(Bounds(-np.inf, np.inf), 3) is None
    lb, ub = normalize_bounds(Bounds(0, [1, 2]), 2)
    assert lb.tolist() == [0, 0] and ub.tolist() == [1, 2]
    with pytest.raises(InputError, match=r"constraints\[0\]\['type'\] must be 'eq' or 'ineq'"):
        normalize_constraints({"type": "le", "fun": lambda x: x}, np.zeros(1))
    with pytest.raises(InputError, match=r"unknown key\(s\) \['fn'\]"):
        normalize_constraints({"type": "eq", "fn": lambda x: x}, np.zeros(1))
    with pytest.raises(InputError, match="must have 2 columns"):
        normalize_constraints(LinearConstraint([[1, 2, 3]], 0, 1), np.zeros(2))
    with pytest.raises(InputError, match="exceeds"):
        normalize_constraints(NonlinearConstraint(lambda x: x, 1, 0), np.zeros(1))


def test_bounds_only_slsqp_matches_lbfgsb():
    bounds = [(-0.5, 0.5), (-0.5, 0.5)]
    a = minimize(so.rosen, [0.0, 0.0], method="SLSQP", bounds=bounds)
    b = minimize(so.rosen, [0.0, 0.0], method="L-BFGS-B", bounds=bounds)
    assert a.success and np.allclose(a.x, b.x, atol=1e-4)


def test_fixed_variables_get_free_sign_bound_multipliers():
    bounds = [(0.5, 0.5), (-1, 2), (0, 0)]
    res = minimize(so.rosen, [0.5, 0.2, 0.0], method="SLSQP", bounds=bounds, jac=so.rosen_der,
                   constraints={"type": "eq", "fun": lambda x: x[1] - 0.3})
    assert res.success and np.allclose(res.x, [0.5, 0.3, 0.0])
    lam = res.constraint_multipliers[0][0]
    assert np.allclose(so.rosen_der(res.x), lam * np.array([0, 1, 0]) + res.multipliers_bounds,
                       atol=1e-5)
