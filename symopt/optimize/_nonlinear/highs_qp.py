"""Convex quadratic programs by HiGHS's QP solver (an active-set method), behind ``minimize``.

Solves ``min f(x) = 0.5 x^T H x + q^T x + f0  s.t.  cl <= A x + c0 <= cu,  lb <= x <= ub``.
The QP is read from the callables at ``x0``: ``H = hess(x0)``, ``q = grad(x0) - H x0``, ``A``
the constraints' Jacobian at ``x0`` and ``c0 = c(x0) - A x0``. So the objective must be
quadratic and the constraints linear; both are checked at the answer (``f`` and ``c`` there
equal the quadratic and linear model's values to ``1e-9`` relative), else status 5.

**Convexity** is checked before HiGHS runs (its QP solver needs a convex problem): the
smallest eigenvalue of ``H`` (symmetrized, dense ``eigvalsh``: meant for the small QPs routing
sends here) must be at least ``-PSD_TOL * max(1, largest |eigenvalue|)``; otherwise an
`InputError` names the eigenvalue (`hessian_is_psd` is the one test, routing uses it too).

**Multipliers** as the interior point's (scipy's ``trust-constr``): ``v`` one array per
given constraint with ``grad f(x) + sum_k J_k^T v_k - z = 0``, ``z`` the bound multipliers
(``multipliers_bounds``); from HiGHS's row duals ``y`` (``H x + q - A^T y - z = 0``),
``v = -y``.

**Statuses**: 0 optimal, 1 iteration or time limit, 2 infeasible, 3 unbounded, 4 HiGHS failed
(its words in ``message``), 5 the objective is not quadratic or a constraint not linear.

>>> import numpy as np
>>> from symopt.optimize import minimize, LinearConstraint
>>> res = minimize(lambda x: x @ x, [0.0, 0.0], jac=lambda x: 2 * x,
...                hess=lambda x: 2 * np.eye(2), method="highs-qp",
...                constraints=LinearConstraint([[1, 1]], 1, np.inf))
>>> res.status, res.x.round(6).tolist(), res.v[0].round(6).tolist()
(0, [0.5, 0.5], [-1.0])
"""
from __future__ import annotations

from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from symopt.errors import InputError
from symopt.optimize._linear.highs import new_highs, status_of
from symopt.optimize._nonlinear.ipm_problem import RowFunctions
from symopt.optimize._nonlinear.objective import Callback, Objective
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_highs_qp", "hessian_is_psd", "PSD_TOL"]

#: relative tolerance on the smallest eigenvalue of a positive semidefinite Hessian
PSD_TOL = 1e-10
_MODEL_TOL = 1e-9


def hessian_is_psd(H: Any) -> tuple[bool, float]:
    """Whether the symmetric part of ``H`` is positive semidefinite (see `PSD_TOL`), and its
    smallest eigenvalue."""
    dense = H.toarray() if sp.issparse(H) else np.atleast_2d(np.asarray(H, dtype=float))
    if dense.size == 0:
        return True, 0.0
    eigenvalues = np.linalg.eigvalsh(0.5 * (dense + dense.T))
    scale = max(1.0, float(np.max(np.abs(eigenvalues))))
    return bool(eigenvalues[0] >= -PSD_TOL * scale), float(eigenvalues[0])


def minimize_highs_qp(obj: Objective, x0: np.ndarray, *, callback: Callback,
                      bounds: tuple[np.ndarray, np.ndarray] | None = None,
                      constraints: Any = None, time_limit: float | None = None,
                      maxiter: int | None = None) -> OptimizeResult:
    """Minimise a convex QP with HiGHS (see the module docstring). Options: ``time_limit``
    (seconds), ``maxiter`` (QP iterations)."""
    n = x0.size
    lb, ub = bounds if bounds is not None else (np.full(n, -np.inf), np.full(n, np.inf))
    H = obj.hess(x0)
    convex, smallest = hessian_is_psd(H)
    if not convex:
        raise InputError(f"method 'highs-qp' needs a convex QP: the Hessian's smallest "
                         f"eigenvalue is {smallest:.3g} (use method='interior-point')")
    q = obj.grad(x0) - H @ x0
    f0 = obj.fun(x0) - 0.5 * x0 @ (H @ x0) - q @ x0
    rows = RowFunctions.from_constraints(constraints, x0)
    A = rows.jacobian(x0).tocsc()
    c0 = rows.values(x0) - A @ x0
    h = new_highs()
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if maxiter is not None:
        h.setOptionValue("qp_iteration_limit", int(maxiter))
    h.passModel(_lp(q, lb, ub, A, rows.cl - c0, rows.cu - c0))
    lower = sp.tril(sp.csc_matrix(H)).tocsc()
    h.passHessian(n, lower.nnz, highspy.HessianFormat.kTriangular,
                  lower.indptr.astype(np.int32), lower.indices.astype(np.int32), lower.data)
    h.run()
    return _result(h, obj, rows, (H, q, f0, A, c0), n, callback)


def _lp(q: np.ndarray, lb: np.ndarray, ub: np.ndarray, A: sp.csc_matrix, lo: np.ndarray,
        hi: np.ndarray) -> Any:
    lp = highspy.HighsLp()
    m, n = A.shape
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = q, lb, ub
    lp.row_lower_, lp.row_upper_ = lo, hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data
    return lp


def _result(h: Any, obj: Objective, rows: RowFunctions, qp: tuple, n: int,
            callback: Callback) -> OptimizeResult:
    status, message = status_of(h)
    solution = h.getSolution()
    x = np.asarray(solution.col_value, dtype=float) if solution.value_valid else np.zeros(n)
    if solution.value_valid and not _is_the_model(obj, rows, qp, x):
        status, message = 5, ("the objective is not quadratic or a constraint not linear: "
                              "their values at the answer differ from the QP read at x0")
    y = np.asarray(solution.row_dual, float) if solution.dual_valid else np.zeros(rows.m)
    z = np.asarray(solution.col_dual, float) if solution.dual_valid else np.zeros(n)
    callback(x, obj.fun(x))
    g = obj.grad(x)
    J = rows.jacobian(x)
    return OptimizeResult(
        x=x, fun=obj.fun(x), jac=g, nit=int(h.getInfo().qp_iteration_count), status=status,
        success=status == 0, message=message, v=rows.per_block(-y),
        constraint_multipliers=rows.per_block(y), multipliers_bounds=z,
        constr_violation=_violation(rows.values(x), rows.cl, rows.cu),
        kkt_residuals={"stationarity": float(np.max(np.abs(g - J.T @ y - z), initial=0.0))})


def _is_the_model(obj: Objective, rows: RowFunctions, qp: tuple, x: np.ndarray) -> bool:
    H, q, f0, A, c0 = qp
    model = np.concatenate(([0.5 * x @ (H @ x) + q @ x + f0], A @ x + c0))
    actual = np.concatenate(([obj.fun(x)], rows.values(x)))
    return bool(np.all(np.abs(actual - model) <= _MODEL_TOL * np.maximum(1.0, np.abs(model))))


def _violation(values: np.ndarray, cl: np.ndarray, cu: np.ndarray) -> float:
    return float(np.max(np.maximum(np.maximum(cl - values, values - cu), 0.0), initial=0.0))
