"""`solve`: the whole pipeline, analyze -> compile -> route -> optimize -> map back.

The only module that wires the stages together (``symopt.dispatch`` runs the optimize
and map-back stages for a compiled problem). Each stage's wall time lands in
``Solution.timings``; values, duals, slacks and reduced costs are written back onto
the model's variables and constraints.

>>> from symopt.model import Model, Var, Objective
>>> m = Model("bowl")
>>> m.x = Var(initialize=3.0)
>>> m.obj = Objective(expr=(m.x - 1) ** 4 + (m.x - 1) ** 2 + 2)
>>> s = solve(m)
>>> s.status, round(m.x.value, 4), s.route.method
('optimal', 1.0, 'trust-exact')
"""
from __future__ import annotations

import time
import warnings
from typing import Any

from symopt import dispatch
from symopt.multistart import best_of_starts
from symopt.optimize import warm_start as warm_start_module
from symopt.analysis import Structure, analyze
from symopt.compile.linear import extract_linear
from symopt.compile.screen import check_start_point, screen_linear_program
from symopt.errors import InputError
from symopt.optimize.linear_program import LinearProgram
from symopt.options import check_options, check_solve_arguments
from symopt.routing import QP_HIGHS_LIMIT, route
from symopt.solution.exact import exact_answer
from symopt.solution.parametric import parametric_answer, symbolic_params
from symopt.solution.sensitivity import nlp_sensitivity

__all__ = ["solve", "explain", "compile_problem", "figures"]


def solve(model_or_lp: Any, solver: str | None = None, method: str | None = None,
          options: dict | None = None, time_limit: float | None = None,
          exact: bool = False, warm_start: bool = False, progress: Any = None,
          starts: Any = None, seed: int | None = None) -> Any:
    """Solve a `Model` (or a `LinearProgram` read from a file) and return its `Solution`.

    Parameters
    ----------
    model_or_lp : Model, LinearProgram or NonlinearProgram
        A model, an LP read from a file, or a program compiled from arrays
        (`symopt.dsl.vectorize.read_program`); the last two have no model to write back to.
    solver, method : str, optional
        Force a front door or method (LPs and MILPs default to HiGHS).
    options : dict, optional
        Options of the chosen method.
    time_limit : float, optional
        Seconds; a MILP stopped by it keeps its best incumbent and gap.
    exact : bool, default False
        LPs only: certify the final basis in rational arithmetic and keep the exact
        answer in ``Solution.exact`` (see `symopt.solution.exact`).
    warm_start : bool, default False
        Reuse the final basis of this model's previous ``warm_start=True`` solve: after a
        `Param` change, HiGHS starts from that basis instead of from scratch (see
        `symopt.optimize.warm_start`). Applies to LPs solved by HiGHS.
    progress : callable, optional
        Called during a MILP solve with incumbent, bound, gap, nodes and time, and during a
        nonlinear interior-point solve over a second with a dict of ``nit``, ``fun``,
        ``constr_violation`` and ``elapsed`` (at most five times a second).
    starts : int or symopt.starts(...), optional
        NLPs only: solve from that many start points inside the bounds and return the
        best, with ``Solution.multistart`` saying how many reached it (`symopt.multistart`).
    seed : int, optional
        Seed of the random start points of ``starts=K``.
    """
    clock = _Clock()
    check_solve_arguments(solver, method, options, time_limit)
    from_file = isinstance(model_or_lp, LinearProgram) or _is_program(model_or_lp)
    structure = _given_structure(model_or_lp) if from_file else clock.lap("analyze", analyze,
                                                                         model_or_lp)
    if exact and structure.problem_class != "LP":   # refused before anything is compiled
        raise InputError(f"exact=True certifies linear programs; this model is classified "
                         f"as '{structure.problem_class}'")
    problem = model_or_lp if from_file else clock.lap("compile", _compile, structure)
    notes: list[str] = []
    if isinstance(problem, LinearProgram):   # huge bounds -> inf, bad coefficients refused
        problem, notes = screen_linear_program(problem)
        for note in notes:
            warnings.warn(note, stacklevel=2)
    else:
        check_start_point(problem)        # the solvers cannot start where it is not finite
    plan = clock.lap("route", route, structure, solver, method, options,
                     **_figures(problem, structure))
    check_options(plan, options, problem)
    basis, warning = _warm_basis(model_or_lp, problem, plan) if warm_start else (None, None)
    if starts is not None:
        solution = clock.lap("solve", best_of_starts, problem, plan, starts, seed, time_limit)
    else:
        solution = clock.lap("solve", dispatch.run, problem, plan, time_limit, basis, progress)
    if warning:
        solution.warnings.append(warning)
    if warm_start and isinstance(problem, LinearProgram):
        warm_start_module.remember(model_or_lp, problem, solution.raw)
    if exact:
        clock.lap("certify", _certify, problem, solution)
    solution.warnings[:0] = notes
    if not from_file:
        solution.model = model_or_lp
        clock.lap("write back", _write_back, structure, solution)
        if symbolic_params(model_or_lp):
            clock.lap("parametric", _parametric, model_or_lp, problem, solution)
    if "optimize" in solution.timings:   # dispatch split 'solve' into optimize + map back
        clock.times.pop("solve")
    solution.timings.update(clock.times)
    return solution


def explain(model: Any, solver: str | None = None, method: str | None = None,
            options: dict | None = None) -> str:
    """The class of ``model`` and why, then the solver and method a solve would use and why.

    >>> from symopt.model import Model, Var, Objective
    >>> m = Model("bowl")
    >>> m.x = Var(bounds=(0, None))
    >>> m.obj = Objective(expr=(m.x + 1) ** 4)
    >>> print(explain(m))  # doctest: +ELLIPSIS
    model 'bowl': bound-constrained NLP (1 variables, 0 constraints)
    ...
    solver: symopt.optimize.minimize, method: l-bfgs-b
      because only bounds on the variables: L-BFGS-B handles them directly
    """
    structure = analyze(model)
    plan = route(structure, solver, method, options, **_structure_figures(structure))
    return structure.explain() + "\n" + plan.explain()


def _compile(structure: Any) -> Any:
    if structure.problem_class in ("LP", "MILP"):
        return extract_linear(structure)
    # sympy is loaded here, for nonlinear models only: LP runs never pay its import
    from symopt.compile.from_model import compile_equation_model, compile_model
    if structure.problem_class == "equations":
        return compile_equation_model(structure)
    return compile_model(structure)


def _structure_figures(structure: Structure) -> dict:
    """What routing needs, read from the analysis alone (`explain` compiles nothing): the
    Hessian's pattern from which variables share a term, as compiling would count it."""
    figures: dict = {}
    if structure.problem_class.endswith("NLP") and structure.num_variables > 200:
        figures["hessian_nnz"] = structure.hessian_pattern_size()
    return figures


def _figures(problem: Any, structure: Any = None) -> dict:
    """What routing needs to know about the compiled problem's size and shape, and for a
    small quadratic program whether its constant Hessian is positive semidefinite."""
    figures = {"num_variables": int(problem.num_cols)}
    if hasattr(problem, "hessian_nnz") and problem.num_cols > 200:
        figures["hessian_nnz"] = problem.hessian_nnz
    if hasattr(problem, "has_bounds"):
        figures["has_bounds"] = problem.has_bounds
    if getattr(structure, "quadratic_program", False) and problem.num_cols < QP_HIGHS_LIMIT:
        from symopt.optimize._nonlinear.highs_qp import hessian_is_psd
        figures["convex"] = hessian_is_psd(problem.hess(problem.x0))[0]
    return figures


def _warm_basis(owner: Any, problem: Any, plan: Any) -> tuple[Any, str | None]:
    if not isinstance(problem, LinearProgram):
        return None, "warm_start applies to LPs; this problem was solved from scratch"
    if plan.method is not None and not str(plan.method).startswith("highs"):
        return None, f"warm_start applies to HiGHS; method {plan.method!r} started cold"
    return warm_start_module.basis_for(owner, problem)


def _parametric(model: Any, problem: Any, solution: Any) -> None:
    """The optimum as a function of the model's symbolic Params: formulas on the optimal
    basis of an LP, derivatives (implicit function theorem) at the optimum of an NLP."""
    params = symbolic_params(model)
    result = solution.raw
    if solution.status != "optimal":
        solution.warnings.append(f"symbolic params: no optimum to follow (status "
                                 f"{solution.status})")
    elif solution.problem_class.endswith("NLP"):
        solution.sensitivity = nlp_sensitivity(model, params)
    elif not isinstance(problem, LinearProgram) or problem.is_mip:
        solution.warnings.append("symbolic params: the answer is followed for LPs and smooth "
                                 f"NLPs; this model is a {solution.problem_class}")
    elif getattr(result, "col_basis", None) is None:
        solution.warnings.append("symbolic params: the LP solver returned no basis to follow")
    else:
        solution.parametric = parametric_answer(model, problem, result)


def _certify(lp: LinearProgram, solution: Any) -> None:
    """The exact answer of an optimal basis, or a warning saying why there is none."""
    result = solution.raw
    if solution.status != "optimal" or getattr(result, "col_basis", None) is None:
        solution.warnings.append(f"exact=True: no optimal basis to certify (status "
                                 f"{solution.status}, method {solution.method})")
        return
    solution.exact = exact_answer(lp, result)
    if not solution.exact.optimal:
        solution.warnings.append(solution.exact.verdict)


def _write_back(structure: Any, solution: Any) -> None:
    """Values, duals and slacks onto the model objects each result stands for (by object)."""
    for result in solution.variables:
        if result.of is not None:
            result.of.value, result.of.reduced_cost = result.value, result.reduced_cost
    for result in solution.constraints:
        if result.of is not None:
            result.of._set_result(activity=result.body, dual=result.dual, slack=result.slack)
    if structure.objective is not None:
        structure.objective._set_result(solution.objective)


def _is_program(problem: Any) -> bool:
    """A compiled `NonlinearProgram` (by name: importing it would load sympy)."""
    return type(problem).__name__ == "NonlinearProgram"


def _given_structure(problem: Any) -> Structure:
    """The structure of a problem given already compiled: an LP read from a file, or a
    `NonlinearProgram` generated as arrays (`symopt.dsl.vectorize.read_program`)."""
    if isinstance(problem, LinearProgram):
        return _lp_structure(problem)
    n, m = problem.num_cols, problem.num_rows
    label = ("constrained NLP" if m else "bound-constrained NLP" if problem.has_bounds
             else "unconstrained NLP")
    return Structure.describe(label, f"given compiled ({n} columns, {m} rows)", n, m,
                              name=problem.name, sense=problem.sense,
                              has_bounds=problem.has_bounds)


def _lp_structure(lp: LinearProgram) -> Structure:
    """The structure of an LP that comes from a file: its class is known from its form."""
    label = "MILP" if lp.is_mip else "LP"
    return Structure.describe(label, f"read as a {label} ({lp.num_cols} columns, "
                              f"{lp.num_rows} rows)", lp.num_cols, lp.num_rows,
                              name=lp.name, sense=lp.sense)


class _Clock:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def lap(self, stage: str, function: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.times[stage] = time.perf_counter() - start


#: the compile stage and the figures routing reads, for `symopt.sweep` (compiles once, routes
#: as `solve` does)
compile_problem = _compile
figures = _figures
