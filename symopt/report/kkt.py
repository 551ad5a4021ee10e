"""The "Optimality conditions" section of an NLP report: each KKT condition at the returned
point, its residual against the tolerance, where it is worst, and the verdict in words."""
from __future__ import annotations

from typing import Any

from symopt.report.document import Paragraph, Section, Table
from symopt.solution.types import Solution

__all__ = ["kkt_section", "kkt_data"]


def kkt_section(solution: Solution) -> Section | None:
    """None unless the map-back stage diagnosed the point (NLP solves)."""
    kkt = solution.kkt
    if kkt is None:
        return None
    verdict = kkt.sentence()
    table = Table("KKT conditions at the returned point",
                  ["condition", "relative residual", "tolerance", "holds", "worst at"],
                  [[c.name, c.residual, c.tolerance, "yes" if c.holds else "NO",
                    "" if c.holds else c.where]
                   for c in kkt.conditions], key="kkt")
    return Section("Optimality conditions", [Paragraph(verdict[0].upper() + verdict[1:] + "."),
                                             table])


def kkt_data(kkt: Any) -> dict | None:
    """The JSON form: the verdict and one entry per condition."""
    if kkt is None:
        return None
    return {"verdict": kkt.sentence(), "holds": kkt.holds,
            "conditions": [{"name": c.name, "residual": c.residual, "tolerance": c.tolerance,
                            "holds": c.holds, "where": c.where, "detail": c.detail}
                           for c in kkt.conditions]}
