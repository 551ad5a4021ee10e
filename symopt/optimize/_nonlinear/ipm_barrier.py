"""The problem the interior-point iterations see: ``min f(w)  s.t.  C(w) = 0,  wl <= w <= wu``.

From ``min f(x)  s.t.  cl <= c(x) <= cu,  lb <= x <= ub``:

- fixed variables (``lb == ub``) are removed (they keep their value);
- every row with ``cl < cu`` gets a slack ``s`` with ``cl <= s <= cu`` and reads ``c(x) - s = 0``;
  an equality row reads ``c(x) - cl = 0``; so ``w = (x_free, s)``;
- every finite bound of ``w`` is relaxed outwards by ``1e-8`` (or ``tol`` when smaller; see
  :func:`relaxed`; IPOPT's ``bound_relax_factor``): a bound that an
  equality row forces to be active (a state fixed at its own bound, as in the COPS rocket)
  would otherwise drive its gap to zero and make the KKT matrix numerically singular;
- the objective and every row are scaled once at the start point so that no gradient entry
  exceeds 100 (IPOPT's gradient-based scaling): ``f -> sf * f``, ``c_r -> sc_r * c_r``.

Multipliers ``y`` of the scaled rows map back as ``v = sc * y / sf`` (the convention
``grad f + J^T v - z = 0``; see :mod:`symopt.optimize._nonlinear.interior_point`).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from symopt.optimize._nonlinear.ipm_problem import RowFunctions, lower_triangle
from symopt.optimize._nonlinear.objective import Objective

__all__ = ["BarrierProblem"]

SCALE_MAX_GRADIENT = 100.0
SCALE_MIN = 1e-8
BOUND_RELAX_FACTOR = 1e-8


class BarrierProblem:
    """Objective, rows, slacks, bounds and scaling of one interior-point solve."""

    def __init__(self, obj: Objective, rows: RowFunctions, lb: np.ndarray, ub: np.ndarray,
                 lagrangian_hess: Callable | None, x0: np.ndarray, max_relax: float = 1e-4):
        self.obj, self.rows = obj, rows
        self.lb, self.ub = lb, ub
        self.hook = lagrangian_hess
        self.free = np.flatnonzero(lb < ub)
        self.all_free = self.free.size == lb.size
        self.x_fixed = np.where(lb == ub, lb, x0)
        equal = rows.cl == rows.cu
        self.slack_rows = np.flatnonzero(~equal)
        self.eq_rows = np.flatnonzero(equal)
        self.n = self.free.size
        self.m = rows.m
        self.n_w = self.n + self.slack_rows.size
        self.wl = relaxed(np.concatenate((lb[self.free], rows.cl[self.slack_rows])), -1.0,
                          max_relax)
        self.wu = relaxed(np.concatenate((ub[self.free], rows.cu[self.slack_rows])), 1.0,
                          max_relax)
        self.il = np.flatnonzero(np.isfinite(self.wl))
        self.iu = np.flatnonzero(np.isfinite(self.wu))
        self.has_hessian = lagrangian_hess is not None or (
            obj.has_hessian_matrix and rows.has_hessian)
        self._cache: dict[str, Any] = {}
        self.obj_scale = 1.0
        self.row_scale = np.ones(self.m)
        self._slack_coo = sp.coo_matrix(
            (-np.ones(self.slack_rows.size), (self.slack_rows, self.n + np.arange(self.slack_rows.size))),
            shape=(self.m, self.n_w))

    # ----- points ---------------------------------------------------------------------
    def x_of(self, w: np.ndarray) -> np.ndarray:
        if self.all_free:
            return w[:self.n].copy()
        x = self.x_fixed.copy()
        x[self.free] = w[:self.n]
        return x

    def start(self, x0: np.ndarray) -> np.ndarray:
        """``w`` at ``x0``: the free variables and the row values as slacks (not yet interior)."""
        c = self.rows.values(x0)
        return np.concatenate((x0[self.free], c[self.slack_rows]))

    def set_scaling(self, x0: np.ndarray) -> None:
        """Gradient-based scaling at the start point (IPOPT's default, max gradient 100)."""
        g = self.obj.grad(x0)
        self.obj_scale = _scale(np.max(np.abs(g), initial=0.0))
        if self.m:
            J = self.rows.jacobian(x0)
            big = np.abs(J).max(axis=1).toarray().ravel() if J.nnz else np.zeros(self.m)
            self.row_scale = np.where(big > SCALE_MAX_GRADIENT, np.maximum(
                SCALE_MAX_GRADIENT / np.maximum(big, 1e-300), SCALE_MIN), 1.0)
        self._cache.clear()

    # ----- scaled functions -----------------------------------------------------------
    def f(self, w: np.ndarray) -> float:
        return self.obj_scale * self.obj.fun(self.x_of(w))

    def f_unscaled(self, w: np.ndarray) -> float:
        return self.obj.fun(self.x_of(w))

    def grad(self, w: np.ndarray) -> np.ndarray:
        g = np.zeros(self.n_w)
        g[:self.n] = self.obj_scale * self.obj.grad(self.x_of(w))[self.free]
        return g

    def row_values(self, x: np.ndarray) -> np.ndarray:
        hit = self._cache.get("c")
        if hit is not None and np.array_equal(hit[0], x):
            return hit[1]
        c = self.rows.values(x)
        self._cache["c"] = (x.copy(), c)
        return c

    def constraints(self, w: np.ndarray) -> np.ndarray:
        """``C(w)``: scaled ``c(x) - s`` (inequality rows) and ``c(x) - cl`` (equalities)."""
        c = self.row_values(self.x_of(w)).copy()
        c[self.slack_rows] -= w[self.n:]
        c[self.eq_rows] -= self.rows.cl[self.eq_rows]
        return self.row_scale * c

    def jacobian(self, w: np.ndarray) -> sp.coo_matrix:
        """``A = dC/dw`` as COO (the Jacobian's pattern first, then the slack columns)."""
        J = self.rows.jacobian(self.x_of(w))
        if not self.all_free:
            J = J[:, self.free]
        J = J.tocoo()
        data = J.data * self.row_scale[J.row]
        slack = self._slack_coo
        return sp.coo_matrix((np.concatenate((data, slack.data * self.row_scale[slack.row])),
                              (np.concatenate((J.row, slack.row)),
                               np.concatenate((J.col, slack.col)))), shape=(self.m, self.n_w))

    def hessian(self, w: np.ndarray, obj_factor: float, y: np.ndarray) -> sp.coo_matrix:
        """Lower triangle of the scaled Lagrangian's Hessian on the free variables."""
        x = self.x_of(w)
        v = self.row_scale * y
        sigma = obj_factor * self.obj_scale
        n_full = x.size
        if self.hook is not None:
            H = lower_triangle(self.hook(x, sigma, v), n_full, "lagrangian_hess")
        else:
            H = lower_triangle(self.obj.hess(x), n_full, "hess") if sigma != 0 else None
            H = sigma * H if H is not None else sp.coo_matrix((n_full, n_full))
            extra = self.rows.hessian(x, v)
            if extra is not None:
                H = sp.coo_matrix(H.tocsr() + extra.tocsr())
        if not self.all_free:
            position = np.full(n_full, -1)
            position[self.free] = np.arange(self.n)
            keep = (position[H.row] >= 0) & (position[H.col] >= 0)
            H = sp.coo_matrix((H.data[keep], (position[H.row[keep]], position[H.col[keep]])),
                              shape=(self.n, self.n))
        return H

    def lagrangian_gradient_x(self, w: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``grad f + A^T y`` restricted to the free variables (for L-BFGS updates)."""
        A = self.jacobian(w)
        return (self.grad(w) + A.T @ y)[:self.n]

    # ----- back to the user's scaling ---------------------------------------------------
    def multipliers(self, y: np.ndarray) -> np.ndarray:
        return self.row_scale * y / self.obj_scale

    def violation(self, x: np.ndarray) -> float:
        """Largest violation of the user's rows and bounds, unscaled."""
        c = self.row_values(x)
        parts = [np.maximum(self.rows.cl - c, 0), np.maximum(c - self.rows.cu, 0),
                 np.maximum(self.lb - x, 0), np.maximum(x - self.ub, 0)]
        return float(max(np.max(p, initial=0.0) for p in parts))


def relaxed(bound: np.ndarray, direction: float, largest: float) -> np.ndarray:
    """``bound`` moved outwards (``direction``) by ``1e-8``, or by 100 units in the last
    place of a bound so large that ``1e-8`` is below them, and by at most ``largest``.

    IPOPT's ``bound_relax_factor`` moves by ``1e-8 max(1, |bound|)``; the absolute shift keeps
    a returned point within ``1e-8`` of a bound of any size (``|bound| = 127`` would allow
    ``1.3e-6`` otherwise). Infinite entries stay infinite."""
    with np.errstate(invalid="ignore"):
        ulps = 100 * np.finfo(float).eps * np.abs(bound)
        shift = np.minimum(np.maximum(BOUND_RELAX_FACTOR, ulps), largest)
        return np.where(np.isfinite(bound), bound + direction * shift, bound)


def _scale(largest: float) -> float:
    if not np.isfinite(largest) or largest <= SCALE_MAX_GRADIENT:
        return 1.0
    return max(SCALE_MAX_GRADIENT / largest, SCALE_MIN)
