"""Parametric LP answers in symbolic Params (symopt.solution.parametric)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import sympy

import symopt
from symopt.errors import InputError, ModelError
from symopt.model import Constraint, Model, Objective, Param, Var, maximize
from symopt.report import render
from symopt.report.json_format import load_schema
from tests.test_report import validate


def furniture(price_a=45.0, price_b=80.0, labour=450.0) -> Model:
    """Two products, prices and the labour capacity symbolic (the issue's example shape)."""
    m = Model("furniture")
    m.p_A = Param(initialize=price_a, symbolic=True)
    m.p_B = Param(initialize=price_b, symbolic=True)
    m.b_labour = Param(initialize=labour, symbolic=True)
    m.a, m.b = Var(bounds=(0, None)), Var(bounds=(0, None))
    m.profit = Objective(rule=lambda m: m.p_A * m.a + m.p_B * m.b, sense=maximize)
    m.wood = Constraint(expr=5 * m.a + 20 * m.b <= 400)
    m.labour = Constraint(rule=lambda m: 10 * m.a + 15 * m.b <= m.b_labour)
    return m


def evaluate(expr, point):
    return float(expr.subs({sympy.Symbol(k, real=True): v for k, v in point.items()}))


def test_formulas_match_re_solves_inside_the_region():
    solution = symopt.solve(furniture())
    answer = solution.parametric
    assert set(answer.parameters) == {"p_A", "p_B", "b_labour"}
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 5:
        point = {"p_A": 45 + rng.uniform(-8, 8), "p_B": 80 + rng.uniform(-15, 15),
                 "b_labour": 450 + rng.uniform(-60, 60)}
        if not all(bool(r.subs({sympy.Symbol(k, real=True): v for k, v in point.items()}))
                   for r in answer.region):
            continue
        again = symopt.solve(furniture(point["p_A"], point["p_B"], point["b_labour"]))
        assert evaluate(answer.objective, point) == pytest.approx(again.objective, rel=1e-9)
        for c in again.constraints:
            assert evaluate(answer.duals[c.name], point) == pytest.approx(c.dual, abs=1e-7)
        for v in again.variables:
            assert evaluate(answer.values[v.name], point) == pytest.approx(v.value, abs=1e-7)
        checked += 1


def test_one_param_gives_an_interval_that_is_tight():
    m = Model("shop")
    m.hours = Param(initialize=40, symbolic=True)
    m.x, m.y = Var(bounds=(0, None)), Var(bounds=(0, 25))
    m.profit = Objective(expr=3 * m.x + 2 * m.y, sense=maximize)
    m.labour = Constraint(rule=lambda m: m.x + m.y <= m.hours)
    m.wood = Constraint(expr=m.x <= 30)
    answer = symopt.solve(m).parametric
    assert answer.interval == (30, 55)          # y = hours - 30 must stay in [0, 25]
    assert answer.describe_region() == "30 <= hours <= 55"
    assert answer.duals["labour"] == 2 and answer.values["y"] == sympy.Symbol("hours", real=True) - 30
    # just outside, the basis changes: the dual of labour drops
    m.hours.value = 56
    assert symopt.solve(m).constraint("labour").dual != pytest.approx(2.0)


def test_a_param_in_the_matrix_is_refused():
    m = Model("coef")
    m.k = Param(initialize=2.0, symbolic=True)
    m.x = Var(bounds=(0, None))
    m.o = Objective(expr=m.x, sense=maximize)
    m.c = Constraint(rule=lambda m: m.k * m.x <= 10)
    with pytest.raises(InputError, match="changes the constraint matrix"):
        symopt.solve(m)


def test_symbolic_params_outside_rules_are_refused():
    m = Model("frozen")
    m.k = Param(initialize=2.0, symbolic=True)
    m.x = Var(bounds=(0, None))
    with pytest.raises(ModelError, match="may only enter expressions inside a rule"):
        m.c = Constraint(expr=m.x <= m.k)
    with pytest.raises(ModelError, match="symbolic=True is for scalar params"):
        m.v = Param(range(3), initialize=1.0, symbolic=True)


def test_report_and_json_show_the_formulas():
    solution = symopt.solve(furniture())
    text = render(solution, "text")
    assert "Parametric answer" in text and "Shadow prices as formulas" in text
    data = json.loads(render(solution, "json"))
    assert set(data["parametric"]["parameters"]) == {"p_A", "p_B", "b_labour"}
    schema = load_schema()
    assert validate(data, schema, schema) == []
