"""The interior-point normal equations ``A diag(theta) A^T dy = r``, assembled sparsely.

The sparsity pattern of ``A D A^T`` is fixed, so the pairs of nonzeros sharing a column
are enumerated once; each iteration then assembles the lower triangle with one
``bincount`` and factorises it with numpy's dense Cholesky. Pivots that collapse
(dependent rows, columns driven to their bounds) are handled by a diagonal
regularisation of the Jacobi-scaled matrix (unit diagonal) that grows until the
factorisation succeeds; solves are refined
iteratively against the unregularised sparse product. numpy has no triangular solve, so
the solves are blocked: each diagonal block of the factor is inverted once.

>>> from symopt.optimize.linear_program import as_csc
>>> A = as_csc([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
>>> ne = NormalEquations(A)
>>> ne.factorize(np.ones(3))
>>> np.round(ne.solve(np.array([3.0, 3.0])), 12)
array([1., 1.])
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["NormalEquations"]

_BLOCK = 128


class NormalEquations:
    """Factorise and solve ``A diag(theta) A^T`` for a fixed sparse ``A``."""

    def __init__(self, A: sp.csc_array):
        self.A = A.tocsr()
        self.m = A.shape[0]
        self._pair_col, self._pair_prod, self._keys, self._slot = _column_pairs(A)
        self.theta = np.ones(A.shape[1])
        self.regularization = 0.0
        self._factor = np.zeros((0, 0))
        self._block_inverses: list[np.ndarray] = []
        self._jacobi = np.ones(self.m)

    def factorize(self, theta: np.ndarray) -> None:
        """Assemble and factor ``A diag(theta) A^T`` (regularised when needed)."""
        m = self.m
        self.theta = theta
        values = np.bincount(self._slot, weights=theta[self._pair_col] * self._pair_prod,
                             minlength=self._keys.size)
        diagonal_keys = self._keys % (m + 1) == 0
        diagonal = np.zeros(m)
        diagonal[self._keys[diagonal_keys] // (m + 1)] = values[diagonal_keys]
        positive = diagonal > 1e-300
        self._jacobi = np.where(positive, 1.0 / np.sqrt(np.where(positive, diagonal, 1.0)), 1.0)
        rows, cols = np.divmod(self._keys, m)
        scaled = np.zeros((m, m))
        scaled.flat[self._keys] = values * self._jacobi[rows] * self._jacobi[cols]
        scaled.flat[:: m + 1] = 1.0
        # start near the regularisation the previous factorisation needed
        reg, added = max(1e-14, self.regularization), 0.0
        while True:
            scaled.flat[:: m + 1] += reg - added
            added = reg
            try:
                factor = np.linalg.cholesky(scaled)
            except np.linalg.LinAlgError:
                reg *= 100.0
                if reg > 1e-2:
                    raise
                continue
            break
        del scaled
        self.regularization = reg
        self._factor = factor
        self._block_inverses = [np.linalg.inv(factor[k:k + _BLOCK, k:k + _BLOCK])
                                for k in range(0, m, _BLOCK)]

    def solve(self, rhs: np.ndarray, refine: int = 2) -> np.ndarray:
        """Solve with the current factor, refining against the unregularised sparse product."""
        dy = self._triangular_solves(rhs)
        for _ in range(refine):
            residual = rhs - self.A @ (self.theta * (self.A.T @ dy))
            dy = dy + self._triangular_solves(residual)
        return dy

    def _triangular_solves(self, rhs: np.ndarray) -> np.ndarray:
        """``J L^-T L^-1 J rhs`` by blocked forward and backward substitution."""
        L, inverses, m = self._factor, self._block_inverses, self.m
        starts = range(0, m, _BLOCK)
        z = self._jacobi * rhs
        for index, k in enumerate(starts):
            end = min(k + _BLOCK, m)
            z[k:end] = inverses[index] @ (z[k:end] - L[k:end, :k] @ z[:k])
        for index in range(len(starts) - 1, -1, -1):
            k = starts[index]
            end = min(k + _BLOCK, m)
            z[k:end] = inverses[index].T @ (z[k:end] - L[end:, k:end].T @ z[end:])
        return self._jacobi * z


def _column_pairs(A: sp.csc_array):
    """For every column, all (row_p >= row_q) pairs of its nonzeros, as flat keys."""
    m = A.shape[0]
    counts = np.diff(A.indptr)
    pair_cols, pair_prods, pair_keys = [], [], []
    for k in np.unique(counts[counts > 0]):
        columns = np.flatnonzero(counts == k)
        positions = A.indptr[columns][:, None] + np.arange(k)
        rows, values = A.indices[positions], A.data[positions]
        p, q = np.tril_indices(k)
        pair_cols.append(np.repeat(columns, p.size))
        pair_prods.append((values[:, p] * values[:, q]).ravel())
        pair_keys.append((rows[:, p] * m + rows[:, q]).ravel())
    if not pair_cols:
        empty = np.zeros(0, np.int64)
        return empty, np.zeros(0), empty, empty
    keys = np.concatenate(pair_keys)
    unique, slot = np.unique(keys, return_inverse=True)
    return np.concatenate(pair_cols), np.concatenate(pair_prods), unique, slot
