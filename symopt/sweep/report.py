"""Reports of a `Sweep`: a summary, the figures people look at, and the table.

The figures depend on what was swept (`figures` decides; the JSON report carries the same
figures as data, the HTML report draws them with matplotlib, ``symopt[plot]``):

* one swept name that varies: the objective, and a chosen shadow price, against it;
* two names varying over a full grid: the status of each grid point (a map);
* anything else (random scenarios, multistart): the distribution of the objectives.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from symopt.errors import InputError
from symopt.report.document import Document, KeyValues, Note, Plot, Section, Table
from symopt.report.html import render_html
from symopt.report.markdown import render_markdown
from symopt.report.plots import matplotlib_available, new_figure, png_of, unavailable
from symopt.report.text import render_text
from symopt.sweep.chunk import STATUSES

__all__ = ["render", "figures"]

_SHOWN_ROWS = 200
_COLORS = {"optimal": "#4e9a06", "infeasible": "#cc0000", "unbounded": "#f57900",
           "error": "#5c3566", "lost": "#888a85", "not run": "#d3d7cf"}


def render(sweep: Any, format: str, dual: str | None = None) -> str:
    kind = {"txt": "text", "markdown": "md", "htm": "html"}.get(format, format)
    if kind == "json":
        document = {"summary": sweep.summary(), "figures": figures(sweep, dual),
                    "columns": sweep.header(), "rows": list(sweep.rows())}
        return json.dumps(document, allow_nan=False, default=str, indent=1) + "\n"
    renderers = {"text": render_text, "md": render_markdown, "html": render_html}
    if kind not in renderers:
        raise InputError(f"unknown report format {format!r}; use text, md, html or json")
    return renderers[kind](_document(sweep, dual, plots=kind == "html"))


def figures(sweep: Any, dual: str | None = None) -> list[dict[str, Any]]:
    """The report's figures as data: ``{"kind", "title", ...}`` dicts."""
    varying = [c for c in sweep.columns if np.unique(sweep.column(c)).size > 1]
    status = sweep.status
    if len(varying) == 1 and not sweep.multistart:
        x = varying[0]
        found = [_line(sweep, x, "objective", status)]
        chosen = dual or next((n for n in sweep.kept_names if n.endswith(".dual")), None)
        if chosen is not None:
            found.append(_line(sweep, x, chosen, status))
        return found
    if len(varying) == 2 and not sweep.multistart:
        grid = _status_map(sweep, varying, status)
        if grid is not None:
            return [grid]
    optimal = sweep.objective[sweep.status_codes == 0]
    counts, edges = np.histogram(optimal, bins=min(30, max(1, optimal.size))) \
        if optimal.size else (np.zeros(0), np.zeros(0))
    return [{"kind": "histogram", "title": "Objective over the optimal scenarios",
             "name": "objective", "counts": counts.tolist(), "edges": edges.tolist(),
             "optimal": int(optimal.size), "scenarios": len(sweep)}]


def _line(sweep: Any, x: str, y: str, status: list[str]) -> dict[str, Any]:
    order = np.argsort(sweep.column(x), kind="stable")
    xs, ys = sweep.column(x)[order], sweep.column(y)[order]
    return {"kind": "line", "title": f"{y} against {x}", "x": x, "y": y,
            "points": [[float(a), None if np.isnan(b) else float(b)] for a, b in zip(xs, ys)],
            "status": [status[i] for i in order]}


def _status_map(sweep: Any, names: list[str], status: list[str]) -> dict[str, Any] | None:
    first, second = (np.unique(sweep.column(n)) for n in names)
    if first.size * second.size != len(sweep):
        return None
    cells = [[None] * second.size for _ in first]
    for s, (a, b) in enumerate(zip(sweep.column(names[0]), sweep.column(names[1]))):
        cells[int(np.searchsorted(first, a))][int(np.searchsorted(second, b))] = status[s]
    return {"kind": "status_map", "title": f"Status over {names[0]} and {names[1]}",
            "x": names[1], "y": names[0], "x_values": second.tolist(),
            "y_values": first.tolist(), "status": cells}


def _document(sweep: Any, dual: str | None, plots: bool) -> Document:
    summary = sweep.summary()
    items = [("model", summary["model"]), ("class", summary["class"]),
             ("method", summary["method"]), ("scenarios", summary["scenarios"]),
             ("wall time (s)", summary["wall_seconds"]),
             ("scenarios per second", summary["scenarios_per_second"])]
    items += [(f"status {word}", count) for word, count in summary["counts"].items()]
    best = sweep.best()
    if best is not None:
        items += [("best objective", best["objective"]), ("best scenario", best["scenario"]),
                  ("scenarios reaching the best", best["reached"])]
    document = Document(f"Sweep of '{sweep.model_name}'", "sweep",
                        [Section("Summary", [KeyValues(items)])])
    if sweep.interrupted:
        document.sections[0].blocks.append(Note("the sweep was interrupted; scenarios marked "
                                                "'not run' can be run with resume=", "warning"))
    if plots:
        document.sections.append(Section("Figures", [_plot(f) for f in figures(sweep, dual)]))
    rows = list(sweep.rows())
    caption = f"first {_SHOWN_ROWS} of {len(rows)} scenarios" if len(rows) > _SHOWN_ROWS else ""
    document.sections.append(Section("Scenarios", [Table("Scenarios", sweep.header(),
                                                         rows[:_SHOWN_ROWS], "scenarios",
                                                         caption=caption)]))
    return document


def _plot(figure: dict[str, Any]) -> Plot:
    title = figure["title"]
    if not matplotlib_available():
        return unavailable(title, title)
    canvas, (axes,) = new_figure(6.4, 3.8)
    if figure["kind"] == "line":
        _draw_line(axes, figure)
    elif figure["kind"] == "status_map":
        _draw_status_map(canvas, axes, figure)
    else:
        edges = np.asarray(figure["edges"])
        if edges.size:
            axes.stairs(figure["counts"], edges, fill=True, color="#3465a4")
        axes.set_xlabel("objective")
        axes.set_ylabel("scenarios")
    axes.set_title(title)
    return Plot(title, png_of(canvas), title)


def _draw_line(axes: Any, figure: dict[str, Any]) -> None:
    points = np.array([[x, np.nan if y is None else y] for x, y in figure["points"]], float)
    axes.plot(points[:, 0], points[:, 1], "o-", ms=3, color="#3465a4")
    failed = [p[0] for p, s in zip(figure["points"], figure["status"]) if s != "optimal"]
    if failed:
        axes.plot(failed, np.zeros(len(failed)) + np.nanmin(points[:, 1], initial=0.0), "x",
                  color="#cc0000", label="not optimal")
        axes.legend()
    axes.set_xlabel(figure["x"])
    axes.set_ylabel(figure["y"])
    axes.grid(True, alpha=0.3)


def _draw_status_map(canvas: Any, axes: Any, figure: dict[str, Any]) -> None:
    words = [w for w in STATUSES if any(w in row for row in figure["status"])]
    codes = np.array([[words.index(s) if s in words else -1 for s in row]
                      for row in figure["status"]], float)
    from matplotlib.colors import ListedColormap
    colormap = ListedColormap([_COLORS.get(w, "#729fcf") for w in words])
    axes.pcolormesh(figure["x_values"], figure["y_values"], codes, cmap=colormap,
                    vmin=-0.5, vmax=len(words) - 0.5, shading="nearest")
    handles = [axes.scatter([], [], marker="s", color=_COLORS.get(w, "#729fcf"), label=w)
               for w in words]
    axes.legend(handles=handles, loc="best", fontsize="small")
    axes.set_xlabel(figure["x"])
    axes.set_ylabel(figure["y"])
