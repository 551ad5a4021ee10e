"""The "Parametric answer" section of an LP report: the optimum as formulas in symbolic Params."""
from __future__ import annotations

from symopt.report.document import Paragraph, Section, Table
from symopt.solution.types import Solution

__all__ = ["parametric_section", "parametric_data"]


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
