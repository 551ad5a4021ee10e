"""NLP sensitivities to symbolic Params (symopt.solution.sensitivity): the implicit function
theorem on the KKT conditions against finite differences of re-solves."""
from __future__ import annotations

import json

import pytest

import symopt
from symopt.model import Constraint, Model, Objective, Param, Var
from symopt.report import render
from symopt.report.json_format import load_schema
from tests.test_report import validate

TIGHT = {"ftol": 1e-13, "maxiter": 500}


def circle(r: float = 2.0, w: float = 1.5) -> Model:
    """min (x-3)^2 + w (y-2)^2 inside the disk of radius r: the disk is active."""
    m = Model("circle")
    m.r = Param(initialize=r, symbolic=True)
    m.w = Param(initialize=w, symbolic=True)
    m.x, m.y = Var(initialize=1.0), Var(initialize=1.0, bounds=(None, 10))
    m.obj = Objective(rule=lambda m: (m.x - 3) ** 2 + m.w * (m.y - 2) ** 2)
    m.disk = Constraint(rule=lambda m: m.x ** 2 + m.y ** 2 <= m.r ** 2)
    return m


def resolve(**values):
    m = circle(**values)
    solution = symopt.solve(m, method="slsqp", options=TIGHT)
    return solution, m


@pytest.mark.parametrize("name,base", [("r", 2.0), ("w", 1.5)])
def test_derivatives_match_finite_differences_of_re_solves(name, base):
    solution, _ = resolve()
    sens = solution.sensitivity
    assert sens.active == ("disk",)
    h = 1e-3
    up, m_up = resolve(**{name: base + h})
    down, m_down = resolve(**{name: base - h})
    assert sens.dx[name]["x"] == pytest.approx((m_up.x.value - m_down.x.value) / (2 * h), abs=1e-5)
    assert sens.dx[name]["y"] == pytest.approx((m_up.y.value - m_down.y.value) / (2 * h), abs=1e-5)
    assert sens.dobjective[name] == pytest.approx((up.objective - down.objective) / (2 * h),
                                                  abs=1e-5)
    dual = (up.constraint("disk").dual - down.constraint("disk").dual) / (2 * h)
    assert sens.dduals[name]["disk"] == pytest.approx(dual, abs=1e-5)


def test_envelope_theorem_holds():
    # d f*/d r = dual of disk * d(r^2)/dr = dual * 2r (the multiplier is d f*/d rhs)
    solution, _ = resolve()
    assert solution.sensitivity.dobjective["r"] == pytest.approx(
        solution.constraint("disk").dual * 4.0, rel=1e-6)


def test_a_bound_held_active_moves_with_its_param():
    m = Model("boxed")
    m.cap = Param(initialize=1.0, symbolic=True)
    m.x = Var(initialize=0.0, bounds=(None, 5))
    m.y = Var(initialize=0.0)
    m.obj = Objective(rule=lambda m: -m.x - m.y + 0.5 * m.y ** 2, sense="min")
    m.top = Constraint(rule=lambda m: m.x <= m.cap)
    sens = symopt.solve(m).sensitivity
    assert sens.dx["cap"]["x"] == pytest.approx(1.0) and sens.dx["cap"]["y"] == pytest.approx(0.0)
    assert sens.dobjective["cap"] == pytest.approx(-1.0)


def test_report_and_json():
    solution, _ = resolve()
    assert "Sensitivity to symbolic params" in render(solution, "text")
    data = json.loads(render(solution, "json"))
    assert data["sensitivity"]["active"] == ["disk"]
    schema = load_schema()
    assert validate(data, schema, schema) == []


def test_a_model_file_symbolic_param_gives_nlp_sensitivities():
    """``param a symbolic`` in a .opt file: dx*/da by the implicit function theorem equals
    the finite difference of re-solves of the file at a ± h."""
    from symopt import dsl
    text = ("param a symbolic = 3\nvar x = 1\nvar y = 1\n"
            "minimize f: (x - 1)^2 + 2*(y - 2)^2\nsubject to\n  c: x + y == a\n")
    solution = symopt.solve(dsl.loads(text).model)
    dx = solution.sensitivity.dx["a"]

    def solved_at(value):
        return symopt.solve(dsl.loads(text.replace("a symbolic = 3", f"a symbolic = {value}")).model)

    h = 1e-3
    plus, minus = solved_at(3 + h), solved_at(3 - h)
    for name in ("x", "y"):
        expected = (plus.values()[name] - minus.values()[name]) / (2 * h)
        assert dx[name] == pytest.approx(expected, abs=1e-5)
