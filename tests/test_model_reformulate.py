"""Reformulation hints and Model.linearize (symopt.model.reformulate)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import symopt
from symopt.errors import ModelError
from symopt.model import Binary, Constraint, Model, Objective, Var, maximize
from symopt.model.reformulate import find_reformulations


def l1_fit() -> Model:
    """min |a - 3| + 2 |a + 1|: the minimum 4 sits at a = -1."""
    m = Model("l1")
    m.a = Var(initialize=0.0)
    m.cost = Objective(expr=symopt.abs(m.a - 3) + 2 * symopt.abs(m.a + 1))
    return m


def test_convex_abs_becomes_an_lp_with_the_same_optimum():
    m = l1_fit()
    assert symopt.analyze(m).problem_class == "unconstrained NLP"
    done = m.linearize()
    assert [r.kind for r in done] == ["abs epigraph", "abs epigraph"]
    assert symopt.analyze(m).problem_class == "LP"
    solution = symopt.solve(m)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(4.0) and m.a.value == pytest.approx(-1.0)


def test_nonconvex_abs_gets_a_binary_split():
    # max |a - 1| on [-2, 5]: the maximum 4 is at a = 5 (an epigraph would be unbounded)
    m = Model("far")
    m.a = Var(bounds=(-2, 5))
    m.reach = Objective(expr=symopt.abs(m.a - 1), sense=maximize)
    (found,) = m.linearize()
    assert found.kind == "abs split (big-M)"
    assert symopt.analyze(m).problem_class == "MILP"
    solution = symopt.solve(m)
    assert solution.objective == pytest.approx(4.0) and m.a.value == pytest.approx(5.0)


def test_abs_in_rows_follows_the_side_of_the_bound():
    m = Model("rows")
    m.x, m.y = Var(bounds=(-4, 4)), Var(bounds=(-4, 4))
    m.obj = Objective(expr=m.x + m.y, sense=maximize)
    m.box = Constraint(expr=symopt.abs(m.x) + symopt.abs(m.y) <= 3)       # convex: epigraph
    m.away = Constraint(expr=symopt.abs(m.x - m.y) >= 1)                  # not convex: split
    kinds = sorted(r.kind for r in find_reformulations(m))
    assert kinds == ["abs epigraph", "abs epigraph", "abs split (big-M)"]
    m.linearize()
    solution = symopt.solve(m)
    # brute force on a grid: the best x + y with |x|+|y| <= 3 and |x - y| >= 1 is 3
    assert solution.status == "optimal" and solution.objective == pytest.approx(3.0)
    assert abs(m.x.value) + abs(m.y.value) <= 3 + 1e-7 and abs(m.x.value - m.y.value) >= 1 - 1e-7


def test_binary_times_bounded_variable_is_an_exact_milp():
    rng = np.random.default_rng(5)
    fixed, unit, cap = rng.uniform(5, 15, 3), rng.uniform(1, 3, 3), [30.0, 40.0, 25.0]
    m = Model("plants")
    m.open = Var(range(3), domain=Binary)
    m.make = Var(range(3), bounds=(0, 40))
    m.cost = Objective(expr=sum(fixed[i] * m.open[i] + unit[i] * m.open[i] * m.make[i]
                                for i in range(3)))
    m.demand = Constraint(expr=sum(m.open[i] * m.make[i] for i in range(3)) >= 50)
    m.capacity = Constraint(range(3), rule=lambda m, i: m.make[i] <= cap[i])
    with pytest.raises(symopt.RoutingError, match="call m.linearize"):
        symopt.analyze(m)
    assert len(m.linearize()) == 6
    solution = symopt.solve(m)
    best = min(sum(fixed[i] for i in range(3) if o[i]) + _cheapest(o, unit, cap, 50)
               for o in itertools.product([0, 1], repeat=3))
    assert solution.objective == pytest.approx(best, rel=1e-7)


def _cheapest(opened, unit, cap, need):
    """Fill the demand from the open plants, cheapest first (an exact greedy for this LP)."""
    cost, left = 0.0, need
    for i in sorted((i for i in range(3) if opened[i]), key=lambda i: unit[i]):
        take = min(cap[i], left)
        cost, left = cost + unit[i] * take, left - take
    return cost if left <= 1e-9 else np.inf


def test_explain_gives_the_hint():
    text = l1_fit().explain()
    assert "hint: abs(a - 3) in objective 'cost': abs epigraph" in text
    assert "m.linearize() does it" in text


def test_big_m_needs_finite_bounds():
    m = Model("open")
    m.a = Var()
    m.reach = Objective(expr=symopt.abs(m.a), sense=maximize)
    with pytest.raises(ModelError, match="give its variables finite bounds"):
        m.linearize()
    assert symopt.analyze(m).problem_class == "unconstrained NLP"   # nothing changed
