"""L-BFGS for the interior-point method: ``W ~ B = xi I - Q M^{-1} Q^T`` in compact form.

Byrd, Nocedal & Schnabel (1994): with the last pairs ``S = [s_i]``, ``Y = [y_i]``
(``y_i`` = change of the Lagrangian's gradient), ``Q = [xi S, Y]`` and
``M = [[xi S^T S, L], [L^T, -D]]`` (``L`` the strict lower triangle of ``S^T Y``, ``D`` its
diagonal). The KKT solver adds ``xi`` to the diagonal and handles ``Q M^{-1} Q^T`` by
Sherman-Morrison-Woodbury. Pairs with too little curvature (``s^T y <= 1e-8 |s||y|``) are
skipped, so ``B`` stays positive definite; while no pair is stored, each skipped pair divides
the initial ``xi`` by 10 (along a direction without curvature, such as a linear objective's,
the steps must be allowed to grow: an unbounded problem is then found in few iterations).
"""
from __future__ import annotations

import numpy as np

__all__ = ["LimitedMemory"]


class LimitedMemory:
    """The last ``memory`` curvature pairs and the compact representation built from them."""

    def __init__(self, n: int, memory: int = 6):
        self.n, self.memory = n, memory
        self.S: list[np.ndarray] = []
        self.Y: list[np.ndarray] = []
        self.initial_xi = 1.0

    def update(self, s: np.ndarray, y: np.ndarray) -> None:
        sy = float(s @ y)
        if sy <= 1e-8 * np.linalg.norm(s) * np.linalg.norm(y) or not np.isfinite(sy):
            if not self.S and np.any(s):
                self.initial_xi = max(0.1 * self.initial_xi, 1e-30)
            return
        self.S.append(s.copy())
        self.Y.append(y.copy())
        if len(self.S) > self.memory:
            self.S.pop(0)
            self.Y.pop(0)

    @property
    def xi(self) -> float:
        if not self.S:
            return self.initial_xi
        s, y = self.S[-1], self.Y[-1]
        return float(y @ y) / float(s @ y)

    def compact(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(Q, M)`` with ``B = xi I - Q M^{-1} Q^T``, or None while no pair is stored."""
        if not self.S:
            return None
        S, Y = np.column_stack(self.S), np.column_stack(self.Y)
        xi = self.xi
        SY = S.T @ Y
        lower = np.tril(SY, -1)
        middle = np.block([[xi * (S.T @ S), lower], [lower.T, -np.diag(np.diag(SY))]])
        return np.hstack((xi * S, Y)), middle
