"""The one-call layer for sympy users, checked against scipy and known answers."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from symopt.errors import InputError, RoutingError
from symopt.symbolic import fit, solve_equations, solve_minimize

scipy_optimize = pytest.importorskip("scipy.optimize")
x, y, z = sympy.symbols("x y z")


def test_rosenbrock_reaches_the_minimum_with_a_newton_method():
    s = solve_minimize((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, {x: -1.2, y: 1.0})
    assert s.success and s.status == "optimal"
    np.testing.assert_allclose([v.value for v in s.variables], [1.0, 1.0], atol=1e-6)
    assert s.route.method == "trust-exact" and "unconstrained NLP" in s.route.explain()
    assert s.history and s.history[-1] <= s.history[0]
    assert s.gradient_norm < 1e-5


def test_constrained_minimum_and_multiplier_match_scipy():
    objective = (x - 1) ** 2 + (y - 2.5) ** 2
    constraints = [x - 2 * y + 2 >= 0, -x - 2 * y + 6 >= 0, -x + 2 * y + 2 >= 0]
    s = solve_minimize(objective, {x: 2, y: 0}, constraints=constraints,
                       bounds={x: (0, None), y: (0, None)})
    f = lambda v: (v[0] - 1) ** 2 + (v[1] - 2.5) ** 2
    cons = ({"type": "ineq", "fun": lambda v: v[0] - 2 * v[1] + 2},
            {"type": "ineq", "fun": lambda v: -v[0] - 2 * v[1] + 6},
            {"type": "ineq", "fun": lambda v: -v[0] + 2 * v[1] + 2})
    ref = scipy_optimize.minimize(f, [2, 0], method="SLSQP", bounds=((0, None), (0, None)),
                                  constraints=cons)
    np.testing.assert_allclose([v.value for v in s.variables], ref.x, atol=1e-6)
    assert s.objective == pytest.approx(ref.fun, abs=1e-8)
    assert s.route.method == "interior-point"
    # the first row is binding at (1.4, 1.7); d f / d (its lower bound 0 of x - 2y + 2) = 0.8
    first = s.constraints[0]
    assert first.binding and first.dual == pytest.approx(0.8, abs=1e-5)
    assert s.max_violation < 1e-8


def test_dual_is_the_shadow_price_in_the_objective_sense():
    s = solve_minimize(x ** 2 + y ** 2, {x: 1, y: 1}, constraints=[x + y >= 1])
    assert s.constraints[0].dual == pytest.approx(1.0, abs=1e-6)
    # maximize -(x^2 + y^2) s.t. x + y >= 1: raising the bound lowers the objective
    s = solve_minimize(-(x ** 2 + y ** 2), {x: 1, y: 1}, constraints=[x + y >= 1], sense="max")
    assert s.objective == pytest.approx(-0.5, abs=1e-8)
    assert s.constraints[0].dual == pytest.approx(-1.0, abs=1e-6)


def test_maximize_and_bounds():
    s = solve_minimize(3 - (x - 1) ** 2 - (y + 2) ** 2, {x: 0, y: 0}, sense="max",
                       bounds={y: (-1, 4)})
    assert s.sense == "max" and s.objective == pytest.approx(2.0, abs=1e-8)
    assert s.route.method == "l-bfgs-b"
    np.testing.assert_allclose([v.value for v in s.variables], [1.0, -1.0], atol=1e-6)


def test_forced_method_and_routing_error():
    s = solve_minimize((x - 2) ** 4 + (y + 1) ** 2, {x: 0, y: 0}, method="bfgs")
    assert s.route.method == "bfgs" and s.variable("y").value == pytest.approx(-1, abs=1e-5)
    with pytest.raises(RoutingError, match="methods that can: interior-point, slsqp"):
        solve_minimize(x ** 2, {x: 1}, constraints=[x >= 1], method="bfgs")


def test_equations_match_scipy_root():
    equations = [sympy.exp(x) + y - 3, x ** 2 + y ** 2 + z - 4, sympy.Eq(x * z, 1)]
    s = solve_equations(equations, {x: 0.5, y: 1.0, z: 1.0})
    def fun(v):
        return [np.exp(v[0]) + v[1] - 3, v[0] ** 2 + v[1] ** 2 + v[2] - 4, v[0] * v[2] - 1]
    ref = scipy_optimize.root(fun, [0.5, 1.0, 1.0], method="hybr")
    np.testing.assert_allclose([v.value for v in s.variables], ref.x, atol=1e-8)
    assert s.route.method == "hybr" and s.residual_norm < 1e-9


def test_fit_matches_scipy_curve_fit_with_covariance():
    a, k, c, t = sympy.symbols("a k c t")
    ts = np.linspace(0, 5, 40)
    rng = np.random.default_rng(3)
    ys = 2.5 * np.exp(-0.8 * ts) + 0.4 + rng.normal(0, 0.02, ts.size)
    s = fit(a * sympy.exp(-k * t) + c, t, ts, ys, {a: 1, k: 0.5, c: 0})
    popt, pcov = scipy_optimize.curve_fit(lambda t, a, k, c: a * np.exp(-k * t) + c, ts, ys,
                                          p0=[1, 0.5, 0])
    np.testing.assert_allclose(s.fit.parameters, popt, rtol=1e-6)
    np.testing.assert_allclose(s.fit.covariance, pcov, rtol=1e-4)
    assert s.fit.parameter_names == ["a", "k", "c"] and s.route.front_door == "curve_fit"
    np.testing.assert_allclose(s.fit.residuals, ys - (popt[0] * np.exp(-popt[1] * ts) + popt[2]),
                               atol=1e-6)


def test_fit_with_two_independent_variables_sigma_and_least_squares():
    a, b, u, v = sympy.symbols("a b u v")
    us, vs = np.linspace(0, 1, 12), np.linspace(1, 2, 12)
    ys = 1.5 * us + np.sin(0.7 * vs)
    s = fit(a * u + sympy.sin(b * v), (u, v), [us, vs], ys, {a: 1, b: 1}, sigma=0.1,
            solver="least_squares")
    np.testing.assert_allclose(s.fit.parameters, [1.5, 0.7], atol=1e-7)
    assert s.route.front_door == "least_squares"


def test_bad_start_is_an_input_error():
    with pytest.raises(InputError, match="start must be a non-empty dict"):
        solve_minimize(x ** 2, [1.0])
    with pytest.raises(InputError, match="keys of start must be sympy Symbols"):
        solve_minimize(x ** 2, {"x": 1.0})


def test_history_is_in_the_model_sense_and_time_limit_stops():
    s = solve_minimize(-(x - 1) ** 2 - (y - 2) ** 4, {x: 0, y: 0}, sense="max")
    assert s.history[0] < s.history[-1] <= 0.0
    s = solve_minimize((x - 1) ** 2 + (y - 2) ** 4, {x: 0, y: 0}, time_limit=0.0)
    assert s.status == "time_limit" and "time limit" in s.message and not s.success


def test_reduced_cost_of_a_variable_at_its_bound():
    # min (x - 3)^2 + y^2 with x <= 1: raising the bound by one lowers f at rate 2*(1 - 3) = -4
    s = solve_minimize((x - 3) ** 2 + y ** 2, {x: 0, y: 1}, bounds={x: (None, 1)})
    assert s.variable("x").reduced_cost == pytest.approx(-4.0, abs=1e-6)
    assert s.variable("y").reduced_cost == 0.0
    s = solve_minimize((x - 3) ** 2 + y ** 2, {x: 0, y: 1}, bounds={x: (None, 1)},
                       constraints=[x + y >= 0.5])
    assert s.variable("x").reduced_cost == pytest.approx(-4.0, abs=1e-5)


def test_any_symbol_names_are_safe():
    weird = sympy.symbols("lambda x[1] __import__('os') numpy")
    objective = sum((s - k) ** 2 for k, s in enumerate(weird)) + weird[0] * weird[3]
    s = solve_minimize(objective, {s: 0.0 for s in weird})
    assert s.status == "optimal"
    assert [v.name for v in s.variables] == [str(w) for w in weird]


def test_unsupported_function_is_a_compile_error():
    from symopt.errors import CompileError
    with pytest.raises(CompileError, match="cannot generate numpy code"):
        solve_minimize(sympy.Function("g")(x) ** 2, {x: 1.0})


def test_a_fit_that_does_not_converge_is_a_status_not_a_crash():
    a, k, t = sympy.symbols("a k t")
    x = np.linspace(0, 1, 20)
    solution = fit(a * sympy.exp(-k * t), t, x, np.exp(-3 * x), {a: 1, k: 1},
                          options={"max_nfev": 2})
    assert (solution.status, solution.success) == ("iteration_limit", False)
    assert solution.fit.covariance is None and len(solution.fit.parameters) == 2
