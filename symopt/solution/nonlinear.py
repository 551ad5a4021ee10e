"""Map minimize / root / least_squares / curve_fit results back to the user's names.

Objective values and multipliers are put back in the model's own sense here (the
solver minimized ``sign * f``), so reports read them as written. Duals follow the
convention of `symopt.solution.types`: the change of the objective per unit increase
of the constraint's active bound. From SLSQP's multipliers ``lam`` (``L = f - lam . c``
with ``c >= 0``): a lower side ``g - lo >= 0`` gives ``+lam``, an upper side
``hi - g >= 0`` gives ``-lam``, an equality ``+lam``; times the sense's sign.

>>> import numpy as np, sympy
>>> from symopt.compile.from_sympy import compile_minimize
>>> from symopt.optimize.result import OptimizeResult
>>> x = sympy.Symbol("x")
>>> nlp = compile_minimize((x - 3) ** 2, [x], [0.0])
>>> result = OptimizeResult(x=np.array([3.0]), fun=0.0, status=0, success=True,
...                         message="converged", nit=2, nfev=3, njev=3)
>>> s = from_minimize(nlp, result)
>>> s.status, s.variable("x").value, s.objective, s.gradient_norm
('optimal', 3.0, 0.0, 0.0)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from symopt.solution.diagnosis import kkt_diagnosis
from symopt.solution.fit_check import fit_failures
from symopt.solution.optimality import kkt_residuals, verdict
from symopt.solution.types import (
    ConstraintResult, FitData, Solution, VariableResult, identify, slack_of,
)
from symopt.status import (
    DESCRIPTIONS, GRADIENT, LEAST_SQUARES, MINIMIZE, ROOT, Status, status_from,
)

__all__ = ["from_minimize", "from_root", "from_fit", "engine_status", "History",
           "max_violation"]

#: a system whose residuals are all this small is solved, whatever the solver's stopping test said
SOLVED = 1e-10
#: a system whose solver reports convergence is solved when its largest residual is below
#: this, relative to max(1, the largest residual at the start)
ROOT_TOL = 1e-6


def _residual_scale(system: Any) -> float:
    start = np.asarray(system.fun(np.asarray(system.x0, dtype=float)), dtype=float)
    finite = start[np.isfinite(start)]
    return max(1.0, float(np.max(np.abs(finite), initial=0.0)))


def engine_status(plan: Any, result: Any, front_door: str) -> Status:
    """What the solver's code claims, read from its engine's table (never from its message)."""
    door = getattr(plan, "front_door", None) or front_door
    method = str(getattr(plan, "method", None) or result.get("method") or "").lower()
    if door in ("least_squares", "curve_fit"):
        table = LEAST_SQUARES
    elif door == "root":
        table = ROOT.get(method or "hybr", {})
    else:
        table = MINIMIZE.get(method, GRADIENT)
    return status_from(table, result.get("status"))


def _message(status: Status, result: Any) -> str:
    """The solver's message, or the status's own words where the code says more (a time
    limit is the pipeline's callback stopping the solver)."""
    if status is Status.TIME_LIMIT:
        return DESCRIPTIONS[status]
    return str(result.get("message", ""))


class History:
    """A minimize callback recording the objective (in the model's sense) at every iterate.

    Takes scipy's new-style ``intermediate_result`` (whose ``fun`` is in minimization
    sense: multiplied back by ``sign``) or a bare iterate (then ``objective(x)`` is called).
    """

    def __init__(self, objective: Any, sign: float = 1.0, from_x: bool = False):
        self.objective = objective
        self.sign = sign
        self.from_x = from_x      # least squares report residuals as fun: evaluate f(x)
        self.values: list[float] = []

    def __call__(self, intermediate_result: Any) -> None:
        if (not self.from_x and isinstance(intermediate_result, dict)
                and intermediate_result.get("fun") is not None):
            self.values.append(self.sign * float(intermediate_result["fun"]))
        else:
            x = intermediate_result.get("x") if isinstance(intermediate_result, dict) else intermediate_result
            self.values.append(float(self.objective(np.asarray(x, dtype=float))))


def _variables(problem: Any, x: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               names: Sequence[str], reduced: np.ndarray | None = None) -> list[VariableResult]:
    columns = getattr(problem, "columns", ()) or (None,) * len(names)
    out = []
    for j, name in enumerate(names):
        component, index = identify(columns[j], name)
        out.append(VariableResult(name=name, component=component, index=index, value=float(x[j]),
                                  lower=float(lower[j]), upper=float(upper[j]),
                                  reduced_cost=None if reduced is None else float(reduced[j]),
                                  of=columns[j]))
    return out


def _reduced_costs(lagrangian_gradient: np.ndarray, x: np.ndarray, lower: np.ndarray,
                   upper: np.ndarray) -> np.ndarray:
    """d objective / d (active bound) of each variable: the Lagrangian's gradient at a bound
    (stationarity: grad f - J^T duals = bound multipliers), zero off the bounds."""
    scale = 1e-7 * np.maximum(1.0, np.abs(x))
    at_bound = (np.abs(x - lower) <= scale) | (np.abs(x - upper) <= scale)
    return np.where(at_bound, lagrangian_gradient, 0.0)


def _row_duals(nlp: Any, multipliers: Any, v: Any = None) -> np.ndarray | None:
    if v is not None and nlp.num_rows:       # interior point: grad f + J^T v - z = 0
        return -nlp.sign * np.concatenate([np.asarray(b, float).ravel() for b in v])
    if multipliers is None or nlp.num_rows == 0:
        return None
    lam = np.asarray(multipliers, dtype=float).ravel()
    groups = nlp.constraint_groups()
    sizes = [groups["eq"].size, groups["lower"].size, groups["upper"].size]
    if lam.size != sum(sizes):
        return None
    duals = np.zeros(nlp.num_rows)
    eq_l, lo_l, up_l = np.split(lam, np.cumsum(sizes)[:-1])
    duals[groups["eq"]] += eq_l
    duals[groups["lower"]] += lo_l
    duals[groups["upper"]] -= up_l
    return nlp.sign * duals


def _violation(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    if values.size == 0:
        return 0.0
    return float(np.max(np.maximum(np.maximum(lower - values, values - upper), 0.0)))


def max_violation(nlp: Any, x: np.ndarray, body: np.ndarray | None = None) -> float:
    """The largest violation of a constraint row or a variable bound at ``x``."""
    body = nlp.constraints.values(x) if body is None else body
    return max(_violation(body, nlp.row_lower, nlp.row_upper),
               _violation(x, nlp.col_lower, nlp.col_upper))


def _evaluations(result: Any) -> dict[str, int]:
    return {k: int(result[k]) for k in ("nfev", "njev", "nhev") if result.get(k) is not None}


def _projected_gradient_norm(gradient: np.ndarray, x: np.ndarray, lower: np.ndarray,
                             upper: np.ndarray) -> float:
    projected = np.clip(x - gradient, lower, upper) - x
    return float(np.max(np.abs(projected))) if projected.size else 0.0


def from_minimize(nlp: Any, result: Any, plan: Any = None, history: Sequence[float] = (),
                  problem_class: str | None = None) -> Solution:
    """A `Solution` from ``minimize``'s result on a `NonlinearProgram`."""
    x = np.asarray(result["x"], dtype=float)
    body = nlp.constraints.values(x)
    duals = _row_duals(nlp, result.get("multipliers"), result.get("v"))
    constraints = [
        ConstraintResult(name=name, component=identify(obj, name)[0],
                         index=identify(obj, name)[1], body=float(body[i]), of=obj,
                         lower=float(nlp.row_lower[i]), upper=float(nlp.row_upper[i]),
                         slack=slack_of(float(body[i]), nlp.row_lower[i], nlp.row_upper[i]),
                         dual=None if duals is None else float(duals[i]))
        for i, (name, obj) in enumerate(zip(nlp.row_names, nlp.rows or (None,) * nlp.num_rows))]
    residuals, gradient = kkt_residuals(nlp, x, body, duals)
    violation = max_violation(nlp, x, body)
    status, why, descent = verdict(engine_status(plan, result, "minimize"), nlp, x, residuals)
    return Solution(
        model_name=nlp.name, problem_class=problem_class or _plan_class(plan, "NLP"),
        status=status, success=status is Status.OPTIMAL, warnings=[why] if why else [],
        message=_message(status, result), solver=getattr(plan, "solver", "symopt.optimize.minimize"),
        method=_plan_method(plan, result), objective=nlp.objective_value(x),
        objective_name=nlp.objective_name, sense=nlp.sense,
        variables=_variables(nlp, x, nlp.col_lower, nlp.col_upper, nlp.col_names,
                             None if nlp.num_rows and duals is None else
                             _reduced_costs(gradient, x, nlp.col_lower, nlp.col_upper)),
        constraints=constraints, route=plan, iterations=_int(result.get("nit")),
        evaluations=_evaluations(result),
        sizes={"variables": nlp.num_cols, "constraints": nlp.num_rows,
               "nonzeros": nlp.constraints.jacobian_nnz},
        gradient_norm=(None if nlp.num_rows and duals is None else
                       _projected_gradient_norm(nlp.sign * gradient, x, nlp.col_lower, nlp.col_upper)),
        max_violation=violation, history=list(history), raw=result, problem=nlp,
        kkt=kkt_diagnosis(nlp, x, duals, (residuals, gradient), body, descent))


def from_root(system: Any, result: Any, plan: Any = None) -> Solution:
    """A `Solution` from ``root``'s result on an `EquationSystem`."""
    x = np.asarray(result["x"], dtype=float)
    residual = system.fun(x)
    rows = system.rows or (None,) * system.num_rows
    constraints = [ConstraintResult(name=name, component=identify(obj, name)[0],
                                    index=identify(obj, name)[1], body=float(residual[i]), of=obj,
                                    lower=0.0, upper=0.0, slack=float(abs(residual[i])))
                   for i, (name, obj) in enumerate(zip(system.row_names, rows))]
    norm = float(np.linalg.norm(residual))
    status = engine_status(plan, result, "root")
    message, warnings = _message(status, result), []
    largest = float(np.max(np.abs(residual), initial=0.0))
    if status is not Status.OPTIMAL and np.all(np.isfinite(residual)) and largest <= SOLVED:
        warnings.append(f"the solver stopped with: {message}")
        status, message = Status.OPTIMAL, f"the equations hold to {largest:.1e}"
    elif status is Status.OPTIMAL and not largest <= ROOT_TOL * _residual_scale(system):
        warnings.append(f"the solver reported convergence ({message}), but the largest "
                        f"residual is {largest:.1e}")
        status = Status.INACCURATE
    success = status is Status.OPTIMAL
    return Solution(
        model_name=system.name, problem_class=_plan_class(plan, "equations"),
        status=status, success=success, message=message, warnings=warnings,
        solver="symopt.optimize.root",
        method=_plan_method(plan, result),
        variables=_variables(system, x, system.col_lower, system.col_upper, system.col_names),
        constraints=constraints, route=plan, iterations=_int(result.get("nit")),
        evaluations=_evaluations(result),
        sizes={"variables": system.num_cols, "constraints": system.num_rows},
        residual_norm=norm, max_violation=float(np.max(np.abs(residual), initial=0.0)),
        raw=result, problem=system)


def from_fit(fit: Any, parameters: Any, covariance: Any, result: Any, plan: Any = None) -> Solution:
    """A `Solution` with `FitData` from a fit's parameters, covariance and solver result."""
    p = np.asarray(parameters, dtype=float)
    predicted = fit.predict(p)
    data = FitData(parameter_names=list(fit.parameter_names), parameters=p,
                   covariance=None if covariance is None else np.asarray(covariance, float),
                   independent=dict(fit.independent), dependent_name=fit.dependent_name,
                   observed=fit.observed, predicted=predicted, sigma=fit.sigma,
                   absolute_sigma=fit.absolute_sigma, expression=fit.expression)
    weighted = fit.residuals(p)
    chi2 = float(weighted @ weighted)
    status, message = engine_status(plan, result, "curve_fit"), str(result.get("message", ""))
    failures = fit_failures(fit, p) if status is Status.OPTIMAL else []
    warnings = []
    if failures:        # the solver's stopping test passed, the exact derivatives disagree
        warnings.append(f"the solver reported convergence ({message})")
        status, message = Status.INACCURATE, "not optimal at the returned point: " + \
            "; ".join(failures)
    return Solution(
        model_name=fit.name, problem_class=_plan_class(plan, "fit"),
        status=status, success=status is Status.OPTIMAL, message=message, warnings=warnings,
        solver=f"symopt.optimize.{getattr(plan, 'front_door', 'curve_fit')}",
        method=_plan_method(plan, result), objective=chi2, objective_name="sum of squares",
        variables=_variables(fit, p, fit.lower, fit.upper, fit.parameter_names),
        route=plan, iterations=_int(result.get("nit")), evaluations=_evaluations(result),
        sizes={"variables": fit.num_cols, "data points": fit.num_points},
        residual_norm=float(np.sqrt(chi2)), fit=data, raw=result, problem=fit)


def _plan_class(plan: Any, default: str) -> str:
    return getattr(plan, "problem_class", None) or default


def _plan_method(plan: Any, result: Any) -> str:
    return str(getattr(plan, "method", None) or result.get("method") or "")


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
