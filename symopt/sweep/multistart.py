"""``symopt.solve(model, starts=K)``: solve an NLP from K start points, keep the best.

Runs in the calling process (``symopt.solve_many(model, symopt.starts(K))`` runs the
starts in parallel and keeps them all). The best `Solution` gets a ``multistart``
summary: how many starts ran, how many ended optimal, and how many reached the best
objective (within 1e-6, relative).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from symopt import dispatch
from symopt.errors import InputError
from symopt.sweep.scenarios import Starts, starts as make_starts

__all__ = ["best_of_starts"]

_NONLINEAR = ("unconstrained NLP", "bound-constrained NLP", "constrained NLP")


def best_of_starts(problem: Any, plan: Any, spec: int | Starts, seed: int | None = None,
                   time_limit: float | None = None) -> Any:
    """The best `Solution` of ``problem`` over the start points of ``spec``."""
    if plan.problem_class not in _NONLINEAR:
        raise InputError(f"starts= is for nonlinear optimization models; this one is a "
                         f"{plan.problem_class}")
    spec = spec if isinstance(spec, Starts) else make_starts(spec, seed=seed)
    points = spec.points(problem.x0, problem.col_lower, problem.col_upper)
    original = problem.x0.copy()
    solutions = []
    try:
        for point in points:
            problem.x0[:] = point
            solutions.append(dispatch.run(problem, plan, time_limit))
    finally:
        problem.x0[:] = original
    return _best(solutions, spec)


def _best(solutions: list, spec: Starts) -> Any:
    sign = 1.0 if solutions[0].sense == "min" else -1.0
    optimal = [s for s in solutions if s.status == "optimal" and s.objective is not None]
    if not optimal:
        chosen = solutions[0]
        chosen.multistart = {"starts": spec.count, "optimal": 0, "reached_best": 0}
        chosen.warnings.append(f"multistart: none of {spec.count} starts ended optimal")
        return chosen
    values = np.array([sign * s.objective for s in optimal])
    best = optimal[int(np.argmin(values))]
    target = sign * best.objective
    reached = int(np.sum(np.abs(values - target) <= 1e-6 * max(1.0, abs(target))))
    best.multistart = {"starts": spec.count, "method": spec.method, "seed": spec.seed,
                       "optimal": len(optimal), "reached_best": reached}
    best.warnings.append(f"multistart: best of {spec.count} {spec.method} starts; "
                         f"{len(optimal)} ended optimal, {reached} reached the best objective")
    return best
