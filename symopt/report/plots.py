"""Pictures for reports, drawn with matplotlib (an optional extra) as PNG bytes.

Without matplotlib every function still returns a `Plot`, with ``png=None`` and a
``missing`` sentence that says how to get the picture; the rest of the report is
unaffected. matplotlib is imported only when a plot is drawn, and only its
object-oriented API is used (no pyplot global state), on the Agg canvas.

>>> plot = unavailable("Fit", "the fitted curve")
>>> plot.png is None and "symopt[plot]" in plot.missing
True
"""
from __future__ import annotations

import importlib
import io
import itertools
from typing import Any

import numpy as np

from symopt.report.document import Plot
from symopt.solution.types import Solution

__all__ = ["fit_plot", "convergence_plot", "lp_region_plot", "matplotlib_available",
           "unavailable"]

MISSING = "matplotlib is not installed; install it with pip install 'symopt[plot]' to get this plot"


def matplotlib_available() -> bool:
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        return False
    return True


def unavailable(title: str, alt: str) -> Plot:
    return Plot(title, None, alt, MISSING)


def new_figure(width: float = 6.4, height: float = 4.2, rows: int = 1,
               ratios: list[float] | None = None) -> tuple[Any, list[Any]]:
    figure_module = importlib.import_module("matplotlib.figure")
    figure = figure_module.Figure(figsize=(width, height), dpi=100, layout="constrained")
    axes = figure.subplots(rows, 1, sharex=True,
                           gridspec_kw={"height_ratios": ratios} if ratios else None)
    return figure, list(np.atleast_1d(axes))


def png_of(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def fit_plot(solution: Solution) -> Plot | None:
    """The fitted curve over the data, with a residual panel below."""
    fit = solution.fit
    if fit is None or not fit.independent:
        return None
    title, alt = "Fit and residuals", "data points, fitted curve and residuals"
    if not matplotlib_available():
        return unavailable(title, alt)
    name, x = next(iter(fit.independent.items()))
    x = np.asarray(x, float).ravel()
    order = np.argsort(x, kind="stable")
    figure, (top, bottom) = new_figure(6.4, 5.0, rows=2, ratios=[3, 1])
    if fit.sigma is not None:
        top.errorbar(x, fit.observed, yerr=fit.sigma, fmt="o", ms=4, label="data", color="#3465a4")
    else:
        top.plot(x, fit.observed, "o", ms=4, label="data", color="#3465a4")
    top.plot(x[order], fit.predicted[order], "-", lw=2, label="fit", color="#cc0000")
    top.set_ylabel(fit.dependent_name or "y")
    top.set_title(fit.expression or title)
    top.legend()
    bottom.axhline(0.0, color="#888888", lw=1)
    bottom.plot(x, fit.residuals, "o", ms=3, color="#4e9a06")
    bottom.set_xlabel(name)
    bottom.set_ylabel("residual")
    return Plot(title, png_of(figure), alt)


def convergence_plot(solution: Solution) -> Plot | None:
    """The objective (or residual norm) per iteration."""
    history = np.asarray(solution.history, float)
    if history.size < 2:
        return None
    title, alt = "Convergence history", "objective value per iteration"
    if not matplotlib_available():
        return unavailable(title, alt)
    figure, (axes,) = new_figure(6.4, 3.6)
    values = history - history.min() if (history <= 0).any() else history
    positive = values > 0
    if positive.sum() >= 2:
        axes.semilogy(np.flatnonzero(positive), values[positive], "o-", ms=3, color="#3465a4")
        axes.set_ylabel("objective" if values is history else "objective - final minimum")
    else:
        axes.plot(history, "o-", ms=3, color="#3465a4")
        axes.set_ylabel("objective")
    axes.set_xlabel("iteration")
    axes.grid(True, alpha=0.3)
    return Plot(title, png_of(figure), alt)


def boundary_lines(lp: Any) -> list[tuple[np.ndarray, float, str]]:
    """Every finite row or column bound as ``(a, b, label)`` meaning ``a @ (x, y) = b``."""
    dense = lp.A.toarray()
    lines = []
    for i, name in enumerate(lp.row_names):
        for bound in {lp.row_lower[i], lp.row_upper[i]}:
            if np.isfinite(bound) and np.any(dense[i]):
                lines.append((dense[i], float(bound), name))
    for j in range(2):
        for bound in {lp.col_lower[j], lp.col_upper[j]}:
            if np.isfinite(bound):
                lines.append((np.eye(2)[j], float(bound), f"{lp.col_names[j]} bound"))
    return lines


def feasible(lp: Any, points: np.ndarray, tol: float = 1e-7) -> np.ndarray:
    """Mask of the points (k, 2) that satisfy every row and bound of a two-column LP."""
    activity = points @ lp.A.toarray().T
    scale = tol * (1.0 + np.abs(activity))
    rows = np.all((activity >= lp.row_lower - scale) & (activity <= lp.row_upper + scale), axis=1)
    cols = np.all((points >= lp.col_lower - tol) & (points <= lp.col_upper + tol), axis=1)
    return rows & cols


def plot_box(lp: Any, optimum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper corners of a window showing every feasible vertex and the optimum."""
    vertices = [optimum] if np.isfinite(optimum).all() else []
    for (a1, b1, _), (a2, b2, _) in itertools.combinations(boundary_lines(lp), 2):
        matrix = np.array([a1, a2])
        if abs(np.linalg.det(matrix)) > 1e-12:
            vertices.append(np.linalg.solve(matrix, [b1, b2]))
    points = np.array(vertices) if vertices else np.zeros((1, 2))
    good = points[feasible(lp, points)] if len(points) else points
    good = good if len(good) else points
    low, high = good.min(axis=0), good.max(axis=0)
    pad = np.maximum(0.15 * (high - low), 1.0)
    return low - pad, high + pad


def lp_region_plot(solution: Solution) -> Plot | None:
    """Feasible region, objective contours and optimum of a two-variable LP."""
    lp = solution.problem
    if lp is None or getattr(lp, "num_cols", 0) != 2 or solution.status != "optimal":
        return None
    title, alt = "Feasible region", "feasible region, objective contours and the optimum"
    if not matplotlib_available():
        return unavailable(title, alt)
    optimum = np.array([v.value for v in solution.variables[:2]]) if solution.variables \
        else np.full(2, np.nan)
    low, high = plot_box(lp, optimum)
    xs, ys = np.linspace(low[0], high[0], 300), np.linspace(low[1], high[1], 300)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    mask = feasible(lp, points, tol=1e-9).reshape(grid_x.shape)
    figure, (axes,) = new_figure(7.4, 5.0)
    axes.contourf(grid_x, grid_y, mask.astype(float), levels=[0.5, 1.5], colors=["#b7d7f0"])
    objective = lp.c[0] * grid_x + lp.c[1] * grid_y
    contours = axes.contour(grid_x, grid_y, objective, levels=8, colors="#999999",
                            linewidths=0.8, linestyles="dotted")
    axes.clabel(contours, fontsize=7)
    palette = ["#204a87", "#ce5c00", "#4e9a06", "#75507b", "#c4a000", "#a40000", "#5c3566"]
    for k, (a, b, label) in enumerate(boundary_lines(lp)):
        style = ({"color": "#777777", "ls": "--", "lw": 0.9} if label.endswith(" bound")
                 else {"color": palette[k % len(palette)], "lw": 1.6})
        if abs(a[1]) > 1e-12:
            axes.plot(xs, (b - a[0] * xs) / a[1], label=label, **style)
        else:
            axes.axvline(b / a[0], label=label, **style)
    if np.isfinite(optimum).all():
        axes.plot(*optimum, "*", ms=16, color="#cc0000", label="optimum", zorder=5)
    axes.set_xlim(low[0], high[0])
    axes.set_ylim(low[1], high[1])
    axes.set_xlabel(lp.col_names[0])
    axes.set_ylabel(lp.col_names[1])
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return Plot(title, png_of(figure), alt)
