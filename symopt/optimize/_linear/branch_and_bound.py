"""Branch and bound for mixed-integer LPs, on warm-started simplex solves.

Each node is the LP relaxation with tightened column bounds, solved by `solve_simplex`
from its parent's optimal basis (a bound change keeps that basis dual feasible, so the
dual simplex needs few pivots). The search plunges depth-first into the child on the
side the fractional value rounds to, until that dive ends (integral, infeasible or
pruned), then resumes from the open node with the best bound; this finds incumbents
early and still closes the gap. Branching is on the most fractional integer column.

Options: ``time_limit`` (seconds), ``node_limit``, ``mip_rel_gap`` (1e-4, as HiGHS),
``integrality_tolerance`` (1e-6), ``disp``, ``presolve`` (accepted; no effect). On a
limit the result has status 1 and the best incumbent found, if any. When the objective
is integral at every integer point (integer costs on integer columns only), node bounds
are rounded up (3.7 -> 4), which proves such an incumbent optimal much sooner. The result holds
``mip_gap``, ``mip_dual_bound`` and ``mip_node_count`` as scipy's ``milp``; the duals and
basis are those of the LP with the integer columns fixed at the incumbent.

>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[-1, -1], A=[[2, 2]], row_upper=[5],
...                                integrality=np.array([1, 1]))
>>> res = solve_milp(lp)
>>> res.status, res.fun, res.mip_node_count >= 1
(0, -2.0, True)
"""
from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.linear_program import LinearProgram
from symopt.optimize.methods import check_options
from symopt.optimize.result import OptimizeResult
from symopt.optimize._linear.simplex import solve_simplex

__all__ = ["solve_milp"]

_DEFAULTS: dict[str, Any] = {"time_limit": None, "node_limit": None, "mip_rel_gap": 1e-4,
                             "integrality_tolerance": 1e-6, "disp": False, "presolve": True}


@dataclass
class _Node:
    bound: float            # parent's relaxation value (minimisation sense)
    depth: int
    lower: np.ndarray
    upper: np.ndarray
    basis: tuple | None


class _Search:
    """Incumbent, open nodes and counters of one branch-and-bound run."""

    def __init__(self, lp: LinearProgram, opts: dict):
        self.lp, self.opts = lp, opts
        self.sign = -1.0 if lp.sense == "max" else 1.0
        self.integer = np.flatnonzero(np.asarray(lp.integrality) != 0)
        self.best_x: np.ndarray | None = None
        self.best_value = math.inf       # minimisation sense, without the offset
        self.heap: list = []
        self.counter = 0
        self.nodes = 0
        self.simplex_iterations = 0
        self.numerical_failures = 0
        self.start = time.perf_counter()
        self.integral_objective = _has_integral_objective(lp, self.integer)

    def push(self, node: _Node) -> None:
        self.counter += 1
        heapq.heappush(self.heap, (node.bound, self.counter, node))

    def open_bound(self) -> float:
        return self.rounded(min((entry[0] for entry in self.heap), default=math.inf))

    def rounded(self, bound: float) -> float:
        """A node bound, rounded up when every feasible objective value is an integer."""
        if self.integral_objective and math.isfinite(bound):
            return float(math.ceil(bound - 1e-6))
        return bound

    def prunable(self, bound: float) -> bool:
        bound = self.rounded(bound)
        if not math.isfinite(self.best_value):
            return False
        slack = max(1e-9, self.opts["mip_rel_gap"] * abs(self.best_value + self.offset))
        return bound >= self.best_value - slack

    @property
    def offset(self) -> float:
        return self.sign * self.lp.offset

    def out_of_budget(self) -> str | None:
        limit = self.opts["node_limit"]
        if limit is not None and self.nodes >= limit:
            return f"node limit {limit} reached"
        seconds = self.opts["time_limit"]
        if seconds is not None and time.perf_counter() - self.start >= seconds:
            return f"time limit {seconds} s reached"
        return None


def solve_milp(lp: LinearProgram, options: dict | None = None,
               callback: Callable[..., Any] | None = None) -> OptimizeResult:
    """Solve a MILP by branch and bound; see the module docstring.

    Parameters
    ----------
    lp : LinearProgram
        The problem, with ``integrality`` marking integer columns (nonzero entries).
    options : dict, optional
        ``time_limit``, ``node_limit``, ``mip_rel_gap``, ``integrality_tolerance``, ``disp``.
    callback : callable, optional
        Called after each node with an `OptimizeResult` (``x``, ``fun``,
        ``mip_node_count``, ``mip_dual_bound``, ``mip_gap``).

    Returns
    -------
    OptimizeResult
        The ``solve_lp`` fields plus ``mip_gap``, ``mip_dual_bound``, ``mip_node_count``.
    """
    opts = _options(options)
    search = _Search(lp, opts)
    lower, upper = _integral_bounds(lp, search.integer)
    if np.any(lower > upper):
        j = int(np.flatnonzero(lower > upper)[0])
        return _finish(search, 2, f"infeasible: integer column {lp.col_names[j]!r} has no "
                                  "integer value within its bounds")
    search.push(_Node(-math.inf, 0, lower, upper, None))
    stop = None
    node: _Node | None = None
    while search.heap or node is not None:
        stop = search.out_of_budget()
        if stop is not None:
            if node is not None:
                search.push(node)
            break
        if node is None:
            node = heapq.heappop(search.heap)[2]
        if search.prunable(node.bound):
            node = None
            continue
        outcome = _solve_node(search, node)
        if outcome == "unbounded" and search.nodes == 1:
            return _finish(search, 3, "the LP relaxation is unbounded")
        node = outcome if isinstance(outcome, _Node) else None
        if callback is not None:
            callback(_progress(search))
    if stop is not None:
        return _finish(search, 1, stop)
    if search.numerical_failures:
        return _finish(search, 4, f"numerical difficulties: {search.numerical_failures} node LP(s) "
                                  "failed, so the search is incomplete (best incumbent kept)")
    if search.best_x is None:
        return _finish(search, 2, "the problem is infeasible (no integer solution exists)")
    return _finish(search, 0, "optimal (branch and bound closed the gap)")


def _options(options: dict | None) -> dict:
    check_options(options, _DEFAULTS, "MILP branch and bound")
    opts = {**_DEFAULTS, **(options or {})}
    for key in ("time_limit", "node_limit"):
        if opts[key] is not None and not float(opts[key]) >= 0:
            raise InputError(f"option {key!r} must be a nonnegative number, got {opts[key]!r}")
    return opts


def _has_integral_objective(lp: LinearProgram, integer: np.ndarray) -> bool:
    """True when c @ x is an integer at every integer point (integer costs on integer
    columns, none on continuous ones), so bounds may be rounded up."""
    cost = np.asarray(lp.c, dtype=float)
    continuous = np.ones(cost.size, dtype=bool)
    continuous[integer] = False
    return bool(np.all(cost[continuous] == 0) and np.all(cost[integer] == np.round(cost[integer])))


def _integral_bounds(lp: LinearProgram, integer: np.ndarray):
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[integer] = np.ceil(lower[integer] - 1e-9)
    upper[integer] = np.floor(upper[integer] + 1e-9)
    return lower, upper


def _solve_node(search: _Search, node: _Node):
    """Solve one node; return the child to plunge into, 'unbounded', or None."""
    search.nodes += 1
    relaxed = replace(search.lp, col_lower=node.lower, col_upper=node.upper, integrality=None)
    options: dict[str, Any] = {"sensitivity": False}
    if search.opts["time_limit"] is not None:
        elapsed = time.perf_counter() - search.start
        options["time_limit"] = max(float(search.opts["time_limit"]) - elapsed, 0.0)
    result = solve_simplex(relaxed, options=options, basis=node.basis)
    search.simplex_iterations += int(result.nit or 0)
    if result.status == 3:
        return "unbounded"
    if result.status != 0:
        if result.status == 1:
            search.push(node)   # unfinished: keep it open so the bound stays valid
        elif result.status == 4:
            search.numerical_failures += 1
        return None
    value = search.sign * (result.fun - search.lp.offset)
    if search.prunable(value):
        return None
    x = result.x
    fractional = _most_fractional(x, search.integer, search.opts["integrality_tolerance"])
    if fractional is None:
        x = x.copy()
        x[search.integer] = np.round(x[search.integer])
        search.best_x, search.best_value = x, value
        return None
    return _branch(search, node, fractional, x[fractional], value,
                   (result.col_basis, result.row_basis))


def _most_fractional(x: np.ndarray, integer: np.ndarray, tol: float) -> int | None:
    if integer.size == 0:
        return None
    part = x[integer] - np.floor(x[integer])
    distance = np.minimum(part, 1.0 - part)
    k = int(np.argmax(distance))
    return int(integer[k]) if distance[k] > tol else None


def _branch(search: _Search, node: _Node, j: int, value: float, bound: float, basis) -> _Node:
    down_upper = node.upper.copy()
    down_upper[j] = math.floor(value)
    up_lower = node.lower.copy()
    up_lower[j] = math.ceil(value)
    down = _Node(bound, node.depth + 1, node.lower, down_upper, basis)
    up = _Node(bound, node.depth + 1, up_lower, node.upper, basis)
    first, second = (up, down) if value - math.floor(value) >= 0.5 else (down, up)
    search.push(second)
    return first


def _progress(search: _Search) -> OptimizeResult:
    bound, gap = _bound_and_gap(search)
    fun = None if search.best_x is None else search.sign * search.best_value + search.lp.offset
    return OptimizeResult(x=search.best_x, fun=fun, mip_node_count=search.nodes,
                          mip_dual_bound=bound, mip_gap=gap)


def _bound_and_gap(search: _Search) -> tuple[float, float]:
    open_bound = min(search.open_bound(), search.best_value)
    dual_bound = search.sign * open_bound + search.lp.offset
    if search.best_x is None:
        return dual_bound, math.inf
    primal = search.sign * search.best_value + search.lp.offset
    gap = abs(primal - dual_bound) / max(abs(primal), 1e-300) if primal != dual_bound else 0.0
    return dual_bound, gap


def _finish(search: _Search, status: int, message: str) -> OptimizeResult:
    lp = search.lp
    bound, gap = _bound_and_gap(search)
    result = OptimizeResult(
        x=None, fun=None, status=status, success=status == 0, message=message,
        nit=search.simplex_iterations, method="milp", row_activity=None, row_dual=None,
        col_dual=None, row_basis=None, col_basis=None, sensitivity=None,
        mip_gap=gap if search.best_x is not None else None,
        mip_dual_bound=bound if status != 2 else None, mip_node_count=search.nodes)
    if search.best_x is not None:
        result.x = search.best_x
        result.fun = float(lp.c @ search.best_x + lp.offset)
        result.row_activity = lp.A @ search.best_x
        _fixed_lp_duals(search, result)
    if status == 0:
        result.mip_gap = max(0.0, gap)
    return result


def _fixed_lp_duals(search: _Search, result: OptimizeResult) -> None:
    """Duals and basis of the LP with the integer columns fixed at the incumbent."""
    lp, x = search.lp, search.best_x
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[search.integer] = upper[search.integer] = x[search.integer]
    fixed = replace(lp, col_lower=lower, col_upper=upper, integrality=None)
    try:
        final = solve_simplex(fixed)
    except (np.linalg.LinAlgError, ValueError):
        return
    if final.status == 0:
        result.row_dual, result.col_dual = final.row_dual, final.col_dual
        result.row_basis, result.col_basis = final.row_basis, final.col_basis
        result.sensitivity = final.sensitivity
        result.fixed_integer_duals = True
