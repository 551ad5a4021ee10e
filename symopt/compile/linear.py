"""Linear extraction: a linear model straight into the arrays ``solve_lp`` takes.

Each row's variable and coefficient lists (a ``LinearExpr`` built by a sum keeps them; no
dict, no sympy, no per-term objects) are the compressed rows: analysis located every term's
variable with one vectorized search (``symopt.model.affine.AffineTerms``), so the columns
are one numpy gather, then one ``scipy.sparse.csc_array``. Fixed variables are not columns: their
contribution moves into the objective offset and the row bounds.

>>> from symopt.model import Model, Var, Objective, Constraint, NonNegativeReals, maximize
>>> m = Model("tiny")
>>> m.x = Var(domain=NonNegativeReals)
>>> m.y = Var(domain=NonNegativeReals)
>>> m.profit = Objective(expr=3 * m.x + 2 * m.y, sense=maximize)
>>> m.cap = Constraint(expr=m.x + m.y <= 4)
>>> lp = extract_linear(m)
>>> lp.c, lp.sense, lp.A.toarray(), lp.row_upper, lp.col_names
(array([3., 2.]), 'max', array([[1., 1.]]), array([4.]), ('x', 'y'))
"""
from __future__ import annotations

import operator
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.analysis import Structure, analyze
from symopt.errors import CompileError
from symopt.model.affine import AffineTerms
from symopt.model.bulk import bound_arrays
from symopt.model.component import paused_gc
from symopt.model.constraints import ConstraintData
from symopt.optimize.linear_program import LinearProgram, csc_from_rows

__all__ = ["extract_linear"]


def extract_linear(source: Any) -> LinearProgram:
    """The ``LinearProgram`` of a linear model (a ``Model`` or its analysis ``Structure``).

    Raises CompileError naming the first nonlinear term and where it sits when the model
    is not linear.
    """
    structure = source if isinstance(source, Structure) else analyze(source)
    with paused_gc():
        return _extract(structure)


def _extract(structure: Structure) -> LinearProgram:
    if not structure.is_linear:
        raise CompileError(f"model '{structure.model_name}' is not linear: "
                           f"{structure.nonlinear_location} contains {structure.nonlinear_term}; "
                           "linear extraction needs an LP or MILP")
    columns = structure.variables
    affine = _affine_terms(structure)
    c, offset = _objective(structure, affine)
    A, row_lower, row_upper = _rows(structure.constraints, affine, len(columns))
    del affine
    col_lower, col_upper = structure.column_bounds or bound_arrays(columns)
    integrality = np.array([v.is_integer for v in columns], dtype=np.int8) if structure.has_integers else None
    objective = structure.objective
    return LinearProgram(
        c=c, A=A, row_lower=row_lower, row_upper=row_upper, col_lower=col_lower,
        col_upper=col_upper, offset=offset, sense=structure.sense, integrality=integrality,
        name=structure.model_name, objective_name=objective.name if objective else "obj",
        col_names=_Names(columns), row_names=_Names(structure.constraints),
        columns=tuple(columns), rows=tuple(structure.constraints),
    )


def _affine_terms(structure: Structure) -> AffineTerms:
    """The terms with their columns as analysis found them, or located again among the
    columns when the rows changed since (or the structure was built without them)."""
    parts = [structure.objective_linear, *map(_LINEAR, structure.constraints)]
    affine = structure.affine
    if (affine is not None and len(affine.parts) == len(parts)
            and all(map(operator.is_, affine.parts, parts))):
        return affine
    affine = AffineTerms(structure.variables, parts)
    affine.assign_columns(np.ones(len(structure.variables), dtype=bool))
    return affine


def _objective(structure: Structure, affine: AffineTerms) -> tuple[np.ndarray, float]:
    c = np.zeros(len(structure.variables))
    cols, values = affine.places[:affine.ends[1]], affine.coefficients(0, 1)
    free = cols >= 0
    c[cols[free]] = values[free]
    fixed = _fixed_part(affine.part_variables(0), values, free) if not free.all() else 0.0
    return c, float(structure.objective_linear.constant + fixed)


def _fixed_part(variables: list, values: np.ndarray, free: np.ndarray) -> float:
    """The constant that the fixed variables (the entries that are no column) contribute."""
    return sum(float(values[k]) * variables[k].value for k in np.flatnonzero(~free).tolist())


def _rows(rows: tuple[ConstraintData, ...], affine: AffineTerms,
          n: int) -> tuple[sp.csc_array, np.ndarray, np.ndarray]:
    """The constraint matrix as compressed rows of the terms after the objective's; fixed
    variables' terms move into the row bounds."""
    m = len(rows)
    start = affine.ends[1]
    ends, cols, data = affine.ends[1:] - start, affine.places[start:], affine.coefficients(1, m + 1)
    shift = np.zeros(m)
    free = cols >= 0
    if not free.all():
        shift, ends, cols, data = _without_fixed(affine, ends, cols, data, free)
    lower = np.array([-np.inf if row.lower is None else row.lower for row in rows]) - shift
    upper = np.array([np.inf if row.upper is None else row.upper for row in rows]) - shift
    A = csc_from_rows(ends, cols, data, (m, n))
    return A, lower.reshape(m), upper.reshape(m)


def _without_fixed(affine: AffineTerms, ends: np.ndarray, cols: np.ndarray, data: np.ndarray,
                   free: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row shifts from the fixed variables' terms, and the row arrays without those terms."""
    shift = np.zeros(len(ends) - 1)
    for i in np.unique(np.searchsorted(ends, np.flatnonzero(~free), side="right") - 1).tolist():
        lo, hi = ends[i], ends[i + 1]
        shift[i] = _fixed_part(affine.part_variables(i + 1), data[lo:hi], free[lo:hi])
    kept = np.concatenate([[0], np.cumsum(free)])
    return shift, kept[ends], cols[free], data[free]


_LINEAR = attrgetter("linear")


class _Names(Sequence):
    """The ``.name`` of each object, read when asked for: building an LP formats no names
    (a 10^6-column model would spend ~0.5 s on them); a report or file reads them."""

    def __init__(self, objects: tuple):
        self._objects = objects

    def __len__(self) -> int:
        return len(self._objects)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [item.name for item in self._objects[k]]
        return self._objects[k].name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(tuple(self))
