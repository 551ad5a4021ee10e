"""The compact limited-memory BFGS matrix ``B = theta I - W M W'`` and its two uses in
L-BFGS-B: the generalized Cauchy point and the subspace minimisation.

With the last ``m`` pairs ``S = [s_i]``, ``Y = [y_i]``: ``W = [Y, theta S]`` and
``M = [[-D, L'], [L, theta S'S]]^{-1}``, ``D = diag(s_i'y_i)``, ``L`` the strictly lower
part of ``S'Y`` (Byrd, Nocedal & Schnabel 1994, Theorem 2.3). Formulas and names follow
Byrd, Lu, Nocedal & Zhu (1995), sections 4 and 5.1.

>>> import numpy as np
>>> mem = LbfgsMemory(2, 5)
>>> mem.add(np.array([1.0, 0.0]), np.array([2.0, 0.0]))
>>> mem.theta
2.0
"""
from __future__ import annotations

import numpy as np

__all__ = ["LbfgsMemory"]


class LbfgsMemory:
    """The last ``m`` correction pairs and the compact representation built from them."""

    def __init__(self, n: int, m: int):
        self.n, self.m = n, max(int(m), 1)
        self.reset()

    def reset(self) -> None:
        self.S = np.zeros((self.n, 0))
        self.Y = np.zeros((self.n, 0))
        self.theta = 1.0
        self.W = np.zeros((self.n, 0))
        self.M = np.zeros((0, 0))

    @property
    def size(self) -> int:
        return self.S.shape[1]

    def add(self, s: np.ndarray, y: np.ndarray) -> None:
        """Store the pair when its curvature ``s'y`` is safely positive (else skip it)."""
        sy, yy = float(s @ y), float(y @ y)
        if not (np.isfinite(sy) and sy > np.finfo(float).eps * yy and yy > 0):
            return
        self.S = np.column_stack([self.S, s])[:, -self.m:]
        self.Y = np.column_stack([self.Y, y])[:, -self.m:]
        self.theta = yy / sy
        self._rebuild()

    def _rebuild(self) -> None:
        SY = self.S.T @ self.Y
        D = np.diag(np.diag(SY))
        L = np.tril(SY, -1)
        K = np.block([[-D, L.T], [L, self.theta * (self.S.T @ self.S)]])
        try:
            self.M = np.linalg.inv(K)
        except np.linalg.LinAlgError:
            self.reset()
            return
        self.W = np.column_stack([self.Y, self.theta * self.S])

    def cauchy_point(self, x: np.ndarray, g: np.ndarray, lb: np.ndarray,
                     ub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The first local minimiser of the model along ``P(x - t g)``, and ``c = W'(x_cp - x)``.

        Breakpoints are visited in increasing order, updating the slope ``f1`` and the
        curvature ``f2`` of the model on each segment in O(m) (Algorithm CP of the paper,
        kept as one function to be read against it).
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(g < 0, (x - ub) / g, np.where(g > 0, (x - lb) / g, np.inf))
        t = np.where(np.isnan(t), np.inf, t)
        d = np.where(t > 0, -g, 0.0)
        W, M, theta = self.W, self.M, self.theta
        x_cp = x.copy()
        p = W.T @ d
        c = np.zeros(W.shape[1])
        f1 = -float(d @ d)
        f2 = -theta * f1 - float(p @ M @ p)
        f2_org = f2
        dt_min = -f1 / f2 if f2 > 0 else np.inf
        t_old = 0.0
        for b in np.argsort(t, kind="stable"):
            tb = t[b]
            if tb <= 0 or d[b] == 0:
                continue
            if not np.isfinite(tb) or dt_min < tb - t_old:
                break
            dt = tb - t_old
            x_cp[b] = ub[b] if d[b] > 0 else lb[b]
            zb = x_cp[b] - x[b]
            c += dt * p
            gb, wb = g[b], W[b]
            Mc, Mp, Mw = M @ c, M @ p, M @ wb
            f1 += dt * f2 + gb * gb + theta * gb * zb - gb * float(wb @ Mc)
            f2 -= theta * gb * gb + 2 * gb * float(wb @ Mp) + gb * gb * float(wb @ Mw)
            f2 = max(f2, np.finfo(float).eps * f2_org)
            p += gb * wb
            d[b] = 0.0
            dt_min = -f1 / f2
            t_old = tb
        dt_min = max(dt_min, 0.0)
        if not np.isfinite(dt_min):
            dt_min = 0.0
        t_old += dt_min
        moving = d != 0
        x_cp[moving] = x[moving] + t_old * d[moving]
        x_cp = np.clip(x_cp, lb, ub)
        c += dt_min * p
        return x_cp, c

    def subspace_minimum(self, x: np.ndarray, g: np.ndarray, x_cp: np.ndarray, c: np.ndarray,
                         lb: np.ndarray, ub: np.ndarray) -> np.ndarray:
        """Minimise the model over the variables free at ``x_cp``; the step from ``x_cp`` is
        cut back at the first bound it meets (the paper's direct primal method)."""
        free = (x_cp > lb) & (x_cp < ub)
        if not np.any(free):
            return x_cp
        theta = self.theta
        W, M = self.W, self.M
        r = g + theta * (x_cp - x) - (W @ (M @ c) if W.shape[1] else 0.0)
        rF = r[free]
        if W.shape[1] == 0:
            du = -rF / theta
        else:
            WF = W[free]
            v = M @ (WF.T @ rF)
            N = np.eye(W.shape[1]) - (M @ (WF.T @ WF)) / theta
            try:
                v = np.linalg.solve(N, v)
            except np.linalg.LinAlgError:
                return x_cp
            du = -rF / theta - (WF @ v) / theta ** 2
        step = np.zeros_like(x_cp)
        step[free] = du
        return x_cp + _largest_feasible_fraction(x_cp, step, lb, ub) * step


def _largest_feasible_fraction(x: np.ndarray, step: np.ndarray, lb: np.ndarray,
                               ub: np.ndarray) -> float:
    """Largest ``a`` in [0, 1] with ``x + a step`` inside the box."""
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where(step > 0, (ub - x) / step, np.inf)
        down = np.where(step < 0, (lb - x) / step, np.inf)
    return float(min(1.0, max(0.0, np.min(np.minimum(up, down), initial=np.inf))))


class InverseHessianProduct:
    """The L-BFGS inverse-Hessian estimate as an operator (scipy's ``LbfgsInvHessProduct``):
    ``H @ v``, ``H.dot(v)``, ``H.matvec(v)`` by the two-loop recursion, ``H.todense()``.

    >>> import numpy as np
    >>> H = InverseHessianProduct(np.array([[1.0], [0.0]]), np.array([[2.0], [0.0]]))
    >>> H @ np.array([2.0, 0.0])
    array([1., 0.])
    """

    def __init__(self, S: np.ndarray, Y: np.ndarray):
        self.S, self.Y = S, Y
        self.shape = (S.shape[0], S.shape[0])
        self.dtype = np.dtype(float)

    def matvec(self, v: np.ndarray) -> np.ndarray:
        q = np.array(v, dtype=float)
        k = self.S.shape[1]
        rho = [1.0 / float(self.S[:, i] @ self.Y[:, i]) for i in range(k)]
        alpha = np.zeros(k)
        for i in reversed(range(k)):
            alpha[i] = rho[i] * float(self.S[:, i] @ q)
            q -= alpha[i] * self.Y[:, i]
        if k:
            q *= float(self.S[:, -1] @ self.Y[:, -1]) / float(self.Y[:, -1] @ self.Y[:, -1])
        for i in range(k):
            beta = rho[i] * float(self.Y[:, i] @ q)
            q += (alpha[i] - beta) * self.S[:, i]
        return q

    def __matmul__(self, v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        return self.matvec(v) if v.ndim == 1 else np.column_stack([self.matvec(c) for c in v.T])

    dot = __matmul__

    def todense(self) -> np.ndarray:
        return self @ np.eye(self.shape[0])
