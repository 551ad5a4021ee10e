"""Nonlinear `.opt` expressions over a whole frame: one sympy template per shape + index arrays.

A nonlinear family such as ``dynamics[t in U]: x[t+1] == x[t] + h * (sin(x[t]) + u[t])``
has the same formula on every member; only which variables and which numbers fill it
change. So it is evaluated once per frame, not once per member:

``Shaped``
    One expression per frame row, all of the same form: a sympy template in the
    compiler's placeholders (``v0..`` variables, ``p0..`` numbers) with a column array
    per variable slot and a value array per number slot. Arithmetic and functions
    combine templates (slots renumbered) and stack the arrays.
``Terms``
    A sum per frame row: an affine part (`Lin`) plus `Block` s, each the instances of
    one template with the frame row it adds to (a ``sum`` maps rows to the outer frame,
    so a block may put several instances, or none, on a row).

Numbers stay slots, so a template never holds a rounded constant; an integral power
uniform over the frame becomes part of the template (``v0**2``), so it differentiates
as a polynomial. Whatever cannot be written this way (a sum with a different number of
terms per row inside a function, a condition on variables) raises `Unsupported`.

>>> import numpy as np
>>> x = Lin.single(np.arange(2), np.array([4, 7]), 2)        # x[4], x[7] on two rows
>>> square = power(x.shift(np.array([1.0, 2.5])), np.array([2.0, 2.0]), 2)
>>> block = square.blocks[0]
>>> block.template, block.cols.ravel().tolist(), block.consts.ravel().tolist()
((p0 + v0)**2, [4, 7], [1.0, 2.5])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from symopt.dsl.vectorize.frame import Unsupported
from symopt.dsl.vectorize.values import Lin, NamedRows, Num

if TYPE_CHECKING:   # sympy loads with the first nonlinear family: linear files never pay it
    import sympy

__all__ = ["Shaped", "Block", "Terms", "NamedTerms", "shaped", "as_terms", "combine", "apply",
           "power", "placed"]


@dataclass
class Shaped:
    """One expression per frame row: ``template(x[cols[r]], consts[r])``."""

    template: sympy.Expr
    cols: np.ndarray      # (size, num_vars) int64
    consts: np.ndarray    # (size, num_constants) float


@dataclass
class Block:
    """Instances of one template: instance i adds ``template(x[cols[i]], consts[i])`` to
    frame row ``rows[i]``."""

    template: sympy.Expr
    rows: np.ndarray
    cols: np.ndarray
    consts: np.ndarray

    def scaled(self, factor: np.ndarray) -> "Block":
        """``factor[row] * template``: the factor becomes a new number slot."""
        (slot,) = _symbols("p", self.consts.shape[1], 1)
        template, consts = _bake_integers(slot * self.template, np.column_stack(
            (self.consts, factor[self.rows])))
        return Block(template, self.rows, self.cols, consts)


@dataclass
class Terms:
    """Per frame row: an affine part plus the instances of nonlinear blocks."""

    lin: Lin
    blocks: list[Block] = field(default_factory=list)

    @classmethod
    def of(cls, expression: Shaped) -> "Terms":
        size = expression.cols.shape[0]
        empty = Lin(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(size))
        block = Block(expression.template, np.arange(size, dtype=np.int64), expression.cols,
                      expression.consts)
        return cls(empty, [block])

    def plus(self, other: "Terms") -> "Terms":
        return Terms(self.lin.plus(other.lin), self.blocks + other.blocks)

    def shift(self, constant: np.ndarray) -> "Terms":
        return Terms(self.lin.shift(constant), self.blocks)

    def scale(self, factor: np.ndarray) -> "Terms":
        return Terms(self.lin.scale(factor), [block.scaled(factor) for block in self.blocks])

    def negate(self) -> "Terms":
        return Terms(self.lin.negate(), [Block(-b.template, b.rows, b.cols, b.consts)
                                         for b in self.blocks])

    def summed(self, parent: np.ndarray, size: int) -> "Terms":
        """Rows of an inner frame added into their outer rows (``parent`` maps them)."""
        const = np.bincount(parent, weights=self.lin.const, minlength=size).astype(float)
        lin = Lin(parent[self.lin.rows], self.lin.cols, self.lin.coefs, const)
        return Terms(lin, [Block(b.template, parent[b.rows], b.cols, b.consts)
                           for b in self.blocks])


class NamedTerms:
    """A named expression's nonlinear value per member (``expr e[i in I] = x[i]^2``), taken
    row by row as `NamedRows` takes affine ones: each block's instances grouped by member."""

    def __init__(self, value: Terms, size: int):
        self.lin = NamedRows(value.lin, size)
        self.blocks = []
        for block in value.blocks:
            order = np.argsort(block.rows, kind="stable")
            indptr = np.zeros(size + 1, dtype=np.int64)
            np.cumsum(np.bincount(block.rows, minlength=size), out=indptr[1:])
            self.blocks.append((block, order, indptr))

    def take(self, where: np.ndarray) -> Terms:
        """The value of members ``where`` (one per frame row)."""
        blocks = []
        for block, order, indptr in self.blocks:
            counts = indptr[where + 1] - indptr[where]
            rows = np.repeat(np.arange(where.size, dtype=np.int64), counts)
            firsts = np.repeat(indptr[where] - (np.cumsum(counts) - counts), counts)
            picked = order[firsts + np.arange(int(counts.sum()), dtype=np.int64)]
            blocks.append(Block(block.template, rows, block.cols[picked], block.consts[picked]))
        return Terms(self.lin.take(where), blocks)


def placed(parts: list[tuple[np.ndarray, Terms]], size: int) -> Terms:
    """Values of sub-frames (the branches of an ``if``) put back on their frame rows."""
    const = np.zeros(size)
    rows, cols, coefs, blocks = [], [], [], []
    for where, value in parts:
        const[where] = value.lin.const
        rows.append(where[value.lin.rows])
        cols.append(value.lin.cols)
        coefs.append(value.lin.coefs)
        blocks += [Block(b.template, where[b.rows], b.cols, b.consts) for b in value.blocks]
    return Terms(Lin(np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64),
                     np.concatenate(coefs).astype(float), const), blocks)


def as_terms(value: Any, size: int) -> Terms:
    """A `Num`, `Lin` or `Terms` as `Terms` (numbers become the affine constant)."""
    if isinstance(value, Terms):
        return value
    if isinstance(value, Lin):
        return Terms(value)
    if isinstance(value, Num):
        values = np.broadcast_to(value.values, size).astype(float)
        return Terms(Lin(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), values))
    raise Unsupported("a set element in arithmetic with variables")


def _symbols(prefix: str, start: int, count: int) -> list[sympy.Symbol]:
    from symopt.compile.codegen import placeholders
    return placeholders(prefix, start + count)[start:]


def shaped(value: Any, size: int) -> Shaped:
    """The value as one expression of the same form on every row (or `Unsupported`)."""
    if isinstance(value, Num):
        (p0,) = _symbols("p", 0, 1)
        template, consts = _bake_integers(p0, np.broadcast_to(value.values, size).astype(
            float).reshape(size, 1))
        return Shaped(template, np.zeros((size, 0), np.int64), consts)
    if isinstance(value, Lin):
        return _shaped_affine(value, size)
    if not isinstance(value, Terms):
        raise Unsupported("a set element in arithmetic with variables")
    parts = [_shaped_affine(value.lin, size)] if value.lin.cols.size else []
    parts += [_one_per_row(block, size) for block in value.blocks]
    if not value.lin.cols.size and np.any(value.lin.const):
        parts.append(shaped(Num(value.lin.const), size))
    import sympy
    return combine(lambda *templates: sympy.Add(*templates), parts, size)


def _shaped_affine(lin: Lin, size: int) -> Shaped:
    """``p0*v0 + p1*v1 + ... + pk`` when every row has the same number of terms."""
    import sympy
    counts = np.bincount(lin.rows, minlength=size)
    width = int(counts[0]) if size else 0
    if np.any(counts != width):
        raise Unsupported("a sum with a different number of terms per member inside a "
                          "nonlinear expression")
    order = np.argsort(lin.rows, kind="stable")
    variables = _symbols("v", 0, width)
    numbers = _symbols("p", 0, width + 1)
    template = sympy.Add(*[p * v for p, v in zip(numbers, variables)], numbers[width])
    cols = lin.cols[order].reshape(size, width)
    consts = np.column_stack((lin.coefs[order].reshape(size, width),
                              np.broadcast_to(lin.const, size)))
    template, consts = _bake_integers(template, consts)
    return Shaped(template, cols, consts)


def _bake_integers(template: sympy.Expr, consts: np.ndarray) -> tuple[sympy.Expr, np.ndarray]:
    """Number slots equal to one small integer on every row written into the template
    (exact, and ``(1*v0 + 0)**2`` becomes ``v0**2``); the other slots renumbered."""
    if not consts.shape[0]:
        return template, consts
    first = consts[0]
    uniform = np.all(consts == first, axis=0) & (np.abs(first) < 2 ** 31) & (first == np.round(first))
    if not uniform.any():
        return template, consts
    import sympy
    kept = np.flatnonzero(~uniform)
    slots = _symbols("p", 0, consts.shape[1])
    replace = {slots[k]: sympy.Integer(int(first[k])) for k in np.flatnonzero(uniform)}
    replace.update({slots[k]: new for k, new in zip(kept, _symbols("p", 0, kept.size))})
    return template.xreplace(replace), consts[:, kept]


def _one_per_row(block: Block, size: int) -> Shaped:
    if block.rows.size != size:
        raise Unsupported("a sum of nonlinear terms with a different count per member "
                          "inside a nonlinear expression")
    order = np.argsort(block.rows, kind="stable")
    if np.any(block.rows[order] != np.arange(size)):
        raise Unsupported("a sum of nonlinear terms with a different count per member "
                          "inside a nonlinear expression")
    return Shaped(block.template, block.cols[order], block.consts[order])


def combine(operation: Callable[..., sympy.Expr], parts: list[Shaped], size: int) -> Shaped:
    """``operation(*templates)`` with each part's slots renumbered after the previous ones."""
    templates, cols, consts = [], [], []
    num_vars = num_consts = 0
    for part in parts:
        k, c = part.cols.shape[1], part.consts.shape[1]
        renumber = dict(zip(_symbols("v", 0, k), _symbols("v", num_vars, k)))
        renumber.update(zip(_symbols("p", 0, c), _symbols("p", num_consts, c)))
        templates.append(part.template.xreplace(renumber))
        cols.append(part.cols)
        consts.append(part.consts)
        num_vars, num_consts = num_vars + k, num_consts + c
    return Shaped(operation(*templates),
                  np.column_stack(cols) if cols else np.zeros((size, 0), np.int64),
                  np.column_stack(consts) if consts else np.zeros((size, 0)))


def apply(operation: str, arguments: list[Any], size: int) -> Terms:
    """A model operation (``mul``, ``div``, ``pow`` or a function name) on whole rows."""
    import sympy

    from symopt.model.export import sympy_operation
    parts = [shaped(argument, size) for argument in arguments]
    return Terms.of(combine(lambda *t: sympy_operation(operation, list(t), sympy), parts, size))


def power(base: Any, exponent: np.ndarray, size: int) -> Terms:
    """``base ^ exponent`` for a number exponent; an integral one uniform over the frame is
    written into the template."""
    if exponent.size and np.all(exponent == exponent[0]) and float(exponent[0]).is_integer():
        part = shaped(base, size)
        return Terms.of(Shaped(part.template ** int(exponent[0]), part.cols, part.consts))
    return apply("pow", [base, Num(exponent)], size)
