"""The interior-point method's primal-dual (KKT) system, its factorization and inertia correction.

Each iteration solves

.. math::

    \\begin{bmatrix} W + \\Sigma + \\delta_w I & A^T \\\\ A & -\\delta_c I \\end{bmatrix}
    \\begin{bmatrix} d_w \\\\ d_y \\end{bmatrix} = - \\begin{bmatrix} r_d \\\\ r_p \\end{bmatrix}

with ``W`` the Hessian of the Lagrangian (or an L-BFGS matrix), ``Sigma`` the diagonal of the
bound terms and ``A`` the constraint Jacobian. The matrix is equilibrated (Ruiz's symmetric
scaling, `_equilibration`) and factorized as ``L D L^T`` by `qdldl` (AMD ordering, computed
once for the fixed pattern; later factorizations only refill values) while its factor stays
below `SUPERNODAL_FILL` nonzeros, and by SuperLU in symmetric mode (diagonal pivots, minimum
degree ordering of ``K + K^T``; ``U``'s diagonal is ``D``) once it fills more: on a random
sparse QP at 5,000 variables both orderings leave 3.0e6 nonzeros, which qdldl's scalar loops
factorize in 4.7 s and SuperLU's supernodes in 1.1 s (the ``sparse`` instance of
``benchmarks/qp.py``), as the LP interior point switches too. The signs of ``D`` give the inertia: the step is a descent direction only when ``D`` has exactly ``n``
positive and ``m`` negative entries; otherwise ``delta_w`` grows (Wächter & Biegler 2006,
Algorithm IC). qdldl does not pivot, so a regular matrix with zero diagonal entries can
meet a zero pivot: a tiny quasi-definite shift is factorized instead and the solves are
refined against the unshifted matrix (iterative refinement, then GMRES preconditioned by
the factor). Only a matrix whose solves cannot be made accurate (singular, e.g. a
rank-deficient Jacobian) gets ``delta_c = 1e-8 mu^(1/4) > 0``, as in IPOPT.

The matrix is assembled from COO triplets once mapped to its CSC upper triangle:
``np.bincount`` sums every value into place, so no Python loop touches a nonzero.
With an L-BFGS matrix ``W = xi I - Q M^{-1} Q^T`` the low-rank part is handled by the
Sherman-Morrison-Woodbury formula around the factorized sparse matrix.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from symopt.optimize._linear.normal_equations import _QDLDL, _SuperLU

__all__ = ["KKTMatrix", "InertiaCorrector"]

MAX_REFINE, REFINE_TOL = 10, 1e-14
KRYLOV_STEPS, SCALING_SWEEPS, SINGULAR_RESIDUAL = 50, 5, 1e-8
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
        self.accurate = True        # the last solve met SINGULAR_RESIDUAL (see solve)

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
        self._columns = np.repeat(np.arange(size), counts)
        self._diagonal = self._indptr[1:] - 1      # last entry of each upper-triangle column
        self._shift_signs = np.concatenate((np.ones(n), -np.ones(m)))
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

    def factorize(self, matrix: sp.csc_matrix,
                  pivot_shift: float = 0.0) -> tuple[int, int, int] | None:
        """Factorize; return the inertia (positive, negative, zero) of ``D``, None if singular
        (a zero pivot, or SuperLU left the diagonal for a pivot).

        ``pivot_shift`` > 0 factorizes the equilibrated matrix plus the quasi-definite shift
        ``diag(+shift I_n, -shift I_m)`` (in the equilibrated scale, where every row has
        max-norm ~1: the same shift before scaling could dwarf a row that the scaling blows
        up, e.g. a constraint pinning a variable whose bound term is 1e14). A refinement
        target set before (`set_target`) is dropped: it belonged to the last matrix."""
        self.set_target(None)
        self._scale = _equilibration(matrix, self._columns)
        data = matrix.data * self._scale[matrix.indices] * self._scale[self._columns]
        if pivot_shift:
            data[self._diagonal] += pivot_shift * self._shift_signs
        scaled = sp.csc_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)
        if self._solver is None:
            self._solver = _QDLDL()
        d = self._solver.factor(scaled)
        if isinstance(self._solver, _QDLDL) and self._solver.fill > SUPERNODAL_FILL:
            self._solver = _SuperLU()
            d = self._solver.factor(scaled)
        if d is None:                   # a zero pivot, or SuperLU left the diagonal
            return None
        return int(np.sum(d > 0)), int(np.sum(d < 0)), int(np.sum(d == 0))

    def set_lowrank(self, q: np.ndarray | None, middle: np.ndarray | None) -> None:
        """Subtract ``Q M^{-1} Q^T`` (Q: n x k rows of the w-block) from the factorized matrix."""
        if q is None or q.shape[1] == 0:
            self._lowrank = None
            return
        full = np.zeros((self.n + self.m, q.shape[1]))
        full[:q.shape[0]] = q
        solved = np.column_stack([self._factor_solve(c) for c in full.T])
        capacitance = middle - full.T @ solved
        self._lowrank = (full, solved, capacitance, middle)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``K^{-1} rhs``; with a target matrix set, refined against it.

        qdldl does not pivot, so when the matrix has zero pivots the factorized one carries
        a tiny shift (`InertiaCorrector`) and the solve is refined against the target
        (`set_target`). Plain iterative refinement is kept only while it halves the
        residual (on a nearly singular target it would diverge). When it stalls above
        ``REFINE_TOL``, GMRES with the factor as preconditioner finishes the job: on
        ill-conditioned systems (the COPS rocket) a factor whose shift (1e-9) is comparable
        to the smallest eigenvalues leaves plain refinement at a relative residual near
        1e-10 with a step wrong by 50%, while a few dozen preconditioned GMRES steps reach
        the step of a pivoting solver (IPOPT's MUMPS) to 1e-13."""
        self.accurate = True
        out = self._solve_factored(rhs)
        if self._target is None:
            return out
        return self._refined(rhs, out)

    def _refined(self, rhs: np.ndarray, out: np.ndarray) -> np.ndarray:
        residual = rhs - self._target_product(out)
        size = float(np.max(np.abs(residual), initial=0.0))
        floor = REFINE_TOL * max(1.0, float(np.max(np.abs(rhs), initial=0.0)))
        for _ in range(MAX_REFINE):
            if size <= floor:
                return out
            trial = out + self._solve_factored(residual)
            trial_residual = rhs - self._target_product(trial)
            trial_size = float(np.max(np.abs(trial_residual), initial=0.0))
            if not trial_size < 0.5 * size:
                break
            out, residual, size = trial, trial_residual, trial_size
        if size > floor:
            out, size = self._krylov_refined(rhs, out, size)
        self.accurate = size <= SINGULAR_RESIDUAL * max(1.0, float(np.max(np.abs(rhs))))
        return out

    def _krylov_refined(self, rhs: np.ndarray, out: np.ndarray,
                        size: float) -> tuple[np.ndarray, float]:
        """``out`` corrected by right-preconditioned GMRES on the residual equation
        ``K F^{-1} u = r`` (``F`` the factorized matrix), which minimizes the true
        residual; kept only if it is smaller."""
        dimension = rhs.size
        residual = rhs - self._target_product(out)
        operator = spla.LinearOperator(
            (dimension, dimension), matvec=lambda v: self._target_product(self._solve_factored(v)))
        floor = REFINE_TOL * max(1.0, float(np.max(np.abs(rhs), initial=0.0)))
        with np.errstate(all="ignore"):
            u, _ = spla.gmres(operator, residual, rtol=0.0, atol=floor,
                              restart=min(KRYLOV_STEPS, dimension), maxiter=1)
            trial = out + self._solve_factored(u)
        if not np.all(np.isfinite(trial)):
            return out, size
        trial_size = float(np.max(np.abs(rhs - self._target_product(trial)), initial=0.0))
        return (trial, trial_size) if trial_size < size else (out, size)

    def _target_product(self, x: np.ndarray) -> np.ndarray:
        """``K x`` for the target ``K`` with the low-rank part subtracted (when set)."""
        out = _symmetric_product(self._target, x)
        if self._lowrank is not None:
            full, _, _, middle = self._lowrank
            out = out - full @ np.linalg.solve(middle, full.T @ x)
        return out

    def _factor_solve(self, rhs: np.ndarray) -> np.ndarray:
        """The factorized matrix's solve, through the equilibration ``S``:
        ``K^{-1} b = S (S K S)^{-1} S b``."""
        return self._scale * self._solver.solve(self._scale * rhs)

    def _solve_factored(self, rhs: np.ndarray) -> np.ndarray:
        out = self._factor_solve(rhs)
        if self._lowrank is not None:
            full, solved, capacitance, _ = self._lowrank
            out = out + solved @ np.linalg.solve(capacitance, full.T @ out)
        return out

    def set_target(self, matrix: sp.csc_matrix | None) -> None:
        """Refine solves against ``matrix`` (the unperturbed one when the factorized matrix
        carries only a tiny perturbation that made the pivots nonzero; see `solve`)."""
        self._target = matrix


def _equilibration(upper: sp.csc_matrix, columns: np.ndarray) -> np.ndarray:
    """Ruiz's symmetric equilibration: a positive diagonal ``S`` with every row of
    ``S K S`` of max-norm near 1 (``K`` given by its upper triangle).

    KKT matrices mix entries of very different sizes: a bound gap of 1e-8 (a variable held
    at its relaxed bound by an equality, as in the COPS rocket) puts ``z / s ~ 1e15`` on the
    diagonal next to Jacobian entries of order 1. qdldl does not pivot, so without scaling
    its factor of such a matrix loses most digits (IPOPT's MUMPS scales by default). The
    congruence keeps the inertia."""
    scale = np.ones(upper.shape[0])
    magnitude = np.abs(upper.data)
    rows = upper.indices
    for _ in range(SCALING_SWEEPS):
        scaled = magnitude * scale[rows] * scale[columns]
        largest = np.zeros(scale.size)
        np.maximum.at(largest, rows, scaled)
        np.maximum.at(largest, columns, scaled)
        largest[largest == 0] = 1.0
        scale /= np.sqrt(largest)
    return scale


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
        """Factorize with ``delta_w`` and ``delta_c``; the inertia, None when singular.

        qdldl does not pivot, so a regular matrix with zero diagonal entries (every
        constraint row without ``delta_c``; a variable without curvature or bounds) can
        meet a zero pivot. Then a tiny quasi-definite shift ``DELTA_PIVOT`` is factorized
        instead and `KKTMatrix.solve` refines against the unshifted matrix; its inertia
        stands for the unshifted one (IPOPT's MUMPS pivots and needs no shift)."""
        diagonal = np.concatenate((sigma + delta_w, np.full(self.kkt.m, -delta_c)))
        matrix = self.kkt.assemble(h, diagonal, a)
        inertia = self.kkt.factorize(matrix)
        if inertia is not None and inertia[2] == 0:
            return inertia
        inertia = self.kkt.factorize(matrix, pivot_shift=self.DELTA_PIVOT)
        if inertia is not None:
            self.kkt.set_target(matrix)
        return inertia

    def _right(self, inertia: tuple[int, int, int] | None) -> bool:
        return inertia is not None and inertia[0] == self.kkt.n and inertia[1] == self.kkt.m

    def factorize(self, h: sp.coo_matrix | None, sigma: np.ndarray, a: sp.coo_matrix,
                  mu: float, lowrank: tuple | None = None, singular: bool = False) -> bool:
        """Factorize with the smallest regularization that gives the right inertia
        (Wächter & Biegler 2006, Algorithm IC): ``delta_w`` grows until the inertia is
        right; ``delta_c = 1e-8 mu^(1/4)`` only for a ``singular`` matrix (the caller's
        verdict: a solve that could not be made accurate, see `KKTMatrix.accurate`) or
        one that cannot be factorized at all.

        Returns False when no ``delta_w`` up to ``DELTA_W_MAX`` helps."""
        delta_w = 0.0
        delta_c = self.delta_c_for(mu) if singular else 0.0
        inertia = self._attempt(h, sigma, a, 0.0, delta_c)
        if inertia is None and self.kkt.m and delta_c == 0.0:
            delta_c = self.delta_c_for(mu)
            inertia = self._attempt(h, sigma, a, 0.0, delta_c)
        if not self._right(inertia):
            delta_w = (self.DELTA_W_0 if self.last_delta_w == 0 else
                       max(self.DELTA_W_MIN, self.KAPPA_MINUS * self.last_delta_w))
            growth = self.KAPPA_PLUS_FIRST if self.last_delta_w == 0 else self.KAPPA_PLUS
            while True:
                inertia = self._attempt(h, sigma, a, delta_w, delta_c)
                if self._right(inertia):
                    break
                if inertia is None and self.kkt.m and delta_c == 0.0:
                    delta_c = self.delta_c_for(mu)
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

    @staticmethod
    def delta_c_for(mu: float) -> float:
        """IPOPT's constraint regularization of a singular matrix, ``1e-8 mu^(1/4)``."""
        return 1e-8 * mu ** 0.25
