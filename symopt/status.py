"""`Status`: the one vocabulary of solve outcomes, and each engine's codes mapped onto it.

Every `Solution.status` is a `Status`. It is a ``str`` enum, so ``solution.status ==
"optimal"`` and JSON output keep reading as words. The solvers of `symopt.optimize` keep
scipy's integer codes; one table per engine below maps them (as linopy's ``constants.py``
and pyoptinterface's ``TerminationStatusCode`` do), and nothing reads a message's text.

A code only says what the solver believes. The map-back stage (`symopt.solution`) grants
``OPTIMAL`` only when it has checked the returned point itself (the KKT residuals with the
exact derivatives for an NLP, the residuals of a system); otherwise the status names what
failed (``INACCURATE``, ``SADDLE_POINT``, ...).

>>> Status.OPTIMAL == "optimal", str(Status.TIME_LIMIT), f"{Status.INFEASIBLE}"
(True, 'time_limit', 'infeasible')
>>> status_from(LINPROG, 2), status_from(MINIMIZE["slsqp"], 4), status_from(ROOT["hybr"], 42)
('infeasible', 'locally_infeasible', 'failed')
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Mapping

__all__ = ["Status", "DESCRIPTIONS", "LINPROG", "GRADIENT", "MINIMIZE", "LEAST_SQUARES", "ROOT",
           "status_from"]


class Status(str, Enum):
    """How a solve ended; the value is the word used in reports and JSON."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def __repr__(self) -> str:  # prints as the word, so results read as before the enum
        return repr(self.value)

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    LOCALLY_INFEASIBLE = "locally_infeasible"
    UNBOUNDED = "unbounded"
    ITERATION_LIMIT = "iteration_limit"
    TIME_LIMIT = "time_limit"
    NUMERICAL = "numerical"
    INACCURATE = "inaccurate"
    SADDLE_POINT = "saddle_point"
    FAILED = "failed"


#: one sentence per status, for reports and the CLI
DESCRIPTIONS: dict[Status, str] = {
    Status.OPTIMAL: "an optimal solution was found",
    Status.INFEASIBLE: "no point satisfies all constraints",
    Status.LOCALLY_INFEASIBLE: "the solver found no feasible point near where it searched "
                               "(this proves no infeasibility)",
    Status.UNBOUNDED: "the objective can improve without limit",
    Status.ITERATION_LIMIT: "an iteration, evaluation, time or node limit was reached",
    Status.TIME_LIMIT: "the time limit was reached",
    Status.NUMERICAL: "the solver met numerical difficulties",
    Status.INACCURATE: "the solver stopped, but the optimality conditions do not hold to "
                       "tolerance at the point it returned",
    Status.SADDLE_POINT: "the first-order conditions hold, but a nearby feasible point is "
                         "better: a saddle point, not a minimum",
    Status.FAILED: "the solver did not converge",
}

S = Status

#: `solve_lp` / `linprog` (scipy's linprog codes)
LINPROG: dict[int, Status] = {0: S.OPTIMAL, 1: S.ITERATION_LIMIT, 2: S.INFEASIBLE,
                              3: S.UNBOUNDED, 4: S.NUMERICAL}

#: `minimize`, per method; 99 is a callback's StopIteration, which the pipeline raises only
#: when the time limit has passed
GRADIENT = {0: S.OPTIMAL, 1: S.ITERATION_LIMIT, 2: S.NUMERICAL, 3: S.NUMERICAL,
             99: S.TIME_LIMIT}
MINIMIZE: dict[str, dict[int, Status]] = {
    **{method: GRADIENT for method in (
        "bfgs", "cg", "l-bfgs-b", "nelder-mead", "newton-cg", "trust-ncg", "trust-exact",
        "trust-krylov", "dogleg")},
    "slsqp": {0: S.OPTIMAL, 2: S.FAILED, 3: S.ITERATION_LIMIT, 4: S.LOCALLY_INFEASIBLE,
              8: S.NUMERICAL, 9: S.ITERATION_LIMIT, 99: S.TIME_LIMIT},
    # 2 is "solved to an acceptable level": a claim the map-back stage's KKT check settles
    "interior-point": {0: S.OPTIMAL, 1: S.ITERATION_LIMIT, 2: S.OPTIMAL, 3: S.NUMERICAL,
                       4: S.LOCALLY_INFEASIBLE, 5: S.UNBOUNDED, 6: S.TIME_LIMIT, 7: S.FAILED,
                       99: S.TIME_LIMIT},
    "highs-qp": {0: S.OPTIMAL, 1: S.ITERATION_LIMIT, 2: S.INFEASIBLE, 3: S.UNBOUNDED,
                 4: S.FAILED, 5: S.NUMERICAL},
}

#: `least_squares` and `curve_fit` (MINPACK's ``ier``); -2 is the pipeline's time limit
LEAST_SQUARES: dict[int, Status] = {-2: S.TIME_LIMIT, -1: S.NUMERICAL, 0: S.ITERATION_LIMIT,
                                    1: S.OPTIMAL, 2: S.OPTIMAL, 3: S.OPTIMAL, 4: S.OPTIMAL,
                                    5: S.ITERATION_LIMIT}

#: `root`, per method (1 is success in every one, as in scipy)
ROOT: dict[str, dict[int, Status]] = {
    "hybr": {1: S.OPTIMAL, 2: S.ITERATION_LIMIT, 3: S.NUMERICAL, 4: S.FAILED, 5: S.FAILED,
             -1: S.NUMERICAL},
    "lm": LEAST_SQUARES,
    "broyden1": {1: S.OPTIMAL, 2: S.ITERATION_LIMIT, 3: S.FAILED},
    "broyden2": {1: S.OPTIMAL, 2: S.ITERATION_LIMIT, 3: S.FAILED},
    "newton": {1: S.OPTIMAL, 2: S.ITERATION_LIMIT, 3: S.FAILED, 4: S.NUMERICAL},
}


def status_from(table: Mapping[int, Status], code: Any) -> Status:
    """The `Status` of an engine's ``code`` (``FAILED`` for a code the table lacks)."""
    try:
        return table.get(int(code), Status.FAILED)
    except (TypeError, ValueError):
        return Status.FAILED
