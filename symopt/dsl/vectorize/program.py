"""The `NonlinearProgram` of an `ArrayBuilder`: templates + index arrays straight to the compiler.

Mirrors ``compile_model(analyze(load(path)))`` on the element-wise model without a Python
object per variable, term or row:

* columns are the variables that appear in the objective or a row (a nonzero affine
  coefficient or a nonlinear term), in declaration order; the start point is each
  variable's start value (else 0) clipped into its bounds;
* each constraint family's nonlinear blocks become `TermFamily` s (blocks of one template
  are stacked into one family, differentiated once); its affine constants are moved into
  the row bounds, as `Constraint` does; the objective keeps its constant;
* a variable that fills two slots of one instance (``x[t] * x[s]`` where ``s = t``) is
  written once: those instances get the template with the slots merged, as the
  element-wise shape key does.

What the element-wise compiler would refuse or report (an integer variable, lower bound >
upper bound, a row left without variables, a template that collapses to a number) returns
None, and the element-wise path gives the model or its located error.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from symopt.compile.codegen import placeholders
from symopt.compile.derivatives import VectorFunction
from symopt.compile.nonlinear import NonlinearProgram
from symopt.compile.templates import LinearPart, TermFamily
from symopt.dsl.vectorize.names import LazyNames, NameBlock
from symopt.dsl.vectorize.terms import Block

__all__ = ["assemble_program"]


class _Unassembled(Exception):
    """The element-wise path must decide (see the module docstring)."""


def assemble_program(builder: Any) -> NonlinearProgram | None:
    """The compiled NLP of a built model, or None when the element-wise path must decide."""
    try:
        return _assemble(builder)
    except _Unassembled:
        return None


def _assemble(builder: Any) -> NonlinearProgram:
    space, objective = builder.columns, builder.objective_arrays
    n = space.size
    row_names, row_lin, row_blocks, lower, upper = _stack_constraints(builder.row_blocks)
    objective_lin = (np.zeros(objective.cols.size, np.int64), objective.cols, objective.coefs) \
        if objective else _no_terms()
    objective_blocks = objective.blocks if objective else []
    m = lower.size
    constraint_lin = _merged(row_lin, m, n)
    objective_lin = _merged(objective_lin, 1, n)
    used_mask = np.zeros(n, dtype=bool)
    for _, cols, _ in (constraint_lin, objective_lin):
        used_mask[cols] = True
    for block in (*row_blocks, *objective_blocks):
        used_mask[block.cols.ravel()] = True
    if m and np.bincount(np.concatenate([constraint_lin[0], *[b.rows for b in row_blocks]]),
                         minlength=m).min() == 0:
        raise _Unassembled("a row without variables")
    used = np.flatnonzero(used_mask)
    column_of = np.full(n, -1, dtype=np.int64)
    column_of[used] = np.arange(used.size)
    col_lower, col_upper = _concat(space.lower)[used], _concat(space.upper)[used]
    if np.any(col_lower > col_upper) or _concat(space.integer).astype(bool)[used].any():
        raise _Unassembled("bounds or integrality the element-wise path reports")
    start = _concat(space.start)[used]
    x0 = np.clip(np.where(np.isnan(start), 0.0, start), col_lower, col_upper)
    constant = np.array([objective.constant if objective else 0.0])
    return NonlinearProgram(
        _function(1, used.size, objective_lin, objective_blocks, column_of, constant),
        _function(m, used.size, constraint_lin, row_blocks, column_of, np.zeros(m)),
        x0, col_lower, col_upper, lower, upper,
        sense=objective.sense if objective else "min", name=builder.model.name,
        objective_name=objective.name if objective else "feasibility (0)",
        col_names=LazyNames(space.blocks, builder.universe, used),
        row_names=LazyNames(row_names, builder.universe, np.arange(m)))


def _no_terms() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)


def _stack_constraints(blocks: list) -> tuple[list[NameBlock], tuple, list[Block], np.ndarray,
                                                np.ndarray]:
    """Every constraint family's rows after the previous ones: names, affine triplets,
    nonlinear blocks with global rows, and row bounds."""
    offset = 0
    names, rows, cols, coefs, nonlinear, lower, upper = [], [], [], [], [], [], []
    for block in blocks:
        size = block.names.size
        block.names.offset = offset
        names.append(block.names)
        rows.append(block.rows + offset)
        cols.append(block.cols)
        coefs.append(block.coefs)
        nonlinear += [Block(b.template, b.rows + offset, b.cols, b.consts) for b in block.blocks]
        lower.append(np.broadcast_to(block.lower, size))
        upper.append(np.broadcast_to(block.upper, size))
        offset += size
    triplets = (_concat(rows).astype(np.int64), _concat(cols).astype(np.int64), _concat(coefs))
    return names, triplets, nonlinear, _concat(lower).astype(float), _concat(upper).astype(float)


def _merged(triplets: tuple, m: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Affine terms with duplicates in a row summed and zeros dropped, row by row."""
    rows, cols, coefs = triplets
    if not rows.size:
        return triplets
    keys, position = np.unique(rows * n + cols, return_inverse=True)
    summed = np.bincount(position, weights=coefs, minlength=keys.size)
    keep = summed != 0
    return keys[keep] // n, keys[keep] % n, summed[keep]


def _function(m: int, n: int, lin: tuple, blocks: list[Block], column_of: np.ndarray,
              constants: np.ndarray) -> VectorFunction:
    rows, cols, coefs = lin
    linear = LinearPart(constants.astype(float), rows.astype(np.intp),
                        column_of[cols].astype(np.intp), coefs.astype(float))
    return VectorFunction(m, n, _families(blocks, column_of), linear)


def _families(blocks: list[Block], column_of: np.ndarray) -> list[TermFamily]:
    """One `TermFamily` per distinct template (slots merged where a variable repeats)."""
    grouped: dict[sympy.Expr, list[Block]] = {}
    for block in blocks:
        for piece in _distinct_slots(block):
            grouped.setdefault(piece.template, []).append(piece)
    families = []
    for template, pieces in grouped.items():
        families.append(TermFamily(
            template, np.concatenate([p.rows for p in pieces]).astype(np.intp),
            column_of[np.concatenate([p.cols for p in pieces])].astype(np.intp),
            np.concatenate([p.consts for p in pieces]).astype(float)))
    return families


def _distinct_slots(block: Block) -> list[Block]:
    """The block split by which of its variable slots hold the same column on an instance."""
    cols = block.cols
    width = cols.shape[1]
    if width < 2:
        return [_checked(block)]
    first = np.tile(np.arange(width), (cols.shape[0], 1))   # first slot with the same column
    for a in range(width - 1, 0, -1):
        for b in range(a - 1, -1, -1):
            same = cols[:, a] == cols[:, b]
            first[same, a] = b
    if np.all(first == np.arange(width)):
        return [_checked(block)]
    patterns, which = np.unique(first, axis=0, return_inverse=True)
    which = which.ravel()
    pieces = []
    for k, pattern in enumerate(patterns):
        members = np.flatnonzero(which == k)
        keep = np.flatnonzero(pattern == np.arange(width))
        slots = placeholders("v", width)
        renamed = {slots[a]: slots[pattern[a]] for a in range(width)}
        renamed_back = {slots[a]: new for a, new in zip(keep, placeholders("v", keep.size))}
        template = block.template.xreplace(renamed).xreplace(renamed_back)
        pieces.append(_checked(Block(template, block.rows[members], cols[members][:, keep],
                                     block.consts[members])))
    return pieces


def _checked(block: Block) -> Block:
    if not block.template.free_symbols & set(placeholders("v", block.cols.shape[1])):
        raise _Unassembled("a nonlinear term that is a number")
    return block


def _concat(arrays: list) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0)
