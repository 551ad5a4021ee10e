"""HiGHS, the default engine for LPs and MILPs, behind the ``solve_lp`` contract.

``method='highs'`` lets HiGHS choose, ``'highs-ds'`` forces its dual simplex and
``'highs-ipm'`` its interior point (with crossover). HiGHS gives values, duals and the
final basis; sensitivity ranges come from HiGHS's own ``getRanging`` of that basis
(`symopt.optimize._linear.highs_ranging`, in symopt's fields and conventions; it agrees
with symopt's own `symopt.optimize._linear.ranging`, which the native methods use), the
Farkas certificate from HiGHS's dual ray, the unbounded direction from its primal ray. A MILP's duals, basis and
ranges are those of the LP with the integer columns fixed at the incumbent.

Warm start: the option ``basis=(col_basis, row_basis)`` (`BasisStatus` arrays, e.g. a
previous result's ``col_basis``/``row_basis``) is handed to HiGHS before it runs, so a
re-solve after a change of costs, bounds or right-hand sides starts from that basis.

HiGHS's model statuses map one to one onto symopt's (`STATUS_TABLE`, also in
docs/design.md). Any error HiGHS raises comes back as status 4 with HiGHS's words in
``message``, never as an exception.

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[-1, -2], A=[[1, 1]], row_lower=[-np.inf],
...                                row_upper=[4])
>>> res = solve_highs(lp)
>>> res.status, res.fun, res.row_dual.tolist()
(0, -8.0, [-2.0])
"""
from __future__ import annotations

import os
import sys
from dataclasses import replace
from operator import index
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize._linear.highs_ranging import highs_sensitivity
from symopt.optimize._linear.ranging import compute_sensitivity
from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.optimize.methods import check_options
from symopt.optimize.result import OptimizeResult

__all__ = ["solve_highs", "solve_highs_ds", "solve_highs_ipm", "STATUS_TABLE", "new_highs",
           "highs_model", "pass_model", "current_basis"]

import highspy

#: HiGHS model status -> (symopt status, what it means); one row per HiGHS status
STATUS_TABLE: dict[str, tuple[int, str]] = {
    "kOptimal": (0, "Optimization terminated successfully"),
    "kModelEmpty": (0, "Optimization terminated successfully (the model is empty)"),
    "kTimeLimit": (1, "Time limit reached"),
    "kIterationLimit": (1, "Iteration limit reached"),
    "kSolutionLimit": (1, "Node or solution limit reached"),
    "kInterrupt": (1, "Interrupted by the user"),
    "kHighsInterrupt": (1, "Interrupted by the user"),
    "kObjectiveBound": (1, "Objective bound reached"),
    "kObjectiveTarget": (1, "Objective target reached"),
    "kInfeasible": (2, "The problem is infeasible"),
    "kUnbounded": (3, "The problem is unbounded"),
    "kUnboundedOrInfeasible": (4, "The problem is infeasible or unbounded; HiGHS could not "
                                  "tell which, even without presolve"),
    "kNotset": (4, "HiGHS set no status"),
    "kLoadError": (4, "HiGHS could not load the model"),
    "kModelError": (4, "HiGHS found the model invalid"),
    "kPresolveError": (4, "HiGHS failed in presolve"),
    "kSolveError": (4, "HiGHS failed in its solver"),
    "kPostsolveError": (4, "HiGHS failed in postsolve"),
    "kUnknown": (4, "HiGHS stopped with an unknown status"),
    "kMemoryLimit": (4, "HiGHS ran out of memory"),
}

#: symopt option name -> HiGHS option name
_OPTION_NAMES = {
    "maxiter": "simplex_iteration_limit", "time_limit": "time_limit", "presolve": "presolve",
    "primal_feasibility_tolerance": "primal_feasibility_tolerance",
    "dual_feasibility_tolerance": "dual_feasibility_tolerance",
    "ipm_optimality_tolerance": "ipm_optimality_tolerance", "mip_rel_gap": "mip_rel_gap",
    "node_limit": "mip_max_nodes", "disp": "output_flag",
}
_EXTRA_OPTIONS = ("sensitivity", "basis")
_banner_silenced = False


def solve_highs(lp: LinearProgram, options: dict | None = None,
                callback: Callable | None = None) -> OptimizeResult:
    """Solve with HiGHS, letting it choose its algorithm (see the module docstring)."""
    return _solve(lp, options, callback, "choose", "highs")


def solve_highs_ds(lp: LinearProgram, options: dict | None = None,
                   callback: Callable | None = None) -> OptimizeResult:
    """Solve with HiGHS's dual simplex."""
    return _solve(lp, options, callback, "simplex", "highs-ds")


def solve_highs_ipm(lp: LinearProgram, options: dict | None = None,
                    callback: Callable | None = None) -> OptimizeResult:
    """Solve with HiGHS's interior point method and crossover."""
    return _solve(lp, options, callback, "ipm", "highs-ipm")


def new_highs(disp: bool = False) -> Any:
    """A quiet `highspy.Highs` (its one-time start-up banner never reaches stdout)."""
    global _banner_silenced
    if _banner_silenced:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_silenced = True
    h.setOptionValue("output_flag", bool(disp))
    return h


def _solve(lp: LinearProgram, options: dict | None, callback: Callable | None,
           solver: str, name: str) -> OptimizeResult:
    opts = _checked_options(options, name)
    h = new_highs(bool(opts.pop("disp", False)))
    want_sensitivity = bool(opts.pop("sensitivity", True))
    basis = opts.pop("basis", None)
    try:
        _configure(h, solver, opts)
        _check(pass_model(h, lp), "passModel")
        if basis is not None and not lp.is_mip:
            _set_basis(h, lp, basis)
        if callback is not None and lp.is_mip:
            _watch_mip(h, callback, -1.0 if lp.sense == "max" else 1.0)
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            h.setOptionValue("presolve", "off")   # presolve could not tell which: ask again
            h.run()
        result = _result(h, lp, name)
        _add_certificates(h, lp, result)
        if result.status == 0 and want_sensitivity and result.col_basis is not None:
            result.sensitivity = _sensitivity(h, lp, result)
    except (highspy.HighsError, RuntimeError, ValueError, TypeError, KeyError, IndexError) as exc:
        return _error_result(lp, name, f"HiGHS failed: {exc}")
    if result.status == 0 and lp.is_mip:
        _fixed_integer_duals(lp, result, {**opts, "sensitivity": want_sensitivity})
    return result


def _checked_options(options: dict | None, name: str) -> dict:
    opts = dict(options or {})
    check_options(opts, set(_OPTION_NAMES) | set(_EXTRA_OPTIONS), f"method {name!r}")
    if opts.get("basis") is not None:
        opts["basis"] = _checked_basis(opts["basis"])
    for key in ("maxiter", "node_limit", "time_limit", "mip_rel_gap"):
        value = opts.get(key)
        try:
            ok = value is None or float(value) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise InputError(f"option {key!r} must be a nonnegative number, got {value!r}")
    return opts


def _checked_basis(basis: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        col_basis, row_basis = (np.asarray(b, dtype=np.int64) for b in basis)
    except (TypeError, ValueError) as exc:
        raise InputError("option 'basis' must be a pair (col_basis, row_basis) of BasisStatus "
                         f"arrays, e.g. a previous result's: {exc}") from exc
    allowed = [int(s) for s in BasisStatus]
    for label, values in (("col_basis", col_basis), ("row_basis", row_basis)):
        bad = values[~np.isin(values, allowed)]
        if bad.size:
            raise InputError(f"option 'basis': {label} holds {int(bad[0])}, not a BasisStatus "
                             f"({', '.join(f'{s.name}={int(s)}' for s in BasisStatus)})")
    return col_basis, row_basis


def _configure(h: Any, solver: str, opts: dict) -> None:
    h.setOptionValue("solver", solver)
    for key, value in opts.items():
        if value is None:
            continue
        if key == "presolve":
            value = "on" if value else "off"
        elif key in ("maxiter", "node_limit"):
            value = int(value)
        elif key in ("time_limit", "mip_rel_gap") or key.endswith("tolerance"):
            value = float(value)
        _check(h.setOptionValue(_OPTION_NAMES[key], value), f"option {key}")


def _check(status: Any, what: str) -> None:
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"{what} was rejected")


def highs_model(lp: LinearProgram) -> Any:
    """The `highspy.HighsLp` of ``lp`` (always a minimisation: max problems are negated)."""
    model = highspy.HighsLp()
    m, n = lp.A.shape
    sign = 1.0 if lp.sense == "min" else -1.0
    model.num_col_, model.num_row_ = n, m
    model.col_cost_ = sign * lp.c
    model.offset_ = sign * lp.offset
    model.col_lower_, model.col_upper_ = lp.col_lower, lp.col_upper
    model.row_lower_, model.row_upper_ = lp.row_lower, lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = n, m
    model.a_matrix_.start_ = lp.A.indptr.astype(np.int32)
    model.a_matrix_.index_ = lp.A.indices.astype(np.int32)
    model.a_matrix_.value_ = lp.A.data
    if lp.is_mip:
        model.integrality_ = [highspy.HighsVarType.kInteger if flag
                              else highspy.HighsVarType.kContinuous
                              for flag in np.asarray(lp.integrality)]
    return model


def pass_model(h: Any, lp: LinearProgram) -> Any:
    """Load ``lp`` into ``h`` as `highs_model` describes it, straight from its arrays (no
    `highspy.HighsLp` in between: filling one converts every array, 0.8 ms on SCTAP2)."""
    sign = 1.0 if lp.sense == "min" else -1.0
    A = lp.A
    integrality = (np.zeros(lp.num_cols, dtype=np.int32) if not lp.is_mip  # n entries
                   else (np.asarray(lp.integrality) != 0).astype(np.int32))  # (HiGHS reads n)
    return h.passModel(
        lp.num_cols, lp.num_rows, A.nnz, int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize), float(sign * lp.offset),
        np.ascontiguousarray(sign * lp.c, dtype=float), _floats(lp.col_lower),
        _floats(lp.col_upper), _floats(lp.row_lower), _floats(lp.row_upper),
        A.indptr.astype(np.int32), A.indices.astype(np.int32), _floats(A.data), integrality)


def _floats(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=float)


def status_of(h: Any) -> tuple[int, str]:
    """symopt's status and message for HiGHS's model status (see `STATUS_TABLE`)."""
    key = h.getModelStatus().name
    status, words = STATUS_TABLE.get(key, (4, "HiGHS stopped with a status symopt does not know"))
    return status, f"{words} (HiGHS status {key})."


def _result(h: Any, lp: LinearProgram, name: str) -> OptimizeResult:
    m, n = lp.A.shape
    sign = 1.0 if lp.sense == "min" else -1.0
    status, message = status_of(h)
    solution = h.getSolution()
    info = h.getInfo()
    col_value = solution.col_value if solution.value_valid else None   # a list per access
    x = np.array(col_value) + 0.0 if col_value is not None and len(col_value) == n else None
    if status == 1 and x is None:
        message += " No feasible point was found."
    result = OptimizeResult(
        x=x if status in (0, 1) else None,
        fun=float(lp.c @ x + lp.offset) if status in (0, 1) and x is not None else None,
        status=status, success=status == 0, message=message,
        nit=int(max(info.simplex_iteration_count, 0) + max(info.ipm_iteration_count, 0)),
        method=name, row_activity=lp.A @ x if x is not None else None,
        row_dual=sign * np.array(solution.row_dual) + 0.0 if solution.dual_valid else None,
        col_dual=sign * np.array(solution.col_dual) + 0.0 if solution.dual_valid else None,
        row_basis=None, col_basis=None, sensitivity=None, farkas=None, ray=None)
    basis = h.getBasis()
    if status == 0 and basis.valid and not lp.is_mip:
        result.col_basis = _basis_statuses(basis.col_status)
        result.row_basis = _basis_statuses(basis.row_status)
    if lp.is_mip:
        _mip_fields(result, info, sign, x is not None)
    return result


def _mip_fields(result: OptimizeResult, info: Any, sign: float, has_incumbent: bool) -> None:
    bound = float(info.mip_dual_bound)
    result.mip_dual_bound = sign * bound if np.isfinite(bound) and result.status != 2 else None
    result.mip_node_count = int(info.mip_node_count)
    gap = float(info.mip_gap)
    result.mip_gap = gap if has_incumbent and np.isfinite(gap) else None
    result.row_dual = result.col_dual = None


def _error_result(lp: LinearProgram, name: str, message: str) -> OptimizeResult:
    result = OptimizeResult(x=None, fun=None, status=4, success=False, message=message, nit=0,
                            method=name, row_activity=None, row_dual=None, col_dual=None,
                            row_basis=None, col_basis=None, sensitivity=None, farkas=None,
                            ray=None)
    if lp.is_mip:
        result.update(mip_gap=None, mip_dual_bound=None, mip_node_count=0)
    return result


def _add_certificates(h: Any, lp: LinearProgram, result: OptimizeResult) -> None:
    """Farkas multipliers (status 2) and an unbounded direction (status 3) of an LP."""
    if lp.is_mip or result.status not in (2, 3):
        return
    getter = h.getDualRay if result.status == 2 else h.getPrimalRay
    _, found, values = getter()
    if not found:
        h.setOptionValue("presolve", "off")   # a presolve verdict carries no ray: re-solve
        h.setOptionValue("solver", "simplex")
        h.run()
        _, found, values = getter()
    if not found:
        return
    values = np.asarray(values, dtype=float) + 0.0
    if result.status == 2:
        result.farkas = values / max(np.abs(values).max(), 1e-300)
    else:
        result.ray = values / max(np.abs(values).max(), 1e-300)


def _set_basis(h: Any, lp: LinearProgram, basis: Any) -> None:
    col_basis, row_basis = (np.asarray(b, dtype=np.int64) for b in basis)
    if col_basis.shape != (lp.num_cols,) or row_basis.shape != (lp.num_rows,):
        return  # the model changed shape: a cold start is the honest choice
    warm = highspy.HighsBasis()
    to_highs = {int(v): k for k, v in _FROM_HIGHS.items()}
    warm.col_status = [to_highs[int(s)] for s in col_basis]
    warm.row_status = [to_highs[int(s)] for s in row_basis]
    warm.valid = True
    h.setBasis(warm)


_B = highspy.HighsBasisStatus
_FROM_HIGHS = {_B.kBasic: BasisStatus.BASIC, _B.kLower: BasisStatus.AT_LOWER,
               _B.kUpper: BasisStatus.AT_UPPER, _B.kZero: BasisStatus.ZERO}


def current_basis(h: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """``h``'s basis after a run as `BasisStatus` arrays (columns, rows); None if it has none."""
    basis = h.getBasis()
    if not basis.valid:
        return None
    return _basis_statuses(basis.col_status), _basis_statuses(basis.row_status)


#: HiGHS basis status code -> `BasisStatus` code (kNonbasic and any later code: at lower)
_CODE_FROM_HIGHS = np.full(max(int(k) for k in _FROM_HIGHS) + 2, int(BasisStatus.AT_LOWER))
for _status, _ours in _FROM_HIGHS.items():
    _CODE_FROM_HIGHS[int(_status)] = int(_ours)


def _basis_statuses(statuses: Any) -> np.ndarray:
    codes = np.fromiter(map(index, statuses), dtype=np.int64, count=len(statuses))
    return _CODE_FROM_HIGHS[np.clip(codes, 0, _CODE_FROM_HIGHS.size - 1)]


def _sensitivity(h: Any, lp: LinearProgram, result: OptimizeResult) -> OptimizeResult | None:
    """HiGHS's own ranging of its final basis (milliseconds); symopt's sparse-LU ranging
    of that basis only if HiGHS has none."""
    sensitivity = highs_sensitivity(h, lp, result.row_basis, result.row_activity)
    if sensitivity is not None:
        return sensitivity
    try:
        return compute_sensitivity(lp, result.col_basis, result.row_basis, result.x)
    except (np.linalg.LinAlgError, ValueError, RuntimeError):
        return None


def _fixed_integer_duals(lp: LinearProgram, result: OptimizeResult, opts: dict) -> None:
    """Duals, basis and ranges of the LP with the integer columns fixed at the incumbent."""
    integer = np.flatnonzero(np.asarray(lp.integrality) != 0)
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[integer] = upper[integer] = np.round(result.x[integer])
    fixed = replace(lp, col_lower=lower, col_upper=upper, integrality=None)
    kept = {k: v for k, v in opts.items() if k in ("time_limit", "sensitivity")}
    final = _solve(fixed, kept, None, "simplex", "highs-ds")
    if final.status == 0:
        result.row_dual, result.col_dual = final.row_dual, final.col_dual
        result.row_basis, result.col_basis = final.row_basis, final.col_basis
        result.sensitivity = final.sensitivity
        result.fixed_integer_duals = True


def _watch_mip(h: Any, callback: Callable, sign: float) -> None:
    """Report MILP progress (incumbent, bound, gap, nodes, time) to ``callback``."""
    def on_interrupt(event: Any) -> None:
        out = event.data_out
        primal, dual = float(out.mip_primal_bound), float(out.mip_dual_bound)
        callback(OptimizeResult(
            fun=sign * primal if np.isfinite(primal) else None,
            mip_dual_bound=sign * dual if np.isfinite(dual) else None,
            mip_gap=float(out.mip_gap) if np.isfinite(primal) else None,
            mip_node_count=int(out.mip_node_count), time=float(out.running_time)))
    h.cbMipInterrupt.subscribe(on_interrupt)
