"""`milp`: scipy.optimize.milp's front door, solved by HiGHS with symopt's result on top.

    minimize  c @ x   subject to   b_l <= A x <= b_u,   l <= x <= u,
              x[j] integer where integrality[j] == 1

The arguments and result fields are scipy's (``x``, ``fun``, ``status``, ``success``,
``message``, ``mip_node_count``, ``mip_dual_bound``, ``mip_gap``); statuses are scipy's
(0 optimal, 1 time/node limit, 2 infeasible, 3 unbounded, 4 other). A limit returns the
best incumbent found and its gap. The result also holds the duals (``row_dual``,
``col_dual``), basis and ``sensitivity`` of the LP with the integer columns fixed at the
solution, as symopt's LP methods report them.

>>> res = milp(c=[-1, -1], integrality=[1, 1],
...            constraints=([[2, 2]], -float("inf"), [5]))
>>> res.status, res.fun, res.x.tolist()
(0, -2.0, [0.0, 2.0])
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.errors import InputError
from symopt.optimize.linear_program import LinearProgram, as_csc
from symopt.optimize.methods import check_options
from symopt.optimize.result import OptimizeResult

__all__ = ["milp"]

_OPTIONS = ("disp", "presolve", "time_limit", "node_limit", "mip_rel_gap")


def milp(c: Any, *, integrality: Any = None, bounds: Any = None, constraints: Any = None,
         options: dict | None = None) -> OptimizeResult:
    """Minimise ``c @ x`` over linear constraints, bounds and integrality (scipy's milp).

    Parameters
    ----------
    c : array_like, shape (n,)
    integrality : array_like, optional
        1 marks an integer column, 0 a continuous one (a scalar applies to all); default
        all continuous.
    bounds : Bounds or (lb, ub), optional
        Column bounds; default ``0 <= x < inf``.
    constraints : LinearConstraint, (A, lb, ub) or a sequence of those, optional
        ``lb <= A @ x <= ub``; ``A`` may be dense or scipy.sparse.
    options : dict, optional
        ``disp`` (HiGHS's log), ``presolve``, ``time_limit`` (seconds), ``node_limit``,
        ``mip_rel_gap`` (default 1e-4, as scipy).

    Returns
    -------
    OptimizeResult
        scipy's fields, plus ``row_dual``, ``col_dual``, ``row_basis``, ``col_basis`` and
        ``sensitivity`` of the LP with the integers fixed (None when there is no solution).
    """
    from symopt.optimize._linprog import solve_lp  # the LP front door shares the engine
    lp = _linear_program(c, integrality, bounds, constraints)
    opts = dict(options or {})
    check_options(opts, _OPTIONS, "milp")
    result = solve_lp(lp, method="highs", options=opts or None)
    result.setdefault("mip_node_count", 0)
    result.setdefault("mip_dual_bound", result.fun if result.status == 0 else None)
    result.setdefault("mip_gap", 0.0 if result.status == 0 else None)
    return result


def _linear_program(c: Any, integrality: Any, bounds: Any, constraints: Any) -> LinearProgram:
    try:
        cost = np.asarray(c, dtype=float).ravel()
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"c must be an array of numbers: {exc}") from exc
    n = cost.size
    if n == 0 or not np.isfinite(cost).all():
        raise InputError("c must be a nonempty array of finite numbers")
    lower, upper = _bounds(bounds, n)
    A, row_lower, row_upper = _constraints(constraints, n)
    flags = None
    if integrality is not None:
        try:
            flags = np.broadcast_to(np.asarray(integrality), (n,)).astype(np.int64).copy()
        except (TypeError, ValueError, OverflowError) as exc:
            raise InputError(f"integrality must be one 0 or 1 per variable: {exc}") from exc
        if np.any((flags != 0) & (flags != 1)):
            raise InputError("integrality must hold 0 (continuous) or 1 (integer); "
                             "semi-continuous variables (2, 3) are not supported")
    try:
        return LinearProgram.from_arrays(cost, A, row_lower, row_upper, lower, upper,
                                         integrality=flags if flags is not None and flags.any()
                                         else None)
    except ValueError as exc:
        raise InputError(f"milp: {exc}") from exc


def _bounds(bounds: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    if bounds is None:
        return np.zeros(n), np.full(n, np.inf)
    lb, ub = (bounds.lb, bounds.ub) if hasattr(bounds, "lb") else bounds
    try:
        return (np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy(),
                np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy())
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"bounds must be Bounds or a pair (lb, ub) of {n} numbers: "
                         f"{exc}") from exc


def _constraints(constraints: Any, n: int):
    if constraints is None:
        return sp.csc_array((0, n)), np.zeros(0), np.zeros(0)
    if hasattr(constraints, "A") or (isinstance(constraints, tuple) and len(constraints) == 3
                                     and not hasattr(constraints[0], "A")):
        constraints = [constraints]
    blocks, lowers, uppers = [], [], []
    for k, con in enumerate(constraints):
        A, lb, ub = (con.A, con.lb, con.ub) if hasattr(con, "A") else con
        try:
            matrix = as_csc(A if sp.issparse(A) else np.atleast_2d(np.asarray(A, dtype=float)))
        except (TypeError, ValueError, OverflowError) as exc:
            raise InputError(f"constraint {k}: A must be a 2-D matrix: {exc}") from exc
        if matrix.shape[1] != n:
            raise InputError(f"constraint {k}: A has {matrix.shape[1]} columns, expected {n} "
                             "(the length of c)")
        m = matrix.shape[0]
        blocks.append(matrix)
        lowers.append(np.broadcast_to(np.asarray(lb, dtype=float), (m,)))
        uppers.append(np.broadcast_to(np.asarray(ub, dtype=float), (m,)))
    return (sp.vstack(blocks, format="csc"), np.concatenate(lowers), np.concatenate(uppers))
