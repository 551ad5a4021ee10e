"""KKT diagnosis at a returned NLP point, in words (symopt.solution.diagnosis)."""
from __future__ import annotations

import json

import numpy as np

import symopt
from symopt.analysis import analyze
from symopt.compile.from_model import compile_model
from symopt.model import Constraint, Model, Objective, Var
from symopt.report import render
from symopt.report.json_format import load_schema
from symopt.solution.diagnosis import kkt_diagnosis
from tests.test_report import validate


def spread() -> Model:
    m = Model("spread")
    m.x = Var(range(5), initialize=0.0)
    m.f = Objective(expr=sum((m.x[i] - i) ** 2 for i in range(5)))
    m.c = Constraint(expr=sum(m.x[i] for i in range(5)) <= 4)
    return m


def test_a_stopped_solve_names_the_variable_that_is_not_stationary():
    solution = symopt.solve(spread(), method="slsqp", options={"maxiter": 2})
    kkt = solution.kkt
    assert not kkt.condition("stationarity").holds
    assert kkt.sentence().startswith("the point is feasible but not stationary: the gradient of "
                                     "the Lagrangian is")
    assert kkt.condition("stationarity").where in [f"x[{i}]" for i in range(5)]
    assert "Optimality conditions" in render(solution, "text")


def test_an_optimal_solve_passes_every_condition():
    solution = symopt.solve(spread())
    assert solution.status == "optimal" and solution.kkt.holds
    assert solution.kkt.sentence() == ("the first-order and second-order conditions hold at the "
                                       "returned point")
    data = json.loads(render(solution, "json"))
    assert data["kkt"]["holds"] is True
    schema = load_schema()
    assert validate(data, schema, schema) == []


def program_of(m: Model):
    return compile_model(analyze(m))


def test_infeasible_point_and_wrong_dual_sign_are_named():
    nlp = program_of(spread())
    x = np.array([2.0, 2.0, 2.0, 2.0, 2.0])          # sum 10 > 4
    kkt = kkt_diagnosis(nlp, x, np.array([-1.0]))
    assert kkt.sentence() == "the point is infeasible: c is violated by 6.0e+00"
    # at a feasible point with the row binding, a positive multiplier on a <= row of a
    # minimization pushes the wrong way
    x = np.array([-1.2, -0.2, 0.8, 1.8, 2.8])         # sum 4, the optimum
    wrong = kkt_diagnosis(nlp, x, np.array([+2.4]))
    assert not wrong.condition("dual signs").holds and wrong.condition("dual signs").where == "c"
    right = kkt_diagnosis(nlp, x, np.array([-2.4]))
    assert right.holds


def test_negative_curvature_is_not_a_minimum():
    m = Model("hill")
    m.x, m.y = Var(initialize=0.0), Var(initialize=0.0)
    m.f = Objective(expr=-(m.x ** 2) - 2 * m.y ** 2)
    m.disk = Constraint(expr=m.x ** 2 + m.y ** 2 <= 1)
    kkt = kkt_diagnosis(program_of(m), np.zeros(2), np.zeros(1))
    assert kkt.condition("stationarity").holds
    second = kkt.condition("second order")
    assert not second.holds and second.where == "y"
    assert kkt.sentence().startswith("the point is feasible but not a minimum: the Lagrangian "
                                     "curves down")


def test_a_saddle_the_status_check_finds_is_the_diagnosis_verdict_too():
    """x^3 + y^2 stopped near 0: the Hessian is barely positive at x = 0.004, so the
    second-order test alone passes, but the status check walks downhill along x. The
    diagnosis must say the same thing as the status, naming x."""
    m = Model("saddle")
    m.x, m.y = Var(initialize=0.5), Var(initialize=1.0)
    m.f = Objective(expr=m.x ** 3 + m.y ** 2)
    solution = symopt.solve(m)
    assert solution.status == "saddle_point"
    kkt = solution.kkt
    assert not kkt.holds
    probe = kkt.condition("no better point nearby")
    assert not probe.holds and probe.where == "x"
    assert kkt.sentence().startswith("the point is feasible but not a minimum: the objective "
                                     "improves steadily by")
    assert "first-order and second-order conditions hold" not in render(solution, "text")


def test_a_true_minimum_has_no_probe_row():
    solution = symopt.solve(spread())
    assert all(c.name != "no better point nearby" for c in solution.kkt.conditions)
