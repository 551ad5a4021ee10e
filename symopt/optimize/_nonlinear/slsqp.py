"""SLSQP: sequential quadratic programming with bounds, equalities and inequalities.

Each iteration solves the QP ``min g'd + d'Bd/2`` subject to the linearised constraints
and the bounds (:mod:`symopt.optimize._nonlinear.qp_subproblem`; when the linearisation is
inconsistent, an elastic copy that scales the violated constraints by ``xi`` in [0, 1]),
then a backtracking line search on the L1 merit function ``f + sum rho_i |violation_i|``
(Powell's penalty update), then a damped BFGS update of ``B`` with the Lagrangian gradient
(Powell 1978; Kraft 1988 for the overall scheme). Statuses and stopping test as scipy's
SLSQP: 0 converged (``ftol``), 4 constraints incompatible, 8 positive directional derivative
in the line search, 9 iteration limit, 3 the QP iteration limit, 99 callback stop.

Multipliers: ``multipliers`` is scipy's flat array (equality rows first, then inequality
rows ``c(x) >= 0``, >= 0). ``constraint_multipliers`` holds one array per given constraint,
with the convention ``grad f(x) = sum_k constraint_multipliers[k] @ jac_k(x) + (bound
terms)``: >= 0 for an active ``'ineq'`` dict (``fun >= 0``) or an active *lower* bound of a
Linear/Nonlinear constraint, <= 0 for an active *upper* bound, free for equalities.
``multipliers_bounds`` does the same for the variable bounds (``lb`` active: >= 0, ``ub``
active: <= 0). All are the multipliers of the last QP subproblem, as scipy's.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float(x @ x), np.array([2.0, 0.0]), method="SLSQP",
...                jac=lambda x: 2 * x,
...                constraints={"type": "ineq", "fun": lambda x: x[0] + x[1] - 1})
>>> np.round(res.x, 6), np.round(res.constraint_multipliers[0], 6)
(array([0.5, 0.5]), array([1.]))
"""
from __future__ import annotations

import numpy as np

from symopt.optimize.constraints import ConstraintRows
from symopt.optimize._nonlinear.objective import Callback, Objective, result_of
from symopt.optimize._nonlinear.qp_subproblem import QPResult, solve_qp
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_slsqp"]

_MESSAGES = {
    0: "Optimization terminated successfully",
    2: "More equality constraints than independent variables",
    3: "More than 3*n iterations in LSQ subproblem",
    4: "Inequality constraints incompatible",
    8: "Positive directional derivative for linesearch",
    9: "Iteration limit reached",
    99: "`callback` raised `StopIteration`.",
}


class _Problem:
    """Objective, constraint rows and bounds at one point: everything the QP needs."""

    def __init__(self, obj: Objective, rows: ConstraintRows, lb: np.ndarray, ub: np.ndarray):
        self.obj, self.rows, self.lb, self.ub = obj, rows, lb, ub
        self.n = lb.size

    def values(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        return self.obj.fun(x), self.rows.eq(x), self.rows.ineq(x)

    def jacobians(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (self.obj.grad(x), self.rows.eq_jac(x, self.n), self.rows.ineq_jac(x, self.n))

    def merit(self, f: float, ce: np.ndarray, ci: np.ndarray, rho_e: np.ndarray,
              rho_i: np.ndarray) -> float:
        value = f + float(rho_e @ np.abs(ce)) + float(rho_i @ np.maximum(-ci, 0.0))
        return value if np.isfinite(value) else np.inf


def violation(ce: np.ndarray, ci: np.ndarray) -> float:
    """Total constraint violation ``sum |c_eq| + sum max(0, -c_in)``."""
    return float(np.sum(np.abs(ce)) + np.sum(np.maximum(-ci, 0.0)))


def minimize_slsqp(obj: Objective, x0: np.ndarray, *, callback: Callback,
                   bounds: tuple[np.ndarray, np.ndarray] | None = None,
                   constraints: ConstraintRows | None = None, ftol: float = 1e-6,
                   maxiter: int = 100, iprint: int = 1) -> OptimizeResult:
    """Minimise with SLSQP. Options as scipy's: ``ftol`` (the absolute accuracy of the
    stopping test), ``maxiter``; ``iprint`` is accepted and ignored (use ``disp``).

    The SQP loop (QP, penalty update, line search, BFGS update, two stopping tests) is
    kept in one function so that one iteration reads top to bottom.
    """
    n = x0.size
    lb, ub = bounds if bounds is not None else (np.full(n, -np.inf), np.full(n, np.inf))
    rows = constraints if constraints is not None else ConstraintRows()
    prob = _Problem(obj, rows, lb, ub)
    x = np.clip(x0, lb, ub)
    f, ce, ci = prob.values(x)
    if ce.size > n:
        return result_of(x, f, obj.grad(x), 0, 2, _MESSAGES[2], multipliers=np.zeros(0),
                         constraint_multipliers=[], multipliers_bounds=np.zeros(n))
    g, Ae, Ai = prob.jacobians(x)
    B = np.eye(n)
    rho_e, rho_i = np.zeros(ce.size), np.zeros(ci.size)
    qp = QPResult(np.zeros(n), np.zeros(ce.size), np.zeros(ci.size), "optimal")
    status, k = 9, 0
    while k < int(maxiter):
        qp = _subproblem(B, g, x, ce, ci, Ae, Ai, lb, ub)
        if qp.status != "optimal":
            status = 4 if qp.status == "infeasible" else 3
            break
        d = qp.x
        h = violation(ce, ci)
        kkt = abs(float(g @ d)) + float(np.abs(qp.lam_eq[:ce.size]) @ np.abs(ce)) \
            + float(np.abs(qp.lam_in[:ci.size]) @ np.abs(ci))
        if kkt < ftol and h < ftol:
            status = 0
            break
        lam_e = np.abs(qp.lam_eq[:ce.size])
        rho_e = np.maximum(lam_e, 0.5 * (rho_e + lam_e))
        lam_i = qp.lam_in[:ci.size]
        rho_i = np.maximum(lam_i, 0.5 * (rho_i + lam_i))
        step = _line_search(prob, x, d, f, g, ce, ci, rho_e, rho_i)
        if step is None:
            status = 8
            break
        x_new, f_new, ce_new, ci_new = step
        g_new, Ae_new, Ai_new = prob.jacobians(x_new)
        B = _damped_bfgs(B, x_new - x, _lagrangian_gradient(g_new, Ae_new, Ai_new, qp)
                         - _lagrangian_gradient(g, Ae, Ai, qp))
        k += 1
        small = abs(f_new - f) < ftol and np.linalg.norm(x_new - x) < ftol
        x, f, ce, ci, g, Ae, Ai = x_new, f_new, ce_new, ci_new, g_new, Ae_new, Ai_new
        if callback(x, f):
            status = 99
            break
        if small and violation(ce, ci) < ftol:
            status = 0
            break
    lam_eq, lam_in = qp.lam_eq[:ce.size], qp.lam_in[:ci.size]
    return result_of(x, f, g, k, status, _MESSAGES[status],
                     multipliers=np.concatenate([lam_eq, lam_in]),
                     constraint_multipliers=rows.multipliers(lam_eq, lam_in),
                     multipliers_bounds=_bound_multipliers(qp, ce.size, ci.size, lb, ub))


def _subproblem(B: np.ndarray, g: np.ndarray, x: np.ndarray, ce: np.ndarray, ci: np.ndarray,
                Ae: np.ndarray, Ai: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> QPResult:
    """The SQP step's QP. Equality rows: the linearised equalities, then the fixed
    variables (lb == ub); inequality rows: the linearised inequalities, then the other
    finite bounds (see :func:`_bound_rows`)."""
    fixed, lower, upper = _bound_rows(lb, ub)
    I = np.eye(x.size)
    C_eq = np.vstack([Ae, I[fixed]])
    b_eq = np.concatenate([-ce, lb[fixed] - x[fixed]])
    C_in = np.vstack([Ai, I[lower], -I[upper]])
    b_in = np.concatenate([-ci, lb[lower] - x[lower], x[upper] - ub[upper]])
    qp = solve_qp(B, g, C_eq, b_eq, C_in, b_in)
    if qp.status == "infeasible":
        qp = _elastic_subproblem(B, g, np.concatenate([ce, x[fixed] - lb[fixed]]), ci, C_eq,
                                 C_in, b_in)
    return qp


def _bound_rows(lb: np.ndarray, ub: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the fixed variables, of the other finite lower and upper bounds."""
    fixed = lb == ub
    return (np.flatnonzero(fixed), np.flatnonzero(np.isfinite(lb) & ~fixed),
            np.flatnonzero(np.isfinite(ub) & ~fixed))


def _elastic_subproblem(B: np.ndarray, g: np.ndarray, ce: np.ndarray, ci: np.ndarray,
                        Ae: np.ndarray, C_in: np.ndarray, b_in: np.ndarray) -> QPResult:
    """The QP with the violated constraints' values scaled by a new variable ``xi``:
    ``Ae d + xi ce = 0`` etc., pushing ``xi`` to 1 with a heavy penalty; ``d = 0, xi = 0``
    is always feasible."""
    n = g.size
    penalty = 1e6 * max(1.0, float(np.max(np.abs(np.diag(B)))))
    G = np.block([[B, np.zeros((n, 1))], [np.zeros((1, n)), np.array([[penalty]])]])
    a = np.append(g, -penalty)
    violated = np.concatenate([ci < 0, np.zeros(b_in.size - ci.size, dtype=bool)])
    scale_col = np.where(violated, np.concatenate([ci, np.zeros(b_in.size - ci.size)]), 0.0)
    C_in2 = np.vstack([np.column_stack([C_in, scale_col]),
                       np.append(np.zeros(n), 1.0), np.append(np.zeros(n), -1.0)])
    b_in2 = np.concatenate([np.where(violated, 0.0, b_in), [0.0, -1.0]])
    C_eq2 = np.column_stack([Ae, ce]) if ce.size else np.zeros((0, n + 1))
    qp = solve_qp(G, a, C_eq2, np.zeros(ce.size), C_in2, b_in2)
    if qp.status != "optimal" or qp.x[-1] < 1e-8:
        return QPResult(np.zeros(n), np.zeros(ce.size), np.zeros(ci.size), "infeasible")
    return QPResult(qp.x[:n], qp.lam_eq, qp.lam_in[:-2], "optimal")


def _bound_multipliers(qp: QPResult, m_eq: int, m_in: int, lb: np.ndarray,
                       ub: np.ndarray) -> np.ndarray:
    """Multipliers of the bounds from the QP's bound rows (see :func:`_subproblem`)."""
    fixed, lower, upper = _bound_rows(lb, ub)
    out = np.zeros(lb.size)
    lam_eq, lam_in = qp.lam_eq[m_eq:], qp.lam_in[m_in:]
    if lam_eq.size != fixed.size or lam_in.size != lower.size + upper.size:
        return out
    out[fixed] = lam_eq
    out[lower] += lam_in[:lower.size]
    out[upper] -= lam_in[lower.size:]
    return out


def _lagrangian_gradient(g: np.ndarray, Ae: np.ndarray, Ai: np.ndarray, qp: QPResult) -> np.ndarray:
    return g - Ae.T @ qp.lam_eq[:Ae.shape[0]] - Ai.T @ qp.lam_in[:Ai.shape[0]]


def _line_search(prob: _Problem, x: np.ndarray, d: np.ndarray, f: float, g: np.ndarray,
                 ce: np.ndarray, ci: np.ndarray, rho_e: np.ndarray, rho_i: np.ndarray):
    """Backtracking on the L1 merit function; the accepted (x, f, c_eq, c_in) or None."""
    phi0 = prob.merit(f, ce, ci, rho_e, rho_i)
    slope = float(g @ d) - float(rho_e @ np.abs(ce)) - float(rho_i @ np.maximum(-ci, 0.0))
    if slope >= 0:
        slope = -abs(slope) - 1e-16
        if np.linalg.norm(d) < 1e-14 * max(1.0, np.linalg.norm(x)):
            return None
    alpha = 1.0
    for _ in range(30):
        x_new = np.clip(x + alpha * d, prob.lb, prob.ub)
        f_new, ce_new, ci_new = prob.values(x_new)
        phi = prob.merit(f_new, ce_new, ci_new, rho_e, rho_i)
        if phi <= phi0 + 0.1 * alpha * slope:
            return x_new, f_new, ce_new, ci_new
        denom = 2 * (phi - phi0 - alpha * slope)
        trial = -slope * alpha * alpha / denom if np.isfinite(phi) and denom > 0 else 0.1 * alpha
        alpha = float(np.clip(trial, 0.1 * alpha, 0.5 * alpha))
    return None


def _damped_bfgs(B: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Powell's damped BFGS update: keeps ``B`` positive definite."""
    Bs = B @ s
    sBs = float(s @ Bs)
    if not np.isfinite(sBs) or sBs <= 1e-300 or not np.all(np.isfinite(y)):
        return B
    sy = float(s @ y)
    if sy < 0.2 * sBs:
        theta = 0.8 * sBs / (sBs - sy)
        y = theta * y + (1 - theta) * Bs
        sy = float(s @ y)
    if sy <= 1e-300:
        return B
    return B + np.outer(y, y) / sy - np.outer(Bs, Bs) / sBs
