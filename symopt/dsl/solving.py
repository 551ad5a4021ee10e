"""Solving what a model file asks for: `symopt.solve` for models, `symopt.symbolic.fit` for fits.

A ``fit`` statement has no objective in the model sense; its `FitSpec` (expression,
data columns, parameters with start values) goes to `symopt.symbolic.fit`, which
compiles the exact Jacobian and routes to least squares. Everything else is a
`symopt.Model` and goes to `symopt.solve`.

>>> from symopt.dsl import loads
>>> solution = solve_loaded(loads("var x = 1\\nminimize f: (x - 3)^2"))
>>> solution.status, round(solution.variables[0].value, 6)
('optimal', 3.0)
"""
from __future__ import annotations

import math
from typing import Any

from symopt.errors import InputError

__all__ = ["solve_loaded", "solve_fit", "fit_arguments"]


def solve_loaded(loaded: Any, solver: str | None = None, method: str | None = None,
                 options: dict | None = None, time_limit: float | None = None,
                 exact: bool = False, progress: Any = None) -> Any:
    """Solve a `BuildResult` (or a `LinearProgram`) and return a `Solution`.

    ``progress`` is called with a MILP's incumbent, bound, gap, nodes and time, or an
    interior-point solve's iteration, objective and violation (see `symopt.solve`)."""
    from symopt.errors import SymoptError
    from symopt.pipeline import solve
    try:
        if getattr(loaded, "kind", None) == "fit":
            if exact:
                raise InputError("--exact certifies linear programs; a fit is solved in floats")
            return solve_fit(loaded, solver=solver, method=method, options=options,
                             time_limit=time_limit)
        # a BuildResult's Model, an ArrayModel's LP (a large linear file), or an LP
        target = loaded.model if hasattr(loaded, "model") else getattr(loaded, "lp", loaded)
        return solve(target, solver=solver, method=method, options=options,
                     time_limit=time_limit, exact=exact, progress=progress)
    except SymoptError as error:   # an option of the file: point at it
        if hasattr(loaded, "locate"):
            raise loaded.locate(error) from None
        raise


def solve_fit(loaded: Any, solver: str | None = None, method: str | None = None,
              options: dict | None = None, time_limit: float | None = None) -> Any:
    """Fit the `FitSpec` of ``loaded`` by least squares; returns a `Solution` with `FitData`.

    ``time_limit`` is accepted for a uniform interface; fits of file size finish quickly.
    """
    from symopt.symbolic import fit
    spec = loaded.fit
    solution = fit(*fit_arguments(spec), method=method, solver=solver, options=options,
                   dependent_name=spec.dependent)
    solution.model_name = loaded.model.name
    if solution.fit is not None and not solution.fit.expression:
        solution.fit.expression = f"{spec.dependent} ~ {spec.text}"
    return solution


def fit_arguments(spec: Any) -> tuple:
    """The positional arguments of `symopt.symbolic.fit` (and ``prepare_fit``) for a
    `FitSpec`: expression, data symbols, columns, observations, start, sigma, absolute
    sigma, bounds."""
    from symopt.model.expr import to_sympy
    expression = to_sympy(spec.expression)
    symbols = [spec.data_symbols[name].symbol for name in spec.independent]
    columns = [spec.independent[name] for name in spec.independent]
    start = {p.symbol: (p.value if p.value is not None else 1.0) for p in spec.parameters}
    bounds = {p.symbol: (p.lb, p.ub) for p in spec.parameters
              if (p.lb is not None and math.isfinite(p.lb))
              or (p.ub is not None and math.isfinite(p.ub))}
    return (expression, symbols[0] if len(symbols) == 1 else symbols,
            columns[0] if len(columns) == 1 else columns, spec.observed, start, spec.sigma,
            False, bounds or None)
