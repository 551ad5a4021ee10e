"""solve(..., exact=True): exact LP answers through the pipeline, the CLI and the reports."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import symopt
from symopt.cli import main
from symopt.errors import InputError
from symopt.model import Constraint, Model, Objective, Var, maximize
from symopt.report import render
from symopt.report.json_format import load_schema
from tests.test_report import validate

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def wyndor() -> Model:
    m = Model("wyndor")
    m.x, m.y = Var(bounds=(0, None)), Var(bounds=(0, None))
    m.profit = Objective(expr=3 * m.x + 5 * m.y, sense=maximize)
    m.plant1 = Constraint(expr=m.x <= 4)
    m.plant2 = Constraint(expr=2 * m.y <= 12)
    m.plant3 = Constraint(expr=3 * m.x + 2 * m.y <= 18)
    return m


def test_textbook_lp_exact_answer_matches_hand_derivation_and_float_report():
    solution = symopt.solve(wyndor(), exact=True)
    exact = solution.exact
    assert exact.optimal and exact.objective == 36
    assert exact.values == {"x": 2, "y": 6}
    assert exact.duals == {"plant1": 0, "plant2": Fraction(3, 2), "plant3": 1}
    for c in solution.constraints:
        assert float(exact.duals[c.name]) == pytest.approx(c.dual, abs=1e-9)
    assert "exactly optimal" in exact.verdict


def test_decimal_data_have_rational_answers():
    # min 0.3a + 0.2b, 0.1a + 0.3b >= 1, 0.2a + 0.1b >= 1: a = 4, b = 2, cost 8/5
    m = Model("thirds")
    m.a, m.b = Var(bounds=(0, None)), Var(bounds=(0, None))
    m.cost = Objective(expr=0.3 * m.a + 0.2 * m.b)
    m.one = Constraint(expr=0.1 * m.a + 0.3 * m.b >= 1)
    m.two = Constraint(expr=0.2 * m.a + 0.1 * m.b >= 1)
    exact = symopt.solve(m, exact=True).exact
    assert exact.objective == Fraction(8, 5)
    assert exact.duals == {"one": Fraction(1, 5), "two": Fraction(7, 5)}


def test_nonlinear_models_are_refused_before_solving():
    m = Model("nl")
    m.x = Var(initialize=1.0)
    m.f = Objective(expr=(m.x - 2) ** 2)
    with pytest.raises(InputError, match="certifies linear programs"):
        symopt.solve(m, exact=True)


def test_reports_carry_the_exact_answer():
    solution = symopt.solve(wyndor(), exact=True)
    assert "Exact answer" in render(solution, "text")
    assert "3/2" in render(solution, "md")
    data = json.loads(render(solution, "json"))
    assert data["exact"]["duals"]["plant2"] == "3/2"
    schema = load_schema()
    assert validate(data, schema, schema) == []
    plain = json.loads(render(symopt.solve(wyndor()), "json"))
    assert plain["exact"] is None and validate(plain, schema, schema) == []


def test_cli_exact_flag(capsys):
    assert main(["solve", str(EXAMPLES / "diet.opt"), "--exact"]) == 0
    out = capsys.readouterr().out
    assert "exact: the final basis is exactly optimal" in out
    assert "daily_cost = 67/10" in out
    assert main(["solve", str(EXAMPLES / "diet.opt"), "--exact", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["exact"]["objective"] == "67/10"


def test_exact_ranges_reach_the_report_and_json():
    solution = symopt.solve(wyndor(), exact=True)
    assert solution.exact.cost_ranges["x"] == (0, Fraction(15, 2))
    assert solution.exact.rhs_ranges["plant2"] == (12, 6, 18)
    assert "[6, 18]" in render(solution, "text")
    data = json.loads(render(solution, "json"))
    assert data["exact"]["cost_ranges"]["x"] == ["0", "15/2"]
    assert data["exact"]["rhs_ranges"]["plant1"] == ["2", None]
    schema = load_schema()
    assert validate(data, schema, schema) == []
