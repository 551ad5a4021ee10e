"""symopt.optimize: numpy implementations of scipy.optimize's core, with scipy's signatures.

Switching from scipy is one import::

    from symopt.optimize import minimize, root, least_squares, curve_fit, linprog

This package knows nothing of models or sympy. Names are imported on first use so that
``import symopt.optimize`` stays cheap.
"""
from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_EXPORTS = {
    "OptimizeResult": "symopt.optimize.result",
    "OptimizeWarning": "symopt.optimize.result",
    "LinearProgram": "symopt.optimize.linear_program",
    "BasisStatus": "symopt.optimize.linear_program",
    "METHODS": "symopt.optimize.methods",
    "approx_derivative": "symopt.optimize.finite_differences",
    "Bounds": "symopt.optimize.constraints",
    "LinearConstraint": "symopt.optimize.constraints",
    "NonlinearConstraint": "symopt.optimize.constraints",
    "minimize": "symopt.optimize._minimize",
    "root": "symopt.optimize._root",
    "least_squares": "symopt.optimize._least_squares",
    "curve_fit": "symopt.optimize._curve_fit",
    "linprog": "symopt.optimize._linprog",
    "milp": "symopt.optimize._milp",
    "solve_lp": "symopt.optimize._linprog",
    "certify_basis": "symopt.optimize._linear.exact",
    "diagnose_lp": "symopt.optimize._linear.diagnosis",
    "LPDiagnosis": "symopt.optimize._linear.diagnosis",
    "find_iis": "symopt.optimize._linear.infeasibility",
    "farkas_certificate": "symopt.optimize._linear.infeasibility",
    "find_unbounded_ray": "symopt.optimize._linear.infeasibility",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'symopt.optimize' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
