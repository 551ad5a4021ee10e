"""Statistics of a least-squares fit: standard errors, t-based intervals, goodness of fit.

The Student-t quantile is computed here (no scipy): the t distribution's CDF is written
with the regularized incomplete beta function, evaluated by its continued fraction
(modified Lentz), and inverted by bisection.

Conventions: ``chi_square`` is the sum of squared residuals, each divided by its sigma
when sigmas were given; ``reduced_chi_square = chi_square / dof``; R² is
``1 - SS_res / SS_tot`` on the unweighted residuals; AIC and BIC use the Gaussian
log-likelihood up to a constant, ``n ln(chi_square / n) + 2 p`` and
``n ln(chi_square / n) + p ln n`` (as lmfit does).

>>> round(student_t_quantile(0.975, 10), 6)
2.228139
>>> round(student_t_quantile(0.5, 3), 12)
0.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symopt.solution.types import FitData

__all__ = ["student_t_cdf", "student_t_quantile", "FitStatistics", "fit_statistics"]


def incomplete_beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (converges fast for x < (a+1)/(a+b+2))."""
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    value = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            value *= c * d
        if abs(c * d - 1.0) < eps:
            break
    return value


def regularized_incomplete_beta(a: float, b: float, x: float, y: float | None = None) -> float:
    """I_x(a, b) for a, b > 0 and 0 <= x <= 1; ``y`` is ``1 - x`` when known more exactly."""
    y = 1.0 - x if y is None else y
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log(y))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * incomplete_beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * incomplete_beta_fraction(b, a, y) / b


def student_t_cdf(t: float, dof: float) -> float:
    """P(T <= t) for Student's t with ``dof`` degrees of freedom.

    >>> round(student_t_cdf(2.228138851986, 10), 9)
    0.975
    """
    square = t * t
    tail = 0.5 * regularized_incomplete_beta(dof / 2.0, 0.5, dof / (dof + square),
                                             square / (dof + square))
    return 1.0 - tail if t > 0 else tail


def student_t_quantile(p: float, dof: float) -> float:
    """The t with P(T <= t) = p, by bisection on the CDF (to ~1e-13)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability p must lie in (0, 1), got {p}")
    if dof <= 0:
        return float("nan")
    if p < 0.5:
        return -student_t_quantile(1.0 - p, dof)
    low, high = 0.0, 1.0
    while student_t_cdf(high, dof) < p:
        low, high = high, 2.0 * high
    for _ in range(200):
        middle = 0.5 * (low + high)
        if student_t_cdf(middle, dof) < p:
            low = middle
        else:
            high = middle
        if high - low <= 1e-13 * max(1.0, high):
            break
    return 0.5 * (low + high)


@dataclass
class FitStatistics:
    """Everything a fit report prints beyond the parameters themselves."""

    n_points: int
    n_parameters: int
    dof: int
    chi_square: float
    reduced_chi_square: float
    r_squared: float
    aic: float
    bic: float
    stderr: np.ndarray
    t_value: float              # the 97.5 % quantile used for the intervals
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    correlation: np.ndarray | None


def correlation_of(covariance: np.ndarray | None) -> np.ndarray | None:
    if covariance is None or not np.isfinite(covariance).all():
        return None
    scale = np.sqrt(np.abs(np.diag(covariance)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return covariance / np.outer(scale, scale)


def fit_statistics(fit: FitData, confidence: float = 0.95) -> FitStatistics:
    """Standard errors, t-based confidence intervals and goodness of fit of ``fit``.

    >>> import numpy as np
    >>> x = np.arange(5.0); y = 2 * x + 1 + np.array([0.1, -0.1, 0.0, 0.1, -0.1])
    >>> fit = FitData(["a", "b"], np.array([2.0, 1.0]), np.eye(2) * 0.01, {"x": x}, "y",
    ...               y, 2 * x + 1)
    >>> s = fit_statistics(fit)
    >>> s.dof, round(s.chi_square, 3), round(float(s.ci_upper[0] - 2.0), 4)
    (3, 0.04, 0.3182)
    """
    residuals = fit.residuals
    n, p = residuals.size, fit.parameters.size
    dof = n - p
    weighted = residuals / fit.sigma if fit.sigma is not None else residuals
    chi_square = float(weighted @ weighted)
    total = float(np.sum((fit.observed - fit.observed.mean()) ** 2))
    r_squared = 1.0 - float(residuals @ residuals) / total if total > 0 else float("nan")
    log_term = n * math.log(chi_square / n) if chi_square > 0 else -math.inf
    covariance = fit.covariance
    stderr = (np.sqrt(np.abs(np.diag(covariance))) if covariance is not None
              else np.full(p, np.nan))
    t_value = student_t_quantile(0.5 + confidence / 2.0, dof) if dof > 0 else float("nan")
    return FitStatistics(
        n_points=n, n_parameters=p, dof=dof, chi_square=chi_square,
        reduced_chi_square=chi_square / dof if dof > 0 else float("nan"),
        r_squared=r_squared, aic=log_term + 2 * p, bic=log_term + p * math.log(n),
        stderr=stderr, t_value=t_value, ci_lower=fit.parameters - t_value * stderr,
        ci_upper=fit.parameters + t_value * stderr, correlation=correlation_of(covariance))
