"""Sparse first and second derivatives of a `NonlinearProgram` in the interior point's form.

The patterns are laid out once: the constraint Jacobian in CSC order (the rows and columns
`VectorFunction` fixed at construction) and the lower triangle of the Hessian of the
Lagrangian ``obj_factor * sign * f(x) + v @ g(x)``, the union of the objective's and the
constraints' patterns. Each evaluation fills one value array by index (the family
templates compute the values, whole families at a time): no loop over nonzeros, and the
matrices handed to the solver share the same index arrays at every iteration, so its
factorization reuses its symbolic analysis.

>>> import numpy as np, sympy
>>> from symopt.compile.from_sympy import compile_minimize
>>> x, y = sympy.symbols("x y")
>>> nlp = compile_minimize(x ** 2 * y, [x, y], [1.0, 1.0], constraints=[x * y <= 4])
>>> d = SparseDerivatives(nlp)
>>> d.jacobian(np.array([1.0, 2.0])).toarray().tolist()
[[2.0, 1.0]]
>>> d.lagrangian_hessian(np.array([1.0, 2.0]), 1.0, np.array([3.0])).toarray().tolist()
[[4.0, 0.0], [5.0, 0.0]]
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["SparseDerivatives"]


class SparseDerivatives:
    """Jacobian and Lagrangian Hessian of a `NonlinearProgram` with patterns fixed once."""

    def __init__(self, nlp: Any):
        self.nlp = nlp
        n, g = nlp.num_cols, nlp.constraints
        counts = np.bincount(g.jacobian_cols, minlength=n)
        self._jac_indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
        self._jac_indices = g.jacobian_rows.astype(np.int32)
        obj_rows, obj_cols = nlp.objective.hessian_pattern()
        con_rows, con_cols = g.hessian_pattern() if g.num_rows else (np.zeros(0, int),) * 2
        keys = np.concatenate((obj_cols.astype(np.int64) * n + obj_rows,
                               con_cols.astype(np.int64) * n + con_rows))
        unique, where = np.unique(keys, return_inverse=True)
        self.hess_rows = (unique % n).astype(np.int32)
        self.hess_cols = (unique // n).astype(np.int32)
        self._obj_at = where[:obj_rows.size]
        self._con_at = where[obj_rows.size:]

    @property
    def hessian_nnz(self) -> int:
        return int(self.hess_rows.size)

    def jacobian(self, x: np.ndarray) -> sp.csc_matrix:
        """``dg/dx`` as CSC; the index arrays are the same objects at every call."""
        g = self.nlp.constraints
        return sp.csc_matrix((g.jacobian_values(x), self._jac_indices, self._jac_indptr),
                             shape=(g.num_rows, g.num_cols))

    def lagrangian_hessian(self, x: np.ndarray, obj_factor: float,
                           v: np.ndarray) -> sp.coo_matrix:
        """Lower triangle of ``hess(obj_factor * sign * f + v @ g)`` at ``x`` (COO)."""
        nlp = self.nlp
        values = np.zeros(self.hess_rows.size)
        if obj_factor != 0 and self._obj_at.size:
            values[self._obj_at] += nlp.objective.hessian_values(
                x, np.array([obj_factor * nlp.sign]))[2]
        if self._con_at.size and np.any(v):
            values[self._con_at] += nlp.constraints.hessian_values(x, np.asarray(v, float))[2]
        n = nlp.num_cols
        return sp.coo_matrix((values, (self.hess_rows, self.hess_cols)), shape=(n, n))
