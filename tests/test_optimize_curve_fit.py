"""curve_fit against scipy.optimize.curve_fit and the NIST StRD certified values."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from conftest import NIST_DIR
from symopt.errors import InputError, SolverError
from symopt.optimize import OptimizeWarning, curve_fit

scipy_optimize = pytest.importorskip("scipy.optimize")

RNG = np.random.default_rng(7)
X = np.linspace(0.0, 4.0, 40)
NOISE = 0.05 * RNG.standard_normal(X.size)
Y = 2.5 * np.exp(-1.3 * X) + 0.5 + NOISE
SIGMA = 0.02 + 0.05 * X / 4.0


def model(x, a, b, c):
    return a * np.exp(-b * x) + c


def model_jac(x, a, b, c):
    e = np.exp(-b * x)
    return np.column_stack([e, -a * x * e, np.ones_like(x)])


def assert_same_fit(ours, theirs, rtol=1e-5):
    np.testing.assert_allclose(ours[0], theirs[0], rtol=rtol)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-3, atol=1e-12)


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(p0=[1.0, 1.0, 0.0]),
    dict(p0=[1.0, 1.0, 0.0], jac=model_jac),
    dict(p0=[1.0, 1.0, 0.0], sigma=SIGMA),
    dict(p0=[1.0, 1.0, 0.0], sigma=SIGMA, absolute_sigma=True),
    dict(p0=[1.0, 1.0, 0.0], method="trf"),
    dict(p0=[1.0, 1.0, 0.0], bounds=([0, 0, 0], [10, 10, 0.45])),
    dict(p0=[1.0, 1.0, 0.0], bounds=([0, 0, 0], [10, 10, 0.45]), jac=model_jac),
])
def test_matches_scipy(kwargs):
    ours = curve_fit(model, X, Y, **kwargs)
    theirs = scipy_optimize.curve_fit(model, X, Y, **kwargs)
    assert_same_fit(ours, theirs)


def test_two_dimensional_sigma_matches_scipy():
    i, j = np.meshgrid(np.arange(X.size), np.arange(X.size))
    cov = np.outer(SIGMA, SIGMA) * 0.3 ** np.abs(i - j)
    ours = curve_fit(model, X, Y, p0=[1, 1, 0], sigma=cov)
    theirs = scipy_optimize.curve_fit(model, X, Y, p0=[1, 1, 0], sigma=cov)
    assert_same_fit(ours, theirs)
    diagonal = curve_fit(model, X, Y, p0=[1, 1, 0], sigma=np.diag(SIGMA ** 2))
    assert_same_fit(diagonal, curve_fit(model, X, Y, p0=[1, 1, 0], sigma=SIGMA), rtol=1e-7)


def test_absolute_sigma_changes_only_the_covariance_scale():
    scaled = curve_fit(model, X, Y, p0=[1, 1, 0], sigma=SIGMA)
    absolute = curve_fit(model, X, Y, p0=[1, 1, 0], sigma=SIGMA, absolute_sigma=True)
    np.testing.assert_allclose(scaled[0], absolute[0])
    ratio = scaled[1] / absolute[1]
    np.testing.assert_allclose(ratio, ratio[0, 0], rtol=1e-8)


def test_covariance_that_cannot_be_estimated_is_inf_with_a_warning():
    x3 = np.array([0.0, 1.0, 2.0])
    with pytest.warns(OptimizeWarning, match="Covariance of the parameters could not be"):
        popt, pcov = curve_fit(model, x3, model(x3, 2.0, 0.5, 1.0), p0=[1.0, 1.0, 0.0])
    assert np.all(np.isinf(pcov))
    np.testing.assert_allclose(popt, [2.0, 0.5, 1.0], rtol=1e-6)


def test_full_output():
    popt, pcov, info, message, ier = curve_fit(model, X, Y, p0=[1, 1, 0], jac=model_jac,
                                               full_output=True)
    assert {"nfev", "njev", "fvec", "fjac"} <= set(info)
    np.testing.assert_allclose(info["fvec"], model(X, *popt) - Y)
    assert ier in (1, 2, 3, 4) and isinstance(message, str)


def test_p0_defaults_to_ones_from_the_signature():
    def line(x, m, q):
        return m * x + q
    popt, _ = curve_fit(line, X, 3.0 * X - 1.0)
    np.testing.assert_allclose(popt, [3.0, -1.0])


def test_nan_policy_omit_matches_clean_data():
    y = Y.copy()
    y[[4, 17]] = np.nan
    keep = ~np.isnan(y)
    omitted = curve_fit(model, X, y, p0=[1, 1, 0], nan_policy="omit")
    clean = curve_fit(model, X[keep], y[keep], p0=[1, 1, 0])
    assert_same_fit(omitted, clean, rtol=1e-10)


@pytest.mark.parametrize("kwargs,words", [
    (dict(ydata=np.where(X > 3, np.nan, Y)), "must not contain NaN or inf"),
    (dict(nan_policy="propagate"), "nan_policy must be None, 'raise' or 'omit'"),
    (dict(sigma=np.ones(3)), "sigma must have shape (40,) or (40, 40)"),
    (dict(sigma=-np.ones(X.size)), "sigma must hold positive finite values"),
    (dict(method="lm", bounds=(0, 10)), "'lm' cannot handle bounds"),
    (dict(method="simplex"), "unknown method 'simplex'"),
    (dict(jac=lambda x, a, b, c: np.ones((3, 3))), "jac must return shape (40, 3)"),
    (dict(p0=[[1.0, 1.0, 0.0]]), "p0 must be 1-D"),
    (dict(factor=10.0), "unknown keyword argument(s) factor"),
])
def test_bad_input_names_the_argument(kwargs, words):
    args = dict(f=model, xdata=X, ydata=Y, p0=[1.0, 1.0, 0.0])
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        curve_fit(**args)
    assert words in str(info.value)


def test_leastsq_keywords_are_translated():
    ours = curve_fit(model, X, Y, p0=[1, 1, 0], maxfev=500, epsfcn=1e-10, diag=[1, 1, 1])
    theirs = scipy_optimize.curve_fit(model, X, Y, p0=[1, 1, 0])
    assert_same_fit(ours, theirs)


def test_signature_with_varargs_needs_p0():
    with pytest.raises(InputError, match="pass p0"):
        curve_fit(lambda x, *p: p[0] * x, X, Y)


def test_failure_raises_runtime_error_like_scipy():
    with pytest.raises(RuntimeError, match="Optimal parameters not found"):
        curve_fit(model, X, Y, p0=[1, 1, 0], maxfev=2)
    assert issubclass(SolverError, RuntimeError)


# ---- NIST StRD: the certified values --------------------------------------------------

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def nist_case(name):
    if not NIST_DIR.is_dir():
        pytest.skip("NIST StRD data not available")
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import nist_data
        import nist_strd
    finally:
        sys.path.remove(str(BENCHMARKS))
    problem = nist_data.read_problem(NIST_DIR / f"{name}.dat")
    f, jac = nist_strd.model_functions(name, problem.n_params, problem.x.ndim == 2)
    y = np.log(problem.y) if name == "Nelson" else problem.y
    return problem, f, jac, y, nist_strd.lre


@pytest.mark.parametrize("name,start", [("Misra1a", 1), ("MGH09", 2), ("Rat43", 1),
                                        ("Eckerle4", 1), ("Thurber", 2), ("Lanczos3", 2)])
def test_nist_certified_values_with_exact_jacobian(name, start):
    problem, f, jac, y, lre = nist_case(name)
    p0 = problem.start1 if start == 1 else problem.start2
    popt, pcov = curve_fit(f, problem.x, y, p0=p0, jac=jac)
    assert lre(popt, problem.certified) >= 5.5
    sd = np.sqrt(np.diag(pcov))
    assert lre(sd, problem.certified_sd) >= 3


@pytest.mark.parametrize("name", ["Hahn1", "Bennett5", "Lanczos2"])
def test_nist_with_default_finite_differences(name):
    """Small parameters (Hahn1's b7 ~ 1e-7) need relative difference steps."""
    problem, f, _, y, lre = nist_case(name)
    popt, _, info, _, _ = curve_fit(f, problem.x, y, p0=problem.start2, full_output=True)
    assert lre(popt, problem.certified) >= 5.5
    assert info["nfev_jac"] >= 2 * problem.n_params * (info["njev"] - 1)


def test_exact_jacobian_spends_no_difference_evaluations():
    *_, info, _, _ = curve_fit(model, X, Y, p0=[1, 1, 0], jac=model_jac, full_output=True)
    assert info["nfev_jac"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("exact", [True, False], ids=["exact-jac", "finite-differences"])
def test_nist_target_on_all_54_runs(exact):
    names = sorted(p.stem for p in NIST_DIR.glob("*.dat")) if NIST_DIR.is_dir() else []
    if not names:
        pytest.skip("NIST StRD data not available")
    scores = []
    for name in names:
        problem, f, jac, y, lre = nist_case(name)
        for p0 in (problem.start1, problem.start2):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    popt, _ = curve_fit(f, problem.x, y, p0=p0, jac=jac if exact else None)
                except RuntimeError:
                    popt = None
            scores.append(lre(popt, problem.certified))
    scores = np.array(scores)
    assert np.sum(scores >= 6) >= 50 and np.sum(scores >= 4) >= 53
