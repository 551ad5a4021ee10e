"""The KKT conditions at a returned NLP point, each named with where it fails, in words.

`symopt.solution.optimality` decides the status; this module explains it to a person. With
the exact derivatives it evaluates, at the point a solver returned:

* **stationarity**: the gradient of the Lagrangian, projected onto the variable bounds
  (the entry with the largest size, by variable name);
* **primal feasibility**: the most violated row or bound;
* **complementarity**: a multiplier on a row that is not binding;
* **dual signs**: a multiplier whose sign says "push the row the other way";
* **second order** (up to `SECOND_ORDER_MAX_VARIABLES` variables): the smallest eigenvalue of
  the Hessian of the Lagrangian on the directions the active rows and bounds leave free; a
  negative one means a better point nearby (not a minimum);
* **no better point nearby**: shown when the map-back stage's probe
  (`symopt.solution.optimality.descent_nearby`) found the objective falling steadily right
  next to the point, which a Hessian that is barely positive there cannot rule out (``x^3``
  near 0): the point is a saddle, whatever the second-order test said.

`KKTDiagnosis.sentence` gives the verdict in one line, e.g. "the point is feasible but not
stationary: the gradient of the Lagrangian is 3.0e-02 in x[4]".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from symopt.solution.optimality import (
    FEASIBILITY_TOL, STATIONARITY_TOL, Descent, kkt_residuals, on_bound, stationarity_terms,
)

__all__ = ["KKTDiagnosis", "Condition", "kkt_diagnosis", "SECOND_ORDER_MAX_VARIABLES"]

SECOND_ORDER_MAX_VARIABLES = 200


@dataclass(frozen=True)
class Condition:
    """One KKT condition: its relative residual, whether it holds, and where it is worst."""

    name: str
    residual: float
    tolerance: float
    where: str = ""
    detail: str = ""

    @property
    def holds(self) -> bool:
        return bool(self.residual <= self.tolerance)


@dataclass(frozen=True)
class KKTDiagnosis:
    """The conditions in order: stationarity, feasibility, complementarity, dual signs and,
    when checked, second order."""

    conditions: tuple[Condition, ...]

    def condition(self, name: str) -> Condition:
        return next(c for c in self.conditions if c.name == name)

    @property
    def holds(self) -> bool:
        return all(c.holds for c in self.conditions)

    def sentence(self) -> str:
        """The verdict in words, naming the first condition that fails and where."""
        failing = [c for c in self.conditions if not c.holds]
        if not failing:
            checked = " and second-order" if any(c.name == "second order"
                                                  for c in self.conditions) else ""
            return f"the first-order{checked} conditions hold at the returned point"
        feasibility = self.condition("primal feasibility")
        if not feasibility.holds:
            return f"the point is infeasible: {feasibility.detail}"
        return f"the point is feasible but {_failure_words(failing[0])}"


def _failure_words(condition: Condition) -> str:
    return {
        "stationarity": f"not stationary: {condition.detail}",
        "complementarity": f"not complementary: {condition.detail}",
        "dual signs": f"a multiplier has the wrong sign: {condition.detail}",
        "second order": f"not a minimum: {condition.detail}",
        "no better point nearby": f"not a minimum: {condition.detail}",
    }.get(condition.name, condition.detail)


def kkt_diagnosis(nlp: Any, x: np.ndarray, duals: np.ndarray | None,
                  found: tuple | None = None, body: np.ndarray | None = None,
                  descent: Descent | None = None) -> KKTDiagnosis:
    """Every KKT condition of ``nlp`` at ``x`` with the model-sense row ``duals``; ``found``
    (``kkt_residuals``'s answer), ``body`` (the row values) and ``descent`` (the better
    point nearby the status check found) when the caller has them."""
    if body is None:
        body = nlp.constraints.values(x) if nlp.num_rows else np.zeros(0)
    residuals, lagrangian = found if found is not None else kkt_residuals(nlp, x, body, duals)
    names, rows = tuple(nlp.col_names), tuple(nlp.row_names)
    terms = stationarity_terms(nlp, x, lagrangian, residuals.gradient_scale)
    conditions = [_stationarity(residuals.stationarity, terms, lagrangian, names),
                  _feasibility(residuals.feasibility, nlp, x, body, names, rows),
                  Condition("complementarity", residuals.complementarity, STATIONARITY_TOL,
                            detail=f"relative residual {residuals.complementarity:.1e}")]
    if duals is not None and nlp.num_rows:
        conditions.append(_dual_signs(nlp, x, duals, rows))
    if 0 < x.size <= SECOND_ORDER_MAX_VARIABLES:
        conditions.append(_second_order(nlp, x, body, duals))
    if descent is not None:
        conditions.append(_no_descent(nlp, x, descent))
    return KKTDiagnosis(tuple(conditions))


def _no_descent(nlp: Any, x: np.ndarray, descent: Descent) -> Condition:
    """The probe's better point as a failing condition: the fall against what the gradient
    allows, both relative to the objective's size."""
    scale = max(1.0, abs(float(nlp.fun(x))))
    k = int(np.argmax(np.abs(descent.direction)))
    return Condition("no better point nearby", descent.drop / scale, descent.margin / scale,
                     where=nlp.col_names[k],
                     detail=f"the objective improves steadily by {descent.drop:.1e} within "
                            f"{descent.step:.1e} of the point, along a direction led by "
                            f"{nlp.col_names[k]}: a saddle point")


def _stationarity(value: float, terms: np.ndarray, lagrangian: np.ndarray,
                  names: tuple) -> Condition:
    if terms.size == 0:
        return Condition("stationarity", value, STATIONARITY_TOL)
    k = int(np.argmax(terms))
    return Condition("stationarity", value, STATIONARITY_TOL, where=names[k],
                     detail=f"the gradient of the Lagrangian is {lagrangian[k]:.1e} in {names[k]}")


def _feasibility(value: float, nlp: Any, x: np.ndarray, body: np.ndarray, names: tuple,
                 rows: tuple) -> Condition:
    with np.errstate(invalid="ignore"):
        row_gap = np.maximum(nlp.row_lower - body, body - nlp.row_upper) if body.size else body
        col_gap = np.maximum(nlp.col_lower - x, x - nlp.col_upper)
    gaps = np.concatenate([np.nan_to_num(row_gap, nan=0.0, neginf=0.0),
                           np.nan_to_num(col_gap, nan=0.0, neginf=0.0)])
    k = int(np.argmax(gaps)) if gaps.size else 0
    label = (rows[k] if k < len(rows) else f"the bounds of {names[k - len(rows)]}") if gaps.size else ""
    return Condition("primal feasibility", value, FEASIBILITY_TOL, where=label,
                     detail=f"{label} is violated by {gaps[k]:.1e}" if gaps.size else "")


def _dual_signs(nlp: Any, x: np.ndarray, duals: np.ndarray, rows: tuple) -> Condition:
    """A multiplier (minimization sense) must be >= 0 at a lower side, <= 0 at an upper side."""
    signed = nlp.sign * duals
    scale = max(1.0, float(np.max(np.abs(nlp.objective.gradient(x)), initial=0.0)))
    lower_only = np.isfinite(nlp.row_lower) & ~np.isfinite(nlp.row_upper)
    upper_only = np.isfinite(nlp.row_upper) & ~np.isfinite(nlp.row_lower)
    wrong = np.where(lower_only, np.maximum(-signed, 0.0),
                     np.where(upper_only, np.maximum(signed, 0.0), 0.0)) / scale
    k = int(np.argmax(wrong)) if wrong.size else 0
    value = float(wrong[k]) if wrong.size else 0.0
    return Condition("dual signs", value, STATIONARITY_TOL, where=rows[k] if wrong.size else "",
                     detail=f"the multiplier of {rows[k]} is {duals[k]:.1e}" if wrong.size else "")


def _second_order(nlp: Any, x: np.ndarray, body: np.ndarray, duals: np.ndarray | None) -> Condition:
    """Smallest curvature of the Lagrangian on the null space of the active rows and bounds."""
    mu = np.zeros(nlp.num_rows) if duals is None else nlp.sign * duals
    hessian = np.asarray(nlp.lagrangian_hessian(x, mu), dtype=float)
    active_rows = on_bound(body, nlp.row_lower) | on_bound(body, nlp.row_upper)
    free = ~(on_bound(x, nlp.col_lower) | on_bound(x, nlp.col_upper))
    basis = np.eye(x.size)[:, free]
    if active_rows.any() and basis.shape[1]:
        jac = nlp.constraints.jacobian_dense(x)[active_rows] @ basis
        _, s, vt = np.linalg.svd(jac)
        rank = int(np.sum(s > 1e-10 * max(1.0, s[0] if s.size else 1.0)))
        basis = basis @ vt[rank:].T
    if basis.shape[1] == 0:
        return Condition("second order", 0.0, STATIONARITY_TOL, detail="no free directions")
    reduced = basis.T @ hessian @ basis
    values, vectors = np.linalg.eigh((reduced + reduced.T) / 2)
    scale = max(1.0, float(np.max(np.abs(hessian), initial=0.0)))
    lowest = float(values[0])
    direction = basis @ vectors[:, 0]
    k = int(np.argmax(np.abs(direction)))
    return Condition("second order", max(0.0, -lowest / scale), STATIONARITY_TOL,
                     where=nlp.col_names[k],
                     detail=f"the Lagrangian curves down ({lowest:.1e}) along a direction led "
                            f"by {nlp.col_names[k]}")
