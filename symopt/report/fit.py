"""The fit report: parameters with standard errors and 95 % intervals, goodness of fit.

>>> import numpy as np
>>> from symopt.solution.types import FitData, Solution
>>> x = np.arange(6.0)
>>> fit = FitData(["a", "b"], np.array([2.0, 1.0]), np.diag([0.01, 0.04]), {"x": x}, "y",
...               2 * x + 1 + 0.1 * (-1) ** x, 2 * x + 1, expression="y = a*x + b")
>>> s = Solution("line", "curve fit", "optimal", True, "ok", "symopt", "lm", fit=fit)
>>> doc = build_fit_document(s)
>>> [t.key for t in doc.tables()]
['parameters', 'correlation', 'residuals']
"""
from __future__ import annotations

from typing import Callable

from symopt.errors import InputError
from symopt.report.document import Block, Document, KeyValues, Note, Plot, Section, Table
from symopt.report.lp import status_section, summary_section
from symopt.report.statistics import FitStatistics, fit_statistics
from symopt.solution.types import FitData, Solution

__all__ = ["build_fit_document"]


def parameters_table(fit: FitData, stats: FitStatistics) -> Table:
    rows = [[name, float(fit.parameters[k]), float(stats.stderr[k]),
             float(stats.ci_lower[k]), float(stats.ci_upper[k]),
             abs(float(stats.stderr[k] / fit.parameters[k])) if fit.parameters[k] else None]
            for k, name in enumerate(fit.parameter_names)]
    return Table("Parameter estimates", ["parameter", "value", "std. error", "95% CI low",
                                "95% CI high", "relative error"], rows, key="parameters",
                 caption=f"95% confidence intervals use Student's t with {stats.dof} degrees "
                         f"of freedom (t = {stats.t_value:.6g}).")


def correlation_table(fit: FitData, stats: FitStatistics) -> Table | None:
    if stats.correlation is None:
        return None
    rows = [[name, *[float(v) for v in stats.correlation[k]]]
            for k, name in enumerate(fit.parameter_names)]
    return Table("Correlation matrix", ["", *fit.parameter_names], rows, key="correlation")


def residuals_table(fit: FitData) -> Table:
    names = list(fit.independent)
    rows = []
    for k in range(fit.observed.size):
        inputs = [float(fit.independent[name].ravel()[k]) for name in names]
        rows.append([k + 1, *inputs, float(fit.observed[k]), float(fit.predicted[k]),
                     float(fit.residuals[k])])
    return Table("", ["#", *names, "observed", "predicted", "residual"], rows,
                 key="residuals", caption="residual = observed - predicted")


def goodness_items(stats: FitStatistics) -> list[tuple[str, object]]:
    return [("points", stats.n_points), ("parameters", stats.n_parameters),
            ("degrees of freedom", stats.dof), ("chi-square", stats.chi_square),
            ("reduced chi-square", stats.reduced_chi_square), ("R-squared", stats.r_squared),
            ("AIC", stats.aic), ("BIC", stats.bic)]


def build_fit_document(solution: Solution,
                       plot: Callable[[Solution], Plot | None] | None = None) -> Document:
    """The fit report of ``solution`` (whose ``fit`` must be set)."""
    fit = solution.fit
    if fit is None:
        raise InputError(f"solution {solution.model_name!r} has no fit data (Solution.fit); "
                         "a fit report needs the FitData of a curve fit")
    stats = fit_statistics(fit)
    title = f"Fit report: {fit.expression or solution.model_name or 'model'}"
    document = Document(title, "fit", [summary_section(solution), status_section(solution)])
    blocks: list[Block] = [parameters_table(fit, stats)]
    if fit.covariance is None or stats.correlation is None:
        blocks.append(Note("The parameter covariance could not be estimated (singular "
                           "Jacobian or too few points): errors are not available.", "warning"))
    if fit.sigma is None:
        blocks.append(Note("No measurement uncertainties were given: the covariance is scaled "
                           "by the reduced chi-square of the residuals."))
    elif fit.absolute_sigma:
        blocks.append(Note("The sigmas are absolute: the covariance is not rescaled."))
    document.sections.append(Section("Parameters", blocks))
    correlation = correlation_table(fit, stats)
    if correlation is not None:
        document.sections.append(Section("Correlation", [correlation]))
    document.sections.append(Section("Goodness of fit", [KeyValues(goodness_items(stats))]))
    picture = plot(solution) if plot is not None else None
    if picture is not None:
        document.sections.append(Section("Plot", [picture]))
    document.sections.append(Section("Residuals", [residuals_table(fit)]))
    return document
