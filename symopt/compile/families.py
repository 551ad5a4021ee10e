"""Model expressions -> term families: the compiler finds the repeated structure itself.

People write plain Python sums over generators. `collect_rows` splits every row (the
objective, or one constraint body) into its affine part and its nonlinear terms
(``symopt.model.terms.split_terms``), keys each term by its shape
(``term_shape``: variables and numbers as placeholders) and files it under that key, so
``sum(100*(x[i+1] - x[i]**2)**2 for i in ...)`` becomes one family of n - 1 instances,
differentiated once. The sympy template of a key is built from the key alone, directly
in the compiler's placeholders.

>>> from symopt.model.expr import VarData
>>> x = [VarData(name=f"x[{i}]") for i in range(4)]
>>> rows = [sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))]
>>> families, linear = collect_rows(rows, {v: j for j, v in enumerate(x)})
>>> [len(f) for f in families]
[3, 3]
>>> families[0].template
p0*(v0 - v1**2)**2
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Sequence

import sympy

from symopt.compile.codegen import placeholders
from symopt.compile.templates import FamilyCollector, LinearPart, TermFamily
from symopt.errors import CompileError
from symopt.model.convert import shape_expr
from symopt.model.expr import VarData
from symopt.model.terms import ShapeMemo, split_terms

__all__ = ["collect_rows", "collect_split_rows", "shape_template"]


def shape_template(key: tuple, num_vars: int, num_constants: int) -> sympy.Expr:
    """The sympy expression of a shape key, in placeholders ``v0..`` and ``p0..``."""
    try:
        return shape_expr(key, placeholders("v", num_vars), placeholders("p", num_constants))
    except KeyError as exc:
        raise CompileError(f"cannot compile the operation {exc.args[0]!r}: "
                           "not a supported function") from None


def _column(var: VarData, columns: Mapping[VarData, int], fixed: Mapping[VarData, int]) -> int:
    column = columns.get(var)
    if column is None:
        column = fixed.get(var)
    if column is None:
        raise CompileError(f"variable '{var.name}' appears in the model's expressions but is "
                           "not one of the model's variables; declare it on the model")
    return column


@contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small acyclic objects are made.

    Collecting a model's terms allocates tuples by the hundred thousand, and each
    collection rescans the whole (large) model; pausing saves about a quarter of this
    stage's CPU time at 20,000 terms.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect_rows(
    rows: Sequence[Any], columns: Mapping[VarData, int], fixed: Mapping[VarData, int] | None = None,
) -> tuple[list[TermFamily], LinearPart]:
    """Term families and the affine part of model expressions, one expression per row.

    ``columns`` maps each free variable to its column; ``fixed`` maps fixed variables to
    their slot past the last column (see `VectorFunction`'s ``fixed_values``).
    """
    return collect_split_rows([split_terms(expr) for expr in rows], columns, fixed)


def collect_split_rows(
    parts: Sequence[tuple[Any, Sequence[Any]]], columns: Mapping[VarData, int],
    fixed: Mapping[VarData, int] | None = None, shapes: ShapeMemo | None = None,
) -> tuple[list[TermFamily], LinearPart]:
    """`collect_rows` of rows already split into ``(affine LinearExpr, nonlinear terms)``
    (as constraints keep them), reading term shapes from ``shapes`` when analysis found them."""
    fixed = fixed or {}
    shapes = shapes or ShapeMemo()
    collector = FamilyCollector(len(parts))
    with paused_garbage_collection():
        for r, (linear, terms) in enumerate(parts):
            _collect_row(collector, r, linear, terms, columns, fixed, shapes)
    return collector.families(), collector.linear()


def _collect_row(collector: FamilyCollector, r: int, linear: Any, terms: Sequence[Any],
                 columns: Mapping[VarData, int], fixed: Mapping[VarData, int],
                 shapes: ShapeMemo) -> None:
    """File one row's affine part and each of its nonlinear terms under the term's shape."""
    if linear.terms:
        items = list(linear.terms.items())
        collector.add_linear(r, [_column(v, columns, fixed) for v, _ in items],
                             [c for _, c in items])
    collector.add_constant(r, linear.constant)
    for term in terms:
        key, variables, constants = shapes.take(term)
        shape = (key, len(variables), len(constants))
        collector.add(shape, lambda s=shape: shape_template(*s), r,
                      [_column(v, columns, fixed) for v in variables], constants)
