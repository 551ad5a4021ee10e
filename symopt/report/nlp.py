"""The NLP / equation-system report: convergence, multipliers, violations, active bounds.

>>> from symopt.solution.types import Solution, VariableResult
>>> s = Solution("rosen", "NLP", "optimal", True, "converged", "symopt", "bfgs",
...              objective=0.0, iterations=30, gradient_norm=1e-9,
...              variables=[VariableResult("x", "x", value=1.0, lower=1.0)])
>>> doc = build_nlp_document(s)
>>> doc.tables()[0].rows[0][-1]
'at lower'
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.report.barrier_log import barrier_log_section
from symopt.report.kkt import kkt_section
from symopt.report.parametric import sensitivity_section
from symopt.report.document import Block, Document, KeyValues, Plot, Section, Table
from symopt.report.lp import sorted_by_component, group_labels, status_section, summary_section
from symopt.solution.types import ConstraintResult, Solution, VariableResult

__all__ = ["build_nlp_document", "violation_of", "active_bound"]

ACTIVE_TOL = 1e-8


def violation_of(c: ConstraintResult) -> float:
    """How far the body lies outside [lower, upper] (0 when satisfied)."""
    if not np.isfinite(c.body):
        return float("nan")
    return float(max(c.lower - c.body, c.body - c.upper, 0.0))


def active_bound(v: VariableResult) -> str:
    """"at lower", "at upper", "fixed" or "" for a variable's value."""
    scale = ACTIVE_TOL * max(1.0, abs(v.value))
    low = np.isfinite(v.lower) and abs(v.value - v.lower) <= scale
    high = np.isfinite(v.upper) and abs(v.value - v.upper) <= scale
    return "fixed" if low and high else "at lower" if low else "at upper" if high else ""


def convergence_items(solution: Solution) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for label, value in (("final gradient norm", solution.gradient_norm),
                         ("final residual norm", solution.residual_norm),
                         ("max constraint violation", solution.max_violation)):
        if value is not None:
            items.append((label, value))
    return items


def variables_table(variables: list[VariableResult]) -> Table:
    rows = [[v.name, v.value, v.lower, v.upper, v.reduced_cost, active_bound(v)]
            for v in variables]
    return Table("Variables", ["name", "value", "lower", "upper", "bound multiplier",
                               "active bound"], rows, key="variables",
                 groups=group_labels(variables))


def constraints_table(constraints: list[ConstraintResult]) -> Table:
    rows = [[c.name, c.body, c.lower, c.upper, violation_of(c), c.dual,
             "active" if c.binding else ""] for c in constraints]
    return Table("Constraints", ["name", "value", "lower", "upper", "violation",
                                 "Lagrange multiplier", "active"], rows, key="constraints",
                 groups=group_labels(constraints))


def build_nlp_document(solution: Solution,
                       plot: Callable[[Solution], Plot | None] | None = None) -> Document:
    """The report of a nonlinear program or a system of equations."""
    title = f"{solution.problem_class} report: {solution.model_name or 'model'}"
    document = Document(title, "nlp", [summary_section(solution), status_section(solution)])
    convergence = convergence_items(solution)
    if convergence:
        document.sections.append(Section("Convergence", [KeyValues(convergence)]))
    blocks: list[Block] = [variables_table(sorted_by_component(solution.variables))]
    if solution.constraints:
        blocks.append(constraints_table(sorted_by_component(solution.constraints)))
    document.sections.append(Section("Solution", blocks))
    picture = plot(solution) if plot is not None else None
    if picture is not None:
        document.sections.append(Section("Plot", [picture]))
    for extra in (kkt_section(solution), barrier_log_section(solution),
                  sensitivity_section(solution)):
        if extra is not None:
            document.sections.append(extra)
    return document
