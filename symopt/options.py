"""Solver option names checked before solving, so that `check` and `solve` agree.

Each solver method knows its own options and rejects an unknown one when it starts. A
model file's ``options`` line is user input, so `symopt check` must find an unknown name
too, with the same message, before anything is solved: :func:`check_options` asks the
method the routing `Plan` chose, option by option, and marks the error with the
option's name (``error.option``) so that the `.opt` layer can point at it.

>>> from symopt.analysis import Structure
>>> from symopt.routing import route
>>> try:
...     plan = route(Structure.describe("unconstrained NLP", "no constraints", 2))
...     check_options(plan, {"maxiter": 10, "colour": "red"})
... except InputError as error:
...     print(error.option)
colour
"""
from __future__ import annotations

import math
from typing import Any

from symopt.errors import InputError
from symopt.limits import FLOAT_MAX
from symopt.optimize.methods import check_options as check_names

__all__ = ["check_options", "check_solve_arguments"]


def check_solve_arguments(solver: Any, method: Any, options: Any, time_limit: Any) -> None:
    """Raise an `InputError` naming the argument of `symopt.solve` that has the wrong type:
    ``solver`` and ``method`` are names, ``options`` a dict keyed by option names,
    ``time_limit`` a number of seconds >= 0 (a wrong type otherwise fails deep in routing
    with Python's own message)."""
    for name, value in (("solver", solver), ("method", method)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be a name (a str), got {type(value).__name__} "
                             f"{value!r:.60}")
    if options is not None and not (isinstance(options, dict)
                                    and all(isinstance(key, str) for key in options)):
        raise InputError(f"options must be a dict from option names to values, got "
                         f"{type(options).__name__} {options!r:.60}")
    if time_limit is not None and (isinstance(time_limit, bool)
                                   or not isinstance(time_limit, (int, float))
                                   or math.isnan(time_limit) or time_limit < 0):
        raise InputError(f"time_limit must be a number of seconds >= 0, got {time_limit!r:.60}")


def check_options(plan: Any, options: dict | None, problem: Any = None) -> None:
    """Raise the `InputError` the chosen method would raise for an unknown option.

    ``plan`` is the routing `Plan`; ``problem`` the compiled problem, when known (a
    `LinearProgram` decides which LP method runs by default).
    """
    for key, value in (options or {}).items():
        try:
            _check_value(key, value)
            _check_one(plan, key, value, problem)
        except InputError as error:
            error.option = key      # type: ignore[attr-defined]
            raise


#: options that count (iterations, evaluations, nodes, stored pairs): whole numbers >= 0
COUNTS = frozenset({"maxiter", "max_iter", "maxfev", "maxfun", "max_nfev", "maxls", "maxcor",
                    "node_limit", "acceptable_iter", "lbfgs_memory", "refactor_every",
                    "max_dense_rows"})
#: options that are lengths or scales: numbers > 0
POSITIVE = frozenset({"eps", "initial_trust_radius", "max_trust_radius", "f_scale", "factor",
                      "initial_step", "mu_init", "min_step", "perturbation"})
#: tolerances, gaps and limits: numbers >= 0 (besides these names, every '*tol*' name)
NONNEGATIVE = frozenset({"mip_rel_gap", "time_limit"})


def _check_value(key: str, value: Any) -> None:
    """A numeric option must be a finite number within the float range (``maxiter = 1e400``
    would reach a solver as infinity) and inside the range its name implies: a count is a
    whole number >= 0, a tolerance or time >= 0, a length or scale > 0. A solver would
    take ``maxiter = -5`` or ``gtol = -1`` and stop at once, calling it a limit."""
    if value is None or isinstance(value, bool):
        return
    if not isinstance(value, (int, float)):
        if _kind(key) is not None:
            raise InputError(f"option {key!r} must be a number, got {value!r}")
        return
    if isinstance(value, int) and abs(value) > FLOAT_MAX or \
            isinstance(value, float) and not math.isfinite(value):
        shown = "beyond the range of floating-point numbers" if isinstance(value, int) else value
        raise InputError(f"option {key!r} is {shown}; expected a finite number")
    kind = _kind(key)
    if kind == "count" and not (value >= 0 and float(value).is_integer()):
        raise InputError(f"option {key!r} counts, so it must be a whole number >= 0, "
                         f"got {value!r}")
    if kind == "positive" and not value > 0:
        raise InputError(f"option {key!r} must be a number > 0, got {value!r}")
    if kind == "nonnegative" and not value >= 0:
        raise InputError(f"option {key!r} must be a number >= 0, got {value!r}")


def _kind(key: str) -> str | None:
    """'count', 'positive', 'nonnegative' or None: the range an option's name implies."""
    if key in COUNTS:
        return "count"
    if key in POSITIVE:
        return "positive"
    if key in NONNEGATIVE or "tol" in key:
        return "nonnegative"
    return None


def _check_one(plan: Any, key: str, value: Any, problem: Any) -> None:
    door, method = plan.front_door, plan.method
    if door in ("minimize", "root") and method is None:
        return          # the front door picks its method when it runs, and checks then
    if door == "minimize":
        from symopt.optimize import _minimize, methods
        solver = methods.METHODS["minimize"][method].load()
        _minimize._checked_options(method, solver, None, {key: value})
    elif door in ("least_squares", "curve_fit"):
        from symopt import dispatch, optimize
        dispatch._keywords(optimize.least_squares, {key: value})
    elif door == "root":
        from symopt.optimize import _root, methods
        _root._check_options(methods.METHODS["root"][method].load(), {key: value}, method)
    elif door == "linprog":
        _check_linprog(method, key, problem)


def _check_linprog(method: str | None, key: str, problem: Any) -> None:
    if key == "time_limit":
        return
    if problem is not None and getattr(problem, "is_mip", False) and \
            not (method or "").startswith("highs"):
        chosen = "milp"
    elif method is None:
        from symopt.optimize._linprog import choose_method
        chosen = choose_method(problem) if problem is not None else "simplex"
    else:
        chosen = "highs" if method.startswith("highs") else method
    known = _linprog_options(chosen)
    if known is not None:
        label = "MILP branch and bound" if chosen == "milp" else f"method {chosen!r}"
        check_names({key: None}, known, label)


def _linprog_options(chosen: str) -> set[str] | None:
    """The option names an LP method knows (from its own table), None when unknown."""
    if chosen == "simplex":
        from symopt.optimize._linear import simplex
        return set(simplex.SIMPLEX_OPTIONS)
    if chosen == "interior-point":
        from symopt.optimize._linear import interior_point
        return set(interior_point._DEFAULTS)
    if chosen == "milp":
        from symopt.optimize._linear import branch_and_bound
        return set(branch_and_bound._DEFAULTS)
    if chosen == "highs":
        from symopt.optimize._linear import highs
        return set(highs._OPTION_NAMES) | set(highs._EXTRA_OPTIONS)
    return None
