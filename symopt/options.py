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

__all__ = ["check_options"]


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


def _check_value(key: str, value: Any) -> None:
    """A numeric option must be a finite number within the float range (``maxiter = 1e400``
    would reach a solver as infinity)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if isinstance(value, int) and abs(value) <= FLOAT_MAX:
        return
    if isinstance(value, float) and math.isfinite(value):
        return
    shown = "beyond the range of floating-point numbers" if isinstance(value, int) else value
    raise InputError(f"option {key!r} is {shown}; expected a finite number")


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
