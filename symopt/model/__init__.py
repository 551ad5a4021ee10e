"""The modeling layer: components, the Model, and the expression core.

Import from here (or from ``symopt``); see ``symopt.model.expr`` for the expression design
and the compiler API (``split_terms``, ``term_shape``, ``shape_to_sympy``).

Modules: ``expr`` (VarData, LinearExpr, Node and their algebra), ``ops``, ``text``,
``export`` and ``relation`` (beside it), ``terms`` (reading expressions), ``polynomial``
(nonlinear terms that cancel to an affine expression), ``convert``
(sympy -> model), ``functions`` (exp, log, ...), ``sets`` (Set, RangeSet, domains),
``component`` (the base of components), ``components`` (Param, Var, Expression),
``constraints`` (Objective, Constraint), ``model`` (Model, value), ``arrays`` (whole
families as numpy-style arrays of affine expressions: ``Var.as_array()``).

>>> m = Model("plant")
>>> m.T = RangeSet(3)
>>> m.x = Var(m.T, domain=NonNegativeReals, bounds=(None, 10))
>>> m.cost = Objective(expr=sum(t * m.x[t] for t in m.T))
>>> m.need = Constraint(m.T, rule=lambda m, t: m.x[t] >= t)
>>> print(m.cost.expr, "|", m.need[2])
x[1] + 2*x[2] + 3*x[3] | need[2]: 2 <= x[2]
"""
from symopt.model.arrays import LinearArray, RelationArray
from symopt.model.checks import BuildCheck
from symopt.model.components import Expression, IndexedVar, Param, ScalarVar, Var
from symopt.model.constraints import (
    Constraint, ConstraintData, Objective, Sense, maximize, minimize,
)
from symopt.model.convert import from_sympy, shape_to_sympy
from symopt.model.expr import (
    FUNCTIONS, Expr, LinearExpr, Node, Relation, VarData, between, expr_text, quicksum, to_sympy,
)
from symopt.model.functions import (
    abs, acos, asin, atan, cos, cosh, erf, exp, log, log10, sin, sinh, sqrt, tan, tanh,
)
from symopt.model.model import Model, value
from symopt.model.sets import (
    Binary, Domain, Integers, NonNegativeIntegers, NonNegativeReals, NonPositiveReals,
    IndexedSet, RangeSet, Reals, Set,
)
from symopt.model.terms import evaluate, is_affine, split_terms, term_shape, variables_of

__all__ = [
    "Model", "Set", "IndexedSet", "RangeSet", "Param", "Var", "ScalarVar", "IndexedVar",
    "Expression", "BuildCheck", "LinearArray", "RelationArray",
    "Objective", "Constraint", "ConstraintData", "Sense", "minimize", "maximize",
    "Domain", "Reals", "NonNegativeReals", "NonPositiveReals", "Integers",
    "NonNegativeIntegers", "Binary", "Expr", "VarData", "LinearExpr", "Node", "Relation",
    "FUNCTIONS", "between", "quicksum", "value", "expr_text", "to_sympy", "from_sympy",
    "shape_to_sympy", "split_terms", "term_shape", "variables_of", "evaluate", "is_affine",
    "exp", "log", "log10", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
    "cosh", "tanh", "erf",
]
