"""An analysed model -> `NonlinearProgram` or `EquationSystem`, in the analysis' order.

Columns and rows are those of the `symopt.analysis.Structure` (free variables used by the
model, active rows, declaration order). Fixed variables are not columns: they enter the
compiled functions as constants (their current ``.value``), so fixing and unfixing
re-uses every compiled template. Start points are the variables' values, else 0 clipped
into the bounds.

>>> from symopt.model import Model, Var, Objective, Constraint
>>> m = Model("circle")
>>> m.x = Var(initialize=1.0)
>>> m.y = Var(initialize=1.0)
>>> m.obj = Objective(expr=(m.x - 2) ** 2 + m.y ** 2)
>>> m.ring = Constraint(expr=m.x ** 2 + m.y ** 2 <= 1)
>>> from symopt.analysis import analyze
>>> nlp = compile_model(analyze(m))
>>> nlp.col_names, nlp.row_names, nlp.row_upper.tolist()
(('x', 'y'), ('ring',), [1.0])
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from symopt.compile.derivatives import VectorFunction
from symopt.compile.families import collect_rows, collect_split_rows, paused_garbage_collection
from symopt.analysis import residuals
from symopt.compile.nonlinear import EquationSystem, NonlinearProgram
from symopt.errors import CompileError

__all__ = ["compile_model", "compile_equation_model"]


def _columns(structure: Any) -> tuple[list, dict, dict, np.ndarray]:
    free = list(structure.variables)
    if any(v.is_integer for v in free):
        names = ", ".join(v.name for v in free if v.is_integer)[:200]
        raise CompileError(f"model '{structure.model_name}' is nonlinear and has integer "
                           f"variables ({names}); mixed-integer nonlinear models are not "
                           "supported: relax the integrality or make the model linear")
    columns = {v: j for j, v in enumerate(free)}
    fixed = {v: len(free) + k for k, v in enumerate(structure.fixed)}
    fixed_values = np.array([float(v.value) for v in structure.fixed], dtype=float)
    return free, columns, fixed, fixed_values


def _bound(value: float | None, missing: float) -> float:
    return missing if value is None else float(value)


def _start(free: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lower = np.array([_bound(v.lb, -np.inf) for v in free], dtype=float)
    upper = np.array([_bound(v.ub, np.inf) for v in free], dtype=float)
    x0 = np.array([0.0 if v.value is None else float(v.value) for v in free], dtype=float)
    return np.clip(x0, lower, upper), lower, upper


def _function(rows: list, num_cols: int, columns: dict, fixed: dict,
              fixed_values: np.ndarray) -> VectorFunction:
    families, linear = collect_rows(rows, columns, fixed)
    return VectorFunction(len(rows), num_cols, families, linear, fixed_values)


def _split_function(parts: list, num_cols: int, columns: dict, fixed: dict,
                    fixed_values: np.ndarray, shapes: Any) -> VectorFunction:
    """`_function` of rows already split (affine part, nonlinear terms), shapes reused."""
    families, linear = collect_split_rows(parts, columns, fixed, shapes)
    return VectorFunction(len(parts), num_cols, families, linear, fixed_values)


def compile_model(structure: Any) -> NonlinearProgram:
    """The `NonlinearProgram` of an analysed model (no objective: a feasibility problem, f = 0)."""
    with paused_garbage_collection():    # per-row tuples would trigger full collections
        return _compile_model(structure)


def _compile_model(structure: Any) -> NonlinearProgram:
    objective = structure.objective
    free, columns, fixed, fixed_values = _columns(structure)
    rows = list(structure.constraints)
    x0, lower, upper = _start(free)
    n = len(free)
    builder = None
    if structure.sum_of_squares:
        # f = c + sum(w * r**2) = c + 0.5 * |R|^2 with R = sqrt(2 w) * r
        scaled = [math.sqrt(2.0 * weight) * r for weight, r in residuals(structure)]
        builder = lambda: _function(scaled, n, columns, fixed, fixed_values)  # noqa: E731
    objective_parts = [(structure.objective_linear, structure.objective_nonlinear)]
    return NonlinearProgram(
        _split_function(objective_parts, n, columns, fixed, fixed_values, structure.shapes),
        _split_function([(r.linear, r.nonlinear) for r in rows], n, columns, fixed,
                        fixed_values, structure.shapes),
        x0, lower, upper,
        np.array([_bound(r.lower, -np.inf) for r in rows], dtype=float),
        np.array([_bound(r.upper, np.inf) for r in rows], dtype=float),
        sense=structure.sense, name=structure.model_name,
        objective_name=objective.name if objective else "feasibility (0)",
        col_names=tuple(v.name for v in free), row_names=tuple(r.name for r in rows),
        columns=tuple(free), rows=tuple(rows), residual_builder=builder)


def compile_equation_model(structure: Any) -> EquationSystem:
    """The `EquationSystem` ``body - rhs = 0`` of an analysed model of equality rows only."""
    free, columns, fixed, fixed_values = _columns(structure)
    rows = list(structure.constraints)
    name = structure.model_name
    inequalities = [r.name for r in rows if not r.is_equality]
    if inequalities:
        raise CompileError(f"model '{name}' is solved as a system of equations, but "
                           f"{', '.join(inequalities[:5])} are not equalities")
    if len(rows) != len(free):
        raise CompileError(f"model '{name}' has {len(rows)} equations in {len(free)} "
                           "unknowns; a system of equations must be square (add an objective "
                           "to solve it as least squares or an optimization problem)")
    x0, lower, upper = _start(free)
    residual = _function([r.body - r.lower for r in rows], len(free), columns, fixed, fixed_values)
    return EquationSystem(residual, x0, lower, upper, name=name,
                          col_names=tuple(v.name for v in free), row_names=tuple(r.name for r in rows),
                          columns=tuple(free), rows=tuple(rows))
