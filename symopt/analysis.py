"""Model analysis: which kind of problem a model is, and why.

``analyze(model) -> Structure`` orders the columns (free variables used by the objective or
an active constraint, in declaration order) and rows (active constraint rows in declaration
order), finds the first nonlinear term and where it sits, and picks the problem class, one of
``symopt.routing.CLASSES``: "LP", "MILP", "unconstrained NLP", "bound-constrained NLP",
"constrained NLP" or "equations" (no objective, only equations, as many as free variables,
no bounds). A model without objective that is not a square system is a feasibility problem
(objective 0). ``Structure.sum_of_squares`` tells routing when an unconstrained objective is a
sum of squared residuals (``symopt.analysis.residuals`` gives them).

Mistakes that make a model meaningless raise a ModelError naming the component: two active
objectives, a constant objective, a variable with lb > ub, integer variables in a nonlinear
model.

>>> from symopt.model import Model, Var, Objective, Constraint, NonNegativeReals
>>> m = Model("demo")
>>> m.x = Var(domain=NonNegativeReals)
>>> m.y = Var(domain=NonNegativeReals)
>>> m.obj = Objective(expr=m.x + m.y)
>>> m.cap = Constraint(expr=m.x * m.y >= 4)
>>> s = analyze(m)
>>> s.problem_class, s.nonlinear_location, s.nonlinear_term
('constrained NLP', "constraint 'cap'", 'x*y')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from typing import Any

import numpy as np

from symopt.errors import ModelError, RoutingError
from symopt.model.affine import AffineTerms
from symopt.model.bulk import bound_arrays, fixed_flags, integer_members
from symopt.model.component import paused_gc
from symopt.model.components import Expression
from symopt.model.constraints import ConstraintData, Objective
from symopt.model.expr import LinearExpr, Node, VarData, quicksum
from symopt.model.polynomial import affine_part, degree
from symopt.model.reformulate import find_reformulations
from symopt.model.model import Model
from symopt.model.terms import ShapeMemo, describe_term, split_terms, variables_of

__all__ = ["Structure", "PROBLEM_CLASSES", "analyze", "explain", "residuals"]


#: the problem classes analysis can find (routing maps each to its front doors)
PROBLEM_CLASSES = ("LP", "MILP", "unconstrained NLP", "bound-constrained NLP",
                   "constrained NLP", "equations", "fit")
#: a nonlinear term over more variables than this counts as a dense Hessian block
_DENSE_TERM = 1000


@dataclass(frozen=True, eq=False)
class Structure:
    """What analysis found: the class, columns, rows, objective and the reasons.

    The one thing routing reads, whatever the entry: `analyze` builds it from a `Model`;
    `Structure.describe` from a problem that has no model (an LP read from a file, a
    problem given as plain sympy), with its sizes instead of its variables and rows.
    """

    problem_class: str
    model_name: str
    variables: tuple[VarData, ...]
    constraints: tuple[ConstraintData, ...]
    objective: Objective | None
    sense: str
    reasons: tuple[str, ...]
    fixed: tuple[VarData, ...] = ()
    nonlinear_term: str | None = None
    nonlinear_location: str | None = None
    has_bounds: bool = False
    has_integers: bool = False
    sum_of_squares: bool = False
    quadratic_program: bool = False     # quadratic objective, linear constraints or bounds (QP)
    objective_linear: LinearExpr = field(default_factory=LinearExpr)
    objective_nonlinear: tuple[Node, ...] = ()
    sizes: tuple[int, int] | None = None     # (columns, rows) when there is no model
    #: each nonlinear term's shape, found once here and read again by the compiler
    shapes: ShapeMemo = field(default_factory=ShapeMemo, repr=False)
    #: the affine terms of the objective and the rows located among the columns, found
    #: once here and read again by linear extraction
    affine: AffineTerms | None = field(default=None, repr=False)
    #: the columns' lower and upper bounds (-inf / inf for none), read once here
    column_bounds: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def describe(cls, problem_class: str, reason: str, num_variables: int,
                 num_constraints: int = 0, *, name: str = "", sense: str = "min",
                 has_bounds: bool = False) -> "Structure":
        """The structure of a problem that comes without a model (a file, plain sympy).

        >>> Structure.describe("LP", "read from a file", 3, 2).num_variables
        3
        """
        if problem_class not in PROBLEM_CLASSES:
            raise RoutingError(f"unknown problem class {problem_class!r}; expected one of "
                               f"{', '.join(PROBLEM_CLASSES)}")
        return cls(problem_class=problem_class, model_name=name, variables=(), constraints=(),
                   objective=None, sense=sense, reasons=(reason,), has_bounds=has_bounds,
                   has_integers=problem_class == "MILP",
                   sizes=(int(num_variables), int(num_constraints)))

    @property
    def num_variables(self) -> int:
        return self.sizes[0] if self.sizes else len(self.variables)

    @property
    def num_constraints(self) -> int:
        return self.sizes[1] if self.sizes else len(self.constraints)

    def hessian_pattern_size(self) -> int:
        """Nonzeros of the objective Hessian's lower triangle, from which variables share a
        nonlinear term (what compiling would find, up to cancellation); no compiling."""
        column = self.column_of
        pairs: set[tuple[int, int]] = set()
        for term in self.objective_nonlinear:
            columns = sorted({column[v] for v in variables_of(term) if v in column})
            if len(columns) > _DENSE_TERM:
                n = self.num_variables
                return n * (n + 1) // 2
            pairs.update((a, b) for i, b in enumerate(columns) for a in columns[i:])
        return len(pairs)

    @property
    def is_linear(self) -> bool:
        return self.problem_class in ("LP", "MILP")

    @cached_property
    def column_of(self) -> dict:
        """``{VarData: column}`` for the free variables."""
        return dict(zip(self.variables, range(len(self.variables))))

    def explain(self) -> str:
        """A few lines: the class and the reasons for it."""
        size = (f"{self.num_variables} variables, {self.num_constraints} constraints"
                + (f", {len(self.fixed)} fixed variables" if self.fixed else ""))
        lines = [f"model '{self.model_name}': {self.problem_class} ({size})"]
        lines += [f"  - {reason}" for reason in self.reasons]
        return "\n".join(lines)


def analyze(model: Model) -> Structure:
    """Classify ``model`` and order its columns and rows (see the module docstring)."""
    if not isinstance(model, Model):
        raise ModelError(f"analyze expects a symopt Model, got {type(model).__name__}")
    with paused_gc():
        return _analyze(model)


def _analyze(model: Model) -> Structure:
    model.refresh()
    objective = _single_objective(model)
    rows = tuple(model.constraints())
    if objective is None and not rows:
        raise ModelError(f"model '{model.name}' has nothing to solve: no active objective and no "
                         "active constraints; add an Objective or Constraints")
    linear, nonlinear = _objective_parts(objective)
    if objective is not None and not used_in_objective(linear, nonlinear):
        raise ModelError(f"objective '{objective.name}' is constant ({objective.expr}); it must "
                         "depend on at least one variable (or leave it out for a feasibility "
                         "problem)")
    term, location = _first_nonlinear(objective, nonlinear, rows)
    shapes = ShapeMemo()
    affine = _affine_terms(model, linear, nonlinear, rows, shapes)
    columns, fixed, integers, bounds = _columns(affine)
    has_bounds = bool(np.isfinite(bounds[0]).any() or np.isfinite(bounds[1]).any())
    hints = find_reformulations(model) if term is not None else []
    if term is not None and integers:
        raise RoutingError(f"variable '{integers[0].name}' is integer ({integers[0].domain}) but "
                           f"the model is nonlinear ({location} contains {term}); no symopt "
                           "solver handles a mixed-integer nonlinear model: integer variables "
                           "are only supported in linear models (MILP)" + _advice(hints))
    squares = term is not None and not rows and _is_sum_of_squares(objective, linear, nonlinear)
    problem_class, reasons = _classify(objective, rows, columns, term, location, integers,
                                       has_bounds, squares)
    quadratic = (problem_class in ("constrained NLP", "bound-constrained NLP")
                 and objective is not None and _is_quadratic_program(nonlinear, rows))
    if quadratic:
        reasons.append("a quadratic program: quadratic objective, "
                       + ("linear constraints" if rows else "bounds only"))
    reasons += [f"hint: {hint}; m.linearize() does it" for hint in hints[:3]]
    reasons += _named_expressions(model)
    return Structure(
        problem_class=problem_class, model_name=model.name, variables=columns, constraints=rows,
        objective=objective, sense=str(objective.sense.value) if objective else "min",
        reasons=tuple(reasons), fixed=fixed, nonlinear_term=term, nonlinear_location=location,
        has_bounds=has_bounds, has_integers=bool(integers), sum_of_squares=squares,
        quadratic_program=quadratic,
        objective_linear=linear, objective_nonlinear=tuple(nonlinear), shapes=shapes,
        affine=affine, column_bounds=bounds,
    )


def _advice(hints: list) -> str:
    """The reformulation that would make an integer model linear, in one clause."""
    if not hints:
        return ""
    return (f"; {hints[0].term} in {hints[0].where} has a {hints[0].kind} rewrite: call "
            "m.linearize() to make the model a MILP")


def _named_expressions(model: Model) -> list[str]:
    """A reason line naming the model's Expressions (substituted, so no extra columns)."""
    names = [component.name for component in model.components(Expression)]
    if not names:
        return []
    return [f"named expressions {', '.join(names)}: substituted where used (no extra variables "
            "or rows)"]


def explain(model: Model) -> str:
    """``analyze(model).explain()``: the class of the model and the reasons for it."""
    return analyze(model).explain()


def used_in_objective(linear: LinearExpr, nonlinear: list) -> bool:
    return not linear._is_constant() or any(variables_of(term) for term in nonlinear)


def _single_objective(model: Model) -> Objective | None:
    objectives = model.objectives()
    if len(objectives) > 1:
        names = ", ".join(f"'{o.name}'" for o in objectives)
        raise ModelError(f"model '{model.name}' has {len(objectives)} active objectives ({names}); "
                         "keep one (call .deactivate() on the others)")
    return objectives[0] if objectives else None


def _affine_terms(model: Model, linear: LinearExpr, nonlinear: list, rows: tuple,
                  shapes: ShapeMemo) -> AffineTerms:
    """The affine terms of the objective and the rows, and which model variables any term
    (nonlinear ones included) uses: arrays, no set of variables (see model.affine)."""
    more = [var for term in nonlinear for var in shapes.shape(term)[1]]
    for row in rows:
        for term in row.nonlinear:
            more.extend(shapes.shape(term)[1])
    return AffineTerms(list(model.variables()), [linear, *(row.linear for row in rows)], more)


def _columns(affine: AffineTerms) -> tuple[tuple, tuple, list, tuple[np.ndarray, np.ndarray]]:
    """Columns (the used free variables), fixed variables, integer ones, their bounds:
    whole-list reads (model.bulk); records the columns' places in ``affine``."""
    variables, used = affine.variables, affine.used
    fixed_mask = used & fixed_flags(variables)
    free = used & ~fixed_mask
    columns = tuple(compress(variables, free.tolist()))
    fixed = tuple(compress(variables, fixed_mask.tolist())) if fixed_mask.any() else ()
    affine.assign_columns(free)
    lower, upper = bound_arrays(columns)
    if (lower > upper).any():
        var = columns[int(np.argmax(lower > upper))]
        raise ModelError(f"variable '{var.name}' has lower bound {var.lb} > upper bound {var.ub}")
    return columns, fixed, integer_members(columns), (lower, upper)


def _objective_parts(objective: Objective | None) -> tuple[LinearExpr, list]:
    """The objective's affine part and nonlinear terms (terms that cancel folded in)."""
    if objective is None:
        return LinearExpr(), []
    linear, nonlinear = split_terms(objective.expr)
    affine = affine_part(nonlinear) if nonlinear else None
    if affine is not None:
        return quicksum([linear, affine]), []
    return linear, nonlinear


def _first_nonlinear(objective: Objective | None, nonlinear: list,
                     rows: tuple) -> tuple[str | None, str | None]:
    """The first nonlinear term and where it is; rows whose terms cancel become affine."""
    if nonlinear:
        return describe_term(nonlinear[0]), f"objective '{objective.name}'"
    for row in rows:
        if not row._absorb_cancelling_terms():
            return describe_term(row.nonlinear[0]), f"constraint '{row.name}'"
    return None, None


def _is_quadratic_program(nonlinear: list, rows: tuple) -> bool:
    """Every objective term of degree <= 2 and every constraint affine."""
    return (all(not row.nonlinear or row._absorb_cancelling_terms() for row in rows)
            and all(degree(term) <= 2 for term in nonlinear))


def _is_square(term: Any) -> bool:
    if term.op == "pow":
        return term.args[1] == 2
    if term.op == "mul":
        weight, inner = term.args
        return isinstance(weight, float) and weight > 0 and isinstance(inner, Node) and _is_square(inner)
    return False


def _is_sum_of_squares(objective: Objective, linear: LinearExpr, nonlinear: list) -> bool:
    return (objective.sense.value == "min" and not linear.terms
            and all(_is_square(term) for term in nonlinear))


def residuals(structure: Structure) -> list[tuple[float, Any]]:
    """``[(weight, residual)]`` with objective = constant + sum(weight * residual**2).

    Only meaningful when ``structure.sum_of_squares``; affine pieces of the objective
    other than its constant are not allowed there.
    """
    pairs = []
    for term in structure.objective_nonlinear:
        weight = 1.0
        while term.op == "mul":
            weight *= term.args[0]
            term = term.args[1]
        pairs.append((weight, term.args[0]))
    return pairs


def _classify(objective: Objective | None, rows: tuple, columns: tuple, term: str | None,
              location: str | None, integers: list, has_bounds: bool,
              squares: bool) -> tuple[str, list[str]]:
    reasons: list[str] = []
    if objective is None:
        reasons.append("there is no objective")
    if term is None:
        reasons.append("the objective and every constraint are linear (affine in the variables)")
        if integers:
            reasons.append(f"{len(integers)} variables are integer, e.g. '{integers[0].name}'")
            return "MILP", reasons
        if objective is None:
            reasons.append("a feasibility problem: any point satisfying the constraints (objective 0)")
        return "LP", reasons
    reasons.append(f"nonlinear: {location} contains {term}")
    equations = [r for r in rows if r.is_equality]
    if objective is None and len(equations) == len(rows) == len(columns) and not has_bounds:
        reasons.append(f"a square system: {len(rows)} equations in {len(columns)} free variables")
        return "equations", reasons
    if objective is None:
        reasons.append(f"not a square system ({len(equations)} equations, {len(rows) - len(equations)}"
                       f" inequalities, {len(columns)} free variables"
                       + (", bounds" if has_bounds else "") + "): a feasibility problem, objective 0")
    if rows:
        reasons.append(f"{len(rows)} constraints ({len(equations)} equations)")
        return "constrained NLP", reasons
    if squares:
        reasons.append("the objective is a sum of squares (least-squares form)")
    if has_bounds:
        reasons.append("no constraints; some variables have bounds")
        return "bound-constrained NLP", reasons
    reasons.append("no constraints and no variable bounds")
    return "unconstrained NLP", reasons
