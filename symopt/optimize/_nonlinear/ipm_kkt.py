"""The interior-point method's primal-dual (KKT) system, its factorization and inertia correction.

Each iteration solves

.. math::

    \\begin{bmatrix} W + \\Sigma + \\delta_w I & A^T \\\\ A & -\\delta_c I \\end{bmatrix}
    \\begin{bmatrix} d_w \\\\ d_y \\end{bmatrix} = - \\begin{bmatrix} r_d \\\\ r_p \\end{bmatrix}

with ``W`` the Hessian of the Lagrangian (or an L-BFGS matrix), ``Sigma`` the diagonal of the
bound terms and ``A`` the constraint Jacobian. The matrix is factorized as ``L D L^T`` by
`qdldl` (AMD ordering, computed once for the fixed pattern; later factorizations only
refill values) while its factor stays below `SUPERNODAL_FILL` nonzeros, and by SuperLU in
symmetric mode (diagonal pivots, minimum degree ordering of ``K + K^T``; ``U``'s diagonal is
``D``) once it fills more: on a random sparse QP at 5,000 variables both orderings leave
3.0e6 nonzeros, which qdldl's scalar loops factorize in 4.7 s and SuperLU's supernodes in
1.1 s (``benchmarks/kkt_factorization.py --qp``), as the LP interior point switches too.
The signs of ``D`` give the inertia: the step is a descent direction only
when ``D`` has exactly ``n`` positive and ``m`` negative entries; otherwise ``delta_w`` grows
(Wächter & Biegler 2006, Algorithm IC), and a singular matrix (a zero pivot, e.g. a
rank-deficient Jacobian) also gets ``delta_c > 0``.

The matrix is assembled from COO triplets once mapped to its CSC upper triangle:
``np.bincount`` sums every value into place, so no Python loop touches a nonzero.
With an L-BFGS matrix ``W = xi I - Q M^{-1} Q^T`` the low-rank part is handled by the
Sherman-Morrison-Woodbury formula around the factorized sparse matrix.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.optimize._linear.normal_equations import _QDLDL, _SuperLU

__all__ = ["KKTMatrix", "InertiaCorrector"]

MAX_REFINE, REFINE_TOL = 10, 1e-14
#: qdldl's factor size (nonzeros) beyond which SuperLU's supernodal factorization takes over;
#: the structured KKT systems of COPS stay well below it
SUPERNODAL_FILL = 1_000_000


class KKTMatrix:
    """Upper triangle of the KKT matrix in CSC form, refilled in place from COO values."""

    def __init__(self, n: int, m: int):
        self.n, self.m = n, m
        self._key: tuple | None = None
        self._solver: Any = None
        self._lowrank: tuple | None = None
        self._target: sp.csc_matrix | None = None
        self._matrix: sp.csc_matrix | None = None

    def _structure(self, h_row: np.ndarray, h_col: np.ndarray, a_row: np.ndarray,
                   a_col: np.ndarray) -> None:
        n, m = self.n, self.m
        size = n + m
        diag = np.arange(size)
        # upper triangle: Hessian (row >= col given) goes to (col, row); A^T to (col, n + row)
        rows = np.concatenate((h_col, diag, a_col))
        cols = np.concatenate((h_row, diag, n + a_row))
        keys, inverse = np.unique(cols.astype(np.int64) * size + rows, return_inverse=True)
        self._inverse = inverse
        self._indices = (keys % size).astype(np.int32)
        counts = np.bincount(keys // size, minlength=size)
        self._indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
        self._nnz = keys.size
        self._solver = None

    def assemble(self, h: sp.coo_matrix | None, diagonal: np.ndarray,
                 a: sp.coo_matrix) -> sp.csc_matrix:
        """The KKT matrix with Hessian ``h`` (lower triangle), the (n + m) ``diagonal`` and ``a``."""
        h_row = h.row if h is not None else np.zeros(0, np.int32)
        h_col = h.col if h is not None else np.zeros(0, np.int32)
        key = (h_row, h_col, a.row, a.col)
        if self._key is None or not all(np.array_equal(p, q) for p, q in zip(key, self._key)):
            self._structure(*key)
            self._key = tuple(k.copy() for k in key)
        values = np.concatenate((h.data if h is not None else np.zeros(0), diagonal, a.data))
        data = np.bincount(self._inverse, weights=values, minlength=self._nnz)
        size = self.n + self.m
        return sp.csc_matrix((data, self._indices, self._indptr), shape=(size, size))

    def factorize(self, matrix: sp.csc_matrix) -> tuple[int, int, int] | None:
        """Factorize; return the inertia (positive, negative, zero) of ``D``, None if singular
        (a zero pivot, or SuperLU left the diagonal for a pivot)."""
        if self._solver is None:
            self._solver = _QDLDL()
        d = self._solver.factor(matrix)
        if isinstance(self._solver, _QDLDL) and self._solver.fill > SUPERNODAL_FILL:
            self._solver = _SuperLU()
            d = self._solver.factor(matrix)
        if d is None:
            return None
        self._matrix = matrix
        return int(np.sum(d > 0)), int(np.sum(d < 0)), int(np.sum(d == 0))

    def set_lowrank(self, q: np.ndarray | None, middle: np.ndarray | None) -> None:
        """Subtract ``Q M^{-1} Q^T`` (Q: n x k rows of the w-block) from the factorized matrix."""
        if q is None or q.shape[1] == 0:
            self._lowrank = None
            return
        full = np.zeros((self.n + self.m, q.shape[1]))
        full[:q.shape[0]] = q
        solved = np.column_stack([self._solver.solve(c) for c in full.T])
        capacitance = middle - full.T @ solved
        self._lowrank = (full, solved, capacitance)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``K^{-1} rhs``; with a target matrix set, refined against it (see `set_target`)."""
        out = self._solve_factored(rhs)
        if self._target is None:
            return out
        # iterative refinement, kept only while it shrinks the residual: on a (nearly)
        # singular target it would diverge, and the regularized solution is then the answer
        residual = rhs - _symmetric_product(self._target, out)
        size = float(np.max(np.abs(residual), initial=0.0))
        floor = REFINE_TOL * max(1.0, float(np.max(np.abs(rhs), initial=0.0)))
        for _ in range(MAX_REFINE):
            if size <= floor:
                break
            trial = out + self._solve_factored(residual)
            trial_residual = rhs - _symmetric_product(self._target, trial)
            trial_size = float(np.max(np.abs(trial_residual), initial=0.0))
            if not trial_size < 0.5 * size:
                break
            out, residual, size = trial, trial_residual, trial_size
        return out

    def _solve_factored(self, rhs: np.ndarray) -> np.ndarray:
        out = self._solver.solve(rhs)
        if self._lowrank is not None:
            full, solved, capacitance = self._lowrank
            out = out + solved @ np.linalg.solve(capacitance, full.T @ out)
        return out

    def set_target(self, matrix: sp.csc_matrix | None) -> None:
        """Refine solves against ``matrix`` (the unperturbed one when the factorized matrix
        carries only a tiny perturbation that made the pivots nonzero)."""
        self._target = matrix


def _symmetric_product(upper: sp.csc_matrix, x: np.ndarray) -> np.ndarray:
    """``K @ x`` for the symmetric ``K`` stored as its upper triangle."""
    return upper @ x + upper.T @ x - upper.diagonal() * x


class InertiaCorrector:
    """Chooses ``delta_w`` and ``delta_c`` so the factorized matrix has the right inertia."""

    DELTA_W_0, DELTA_W_MIN, DELTA_W_MAX = 1e-4, 1e-20, 1e40
    KAPPA_MINUS, KAPPA_PLUS, KAPPA_PLUS_FIRST = 1.0 / 3.0, 8.0, 100.0
    DELTA_PIVOT = 1e-9

    def __init__(self, kkt: KKTMatrix):
        self.kkt = kkt
        self.last_delta_w = 0.0
        self.delta_w = self.delta_c = 0.0

    def _attempt(self, h: Any, sigma: np.ndarray, a: Any, delta_w: float,
                 delta_c: float) -> tuple[int, int, int] | None:
        diagonal = np.concatenate((sigma + delta_w, np.full(self.kkt.m, -delta_c)))
        return self.kkt.factorize(self.kkt.assemble(h, diagonal, a))

    def _right(self, inertia: tuple[int, int, int] | None) -> bool:
        return inertia is not None and inertia[0] == self.kkt.n and inertia[1] == self.kkt.m

    def factorize(self, h: sp.coo_matrix | None, sigma: np.ndarray, a: sp.coo_matrix,
                  mu: float, lowrank: tuple | None = None) -> bool:
        """Factorize with the smallest regularization that gives the right inertia.

        Returns False when no ``delta_w`` up to ``DELTA_W_MAX`` helps."""
        delta_w = delta_c = 0.0
        self.kkt.set_target(None)
        inertia = self._attempt(h, sigma, a, 0.0, 0.0)
        if not self._right(inertia) and (inertia is None or inertia[2] > 0):
            # a zero pivot: qdldl does not pivot, so a matrix with zero diagonal entries (a
            # variable without curvature or bounds) may fail although it is regular. A tiny
            # quasi-definite shift (undone by iterative refinement) settles that case.
            exact = self.kkt.assemble(h, np.concatenate((sigma, np.zeros(self.kkt.m))), a)
            inertia = self._attempt(h, sigma, a, self.DELTA_PIVOT, self.DELTA_PIVOT)
            if self._right(inertia):
                self.kkt.set_target(exact)
            elif self.kkt.m:
                delta_c = 1e-8 * mu ** 0.25        # singular: regularize the constraint block
        if not self._right(inertia):
            delta_w = (self.DELTA_W_0 if self.last_delta_w == 0 else
                       max(self.DELTA_W_MIN, self.KAPPA_MINUS * self.last_delta_w))
            growth = self.KAPPA_PLUS_FIRST if self.last_delta_w == 0 else self.KAPPA_PLUS
            while True:
                inertia = self._attempt(h, sigma, a, delta_w, delta_c)
                if self._right(inertia):
                    break
                if inertia is None and self.kkt.m and delta_c == 0.0:
                    delta_c = 1e-8 * mu ** 0.25
                delta_w *= growth
                if delta_w > self.DELTA_W_MAX:
                    return False
            self.last_delta_w = delta_w
        self.delta_w, self.delta_c = delta_w, delta_c
        if lowrank is not None:
            self.kkt.set_lowrank(*lowrank)
        else:
            self.kkt.set_lowrank(None, None)
        return True
