"""The map-back stage's own verdict on a returned NLP point: is it really optimal?

A solver's success code says only that its stopping test passed. Before a `Solution` says
``optimal`` this module checks the point with the problem's exact derivatives:

* **stationarity** -- the Lagrangian's gradient, projected onto the variable bounds,
  relative to ``max(1, |grad f|)`` and, when the problem's gradients are all smaller than 1,
  to their own size (`gradient_scale`): a problem whose gradient is 5e-5 at the start (the
  torsion problem on a fine grid, any objective scaled down) is not stationary where its
  gradient is still 1e-5, though ``1e-5 <= 1e-4 * max(1, |grad f|)``;
* **feasibility** -- the largest violation of a row or a bound, relative to the bound's size;
* **complementarity and dual signs** -- a multiplier on a side that is not binding (or has no
  bound at all) times the distance to that side, relative like stationarity;
* **second order** (no general constraints, up to `PROBE_MAX_VARIABLES` variables) -- along
  the `PROBE_DIRECTIONS` directions of least curvature of the exact Hessian, the objective
  must not fall steadily over steps of ``1e-3`` to ``1e-1`` (times the size of x) by more
  than its first-order term allows. Such a fall exhibits better feasible points right next
  to the returned one: a saddle (``x^3 + y^2`` near the origin), not a minimum.

When the solver returned no multipliers for a constrained problem, least-squares
multipliers over the binding rows stand in for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.optimize.linear_program import FEASIBILITY_TOL, primal_violation
from symopt.status import Status

__all__ = ["KKTResiduals", "Descent", "descent_nearby", "kkt_residuals", "on_bound", "verdict",
           "gradient_scale", "stationarity_terms",
           "lp_failures", "lp_passes", "lp_residuals", "STATIONARITY_TOL", "FEASIBILITY_TOL"]

#: relative stationarity and complementarity residual accepted as optimal (scipy's default
#: gradient tolerance of the trust-region methods, the loosest of the gradient methods)
STATIONARITY_TOL = 1e-4
#: the smallest `gradient_scale`: a gradient below it everywhere is flat (sqrt(eps))
FLAT_GRADIENT = float(np.sqrt(np.finfo(float).eps))
PROBE_MAX_VARIABLES = 500
PROBE_STEPS = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
PROBE_DIRECTIONS = 20


@dataclass(frozen=True)
class KKTResiduals:
    """The relative KKT residuals of a point (0 is exact)."""

    stationarity: float
    feasibility: float
    complementarity: float
    #: the problem's own size of gradient in (0, 1] that stationarity is measured in
    gradient_scale: float = 1.0

    def failures(self) -> list[str]:
        """The conditions that miss their tolerance, in words."""
        out = []
        if not self.stationarity <= STATIONARITY_TOL:
            out.append(f"stationarity residual {self.stationarity:.1e} > {STATIONARITY_TOL:g}")
        if not self.feasibility <= FEASIBILITY_TOL:
            out.append(f"constraint violation {self.feasibility:.1e} > {FEASIBILITY_TOL:g}")
        if not self.complementarity <= STATIONARITY_TOL:
            out.append(f"complementarity residual {self.complementarity:.1e} > "
                       f"{STATIONARITY_TOL:g}")
        return out


def on_bound(values: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """Which values sit on their bound, within `FEASIBILITY_TOL` relative (never an infinite one)."""
    return np.abs(values - bound) <= FEASIBILITY_TOL * np.maximum(1.0, np.abs(values))


def _binding(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    return on_bound(values, lower) | on_bound(values, upper)


def _estimated_duals(nlp: Any, x: np.ndarray, body: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """Least-squares multipliers of the binding rows, ``J_A^T y ~ grad f`` (model sense), over
    the variables off their bounds (the bounds' own multipliers take up the rest)."""
    active = _binding(body, nlp.row_lower, nlp.row_upper)
    free = ~_binding(x, nlp.col_lower, nlp.col_upper)
    duals = np.zeros(nlp.num_rows)
    if active.any() and free.any():
        jac = nlp.constraints.jacobian_dense(x)[np.ix_(active, free)]
        duals[active] = np.linalg.lstsq(jac.T, gradient[free], rcond=None)[0]
    return duals


def _complementarity(nlp: Any, body: np.ndarray, duals: np.ndarray, jacobian: Any,
                     scale: float) -> float:
    """Per row, the larger of two products, in the units of stationarity:

    * the multiplier times the gap to the side its sign (in minimization sense) binds
      (IPOPT's complementarity; a gap of 1 when that side is infinite);
    * the multiplier's pull on the Lagrangian gradient (``|y_i|`` times the largest entry of
      row ``i`` of the Jacobian) times that gap relative to ``max(1, |c_i(x)|)`` (1 when the
      side is infinite: a multiplier of the wrong sign): a row away from the side it
      would bind may not balance the gradient however small its multiplier. At
      ``min x1 + x2`` s.t. ``x^-2 >= 1`` an interior point stopped near x = 8e-5, where a
      multiplier of -2.5e-13 on the row's gradient of -4e12 "balanced" the objective (a
      wrong sign for a lower side 1.6e8 away): the first product is 2.5e-13, the second 1."""
    signed = nlp.sign * duals
    with np.errstate(invalid="ignore"):
        gap = np.where(signed > 0, body - nlp.row_lower, nlp.row_upper - body)
    # a side passed (within the feasibility tolerance, e.g. by a solver's relaxed bound) is
    # binding: its violation is judged by the feasibility residual, not here
    finite = np.isfinite(gap)
    gap = np.where(finite, np.maximum(gap, 0.0), 1.0)
    equality = nlp.row_lower == nlp.row_upper
    rows = abs(sp.csr_matrix(jacobian))
    pull = np.abs(duals) * (rows.max(axis=1).toarray().ravel() if rows.nnz else 0.0)
    relative_gap = np.where(finite, np.minimum(1.0, gap / np.maximum(1.0, np.abs(body))), 1.0)
    residual = np.where(equality, 0.0, np.maximum(np.abs(duals) * gap, pull * relative_gap))
    return float(np.max(residual, initial=0.0)) / scale


def _largest(values: np.ndarray) -> float:
    """The largest finite size in ``values`` (0 when none is finite)."""
    values = np.abs(np.asarray(values, dtype=float))
    return float(np.max(values[np.isfinite(values)], initial=0.0))


def gradient_scale(nlp: Any, x: np.ndarray | None = None,
                   gradient: np.ndarray | None = None) -> float:
    """The size of gradient the problem itself has, in (0, 1]: the largest objective
    gradient entry at the start (projected into the bounds) and at ``x`` (with its
    ``gradient``), but at least what an objective of size ``|f|`` spread over ``n``
    variables of size ``max(1, |x|)`` has per variable (and `FLAT_GRADIENT`), at most 1.

    Stationarity ``|grad| <= tol * max(1, |grad f|)`` is absolute below 1: it passes at once
    on a problem whose gradient is 5e-5 everywhere at the start (the elastic-plastic torsion
    problem on a 316 x 316 grid, where the objective is still 2e-3 off), or on any objective
    multiplied by 1e-6. Measured in this scale it asks the gradient to fall by ``tol`` from
    the problem's own size, as a gradient tolerance relative to the starting gradient does.
    The per-variable floor keeps a start that is already optimal (its gradient near 0)
    from asking the impossible.

    With general constraints the scale is 1 (the absolute test): the Lagrangian's gradient
    there holds ``J'y`` too, whose size the objective's gradient does not tell (a model
    without an objective has ``grad f = 0`` and multipliers at the barrier's round-off).
    """
    n = int(np.size(nlp.x0))
    if n == 0 or nlp.num_rows:
        return 1.0
    start = np.clip(np.asarray(nlp.x0, dtype=float), nlp.col_lower, nlp.col_upper)
    points, gradients = [start], [nlp.objective.gradient(start)]
    if x is not None:
        points.append(np.asarray(x, dtype=float))
        gradients.append(nlp.objective.gradient(x) if gradient is None else gradient)
    with np.errstate(all="ignore"):
        values = np.array([float(nlp.fun(point)) for point in points])
    per_variable = _largest(values) / (n * max([1.0] + [_largest(p) for p in points]))
    return min(1.0, max(FLAT_GRADIENT, per_variable, *(_largest(g) for g in gradients)))


def stationarity_terms(nlp: Any, x: np.ndarray, lagrangian: np.ndarray,
                       scale: float = 1.0) -> np.ndarray:
    """Per variable, how far the model-sense Lagrangian gradient is from a KKT point.

    Always ``|P(x - g) - x|`` (``g`` in minimization sense): ``|g|``, or the distance to the
    bound that ``g`` pushes the variable into when that is smaller. With a `gradient_scale`
    below 1 also ``|g| / scale * min(1, room)``, ``room`` the distance to that bound
    (infinite without one): the gradient in the problem's own units, times how far the
    variable could still move. Near a bound this is the complementarity product of the
    bound's implied multiplier and its slack, as an interior point leaves it (a weakly
    active bound 1e-3 away with a multiplier of 1e-3 of the scale is a KKT point to 1e-6).
    """
    descent = nlp.sign * lagrangian
    terms = np.abs(np.clip(x - descent, nlp.col_lower, nlp.col_upper) - x)
    if scale < 1.0:
        with np.errstate(invalid="ignore"):
            room = np.where(descent > 0, x - nlp.col_lower, nlp.col_upper - x)
        room = np.clip(np.nan_to_num(room, nan=1.0, posinf=1.0), 0.0, 1.0)
        terms = np.maximum(terms, np.abs(descent) / scale * room)
    return terms


def kkt_residuals(nlp: Any, x: np.ndarray, body: np.ndarray,
                  duals: np.ndarray | None) -> tuple[KKTResiduals, np.ndarray]:
    """The residuals at ``x`` and the model-sense Lagrangian gradient they came from.

    Stationarity and complementarity are relative to ``max(1, |grad f|)`` times the
    problem's `gradient_scale` (one of the two is 1: a gradient above 1 makes the scale 1).
    """
    gradient = nlp.objective.gradient(x)
    size = max(1.0, float(np.max(np.abs(gradient), initial=0.0)))
    reference = gradient_scale(nlp, x, gradient)
    if nlp.num_rows and duals is None:
        duals = _estimated_duals(nlp, x, body, gradient)
    jacobian = None if duals is None else nlp.constraints.jacobian_csc(x)
    lagrangian = gradient if duals is None else gradient - jacobian.T @ duals
    terms = stationarity_terms(nlp, x, lagrangian, reference)
    residuals = KKTResiduals(
        stationarity=float(np.max(terms, initial=0.0)) / size,
        feasibility=float(primal_violation(nlp, x, body)),
        complementarity=0.0 if duals is None else _complementarity(nlp, body, duals, jacobian,
                                                                   size * reference),
        gradient_scale=reference)
    return residuals, lagrangian


@dataclass(frozen=True)
class Descent:
    """A better point right next to a returned one: the objective falls steadily by ``drop``
    (more than ``margin``, what its first-order term allows) over ``step`` along ``direction``."""

    drop: float
    margin: float
    step: float
    direction: np.ndarray


def descent_nearby(nlp: Any, x: np.ndarray) -> Descent | None:
    """A `Descent` when, along a low-curvature direction of the exact Hessian, the minimized
    objective falls steadily over steps of 1e-3 .. 1e-1 (times the size of x) by more than
    its first-order term explains: the point is no minimum. A rise anywhere on the way (the
    wall of a basin) clears the direction. None when no such direction is found."""
    if nlp.num_rows or not 0 < x.size <= PROBE_MAX_VARIABLES or not hasattr(nlp, "hess"):
        return None
    free = (x > nlp.col_lower) & (x < nlp.col_upper)
    hessian = np.asarray(nlp.hess(x), dtype=float)[np.ix_(free, free)] if free.any() else None
    if hessian is None or not np.all(np.isfinite(hessian)):
        return None
    vectors = np.linalg.eigh(hessian)[1][:, :PROBE_DIRECTIONS]
    f0, gradient = nlp.fun(x), nlp.jac(x)[free]
    size = max(1.0, float(np.max(np.abs(x))))
    for k in range(vectors.shape[1]):
        direction = np.zeros_like(x)
        direction[free] = vectors[:, k]
        slope = abs(float(gradient @ vectors[:, k]))
        for sign in (1.0, -1.0):
            values = [nlp.fun(np.clip(x + sign * step * size * direction, nlp.col_lower,
                                      nlp.col_upper)) for step in PROBE_STEPS]
            steady = np.all(np.diff([f0, *values]) <= 0.0)
            drop = f0 - values[-1]
            margin = 1.5 * slope * PROBE_STEPS[-1] * size + 1e-10 * max(1.0, abs(f0))
            if steady and np.isfinite(drop) and drop > margin:
                return Descent(float(drop), float(margin), PROBE_STEPS[-1] * size,
                               sign * direction)
    return None


def verdict(claimed: Status, nlp: Any, x: np.ndarray, residuals: KKTResiduals
            ) -> tuple[Status, str, Descent | None]:
    """The status the map-back stage grants, why it differs from ``claimed`` ('' if not),
    and the better point nearby that makes it a saddle (None if none was found).

    ``OPTIMAL`` needs the KKT residuals within tolerance and no better point nearby. A
    solver that claimed it is checked; one that gave up on rounding errors (``NUMERICAL``:
    a line search that can no longer resolve a decrease of f) at a point that passes the
    same checks is optimal too, as the point is all that counts."""
    if claimed not in (Status.OPTIMAL, Status.NUMERICAL):
        return claimed, "", None
    failures = residuals.failures()
    if failures:
        if claimed is Status.NUMERICAL:
            return claimed, "", None
        return Status.INACCURATE, "not optimal at the returned point: " + "; ".join(failures), None
    descent = descent_nearby(nlp, x)
    if descent is not None:
        return Status.SADDLE_POINT, ("the first-order conditions hold, but a nearby point is "
                                     "better: a saddle point, not a minimum"), descent
    if claimed is Status.NUMERICAL:
        return Status.OPTIMAL, ("the solver stopped on rounding errors, but the optimality "
                                "conditions hold to tolerance at its point"), None
    return Status.OPTIMAL, "", None


def lp_failures(lp: Any, x: np.ndarray, activity: np.ndarray, row_dual: Any,
                col_dual: Any) -> list[str]:
    """The optimality conditions an LP (or MILP) result misses at its point, in words.

    Primal: rows and columns within their bounds (`FEASIBILITY_TOL` relative), integer
    columns integral. Dual (LPs with duals): each multiplier's sign matches the side it
    binds (the change of the objective per unit increase of the active bound: >= 0 on a
    lower side of a min problem) and is zero off that side, `FEASIBILITY_TOL` relative to
    max(1, |c|).
    """
    residuals = lp_residuals(lp, x, activity, row_dual, col_dual)
    failures = []
    if not residuals["violation"] <= FEASIBILITY_TOL:
        failures.append(f"constraint violation {float(residuals['violation']):.1e} > "
                        f"{FEASIBILITY_TOL:g}")
    if "integrality" in residuals and not residuals["integrality"] <= FEASIBILITY_TOL:
        failures.append(f"an integer variable is {float(residuals['integrality']):.1e} from "
                        "an integer")
    for what in ("row", "reduced cost"):
        if what in residuals and not residuals[what] <= FEASIBILITY_TOL * residuals["scale"]:
            failures.append(f"a {what} multiplier of the wrong sign or off its bound "
                            f"({float(residuals[what]):.1e})")
    return failures


def lp_passes(lp: Any, x: np.ndarray, activity: np.ndarray, row_dual: Any,
              col_dual: Any) -> np.ndarray:
    """`lp_failures` == [] for a stack of points at once: ``x`` is (k, n), ``activity`` and
    ``row_dual`` (k, m), ``col_dual`` (k, n), and ``lp``'s costs and row bounds may be one
    row per point (k, ·). Returns k booleans."""
    residuals = lp_residuals(lp, x, activity, row_dual, col_dual)
    passed = residuals["violation"] <= FEASIBILITY_TOL
    if "integrality" in residuals:
        passed &= residuals["integrality"] <= FEASIBILITY_TOL
    for what in ("row", "reduced cost"):
        if what in residuals:
            passed &= residuals[what] <= FEASIBILITY_TOL * residuals["scale"]
    return passed


def lp_residuals(lp: Any, x: np.ndarray, activity: np.ndarray, row_dual: Any,
                 col_dual: Any) -> dict[str, Any]:
    """The measures `lp_failures` tests, along the last axis (one point or a stack):
    ``violation``, and ``integrality`` (MILPs) or the worst ``row`` and ``reduced cost``
    multiplier residuals (LPs with duals) with the ``scale`` max(1, |c|) they are relative to."""
    residuals = {"violation": primal_violation(lp, x, activity)}
    if lp.is_mip:
        integer = np.asarray(lp.integrality).astype(bool)
        residuals["integrality"] = np.max(np.abs(x[..., integer] - np.round(x[..., integer])),
                                          axis=-1, initial=0.0)
        return residuals
    residuals["scale"] = np.maximum(1.0, np.max(np.abs(lp.c), axis=-1, initial=0.0))
    sign = 1.0 if lp.sense == "min" else -1.0
    for duals, values, lower, upper, what in (
            (row_dual, activity, lp.row_lower, lp.row_upper, "row"),
            (col_dual, x, lp.col_lower, lp.col_upper, "reduced cost")):
        if duals is None:
            continue
        signed = sign * np.asarray(duals, dtype=float)
        with np.errstate(invalid="ignore"):
            gap = np.where(signed > 0, values - lower, upper - values)
        gap = np.where(np.isfinite(gap), np.abs(gap) / np.maximum(1.0, np.abs(values)), 1.0)
        residuals[what] = np.max(np.where(lower == upper, 0.0, np.abs(signed) * gap),
                                 axis=-1, initial=0.0)
    return residuals
