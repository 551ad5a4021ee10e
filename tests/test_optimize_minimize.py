"""symopt.optimize.minimize against scipy.optimize.minimize, method by method."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so

from symopt.errors import InputError
from symopt.optimize import Bounds, LinearConstraint, NonlinearConstraint, minimize
from symopt.optimize.result import OptimizeWarning

GRADIENT_METHODS = ["CG", "BFGS", "L-BFGS-B", "Newton-CG", "trust-ncg", "trust-exact", "SLSQP"]
ALL_METHODS = ["Nelder-Mead"] + GRADIENT_METHODS
HESSIAN_METHODS = ("Newton-CG", "trust-ncg", "trust-exact")


def rosen(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def quartic(x):
    """A smooth convex function with minimum at (1, -2, 0.5)."""
    d = x - np.array([1.0, -2.0, 0.5])
    return float(np.sum(d ** 2) + np.sum(d ** 4) + 0.5 * d[0] * d[1])


def quartic_grad(x):
    d = x - np.array([1.0, -2.0, 0.5])
    return 2 * d + 4 * d ** 3 + 0.5 * np.array([d[1], d[0], 0.0])


def quartic_hess(x):
    d = x - np.array([1.0, -2.0, 0.5])
    H = np.diag(2 + 12 * d ** 2)
    H[0, 1] = H[1, 0] = 0.5
    return H


PROBLEMS = {
    "rosen2": (so.rosen, so.rosen_der, so.rosen_hess, np.array([-1.2, 1.0])),
    "rosen5": (so.rosen, so.rosen_der, so.rosen_hess, np.array([-1.2, 1.0, -1.2, 1.0, 0.5])),
    "quartic": (quartic, quartic_grad, quartic_hess, np.zeros(3)),
}


def derivative_kwargs(method, name):
    fun, jac, hess, _ = PROBLEMS[name]
    if method == "Nelder-Mead":
        return {}
    kw = {"jac": jac}
    if method in HESSIAN_METHODS:
        kw["hess"] = hess
    return kw


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("method", ALL_METHODS)
def test_same_minimum_as_scipy(method, name):
    fun, _, _, x0 = PROBLEMS[name]
    kw = derivative_kwargs(method, name)
    options = {"xatol": 1e-8, "fatol": 1e-10, "maxiter": 5000} if method == "Nelder-Mead" else {}
    ours = minimize(fun, x0, method=method, options=options, **kw)
    ref = so.minimize(fun, x0, method=method, options=options, **kw)
    assert ref.success
    assert ours.success, ours.message
    assert ours.fun <= ref.fun + 1e-6 * (1 + abs(ref.fun))
    assert np.allclose(ours.x, ref.x, atol=2e-3)
    assert set(ref.keys()) <= set(ours.keys())


@pytest.mark.parametrize("method", GRADIENT_METHODS)
def test_exact_gradients_cost_about_what_scipy_needs(method):
    """The benchmark (benchmarks/mgh.py) checks the medians; here a quick guard."""
    ours = ref = 0
    for name in PROBLEMS:
        fun, _, _, x0 = PROBLEMS[name]
        kw = derivative_kwargs(method, name)
        res = minimize(fun, x0, method=method, **kw)
        assert res.success, (name, res.message)
        ours += res.njev
        ref += so.minimize(fun, x0, method=method, **kw).njev
    assert ours <= 1.15 * ref


@pytest.mark.parametrize("method", ["CG", "BFGS", "L-BFGS-B", "SLSQP"])
@pytest.mark.parametrize("jac", [None, "2-point", "3-point"])
def test_finite_difference_gradients_match_scipy(method, jac):
    ours = minimize(quartic, np.zeros(3), method=method, jac=jac)
    ref = so.minimize(quartic, np.zeros(3), method=method, jac=jac)
    assert ours.success and np.allclose(ours.x, ref.x, atol=1e-4)
    assert ours.nfev > ours.njev


@pytest.mark.parametrize("method", HESSIAN_METHODS)
def test_finite_difference_hessian_when_none_is_given(method):
    res = minimize(quartic, np.zeros(3), method=method, jac=quartic_grad)
    assert res.success and np.allclose(res.x, [1.0, -2.0, 0.5], atol=1e-4)


def test_default_methods_follow_scipy():
    x0 = np.array([0.5, 0.5])
    assert "hess_inv" in minimize(so.rosen, x0)                    # BFGS
    boxed = minimize(so.rosen, x0, bounds=[(0, 0.8), (0, 0.8)])    # L-BFGS-B
    assert "CONVERGENCE" in boxed.message
    constrained = minimize(so.rosen, x0, constraints={"type": "ineq", "fun": lambda x: 1 - x[0]})
    assert "multipliers" in constrained                           # SLSQP


@pytest.mark.parametrize("bounds", [[(-2, 0.5), (0, 2)], Bounds([0, 0], [0.8, 0.5])])
@pytest.mark.parametrize("method", ["L-BFGS-B", "SLSQP", "Nelder-Mead"])
def test_bounded_solutions_match_scipy(method, bounds):
    x0 = np.array([-1.2, 1.0]) if isinstance(bounds, list) else np.array([0.3, 0.2])
    kw = {} if method == "Nelder-Mead" else {"jac": so.rosen_der}
    ours = minimize(so.rosen, x0, method=method, bounds=bounds, **kw)
    scipy_bounds = so.Bounds(bounds.lb, bounds.ub) if isinstance(bounds, Bounds) else bounds
    ref = so.minimize(so.rosen, x0, method=method, bounds=scipy_bounds, **kw)
    assert ours.success
    assert np.allclose(ours.x, ref.x, atol=1e-3)


def test_lbfgsb_on_a_bounded_quadratic_in_many_variables():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(40, 30))
    Q, b = A.T @ A + np.eye(30), rng.normal(size=30) * 10
    f = lambda x: float(0.5 * x @ Q @ x - b @ x)
    g = lambda x: Q @ x - b
    bounds = [(-0.3, 0.4)] * 30
    ours = minimize(f, np.zeros(30), jac=g, method="L-BFGS-B", bounds=bounds)
    ref = so.minimize(f, np.zeros(30), jac=g, method="L-BFGS-B", bounds=bounds)
    assert ours.success and ours.fun <= ref.fun + 1e-7
    assert np.allclose(ours.x, ref.x, atol=1e-4)


def test_jac_true_returns_value_and_gradient_from_one_call():
    calls = []

    def fun_and_grad(x):
        calls.append(1)
        return so.rosen(x), so.rosen_der(x)

    res = minimize(fun_and_grad, np.array([-1.2, 1.0]), jac=True, method="BFGS")
    assert res.success and len(calls) == res.nfev == res.njev


def test_args_are_passed_to_fun_and_jac():
    res = minimize(lambda x, a: float((x[0] - a) ** 2), [0.0], args=(3.0,), method="BFGS",
                   jac=lambda x, a: np.array([2 * (x[0] - a)]))
    assert abs(res.x[0] - 3.0) < 1e-6


def test_hessp_only_for_newton_methods():
    for method in ("Newton-CG", "trust-ncg"):
        res = minimize(so.rosen, np.array([-1.2, 1.0, 0.8]), method=method, jac=so.rosen_der,
                       hessp=so.rosen_hess_prod)
        assert res.success and np.allclose(res.x, 1, atol=1e-4)


@pytest.mark.parametrize("method", ["Nelder-Mead", "BFGS", "SLSQP"])
def test_return_all_keeps_every_iterate(method):
    res = minimize(so.rosen, np.array([-1.2, 1.0]), method=method,
                   options={"return_all": True})
    assert len(res.allvecs) == res.nit + 1 and np.allclose(res.allvecs[-1], res.x)


def test_callback_old_and_new_style_and_stop_iteration():
    seen = []
    minimize(so.rosen, np.array([-1.2, 1.0]), method="BFGS", callback=lambda xk: seen.append(xk))
    assert len(seen) > 5

    def stop(intermediate_result):
        raise StopIteration

    res = minimize(so.rosen, np.array([-1.2, 1.0]), method="L-BFGS-B", callback=stop)
    assert res.status == 99 and not res.success and res.nit == 1


@pytest.mark.parametrize("method,limit", [("BFGS", "maxiter"), ("Nelder-Mead", "maxfev"),
                                          ("L-BFGS-B", "maxiter"), ("SLSQP", "maxiter"),
                                          ("trust-exact", "maxiter"), ("CG", "maxiter")])
def test_limits_are_statuses_not_errors(method, limit):
    kw = {"jac": so.rosen_der, "hess": so.rosen_hess} if method == "trust-exact" else {}
    res = minimize(so.rosen, np.array([-1.2, 1.0]), method=method, options={limit: 3}, **kw)
    ref = so.minimize(so.rosen, np.array([-1.2, 1.0]), method=method, options={limit: 3}, **kw)
    assert not res.success and res.status == ref.status


def test_nan_during_the_solve_steps_back():
    def f(x):
        return float(np.sum(x ** 2)) if x[0] > -0.5 else np.nan

    for method in ("BFGS", "L-BFGS-B", "CG", "Nelder-Mead"):
        res = minimize(f, np.array([3.0, 1.0]), method=method)
        assert np.all(np.isfinite(res.x))
        assert res.fun < 1e-6, method


def test_equality_and_inequality_constraints_with_multipliers():
    f = lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    cons = [{"type": "ineq", "fun": lambda x: np.prod(x) - 25},
            {"type": "eq", "fun": lambda x: np.sum(x ** 2) - 40}]
    x0, bounds = np.array([1.0, 5, 5, 1]), [(1, 5)] * 4
    ours = minimize(f, x0, method="SLSQP", bounds=bounds, constraints=cons)
    ref = so.minimize(f, x0, method="SLSQP", bounds=bounds, constraints=cons)
    assert ours.success and np.allclose(ours.x, ref.x, atol=1e-4)
    ineq, eq = ours.constraint_multipliers
    assert ineq[0] == pytest.approx(0.55229, abs=1e-3)   # grad f = sum mult * grad c
    assert eq[0] == pytest.approx(-0.16147, abs=1e-3)
    assert np.allclose(ours.multipliers, ref.multipliers, atol=1e-3)   # scipy's flat array


def test_constraint_objects_match_scipy_and_upper_bounds_get_negative_multipliers():
    f = lambda x: float((x[0] - 2) ** 2 + (x[1] - 1) ** 2)
    circle = lambda x: x[0] ** 2 + x[1] ** 2
    ours = minimize(f, np.zeros(2), method="SLSQP",
                    constraints=[NonlinearConstraint(circle, -np.inf, 1.0),
                                 LinearConstraint([[1, -1]], -np.inf, 0.2)])
    ref = so.minimize(f, np.zeros(2), method="SLSQP",
                      constraints=[so.NonlinearConstraint(circle, -np.inf, 1.0),
                                   so.LinearConstraint([[1, -1]], -np.inf, 0.2)])
    assert ours.success and np.allclose(ours.x, ref.x, atol=1e-5)
    assert np.allclose(ours.x, [0.8, 0.6], atol=1e-5)
    circle_mult, line_mult = ours.constraint_multipliers[0][0], ours.constraint_multipliers[1][0]
    assert circle_mult < 0 and line_mult < 0
    grad_f = np.array([2 * (0.8 - 2), 2 * (0.6 - 1)])
    assert np.allclose(grad_f, circle_mult * np.array([1.6, 1.2]) + line_mult * np.array([1, -1]),
                       atol=1e-4)


@pytest.mark.parametrize("kwargs,fragment", [
    ({"x0": [[1.0, 2.0]]}, "x0 must be 1-D"),
    ({"x0": [np.nan, 1.0]}, "x0 must be finite"),
    ({"method": "foo"}, "unknown method 'foo'"),
    ({"method": "COBYLA"}, "method 'COBYLA' of scipy's minimize is not offered"),
    ({"options": {"gtoll": 1}}, "unknown option 'gtoll' for method 'bfgs' of minimize"),
    ({"bounds": [(1, 0), (0, 1)], "method": "L-BFGS-B"}, "lower bound 1.0 exceeds upper"),
    ({"bounds": [(0, 1)], "method": "L-BFGS-B"}, "sequence of 2 (min, max) pairs"),
    ({"jac": lambda x: np.zeros(3)}, "jac must return an array of shape (2,)"),
    ({"jac": "4-point"}, "jac must be a callable"),
    ({"method": "trust-exact", "hess": lambda x: np.eye(3)}, "hess must return an array"),
])
def test_bad_input_names_the_argument(kwargs, fragment):
    call = {"fun": so.rosen, "x0": [0.5, 0.5], **kwargs}
    with pytest.raises(InputError) as info:
        minimize(**call)
    assert fragment in str(info.value)


def test_non_finite_start_value_is_an_input_error():
    with pytest.raises(InputError, match=r"fun\(x0\) must be finite"):
        minimize(lambda x: np.inf, [1.0])


def test_bounds_ignored_by_bfgs_warn_as_scipy():
    with pytest.warns(OptimizeWarning):
        minimize(so.rosen, [0.5, 0.5], method="BFGS", bounds=[(0, 1), (0, 1)])
    with pytest.warns(OptimizeWarning):
        minimize(so.rosen, [0.5, 0.5], method="CG", constraints={"type": "eq", "fun": np.sum})


def test_tol_sets_the_main_tolerance():
    loose = minimize(so.rosen, [-1.2, 1.0], method="BFGS", jac=so.rosen_der, tol=1e-2)
    tight = minimize(so.rosen, [-1.2, 1.0], method="BFGS", jac=so.rosen_der, tol=1e-9)
    assert loose.nit < tight.nit and np.max(np.abs(tight.jac)) <= 1e-9


@pytest.mark.parametrize("method", ["L-BFGS-B", "SLSQP", "Nelder-Mead"])
def test_fixed_variables_lb_equal_ub(method):
    bounds = [(0.5, 0.5), (-1, 2), (0, 0)]
    ours = minimize(so.rosen, [0.5, 0.2, 0.0], method=method, bounds=bounds)
    ref = so.minimize(so.rosen, [0.5, 0.2, 0.0], method=method, bounds=bounds)
    assert ours.success and ours.x[0] == 0.5 and ours.x[2] == 0.0
    assert np.allclose(ours.x, ref.x, atol=1e-4)
