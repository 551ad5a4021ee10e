"""Vectorised values, sparse Jacobians and Hessians of a vector function built of families.

A `VectorFunction` is ``F(x) = linear part + sum over term families``, with ``m`` rows.
Its Jacobian and Hessian sparsity patterns are fixed at construction (the union of
every term's variables), so an evaluation only gathers each family's variables with
index arrays (or slices, when the indices form a progression), calls the compiled
template once, and scatter-adds the results into preallocated nonzero arrays.

Columns ``>= num_cols`` address fixed variables: their values come from
``fixed_values`` and their derivatives are dropped.

>>> import sympy
>>> from symopt.compile.templates import split_sympy_rows
>>> x, y = sympy.symbols("x y")
>>> families, linear = split_sympy_rows([x ** 2 * y + y], {x: 0, y: 1})
>>> f = VectorFunction(1, 2, families, linear)
>>> point = np.array([2.0, 3.0])
>>> f.values(point).tolist(), f.gradient(point).tolist()
([15.0], [12.0, 5.0])
>>> f.hessian_dense(point, np.array([1.0])).tolist()
[[6.0, 4.0], [4.0, 0.0]]
"""
from __future__ import annotations

from typing import Union

import numpy as np
import scipy.sparse as sp

from symopt.compile import cache
from symopt.compile.templates import LinearPart, TermFamily

__all__ = ["VectorFunction"]

Index = Union[slice, np.ndarray]


def as_index(positions: np.ndarray) -> Index:
    """A slice when ``positions`` is an increasing progression (a view, no copy), else the array."""
    if positions.size == 1:
        return slice(int(positions[0]), int(positions[0]) + 1)
    if positions.size > 1:
        step = int(positions[1] - positions[0])
        if step > 0 and np.all(np.diff(positions) == step):
            return slice(int(positions[0]), int(positions[-1]) + 1, step)
    return positions


class _Scatter:
    """Adds a vector of values into ``target[positions]``, duplicates accumulating."""

    def __init__(self, positions: np.ndarray):
        self.unique = positions.size == np.unique(positions).size
        self.index = as_index(positions) if self.unique else positions

    def add(self, target: np.ndarray, values: np.ndarray | float) -> None:
        if self.unique:
            target[self.index] += values
        else:
            np.add.at(target, self.index, values)


class _Family:
    """One term family prepared for evaluation: gathers, constants and scatters."""

    def __init__(self, family: TermFamily):
        self.derived = cache.derived(family.template, family.num_vars, family.num_constants)
        self.size = len(family)
        self.rows = family.rows
        self.single_row = int(family.rows[0]) if np.all(family.rows == family.rows[0]) else None
        self.columns = family.columns
        self.gathers = [as_index(family.columns[:, a]) for a in range(family.num_vars)]
        self.constants = [c[0] if np.all(c == c[0]) else c for c in family.constants.T]

    def arguments(self, x: np.ndarray) -> list:
        return [x[g] for g in self.gathers] + self.constants

    def broadcast(self, value) -> np.ndarray:
        if type(value) is np.ndarray and value.shape == (self.size,):
            return value
        return np.broadcast_to(np.asarray(value, dtype=float), (self.size,))


def _pattern(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique (row, col) pairs in column-major order and each input pair's position."""
    height = int(rows.max(initial=0)) + 1
    unique, positions = np.unique(cols.astype(np.int64) * height + rows, return_inverse=True)
    return (unique % height).astype(np.intp), (unique // height).astype(np.intp), positions


class VectorFunction:
    """``F: R^num_cols -> R^num_rows`` with exact sparse first and second derivatives."""

    def __init__(self, num_rows: int, num_cols: int, families: list[TermFamily],
                 linear: LinearPart, fixed_values: np.ndarray | None = None):
        self.num_rows, self.num_cols = num_rows, num_cols
        self.fixed_values = np.zeros(0) if fixed_values is None else np.asarray(fixed_values, float)
        self.linear = linear
        self.families = [_Family(f) for f in families]
        self._row_scatters = [_Scatter(f.rows) if f.single_row is None else None
                              for f in self.families]
        self._build_gradient_structure()

    # ----- values --------------------------------------------------------------------
    def extended(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.concatenate((x, self.fixed_values)) if self.fixed_values.size else x

    def values(self, x: np.ndarray) -> np.ndarray:
        """``F(x)``, shape ``(num_rows,)``."""
        xe = self.extended(x)
        out = self.linear.constants.copy()
        if self.linear.rows.size:
            out += np.bincount(self.linear.rows, self.linear.coefficients * xe[self.linear.columns],
                               minlength=self.num_rows)
        for family, scatter in zip(self.families, self._row_scatters):
            (value,) = family.derived.value(*family.arguments(xe))
            if scatter is None:
                out[family.single_row] += (np.sum(value) if np.ndim(value)
                                           else float(value) * family.size)
            else:
                scatter.add(out, family.broadcast(value))
        return out

    # ----- first derivatives ---------------------------------------------------------
    def _build_gradient_structure(self) -> None:
        """The Jacobian pattern (CSC order) and where every contribution lands in it."""
        lin = self.linear
        rows, cols = [lin.rows], [lin.columns]
        for family in self.families:
            for a in family.derived.gradient_slots:
                rows.append(family.rows)
                cols.append(family.columns[:, a])
        rows_all, cols_all = np.concatenate(rows), np.concatenate(cols)
        keep = cols_all < self.num_cols
        jac_rows, jac_cols, positions = _pattern(rows_all[keep], cols_all[keep])
        self.jacobian_rows, self.jacobian_cols = jac_rows, jac_cols
        trash = jac_rows.size          # contributions to fixed columns land past the end
        where = np.full(rows_all.size, trash, dtype=np.intp)
        where[keep] = positions
        base = np.zeros(trash + 1)
        np.add.at(base, where[:lin.rows.size], lin.coefficients)
        self._jacobian_base = base
        self._jacobian_scatters, start = [], lin.rows.size
        for family in self.families:
            slots = []
            for _ in family.derived.gradient_slots:
                slots.append(_Scatter(where[start:start + family.size]))
                start += family.size
            self._jacobian_scatters.append(slots)
        gradient_base = np.zeros(self.num_cols + self.fixed_values.size)
        np.add.at(gradient_base, lin.columns, lin.coefficients)
        self._gradient_base = gradient_base
        self._gradient_scatters = [[_Scatter(f.columns[:, a]) for a in f.derived.gradient_slots]
                                   for f in self.families]

    @property
    def jacobian_nnz(self) -> int:
        return self.jacobian_rows.size

    def jacobian_values(self, x: np.ndarray) -> np.ndarray:
        """The Jacobian's nonzeros, in the order of ``jacobian_rows`` / ``jacobian_cols``."""
        xe = self.extended(x)
        out = self._jacobian_base.copy()
        for family, scatters in zip(self.families, self._jacobian_scatters):
            if not scatters:
                continue
            for scatter, value in zip(scatters, family.derived.gradient(*family.arguments(xe))):
                scatter.add(out, family.broadcast(value))
        return out[:-1]

    def jacobian_dense(self, x: np.ndarray) -> np.ndarray:
        jac = np.zeros((self.num_rows, self.num_cols))
        jac[self.jacobian_rows, self.jacobian_cols] = self.jacobian_values(x)
        return jac

    def jacobian_csc(self, x: np.ndarray) -> sp.csc_array:
        indptr = np.zeros(self.num_cols + 1, dtype=np.intp)
        np.cumsum(np.bincount(self.jacobian_cols, minlength=self.num_cols), out=indptr[1:])
        order = np.argsort(self.jacobian_cols, kind="stable")
        return sp.csc_array((self.jacobian_values(x)[order], self.jacobian_rows[order], indptr),
                            shape=(self.num_rows, self.num_cols))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        """The gradient of the sum of all rows (for a scalar function: its gradient)."""
        xe = self.extended(x)
        out = self._gradient_base.copy()
        for family, scatters in zip(self.families, self._gradient_scatters):
            if not scatters:
                continue
            for scatter, value in zip(scatters, family.derived.gradient(*family.arguments(xe))):
                scatter.add(out, value)
        return out[:self.num_cols]

    # ----- second derivatives --------------------------------------------------------
    def _hessian_structure(self):
        """Lower-triangle Hessian pattern of ``sum_r w_r F_r`` and contribution positions."""
        if hasattr(self, "_hess"):
            return self._hess
        rows, cols = [np.zeros(0, np.intp)], [np.zeros(0, np.intp)]
        for family in self.families:
            for a, b in family.derived.hessian_slots:
                ca, cb = family.columns[:, a], family.columns[:, b]
                rows.append(np.maximum(ca, cb))
                cols.append(np.minimum(ca, cb))
        r, c = np.concatenate(rows), np.concatenate(cols)
        keep = r < self.num_cols
        hess_rows, hess_cols, positions = _pattern(r[keep], c[keep])
        where = np.full(r.size, hess_rows.size, dtype=np.intp)
        where[keep] = positions
        scatters, start = [], 0
        for family in self.families:
            slots = []
            for _ in family.derived.hessian_slots:
                slots.append(_Scatter(where[start:start + family.size]))
                start += family.size
            scatters.append(slots)
        self._hess = (hess_rows, hess_cols, scatters)
        return self._hess

    def hessian_pattern(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cols) of the lower-triangle Hessian pattern, in ``hessian_values``' order."""
        rows, cols, _ = self._hessian_structure()
        return rows, cols

    @property
    def hessian_nnz(self) -> int:
        """Nonzeros of the lower triangle of the Hessian pattern (the union over all rows)."""
        return int(self._hessian_structure()[0].size)

    def hessian_values(self, x: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        """(rows, cols, values) of the lower triangle of ``sum_r weights[r] * hess F_r(x)``."""
        hess_rows, hess_cols, scatters = self._hessian_structure()
        weights = np.asarray(weights, dtype=float).reshape(self.num_rows)
        x = np.asarray(x, dtype=float)
        last = getattr(self, "_last_hessian", None)
        if last is not None and np.array_equal(last[0], x) and np.array_equal(last[1], weights):
            return hess_rows, hess_cols, last[2]   # Hessian-vector products at one point
        xe = self.extended(x)
        out = np.zeros(hess_rows.size + 1)
        for family, slots in zip(self.families, scatters):
            if not slots:
                continue
            w = weights[family.single_row] if family.single_row is not None else weights[family.rows]
            if np.all(w == 0):
                continue
            for scatter, value in zip(slots, family.derived.hessian(*family.arguments(xe))):
                scatter.add(out, w * family.broadcast(value))
        self._last_hessian = (x.copy(), weights.copy(), out[:-1])
        return hess_rows, hess_cols, out[:-1]

    def hessian_dense(self, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
        rows, cols, values = self.hessian_values(x, weights)
        hess = np.zeros((self.num_cols, self.num_cols))
        hess[rows, cols] = values
        hess[cols, rows] = values
        return hess

    def hessian_product(self, x: np.ndarray, weights: np.ndarray, p: np.ndarray) -> np.ndarray:
        """``(sum_r weights[r] * hess F_r(x)) @ p`` without forming the matrix.

        Both triangles are laid out once per point, so the many products a Newton-CG
        step takes at one point cost a gather and a bincount each.
        """
        rows, cols, values = self.hessian_values(x, weights)
        if getattr(self, "_symmetric", (None,))[0] is not values:
            off = np.flatnonzero(rows != cols)
            self._symmetric = (values, np.concatenate((rows, cols[off])),
                               np.concatenate((cols, rows[off])),
                               np.concatenate((values, values[off])))
        _, full_rows, full_cols, full_values = self._symmetric
        return np.bincount(full_rows, full_values * p[full_cols], minlength=self.num_cols)
