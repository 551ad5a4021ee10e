"""`Solution`: a solve's numbers in the user's terms — the one input of every report.

The solve pipeline fills a `Solution` from the solver's `OptimizeResult`, undoing
sign flips (maximize), orderings and slack conventions here and nowhere else, so
reports, the CLI and the model's write-back all read the same, already-mapped values.

Sign conventions (stated once, relied on by reports):
* ``ConstraintResult.dual`` is the shadow price: the change of the objective, in the
  model's own sense, per unit increase of the constraint's right-hand side (its active
  bound). For a binding ``<=`` row of a max problem it is >= 0; of a min problem <= 0.
* ``VariableResult.reduced_cost`` is the change of the objective per unit increase of
  the variable's active bound (zero for basic variables).
* ``slack`` is the distance from the body to the nearest finite bound (>= 0 when feasible).

>>> v = VariableResult(name="x[1]", component="x", index=(1,), value=2.0)
>>> v.value
2.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symopt.status import DESCRIPTIONS, Status

__all__ = [
    "Range", "VariableResult", "ConstraintResult", "FitData", "Infeasibility",
    "MipInfo", "Solution", "STATUS_NAMES", "identify", "slack_of",
]

#: Status -> its meaning in words, shared with the CLI and reports (`symopt.status`).
STATUS_NAMES = DESCRIPTIONS


def identify(entity: Any, name: str) -> tuple[str, tuple]:
    """``(component, index)`` of the object behind a column or row, never parsed from a name.

    A model variable or constraint knows its component and index (set members exactly as
    declared: ``Set(["1", "a,b"])`` gives the indices ``('1',)`` and ``('a,b',)``); anything
    else (a column read from a file, a sympy symbol) is its own component with no index.

    >>> identify(None, "ship[a,b]")
    ('ship[a,b]', ())
    """
    component = getattr(entity, "component", None)
    if isinstance(component, str):
        return component, tuple(getattr(entity, "index", ()) or ())
    return name, ()


def slack_of(body: float, lower: float, upper: float) -> float:
    """Distance from ``body`` to the nearest finite bound (inf for a free row)."""
    gaps = [g for g, bound in ((upper - body, upper), (body - lower, lower)) if math.isfinite(bound)]
    return float(min(gaps)) if gaps else float("inf")


@dataclass(frozen=True)
class Range:
    """A sensitivity range: the basis stays optimal while the number stays in [lower, upper].

    ``objective_at_lower``/``objective_at_upper`` give the objective at each end and
    ``change_at_lower``/``change_at_upper`` name the variable or constraint that enters
    or leaves the basis there (None when the range is unbounded on that side).
    """

    current: float
    lower: float
    upper: float
    objective_at_lower: float | None = None
    objective_at_upper: float | None = None
    change_at_lower: str | None = None
    change_at_upper: str | None = None

    @property
    def allowable_increase(self) -> float:
        return self.upper - self.current

    @property
    def allowable_decrease(self) -> float:
        return self.current - self.lower


@dataclass
class VariableResult:
    """One scalar variable after a solve."""

    name: str                     # e.g. "ship[seattle,chicago]"
    component: str                # e.g. "ship"
    index: tuple = ()
    value: float = float("nan")
    lower: float = -np.inf
    upper: float = np.inf
    is_integer: bool = False
    reduced_cost: float | None = None
    basis: str | None = None      # "basic", "at lower", "at upper", "free" (LP only)
    cost: float | None = None     # objective coefficient (LP only)
    cost_range: Range | None = None
    of: Any = field(default=None, repr=False, compare=False)  # the model variable, if any


@dataclass
class ConstraintResult:
    """One scalar constraint after a solve."""

    name: str
    component: str
    index: tuple = ()
    body: float = float("nan")    # the activity: value of the constraint's expression
    lower: float = -np.inf
    upper: float = np.inf
    slack: float = float("nan")
    dual: float | None = None     # shadow price, see the module docstring
    basis: str | None = None
    rhs_range: Range | None = None
    of: Any = field(default=None, repr=False, compare=False)  # the model constraint, if any

    @property
    def binding(self) -> bool:
        """True when the body sits on a finite bound (within 1e-7 relative)."""
        scale = 1e-7 * max(1.0, abs(self.body))
        return bool(abs(self.body - self.lower) <= scale or abs(self.body - self.upper) <= scale)


@dataclass
class FitData:
    """What a fit report needs: data, model values, parameters and their covariance."""

    parameter_names: list[str]
    parameters: np.ndarray
    covariance: np.ndarray | None          # None or inf-filled when it cannot be estimated
    independent: dict[str, np.ndarray]     # independent variable name(s) -> data
    dependent_name: str
    observed: np.ndarray
    predicted: np.ndarray
    sigma: np.ndarray | None = None
    absolute_sigma: bool = False
    expression: str = ""                   # the model formula as text, for the report title

    @property
    def residuals(self) -> np.ndarray:
        return self.observed - self.predicted


@dataclass
class Infeasibility:
    """Why an LP is infeasible: an irreducible infeasible subset and a Farkas certificate."""

    constraints: list[str]                 # names of constraints in the IIS
    bounds: list[str]                      # names of variables whose bounds are in the IIS
    certificate: dict[str, float]          # constraint name -> multiplier of the Farkas combination
    explanation: str = ""                  # the combination written out as a contradiction


@dataclass
class MipInfo:
    """Branch-and-bound figures for a MILP."""

    incumbent: float
    bound: float
    gap: float
    nodes: int


@dataclass
class Solution:
    """A solve's outcome in the user's names; see the module docstring for conventions."""

    model_name: str
    problem_class: str                     # "LP", "MILP", "NLP", "bound-constrained NLP", ...
    status: Status                         # a str enum: solution.status == "optimal" works
    success: bool
    message: str
    solver: str                            # e.g. "symopt.optimize.linprog"
    method: str                            # e.g. "simplex"
    objective: float | None = None
    objective_name: str = ""
    sense: str = "min"
    variables: list[VariableResult] = field(default_factory=list)
    constraints: list[ConstraintResult] = field(default_factory=list)
    route: Any = None                      # the routing Plan (has .explain())
    iterations: int | None = None
    evaluations: dict[str, int] = field(default_factory=dict)   # nfev, njev, nhev
    timings: dict[str, float] = field(default_factory=dict)     # seconds per stage
    sizes: dict[str, int] = field(default_factory=dict)         # variables, constraints, nonzeros
    warnings: list[str] = field(default_factory=list)
    # optional parts, present when they apply
    degenerate: bool = False
    alternative_optima: bool = False
    infeasibility: Infeasibility | None = None
    unbounded_ray: dict[str, float] | None = None
    mip: MipInfo | None = None
    fit: FitData | None = None
    gradient_norm: float | None = None
    residual_norm: float | None = None
    max_violation: float | None = None
    history: list[float] = field(default_factory=list)          # objective per iteration
    exact: Any = None                                           # ExactAnswer (solve(exact=True))
    model: Any = None                                           # the Model solved (None for files read as LPs)
    parametric: Any = None                                      # ParametricAnswer (symbolic Params, LP)
    sensitivity: Any = None                                     # NLPSensitivity (symbolic Params, NLP)
    kkt: Any = None                                             # KKTDiagnosis at the returned NLP point
    raw: Any = None                                             # the solver's OptimizeResult
    problem: Any = None                                         # the compiled problem (e.g. LinearProgram), for plots
    multistart: dict | None = None                              # solve(starts=K): starts, optimal, reached_best

    def variable(self, name: str) -> VariableResult:
        """The variable called ``name`` (e.g. ``"x[1,2]"``)."""
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def constraint(self, name: str) -> ConstraintResult:
        """The constraint called ``name``."""
        for c in self.constraints:
            if c.name == name:
                return c
        raise KeyError(name)

    def values(self) -> dict[str, float]:
        """Variable name -> value."""
        return {v.name: v.value for v in self.variables}

    def iis(self, time_limit: float = 60.0) -> Infeasibility | None:
        """Why an infeasible LP is infeasible: an irreducible infeasible subset and its
        Farkas certificate, in constraint names (also kept as ``self.infeasibility``).

        Computed on request only (a deletion filter: up to one hot-started HiGHS solve per
        member, at most ``time_limit`` seconds; the explanation says when it stopped
        early). None when the problem is not an infeasible LP.
        """
        if self.infeasibility is not None or self.status != "infeasible":
            return self.infeasibility
        from symopt.optimize import LinearProgram, diagnose_lp
        if not isinstance(self.problem, LinearProgram) or self.raw is None:
            return None
        from symopt.solution.infeasibility import explain_infeasibility
        diagnosis = diagnose_lp(self.problem, self.raw, time_limit=time_limit)
        self.infeasibility = explain_infeasibility(self.problem, diagnosis)
        return self.infeasibility

    def report(self, format: str = "text", latex: bool = False) -> str:
        """This solution as a report: ``"text"``, ``"md"``, ``"html"`` or ``"json"``;
        ``latex=True`` adds the model (and a nonlinear model's derivatives) in LaTeX."""
        # imported on use: solving must not pay for the report stage's imports
        from symopt.report import render
        return render(self, format, latex=latex)

    def _repr_html_(self) -> str:
        """Jupyter shows a solution as its HTML report."""
        return self.report("html")
