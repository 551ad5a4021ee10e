"""Multistart: ``symopt.solve(model, starts=K)`` solves an NLP from K start points, keeps the best.

`starts` describes the start points (random or Latin hypercube inside the bounds);
`symopt.solve_many` takes the same object to run the starts in parallel.

Runs in the calling process (``symopt.solve_many(model, symopt.starts(K))`` runs the
starts in parallel and keeps them all). The best `Solution` gets a ``multistart``
summary: how many starts ran, how many ended optimal, and how many reached the best
objective (within 1e-6, relative).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from symopt import dispatch
from symopt.errors import InputError

__all__ = ["Starts", "starts", "best_of_starts"]

_NONLINEAR = ("unconstrained NLP", "bound-constrained NLP", "constrained NLP")


@dataclass(frozen=True)
class Starts:
    """``count`` start points for an NLP, random or Latin hypercube (see `starts`)."""

    count: int
    seed: int | None = None
    method: str = "random"
    spread: float = 10.0

    def points(self, x0: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """``(count, n)`` starts inside the bounds; an unbounded side reaches
        ``spread * max(1, |x0|)`` past the model's own start."""
        reach = self.spread * np.maximum(1.0, np.abs(x0))
        low = np.where(np.isfinite(lower), lower, np.minimum(x0, upper) - reach)
        high = np.where(np.isfinite(upper), upper, np.maximum(x0, lower) + reach)
        rng = np.random.default_rng(self.seed)
        unit = rng.random((self.count, x0.size))
        if self.method == "lhs":
            strata = np.argsort(rng.random((self.count, x0.size)), axis=0)
            unit = (strata + unit) / self.count
        return low + unit * (high - low)


def starts(count: int, seed: int | None = None, method: str = "random",
           spread: float = 10.0) -> Starts:
    """``count`` start points for multistart: ``method`` "random" (uniform) or "lhs"
    (Latin hypercube), inside the variables' bounds (see `Starts.points`)."""
    if int(count) < 1:
        raise InputError(f"starts() needs a count >= 1, got {count!r}")
    if method not in ("random", "lhs"):
        raise InputError(f"starts() method must be 'random' or 'lhs', got {method!r}")
    return Starts(int(count), seed, method, float(spread))




def best_of_starts(problem: Any, plan: Any, spec: int | Starts, seed: int | None = None,
                   time_limit: float | None = None) -> Any:
    """The best `Solution` of ``problem`` over the start points of ``spec``."""
    if plan.problem_class not in _NONLINEAR:
        raise InputError(f"starts= is for nonlinear optimization models; this one is a "
                         f"{plan.problem_class}")
    spec = spec if isinstance(spec, Starts) else starts(spec, seed=seed)
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
