"""The JSON report: a solution as data, following the versioned schema in ``schema.json``.

See ``docs/report-schema.md`` for the fields. Numbers that JSON cannot hold are written
as strings: ``"inf"`` and ``"-inf"``; NaN (a value that does not exist) is ``null``.

>>> from symopt.solution.types import Solution
>>> text = render_json(Solution("m", "LP", "optimal", True, "ok", "symopt", "simplex",
...                             objective=1.5))
>>> data = json.loads(text)
>>> data["schema_version"], data["kind"], data["objective"]
('1.0', 'lp', 1.5)
"""
from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

import numpy as np

from symopt.report.kkt import kkt_data
from symopt.report.nlp import active_bound, violation_of
from symopt.report.parametric import parametric_data, sensitivity_data
from symopt.report.statistics import fit_statistics
from symopt.solution.types import STATUS_NAMES, Range, Solution

__all__ = ["render_json", "solution_data", "report_kind", "load_schema", "SCHEMA_VERSION",
           "SCHEMA_ID"]

SCHEMA_VERSION = "1.0"
SCHEMA_ID = "symopt-report"


def report_kind(solution: Solution) -> str:
    """"fit", "milp", "lp" or "nlp": which report a solution gets."""
    if solution.fit is not None:
        return "fit"
    if solution.mip is not None or solution.problem_class == "MILP":
        return "milp"
    if solution.problem_class == "LP":
        return "lp"
    return "nlp"


def number(value: Any) -> Any:
    """A JSON-safe number: inf as "inf"/"-inf", NaN and None as null."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value) or abs(value) >= 1e20:
        return "inf" if value > 0 else "-inf"
    return value + 0.0  # no "-0.0" in the output


def index_value(item: Any) -> Any:
    return item if isinstance(item, (int, str)) else str(item)


def range_data(r: Range | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"current": number(r.current), "lower": number(r.lower), "upper": number(r.upper),
            "allowable_increase": number(r.allowable_increase),
            "allowable_decrease": number(r.allowable_decrease),
            "objective_at_lower": number(r.objective_at_lower),
            "objective_at_upper": number(r.objective_at_upper),
            "change_at_lower": r.change_at_lower, "change_at_upper": r.change_at_upper}


def variables_data(solution: Solution) -> list[dict[str, Any]]:
    return [{"name": v.name, "component": v.component,
             "index": [index_value(i) for i in v.index], "value": number(v.value),
             "lower": number(v.lower), "upper": number(v.upper), "is_integer": v.is_integer,
             "reduced_cost": number(v.reduced_cost), "basis": v.basis,
             "active_bound": active_bound(v) or None,
             "cost": number(v.cost), "cost_range": range_data(v.cost_range)}
            for v in solution.variables]


def constraints_data(solution: Solution) -> list[dict[str, Any]]:
    return [{"name": c.name, "component": c.component,
             "index": [index_value(i) for i in c.index], "activity": number(c.body),
             "lower": number(c.lower), "upper": number(c.upper), "slack": number(c.slack),
             "dual": number(c.dual), "basis": c.basis, "binding": c.binding,
             "violation": number(violation_of(c)), "rhs_range": range_data(c.rhs_range)}
            for c in solution.constraints]


def fit_data(solution: Solution) -> dict[str, Any] | None:
    fit = solution.fit
    if fit is None:
        return None
    stats = fit_statistics(fit)
    correlation = (None if stats.correlation is None else
                   [[number(v) for v in row] for row in stats.correlation])
    return {
        "expression": fit.expression, "dependent": fit.dependent_name,
        "parameters": [{"name": name, "value": number(fit.parameters[k]),
                        "stderr": number(stats.stderr[k]), "ci_lower": number(stats.ci_lower[k]),
                        "ci_upper": number(stats.ci_upper[k])}
                       for k, name in enumerate(fit.parameter_names)],
        "confidence": 0.95, "t_value": number(stats.t_value), "correlation": correlation,
        "n_points": stats.n_points, "dof": stats.dof, "chi_square": number(stats.chi_square),
        "reduced_chi_square": number(stats.reduced_chi_square),
        "r_squared": number(stats.r_squared), "aic": number(stats.aic), "bic": number(stats.bic),
        "independent": {k: [number(v) for v in np.ravel(x)] for k, x in fit.independent.items()},
        "observed": [number(v) for v in fit.observed],
        "predicted": [number(v) for v in fit.predicted],
        "residuals": [number(v) for v in fit.residuals],
        "sigma": None if fit.sigma is None else [number(v) for v in np.ravel(fit.sigma)],
        "absolute_sigma": fit.absolute_sigma,
    }


def infeasibility_data(solution: Solution) -> dict[str, Any] | None:
    info = solution.infeasibility
    if info is None:
        return None
    return {"constraints": list(info.constraints), "bounds": list(info.bounds),
            "certificate": {k: number(v) for k, v in info.certificate.items()},
            "explanation": info.explanation}


def solution_data(solution: Solution) -> dict[str, Any]:
    """The solution as a JSON-ready dict (see ``docs/report-schema.md``)."""
    mip = solution.mip
    route = solution.route
    return {
        "schema": SCHEMA_ID, "schema_version": SCHEMA_VERSION, "kind": report_kind(solution),
        "model": {"name": solution.model_name, "problem_class": solution.problem_class,
                  "sense": solution.sense, "objective_name": solution.objective_name,
                  "sizes": {k: int(v) for k, v in solution.sizes.items()}},
        "solver": {"solver": solution.solver, "method": solution.method,
                   "route": None if route is None else
                   (route.explain() if hasattr(route, "explain") else str(route)),
                   "iterations": solution.iterations,
                   "evaluations": {k: int(v) for k, v in solution.evaluations.items()},
                   "timings": {k: number(v) for k, v in solution.timings.items()}},
        "status": {"code": solution.status, "success": solution.success,
                   "description": STATUS_NAMES.get(solution.status, ""),
                   "message": solution.message},
        "objective": number(solution.objective),
        "warnings": list(solution.warnings),
        "degenerate": solution.degenerate, "alternative_optima": solution.alternative_optima,
        "variables": variables_data(solution), "constraints": constraints_data(solution),
        "convergence": {"gradient_norm": number(solution.gradient_norm),
                        "residual_norm": number(solution.residual_norm),
                        "max_violation": number(solution.max_violation),
                        "history": [number(v) for v in solution.history]},
        "mip": None if mip is None else {"incumbent": number(mip.incumbent),
                                         "bound": number(mip.bound), "gap": number(mip.gap),
                                         "nodes": mip.nodes,
                                         "sensitivity_of": "LP with integer variables fixed"},
        "infeasibility": infeasibility_data(solution),
        "exact": exact_data(solution.exact),
        "parametric": parametric_data(solution.parametric),
        "sensitivity": sensitivity_data(solution.sensitivity),
        "kkt": kkt_data(solution.kkt),
        "unbounded_ray": None if solution.unbounded_ray is None else
        {k: number(v) for k, v in solution.unbounded_ray.items()},
        "fit": fit_data(solution),
    }


def exact_data(exact: Any) -> dict[str, Any] | None:
    """An `ExactAnswer` with its fractions as strings ("3/2"), or None."""
    if exact is None:
        return None
    def text(table: dict) -> dict[str, str]:
        return {name: str(value) for name, value in table.items()}
    return {"optimal": exact.optimal, "verdict": exact.verdict, "engine": exact.engine,
            "objective": str(exact.objective), "max_float_error": exact.max_float_error,
            "values": text(exact.values), "duals": text(exact.duals),
            "reduced_costs": text(exact.reduced_costs),
            "cost_ranges": None if exact.cost_ranges is None else
            {name: [_fraction(lo), _fraction(hi)] for name, (lo, hi) in exact.cost_ranges.items()},
            "rhs_ranges": None if exact.rhs_ranges is None else
            {name: [_fraction(lo), _fraction(hi)]
             for name, (_, lo, hi) in exact.rhs_ranges.items()}}


def _fraction(value: Any) -> str | None:
    """A fraction as text, None for an unbounded side."""
    return None if value is None else str(value)


def render_json(solution: Solution, latex: bool = False) -> str:
    """The solution as indented JSON text (with the model's LaTeX when ``latex``)."""
    data = solution_data(solution)
    if latex and getattr(solution, "model", None) is not None:
        from symopt.report.latex import latex_fragment
        data["latex"] = latex_fragment(solution.model)
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of this format, shipped as ``symopt/report/schema.json``.

    >>> load_schema()["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    True
    """
    text = resources.files("symopt.report").joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)
