"""Screen a `LinearProgram`'s numbers before it is solved, as HiGHS and CPLEX do.

Double precision solves an LP only when its numbers are in a sane range. Before any
LP reaches a solver (from a model, an MPS or an LP file), this module:

* refuses NaN or infinite coefficients, and coefficients larger than 1e15 in magnitude
  (a `symopt.InputError` naming the row and the column), since no double-precision
  method can solve them reliably (HiGHS refuses them too);
* treats a finite bound or right-hand side of magnitude 1e20 or more as infinite, with
  a warning (the convention of HiGHS and CPLEX);
* refuses a row or column whose lower bound is +inf or upper bound is -inf (it can
  never hold);
* warns when the largest and smallest nonzero coefficients are more than 1e20 apart.

>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1]], row_lower=[-1e25], row_upper=[1e30])
>>> screened, notes = screen_linear_program(lp)
>>> screened.row_lower.tolist(), screened.row_upper.tolist(), len(notes)
([-inf], [inf], 1)
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from symopt.errors import InputError
from symopt.limits import COEFFICIENT_RATIO, INFINITE_BOUND, LARGE_COEFFICIENT
from symopt.optimize.linear_program import LinearProgram, triplets

__all__ = ["screen_linear_program", "check_start_point"]


def screen_linear_program(lp: LinearProgram) -> tuple[LinearProgram, list[str]]:
    """``(lp with huge bounds made infinite, warnings)``; an `InputError` for bad numbers."""
    if lp.num_cols == 0:
        raise InputError(f"the model {lp.name or ''} has no variables: nothing to solve"
                         .replace("  ", " "))
    _check_coefficients(lp)
    notes: list[str] = []
    changes = {}
    for label, names, lower_key, upper_key in (
            ("row", lp.row_names, "row_lower", "row_upper"),
            ("column", lp.col_names, "col_lower", "col_upper")):
        lower, upper = getattr(lp, lower_key), getattr(lp, upper_key)
        huge = np.isfinite(lower) & (np.abs(lower) >= INFINITE_BOUND)
        huge_upper = np.isfinite(upper) & (np.abs(upper) >= INFINITE_BOUND)
        if huge.any() or huge_upper.any():
            lower, upper = _infinite(lower, huge), _infinite(upper, huge_upper)
            changes[lower_key], changes[upper_key] = lower, upper
            count = int(huge.sum() + huge_upper.sum())
            first = int(np.flatnonzero(huge | huge_upper)[0])
            notes.append(f"{count} {label} bound(s) of magnitude {INFINITE_BOUND:g} or more "
                         f"treated as infinite (the first on {label} {_name(names, first)})")
        _check_never_holds(label, names, lower, upper)
    ratio = _coefficient_ratio(lp)
    if ratio > COEFFICIENT_RATIO:
        notes.append(f"the nonzero coefficients span a ratio of {ratio:.1e} (more than "
                     f"{COEFFICIENT_RATIO:g}); double precision may not solve this model "
                     "accurately: rescale its units")
    return (dataclasses.replace(lp, **changes) if changes else lp), notes


def _infinite(values: np.ndarray, huge: np.ndarray) -> np.ndarray:
    if not huge.any():
        return values
    values = values.copy()
    values[huge] = np.copysign(np.inf, values[huge])
    return values


def _name(names: tuple, index: int) -> str:
    return repr(names[index]) if index < len(names) else f"#{index + 1}"


def _check_coefficients(lp: LinearProgram) -> None:
    for label, data in (("objective coefficient", lp.c), ("coefficient", lp.A.data)):
        bad = ~(np.abs(data) <= LARGE_COEFFICIENT)          # NaN and inf are bad too
        if not bad.any():
            continue
        k = int(np.flatnonzero(bad)[0])
        if data is lp.c:
            place = f"of column {_name(lp.col_names, k)}"
        else:                      # the triplets of a CSC matrix follow its data's order
            rows, cols, _ = triplets(lp.A)
            place = (f"of column {_name(lp.col_names, int(cols[k]))} in row "
                     f"{_name(lp.row_names, int(rows[k]))}")
        raise InputError(f"the {label} {data[k]:g} {place} is not a finite number of magnitude "
                         f"at most {LARGE_COEFFICIENT:g}; double precision cannot solve with "
                         "it: rescale the model's units")


def _check_never_holds(label: str, names: tuple, lower: np.ndarray, upper: np.ndarray) -> None:
    bad = (lower == np.inf) | (upper == -np.inf)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(f"{label} {_name(names, k)} has bounds [{lower[k]:g}, {upper[k]:g}]: "
                         "an infinite lower bound of +inf or upper bound of -inf can never "
                         "hold")


def _coefficient_ratio(lp: LinearProgram) -> float:
    magnitudes = np.abs(np.concatenate([lp.A.data, lp.c]))
    magnitudes = magnitudes[magnitudes > 0]
    if magnitudes.size == 0:
        return 1.0
    return float(magnitudes.max() / magnitudes.min())


def check_start_point(problem: Any) -> None:
    """An `InputError`, in the model's words, when a compiled nonlinear problem is not
    finite at its start point (every solver would refuse to start there).

    The point is the one the solvers start from: the start values clipped into the
    bounds (``x0`` of a `NonlinearProgram` or an `EquationSystem`, ``p0`` of a fit).
    """
    kind = type(problem).__name__
    if kind == "NonlinearProgram":
        x = np.clip(problem.x0, problem.col_lower, problem.col_upper)
        values, labels = np.atleast_1d(_quiet(problem.fun, x)), (problem.objective_name,)
        what, names = "the objective", problem.col_names
    elif kind == "EquationSystem":
        x = problem.x0
        values, labels = np.atleast_1d(_quiet(problem.fun, x)), problem.row_names
        what, names = "equation", problem.col_names
    elif kind == "FitProblem":
        x = problem.p0
        values, labels = np.atleast_1d(_quiet(problem.residuals, x)), ()
        what, names = "the fit formula", problem.parameter_names
    else:
        return
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        k = int(bad[0])
        label = f"{what} {labels[k]!r}" if k < len(labels) and what == "equation" else \
            f"{what} {labels[0]!r}" if labels and what == "the objective" else what
        shown = ", ".join(f"{name} = {value:g}" for name, value in zip(names, x[:5]))
        more = ", ..." if len(x) > 5 else ""
        raise InputError(f"{label} is {values[k]} at the start point ({shown}{more}); give "
                         "start values where it is finite ('var x = value')")


def _quiet(function: Any, x: np.ndarray) -> Any:
    with np.errstate(all="ignore"):
        try:
            return np.asarray(function(x), dtype=float)
        except (OverflowError, ZeroDivisionError, ValueError):
            return np.array([np.nan])
