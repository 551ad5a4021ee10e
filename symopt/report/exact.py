"""The "Exact answer" section of an LP report (``solve(..., exact=True)``).

It states the verdict in one sentence and lists, per variable and per constraint, the
exact value and the exact dual or reduced cost as fractions, beside the float ones, so a
reader sees at once which numbers the float solver rounded.
"""
from __future__ import annotations

from symopt.report.document import Paragraph, Section, Table
from symopt.solution.types import Solution

__all__ = ["exact_section"]


def exact_section(solution: Solution) -> Section | None:
    """None unless the solve was asked for an exact answer and got one."""
    exact = solution.exact
    if exact is None:
        return None
    verdict = exact.verdict[0].upper() + exact.verdict[1:] + "."
    costs, rhs = exact.cost_ranges or {}, exact.rhs_ranges or {}
    variables = Table("Variables, exactly",
                      ["name", "value", "float value", "reduced cost", "cost range"],
                      [[v.name, str(exact.values.get(v.name, "")), v.value,
                        str(exact.reduced_costs.get(v.name, "")), _interval(costs.get(v.name))]
                       for v in solution.variables], key="exact-variables")
    constraints = Table("Constraints, exactly", ["name", "dual", "float dual", "rhs range"],
                        [[c.name, str(exact.duals.get(c.name, "")), c.dual,
                          _interval(rhs.get(c.name, (None,))[1:] if c.name in rhs else None)]
                         for c in solution.constraints], key="exact-constraints")
    return Section("Exact answer", [Paragraph(f"{verdict} Objective: {exact.objective}."),
                                    variables, constraints])


def _interval(pair: tuple | None) -> str:
    """``[lo, hi]`` with fractions; ``-inf``/``inf`` for open sides; blank when not computed."""
    if pair is None:
        return ""
    low, high = pair
    return f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
