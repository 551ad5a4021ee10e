"""minimize(method="interior-point"): the primal-dual barrier method on known answers and hard cases."""
from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.optimize as so
import scipy.sparse as sp

from symopt.errors import InputError
from symopt.optimize import LinearConstraint, NonlinearConstraint, minimize

IPM = "interior-point"


# ----- problems ------------------------------------------------------------------------------
def hs071():
    """Hock-Schittkowski 71: f* = 17.0140173, with exact derivatives."""
    f = lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    g = lambda x: np.array([x[3] * (2 * x[0] + x[1] + x[2]), x[0] * x[3], x[0] * x[3] + 1,
                            x[0] * (x[0] + x[1] + x[2])])

    def hess(x):
        a = 2 * x[0] + x[1] + x[2]
        return np.array([[2 * x[3], x[3], x[3], a], [x[3], 0, 0, x[0]], [x[3], 0, 0, x[0]],
                         [a, x[0], x[0], 0]])

    def prod_hess(x, v):
        p = [[0, x[2] * x[3], x[1] * x[3], x[1] * x[2]], [x[2] * x[3], 0, x[0] * x[3], x[0] * x[2]],
             [x[1] * x[3], x[0] * x[3], 0, x[0] * x[1]], [x[1] * x[2], x[0] * x[2], x[0] * x[1], 0]]
        return v[0] * np.array(p)

    product = NonlinearConstraint(lambda x: np.prod(x), 25, np.inf, hess=prod_hess, jac=lambda x: np.array(
        [[x[1] * x[2] * x[3], x[0] * x[2] * x[3], x[0] * x[1] * x[3], x[0] * x[1] * x[2]]]))
    sphere = NonlinearConstraint(lambda x: x @ x, 40, 40, jac=lambda x: 2 * x[None, :],
                                 hess=lambda x, v: 2 * v[0] * np.eye(4))
    return f, g, hess, [product, sphere]


def hanging_chain(nh, a=1.0, b=3.0, length=4.0):
    """COPS 'chain' (trapezoidal rule): u = x', y = arc length; min the potential energy."""
    N, h = nh + 1, 1.0 / nh
    t = np.linspace(0, 1, N)
    start = np.concatenate((4 * abs(b - a) * (t - 0.25), 2 * abs(b - a) * t * (t - 0.5) + a, length * t))
    w = np.full(N, h)
    w[0] = w[-1] = h / 2
    U, X, Y = slice(0, N), slice(N, 2 * N), slice(2 * N, 3 * N)
    r = np.arange(nh)

    def f(z):
        return float(w @ (z[X] * np.sqrt(1 + z[U] ** 2)))

    def grad(z):
        s = np.sqrt(1 + z[U] ** 2)
        return np.concatenate((w * z[X] * z[U] / s, w * s, np.zeros(N)))

    def cons(z):
        u, x, y = z[U], z[X], z[Y]
        s = np.sqrt(1 + u * u)
        return np.concatenate((x[1:] - x[:-1] - h / 2 * (u[1:] + u[:-1]),
                               y[1:] - y[:-1] - h / 2 * (s[1:] + s[:-1]), [x[0], x[-1], y[0], y[-1]]))

    def jac(z):
        ds = z[U] / np.sqrt(1 + z[U] ** 2)
        rows = np.concatenate((r, r, r, r, nh + r, nh + r, nh + r, nh + r, 2 * nh + np.arange(4)))
        cols = np.concatenate((N + r + 1, N + r, r + 1, r, 2 * N + r + 1, 2 * N + r, r + 1, r,
                               [N, 2 * N - 1, 2 * N, 3 * N - 1]))
        one = np.ones(nh)
        vals = np.concatenate((one, -one, -h / 2 * one, -h / 2 * one, one, -one,
                               -h / 2 * ds[1:], -h / 2 * ds[:-1], np.ones(4)))
        return sp.csr_matrix((vals, (rows, cols)), shape=(2 * nh + 4, 3 * N))

    def lagrangian_hess(z, sigma, v):
        u, x = z[U], z[X]
        s = np.sqrt(1 + u * u)
        weight = np.zeros(N)
        weight[1:] += v[nh:2 * nh]
        weight[:-1] += v[nh:2 * nh]
        huu = (sigma * w * x - h / 2 * weight) / s ** 3
        rows = np.concatenate((np.arange(N), N + np.arange(N)))
        return sp.coo_matrix((np.concatenate((huu, sigma * w * u / s)), (rows, np.tile(np.arange(N), 2))),
                             shape=(3 * N, 3 * N))

    ends = np.concatenate((np.zeros(2 * nh), [a, b, 0, length]))
    return f, grad, NonlinearConstraint(cons, ends, ends, jac=jac), lagrangian_hess, start


# ----- known answers ---------------------------------------------------------------------------
@pytest.mark.parametrize("hessian", ["auto", "limited-memory"])
def test_hs071_known_answer_with_multipliers(hessian):
    f, g, hess, constraints = hs071()
    res = minimize(f, [1, 5, 5, 1], jac=g, hess=hess, method=IPM, bounds=[(1, 5)] * 4,
                   constraints=constraints, options={"hessian_approximation": hessian})
    assert res.status == 0 and res.success
    assert res.fun == pytest.approx(17.014017145179164, rel=1e-8)
    np.testing.assert_allclose(res.x, [1.0, 4.74299964, 3.82114998, 1.37940829], atol=1e-6)
    # IPOPT's published multipliers: lambda = (-0.55229366, 0.16146857) with L = f + lambda . c
    np.testing.assert_allclose(np.concatenate(res.v), [-0.55229366, 0.16146857], atol=1e-6)
    np.testing.assert_allclose(res.multipliers_bounds[0], 1.08787121, atol=1e-5)
    assert res.hessian == ("exact" if hessian == "auto" else "limited-memory")


def test_multipliers_match_finite_difference_sensitivity():
    """d f* / d ub of the active sphere constraint equals v (L = f + v c)."""
    f, g, hess, (product, _) = hs071()

    def optimum(radius2):
        sphere = NonlinearConstraint(lambda x: x @ x, radius2, radius2, jac=lambda x: 2 * x[None, :],
                                     hess=lambda x, v: 2 * v[0] * np.eye(4))
        return minimize(f, [1, 5, 5, 1], jac=g, hess=hess, method=IPM, bounds=[(1, 5)] * 4,
                        constraints=[product, sphere])
    base, step = optimum(40.0), 1e-4
    slope = (optimum(40.0 + step).fun - optimum(40.0 - step).fun) / (2 * step)
    assert -base.v[1][0] == pytest.approx(slope, rel=1e-4)


def test_dict_constraints_agree_with_scipy_slsqp():
    cons = [{"type": "ineq", "fun": lambda x: x[0] - 2 * x[1] + 2},
            {"type": "ineq", "fun": lambda x: -x[0] - 2 * x[1] + 6},
            {"type": "ineq", "fun": lambda x: -x[0] + 2 * x[1] + 2}]
    fun = lambda x: (x[0] - 1) ** 2 + (x[1] - 2.5) ** 2
    ours = minimize(fun, [2, 0], method=IPM, constraints=cons, bounds=((0, None), (0, None)))
    ref = so.minimize(fun, [2, 0], method="SLSQP", constraints=cons, bounds=((0, None), (0, None)),
                      options={"ftol": 1e-12})
    assert ours.success
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)
    # the first constraint is active: fun >= 0 active gives v <= 0, SLSQP's multiplier is -v
    assert ours.v[0][0] == pytest.approx(-0.8, abs=1e-6)
    assert ours.constraint_multipliers[0][0] == pytest.approx(0.8, abs=1e-6)


def test_markowitz_qp_to_full_accuracy():
    """min x'Sx s.t. mean'x >= target, sum x = 1, x >= 0 against an exact active-set solve."""
    rng = np.random.default_rng(7)
    n = 30
    F = rng.normal(size=(n, 5))
    S = F @ F.T / 5 + np.diag(rng.uniform(0.01, 0.05, n))
    mean = rng.uniform(0.02, 0.15, n)
    target = float(np.quantile(mean, 0.8))
    A = LinearConstraint(np.vstack((mean, np.ones(n))), [target, 1], [np.inf, 1])
    res = minimize(lambda x: float(x @ S @ x), np.full(n, 1 / n), jac=lambda x: 2 * S @ x,
                   hess=lambda x: 2 * S, method=IPM, bounds=[(0, None)] * n, constraints=A,
                   tol=1e-12)
    assert res.status == 0
    reference = _active_set_reference(S, mean, target, res.x)
    assert res.fun == pytest.approx(reference, rel=1e-8)


def _active_set_reference(S, mean, target, x):
    """The exact QP optimum on the active set that ``x`` identifies (checked to be a KKT point)."""
    n = x.size
    free = x > 1e-7
    rows = [np.ones(n)[free]] + [mean[free]] * bool(abs(mean @ x - target) < 1e-6)
    E = np.array(rows)
    K = np.block([[2 * S[np.ix_(free, free)], E.T], [E, np.zeros((len(rows), len(rows)))]])
    rhs = np.concatenate((np.zeros(free.sum()), [1.0, target][:len(rows)]))
    sol = np.linalg.solve(K, rhs)
    xs = np.zeros(n)
    xs[free] = sol[:free.sum()]
    lam = -sol[free.sum():]
    grad = 2 * S @ xs - np.array([np.ones(n)] + [mean] * (len(rows) - 1)).T @ lam
    assert np.all(xs >= -1e-12) and np.all(grad[~free] >= -1e-9)
    return float(xs @ S @ xs)


def test_hanging_chain_converges_in_few_iterations():
    f, grad, con, hess, start = hanging_chain(100)
    res = minimize(f, start, jac=grad, method=IPM, constraints=con, options={"lagrangian_hess": hess})
    assert res.status == 0
    assert res.nit <= 30
    assert res.fun == pytest.approx(5.0697846, abs=1e-6)
    assert res.constr_violation < 1e-8
    assert res.kkt_residuals["stationarity"] < 1e-6


# ----- hard cases ------------------------------------------------------------------------------
def test_infeasible_ends_locally_infeasible_at_least_violation():
    circle = NonlinearConstraint(lambda x: x @ x, -np.inf, 1, jac=lambda x: 2 * x[None, :])
    res = minimize(lambda x: x @ x, [0.0, 0.0], jac=lambda x: 2 * x, method=IPM,
                   constraints=[circle, LinearConstraint([[1, 1]], 3, np.inf)])
    assert res.status == 4 and not res.success
    assert "infeasib" in res.message
    # least squares of the two violations: 2 (|x|^2 - 1) x_i * 2 ... symmetric point x = y
    assert res.x[0] == pytest.approx(res.x[1], abs=1e-6)
    assert 0.5 < res.constr_violation < 2.5


@pytest.mark.parametrize("hess", [None, lambda x: np.zeros((2, 2))])
def test_unbounded_has_its_status(hess):
    res = minimize(lambda x: -x[0] - x[1], [0.0, 0.0], jac=lambda x: -np.ones(2), hess=hess,
                   method=IPM, constraints=[LinearConstraint([[1, -1]], 0, 0)],
                   bounds=[(0, None), (0, None)])
    assert res.status == 5 and not res.success
    assert res.nit < 100


def test_nan_during_line_search_shrinks_the_step():
    nans = []

    def f(x):
        if x[0] <= 0:
            nans.append(x.copy())
            return np.nan
        return x[0] - np.log(x[0]) + (x[1] - 1) ** 2
    res = minimize(f, [10.0, 0.0], jac=lambda x: np.array([1 - 1 / x[0], 2 * (x[1] - 1)]),
                   hess=lambda x: np.diag([1 / x[0] ** 2, 2.0]), method=IPM,
                   constraints=[LinearConstraint([[1, 1]], -np.inf, 100)])
    assert nans, "the first full step should have reached x[0] <= 0"
    assert res.status == 0
    np.testing.assert_allclose(res.x, [1, 1], atol=1e-7)


def test_rank_deficient_jacobian_is_regularized():
    A = LinearConstraint([[1, 1, 1], [1, 1, 1], [2, 2, 2]], [3, 3, 6], [3, 3, 6])
    res = minimize(lambda x: x @ x, [3.0, 1.0, 2.0], jac=lambda x: 2 * x, hess=lambda x: 2 * np.eye(3),
                   method=IPM, constraints=A)
    assert res.status == 0
    np.testing.assert_allclose(res.x, [1, 1, 1], atol=1e-8)
    # stationarity holds with whatever split of the multiplier among the copies
    assert res.kkt_residuals["stationarity"] < 1e-7


def test_time_limit_returns_the_last_point_with_its_violation():
    def slow(x):
        time.sleep(0.02)
        return float((x[0] - 1) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)
    res = minimize(slow, [-1.2, 1.0], method=IPM, constraints=[{"type": "eq", "fun": lambda x: x[0] - x[1] ** 3}],
                   options={"time_limit": 0.1})
    assert res.status == 6 and not res.success
    assert np.isfinite(res.constr_violation) and res.x.shape == (2,)


def test_iteration_limit_and_callback_stop():
    f, g, hess, constraints = hs071()
    res = minimize(f, [1, 5, 5, 1], jac=g, hess=hess, method=IPM, bounds=[(1, 5)] * 4,
                   constraints=constraints, options={"maxiter": 2})
    assert res.status == 1 and res.nit == 2 and not res.success

    def stop(xk):
        raise StopIteration
    res = minimize(f, [1, 5, 5, 1], jac=g, method=IPM, bounds=[(1, 5)] * 4,
                   constraints=constraints, callback=stop)
    assert res.status == 99 and res.nit == 1


def test_bad_options_are_clear_errors():
    with pytest.raises(InputError, match="hessian_approximation"):
        minimize(lambda x: x @ x, [1.0], method=IPM, options={"hessian_approximation": "sr1"})
    with pytest.raises(InputError, match="lagrangian_hess|hess"):
        minimize(lambda x: x @ x, [1.0], method=IPM, options={"hessian_approximation": "exact"})


def test_fixed_variables_and_equal_bounds_stay_put():
    res = minimize(lambda x: (x[0] - 2) ** 2 + (x[1] - 3) ** 2, [0.0, 0.0], method=IPM,
                   bounds=[(1, 1), (None, None)], constraints=[LinearConstraint([[1, 1]], -np.inf, 3.5)])
    assert res.status == 0
    np.testing.assert_allclose(res.x, [1, 2.5], atol=1e-7)
    # the fixed variable's bound multiplier: grad f + J^T v at it
    assert res.multipliers_bounds[0] == pytest.approx(-2 + res.v[0][0], abs=1e-6)


def test_filter_tests_take_a_slope_near_minus_1e300_without_overflow():
    """A coefficient near 1e308 (the fuzz harness's opt-1629) gave a barrier slope near
    -1e300; Python's float ** raised OverflowError inside the filter line search."""
    from symopt.optimize._nonlinear import ipm_linesearch

    class Everything:
        theta_min = 1.0

        def acceptable(self, theta: float, phi: float) -> bool:
            return True

    assert ipm_linesearch._alpha_min(1e-3, -1e300, 1.0) == pytest.approx(1e-16)
    # a switching step whose Armijo decrease (of order 1e296) is not met: rejected, no error
    assert ipm_linesearch._accept(1e-3, 1.0, -1e300, 1.0, 1e-4, 0.5, Everything())[0] is None


def test_a_vanishing_step_limits_nothing_and_warns_nothing():
    """A shrinking step of 1e-320 against a gap of 1e10 divides to inf: alpha 1, silently."""
    import warnings

    from symopt.optimize._nonlinear.ipm_linesearch import fraction_to_boundary
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fraction_to_boundary(np.array([1e10, 1.0]), np.array([-1e-320, -0.5]), 0.99) == 1.0
        assert fraction_to_boundary(np.array([1e10, 1.0]), np.array([-1e-320, -4.0]), 0.99) \
            == pytest.approx(0.2475)


def test_restoration_from_a_violation_near_1e308_is_a_status_not_an_overflow():
    """A constraint coefficient of 1e308 (found by the fuzz harness on the chemical
    equilibrium model) starts restoration with mu at the violation: mu^1.5 and the
    violation squared overflowed Python's float power. Now the solve ends with a status."""
    x0 = np.full(4, 0.1)
    rows = LinearConstraint(np.array([[1.0, -1e30, 2.0, 1e308], [1.0, 2.0, 0.0, 1.0]]),
                            [2.0, 1.0], [2.0, 1.0])
    with np.errstate(all="ignore"):
        res = minimize(lambda x: float(np.sum(x * np.log(x))), x0,
                       jac=lambda x: np.log(x) + 1.0, method="interior-point",
                       bounds=[(1e-6, None)] * 4, constraints=[rows])
    assert res.status in (3, 4, 7) and not res.success
