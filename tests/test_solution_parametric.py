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


FURNITURE_OPT = """
param p_A symbolic = 45
param p_B symbolic = 80
param b_labour symbolic = 450
param overtime = b_labour / 10          # derived from a symbolic param: follows it
var a >= 0
var b >= 0
maximize profit: p_A * a + p_B * b
subject to
  wood: 5 * a + 20 * b <= 400
  labour: 10 * a + 15 * b <= b_labour
  hours: a + b <= overtime
"""


def test_a_model_file_gives_the_same_formulas_as_the_python_model():
    """``param p symbolic`` in a .opt file: the file is built again at moved values, so the
    formulas equal the Python model's (where the extra row ``hours`` is slack)."""
    from symopt import dsl
    model = dsl.loads(FURNITURE_OPT).model
    from_file = symopt.solve(model).parametric
    from_python = symopt.solve(furniture()).parametric
    assert from_file.objective == from_python.objective
    assert from_file.duals["labour"] == from_python.duals["labour"]
    assert from_file.values == from_python.values
    assert model.p_A.value == 45.0          # the model is left as it was solved


def test_a_param_derived_from_a_symbolic_one_moves_with_it():
    """``overtime = b_labour / 10`` binds once labour is cheap to add: the file's formulas
    carry the derived param's slope (1/10), which a frozen number would have lost."""
    from symopt import dsl
    text = FURNITURE_OPT.replace("labour: 10 * a", "labour: 1 * a")
    answer = symopt.solve(dsl.loads(text).model).parametric
    b_labour = sympy.Symbol("b_labour", real=True)
    assert sympy.diff(answer.objective, b_labour) != 0
    for value in (440.0, 460.0):
        moved = text.replace("b_labour symbolic = 450", f"b_labour symbolic = {value}")
        re_solved = symopt.solve(dsl.loads(moved).model)
        point = {"p_A": 45.0, "p_B": 80.0, "b_labour": value}
        assert evaluate(answer.objective, point) == pytest.approx(re_solved.objective, rel=1e-9)


def test_only_a_scalar_param_can_be_symbolic_in_a_file():
    from symopt import dsl
    errors = dsl.check_text("set I = {a, b}\nparam p[I] symbolic = {a: 3, b: 4}\n"
                            "var x >= 0\nminimize f: x + p[a]\n", "m.opt")
    assert len(errors) == 1
    assert (errors[0].location.line, errors[0].location.column) == (2, 7)
    assert "only a scalar param can be symbolic" in errors[0].message


def test_a_symbolic_param_that_changes_the_model_size_is_a_located_error(tmp_path):
    path = tmp_path / "sized.opt"
    path.write_text("param n symbolic = 3\nset T = 1..n\nvar x[T] >= 1\n"
                    "minimize f: sum(t in T) x[t]\n")
    from symopt import dsl
    with pytest.raises(InputError, match="changes which variables or constraints"):
        symopt.solve(dsl.load(path))
