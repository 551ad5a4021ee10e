"""`solve_simplex`: the native bounded revised simplex for a `LinearProgram`.

The LP is scaled (geometric, powers of two), put in the computational form of
`symopt.optimize._linear.simplex_state`, and solved in phases:

1. a dual feasible basis: boxed variables move to the bound their cost prefers; if
   other reduced costs have the wrong sign, an auxiliary problem with artificial boxes
   (the "subproblem" dual phase 1) is solved by the dual simplex;
2. the dual simplex with perturbed costs (against stalling on dual degeneracy) finds
   an optimal or a proof of infeasibility;
3. the perturbation is removed and the primal simplex cleans up the few reduced costs
   that change sign. Reduced costs that phase 1 could not make feasible (tiny ones, or
   those of an LP with no dual feasible basis) are first zeroed by shifting their costs;
   the primal simplex on the true costs then reaches an optimum or an unbounded ray.

A warm basis (``basis=``, from crossover or branch and bound) skips phase 1: it is
taken to be near optimal, so its wrong reduced costs are shifted away as in step 3.
A warm basis so close to singular that its basic values are wild is dropped for the
slack basis.

The result follows the ``solve_lp`` contract of docs/design.md: values, duals, basis
statuses, and sensitivity ranges from `symopt.optimize._linear.ranging`.

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[-1, -2], A=[[1, 1], [1, -1]],
...                                row_lower=[-np.inf, -np.inf], row_upper=[4, 1])
>>> res = solve_simplex(lp)
>>> res.status, res.x.tolist(), res.fun, res.row_dual.tolist()
(0, [0.0, 4.0], -8.0, [-2.0, 0.0])
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize._linear.dual_simplex import PhaseOutcome, run_dual
from symopt.optimize.linear_program import LinearProgram
from symopt.optimize.methods import check_options
from symopt.optimize._linear.primal_simplex import run_primal
from symopt.optimize._linear.ranging import compute_sensitivity
from symopt.optimize.result import OptimizeResult
from symopt.optimize._linear.scaling import geometric_scaling, scale_matrix
from symopt.optimize._linear.simplex_state import (AT_LOWER, AT_UPPER, BASIC, FREE, IterationBudget,
                                           SimplexState)

__all__ = ["solve_simplex", "SIMPLEX_OPTIONS"]

#: option name -> default value
SIMPLEX_OPTIONS: dict[str, Any] = {
    "maxiter": 1_000_000, "time_limit": np.inf, "disp": False, "presolve": True,
    "primal_feasibility_tolerance": 1e-7, "dual_feasibility_tolerance": 1e-7,
    "autoscale": True, "sensitivity": True, "refactor_every": None, "perturbation": 5e-7,
    "max_dense_rows": 6000,
}

_MESSAGES = {
    "optimal": (0, "Optimization terminated successfully (simplex: optimal basis found)."),
    "iterations": (1, "Iteration limit reached (option maxiter)."),
    "time": (1, "Time limit reached (option time_limit)."),
    "infeasible": (2, "The problem is infeasible (the dual simplex found a row combination "
                      "that no point within the bounds satisfies)."),
    "unbounded": (3, "The problem is unbounded (the primal simplex found a ray of "
                     "unbounded improvement)."),
    "numerical": (4, "Numerical difficulties: the basis could not be kept accurate."),
}


def solve_simplex(lp: LinearProgram, options: dict | None = None, basis: Any = None,
                  callback: Callable | None = None) -> OptimizeResult:
    """Solve an LP (integrality ignored) by the bounded revised simplex.

    Parameters
    ----------
    lp : LinearProgram
        The problem in general bounded form.
    options : dict, optional
        ``maxiter``, ``time_limit`` (seconds), ``primal_feasibility_tolerance``,
        ``dual_feasibility_tolerance``, ``autoscale``, ``sensitivity`` (compute ranging),
        ``refactor_every`` (updates between refactorisations; default m/4 within
        [100, 400]), ``perturbation``, ``disp``; ``presolve`` is accepted for
        scipy compatibility (this method has no presolve).
    basis : tuple of arrays, optional
        ``(col_basis, row_basis)`` of `BasisStatus` to start from (a warm start, e.g.
        from crossover or a parent branch-and-bound node). Counts that are off are
        repaired; a singular basis is completed with slacks.
    callback : callable, optional
        Called after each iteration with an `OptimizeResult` holding ``x``, ``fun``,
        ``nit`` and ``phase``.

    Returns
    -------
    OptimizeResult
        The ``solve_lp`` fields of docs/design.md (x, fun, status, ..., row_dual,
        col_dual, row_basis, col_basis, sensitivity, farkas, ray).

    Examples
    --------
    >>> import numpy as np
    >>> from symopt.optimize.linear_program import LinearProgram
    >>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 2]], row_lower=[2], row_upper=[2])
    >>> solve_simplex(lp).x.tolist()
    [0.0, 1.0]
    """
    opts = _read_options(options)
    m, n = lp.A.shape
    sign = 1.0 if lp.sense == "min" else -1.0
    if m > opts["max_dense_rows"]:
        return _too_large(lp, opts)
    if opts["autoscale"]:
        row_scale, col_scale = geometric_scaling(lp.A)
    else:
        row_scale, col_scale = np.ones(m), np.ones(n)
    A = scale_matrix(lp.A, row_scale, col_scale)
    cost = np.concatenate([sign * lp.c * col_scale, np.zeros(m)])
    lower = np.concatenate([lp.col_lower / col_scale, lp.row_lower * row_scale])
    upper = np.concatenate([lp.col_upper / col_scale, lp.row_upper * row_scale])
    where = _initial_statuses(basis, n, m)
    refactor_every = opts["refactor_every"] or int(np.clip(m // 4, 100, 400))
    # the clock starts before the first factorization, which a time limit must include
    # (a warm basis of a few thousand rows takes seconds to invert and repair)
    budget = IterationBudget(int(opts["maxiter"]), float(opts["time_limit"]))
    state = SimplexState(A, cost, lower, upper, where, refactor_every)
    if where is not None and _nearly_singular(state):
        where = None   # the warm basis is useless: start from the slack basis
        state = SimplexState(A, cost, lower, upper, None, refactor_every)
    if callback is not None:
        budget.callback = _progress_reporter(callback, lp, col_scale, budget)
    outcome = _solve_phases(state, budget, opts, warm=where is not None)
    result = _build_result(lp, state, outcome, row_scale, col_scale, sign, budget.nit)
    if result.status == 0 and opts["sensitivity"]:
        result.sensitivity = _sensitivity_or_none(lp, result)
    if opts["disp"]:
        print(f"simplex: {result.message} nit={result.nit} fun={result.fun}")
    return result


def _read_options(options: dict | None) -> dict:
    check_options(options, SIMPLEX_OPTIONS, "method 'simplex'")
    return {**SIMPLEX_OPTIONS, **(options or {})}


def _initial_statuses(basis: Any, n: int, m: int) -> np.ndarray | None:
    if basis is None:
        return None
    col_basis, row_basis = (np.asarray(b, dtype=np.int64) for b in basis)
    if col_basis.shape != (n,) or row_basis.shape != (m,):
        raise InputError(f"basis must be (col_basis of shape ({n},), row_basis of shape "
                         f"({m},)), got shapes {col_basis.shape} and {row_basis.shape}")
    where = np.concatenate([col_basis, row_basis]).astype(np.int8)
    basic = np.flatnonzero(where == BASIC)
    if basic.size > m:
        where[basic[m:]] = AT_LOWER
    elif basic.size < m:
        slacks = n + np.flatnonzero(where[n:] != BASIC)
        where[slacks[:m - basic.size]] = BASIC
    return where


def _solve_phases(state: SimplexState, budget: IterationBudget, opts: dict,
                  warm: bool = False) -> PhaseOutcome:
    tol_d = opts["dual_feasibility_tolerance"]
    tol_p = opts["primal_feasibility_tolerance"]
    original = state.cost.copy()
    state.flip_to_dual_feasible(tol_d)
    # a warm basis (crossover, branch and bound) is near optimal: its few wrong reduced
    # costs are shifted away below, where a dual phase 1 would cost about a cold solve
    if state.dual_infeasible(tol_d).any() and not warm:
        outcome = _dual_phase_one(state, budget, tol_d, tol_p, opts["perturbation"])
        if outcome.outcome != "optimal":
            return outcome
    _shift_costs(state, tol_d)
    _perturb_costs(state, opts["perturbation"])
    outcome = run_dual(state, budget, tol_d, tol_p)
    state.cost = original.copy()
    state.compute_duals()
    if outcome.outcome != "optimal":
        return outcome
    return _polish(state, budget, tol_d, tol_p)


#: basic values beyond this multiple of the largest finite bound mark a useless warm basis
_WILD = 1e6


def _nearly_singular(state: SimplexState) -> bool:
    """Basic values far beyond every finite bound: a warm basis too close to singular."""
    bounds = np.concatenate([state.lower, state.upper])
    scale = 1.0 + np.abs(bounds[np.isfinite(bounds)]).max(initial=0.0)
    return bool(np.abs(state.z[state.head]).max(initial=0.0) > _WILD * scale)


def _dual_phase_one(state: SimplexState, budget: IterationBudget, tol_d: float,
                    tol_p: float, perturbation: float) -> PhaseOutcome:
    """Minimise dual infeasibility: the dual simplex on artificial boxes around zero."""
    lower, upper, cost = state.lower, state.upper, state.cost.copy()
    has_lo, has_up = np.isfinite(lower), np.isfinite(upper)
    state.lower = np.where(has_lo, 0.0, np.where(has_up, -1.0, -1000.0))
    state.upper = np.where(has_up, 0.0, np.where(has_lo, 1.0, 1000.0))
    nonbasic = state.where != BASIC
    state.where[nonbasic] = np.where(state.d[nonbasic] >= 0, AT_LOWER, AT_UPPER)
    state.place_nonbasic()
    state.compute_primal()
    _perturb_costs(state, perturbation)
    outcome = run_dual(state, budget, tol_d, tol_p)
    state.lower, state.upper, state.cost = lower, upper, cost
    state.compute_duals()
    _statuses_from_reduced_costs(state, tol_d)
    state.place_nonbasic()
    state.compute_primal()
    return outcome


def _statuses_from_reduced_costs(state: SimplexState, tol: float) -> None:
    has_lo, has_up = np.isfinite(state.lower), np.isfinite(state.upper)
    d = state.d
    status = np.where(has_lo & (d >= -tol), AT_LOWER,
                      np.where(has_up & (d <= tol), AT_UPPER,
                               np.where(has_lo, AT_LOWER, np.where(has_up, AT_UPPER, FREE))))
    nonbasic = state.where != BASIC
    state.where[nonbasic] = status[nonbasic]


def _shift_costs(state: SimplexState, tol: float) -> None:
    """Zero the reduced costs that still have the wrong sign by shifting their costs.

    After the dual phase 1 these are tiny (left by its perturbation) or, when the LP
    has no dual feasible basis, mark where it is unbounded or infeasible; either way
    the dual simplex runs on the shifted costs and the primal simplex finishes on the
    true ones (finding the unbounded ray if there is one).
    """
    wrong = state.dual_infeasible(tol)
    state.cost[wrong] -= state.d[wrong]
    state.d[wrong] = 0.0


def _perturb_costs(state: SimplexState, size: float) -> None:
    if size <= 0:
        return
    rng = np.random.default_rng(7)
    w = state.where
    movable = (state.lower != state.upper)
    xi = size * (1.0 + np.abs(state.cost)) * (1.0 + rng.random(state.cost.size))
    up = (w == AT_LOWER) & movable
    down = (w == AT_UPPER) & movable
    state.cost[up] += xi[up]
    state.d[up] += xi[up]
    state.cost[down] -= xi[down]
    state.d[down] -= xi[down]


def _polish(state: SimplexState, budget: IterationBudget, tol_d: float,
            tol_p: float) -> PhaseOutcome:
    """Primal simplex after the dual; repeat while refactorisation reveals drift."""
    for _ in range(6):
        outcome = run_primal(state, budget, tol_d, tol_p)
        if outcome.outcome != "optimal":
            return outcome
        state.refactor()
        x = state.z[state.head]
        if np.any(np.abs(state.primal_infeasibility()) > tol_p * (1.0 + np.abs(x))):
            if state.dual_infeasible(tol_d).any():
                state.flip_to_dual_feasible(tol_d)
            outcome = run_dual(state, budget, tol_d, tol_p)
            if outcome.outcome != "optimal":
                return outcome
            continue
        if not state.dual_infeasible(tol_d).any():
            return outcome
    return PhaseOutcome("numerical")


def _build_result(lp: LinearProgram, state: SimplexState, outcome: PhaseOutcome,
                  row_scale: np.ndarray, col_scale: np.ndarray, sign: float,
                  nit: int) -> OptimizeResult:
    m, n = lp.A.shape
    status, message = _MESSAGES[outcome.outcome]
    x = state.z[:n] * col_scale
    where = state.where
    x = np.where(where[:n] == AT_LOWER, lp.col_lower, np.where(where[:n] == AT_UPPER,
                                                                lp.col_upper, x))
    row_dual = sign * state.d[n:] * row_scale
    col_dual = sign * state.d[:n] / col_scale
    col_basis = where[:n].astype(np.int64)
    row_basis = where[n:].astype(np.int64)
    result = OptimizeResult(
        x=x, fun=float(lp.c @ x + lp.offset), status=status, success=status == 0,
        message=message, nit=nit, method="simplex", row_activity=lp.A @ x,
        row_dual=row_dual, col_dual=col_dual, row_basis=row_basis, col_basis=col_basis,
        sensitivity=None, farkas=None, ray=None)
    if outcome.outcome == "infeasible" and outcome.certificate is not None:
        farkas = outcome.certificate * row_scale
        result.farkas = farkas / max(np.abs(farkas).max(), 1e-300)
    if outcome.outcome == "unbounded" and outcome.certificate is not None:
        result.ray = outcome.certificate[:n] * col_scale
    return result


def _sensitivity_or_none(lp: LinearProgram, result: OptimizeResult) -> OptimizeResult | None:
    try:
        return compute_sensitivity(lp, result.col_basis, result.row_basis, result.x)
    except (np.linalg.LinAlgError, ValueError, MemoryError):
        return None


def _progress_reporter(callback: Callable, lp: LinearProgram, col_scale: np.ndarray,
                       budget: IterationBudget) -> Callable[[SimplexState], None]:
    def report(state: SimplexState) -> None:
        x = state.z[:lp.num_cols] * col_scale
        callback(OptimizeResult(x=x, fun=float(lp.c @ x + lp.offset), nit=budget.nit,
                                status=0, success=False, message="iterating"))
    return report


def _too_large(lp: LinearProgram, opts: dict) -> OptimizeResult:
    m, n = lp.A.shape
    message = (f"The problem has {m} rows, more than the dense basis inverse of method "
               f"'simplex' handles (option max_dense_rows={opts['max_dense_rows']}); use "
               f"method='interior-point' or 'highs'.")
    return OptimizeResult(x=np.zeros(n), fun=np.nan, status=4, success=False, message=message,
                          nit=0, method="simplex", row_activity=np.zeros(m),
                          row_dual=np.zeros(m), col_dual=np.zeros(n), row_basis=None,
                          col_basis=None, sensitivity=None, farkas=None, ray=None)
