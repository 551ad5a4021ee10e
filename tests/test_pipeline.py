"""symopt.solve end to end on models: classes, routes, answers against scipy, write-back."""
from __future__ import annotations

import numpy as np
import pytest

from symopt.compile import cache
from symopt.errors import ModelError
from symopt.model import (
    Constraint, Model, NonNegativeReals, Objective, Param, Var, exp, maximize, quicksum,
)
from symopt.optimize.linear_program import LinearProgram
from symopt.pipeline import solve

scipy_optimize = pytest.importorskip("scipy.optimize")


def rosenbrock(n: int) -> Model:
    m = Model("rosen")
    m.x = Var(range(n), initialize=0.5)
    m.obj = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 + (1 - m.x[i]) ** 2
                               for i in range(n - 1)))
    return m


def test_unconstrained_model_solves_and_writes_back():
    m = rosenbrock(20)
    s = solve(m)
    assert s.status == "optimal" and s.problem_class == "unconstrained NLP"
    np.testing.assert_allclose([m.x[i].value for i in range(20)], np.ones(20), atol=1e-4)
    assert m.obj.value == pytest.approx(0.0, abs=1e-8)
    assert s.route.front_door == "least_squares" and s.route.method == "lm"
    assert "sum of squares" in s.route.explain()
    assert set(s.timings) >= {"analyze", "compile", "route", "solve"}
    ref = scipy_optimize.minimize(scipy_optimize.rosen, np.full(20, 0.5), jac=scipy_optimize.rosen_der,
                                  hess=scipy_optimize.rosen_hess, method="trust-exact")
    assert s.evaluations["njev"] <= ref.njev


def test_forced_newton_method_on_a_sum_of_squares():
    m = rosenbrock(20)
    s = solve(m, method="trust-exact")
    assert s.route.front_door == "minimize" and s.route.method == "trust-exact"
    ref = scipy_optimize.minimize(scipy_optimize.rosen, np.full(20, 0.5), jac=scipy_optimize.rosen_der,
                                  hess=scipy_optimize.rosen_hess, method="trust-exact")
    assert s.evaluations["njev"] <= ref.njev + 2
    assert s.objective == pytest.approx(0.0, abs=1e-8)


def test_small_general_objective_uses_the_exact_hessian():
    m = Model("quartic")
    m.x = Var(range(3), initialize=1.0)
    m.obj = Objective(expr=sum((m.x[i] - i) ** 4 + exp(m.x[i] * 0.5) for i in range(3)))
    s = solve(m)
    assert s.route.method == "trust-exact" and "no constraints" in s.route.explain()
    assert s.gradient_norm < 1e-3


def test_large_sparse_model_routes_to_trust_ncg():
    s = solve(rosenbrock(400))
    assert s.route.method == "trust-ncg" and s.status == "optimal"
    assert s.objective == pytest.approx(0.0, abs=1e-8)


def test_constrained_model_matches_scipy_and_writes_duals():
    m = Model("hs071")
    m.x = Var(range(4), bounds=(1, 5), initialize={0: 1, 1: 5, 2: 5, 3: 1})
    x = m.x
    m.obj = Objective(expr=x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2])
    m.prod = Constraint(expr=x[0] * x[1] * x[2] * x[3] >= 25)
    m.ball = Constraint(expr=x[0] ** 2 + x[1] ** 2 + x[2] ** 2 + x[3] ** 2 == 40)
    s = m.solve()
    assert s.problem_class == "constrained NLP" and s.route.method == "interior-point"
    assert s.objective == pytest.approx(17.0140173, abs=1e-5)
    np.testing.assert_allclose([x[i].value for i in range(4)],
                               [1.0, 4.7429994, 3.8211503, 1.3794082], atol=1e-4)
    assert m.prod.dual is not None and m.prod.dual > 0      # raising 25 costs objective
    assert m.ball.activity == pytest.approx(40.0, abs=1e-6)
    assert s.max_violation < 1e-6


def test_maximize_model_with_mutable_data_reuses_compiled_templates():
    m = Model("hill")
    m.a = Param(initialize=1.0, mutable=True)
    m.x = Var(initialize=0.0)
    m.obj = Objective(rule=lambda m: -(m.x - m.a) ** 4 - exp(m.x - m.a), sense=maximize)
    s = solve(m)
    assert s.sense == "max" and s.status == "optimal"
    first = m.x.value
    size = cache.size()
    m.a.set_value(3.0)
    solve(m)
    assert cache.size() == size
    assert m.x.value - first == pytest.approx(2.0, abs=1e-4)


def test_square_system_model_goes_to_root():
    m = Model("system")
    m.x = Var(initialize=0.5)
    m.y = Var(initialize=1.0)
    m.c1 = Constraint(expr=exp(m.x) + m.y == 3)
    m.c2 = Constraint(expr=m.x * m.y == 0.5)
    s = solve(m)
    assert s.problem_class == "equations" and s.route.front_door == "root"
    fun = lambda v: [np.exp(v[0]) + v[1] - 3, v[0] * v[1] - 0.5]
    ref = scipy_optimize.root(fun, [0.5, 1.0])
    np.testing.assert_allclose([m.x.value, m.y.value], ref.x, atol=1e-8)


def test_fixed_variable_is_a_constant():
    m = rosenbrock(6)
    m.x[5].fix(1.0)
    s = solve(m)
    assert len(s.variables) == 5 and s.status == "optimal"
    assert m.x[5].value == 1.0 and m.x[0].value == pytest.approx(1.0, abs=1e-6)


def transport() -> tuple[Model, dict]:
    supply, demand = [30.0, 25.0], [10.0, 20.0, 15.0]
    cost = [[4.0, 6.0, 9.0], [5.0, 3.0, 7.0]]
    m = Model("transport")
    m.x = Var(range(2), range(3), domain=NonNegativeReals)
    m.cost = Objective(expr=quicksum(cost[i][j] * m.x[i, j] for i in range(2) for j in range(3)))
    m.supply = Constraint(range(2), rule=lambda m, i: quicksum(m.x[i, j] for j in range(3)) <= supply[i])
    m.demand = Constraint(range(3), rule=lambda m, j: quicksum(m.x[i, j] for i in range(2)) >= demand[j])
    return m, {"c": np.ravel(cost), "supply": supply, "demand": demand}


def test_linear_model_goes_to_solve_lp_and_matches_scipy():
    m, data = transport()
    s = solve(m)
    a_ub = np.zeros((5, 6))
    for i in range(2):
        a_ub[i, 3 * i:3 * i + 3] = 1
    for j in range(3):
        a_ub[2 + j, [j, 3 + j]] = -1
    b_ub = np.array(data["supply"] + [-d for d in data["demand"]])
    ref = scipy_optimize.linprog(data["c"], A_ub=a_ub, b_ub=b_ub, method="highs")
    assert s.problem_class == "LP" and s.route.front_door == "linprog"
    assert s.objective == pytest.approx(ref.fun)
    # demand duals: d cost / d demand = -(scipy's marginal of the flipped row)
    np.testing.assert_allclose([m.demand[j].dual for j in range(3)], -ref.ineqlin.marginals[2:],
                               atol=1e-9)
    assert sum(m.x[i, j].value for i in range(2) for j in range(3)) == pytest.approx(45.0)


def test_linear_program_input():
    lp = LinearProgram.from_arrays(c=[1.0, 2.0], A=[[1.0, 1.0]], row_lower=[1.0])
    s = solve(lp)
    assert s.status == "optimal" and s.objective == pytest.approx(1.0)
    assert s.route.problem_class == "LP" and "read as a LP" in s.route.explain()


def test_feasibility_model_without_objective():
    m = Model("feasible")
    m.x = Var(initialize=2.0)
    m.y = Var(initialize=2.0)
    m.disk = Constraint(expr=m.x ** 2 + m.y ** 2 <= 1)
    s = solve(m)
    assert s.status == "optimal" and m.x.value ** 2 + m.y.value ** 2 <= 1 + 1e-6


def test_integer_nonlinear_model_is_a_routing_error():
    from symopt.errors import RoutingError
    from symopt.model import Integers
    m = Model("minlp")
    m.n = Var(domain=Integers)
    m.obj = Objective(expr=(m.n - 0.3) ** 2)
    with pytest.raises(RoutingError, match="integer .* nonlinear"):
        solve(m)


def test_bounded_sum_of_squares_uses_trf_and_matches_scipy():
    m = rosenbrock(8)
    for i in range(8):
        m.x[i].setub(0.8)
    s = solve(m)
    assert (s.route.front_door, s.route.method) == ("least_squares", "trf")
    ref = scipy_optimize.minimize(scipy_optimize.rosen, np.full(8, 0.5), jac=scipy_optimize.rosen_der,
                                  method="L-BFGS-B", bounds=[(None, 0.8)] * 8,
                                  options={"ftol": 1e-14, "gtol": 1e-10})
    assert s.objective == pytest.approx(ref.fun, rel=1e-6)
    assert m.x[7].reduced_cost is not None


def test_time_limit_stops_least_squares_and_is_reported_for_root():
    s = solve(rosenbrock(10), time_limit=0.0)
    assert s.status == "time_limit" and "time limit" in s.message
    m = Model("system")
    m.x = Var(initialize=0.5)
    m.c1 = Constraint(expr=exp(m.x) == 2)
    s = solve(m, time_limit=1.0)
    assert s.success and any("time_limit" in w for w in s.warnings)


def test_unknown_option_on_the_least_squares_route_is_an_input_error():
    from symopt.errors import InputError
    with pytest.raises(InputError, match="unknown option 'maxiter' for least_squares; known"):
        solve(rosenbrock(4), options={"maxiter": 2})


# ----- constrained NLPs through the interior point ----------------------------------------------
def _markowitz(n=25, seed=3):
    from symopt.model import RangeSet, NonNegativeReals, quicksum
    rng = np.random.default_rng(seed)
    F = rng.normal(size=(n, 4))
    S = F @ F.T / 4 + np.diag(rng.uniform(0.01, 0.05, n))
    mean = rng.uniform(0.02, 0.15, n)
    target = float(np.quantile(mean, 0.75))
    m = Model("markowitz")
    m.A = RangeSet(0, n - 1)
    m.x = Var(m.A, domain=NonNegativeReals, initialize=1.0 / n)
    m.risk = Objective(expr=quicksum(float(S[i, j]) * m.x[i] * m.x[j] for i in range(n) for j in range(n)))
    m.budget = Constraint(expr=quicksum(m.x[i] for i in range(n)) == 1)
    m.ret = Constraint(expr=quicksum(float(mean[i]) * m.x[i] for i in range(n)) >= target)
    return m, S, mean, target


@pytest.mark.parametrize("method, options", [(None, None),
                                             ("interior-point", {"tol": 1e-12})])
def test_markowitz_is_recognized_as_a_qp_and_solved_to_full_accuracy(method, options):
    """A small convex QP goes to HiGHS's QP solver (the compiled Hessian is checked PSD);
    the interior point, asked for, agrees; both give the return row's dual."""
    from symopt.pipeline import explain
    m, S, mean, target = _markowitz()
    text = explain(m)
    assert "quadratic program" in text and "interior-point" in text
    assert "proves positive semidefinite to HiGHS's QP solver" in text
    s = solve(m, method=method, options=options)
    assert s.status == "optimal" and s.route.method == (method or "highs-qp")
    n = S.shape[0]
    ref = scipy_optimize.minimize(lambda x: x @ S @ x, np.full(n, 1 / n), jac=lambda x: 2 * S @ x,
                                  method="SLSQP", bounds=[(0, None)] * n,
                                  constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1},
                                               {"type": "ineq", "fun": lambda x: mean @ x - target}],
                                  options={"ftol": 1e-15, "maxiter": 500})
    assert s.objective <= ref.fun * (1 + 1e-8)
    assert s.objective == pytest.approx(ref.fun, rel=1e-8)
    # d risk / d target > 0 when the return row binds
    assert m.ret.dual is not None and m.ret.dual > 0


def test_infeasible_nlp_reports_infeasible_with_its_violation():
    m = Model("no_way")
    m.x = Var(initialize=0.0)
    m.y = Var(initialize=0.0)
    m.obj = Objective(expr=m.x ** 2 + m.y ** 2)
    m.disk = Constraint(expr=m.x ** 2 + m.y ** 2 <= 1)
    m.far = Constraint(expr=m.x + m.y >= 3)
    s = solve(m)
    assert s.route.method == "interior-point"
    assert s.status == "locally_infeasible" and not s.success
    assert s.max_violation > 0.1
