"""`BasisInverse`: the simplex basis inverse, refactorised densely and updated in low rank.

numpy offers no LU factorisation, but it offers a fast dense inverse. At each
refactorisation ``B^-1`` is formed explicitly; the slack columns ``-e_i`` of the basis
are set aside first, so only the k x k kernel of structural columns is inverted. Each
basis change then multiplies ``B^-1`` by an elementary matrix, which is a rank-one term:
``B_k^-1 = B_0^-1 + U W`` with one column of U and one row of W per update (the product
form written as a sum). A row of ``B^-1`` (BTRAN of a unit vector), a column solve
(FTRAN) and the exact dual steepest-edge weights (squared row norms of ``B^-1``) all
cost dense products with ``B_0^-1`` plus O(m k). After ``refactor_every`` updates (or
when an accuracy check fails) the inverse is formed again.

A singular basis (rare: a warm start, or a pivot that lost accuracy) is repaired with
LAPACK: a QR factorization finds the columns that depend on those before them, an LU of
the others the rows they leave uncovered, and each dependent column is replaced by the
slack of such a row.

>>> import numpy as np
>>> from symopt.optimize.linear_program import as_csc
>>> A = as_csc([[2.0, 0.0], [1.0, 1.0]])
>>> f = BasisInverse(A, np.array([2, 3]))     # the slack basis -I
>>> f.ftran(0).tolist()
[-2.0, -1.0]
>>> f.replace(0, 0, f.ftran(0))                # column 0 enters in row 0
>>> np.round(f.inverse, 12).tolist()
[[0.5, 0.0], [0.5, -1.0]]
"""
from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp


__all__ = ["BasisInverse"]

_SINGULAR_PIVOT = 1e-11


class BasisInverse:
    """``B^-1`` of the basis ``head`` (indices into ``[A, -I]``), updated in place.

    ``head`` is modified in place when a singular basis is repaired; ``repaired``
    then lists the rows whose basic variable was replaced by that row's slack.
    """

    def __init__(self, A: sp.csc_array, head: np.ndarray, refactor_every: int = 100):
        refactor_every = max(int(refactor_every), 1)
        self.A = A
        self.m, self.n = A.shape
        self.head = head
        self.refactor_every = refactor_every
        self.updates = 0
        self.repaired: list[int] = []
        self.refactor()

    def dense_columns(self, indices: np.ndarray) -> np.ndarray:
        """Dense ``m x k`` matrix of the given columns of ``[A, -I]``."""
        out = np.zeros((self.m, len(indices)))
        A, n = self.A, self.n
        for k, j in enumerate(indices):
            if j < n:
                lo, hi = A.indptr[j], A.indptr[j + 1]
                out[A.indices[lo:hi], k] = A.data[lo:hi]
            else:
                out[j - n, k] = -1.0
        return out

    def refactor(self) -> None:
        """Recompute ``B^-1`` (repairing a singular basis) and the steepest-edge weights."""
        self.updates = 0
        m = self.m
        self.U = np.zeros((m, self.refactor_every))
        self.W = np.zeros((self.refactor_every, m))
        if m == 0:
            self.base = np.zeros((0, 0))
            self.weights = np.zeros(0)
            return
        inverse = self._kernel_inverse()
        if inverse is None:
            basis = self.dense_columns(self.head)
            inverse, dependent = _checked_inverse(basis)
            if dependent:
                self._repair(basis, dependent)
                inverse = np.linalg.inv(self.dense_columns(self.head))
        self.base = inverse
        self.weights = np.einsum("ij,ij->i", inverse, inverse)

    @property
    def inverse(self) -> np.ndarray:
        """The current ``B^-1`` as a dense matrix (for inspection; O(m^2) to form)."""
        k = self.updates
        return self.base + self.U[:, :k] @ self.W[:k]

    def _kernel_inverse(self) -> np.ndarray | None:
        """Invert only the structural kernel: with the slack columns ``-e_i`` of the basis
        moved aside, ``B^-1`` needs the inverse of the k x k block of structural columns on
        the rows no slack covers (None when that block is singular)."""
        head, n, m = self.head, self.n, self.m
        is_slack = head >= n
        slack_pos, struct_pos = np.flatnonzero(is_slack), np.flatnonzero(~is_slack)
        slack_rows = head[slack_pos] - n
        covered = np.zeros(m, dtype=bool)
        covered[slack_rows] = True
        if np.count_nonzero(covered) != slack_rows.size:
            return None
        free_rows = np.flatnonzero(~covered)
        inverse = np.zeros((m, m))
        inverse[slack_pos, slack_rows] = -1.0
        if struct_pos.size == 0:
            return inverse
        columns = self.dense_columns(head[struct_pos])
        kernel_inverse, accurate = _inverse(columns[free_rows])
        if not accurate:   # the whole basis is checked (and repaired) instead
            return None
        inverse[np.ix_(struct_pos, free_rows)] = kernel_inverse
        if slack_pos.size:
            inverse[np.ix_(slack_pos, free_rows)] = columns[slack_rows] @ kernel_inverse
        return inverse

    def _repair(self, basis: np.ndarray, dependent: list[int]) -> None:
        uncovered = _uncovered_rows(basis, dependent)
        for position, row in zip(dependent, uncovered):
            self.head[position] = self.n + row
            self.repaired.append(position)

    def ftran(self, j: int) -> np.ndarray:
        """``B^-1 a_j`` for column j of ``[A, -I]``."""
        k = self.updates
        if j < self.n:
            lo, hi = self.A.indptr[j], self.A.indptr[j + 1]
            rows, vals = self.A.indices[lo:hi], self.A.data[lo:hi]
            out = self.base[:, rows] @ vals
            if k:
                out += self.U[:, :k] @ (self.W[:k, rows] @ vals)
            return out
        i = j - self.n
        out = -self.base[:, i]
        if k:
            out -= self.U[:, :k] @ self.W[:k, i]
        return out

    def ftran_dense(self, vector: np.ndarray) -> np.ndarray:
        """``B^-1 v`` for a dense m-vector."""
        k = self.updates
        out = self.base @ vector
        if k:
            out += self.U[:, :k] @ (self.W[:k] @ vector)
        return out

    def row(self, r: int) -> np.ndarray:
        """Row r of ``B^-1`` (the BTRAN of the unit vector e_r), a fresh array."""
        k = self.updates
        out = self.base[r].copy()
        if k:
            out += self.U[r, :k] @ self.W[:k]
        return out

    def btran(self, vector: np.ndarray) -> np.ndarray:
        """``B^-T v``."""
        k = self.updates
        out = vector @ self.base
        if k:
            out += (vector @ self.U[:, :k]) @ self.W[:k]
        return out

    def replace(self, r: int, j: int, column: np.ndarray, rho: np.ndarray | None = None) -> None:
        """Make column j basic in row r, given ``column = B^-1 a_j`` (before the change) and
        optionally ``rho``, row r of ``B^-1`` (computed when not given).

        The new inverse is ``B^-1 + u rho^T`` with ``rho`` row r of the old inverse, kept
        as one more column of U and row of W; the exact steepest-edge weights follow from
        ``tau = B^-1 rho``.
        """
        pivot = column[r]
        if rho is None:
            rho = self.row(r)
        u = -column / pivot
        u[r] = 1.0 / pivot - 1.0
        tau = self.ftran_dense(rho)
        rho_norm = float(rho @ rho)
        weights = self.weights + 2.0 * u * tau + u * u * rho_norm
        weights[r] = rho_norm / (pivot * pivot)
        self.weights = np.maximum(weights, 1e-12)
        k = self.updates
        self.U[:, k] = u
        self.W[k] = rho
        self.head[r] = j
        self.updates += 1

    @property
    def due(self) -> bool:
        """True when enough updates have accumulated to refactorise."""
        return self.updates >= self.refactor_every


def _inverse(basis: np.ndarray) -> tuple[np.ndarray | None, bool]:
    """numpy's ``basis^-1`` (None when it fails or is not finite) and whether it is
    accurate: whether it reproduces a random probe to 1e-6."""
    try:
        inverse = np.linalg.inv(basis)
    except np.linalg.LinAlgError:
        return None, False
    if not np.isfinite(inverse).all():
        return None, False
    probe = np.random.default_rng(0).standard_normal(basis.shape[0])
    error = np.linalg.norm(basis @ (inverse @ probe) - probe)
    return inverse, bool(error <= 1e-6 * np.linalg.norm(probe))


def _checked_inverse(basis: np.ndarray) -> tuple[np.ndarray | None, list[int]]:
    """The inverse when it is accurate, else the positions of dependent columns."""
    inverse, accurate = _inverse(basis)
    if accurate:
        return inverse, []
    dependent = _dependent_columns(basis)
    if not dependent:  # of full rank by the QR: keep what inv gave
        return (inverse if inverse is not None else np.linalg.pinv(basis)), []
    return None, dependent


def _dependent_columns(basis: np.ndarray) -> list[int]:
    """Columns to drop so that the rest are independent, in order, as elimination with
    column skipping finds them: with ``B = QR`` (LAPACK's blocked Householder QR),
    ``|R[k, k]|`` is the distance of column k from the span of the columns before it, and
    a distance below ``_SINGULAR_PIVOT`` times the largest entry makes column k dependent."""
    if not basis.size:
        return []
    scale = max(float(np.abs(basis).max()), 1.0)
    (r,) = scipy.linalg.qr(basis, mode="r")
    return np.flatnonzero(np.abs(np.diag(r)) <= _SINGULAR_PIVOT * scale).tolist()


def _uncovered_rows(basis: np.ndarray, dependent: list[int]) -> list[int]:
    """Rows the independent columns leave uncovered, one per dependent column: the rows
    an LU factorization with partial pivoting (LAPACK) of those columns never pivots on,
    so that their slacks complete a nonsingular basis."""
    independent = np.setdiff1d(np.arange(basis.shape[1]), dependent)
    _, swaps, _ = scipy.linalg.lapack.dgetrf(basis[:, independent])
    rows = np.arange(basis.shape[0])
    for k, swap in enumerate(swaps[:independent.size].tolist()):   # LAPACK's row swaps
        rows[[k, swap]] = rows[[swap, k]]
    return rows[independent.size:].tolist()[:len(dependent)]
