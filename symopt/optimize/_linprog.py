"""`linprog` (scipy's front door) and `solve_lp` (the native LP entry point).

`solve_lp` takes a `LinearProgram`, picks a method and dispatches through the
capability table of `symopt.optimize.methods`; MILPs go to
`symopt.optimize._linear.branch_and_bound.solve_milp`. `linprog` validates scipy-style arrays, builds the
`LinearProgram` (rows ``A_ub`` first, then ``A_eq``), and maps the result back to
scipy's fields, with marginals in HiGHS's convention: each is the derivative of the
optimal objective with respect to the bound or right-hand side it belongs to.

>>> res = linprog(c=[-1, -2], A_ub=[[1, 1], [1, -1]], b_ub=[4, 1])
>>> res.status, res.x.tolist(), res.fun
(0, [0.0, 4.0], -8.0)
>>> res.ineqlin.marginals.tolist()
[-2.0, 0.0]
"""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from symopt.errors import InputError
from symopt.optimize._linear import simplex
from symopt.optimize._linear.branch_and_bound import solve_milp
from symopt.optimize.linear_program import (
    FEASIBILITY_TOL, BasisStatus, LinearProgram, as_csc, primal_violation,
)
from symopt.optimize.methods import lookup
from symopt.optimize.result import OptimizeResult

__all__ = ["linprog", "solve_lp", "choose_method", "to_linear_program"]

#: the methods that solve a MILP by symopt's own branch and bound (HiGHS methods use HiGHS's)
NATIVE_MILP_METHODS = ("branch-and-bound", "simplex", "interior-point")


def solve_lp(lp: LinearProgram, method: str | None = None, callback: Callable | None = None,
             options: dict | None = None) -> OptimizeResult:
    """Solve a `LinearProgram` natively (or by HiGHS), in the LP's own sense.

    Parameters
    ----------
    lp : LinearProgram
        The problem; a MILP when ``lp.integrality`` has nonzeros.
    method : str, optional
        'highs' (the default), 'highs-ds', 'highs-ipm', or the native 'simplex',
        'interior-point' and, for MILPs, 'branch-and-bound' (native LPs at the nodes).
    callback : callable, optional
        Called with an `OptimizeResult` of progress after iterations (method dependent).
    options : dict, optional
        Method options, e.g. ``maxiter``, ``time_limit``, ``sensitivity``.

    Returns
    -------
    OptimizeResult
        The fields of the ``solve_lp`` contract in docs/design.md.

    Examples
    --------
    >>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 2]], row_lower=[2], row_upper=[np.inf])
    >>> solve_lp(lp).fun
    1.0
    """
    try:
        lp.validate()
    except ValueError as exc:
        raise InputError(f"invalid LinearProgram: {exc}") from exc
    chosen = choose_method(lp) if method is None else str(method).lower()
    if lp.is_mip and chosen in NATIVE_MILP_METHODS:
        return _verified(lp, solve_milp(lp, options=options, callback=callback))
    if chosen == "branch-and-bound":
        chosen = "simplex"  # an LP is the root node: the native simplex solves it
    solver = lookup("linprog", chosen).load()
    if callback is not None and chosen.startswith("highs") and not lp.is_mip:
        raise InputError(f"method {chosen!r} does not report LP iterations to a callback; "
                         "use method='simplex' or 'interior-point' to follow the iterates")
    started = time.perf_counter()
    result = _verified(lp, solver(lp, options=options, callback=callback))
    result.setdefault("method", chosen)
    if method is None and chosen != "simplex" and result.status == 4:
        return _verified(lp, _simplex_fallback(lp, result, options, callback,
                                               time.perf_counter() - started))
    return result


def _verified(lp: LinearProgram, result: OptimizeResult) -> OptimizeResult:
    """An "optimal" result becomes status 4 (numerical difficulties) when its point is not
    finite or violates a row or bound by more than `FEASIBILITY_TOL` (relative to
    max(1, |bound|), as the map-back stage measures): data at the edge of double precision
    (a 1e-320 cost beside a 1e20 coefficient) can defeat a method's scaling, and success
    must mean a feasible point."""
    if result.status != 0:
        return result
    x = np.asarray(result.get("x", ()), dtype=float)
    if not (np.all(np.isfinite(x)) and np.isfinite(result.fun)):
        why = "the method ended with non-finite values"
    else:
        violation = float(primal_violation(lp, x))
        if violation <= FEASIBILITY_TOL:
            return result
        why = f"the method's point violates the constraints by {violation:.1e} (relative)"
    result.status, result.success = 4, False
    result.message = f"numerical difficulties: {why}; the method reported: {result.message}"
    return result


def _simplex_fallback(lp: LinearProgram, failed: OptimizeResult, options: dict | None,
                      callback: Callable | None, elapsed: float) -> OptimizeResult:
    """The default method met numerical trouble: try the simplex with the time left."""
    if lp.num_rows > simplex.SIMPLEX_OPTIONS["max_dense_rows"]:
        return failed
    kept = {k: v for k, v in (options or {}).items() if k in simplex.SIMPLEX_OPTIONS}
    if "time_limit" in kept:
        kept["time_limit"] = max(float(kept["time_limit"]) - elapsed, 0.0)
    result = simplex.solve_simplex(lp, options=kept, callback=callback)
    result.message = f"{result.message} (after {failed.method}: {failed.message})"
    return result


def choose_method(lp: LinearProgram) -> str:
    """The default method for LPs and MILPs alike: HiGHS (its final basis gives symopt's
    duals, ranging and certificates, computed as for the native simplex)."""
    return "highs"


def linprog(c: Any, A_ub: Any = None, b_ub: Any = None, A_eq: Any = None, b_eq: Any = None,
            bounds: Any = (0, None), method: str | None = None,
            callback: Callable | None = None, options: dict | None = None, x0: Any = None,
            integrality: Any = None) -> OptimizeResult:
    """Minimise ``c @ x`` subject to ``A_ub x <= b_ub``, ``A_eq x == b_eq``, bounds.

    scipy's signature and result: ``x, fun, slack, con, status, success, message, nit``
    and ``ineqlin``, ``eqlin``, ``lower``, ``upper`` (each with ``residual`` and
    ``marginals``), plus ``sensitivity``, ``col_basis``, ``row_basis``, ``farkas`` and
    ``ray`` from the native methods (rows: ``A_ub`` then ``A_eq``).

    Parameters
    ----------
    c : array_like, shape (n,)
    A_ub, A_eq : array_like or scipy.sparse matrix, optional
    b_ub, b_eq : array_like, optional
    bounds : pair or sequence of pairs, optional
        ``(lb, ub)`` for all variables or one pair per variable; None means unbounded.
    method : str, optional
        'highs' (default: HiGHS chooses its algorithm), 'highs-ds', 'highs-ipm', or
        symopt's own 'simplex' and 'interior-point' ('branch-and-bound' for MILPs).
    callback : callable, optional
        Called with progress: iterates for the native methods, incumbent, bound, gap and
        nodes for a MILP on HiGHS; HiGHS reports no LP iterates.
    options : dict, optional
        For HiGHS: ``time_limit``, ``maxiter``, ``presolve``, ``mip_rel_gap``,
        ``node_limit``, ``disp``, tolerances, ``sensitivity`` and ``basis`` (a warm start:
        ``(col_basis, row_basis)`` of a previous result).
    x0 : array_like, optional
        Accepted for scipy compatibility and checked for shape; the methods here
        do not use a starting point (as scipy's HiGHS methods do not).
    integrality : array_like, optional
        1 marks an integer variable (0 continuous).

    Returns
    -------
    OptimizeResult

    Examples
    --------
    >>> res = linprog([1, 1], A_eq=[[1, 2]], b_eq=[2], bounds=[(0, None), (0, 0.5)])
    >>> res.x.tolist(), res.eqlin.marginals.tolist()
    ([1.0, 0.5], [1.0])
    """
    lp = to_linear_program(c, A_ub, b_ub, A_eq, b_eq, bounds, integrality)
    if x0 is not None and _vector(x0, "x0").size != lp.num_cols:
        raise InputError(f"x0 has {np.size(x0)} entries, expected {lp.num_cols} "
                         "(one per variable)")
    result = solve_lp(lp, method=method, callback=callback, options=options)
    m_ub = np.count_nonzero(lp.row_lower == -np.inf)  # b_eq is finite, so these are A_ub's
    return _scipy_result(result, lp, m_ub)


def to_linear_program(c: Any, A_ub: Any = None, b_ub: Any = None, A_eq: Any = None,
                      b_eq: Any = None, bounds: Any = (0, None),
                      integrality: Any = None) -> LinearProgram:
    """The `LinearProgram` of linprog's arrays: rows ``A_ub`` (``<= b_ub``), then ``A_eq``.

    Checks shapes, NaN and bounds as `linprog` does, raising `InputError`.

    >>> lp = to_linear_program([1, 1], A_ub=[[1, 0]], b_ub=[3], A_eq=[[1, 1]], b_eq=[2])
    >>> lp.row_lower.tolist(), lp.row_upper.tolist()
    ([-inf, 2.0], [3.0, 2.0])
    """
    c = _vector(c, "c")
    n = c.size
    A_ub_csc, b_ub = _constraint_block(A_ub, b_ub, n, "A_ub", "b_ub")
    A_eq_csc, b_eq = _constraint_block(A_eq, b_eq, n, "A_eq", "b_eq")
    lower, upper = _bounds(bounds, n)
    return LinearProgram(c=c, A=_stack(A_ub_csc, A_eq_csc, n),
                         row_lower=np.concatenate([np.full(b_ub.size, -np.inf), b_eq]),
                         row_upper=np.concatenate([b_ub, b_eq]), col_lower=lower,
                         col_upper=upper, integrality=_integrality(integrality, n))


def _vector(value: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be an array of numbers; got {value!r:.200}") from None
    if array.ndim > 1 and array.size == max(array.shape):
        array = array.ravel()
    if array.ndim != 1:
        raise InputError(f"{name} must be one-dimensional; got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InputError(f"{name} must be finite; entry {int(bad[0])} is {array[bad[0]]}")
    return array


def _constraint_block(A: Any, b: Any, n: int, a_name: str, b_name: str):
    try:
        empty = A is None or (not sp.issparse(A) and np.size(A) == 0)
    except (TypeError, ValueError, OverflowError):      # ragged or not numbers
        raise InputError(f"{a_name} must be a matrix of real numbers, got {A!r:.200}") from None
    if empty:
        if b is not None and np.size(b) > 0:
            raise InputError(f"{b_name} is given but {a_name} is not")
        return sp.csc_array((0, n)), np.zeros(0)
    try:
        matrix = as_csc(A, a_name)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"{a_name} must be a 2-D matrix: {exc}") from exc
    if matrix.shape[1] != n:
        raise InputError(f"{a_name} has {matrix.shape[1]} columns, expected {n} "
                         f"(the length of c)")
    if not np.isfinite(matrix.data).all():
        raise InputError(f"{a_name} contains NaN or inf")
    if b is None:
        raise InputError(f"{a_name} is given but {b_name} is not")
    rhs = _vector(np.atleast_1d(b), b_name)
    if rhs.size != matrix.shape[0]:
        raise InputError(f"{b_name} has {rhs.size} entries, expected {matrix.shape[0]} "
                         f"(the rows of {a_name})")
    return matrix, rhs


def _bounds(bounds: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):
        pairs = np.broadcast_to(np.stack([np.broadcast_to(np.asarray(bounds.lb, float), n),
                                          np.broadcast_to(np.asarray(bounds.ub, float), n)],
                                         1), (n, 2))
    elif bounds is None or (np.ndim(bounds) > 0 and len(bounds) == 0):
        pairs = np.tile([0.0, np.inf], (n, 1))
    else:
        raw = np.array(bounds, dtype=object)
        if raw.ndim == 1 and raw.size == 2:
            raw = np.tile(raw, (n, 1))
        elif raw.ndim == 2 and raw.shape == (1, 2):
            raw = np.tile(raw, (n, 1))
        if raw.shape != (n, 2):
            raise InputError(f"bounds must be one (lb, ub) pair or {n} pairs; got shape "
                             f"{raw.shape}")
        pairs = np.empty((n, 2))
        for k, default in ((0, -np.inf), (1, np.inf)):
            column = [default if v is None else v for v in raw[:, k]]
            try:
                pairs[:, k] = np.asarray(column, dtype=float)
            except (TypeError, ValueError, OverflowError) as exc:
                raise InputError(f"bounds must hold numbers or None: {exc}") from exc
    lower, upper = pairs[:, 0].copy(), pairs[:, 1].copy()
    _check_bounds(lower, upper)
    return lower, upper


def _check_bounds(lower: np.ndarray, upper: np.ndarray) -> None:
    for label, array in (("lower", lower), ("upper", upper)):
        if np.isnan(array).any():
            j = int(np.flatnonzero(np.isnan(array))[0])
            raise InputError(f"bounds: the {label} bound of variable {j} is NaN")
    bad = np.flatnonzero((lower > upper) | (lower == np.inf) | (upper == -np.inf))
    if bad.size:
        j = int(bad[0])
        raise InputError(f"bounds: variable {j} has lower bound {lower[j]} and upper bound "
                         f"{upper[j]}; expected lower <= upper, lower < inf, upper > -inf")


def _integrality(integrality: Any, n: int) -> np.ndarray | None:
    if integrality is None:
        return None
    flags = np.broadcast_to(np.asarray(integrality), (n,)).astype(np.int64)
    if np.any((flags != 0) & (flags != 1)):
        raise InputError("integrality must hold 0 (continuous) or 1 (integer); "
                         "semi-continuous variables (2, 3) are not supported")
    return flags.copy() if flags.any() else None


def _stack(top: sp.csc_array, bottom: sp.csc_array, n: int) -> sp.csc_array:
    if bottom.shape[0] == 0:
        return top
    if top.shape[0] == 0:
        return bottom
    return sp.vstack([top, bottom], format="csc")


def _scipy_result(result: OptimizeResult, lp: LinearProgram, m_ub: int) -> OptimizeResult:
    out = OptimizeResult(status=result.status, success=result.status == 0,
                         message=result.message, nit=result.nit, x=None, fun=None, slack=None,
                         con=None, ineqlin=None, eqlin=None, lower=None, upper=None)
    for key in ("sensitivity", "col_basis", "row_basis", "farkas", "ray", "method",
                "mip_gap", "mip_dual_bound", "mip_node_count"):
        if key in result:
            out[key] = result[key]
    if result.status not in (0, 1) or result.get("x") is None:
        return out
    x = np.asarray(result.x, dtype=float)
    activity = lp.A @ x
    out.x, out.fun = x, float(lp.c @ x)
    out.slack = lp.row_upper[:m_ub] - activity[:m_ub]
    out.con = lp.row_upper[m_ub:] - activity[m_ub:]
    row_dual = np.asarray(result.get("row_dual", np.zeros(lp.num_rows)), dtype=float)
    out.ineqlin = OptimizeResult(residual=out.slack, marginals=row_dual[:m_ub])
    out.eqlin = OptimizeResult(residual=out.con, marginals=row_dual[m_ub:])
    out.lower, out.upper = _bound_marginals(result, lp, x)
    return out


def _bound_marginals(result: OptimizeResult, lp: LinearProgram, x: np.ndarray):
    n = lp.num_cols
    col_dual = np.asarray(result.get("col_dual", np.zeros(n)), dtype=float)
    basis = result.get("col_basis")
    if basis is None:
        at_lower = col_dual > 0
    else:
        basis = np.asarray(basis)
        at_lower = basis == BasisStatus.AT_LOWER
        fixed = lp.col_lower == lp.col_upper
        at_lower = np.where(fixed & (basis != BasisStatus.BASIC), col_dual >= 0, at_lower)
    lower_marginals = np.where(at_lower, col_dual, 0.0)
    upper_marginals = np.where(at_lower, 0.0, col_dual)
    if basis is not None:
        upper_marginals = np.where(basis == BasisStatus.BASIC, 0.0, upper_marginals)
    lower = OptimizeResult(residual=x - lp.col_lower, marginals=lower_marginals)
    upper = OptimizeResult(residual=lp.col_upper - x, marginals=upper_marginals)
    return lower, upper
