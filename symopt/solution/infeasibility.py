"""An LP's infeasibility in words: the IIS and Farkas certificate of `diagnose_lp`, named.

`symopt.optimize.diagnose_lp` finds the subset and the multipliers (numbers and
indices); this module writes them with the rows' and columns' display names and spells
the certificate out as a contradiction a reader can check by hand.
"""
from __future__ import annotations

import numpy as np

from symopt.optimize._linear.diagnosis import LPDiagnosis
from symopt.optimize._linear.infeasibility import feasibility_problem
from symopt.optimize.linear_program import LinearProgram
from symopt.solution.types import Infeasibility

__all__ = ["explain_infeasibility", "explain_certificate"]

TOL = 1e-7
MAX_TERMS = 8


def linear_text(terms: list[tuple[str, float]]) -> str:
    """``[("x", 1), ("y", -2)]`` as ``x - 2 y`` (at most MAX_TERMS terms, then ``...``)."""
    parts: list[str] = []
    for k, (name, coef) in enumerate(terms):
        if k == MAX_TERMS:
            parts.append(f"+ ... ({len(terms) - MAX_TERMS} more terms)")
            break
        size = abs(coef)
        text = name if abs(size - 1.0) < 1e-12 else f"{size:.6g} {name}"
        sign = "-" if coef < 0 else "+"
        parts.append((sign if sign == "-" else "") + text if k == 0 else f"{sign} {text}")
    return " ".join(parts) if parts else "0"


def row_terms(lp: LinearProgram, row: int, scale: float = 1.0) -> list[tuple[str, float]]:
    dense = lp.A[[row], :].toarray()[0]
    return [(lp.col_names[j], scale * float(dense[j])) for j in np.flatnonzero(dense)]


def explain_certificate(lp: LinearProgram, y: np.ndarray) -> str:
    """The combination of rows (multipliers ``y``) that yields a contradiction, in words.

    >>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 1]],
    ...     row_lower=[-np.inf, 5], row_upper=[3, np.inf], row_names=("cap", "need"))
    >>> print(explain_certificate(lp, np.array([-1.0, 1.0])).splitlines()[-1])
    The left-hand side is at most 0 within the variable bounds, so 0 >= 2 is a contradiction.
    """
    lines = ["Multiply each constraint by its factor and add them up (>= form):"]
    for i in np.flatnonzero(y):
        sign = 1.0 if y[i] > 0 else -1.0
        bound = lp.row_lower[i] if y[i] > 0 else lp.row_upper[i]
        relation = ">=" if y[i] > 0 else "<="
        original = f"{linear_text(row_terms(lp, i))} {relation} {bound:.6g}"
        lines.append(f"  {abs(y[i]):.6g} × ({lp.row_names[i]}: {original})"
                     + ("" if y[i] > 0 else f"   i.e. {linear_text(row_terms(lp, i, -1.0))} >= {-bound:.6g}"))
    b = np.where(y > 0, lp.row_lower, np.where(y < 0, lp.row_upper, 0.0))
    rhs = float(y[y != 0] @ b[y != 0])
    g = (lp.A.T @ y)
    g[np.abs(g) <= TOL] = 0.0
    lhs_terms = [(lp.col_names[j], float(g[j])) for j in np.flatnonzero(g)]
    ends = np.where(g > 0, lp.col_upper, np.where(g < 0, lp.col_lower, 0.0))
    most = float(g[g != 0] @ ends[g != 0]) if lhs_terms else 0.0
    lines.append(f"  sum: {linear_text(lhs_terms)} >= {rhs:.6g}")
    lines.append(f"The left-hand side is at most {most:.6g} within the variable bounds, "
                 f"so {most:.6g} >= {rhs:.6g} is a contradiction.")
    return "\n".join(lines)


def explain_infeasibility(lp: LinearProgram, diagnosis: LPDiagnosis) -> Infeasibility | None:
    """The IIS of ``diagnosis`` and its Farkas certificate, with names; None without an IIS."""
    rows, cols = list(diagnosis.iis_rows), list(diagnosis.iis_cols)
    if not rows and not cols:
        return None
    y = diagnosis.farkas
    certificate = {} if y is None else {lp.row_names[i]: float(y[i]) for i in np.flatnonzero(y)}
    row_mask = np.zeros(lp.num_rows, bool)
    row_mask[rows] = True
    col_mask = np.zeros(lp.num_cols, bool)
    col_mask[cols] = True
    restricted = feasibility_problem(lp, row_mask, col_mask)
    explanation = (explain_certificate(restricted, y) if certificate else
                   "The variable bounds listed contradict each other." if not rows else
                   "No Farkas certificate could be computed for this subset.")
    if not diagnosis.iis_complete:
        explanation += (f"\nThe deletion filter stopped after {diagnosis.time_limit:g} s: this "
                        "subset is infeasible but may not be irreducible.")
    return Infeasibility(constraints=[lp.row_names[i] for i in rows],
                         bounds=[lp.col_names[j] for j in cols],
                         certificate=certificate, explanation=explanation)
