"""The LP / MILP report: what to do, what binds, what a unit of each resource is worth.

Builds a format-neutral `Document` from a `Solution` of an LP or MILP: a model summary,
status and objective, variable and constraint tables grouped by indexed component,
ranging tables (allowable increase and decrease, absolute range, the objective at each
end and what enters or leaves the basis there), warnings in words about degeneracy and
alternative optima, and for an infeasible or unbounded model the IIS with its Farkas
certificate or the unbounded ray.

>>> from symopt.solution.types import Solution, VariableResult
>>> s = Solution("demo", "LP", "optimal", True, "ok", "symopt", "simplex", objective=3.0,
...              variables=[VariableResult("x[1]", "x", (1,), value=3.0)])
>>> doc = build_lp_document(s)
>>> [t.key for t in doc.tables()]
['variables', 'constraints']
"""
from __future__ import annotations

from typing import Any, Callable

from symopt.report.exact import exact_section
from symopt.report.parametric import parametric_section
from symopt.report.document import (
    Block, Document, KeyValues, Note, Paragraph, Plot, Preformatted, Section, Table,
    format_number,
)
from symopt.report.lp_columns import Entries, group_labels, report_entries, sorted_by_component
from symopt.solution.types import STATUS_NAMES, Solution

__all__ = ["build_lp_document", "summary_section", "sorted_by_component", "group_labels",
           "SIGN_CONVENTIONS"]

SIGN_CONVENTIONS = (
    "Sign conventions: a shadow price (dual value) is the change of the objective per unit "
    "increase of the constraint's right-hand side (its active bound), in the model's own "
    "sense. In a minimization a binding <= constraint has a shadow price <= 0 and a binding "
    ">= constraint one >= 0; in a maximization the signs are reversed. A reduced cost is the "
    "change of the objective per unit increase of a nonbasic variable from its bound (zero "
    "for basic variables). A range is the interval over which the current basis stays "
    "optimal; 'inf' means no limit.")


def summary_section(solution: Solution) -> Section:
    """Sizes, class, route, solver, time and iterations."""
    items: list[tuple[str, Any]] = [("model", solution.model_name or "(unnamed)"),
                                    ("class", solution.problem_class)]
    if solution.fit is None and solution.objective is not None:
        items.append(("sense", "minimize" if solution.sense == "min" else "maximize"))
    items += [(label, value) for label, value in solution.sizes.items()]
    route = solution.route
    if route is not None:
        items.append(("route", route.explain() if hasattr(route, "explain") else str(route)))
    items += [("solver", solution.solver), ("method", solution.method or "(default)")]
    if solution.timings:
        items.append(("time (s)", sum(solution.timings.values())))
    if solution.iterations is not None:
        items.append(("iterations", solution.iterations))
    for label, count in solution.evaluations.items():
        items.append((label, count))
    return Section("Summary", [KeyValues(items)])


def status_section(solution: Solution) -> Section:
    items: list[tuple[str, Any]] = [
        ("status", solution.status), ("meaning", STATUS_NAMES.get(solution.status, "")),
        ("solver message", solution.message)]
    if solution.objective is not None:
        label = f"objective ({solution.objective_name})" if solution.objective_name else "objective"
        items.append((label, solution.objective))
    if solution.mip is not None:
        items += [("incumbent", solution.mip.incumbent), ("best bound", solution.mip.bound),
                  ("relative gap", solution.mip.gap), ("nodes", solution.mip.nodes)]
    blocks: list[Block] = [KeyValues(items)]
    if solution.mip is not None:
        blocks.append(Note("Reduced costs, shadow prices and ranges below are those of the LP "
                           "obtained by fixing every integer variable at its optimal value."))
    blocks += [Note(w, "warning") for w in solution.warnings]
    return Section("Status", blocks)


def highlights_section(variables: Entries, constraints: Entries) -> Section:
    """What to do and what binds, in sentences a manager can read."""
    doing = [i for i, value in enumerate(variables.value) if abs(value) > 1e-9]
    shown = ", ".join(f"{variables.name[i]} = {format_number(variables.value[i])}"
                      for i in doing[:12])
    more = f" and {len(doing) - 12} more" if len(doing) > 12 else ""
    blocks: list[Block] = [Paragraph(
        f"Plan: {shown}{more}; every other variable is 0." if doing
        else "Plan: every variable is 0.")]
    prices = constraints.price
    binding = [i for i, (binds, price) in enumerate(zip(constraints.binding, prices))
               if binds and price is not None and abs(price) > 1e-12]
    binding.sort(key=lambda i: -abs(prices[i]))
    low, high = constraints.range_ends()
    for i in binding[:8]:
        valid = ""
        if low[i] is not None:
            valid = (f", valid while its right-hand side stays in "
                     f"[{format_number(low[i])}, {format_number(high[i])}]")
        blocks.append(Paragraph(
            f"{constraints.name[i]} binds: one more unit of its right-hand side changes the "
            f"objective by {format_number(prices[i])}{valid}."))
    if not binding and constraints.name:
        blocks.append(Paragraph("No constraint has a nonzero shadow price."))
    return Section("Highlights", blocks)


def variables_table(variables: Entries) -> Table:
    columns = ["name", "value", "lower", "upper", "reduced cost", "basis", "cost",
               "cost range low", "cost range high"]
    v = variables
    data = [v.name, v.value, v.lower, v.upper, v.price, v.basis, v.cost, *v.range_ends()]
    if any(v.integer):
        columns.insert(1, "integer")
        data.insert(1, ["integer" if flag else "" for flag in v.integer])
    return Table.from_columns("Variables", columns, data, key="variables", groups=v.groups())


def constraints_table(constraints: Entries) -> Table:
    c = constraints
    data = [c.name, c.value, c.lower, c.upper, c.slack, c.price, *c.range_ends(),
            ["binding" if b else "" for b in c.binding]]
    return Table.from_columns("Constraints", ["name", "activity", "lower", "upper", "slack",
                                              "shadow price", "rhs range low",
                                              "rhs range high", "binding"],
                              data, key="constraints", groups=c.groups())


def ranging_columns(entries: Entries) -> list[list[Any]]:
    r = entries.ranges
    return [entries.subset(entries.name), r.current, entries.subset(entries.price), r.decrease,
            r.increase, r.lower, r.upper, r.at_lower, r.at_upper,
            [name or "" for name in r.change_lower], [name or "" for name in r.change_upper]]


RANGE_COLUMNS = ["allowable decrease", "allowable increase", "range low", "range high",
                 "objective at low", "objective at high", "enters/leaves at low",
                 "enters/leaves at high"]


def ranging_section(solution: Solution, variables: Entries,
                    constraints: Entries) -> Section | None:
    if variables.ranges is None and constraints.ranges is None:
        return None
    title = ("Sensitivity of the LP with the integer variables fixed at their optimal values"
             if solution.mip is not None else "Sensitivity")
    blocks: list[Block] = []
    if solution.mip is not None:
        blocks.append(Note("These ranges and prices belong to the LP obtained by fixing every "
                           "integer variable at its optimal value; they do not account for "
                           "changes that would alter the integer decisions."))
    if variables.ranges is not None:
        blocks.append(Table.from_columns("Objective coefficient ranging",
                            ["variable", "cost", "reduced cost", *RANGE_COLUMNS],
                            ranging_columns(variables), key="cost-ranging",
                            groups=variables.groups(variables.ranges.where)))
    if constraints.ranges is not None:
        blocks.append(Table.from_columns("Right-hand-side ranging",
                            ["constraint", "rhs", "shadow price", *RANGE_COLUMNS],
                            ranging_columns(constraints), key="rhs-ranging",
                            groups=constraints.groups(constraints.ranges.where)))
    if solution.degenerate:
        blocks.append(Note("Degenerate basis: a range with an allowable change of 0 on one "
                           "side means the basis changes at once in that direction; the "
                           "shadow price on the other side of it may differ.", "warning"))
    blocks.append(Paragraph(SIGN_CONVENTIONS))
    return Section(title, blocks)


def infeasibility_section(solution: Solution) -> Section:
    info = solution.infeasibility
    if info is None:
        why = ("Its LP relaxation is feasible: the integer requirements make it infeasible, "
               "so no LP-based infeasible subset exists." if solution.problem_class == "MILP"
               else "No irreducible infeasible subset could be computed.")
        return Section("Infeasibility", [Paragraph(f"The model is infeasible. {why}")])
    by_name = {c.name: c for c in solution.constraints}
    rows = [[name, by_name[name].lower if name in by_name else None,
             by_name[name].upper if name in by_name else None, info.certificate.get(name)]
            for name in info.constraints]
    vars_by_name = {v.name: v for v in solution.variables}
    bound_rows = [[name, vars_by_name[name].lower if name in vars_by_name else None,
                   vars_by_name[name].upper if name in vars_by_name else None]
                  for name in info.bounds]
    blocks: list[Block] = [Paragraph(
        "No point satisfies all constraints. The irreducible infeasible subset (IIS) below "
        "is infeasible on its own, and removing any one of its members makes it feasible.")]
    blocks.append(Table("IIS: constraints", ["constraint", "lower", "upper", "multiplier"],
                        rows, key="iis-constraints"))
    if bound_rows:
        blocks.append(Table("IIS: variable bounds", ["variable", "lower", "upper"], bound_rows,
                            key="iis-bounds"))
    blocks.append(Paragraph("Farkas certificate: a positive multiplier uses the constraint as "
                            "'>= lower', a negative one as '<= upper'."))
    blocks.append(Preformatted(info.explanation))
    return Section("Infeasibility", blocks)


def unbounded_section(solution: Solution) -> Section:
    if not solution.unbounded_ray:
        return Section("Unboundedness", [Paragraph("The objective can improve without limit; "
                                                   "no improving ray could be computed.")])
    rows = [[name, value] for name, value in solution.unbounded_ray.items()]
    return Section("Unboundedness", [
        Paragraph("The objective improves without limit along this direction (ray): moving "
                  "from any feasible point by t times these amounts stays feasible for every "
                  "t >= 0 and keeps improving the objective."),
        Table("Unbounded ray", ["variable", "direction"], rows, key="ray")])


def build_lp_document(solution: Solution,
                      plot: Callable[[Solution], Plot | None] | None = None) -> Document:
    """The LP (or MILP) report of ``solution``; ``plot`` draws the two-variable picture."""
    kind = "milp" if solution.mip is not None or solution.problem_class == "MILP" else "lp"
    title = f"{solution.problem_class} report: {solution.model_name or 'model'}"
    document = Document(title, kind, [summary_section(solution), status_section(solution)])
    variables, constraints = report_entries(solution)
    if solution.status == "infeasible":
        document.sections.append(infeasibility_section(solution))
    elif solution.status == "unbounded":
        document.sections.append(unbounded_section(solution))
    if solution.status == "optimal" and variables.name:
        document.sections.append(highlights_section(variables, constraints))
    if solution.status not in ("infeasible", "unbounded"):
        document.sections.append(Section("Solution", [variables_table(variables),
                                                      constraints_table(constraints)]))
    picture = plot(solution) if plot is not None else None
    if picture is not None:
        document.sections.append(Section("Plot", [picture]))
    ranging = ranging_section(solution, variables, constraints)
    if ranging is not None:
        document.sections.append(ranging)
    for extra in (exact_section(solution), parametric_section(solution)):
        if extra is not None:
            document.sections.append(extra)
    return document
