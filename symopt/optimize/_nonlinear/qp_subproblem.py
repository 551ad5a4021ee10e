"""Strictly convex quadratic programs by the dual active-set method of Goldfarb & Idnani.

Minimise ``x'Gx / 2 + a'x`` subject to ``C_eq x = b_eq`` and ``C_in x >= b_in`` with ``G``
symmetric positive definite: start from the unconstrained minimiser, then repeatedly add a
violated constraint, moving primal and dual variables together and dropping constraints
whose multiplier would turn negative (Goldfarb & Idnani, Math. Programming 27, 1983). No
feasible starting point is needed and infeasibility is detected. Dense linear algebra:
meant for the SQP subproblems of :mod:`symopt.optimize._nonlinear.slsqp` (n up to a few hundred).

>>> import numpy as np
>>> qp = solve_qp(np.eye(2), np.zeros(2), np.zeros((0, 2)), np.zeros(0),
...               np.array([[1.0, 1.0]]), np.array([2.0]))
>>> np.round(qp.x, 8), np.round(qp.lam_in, 8), qp.status
(array([1., 1.]), array([1.]), 'optimal')
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["QPResult", "solve_qp"]


@dataclass
class QPResult:
    """``x``; multipliers with ``G x + a = C_eq' lam_eq + C_in' lam_in``, ``lam_in >= 0``;
    ``status`` 'optimal', 'infeasible' or 'maxiter'."""

    x: np.ndarray
    lam_eq: np.ndarray
    lam_in: np.ndarray
    status: str


def solve_qp(G: np.ndarray, a: np.ndarray, C_eq: np.ndarray, b_eq: np.ndarray,
             C_in: np.ndarray, b_in: np.ndarray, maxiter: int | None = None) -> QPResult:
    """Solve the QP above; rows of ``C_eq``/``C_in`` are the constraint normals."""
    n, me = a.size, b_eq.size
    normals = np.vstack([C_eq, C_in]) if me + b_in.size else np.zeros((0, n))
    rhs = np.concatenate([b_eq, b_in])
    Ginv = _positive_definite_inverse(G)
    x = -Ginv @ a
    active: list[int] = []
    u = np.zeros(0)
    sign = np.ones(rhs.size)
    maxiter = maxiter or 10 * (n + rhs.size) + 20
    pending = list(range(me))
    for _ in range(maxiter):
        p = _next_constraint(pending, normals, rhs, x, me, active)
        if p is None:
            return _result(x, active, u, sign, me, rhs.size)
        if p < me:
            pending.remove(p)
            sign[p] = -1.0 if normals[p] @ x - rhs[p] > 0 else 1.0
        step = _add_constraint(p, x, active, u, normals * sign[:, None], rhs * sign, Ginv, me,
                               maxiter)
        if step is None:
            return QPResult(x, np.zeros(me), np.zeros(rhs.size - me), "infeasible")
        x, active, u = step
    return QPResult(x, np.zeros(me), np.zeros(rhs.size - me), "maxiter")


def _positive_definite_inverse(G: np.ndarray) -> np.ndarray:
    G = 0.5 * (G + G.T)
    shift = 0.0
    for _ in range(60):
        try:
            L = np.linalg.cholesky(G + shift * np.eye(G.shape[0]))
            Linv = np.linalg.solve(L, np.eye(G.shape[0]))
            return Linv.T @ Linv
        except np.linalg.LinAlgError:
            shift = max(2 * shift, 1e-10 * max(1.0, float(np.max(np.abs(np.diag(G))))))
    raise np.linalg.LinAlgError("QP matrix is not positive definite")


def _next_constraint(pending: list[int], normals: np.ndarray, rhs: np.ndarray, x: np.ndarray,
                     me: int, active: list[int]) -> int | None:
    """The next pending equality, else the most violated inequality, else None."""
    if pending:
        return pending[0]
    if rhs.size == me:
        return None
    s = normals[me:] @ x - rhs[me:]
    scale = np.linalg.norm(normals[me:], axis=1) * max(1.0, float(np.linalg.norm(x))) + np.abs(rhs[me:])
    violation = s / np.maximum(scale, 1e-300)
    violation[[j - me for j in active if j >= me]] = 0.0
    j = int(np.argmin(violation))
    return j + me if violation[j] < -1e-12 else None


def _add_constraint(p: int, x: np.ndarray, active: list[int], u: np.ndarray, N: np.ndarray,
                    b: np.ndarray, Ginv: np.ndarray, me: int, maxiter: int):
    """Steps of the dual method until constraint ``p`` is satisfied and active."""
    active, u = list(active), u.copy()
    u_p = 0.0
    n_p = N[p]
    for _ in range(maxiter):
        z, r = _directions(n_p, N[active], Ginv)
        t1, drop = _dual_step_limit(active, u, r, me)
        slack = float(n_p @ x - b[p])
        zn = float(z @ n_p)
        if zn <= 1e-14 * max(1.0, float(n_p @ Ginv @ n_p)):
            if drop is None:
                return None                     # no primal or dual step: infeasible
            u = u - t1 * r
            u_p += t1
            del active[drop]
            u = np.delete(u, drop)
            continue
        t2 = -slack / zn
        if not np.isfinite(t2):
            return None                         # NaN in the data: give up on this QP
        t = min(t1, t2)
        x = x + t * z
        u = u - t * r
        u_p += t
        if t2 <= t1:
            return x, active + [p], np.append(u, u_p)
        del active[drop]
        u = np.delete(u, drop)
    return None


def _directions(n_p: np.ndarray, N_active: np.ndarray, Ginv: np.ndarray):
    """Primal step ``z`` (in the null space of the active normals) and dual step ``r``."""
    v = Ginv @ n_p
    if N_active.shape[0] == 0:
        return v, np.zeros(0)
    GN = Ginv @ N_active.T
    K = N_active @ GN
    r = np.linalg.lstsq(K, N_active @ v, rcond=None)[0]
    return v - GN @ r, r


def _dual_step_limit(active: list[int], u: np.ndarray, r: np.ndarray, me: int):
    """Largest dual step keeping active inequality multipliers >= 0, and which one blocks."""
    best, drop = np.inf, None
    for k, j in enumerate(active):
        if j >= me and r[k] > 1e-14:
            ratio = u[k] / r[k]
            if ratio < best:
                best, drop = ratio, k
    return best, drop


def _result(x: np.ndarray, active: list[int], u: np.ndarray, sign: np.ndarray, me: int,
            m: int) -> QPResult:
    lam = np.zeros(m)
    for k, j in enumerate(active):
        lam[j] = u[k] * sign[j]
    return QPResult(x, lam[:me], np.maximum(lam[me:], 0.0), "optimal")
