"""Plain sympy expressions -> compiled problems (the path of `symopt.symbolic`).

The variables are sympy Symbols given by the caller, in column order; every other free
symbol is an error naming it. Terms are grouped by template exactly as for models, so
a sympy sum over many symbols is still differentiated once per distinct term shape.

>>> import sympy
>>> x, y = sympy.symbols("x y")
>>> system = compile_equations([sympy.Eq(x + y, 3), x * y - 2], [x, y], [1.0, 0.0])
>>> system.fun(np.array([1.0, 2.0])).tolist(), system.jac(np.array([1.0, 2.0])).tolist()
([0.0, 0.0], [[1.0, 1.0], [2.0, 1.0]])
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import sympy

from symopt.compile.codegen import placeholders
from symopt.compile.derivatives import VectorFunction
from symopt.compile.nonlinear import EquationSystem, FitProblem, NonlinearProgram
from symopt.compile.templates import LinearPart, TermFamily, split_sympy_rows
from symopt.errors import CompileError, InputError

__all__ = ["compile_minimize", "compile_equations", "compile_fit", "as_relation_rows"]


def _columns(variables: Sequence[sympy.Symbol]) -> dict[sympy.Symbol, int]:
    for v in variables:
        if not isinstance(v, sympy.Symbol):
            raise InputError(f"variables must be sympy Symbols, got {v!r} ({type(v).__name__})")
    return {v: j for j, v in enumerate(variables)}


def _bound_arrays(variables: Sequence[sympy.Symbol], bounds: Mapping | None):
    lower, upper = np.full(len(variables), -np.inf), np.full(len(variables), np.inf)
    for symbol, pair in (bounds or {}).items():
        if symbol not in variables:
            raise InputError(f"bounds are given for {symbol}, which is not a variable; "
                             f"variables: {', '.join(map(str, variables))}")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise InputError(f"the bounds of {symbol} must be a (lower, upper) pair, got "
                             f"{pair!r:.60}")
        j = list(variables).index(symbol)
        lower[j], upper[j] = (_bound(value, default, symbol)
                              for value, default in zip(pair, (-np.inf, np.inf)))
    return lower, upper


def _bound(value: Any, default: float, symbol: sympy.Symbol) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = np.nan
    if np.isnan(number):
        raise InputError(f"a bound of {symbol} must be a number or None, got {value!r:.60}")
    return number


def _check_squares_fit(weighted: np.ndarray) -> None:
    """Refuse data whose sum of squares overflows double precision: no fit of it can
    report a finite residual sum of squares (the objective), whatever the parameters."""
    with np.errstate(all="ignore"):
        total = float(np.sum(np.square(weighted[np.isfinite(weighted)])))
    if not np.isfinite(total):
        peak = float(np.max(np.abs(weighted[np.isfinite(weighted)])))
        raise InputError(f"ydata reaches {peak:.3g} (divided by sigma, if given): the sum of "
                         "its squares overflows double precision (about 1.8e308), so no fit "
                         "could report a finite residual; rescale the data")


def _sigma(sigma: Any, size: int) -> np.ndarray:
    values = as_floats(sigma, "sigma")
    if values.size not in (1, size):
        raise InputError(f"sigma has {values.size} values for {size} data points; give one "
                         "per point, or one for all")
    return np.broadcast_to(values.ravel(), (size,)).copy()


def as_floats(values: Any, name: str) -> np.ndarray:
    """``values`` as a float array, or an `InputError` naming ``name`` (text, ragged
    lists, integers beyond float range)."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError) as error:
        raise InputError(f"{name} must be numbers: {error}") from None


def as_relation_rows(relations: Sequence[Any]) -> tuple[list[sympy.Expr], np.ndarray, np.ndarray]:
    """Bodies and bounds of sympy relations, constants moved to the bounds: ``x + y >= 1``
    -> body ``x + y``, bounds ``[1, inf]``; ``Eq(a, b)`` and a bare expression ``e`` (meaning
    ``e == 0``) become equalities."""
    bodies, lower, upper = [], [], []
    for rel in relations:
        if isinstance(rel, sympy.Equality):
            sides = (0.0, 0.0)
        elif isinstance(rel, (sympy.LessThan, sympy.StrictLessThan)):
            sides = (-np.inf, 0.0)
        elif isinstance(rel, (sympy.GreaterThan, sympy.StrictGreaterThan)):
            sides = (0.0, np.inf)
        elif isinstance(rel, sympy.Expr):
            sides = (0.0, 0.0)
        else:
            raise InputError(f"constraint {rel!r} is not a sympy relation (<=, >=, Eq) or expression")
        body = rel.lhs - rel.rhs if isinstance(rel, sympy.core.relational.Relational) else rel
        constant, rest = body.as_coeff_Add()
        bodies.append(rest)
        lower.append(sides[0] - float(constant))
        upper.append(sides[1] - float(constant))
    return bodies, np.array(lower, float), np.array(upper, float)


def _function(rows: Sequence[sympy.Expr], columns: dict) -> VectorFunction:
    families, linear = split_sympy_rows(list(rows), columns)
    return VectorFunction(len(rows), len(columns), families, linear)


def compile_minimize(
    objective: Any, variables: Sequence[sympy.Symbol], x0: Sequence[float],
    constraints: Sequence[Any] = (), bounds: Mapping | None = None, sense: str = "min",
) -> NonlinearProgram:
    """A `NonlinearProgram` from a sympy objective, relations and per-symbol bounds."""
    columns = _columns(variables)
    bodies, row_lower, row_upper = as_relation_rows(constraints)
    col_lower, col_upper = _bound_arrays(variables, bounds)
    names = tuple(str(v) for v in variables)
    return NonlinearProgram(
        _function([sympy.sympify(objective, strict=True)], columns), _function(bodies, columns),
        np.asarray(x0, dtype=float), col_lower, col_upper, row_lower, row_upper, sense=sense,
        col_names=names, row_names=tuple(f"c{i + 1}" for i in range(len(bodies))),
        columns=tuple(variables), rows=tuple(constraints))


def compile_equations(
    equations: Sequence[Any], variables: Sequence[sympy.Symbol], x0: Sequence[float],
) -> EquationSystem:
    """An `EquationSystem` from sympy equations (``Eq(a, b)`` or expressions equal to 0)."""
    columns = _columns(variables)
    bodies, lower, upper = as_relation_rows(equations)
    if not np.array_equal(lower, upper):
        raise InputError("solve_equations takes equations (Eq or expressions = 0), not inequalities")
    if len(bodies) != len(variables):
        raise InputError(f"the system has {len(bodies)} equations in {len(variables)} unknowns; "
                         "root finding needs as many equations as unknowns "
                         "(use solve_minimize or fit for least squares)")
    names = tuple(str(v) for v in variables)
    residuals = [body - float(rhs) for body, rhs in zip(bodies, lower)]
    return EquationSystem(_function(residuals, columns), np.asarray(x0, dtype=float),
                          np.full(len(names), -np.inf), np.full(len(names), np.inf),
                          col_names=names, row_names=tuple(f"eq{i + 1}" for i in range(len(bodies))),
                          columns=tuple(variables), rows=tuple(equations))


def _fit_family(term: sympy.Expr, columns: dict, data: dict[sympy.Symbol, np.ndarray],
                size: int) -> TermFamily:
    unknown = term.free_symbols - set(columns) - set(data)
    if unknown:
        raise CompileError(f"the fit term {term} uses {', '.join(sorted(map(str, unknown)))}, "
                           "which is neither a parameter nor an independent variable")
    params = sorted(term.free_symbols & set(columns), key=columns.get)
    inputs = [s for s in data if s in term.free_symbols]
    slots, consts = placeholders("v", len(params)), placeholders("p", len(inputs))
    template = term.xreplace({**dict(zip(params, slots)), **dict(zip(inputs, consts))})
    cols = np.tile(np.array([columns[p] for p in params], dtype=np.intp), (size, 1))
    values = (np.column_stack([data[s] for s in inputs]) if inputs else np.zeros((size, 0)))
    return TermFamily(template, np.arange(size, dtype=np.intp), cols.reshape(size, len(params)),
                      values)


def compile_fit(
    expression: Any, independent: Mapping[sympy.Symbol, Any], ydata: Any,
    parameters: Sequence[sympy.Symbol], p0: Sequence[float], bounds: Mapping | None = None,
    sigma: Any = None, absolute_sigma: bool = False, dependent_name: str = "y",
) -> FitProblem:
    """A `FitProblem` for ``ydata ~ expression(independent; parameters)``."""
    columns = _columns(parameters)
    observed = as_floats(ydata, "ydata").ravel()
    if observed.size == 0:
        raise InputError("ydata has no data points; a fit needs at least one")
    data = {s: as_floats(v, f"xdata for {s}").ravel() for s, v in independent.items()}
    for symbol, values in data.items():
        if values.size != observed.size:
            raise InputError(f"xdata for {symbol} has {values.size} points but ydata "
                             f"has {observed.size}")
    expr = sympy.sympify(expression, strict=True)
    families = [_fit_family(t, columns, data, observed.size) for t in sympy.Add.make_args(expr)]
    empty = LinearPart(np.zeros(observed.size), np.zeros(0, np.intp), np.zeros(0, np.intp),
                       np.zeros(0))
    model = VectorFunction(observed.size, len(parameters), families, empty)
    lower, upper = _bound_arrays(parameters, bounds)
    sig = None if sigma is None else _sigma(sigma, observed.size)
    _check_squares_fit(observed if sig is None else observed / sig)
    return FitProblem(model, np.asarray(p0, dtype=float), lower, upper, observed,
                      {str(s): np.asarray(v, float) for s, v in data.items()}, dependent_name,
                      tuple(str(p) for p in parameters), tuple(parameters), sig, absolute_sigma,
                      expression=str(expr))
