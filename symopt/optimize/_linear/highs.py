"""Delegate LPs (and MILPs) to the HiGHS library through the optional ``highspy`` package.

``method='highs'`` lets HiGHS choose, ``'highs-ds'`` forces its dual simplex and
``'highs-ipm'`` its interior point (with crossover). Results follow the ``solve_lp``
contract; sensitivity ranges come from `symopt.optimize._linear.ranging` applied to HiGHS's
basis, so they mean exactly what the native simplex's mean. Without ``highspy`` these
methods raise an `InputError` saying how to install it.

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[-1, -2], A=[[1, 1]], row_lower=[-np.inf],
...                                row_upper=[4])
>>> res = solve_highs(lp)          # doctest: +SKIP
>>> res.fun                        # doctest: +SKIP
-8.0
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.linear_program import BasisStatus, LinearProgram
from symopt.optimize._linear.ranging import compute_sensitivity
from symopt.optimize.result import OptimizeResult

__all__ = ["solve_highs", "solve_highs_ds", "solve_highs_ipm"]

#: symopt option name -> HiGHS option name
_OPTION_NAMES = {
    "maxiter": "simplex_iteration_limit", "time_limit": "time_limit", "presolve": "presolve",
    "primal_feasibility_tolerance": "primal_feasibility_tolerance",
    "dual_feasibility_tolerance": "dual_feasibility_tolerance",
    "ipm_optimality_tolerance": "ipm_optimality_tolerance", "mip_rel_gap": "mip_rel_gap",
    "disp": "output_flag",
}
_EXTRA_OPTIONS = ("sensitivity",)


def solve_highs(lp: LinearProgram, options: dict | None = None,
                callback: Callable | None = None) -> OptimizeResult:
    """Solve with HiGHS, letting it choose its algorithm (see the module docstring)."""
    return _solve(lp, options, "choose", "highs")


def solve_highs_ds(lp: LinearProgram, options: dict | None = None,
                   callback: Callable | None = None) -> OptimizeResult:
    """Solve with HiGHS's dual simplex."""
    return _solve(lp, options, "simplex", "highs-ds")


def solve_highs_ipm(lp: LinearProgram, options: dict | None = None,
                    callback: Callable | None = None) -> OptimizeResult:
    """Solve with HiGHS's interior point method and crossover."""
    return _solve(lp, options, "ipm", "highs-ipm")


def _import_highspy() -> Any:
    try:
        return importlib.import_module("highspy")
    except ImportError as exc:
        raise InputError("method 'highs' needs the optional package highspy, which is not "
                         "installed; install it with `pip install highspy` (or "
                         "`pip install symopt[highs]`), or use method='simplex'") from exc


def _solve(lp: LinearProgram, options: dict | None, solver: str, name: str) -> OptimizeResult:
    highspy = _import_highspy()
    opts = dict(options or {})
    unknown = sorted(set(opts) - set(_OPTION_NAMES) - set(_EXTRA_OPTIONS))
    if unknown:
        known = ", ".join(sorted(set(_OPTION_NAMES) | set(_EXTRA_OPTIONS)))
        raise InputError(f"unknown option {unknown[0]!r} for method {name!r}; known options: "
                         f"{known}")
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(opts.pop("disp", False)))
    h.setOptionValue("solver", solver)
    want_sensitivity = bool(opts.pop("sensitivity", True))
    for key, value in opts.items():
        if key == "presolve":
            value = "on" if value else "off"
        elif key == "maxiter":
            value = int(value)
        h.setOptionValue(_OPTION_NAMES[key], value)
    h.passModel(_highs_lp(highspy, lp))
    h.run()
    result = _result(highspy, h, lp, name)
    if result.status == 0 and want_sensitivity and result.col_basis is not None \
            and not lp.is_mip:
        try:
            result.sensitivity = compute_sensitivity(lp, result.col_basis, result.row_basis,
                                                     result.x)
        except (np.linalg.LinAlgError, ValueError):
            result.sensitivity = None
    return result


def _highs_lp(highspy: Any, lp: LinearProgram) -> Any:
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
        kinds = [highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                 for flag in np.asarray(lp.integrality)]
        model.integrality_ = kinds
    return model


def _status(highspy: Any, model_status: Any) -> tuple[int, str]:
    S = highspy.HighsModelStatus
    table = {
        S.kOptimal: (0, "Optimization terminated successfully (HiGHS: optimal)."),
        S.kIterationLimit: (1, "Iteration limit reached (HiGHS)."),
        S.kTimeLimit: (1, "Time limit reached (HiGHS)."),
        S.kInfeasible: (2, "The problem is infeasible (HiGHS)."),
        S.kUnbounded: (3, "The problem is unbounded (HiGHS)."),
        S.kUnboundedOrInfeasible: (2, "The problem is infeasible or unbounded (HiGHS); "
                                      "solve with presolve=False to tell which."),
    }
    if model_status in table:
        return table[model_status]
    return 4, f"HiGHS stopped with model status {model_status!s}."


def _result(highspy: Any, h: Any, lp: LinearProgram, name: str) -> OptimizeResult:
    m, n = lp.A.shape
    sign = 1.0 if lp.sense == "min" else -1.0
    status, message = _status(highspy, h.getModelStatus())
    solution = h.getSolution()
    x = np.array(solution.col_value) if len(solution.col_value) == n else np.full(n, np.nan)
    info = h.getInfo()
    result = OptimizeResult(
        x=x, fun=float(lp.c @ x + lp.offset) if np.isfinite(x).all() else np.nan,
        status=status, success=status == 0, message=message,
        nit=int(info.simplex_iteration_count + max(info.ipm_iteration_count, 0)),
        method=name, row_activity=lp.A @ x if np.isfinite(x).all() else np.full(m, np.nan),
        row_dual=sign * np.array(solution.row_dual) if solution.dual_valid else np.zeros(m),
        col_dual=sign * np.array(solution.col_dual) if solution.dual_valid else np.zeros(n),
        row_basis=None, col_basis=None, sensitivity=None, farkas=None, ray=None)
    basis = h.getBasis()
    if basis.valid and not lp.is_mip:
        result.col_basis = _basis_statuses(highspy, basis.col_status)
        result.row_basis = _basis_statuses(highspy, basis.row_status)
    if lp.is_mip:
        result.mip_gap = float(info.mip_gap)
        result.mip_dual_bound = sign * float(info.mip_dual_bound)
        result.mip_node_count = int(info.mip_node_count)
    return result


def _basis_statuses(highspy: Any, statuses: Any) -> np.ndarray:
    B = highspy.HighsBasisStatus
    table = {B.kBasic: BasisStatus.BASIC, B.kLower: BasisStatus.AT_LOWER,
             B.kUpper: BasisStatus.AT_UPPER, B.kZero: BasisStatus.ZERO}
    return np.array([int(table.get(s, BasisStatus.AT_LOWER)) for s in statuses],
                    dtype=np.int64)
