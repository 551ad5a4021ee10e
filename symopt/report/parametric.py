"""How the optimum follows the symbolic Params: formulas for an LP ("Parametric answer"),
derivatives by the implicit function theorem for an NLP ("Sensitivity to symbolic params")."""
from __future__ import annotations

from symopt.report.document import Paragraph, Section, Table
from symopt.solution.types import Solution

__all__ = ["parametric_section", "parametric_data", "sensitivity_section", "sensitivity_data"]


def parametric_section(solution: Solution) -> Section | None:
    """None unless the model has symbolic Params and the LP answer was followed in them."""
    answer = solution.parametric
    if answer is None:
        return None
    at = ", ".join(f"{name} = {value:g}" for name, value in answer.parameters.items())
    lead = Paragraph(f"Solved at {at}. On this optimal basis, for {answer.describe_region()}: "
                     f"{solution.objective_name or 'objective'} = {answer.objective}.")
    variables = Table("Values as formulas", ["name", "value", "reduced cost"],
                      [[name, str(value), str(answer.reduced_costs[name])]
                       for name, value in answer.values.items()], key="parametric-variables")
    duals = Table("Shadow prices as formulas", ["name", "dual"],
                  [[name, str(dual)] for name, dual in answer.duals.items()],
                  key="parametric-constraints")
    return Section("Parametric answer", [lead, variables, duals])


def parametric_data(answer: object) -> dict | None:
    """The JSON form: every formula and the region as text."""
    if answer is None:
        return None
    return {"parameters": dict(answer.parameters), "region": answer.describe_region(),
            "objective": str(answer.objective),
            "values": {k: str(v) for k, v in answer.values.items()},
            "duals": {k: str(v) for k, v in answer.duals.items()},
            "reduced_costs": {k: str(v) for k, v in answer.reduced_costs.items()}}


def sensitivity_section(solution: Solution) -> Section | None:
    """dx*/dp, dλ*/dp and df*/dp of an NLP optimum, one column per symbolic param."""
    sens = solution.sensitivity
    if sens is None:
        return None
    params = list(sens.parameters)
    at = ", ".join(f"{name} = {value:g}" for name, value in sens.parameters.items())
    lead = Paragraph(f"Derivatives of the optimum at {at} (implicit function theorem on the "
                     f"KKT conditions, exact Hessian), valid while the active set "
                     f"({', '.join(sens.active) or 'none'}) stays active.")
    objective = Table("Optimal objective", ["", *(f"d/d {p}" for p in params)],
                      [[solution.objective_name or "objective",
                        *(sens.dobjective[p] for p in params)]], key="sensitivity-objective")
    names = list(sens.dx[params[0]]) if params else []
    variables = Table("Variables", ["name", *(f"d/d {p}" for p in params)],
                      [[name, *(sens.dx[p][name] for p in params)] for name in names],
                      key="sensitivity-variables")
    rows = list(sens.dduals[params[0]]) if params else []
    duals = Table("Multipliers of the active rows", ["name", *(f"d/d {p}" for p in params)],
                  [[name, *(sens.dduals[p][name] for p in params)] for name in rows],
                  key="sensitivity-constraints")
    return Section("Sensitivity to symbolic params", [lead, objective, variables, duals])


def sensitivity_data(sens: object) -> dict | None:
    """The JSON form of `sensitivity_section`."""
    if sens is None:
        return None
    return {"parameters": dict(sens.parameters), "active": list(sens.active),
            "objective": dict(sens.dobjective), "variables": sens.dx, "duals": sens.dduals}
