"""Why an LP has no optimum: an irreducible infeasible subset, a Farkas certificate, a ray.

LP algorithms built from extra LP solves through `symopt.optimize.solve_lp` (or any
function with its contract, passed as ``solve``), so no commercial solver is needed.
Everything returns indices and numbers; `symopt.solution` puts them into words.

* :func:`find_iis` -- a deletion filter: drop one constraint (or one variable's bounds)
  at a time and keep it dropped when the rest stays infeasible. What remains is
  irreducible: removing any one member makes it feasible.
* :func:`farkas_certificate` -- multipliers ``y`` of the rows from the duals of the
  auxiliary (elastic, phase-1) LP ``min sum(p + q)`` s.t. ``l <= A x + p - q <= u``.
  A positive ``y[i]`` uses row i as ``a_i x >= l_i``, a negative one as
  ``a_i x <= u_i``; summed they give ``(A^T y) x >= y^T b``, which the variable bounds
  contradict.
* :func:`find_unbounded_ray` -- a direction ``d`` in the recession cone that improves
  the objective.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable

import numpy as np

from symopt.optimize._linear.highs_feasibility import HighsFeasibility
from symopt.optimize._linprog import solve_lp
from symopt.optimize.linear_program import LinearProgram, csc_from_triplets, triplets

__all__ = [
    "find_iis", "farkas_certificate", "certificate_gap", "feasibility_problem",
    "find_unbounded_ray", "SolveLP",
]

SolveLP = Callable[[LinearProgram], Any]
TOL = 1e-7
#: |A^T y| below this (relative to max |y|) is rounding: such a column's bounds are not needed.
#: Larger entries are kept: an inexact certificate's 1e-9 on a free column is a real escape.
ROUNDOFF = 1e-13


def default_solve(lp: LinearProgram) -> Any:
    """`solve_lp` with its default method, without the ranging these solves never use."""
    return solve_lp(lp, options={"sensitivity": False})


def feasibility_problem(lp: LinearProgram, rows: np.ndarray, cols: np.ndarray) -> LinearProgram:
    """``lp`` with a zero objective, keeping only the row and column bounds selected."""
    inf = np.full(lp.num_rows, np.inf)
    col_inf = np.full(lp.num_cols, np.inf)
    return replace(
        lp, c=np.zeros(lp.num_cols), offset=0.0, sense="min", integrality=None,
        row_lower=np.where(rows, lp.row_lower, -inf), row_upper=np.where(rows, lp.row_upper, inf),
        col_lower=np.where(cols, lp.col_lower, -col_inf),
        col_upper=np.where(cols, lp.col_upper, col_inf))


def is_infeasible(lp: LinearProgram, rows: np.ndarray, cols: np.ndarray, solve: SolveLP) -> bool:
    return int(solve(feasibility_problem(lp, rows, cols)).status) == 2


def infeasibility_check(lp: LinearProgram, rows: np.ndarray, cols: np.ndarray,
                        solve: SolveLP) -> tuple[bool, np.ndarray | None]:
    """Whether the selected subsystem is infeasible, and the solver's Farkas vector.

    When the solver offers a Farkas vector, "infeasible" is believed only if that vector
    checks out (a positive gap without infinite bounds): a verdict within the solver's
    tolerances but without proof (a point far away may be feasible) counts as feasible,
    so the subset found stays infeasible at the cost of perhaps one member too many.
    """
    result = solve(feasibility_problem(lp, rows, cols))
    if int(result.status) != 2:
        return False, None
    farkas = result.get("farkas")
    if farkas is None:
        return True, None
    return believed_certificate(lp, rows, cols, np.asarray(farkas, dtype=float))


def believed_certificate(lp: LinearProgram, rows: np.ndarray, cols: np.ndarray,
                         farkas: np.ndarray) -> tuple[bool, np.ndarray | None]:
    """``(True, y)`` when ``farkas`` or its negative proves the subsystem infeasible."""
    restricted = feasibility_problem(lp, rows, cols)
    y = farkas.copy()
    y[np.abs(y) <= ROUNDOFF * max(1.0, float(np.abs(y).max(initial=0.0)))] = 0.0
    for candidate in (y, -y):
        if certificate_gap(restricted, candidate) > TOL:
            return True, candidate
    return False, None


def shrink_to_support(lp: LinearProgram, rows: np.ndarray, cols: np.ndarray,
                      y: np.ndarray) -> None:
    """Keep only the rows a certificate uses and the column bounds it needs (in place)."""
    rows &= np.abs(y) > 0
    cols &= np.abs((lp.A.T @ y)) > ROUNDOFF * max(1.0, float(np.abs(y).max()))


def bounded(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    return np.isfinite(lower) | np.isfinite(upper)


def find_iis(lp: LinearProgram, solve: SolveLP | None = None,
             time_limit: float = 60.0) -> tuple[list[int], list[int], bool]:
    """Row and column indices of an irreducible infeasible subset of ``lp``.

    Rows are constraints; a column stands for that variable's bounds. The filter
    starts from the support of a Farkas certificate when one is found (usually far
    smaller than the LP). With the default solver every question goes to one HiGHS
    instance whose bounds change between questions (`HighsFeasibility`, hot starts);
    a ``solve`` function of the `solve_lp` contract is asked instead when given. The third item is True when the subset is proven
    irreducible; False when ``time_limit`` seconds ran out first (the subset is then
    infeasible but may hold members it does not need). Returns ``([], [], True)``
    when ``lp`` is feasible.

    Examples
    --------
    >>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 0], [1, -1]],
    ...     row_lower=[5, -np.inf, -np.inf], row_upper=[np.inf, 1, 9], col_upper=[np.inf, 2])
    >>> find_iis(lp)
    ([0, 1], [1], True)
    """
    deadline = time.monotonic() + time_limit
    rows = bounded(lp.row_lower, lp.row_upper)
    cols = bounded(lp.col_lower, lp.col_upper)
    check: Any = None
    if solve is None or solve is default_solve:
        oracle = HighsFeasibility(lp)        # one HiGHS instance, hot-started per question
        infeasible, certificate = oracle(rows, cols)
        if infeasible:
            check = oracle
        solve = default_solve   # undecided without presolve: ask the full solve_lp instead
    if check is None:
        def check(r: np.ndarray, c: np.ndarray) -> tuple[bool, np.ndarray | None]:
            return infeasibility_check(lp, r, c, solve)
        if not is_infeasible(lp, rows, cols, solve):
            return [], [], True
        certificate = farkas_certificate(lp, rows, cols, solve)
    if certificate is not None:
        support_rows, support_cols = rows.copy(), cols.copy()
        shrink_to_support(lp, support_rows, support_cols, certificate)
        if check(support_rows, support_cols)[0]:
            rows, cols = support_rows, support_cols
    complete = _deletion_filter(lp, rows, cols, check, deadline)
    return ([int(i) for i in np.flatnonzero(rows)], [int(j) for j in np.flatnonzero(cols)],
            complete)


def _deletion_filter(lp: LinearProgram, rows: np.ndarray, cols: np.ndarray, check: Any,
                     deadline: float) -> bool:
    """Drop each member the rest stays infeasible without (in place); False on time out."""
    for mask in (rows, cols):
        for k in np.flatnonzero(mask):
            if not mask[k]:
                continue  # dropped already by a certificate's support
            if time.monotonic() > deadline:
                return False
            mask[k] = False
            infeasible, y = check(rows, cols)
            if not infeasible:
                mask[k] = True
            elif y is not None:
                shrink_to_support(lp, rows, cols, y)
    return True


def elastic_problem(lp: LinearProgram) -> LinearProgram:
    """The auxiliary LP ``min sum(p + q)`` s.t. ``l <= A x + p - q <= u``, x in its bounds."""
    m, n = lp.A.shape
    r, c, v = triplets(lp.A)
    eye = np.arange(m)
    rows = np.concatenate([r, eye, eye])
    cols = np.concatenate([c, n + eye, n + m + eye])
    vals = np.concatenate([v, np.ones(m), -np.ones(m)])
    A = csc_from_triplets(rows, cols, vals, (m, n + 2 * m))
    return LinearProgram(
        c=np.concatenate([np.zeros(n), np.ones(2 * m)]), A=A,
        row_lower=lp.row_lower.copy(), row_upper=lp.row_upper.copy(),
        col_lower=np.concatenate([lp.col_lower, np.zeros(2 * m)]),
        col_upper=np.concatenate([lp.col_upper, np.full(2 * m, np.inf)]),
        name=f"{lp.name} (elastic)")


def certificate_gap(lp: LinearProgram, y: np.ndarray) -> float:
    """How strongly ``y`` proves infeasibility: ``y^T b - max over bounds of (A^T y) x``.

    Positive means ``y`` is a valid Farkas certificate; ``-inf`` when it uses an
    infinite bound.
    """
    with np.errstate(invalid="ignore"):
        b = np.where(y > 0, lp.row_lower, np.where(y < 0, lp.row_upper, 0.0))
        g = (lp.A.T @ y)
        g[np.abs(g) <= ROUNDOFF * max(1.0, float(np.abs(y).max(initial=0.0)))] = 0.0
        ends = np.where(g > 0, lp.col_upper, np.where(g < 0, lp.col_lower, 0.0))
        if not (np.isfinite(b[y != 0]).all() and np.isfinite(ends[g != 0]).all()):
            return -np.inf
        return float(y @ b - g @ ends)


def farkas_certificate(lp: LinearProgram, rows: np.ndarray | None = None,
                       cols: np.ndarray | None = None,
                       solve: SolveLP | None = None) -> np.ndarray | None:
    """Row multipliers proving that ``lp`` (restricted to ``rows``/``cols``) is infeasible.

    Returns None when the auxiliary LP finds the problem feasible or its duals do not
    give a valid certificate.
    """
    solve = solve or default_solve
    rows = bounded(lp.row_lower, lp.row_upper) if rows is None else rows
    cols = bounded(lp.col_lower, lp.col_upper) if cols is None else cols
    restricted = feasibility_problem(lp, rows, cols)
    result = solve(elastic_problem(restricted))
    if int(result.status) != 0 or float(result.fun) <= TOL or result.get("row_dual") is None:
        return None
    y = np.asarray(result.row_dual, dtype=float).copy()
    y[np.abs(y) <= TOL] = 0.0
    if y.any():
        sizes = np.abs(y[y != 0])
        # the smallest multiplier becomes 1 (easier to read) unless that inflates the rest
        y /= sizes.min() if sizes.max() <= 1e4 * sizes.min() else sizes.max()
    for candidate in (y, -y):
        if certificate_gap(restricted, candidate) > TOL:
            return candidate
    return None


def find_unbounded_ray(lp: LinearProgram, solve: SolveLP | None = None) -> np.ndarray | None:
    """A direction ``d`` (max-norm 1) along which ``lp`` stays feasible and improves.

    Solves ``min c.d`` (``max`` for a max problem) over the recession cone of the
    rows and bounds, boxed by ``-1 <= d <= 1``; None when no improving direction exists.

    Examples
    --------
    >>> lp = LinearProgram.from_arrays(c=[-1, 0], A=[[1, -1]], row_lower=[-np.inf],
    ...                                row_upper=[1])
    >>> find_unbounded_ray(lp).tolist()
    [1.0, 1.0]
    """
    solve = solve or default_solve
    zero_row = np.zeros(lp.num_rows)
    cone = replace(
        lp, offset=0.0, integrality=None,
        row_lower=np.where(np.isfinite(lp.row_lower), zero_row, -np.inf),
        row_upper=np.where(np.isfinite(lp.row_upper), zero_row, np.inf),
        col_lower=np.where(np.isfinite(lp.col_lower), 0.0, -1.0),
        col_upper=np.where(np.isfinite(lp.col_upper), 0.0, 1.0))
    result = solve(cone)
    if int(result.status) != 0:
        return None
    improvement = float(lp.c @ np.asarray(result.x))
    improving = improvement < -TOL if lp.sense == "min" else improvement > TOL
    return np.asarray(result.x, dtype=float) if improving else None
