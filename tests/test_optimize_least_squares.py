"""least_squares ('trf', 'lm', robust losses, bounds) against scipy.optimize.least_squares."""
from __future__ import annotations

import numpy as np
import pytest

from symopt.errors import InputError
from symopt.optimize import approx_derivative, least_squares
from symopt.optimize._systems.losses import LOSSES

scipy_optimize = pytest.importorskip("scipy.optimize")

T = np.linspace(0.0, 4.0, 25)
Y = 3.0 * np.exp(-0.7 * T) + 0.5 + 0.02 * np.sin(9.0 * T)
Y_OUTLIERS = Y.copy()
Y_OUTLIERS[[3, 11, 19]] += [2.0, -1.5, 3.0]


def decay(p, y=Y):
    return p[0] * np.exp(-p[1] * T) + p[2] - y


def decay_jac(p, y=Y):
    e = np.exp(-p[1] * T)
    return np.column_stack([e, -p[0] * T * e, np.ones_like(T)])


def rosenbrock(x):
    return np.array([10.0 * (x[1] - x[0] ** 2), 1.0 - x[0]])


def rosenbrock_jac(x):
    return np.array([[-20.0 * x[0], 10.0], [-1.0, 0.0]])


def bard(x):
    """Moré-Garbow-Hillstrom problem 8 (15 residuals, 3 unknowns, nonzero residual)."""
    u = np.arange(1, 16)
    v = 16 - u
    w = np.minimum(u, v)
    y = np.array([.14, .18, .22, .25, .29, .32, .35, .39, .37, .58, .73, .96, 1.34, 2.10, 4.39])
    return y - (x[0] + u / (v * x[1] + w * x[2]))


CASES = [
    ("decay", decay, [1.0, 1.0, 0.0], decay_jac),
    ("rosenbrock", rosenbrock, [-1.2, 1.0], rosenbrock_jac),
    ("bard", bard, [1.0, 1.0, 1.0], "2-point"),
]


@pytest.mark.parametrize("method", ["trf", "lm"])
@pytest.mark.parametrize("name,fun,x0,jac", CASES, ids=[c[0] for c in CASES])
def test_unbounded_matches_scipy(method, name, fun, x0, jac):
    ours = least_squares(fun, x0, jac=jac, method=method)
    theirs = scipy_optimize.least_squares(fun, x0, jac=jac, method=method)
    assert ours.success, ours.message
    assert ours.cost == pytest.approx(theirs.cost, rel=1e-7, abs=1e-14)
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ours.grad, ours.jac.T @ ours.fun)
    assert ours.nfev <= 3 * theirs.nfev + 5


@pytest.mark.parametrize("x0,bounds", [
    ([1.0, 1.0, 0.0], ([0.0, 0.9, -1.0], [10.0, 10.0, 1.0])),
    ([1.0, 0.5, 0.7], ([0.0, 0.0, 0.6], [2.5, 10.0, 5.0])),
    ([1.0, 0.5, 0.7], (-np.inf, [np.inf, 0.6, np.inf])),
])
def test_bounds_match_scipy(x0, bounds):
    ours = least_squares(decay, x0, jac=decay_jac, bounds=bounds)
    theirs = scipy_optimize.least_squares(decay, x0, jac=decay_jac, bounds=bounds)
    assert ours.success
    assert ours.cost <= theirs.cost * (1 + 1e-7)
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-4, atol=1e-7)
    np.testing.assert_array_equal(ours.active_mask, theirs.active_mask)
    assert ours.optimality < 1e-4


def test_start_on_a_bound_is_moved_inside():
    bounds = ([1.0, 0.0, 0.0], [10.0, 10.0, 10.0])
    ours = least_squares(decay, [1.0, 1.0, 0.0], bounds=bounds)
    theirs = scipy_optimize.least_squares(decay, [1.0, 1.0, 0.0], bounds=bounds)
    assert ours.success
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-5, atol=1e-7)


def test_bounded_rosenbrock_with_active_bound():
    ours = least_squares(rosenbrock, [-1.2, 1.0], bounds=([-2.0, -2.0], [0.5, 2.0]))
    theirs = scipy_optimize.least_squares(rosenbrock, [-1.2, 1.0],
                                          bounds=([-2.0, -2.0], [0.5, 2.0]))
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-6)
    assert ours.active_mask.tolist() == [1, 0]


@pytest.mark.parametrize("loss", sorted(set(LOSSES) - {"linear"}))
def test_robust_losses_match_scipy(loss):
    fun = lambda p: decay(p, Y_OUTLIERS)  # noqa: E731
    jac = lambda p: decay_jac(p, Y_OUTLIERS)  # noqa: E731
    ours = least_squares(fun, [1.0, 1.0, 0.0], jac=jac, loss=loss, f_scale=0.1)
    theirs = scipy_optimize.least_squares(fun, [1.0, 1.0, 0.0], jac=jac, loss=loss,
                                          f_scale=0.1)
    assert ours.success
    assert ours.cost == pytest.approx(theirs.cost, rel=1e-6)
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-4)
    np.testing.assert_allclose(ours.fun, theirs.fun, atol=1e-4)   # raw residuals


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_loss_derivatives_are_consistent(loss):
    z = np.linspace(0.01, 9.0, 50)
    rho, h = LOSSES[loss](z), 1e-6
    above, below = LOSSES[loss](z + h), LOSSES[loss](z - h)
    np.testing.assert_allclose(rho[1], (above[0] - below[0]) / (2 * h), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(rho[2], (above[1] - below[1]) / (2 * h), rtol=1e-5, atol=1e-8)


def test_loss_and_bounds_together_match_scipy():
    fun = lambda p: decay(p, Y_OUTLIERS)  # noqa: E731
    bounds = ([0.0, 0.0, 0.55], [10.0, 10.0, 2.0])
    ours = least_squares(fun, [1.0, 1.0, 1.0], loss="huber", f_scale=0.1, bounds=bounds)
    theirs = scipy_optimize.least_squares(fun, [1.0, 1.0, 1.0], loss="huber", f_scale=0.1,
                                          bounds=bounds)
    assert ours.success and ours.cost <= theirs.cost * (1 + 1e-7)
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-4)


def test_robust_loss_resists_outliers():
    fun = lambda p: decay(p, Y_OUTLIERS)  # noqa: E731
    plain = least_squares(fun, [1.0, 1.0, 0.0])
    robust = least_squares(fun, [1.0, 1.0, 0.0], loss="soft_l1", f_scale=0.05)
    truth = np.array([3.0, 0.7, 0.5])
    assert np.linalg.norm(robust.x - truth) < 0.3 * np.linalg.norm(plain.x - truth)


def test_callable_loss_equals_named_loss():
    def cauchy(z):
        return np.vstack([np.log1p(z), 1 / (1 + z), -1 / (1 + z) ** 2])
    a = least_squares(decay, [1.0, 1.0, 0.0], loss=cauchy, f_scale=0.2)
    b = least_squares(decay, [1.0, 1.0, 0.0], loss="cauchy", f_scale=0.2)
    np.testing.assert_allclose(a.x, b.x)


@pytest.mark.parametrize("jac", ["2-point", "3-point", "cs"])
def test_finite_difference_schemes(jac):
    ours = least_squares(decay, [1.0, 1.0, 0.0], jac=jac, method="trf")
    exact = least_squares(decay, [1.0, 1.0, 0.0], jac=decay_jac, method="trf")
    np.testing.assert_allclose(ours.x, exact.x, rtol=1e-6)


@pytest.mark.parametrize("x_scale", ["jac", [1.0, 0.1, 1.0], 2.0])
def test_x_scale(x_scale):
    ours = least_squares(decay, [1.0, 1.0, 0.0], x_scale=x_scale)
    theirs = scipy_optimize.least_squares(decay, [1.0, 1.0, 0.0], x_scale=x_scale)
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-6)


@pytest.mark.parametrize("method", ["trf", "lm"])
def test_njev_counts_every_jacobian_call(method):
    calls = []

    def jac(p):
        calls.append(1)
        return decay_jac(p)
    result = least_squares(decay, [1.0, 1.0, 0.0], jac=jac, method=method)
    assert result.njev == len(calls)
    assert result.nfev >= result.njev - 1


@pytest.mark.parametrize("method", ["trf", "lm"])
def test_evaluation_limit_is_a_status(method):
    result = least_squares(rosenbrock, [-1.2, 1.0], method=method, max_nfev=3)
    assert result.status == 0 and not result.success
    assert "maximum number of function evaluations" in result.message


@pytest.mark.parametrize("method", ["trf", "lm"])
def test_nan_region_is_stepped_back_from(method):
    def fun(p):
        if p[1] > 3.0:        # a region where the model cannot be evaluated
            return np.full(T.size, np.nan)
        return decay(p)
    result = least_squares(fun, [1.0, 2.9, 0.0], method=method)
    reference = least_squares(decay, [1.0, 2.9, 0.0], method=method)
    assert result.success
    np.testing.assert_allclose(result.x, reference.x, rtol=1e-6)


def test_callback_can_stop():
    seen = []

    def callback(intermediate):
        seen.append(intermediate.cost)
        if len(seen) == 2:
            raise StopIteration
    result = least_squares(rosenbrock, [-1.2, 1.0], callback=callback)
    assert result.status == -2 and len(seen) == 2


def test_result_fields_like_scipy():
    ours = least_squares(decay, [1.0, 1.0, 0.0])
    theirs = scipy_optimize.least_squares(decay, [1.0, 1.0, 0.0])
    for field in ("x", "cost", "fun", "jac", "grad", "optimality", "active_mask", "nfev",
                  "njev", "status", "message", "success"):
        assert field in ours, field
        assert np.shape(ours[field]) == np.shape(theirs[field]), field


def test_jac_objects_with_toarray_are_accepted():
    class Sparse:
        def __init__(self, a):
            self.a = a

        def toarray(self):
            return self.a
    result = least_squares(decay, [1.0, 1.0, 0.0], jac=lambda p: Sparse(decay_jac(p)))
    assert result.success


@pytest.mark.parametrize("kwargs,words", [
    (dict(method="dogleg"), "unknown method 'dogleg'"),
    (dict(method="dogbox"), "method 'dogbox' of scipy's least_squares is not offered"),
    (dict(x0=[[1.0, 1.0, 0.0]]), "x0 must be 1-D"),
    (dict(x0=[1.0, np.nan, 0.0]), "x0 must be finite"),
    (dict(bounds=([0, 2, 0], [1, 1, 1])), "variable 1 has lb=2.0 >= ub=1.0"),
    (dict(bounds=([0, 0], [1, 1])), "lower bounds must be a scalar or have shape (3,)"),
    (dict(bounds=(2.0, 5.0)), "x0 is infeasible"),
    (dict(jac=lambda p: np.ones((3, 3))), "jac must return an array of shape (25, 3)"),
    (dict(jac="4-point"), "jac must be a callable or one of"),
    (dict(method="lm", bounds=(-5, 5)), "'lm' does not handle bounds"),
    (dict(method="lm", loss="huber"), "'lm' supports only loss='linear'"),
    (dict(loss="l2"), "loss must be one of"),
    (dict(ftol=-1.0), "ftol must be a non-negative number"),
    (dict(ftol=None, xtol=None, gtol=None), "at least one of ftol, xtol, gtol"),
    (dict(x_scale=[1.0, -1.0, 1.0]), "x_scale must be 'jac' or positive"),
    (dict(tr_solver="lsmr"), "tr_solver='lsmr' is not offered"),
    (dict(tr_options={"regularize": False}), "tr_options are not offered"),
])
def test_bad_input_names_the_argument(kwargs, words):
    args = dict(fun=decay, x0=[1.0, 1.0, 0.0])
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        least_squares(**args)
    assert words in str(info.value)


def test_non_finite_start_residuals_is_an_error():
    with pytest.raises(InputError, match="fun\\(x0\\) has non-finite residuals"):
        least_squares(lambda p: np.log(p), [-1.0, 1.0])


def test_lm_needs_enough_residuals():
    with pytest.raises(InputError, match="at least as many residuals as variables"):
        least_squares(lambda p: np.array([p[0] + p[1]]), [1.0, 1.0], method="lm")
    result = least_squares(lambda p: np.array([p[0] + p[1] - 1.0]), [1.0, 1.0])
    assert result.cost < 1e-20


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("method", ["trf", "lm"])
def test_linear_problems_match_lstsq(seed, method):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((12, 4)) * rng.uniform(0.1, 10.0, 4)
    b = rng.standard_normal(12)
    result = least_squares(lambda x: A @ x - b, np.zeros(4), jac=lambda x: A, method=method,
                           ftol=1e-12, xtol=1e-12, gtol=1e-12)
    np.testing.assert_allclose(result.x, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-7,
                               atol=1e-9)


def test_verbose_prints_the_outcome(capsys):
    least_squares(rosenbrock, [-1.2, 1.0], verbose=2)
    out = capsys.readouterr().out
    assert "iteration     1" in out and "Function evaluations" in out


def test_approx_derivative_one_sided_three_point_at_bounds():
    f = lambda x: np.array([np.exp(x[0]) * x[1], x[1] ** 3])  # noqa: E731
    x = np.array([0.5, 2.0])
    exact = np.array([[np.exp(0.5) * 2.0, np.exp(0.5)], [0.0, 12.0]])
    J = approx_derivative(f, x, method="3-point", bounds=([0.5, 0.0], [1.0, 2.0]))
    np.testing.assert_allclose(J, exact, rtol=1e-8)
    theirs = scipy_optimize._numdiff.approx_derivative(f, x, method="3-point",
                                                       bounds=([0.5, 0.0], [1.0, 2.0]))
    np.testing.assert_allclose(J, theirs, rtol=1e-9)


def test_trf_from_a_start_on_a_bound_reaches_the_interior_optimum():
    # scipy's trf stops at x = 2e-10 here: the start is nudged 1e-10 inside the bound and
    # the first trust radius was taken from the nudged point
    res = least_squares(lambda a: a - 5.0, [0.0], bounds=([0.0], [np.inf]), method="trf")
    assert res.x[0] == pytest.approx(5.0) and res.status > 0



@pytest.mark.parametrize("method", ["lm", "trf"])
@pytest.mark.parametrize("start", [[1.0, 0.5, 0.0], [1e89, 0.5, 1e88]])
def test_data_near_1e89_fits_without_overflow_warnings(method, start):
    """The damping's Newton step is computed in a form whose squares stay in float range:
    fits of data near 1e89 warn of nothing (the textbook ``sum(su**2 / denom**3)``
    overflowed to inf, then divided by zero, on trf's steps from a start near 1)."""
    import warnings
    y = 1e89 * (3.0 * np.exp(-0.7 * T) + 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            result = least_squares(lambda p: decay(p, y), start, jac=lambda p: decay_jac(p, y),
                                   method=method, x_scale="jac")
    if start[0] == 1e89:
        assert result.success
        assert result.x == pytest.approx([3e89, 0.7, 5e88], rel=1e-8)
