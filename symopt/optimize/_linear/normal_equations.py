"""The interior-point normal equations ``A diag(theta) A^T dy = r``, factorised sparsely.

The sparsity pattern of ``A D A^T`` is fixed, so the pairs of nonzeros sharing a column
are enumerated once, and so is the upper triangle's compressed-column structure; each
iteration assembles the values with one ``bincount`` and factorises them. Two
well-kept factorisations were measured on Netlib's normal equations: qdldl's LDL^T
(the one OSQP uses; AMD ordering and symbolic analysis kept between iterations) is
2-5x faster while the factor is small (25FV47, 80BAU3B, PILOT87, D2Q06C), SuperLU
(``scipy.sparse.linalg.splu`` in symmetric mode, minimum degree ordering) 2-4x faster
once it is large (DFL001, QAP12), thanks to its supernodes. ``backend="auto"`` starts
with qdldl and moves to SuperLU when the factor grows past 300,000 nonzeros.

Columns with many nonzeros would make ``A D A^T`` (and its factor) dense, so they are
kept out of the factorised part and added back by the Sherman-Morrison-Woodbury
formula through a small dense ``k x k`` capacitance matrix.

Pivots that collapse (dependent rows, columns driven to their bounds) are handled by a
diagonal regularisation of the Jacobi-scaled matrix (unit diagonal) that grows until
every pivot of ``D`` is positive; solves are refined iteratively against the
unregularised product.

>>> import scipy.sparse as sp
>>> ne = NormalEquations(sp.csc_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
>>> ne.factorize(np.ones(3))
>>> np.round(ne.solve(np.array([3.0, 3.0])), 12)
array([1., 1.])
"""
from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse.linalg
import scipy.sparse as sp

__all__ = ["NormalEquations"]

_MAX_REGULARIZATION = 1e-2


def _canonical_csc(A) -> sp.csc_matrix:
    """``A`` as a ``csc_matrix`` with sorted, summed indices (the pair enumeration needs it)."""
    matrix = sp.csc_matrix(A, dtype=float)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


class NormalEquations:
    """Factorise and solve ``A diag(theta) A^T`` for a fixed sparse ``A``."""

    def __init__(self, A, backend: str = "auto"):
        if backend not in _BACKENDS:
            raise ValueError(f"backend must be one of {sorted(_BACKENDS)}, not {backend!r}")
        self.backend = backend
        csc = _canonical_csc(A)
        self.A = csc.tocsr()
        self.m = m = csc.shape[0]
        dense = _dense_columns(csc)
        self._dense = np.flatnonzero(dense)
        self._dense_block = csc[:, self._dense].toarray()
        sparse_columns = np.flatnonzero(~dense)
        self._structure = _UpperStructure(csc[:, sparse_columns], sparse_columns, m)
        self.theta = np.ones(csc.shape[1])
        self.regularization = 0.0
        self._solver: _Auto | _SuperLU | _QDLDL | None = None
        self._jacobi = np.ones(m)
        self._woodbury: tuple[np.ndarray, np.ndarray, tuple] | None = None

    @property
    def dense_columns(self) -> int:
        """How many columns are handled by the low-rank (Woodbury) update."""
        return int(self._dense.size)

    def factorize(self, theta: np.ndarray) -> None:
        """Assemble and factor ``A diag(theta) A^T`` (regularised when needed)."""
        self.theta = theta
        structure = self._structure
        values = structure.values(theta)
        theta_dense = theta[self._dense]
        diagonal = values[structure.diagonal_slot] + (self._dense_block ** 2) @ theta_dense
        positive = diagonal > 1e-300
        jacobi = np.where(positive, 1.0 / np.sqrt(np.where(positive, diagonal, 1.0)), 1.0)
        self._jacobi = jacobi
        scaled = values * jacobi[structure.rows] * jacobi[structure.cols]
        scaled[structure.diagonal_slot[~positive]] = 1.0
        reg = max(1e-14, 0.1 * self.regularization)
        while not self._factor_regularized(scaled, reg):
            reg *= 100.0
            if reg > _MAX_REGULARIZATION:
                raise np.linalg.LinAlgError("normal equations too ill-conditioned to factorise")
        self.regularization = reg
        self._woodbury = self._capacitance(jacobi, theta_dense)

    def _factor_regularized(self, scaled: np.ndarray, reg: float) -> bool:
        """Factor the scaled matrix plus ``reg I``; False when a pivot is not positive."""
        data = scaled.copy()
        data[self._structure.diagonal_slot] += reg
        if self._solver is None:
            self._solver = _BACKENDS[self.backend]()
        pivots = self._solver.factor(self._structure.matrix(data))
        return pivots is not None and bool(np.all(pivots > 0.1 * reg))

    def _capacitance(self, jacobi: np.ndarray, theta_dense: np.ndarray):
        """``U``, ``F^-1 U`` and the factor of ``I + U^T F^-1 U`` for the dense columns."""
        if self._dense.size == 0:
            return None
        U = jacobi[:, None] * self._dense_block * np.sqrt(theta_dense)
        F_inv_U = np.column_stack([self._solver.solve(U[:, k]) for k in range(U.shape[1])])
        capacitance = np.eye(U.shape[1]) + U.T @ F_inv_U
        return U, F_inv_U, scipy.linalg.cho_factor(capacitance)

    def solve(self, rhs: np.ndarray, refine: int = 3) -> np.ndarray:
        """Solve with the current factor, refining against the unregularised sparse product."""
        dy = self._apply_inverse(rhs)
        scale = np.linalg.norm(rhs) + 1e-300
        for _ in range(refine):
            residual = rhs - self.A @ (self.theta * (self.A.T @ dy))
            if np.linalg.norm(residual) <= 1e-14 * scale:
                break
            dy = dy + self._apply_inverse(residual)
        return dy

    def _apply_inverse(self, rhs: np.ndarray) -> np.ndarray:
        """``J (F + U U^T)^-1 J rhs`` with the sparse factor and the Woodbury update."""
        z = self._solver.solve(self._jacobi * rhs)
        if self._woodbury is not None:
            U, F_inv_U, factor = self._woodbury
            z = z - F_inv_U @ scipy.linalg.cho_solve(factor, U.T @ z)
        return self._jacobi * z


class _SuperLU:
    """SuperLU (``scipy.sparse.linalg.splu``) in symmetric mode: diagonal pivots, an
    approximate minimum degree ordering of ``M``; its supernodes make it the faster."""

    def factor(self, upper: sp.csc_matrix) -> np.ndarray | None:
        full = (upper + sp.triu(upper, 1).T).tocsc()
        try:
            self._lu = scipy.sparse.linalg.splu(
                full, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                options={"SymmetricMode": True})
        except RuntimeError:  # exactly singular
            return None
        if not np.array_equal(self._lu.perm_r, self._lu.perm_c):
            return None  # an off-diagonal pivot: not positive definite
        return self._lu.U.diagonal()

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return self._lu.solve(rhs)


class _QDLDL:
    """qdldl's LDL^T (AMD ordering and symbolic analysis once, numeric refactorisations)."""

    def __init__(self):
        self._solver = None
        self.fill = 0

    def factor(self, upper: sp.csc_matrix) -> np.ndarray | None:
        import qdldl  # optional: only this backend needs it

        try:
            if self._solver is None:
                self._solver = qdldl.Solver(upper, upper=True)
            else:
                self._solver.update(upper, upper=True)
        except RuntimeError:  # a zero pivot
            self._solver = None
            return None
        factor, pivots, _ = self._solver.factors()
        self.fill = factor.nnz
        return pivots

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return self._solver.solve(rhs)


class _Auto:
    """qdldl while the factor stays small (its reused ordering wins), SuperLU once the
    factor has more than ``_SUPERNODAL_FILL`` nonzeros (its dense kernels win)."""

    def __init__(self):
        self._backend: _QDLDL | _SuperLU = _QDLDL()

    def factor(self, upper: sp.csc_matrix) -> np.ndarray | None:
        pivots = self._backend.factor(upper)
        if isinstance(self._backend, _QDLDL) and self._backend.fill > _SUPERNODAL_FILL:
            self._backend = _SuperLU()
            pivots = self._backend.factor(upper)
        return pivots

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        return self._backend.solve(rhs)


_SUPERNODAL_FILL = 300_000
_BACKENDS = {"auto": _Auto, "superlu": _SuperLU, "qdldl": _QDLDL}


def _dense_columns(A: sp.csc_matrix) -> np.ndarray:
    """Columns whose nonzeros would fill ``A D A^T`` (many more than a typical column)."""
    counts = np.diff(A.indptr)
    m = A.shape[0]
    if m < 200 or counts.size == 0:
        return np.zeros(counts.size, bool)
    threshold = max(40, 10 * np.percentile(counts, 90), 0.1 * m)
    dense = counts > threshold
    return dense if dense.sum() <= 0.1 * m else np.zeros(counts.size, bool)


class _UpperStructure:
    """The fixed upper-triangular CSC pattern of ``A diag(theta) A^T`` and how to fill it.

    Every pair of nonzeros sharing a column of ``A`` contributes to one entry; the
    entries are numbered once, in CSC order of the upper triangle (key ``col * m + row``),
    and the diagonal is always present.
    """

    def __init__(self, A: sp.csc_matrix, columns: np.ndarray, m: int):
        pair_col, pair_prod, pair_keys = _column_pairs(A, columns, m)
        diagonal_keys = np.arange(m, dtype=np.int64) * (m + 1)
        keys, inverse = np.unique(np.concatenate([pair_keys, diagonal_keys]),
                                  return_inverse=True)
        self.pair_col, self.pair_prod = pair_col, pair_prod
        self.slot = inverse[:pair_keys.size]
        self.diagonal_slot = inverse[pair_keys.size:]
        self.cols, self.rows = np.divmod(keys, m)
        self.indptr = np.searchsorted(self.cols, np.arange(m + 1)).astype(np.int64)
        self.m, self.size = m, keys.size

    def values(self, theta: np.ndarray) -> np.ndarray:
        return np.bincount(self.slot, weights=theta[self.pair_col] * self.pair_prod,
                           minlength=self.size)

    def matrix(self, data: np.ndarray) -> sp.csc_matrix:
        return sp.csc_matrix((data, self.rows, self.indptr), shape=(self.m, self.m))


def _column_pairs(A: sp.csc_matrix, columns: np.ndarray, m: int):
    """For every column, all (row_p >= row_q) pairs of its nonzeros as keys ``p * m + q``."""
    counts = np.diff(A.indptr)
    pair_cols, pair_prods, pair_keys = [], [], []
    for k in np.unique(counts[counts > 0]):
        local = np.flatnonzero(counts == k)
        positions = A.indptr[local][:, None] + np.arange(k)
        rows, values = A.indices[positions].astype(np.int64), A.data[positions]
        p, q = np.tril_indices(k)
        pair_cols.append(np.repeat(columns[local], p.size))
        pair_prods.append((values[:, p] * values[:, q]).ravel())
        pair_keys.append((rows[:, p] * m + rows[:, q]).ravel())
    if not pair_cols:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)
    return np.concatenate(pair_cols), np.concatenate(pair_prods), np.concatenate(pair_keys)
