"""The fit report's statistics: Student-t quantiles against scipy, standard errors and the
residual sum of squares against NIST's certified values, R², AIC/BIC and the report itself."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from scipy.optimize import curve_fit

from conftest import NIST_DIR
from report_oracle import exponential_fit_solution
from symopt.report import render
from symopt.report.statistics import fit_statistics, student_t_cdf, student_t_quantile
from symopt.solution.types import FitData, Solution


@pytest.mark.parametrize("dof", [1, 2, 3, 5, 12, 30, 120, 1e4])
@pytest.mark.parametrize("p", [0.55, 0.9, 0.975, 0.995, 0.9995, 0.025])
def test_t_quantile_matches_scipy(p, dof):
    assert student_t_quantile(p, dof) == pytest.approx(scipy_stats.t.ppf(p, dof), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(t=st.floats(-50, 50), dof=st.floats(0.5, 500))
def test_t_cdf_matches_scipy(t, dof):
    assert student_t_cdf(t, dof) == pytest.approx(scipy_stats.t.cdf(t, dof), abs=1e-12)


def test_t_quantile_rejects_probabilities_outside_zero_one():
    with pytest.raises(ValueError, match=r"probability p must lie in \(0, 1\), got 1.5"):
        student_t_quantile(1.5, 3)


# --- NIST StRD ---------------------------------------------------------------------------------

NIST_MODELS = {
    "Misra1a": lambda x, b1, b2: b1 * (1 - np.exp(-b2 * x)),
    "DanWood": lambda x, b1, b2: b1 * x ** b2,
    "Chwirut2": lambda x, b1, b2, b3: np.exp(-b1 * x) / (b2 + b3 * x),
}


def read_nist(name: str):
    """Start 2, certified values and standard deviations, certified RSS, and the data."""
    path = NIST_DIR / f"{name}.dat"
    if not path.exists():
        pytest.skip(f"shared NIST data not found at {path}")
    lines = path.read_text().splitlines()
    header = "\n".join(lines[:10])
    first, last = map(int, re.search(r"Certified Values\s+\(lines (\d+) to\s+(\d+)\)", header).groups())
    data_first, data_last = map(int, re.search(r"Data\s+\(lines (\d+) to\s+(\d+)\)", header).groups())
    params = [line.split("=")[1].split() for line in lines[first - 1:last] if re.match(r"\s*b\d+ =", line)]
    start = [float(p[1]) for p in params]
    certified = np.array([float(p[2]) for p in params])
    deviations = np.array([float(p[3]) for p in params])
    rss = float(next(line for line in lines if "Residual Sum of Squares" in line).split(":")[1])
    data = np.array([[float(v) for v in line.split()] for line in lines[data_first - 1:data_last]])
    return start, certified, deviations, rss, data[:, 1], data[:, 0]


@pytest.mark.parametrize("name", sorted(NIST_MODELS))
def test_standard_errors_and_chi_square_match_nist_certified_values(name):
    start, certified, deviations, rss, x, y = read_nist(name)
    model = NIST_MODELS[name]
    p, cov = curve_fit(model, x, y, p0=start, xtol=1e-14, ftol=1e-14, gtol=1e-14, maxfev=10000)
    fit = FitData([f"b{k + 1}" for k in range(len(p))], p, cov, {"x": x}, "y", y, model(x, *p))
    s = fit_statistics(fit)
    assert s.chi_square == pytest.approx(rss, rel=1e-7)
    assert s.stderr == pytest.approx(deviations, rel=1e-5)
    assert s.dof == x.size - len(p)
    t = scipy_stats.t.ppf(0.975, s.dof)
    assert s.ci_lower == pytest.approx(p - t * deviations, rel=1e-6)
    assert s.ci_upper == pytest.approx(p + t * deviations, rel=1e-6)


def test_goodness_of_fit_formulas():
    solution = exponential_fit_solution()
    fit = solution.fit
    s = fit_statistics(fit)
    r = fit.observed - fit.predicted
    n, k = r.size, 3
    assert s.r_squared == pytest.approx(1 - r @ r / np.sum((fit.observed - fit.observed.mean()) ** 2))
    assert s.aic == pytest.approx(n * math.log(r @ r / n) + 2 * k)
    assert s.bic == pytest.approx(n * math.log(r @ r / n) + k * math.log(n))
    assert s.reduced_chi_square == pytest.approx(r @ r / (n - k))
    assert np.diag(s.correlation) == pytest.approx(np.ones(3))
    assert s.correlation == pytest.approx(s.correlation.T)
    se = np.sqrt(np.diag(fit.covariance))
    assert s.correlation[0, 1] == pytest.approx(fit.covariance[0, 1] / (se[0] * se[1]))


def test_sigmas_weight_the_chi_square():
    solution = exponential_fit_solution(sigma=True)
    fit = solution.fit
    s = fit_statistics(fit)
    assert s.chi_square == pytest.approx(np.sum((fit.residuals / 0.05) ** 2))


def test_fit_report_shows_parameters_intervals_correlation_and_residuals():
    solution = exponential_fit_solution()
    text = render(solution, "text")
    s = fit_statistics(solution.fit)
    for word in ("std. error", "95% CI low", "Correlation matrix", "reduced chi-square",
                 "R-squared", "AIC", "BIC", "degrees of freedom", "Residuals", "y = a*exp(-b*x) + c"):
        assert word in text, word
    a_line = next(line for line in text.splitlines() if line.startswith("a "))
    assert f"{s.ci_lower[0]:.6g}" in a_line and f"{s.stderr[0]:.6g}" in a_line
    residual_rows = [line for line in text.splitlines() if re.match(r"\s*\d+\s+-?\d", line)]
    assert len(residual_rows) >= solution.fit.observed.size


def test_unknown_covariance_is_said_in_words():
    x = np.arange(3.0)
    fit = FitData(["a", "b", "c"], np.ones(3), np.full((3, 3), np.inf), {"x": x}, "y", x, x)
    solution = Solution("exact", "curve fit", "optimal", True, "ok", "symopt", "lm", fit=fit)
    text = render(solution, "text")
    assert "covariance could not be estimated" in text
    assert "Correlation matrix" not in text
