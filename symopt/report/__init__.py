"""Reports of a `Solution`: LP / MILP, fit and NLP reports as text, Markdown, HTML or JSON.

``render(solution, format)`` returns the report as a string; ``write(solution, path)``
writes it, taking the format from the file's suffix. Which report a solution gets
follows from its contents: a fit report when it carries fit data, an LP report for an
LP or MILP, an NLP report otherwise.

>>> from symopt.solution.types import Solution, VariableResult
>>> s = Solution("demo", "LP", "optimal", True, "ok", "symopt", "simplex", objective=3.0,
...              variables=[VariableResult("x", "x", value=3.0)])
>>> print(render(s, "text").splitlines()[0])
LP report: demo
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from symopt.errors import InputError
from symopt.report.document import Document, Plot
from symopt.report.expressions import named_expressions_section
from symopt.report.fit import build_fit_document
from symopt.report.html import render_html
from symopt.report.json_format import render_json, report_kind
from symopt.report.latex import latex_section
from symopt.report.lp import build_lp_document
from symopt.report.markdown import render_markdown
from symopt.report.nlp import build_nlp_document
from symopt.report.plots import convergence_plot, fit_plot, lp_region_plot
from symopt.report.text import render_text
from symopt.solution.types import Solution

__all__ = ["render", "write", "build_document", "FORMATS", "SUFFIXES"]

#: format name -> renderer of a Document (JSON is rendered from the Solution itself)
FORMATS: dict[str, Callable[[Document], str]] = {
    "text": render_text, "md": render_markdown, "html": render_html,
}
ALIASES = {"txt": "text", "markdown": "md", "htm": "html", "json": "json"}
#: file suffix -> format
SUFFIXES = {".txt": "text", ".text": "text", ".md": "md", ".markdown": "md",
            ".html": "html", ".htm": "html", ".json": "json"}


def build_document(solution: Solution, plots: bool = True, latex: bool = False) -> Document:
    """The format-neutral report document of ``solution`` (with plots when ``plots``, and
    the model in LaTeX when ``latex``)."""
    kind = report_kind(solution)
    if kind == "fit":
        document = build_fit_document(solution, fit_plot if plots else None)
    elif kind in ("lp", "milp"):
        document = build_lp_document(solution, lp_region_plot if plots else None)
    else:
        document = build_nlp_document(solution, convergence_plot if plots else None)
    named = named_expressions_section(solution)
    if named is not None:
        document.sections.append(named)
    section = latex_section(solution) if latex else None
    if section is not None:
        document.sections.append(section)
    return document


def normalize_format(format: str) -> str:
    name = ALIASES.get(str(format).lower(), str(format).lower())
    if name not in FORMATS and name != "json":
        raise InputError(f"report format {format!r} is not known; expected one of "
                         "'text', 'md', 'html', 'json'")
    return name


def render(solution: Solution, format: str = "text", latex: bool = False) -> str:
    """The report of ``solution`` as a string.

    Parameters
    ----------
    solution : Solution
        A solve's outcome.
    format : {"text", "md", "html", "json"}
        Plain aligned text, Markdown, a self-contained HTML page, or JSON following
        ``docs/report-schema.md``. Plots are drawn only for HTML and Markdown.
    latex : bool
        Add the model in LaTeX (for a nonlinear model also its exact derivatives and KKT
        conditions): a section of the document, or the ``latex`` field of the JSON.

    Examples
    --------
    See the module docstring.
    """
    name = normalize_format(format)
    if name == "json":
        return render_json(solution, latex=latex)
    return FORMATS[name](build_document(solution, plots=name in ("html", "md"), latex=latex))


def write(solution: Solution, path: str | Path, format: str | None = None,
          latex: bool = False) -> Path:
    """Write the report of ``solution`` to ``path``; the format defaults to the suffix's.

    A Markdown report's plots are written beside it as ``<stem>-1.png``, ``<stem>-2.png``...

    >>> import tempfile, os
    >>> from symopt.solution.types import Solution
    >>> out = os.path.join(tempfile.mkdtemp(), "r.json")
    >>> write(Solution("m", "LP", "optimal", True, "ok", "s", "simplex"), out).suffix
    '.json'
    """
    path = Path(path)
    if format is None:
        format = SUFFIXES.get(path.suffix.lower())
        if format is None:
            raise InputError(f"cannot tell the report format of {str(path)!r} from its suffix "
                             f"{path.suffix!r}; use one of {', '.join(sorted(SUFFIXES))} "
                             "or pass format=")
    name = normalize_format(format)
    if name == "md":
        text = render_markdown(with_plot_files(build_document(solution, latex=latex), path))
    else:
        text = render(solution, name, latex=latex)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return path


def with_plot_files(document: Document, report_path: Path) -> Document:
    """Write each plot as ``<report stem>-<n>.png`` beside the report and link it.

    Markdown viewers seldom show ``data:`` images, so a written Markdown report keeps
    its pictures in files next to it.
    """
    count = 0
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Plot) and block.png is not None:
                count += 1
                picture = report_path.with_name(f"{report_path.stem}-{count}.png")
                picture.write_bytes(block.png)
                block.path = picture.name
    return document
