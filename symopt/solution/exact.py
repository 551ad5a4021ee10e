"""Exact answers of an LP: the final basis certified in rational arithmetic, in the user's names.

``symopt.solve(model, exact=True)`` (or ``symopt solve FILE --exact``) hands the optimal
basis of a float solve to `symopt.optimize.certify_basis` and keeps the outcome here:
the vertex, duals and reduced costs as fractions, whether the basis is exactly optimal,
how far the float values were from the exact ones, and (LPs of up to 150 rows) the cost and
right-hand-side ranges as fractions. The sign conventions are the
float `Solution`'s (a dual is d objective / d active right-hand side, in the model's sense).

>>> import symopt
>>> from symopt.model import Model, Var, Objective, Constraint, maximize
>>> m = Model("wyndor")
>>> m.x, m.y = Var(bounds=(0, None)), Var(bounds=(0, None))
>>> m.profit = Objective(expr=3 * m.x + 5 * m.y, sense=maximize)
>>> m.plant1 = Constraint(expr=m.x <= 4)
>>> m.plant2 = Constraint(expr=2 * m.y <= 12)
>>> m.plant3 = Constraint(expr=3 * m.x + 2 * m.y <= 18)
>>> answer = symopt.solve(m, exact=True).exact
>>> answer.optimal, str(answer.objective), str(answer.duals["plant2"])
(True, '36', '3/2')
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from symopt.optimize._linear.exact import EXACT_RANGING_MAX_ROWS, certify_basis, exact_ranges

__all__ = ["ExactAnswer", "exact_answer"]


@dataclass(frozen=True)
class ExactAnswer:
    """An LP's answer in rationals, keyed by the user's variable and constraint names."""

    optimal: bool
    objective: Fraction
    values: dict[str, Fraction]
    duals: dict[str, Fraction]
    reduced_costs: dict[str, Fraction]
    engine: str
    max_float_error: float
    violations: tuple[str, ...] = ()
    #: name -> (lower, upper) of its cost (None: unbounded side); None when the LP is too
    #: large for exact ranging (`EXACT_RANGING_MAX_ROWS`) or the basis is not optimal
    cost_ranges: dict[str, tuple] | None = None
    #: constraint name -> (ranged right-hand side, lower, upper), likewise
    rhs_ranges: dict[str, tuple] | None = None

    @property
    def verdict(self) -> str:
        """One sentence: is the float answer's basis exactly optimal, and how close were its numbers."""
        if self.optimal:
            closeness = ("the float values are exact" if self.max_float_error == 0 else
                         f"the float values differ from the exact ones by at most "
                         f"{self.max_float_error:.1e}")
            return (f"the final basis is exactly optimal in rational arithmetic ({self.engine}); "
                    f"{closeness}")
        return ("the final basis is NOT exactly optimal in rational arithmetic: "
                + "; ".join(self.violations[:3])
                + (f" (and {len(self.violations) - 3} more)" if len(self.violations) > 3 else ""))


def exact_answer(lp: Any, result: Any, engine: str = "auto") -> ExactAnswer:
    """Certify the basis of ``result`` (a `solve_lp` result with ``col_basis``/``row_basis``)."""
    certificate = certify_basis(lp, result.col_basis, result.row_basis, x=result.x,
                                engine=engine)
    cost_ranges = rhs_ranges = None
    if certificate.optimal and lp.num_rows <= EXACT_RANGING_MAX_ROWS:
        ranges = exact_ranges(lp, result.col_basis, result.row_basis, engine=engine)
        cost_ranges = {name: (lo, hi) for name, lo, hi in
                       zip(lp.col_names, ranges.cost_lower, ranges.cost_upper)}
        rhs_ranges = {name: (value, lo, hi) for name, value, lo, hi in
                      zip(lp.row_names, ranges.rhs_value, ranges.rhs_lower, ranges.rhs_upper)}
    return ExactAnswer(
        cost_ranges=cost_ranges, rhs_ranges=rhs_ranges,
        optimal=certificate.optimal, objective=certificate.objective,
        values=dict(zip(lp.col_names, certificate.x)),
        duals=dict(zip(lp.row_names, certificate.row_dual)),
        reduced_costs=dict(zip(lp.col_names, certificate.col_dual)),
        engine=certificate.engine, max_float_error=certificate.max_float_error or 0.0,
        violations=tuple(certificate.primal_violations + certificate.dual_violations))
