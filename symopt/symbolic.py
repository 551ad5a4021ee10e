"""One call for sympy users: exact derivatives and the right solver without a Model.

``solve_minimize``, ``solve_equations`` and ``fit`` take sympy expressions, a start
point as ``{symbol: value}`` (which also says which symbols are the unknowns) and
return a `Solution` whose ``route.explain()`` says which method was chosen and why.

>>> import sympy
>>> x, y = sympy.symbols("x y")
>>> s = solve_minimize((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, {x: -1.2, y: 1.0})
>>> s.status, round(s.variable("x").value, 6), s.route.method
('optimal', 1.0, 'trust-exact')
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import sympy

from symopt import dispatch
from symopt.analysis import Structure
from symopt.compile.from_sympy import as_floats, compile_equations, compile_fit, compile_minimize
from symopt.compile.screen import check_start_point
from symopt.errors import InputError
from symopt.options import check_options
from symopt.routing import route

__all__ = ["solve_minimize", "solve_equations", "fit"]


def _start(start: Mapping[Any, float], what: str) -> tuple[list[sympy.Symbol], list[float]]:
    if not isinstance(start, Mapping) or not start:
        raise InputError(f"{what} must be a non-empty dict {{symbol: value}}, got {start!r}")
    symbols = list(start)
    for s in symbols:
        if not isinstance(s, sympy.Symbol):
            raise InputError(f"the keys of {what} must be sympy Symbols, got {s!r}")
    try:
        values = [float(start[s]) for s in symbols]
    except (TypeError, ValueError):
        raise InputError(f"the values of {what} must be numbers, got {dict(start)!r}") from None
    return symbols, values


def solve_minimize(
    objective: Any, start: Mapping[sympy.Symbol, float], constraints: Sequence[Any] = (),
    bounds: Mapping[sympy.Symbol, tuple] | None = None, sense: str = "min",
    solver: str | None = None, method: str | None = None, options: dict | None = None,
    time_limit: float | None = None,
) -> Any:
    """Minimize (or, with ``sense="max"``, maximize) a sympy expression.

    Parameters
    ----------
    objective : sympy expression in the symbols of ``start``.
    start : ``{symbol: initial value}``; its keys are the unknowns.
    constraints : sympy relations ``a <= b``, ``a >= b``, ``Eq(a, b)``.
    bounds : ``{symbol: (lower, upper)}``, None for a missing side.
    sense, solver, method, options, time_limit : see `symopt.solve`.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> s = solve_minimize(x ** 2 + y ** 2, {x: 1, y: 1}, constraints=[x + y >= 1])
    >>> [round(v.value, 6) for v in s.variables], round(s.constraints[0].dual, 6)
    ([0.5, 0.5], 1.0)
    """
    if sense not in ("min", "max"):
        raise InputError(f"sense must be 'min' or 'max', got {sense!r}")
    symbols, x0 = _start(start, "start")
    nlp = compile_minimize(objective, symbols, x0, constraints, bounds, sense)
    if nlp.num_rows:
        label, why = "constrained NLP", f"{nlp.num_rows} constraint(s) were given"
    elif nlp.has_bounds:
        label, why = "bound-constrained NLP", "bounds but no constraints were given"
    else:
        label, why = "unconstrained NLP", "no constraints or bounds were given"
    plan = route(Structure.describe(label, why, nlp.num_cols, nlp.num_rows, sense=sense,
                                    has_bounds=nlp.has_bounds),
                 solver, method, options, hessian_nnz=nlp.hessian_nnz)
    return dispatch.run(nlp, plan, time_limit)


def solve_equations(
    equations: Sequence[Any], start: Mapping[sympy.Symbol, float], solver: str | None = None,
    method: str | None = None, options: dict | None = None,
) -> Any:
    """Solve a square system of sympy equations (``Eq(a, b)`` or expressions equal to 0).

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> s = solve_equations([x ** 2 + y ** 2 - 4, sympy.Eq(x, y)], {x: 1, y: 1})
    >>> [round(v.value, 8) for v in s.variables]
    [1.41421356, 1.41421356]
    """
    symbols, x0 = _start(start, "start")
    system = compile_equations(list(equations), symbols, x0)
    structure = Structure.describe("equations", f"{system.num_rows} equations in "
                                   f"{system.num_cols} unknowns", system.num_cols, system.num_rows)
    plan = route(structure, solver, method, options)
    return dispatch.run(system, plan)


def fit(
    expression: Any, independent: sympy.Symbol | Sequence[sympy.Symbol], xdata: Any, ydata: Any,
    start: Mapping[sympy.Symbol, float], sigma: Any = None, absolute_sigma: bool = False,
    bounds: Mapping[sympy.Symbol, tuple] | None = None, method: str | None = None,
    solver: str | None = None, options: dict | None = None, dependent_name: str = "y",
) -> Any:
    """Fit ``ydata ~ expression(xdata; parameters)`` by least squares with the exact Jacobian.

    ``independent`` is the data symbol (or a sequence of them; then ``xdata`` has one
    row per symbol); ``start`` gives the parameters and their initial values.

    Examples
    --------
    >>> a, k, t = sympy.symbols("a k t")
    >>> ts = np.linspace(0, 4, 30)
    >>> s = fit(a * sympy.exp(-k * t), t, ts, 3 * np.exp(-0.7 * ts), {a: 1, k: 0.1})
    >>> [round(float(p), 6) for p in s.fit.parameters]
    [3.0, 0.7]
    """
    problem, plan = prepare_fit(expression, independent, xdata, ydata, start, sigma,
                                absolute_sigma, bounds, method, solver, options, dependent_name)
    return dispatch.run(problem, plan)


def prepare_fit(
    expression: Any, independent: sympy.Symbol | Sequence[sympy.Symbol], xdata: Any, ydata: Any,
    start: Mapping[sympy.Symbol, float], sigma: Any = None, absolute_sigma: bool = False,
    bounds: Mapping[sympy.Symbol, tuple] | None = None, method: str | None = None,
    solver: str | None = None, options: dict | None = None, dependent_name: str = "y",
) -> tuple[Any, Any]:
    """Everything `fit` does before solving (compile, route, check the options and the
    start point): ``(FitProblem, Plan)``; `symopt check` runs it to find what `fit` would
    reject."""
    symbols, p0 = _start(start, "start")
    names = [independent] if isinstance(independent, sympy.Symbol) else list(independent)
    columns = [as_floats(xdata, "xdata")] if len(names) == 1 else list(as_floats(xdata, "xdata"))
    if len(columns) != len(names):
        raise InputError(f"xdata has {len(columns)} rows for {len(names)} independent variables")
    problem = compile_fit(expression, dict(zip(names, columns)), ydata, symbols, p0, bounds,
                          sigma, absolute_sigma, dependent_name)
    structure = Structure.describe("fit", f"{problem.num_points} data points, "
                                   f"{problem.num_cols} parameters", problem.num_cols,
                                   has_bounds=problem.has_bounds)
    plan = route(structure, solver, method, options)
    check_options(plan, options, problem)
    check_start_point(problem)
    return problem, plan
