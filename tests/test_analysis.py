"""Model analysis: problem classes, reasons, the first nonlinear term, model errors."""
from __future__ import annotations

import pytest

import symopt
from symopt import (
    Binary, Constraint, Model, ModelError, NonNegativeReals, Objective, Param, RangeSet, Var,
    maximize,
)
from symopt.analysis import analyze, residuals
from symopt.model import evaluate


def small_lp(integer: bool = False) -> Model:
    m = Model("lp")
    m.x = Var(domain=Binary if integer else NonNegativeReals)
    m.y = Var(domain=NonNegativeReals)
    m.unused = Var()
    m.profit = Objective(expr=3 * m.x + 2 * m.y, sense=maximize)
    m.cap = Constraint(expr=m.x + m.y <= 4)
    return m


def test_lp_and_milp():
    s = analyze(small_lp())
    assert s.problem_class == "LP" and s.is_linear and s.sense == "max"
    assert [v.name for v in s.variables] == ["x", "y"]  # unused variables are no columns
    assert [r.name for r in s.constraints] == ["cap"]
    assert s.nonlinear_term is None and "linear" in s.reasons[0]
    m = small_lp(integer=True)
    s = analyze(m)
    assert s.problem_class == "MILP" and s.has_integers and "'x'" in " ".join(s.reasons)


def test_nonlinear_term_is_named_with_its_constraint():
    m = Model("plant")
    m.I = RangeSet(4)
    m.x = Var(m.I, domain=NonNegativeReals)
    m.y = Var(m.I, domain=NonNegativeReals)
    m.cost = Objective(expr=sum(m.x[i] + m.y[i] for i in m.I))
    m.capacity = Constraint(m.I, rule=lambda m, i: m.x[i] + (m.x[i] * m.y[i] if i == 3 else 0) >= 1)
    s = analyze(m)
    assert s.problem_class == "constrained NLP"
    assert s.nonlinear_location == "constraint 'capacity[3]'" and s.nonlinear_term == "x[3]*y[3]"
    assert "nonlinear: constraint 'capacity[3]' contains x[3]*y[3]" in s.explain()


def test_unconstrained_bounded_and_sum_of_squares():
    m = Model("rosenbrock")
    m.x = Var(RangeSet(3), initialize=-1.2)
    m.f = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 + (1 - m.x[i]) ** 2 for i in (1, 2)))
    s = analyze(m)
    assert s.problem_class == "unconstrained NLP" and s.sum_of_squares
    assert s.nonlinear_location == "objective 'f'"
    pairs = residuals(s)
    assert len(pairs) == 4
    total = sum(w * evaluate(r) ** 2 for w, r in pairs)
    assert total == pytest.approx(evaluate(m.f.expr))
    m.x[1].setlb(-2)
    assert analyze(m).problem_class == "bound-constrained NLP"


def test_square_system_of_equations():
    m = Model("system")
    m.x = Var()
    m.y = Var()
    m.circle = Constraint(expr=m.x ** 2 + m.y ** 2 == 4)
    m.line = Constraint(expr=m.x - m.y == 0)
    s = analyze(m)
    assert s.problem_class == "equations" and s.objective is None
    assert "square system: 2 equations in 2 free variables" in s.explain()
    m.extra = Constraint(expr=m.x >= 0)
    assert analyze(m).problem_class == "constrained NLP"


def test_fixed_variables_are_not_columns():
    m = small_lp()
    m.y.fix(1.0)
    s = analyze(m)
    assert [v.name for v in s.variables] == ["x"] and [v.name for v in s.fixed] == ["y"]


def test_model_errors_name_the_component():
    m = Model()
    m.x = Var()
    m.k = Param(initialize=3.0)
    m.const = Objective(expr=m.k * 2)
    with pytest.raises(ModelError, match="objective 'const' is constant"):
        analyze(m)
    m.const.deactivate()
    m.a = Objective(expr=m.x ** 2)
    m.b = Objective(expr=m.x)
    with pytest.raises(ModelError, match="2 active objectives \\('a', 'b'\\)"):
        analyze(m)
    m.b.deactivate()
    m.n = Var(domain=symopt.Integers)
    m.c = Constraint(expr=m.n + m.x <= 3)
    with pytest.raises(symopt.RoutingError, match="variable 'n' is integer .* nonlinear \\(objective 'a' contains x\\*\\*2\\)"):
        analyze(m)
    m2 = Model()
    m2.x = Var(bounds=(0, 1))
    m2.o = Objective(expr=m2.x)
    m2.x.setlb(2)
    with pytest.raises(ModelError, match="variable 'x' has lower bound 2.0 > upper bound 1.0"):
        analyze(m2)


def test_explain_names_solver_and_method():
    text = small_lp().explain()
    assert "LP" in text and "solve_lp" in text


def test_empty_and_rowless_models():
    with pytest.raises(ModelError, match="nothing to solve"):
        analyze(Model("empty"))
    m = Model()
    m.x = Var(bounds=(0, 3))
    m.o = Objective(expr=-m.x)
    s = analyze(m)
    assert s.problem_class == "LP" and s.num_constraints == 0 and s.has_bounds


def test_nonlinear_terms_that_cancel_are_affine():
    from symopt.compile.linear import extract_linear
    m = Model("cancel")
    m.x = Var(bounds=(0, 5))
    m.y = Var(bounds=(0, 5))
    m.o = Objective(expr=(m.x + 1) ** 2 - m.x ** 2 + m.x * m.y - m.y * m.x + m.y)
    m.c = Constraint(expr=(m.x + m.y) ** 2 - m.x ** 2 - m.y ** 2 - 2 * m.x * m.y + m.x >= 1)
    s = analyze(m)
    assert s.problem_class == "LP"
    lp = extract_linear(s)
    assert lp.c.tolist() == [2.0, 1.0] and lp.offset == 1.0
    assert lp.A.toarray().tolist() == [[1.0, 0.0]] and lp.row_lower.tolist() == [1.0]
    m.d = Constraint(expr=m.x * m.y + m.x * m.y <= 3)  # doubles, does not cancel
    assert analyze(m).nonlinear_term == "x*y"
