"""The solution stage: a solve's numbers mapped back to the user's names.

`types` holds the dataclasses every report reads; `linear` maps an LP result,
`nonlinear` the results of minimize / root / least squares / curve fit.
"""
from symopt.solution.types import (
    STATUS_NAMES, ConstraintResult, FitData, Infeasibility, MipInfo, Range, Solution,
    VariableResult,
)

__all__ = [
    "STATUS_NAMES", "ConstraintResult", "FitData", "Infeasibility", "MipInfo", "Range",
    "Solution", "VariableResult",
]
