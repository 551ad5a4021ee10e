"""Compile a model once with a parameter vector: what a sweep's workers receive.

The model is analysed and routed as `symopt.solve` would (with the base Param values), then
built once more with the swept entries as placeholders (`symopt.sweep.trace`) and compiled
into `VectorFunction` objects whose ``fixed_values`` hold the parameter vector:

* an LP or MILP becomes a `ParametricLP`: its body functions are affine in the columns
  (checked: a swept param multiplying two columns is a CompileError), so for a parameter
  vector ``p`` the LP's numbers are ``c(p)`` = gradient of the objective at ``x = 0``,
  ``offset(p)`` = its value there, ``A(p)`` = the rows' Jacobian (a fixed sparsity pattern)
  and the row bounds shifted by the rows' values at ``x = 0``. Every one of ``c``, ``A``,
  the row bounds and the offset that a Param feeds follows from it, exactly, in whatever
  form the param enters (``cost * x``, ``x / speed``, ``demand ** 2``).
* an NLP becomes a `ParametricNLP`: the compiled `NonlinearProgram` whose functions read
  the parameters from ``fixed_values``.

Both pickle small: numpy arrays and the generated functions' source text, never sympy
trees or model objects.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.analysis import Structure, analyze
from symopt.compile.derivatives import VectorFunction
from symopt.compile.families import collect_rows
from symopt.errors import CompileError, InputError
from symopt.model.terms import variables_of
from symopt.optimize.linear_program import LinearProgram
from symopt.pipeline import compile_problem, figures
from symopt.routing import Plan, route
from symopt.sweep.scenarios import Entry
from symopt.sweep.trace import ModelSource, placeholders

__all__ = ["ParametricLP", "ParametricNLP", "compile_parametric"]


@dataclass(eq=False)
class ParametricLP:
    """An LP whose numbers are functions of a parameter vector (see the module docstring)."""

    lp: LinearProgram                 # at the base values: names, bounds, integrality, pattern
    objective: VectorFunction
    rows: VectorFunction
    body_lower: np.ndarray
    body_upper: np.ndarray
    slots: np.ndarray                 # where the parameters sit in ``fixed_values``
    order: np.ndarray                 # the rows' Jacobian values in the CSC order of ``lp.A``

    def numbers(self, params: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray,
                                                   np.ndarray]:
        """``(c, offset, A.data, row_lower, row_upper)`` at the parameter vector ``params``.

        What no parameter feeds is the base LP's (read once): a function whose parameters
        enter only its affine part has a constant Jacobian, one without them is constant.
        """
        zero = np.zeros(self.lp.num_cols)
        lp = self.lp
        c, offset, data, lower, upper = lp.c, lp.offset, lp.A.data, lp.row_lower, lp.row_upper
        if _reads_parameters(self.objective, zero.size):
            self.objective.fixed_values[self.slots] = params
            offset = float(self.objective.values(zero)[0])
            if self.objective.families:
                c = self.objective.gradient(zero)
        if _reads_parameters(self.rows, zero.size):
            self.rows.fixed_values[self.slots] = params
            shift = self.rows.values(zero)
            lower, upper = self.body_lower - shift, self.body_upper - shift
            if self.rows.families:
                data = self.rows.jacobian_values(zero)[self.order]
        return c, offset, data, lower, upper

    def stack(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                  np.ndarray] | None:
        """``(c, offsets, row_lower, row_upper)`` for many parameter rows (k, p) at once, or
        None when a parameter changes the matrix or enters the rows nonlinearly (then
        `numbers` row by row). ``c`` is the base LP's (n,) when no parameter feeds it,
        else (k, n); the rest are (k,) and (k, m)."""
        if self.rows.families:
            return None
        n, count = self.lp.num_cols, params.shape[0]
        shift = _affine_values(self.rows, n, self.slots, params)
        lower, upper = self.body_lower - shift, self.body_upper - shift
        if not self.objective.families:
            offsets = _affine_values(self.objective, n, self.slots, params)[:, 0]
            return self.lp.c, offsets, lower, upper
        costs, offsets = np.empty((count, n)), np.empty(count)
        zero = np.zeros(n)
        for s in range(count):    # costs that depend on a param: the generated gradient
            self.objective.fixed_values[self.slots] = params[s]
            offsets[s] = self.objective.values(zero)[0]
            costs[s] = self.objective.gradient(zero)
        return costs, offsets, lower, upper

    def at(self, params: np.ndarray) -> LinearProgram:
        """The `LinearProgram` at ``params`` (for solvers without in-place updates)."""
        c, offset, data, lower, upper = self.numbers(params)
        A = self.lp.A
        matrix = sp.csc_array((data, A.indices, A.indptr), shape=A.shape)
        return dataclasses.replace(self.lp, c=c, offset=offset, A=matrix, row_lower=lower,
                                   row_upper=upper)


def _reads_parameters(function: VectorFunction, num_cols: int) -> bool:
    """Whether ``function`` reads anything past its columns (the fixed values)."""
    cached = getattr(function, "_sweep_reads", None)
    if cached is None:
        cached = bool(function.families) or bool(np.any(function.linear.columns >= num_cols))
        function._sweep_reads = cached
    return cached


def _affine_values(function: VectorFunction, num_cols: int, slots: np.ndarray,
                   params: np.ndarray) -> np.ndarray:
    """``function`` at ``x = 0`` for each parameter row (k, rows), when it is affine in its
    fixed values (no families): constants plus a sparse matrix times the fixed values."""
    matrix = getattr(function, "_sweep_fixed_matrix", None)
    if matrix is None:
        lin = function.linear
        fixed = lin.columns >= num_cols
        matrix = sp.csr_array((lin.coefficients[fixed],
                               (lin.rows[fixed], lin.columns[fixed] - num_cols)),
                              shape=(function.num_rows, function.fixed_values.size))
        function._sweep_fixed_matrix = matrix
    values = np.repeat(function.fixed_values[None, :], params.shape[0], axis=0)
    values[:, slots] = params
    return function.linear.constants + (matrix @ values.T).T


@dataclass(eq=False)
class ParametricNLP:
    """A compiled `NonlinearProgram` reading its parameters from ``fixed_values``."""

    nlp: Any
    slots: np.ndarray

    def set(self, params: np.ndarray) -> None:
        for function in self.functions():
            function.fixed_values[self.slots] = params

    def functions(self) -> list[VectorFunction]:
        found = [self.nlp.objective, self.nlp.constraints]
        if self.nlp.residual_builder is not None:
            found.append(self.nlp.residual)
        return found


@dataclass(frozen=True)
class Compiled:
    """What `compile_parametric` found: the problem, the plan, the analysis of the base model."""

    problem: Any
    plan: Plan
    structure: Structure
    entries: tuple[Entry, ...]


def compile_parametric(source: ModelSource, entries: list[Entry], base: np.ndarray,
                       solver: str | None = None, method: str | None = None,
                       options: dict | None = None) -> Compiled:
    """Analyse, route and compile ``source`` once, with ``entries`` as parameters."""
    structure = analyze(source.model)
    plain = compile_problem(structure)
    plan = route(structure, solver, method, options, **figures(plain))
    if not entries:
        problem: Any = _as_parametric(structure, plain) if structure.is_linear else \
            ParametricNLP(_shippable(plain), np.zeros(0, np.intp))
        return Compiled(problem, plan, structure, ())
    holders = placeholders(entries, base)
    with source.traced(holders) as traced:
        unused = _unused(holders, traced)
        if not unused and structure.is_linear:
            problem = _parametric_lp(structure, traced, holders, plain)
        elif not unused:
            problem = _parametric_nlp(structure, traced, holders)
    if unused:
        raise InputError(
            f"sweeping {', '.join(unused[:5])}{', ...' if len(unused) > 5 else ''} would change "
            "nothing: no objective or constraint built by a rule uses it (components declared "
            "with expr=, array expressions among them, keep the numbers they were built "
            "with, and variable bounds are read once); declare the components that use it "
            "with rule=..., or leave it out of the scenarios")
    return Compiled(problem, plan, structure, tuple(entries))


def _unused(holders: dict, traced: Any) -> list[str]:
    """The swept entries that no objective or row of the traced model uses: sweeping them
    would change nothing, and every scenario would silently get the base answer. That is
    a param read only where numbers are frozen (a component declared with ``expr=``,
    array expressions included; a variable bound; a data check)."""
    used: set = set()
    for expression in [o.expr for o in traced.objectives()] + [r.body for r in traced.constraints()]:
        used.update(variables_of(expression))
    return [entry.label for entry, var in holders.items() if var not in used]


def _as_parametric(structure: Structure, lp: LinearProgram) -> ParametricLP:
    """An LP without parameters in the same form (its functions are the LP itself)."""
    return _linear_functions(structure, list(structure.constraints),
                             structure.objective.expr if structure.objective else 0.0,
                             _columns_by_name(structure, structure.variables),
                             list(structure.fixed), {}, lp)


def _columns_by_name(structure: Structure, variables: Any) -> dict:
    position = {v.name: j for j, v in enumerate(structure.variables)}
    return {v: position[v.name] for v in variables if v.name in position and not v.fixed}


def _parametric_lp(structure: Structure, traced: Any, holders: dict, plain: LinearProgram
                   ) -> ParametricLP:
    rows = list(traced.constraints())
    _check_rows(structure, rows)
    objective = next((o for o in traced.objectives()), None)
    columns = _columns_by_name(structure, traced.variables())
    own_fixed = [v for v in traced.variables() if v.fixed]   # by object: .opt builds anew
    return _linear_functions(structure, rows, objective.expr if objective else 0.0, columns,
                             own_fixed, holders, plain)


def _linear_functions(structure: Structure, rows: list, objective: Any, columns: dict,
                      own_fixed: list, holders: dict, plain: LinearProgram) -> ParametricLP:
    n = structure.num_variables
    fixed_vars = own_fixed + list(holders.values())
    fixed = {v: n + k for k, v in enumerate(fixed_vars)}
    values = np.array([float(v.value) for v in fixed_vars], dtype=float)
    objective_fn = VectorFunction(1, n, *collect_rows([objective], columns, fixed), values)
    rows_fn = VectorFunction(len(rows), n, *collect_rows([r.body for r in rows], columns, fixed),
                             values)
    for what, function in (("the objective", objective_fn), ("a constraint", rows_fn)):
        if function.hessian_nnz:
            raise CompileError(f"with the swept params as parameters, {what} of model "
                               f"'{structure.model_name}' is not linear in the variables")
    lower = np.array([-np.inf if r.lower is None else float(r.lower) for r in rows])
    upper = np.array([np.inf if r.upper is None else float(r.upper) for r in rows])
    slots = np.arange(len(fixed_vars) - len(holders), len(fixed_vars), dtype=np.intp)
    zero = np.zeros(n)
    shift = rows_fn.values(zero)
    lp = dataclasses.replace(plain, c=objective_fn.gradient(zero),
                             offset=float(objective_fn.values(zero)[0]),
                             A=rows_fn.jacobian_csc(zero), row_lower=lower - shift,
                             row_upper=upper - shift, columns=(), rows=(),
                             col_names=tuple(plain.col_names), row_names=tuple(plain.row_names))
    order = np.argsort(rows_fn.jacobian_cols, kind="stable")
    return ParametricLP(lp, objective_fn, rows_fn, lower, upper, slots, order)


def _check_rows(structure: Structure, rows: list) -> None:
    names = [r.name for r in rows]
    expected = [r.name for r in structure.constraints]
    if names != expected:
        raise InputError(f"model '{structure.model_name}' has other constraint rows when the "
                         "swept params are parameters (a rule that skips rows by a param's "
                         "value?); sweep params that only change numbers")


def _parametric_nlp(structure: Structure, traced: Any, holders: dict) -> ParametricNLP:
    traced_structure = analyze(traced)
    if traced_structure.problem_class != structure.problem_class:
        raise CompileError(f"model '{structure.model_name}' is a {structure.problem_class} but "
                           f"a {traced_structure.problem_class} with the swept params as "
                           "parameters; sweep it with one solve per scenario instead")
    _check_rows(structure, list(traced_structure.constraints))
    fixed = traced_structure.fixed + tuple(holders.values())
    nlp = compile_problem(dataclasses.replace(traced_structure, fixed=fixed))
    slots = np.arange(len(traced_structure.fixed), len(fixed), dtype=np.intp)
    return ParametricNLP(_shippable(nlp), slots)


def _shippable(nlp: Any) -> Any:
    """The problem without model objects, closures or lazy names (they do not pickle)."""
    builder = None
    if nlp.residual_builder is not None:
        builder = _Ready(nlp.residual)
    return dataclasses.replace(nlp, columns=(), rows=(), residual_builder=builder,
                               col_names=tuple(nlp.col_names), row_names=tuple(nlp.row_names))


class _Ready:
    """A residual builder that returns a function built already (picklable)."""

    def __init__(self, function: VectorFunction):
        self.function = function

    def __call__(self) -> VectorFunction:
        return self.function
