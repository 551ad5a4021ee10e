"""The "Interior-point iterations" section of an NLP report: the barrier log, IPOPT style.

One row per iteration of ``minimize(method="interior-point")``: objective, primal
infeasibility (largest violation), dual infeasibility (scaled), barrier parameter ``mu``,
the Hessian regularization ``delta_w`` of the inertia correction, the dual and primal step
lengths, and how the step was accepted (``f``: Armijo on the barrier function, ``h``: the
filter, ``r``: feasibility restoration). A long log keeps its first and last rows.
"""
from __future__ import annotations

from symopt.report.document import Section, Table
from symopt.solution.types import Solution

__all__ = ["barrier_log_section", "HEAD_ROWS", "TAIL_ROWS"]

HEAD_ROWS, TAIL_ROWS = 10, 30
_COLUMNS = ["iter", "objective", "inf_pr", "inf_du", "mu", "delta_w", "alpha_du", "alpha_pr", "ls"]


def barrier_log_section(solution: Solution) -> Section | None:
    """None unless the solve was an interior-point run that kept its log."""
    raw = solution.raw
    log = raw.get("log") if isinstance(raw, dict) else None
    if not log:
        return None
    entries = log if len(log) <= HEAD_ROWS + TAIL_ROWS else log[:HEAD_ROWS] + log[-TAIL_ROWS:]
    rows = [[e["iter"], solution_sign(solution) * e["objective"], e["inf_pr"], e["inf_du"],
             e["mu"], e["delta_w"] or None, e["alpha_du"], e["alpha_pr"], str(e["ls"])]
            for e in entries]
    caption = ("" if len(entries) == len(log) else
               f"{len(log) - len(entries)} middle iterations left out")
    return Section("Interior-point iterations",
                   [Table("Barrier log", _COLUMNS, rows, key="barrier_log", caption=caption)])


def solution_sign(solution: Solution) -> float:
    """The solver minimized ``sign * f``: this turns its objective back into the model's."""
    return -1.0 if solution.sense == "max" else 1.0
