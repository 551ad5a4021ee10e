"""Every example model solves to its known answer, checked against scipy where it applies."""
from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest

from symopt.dsl import read
from symopt.dsl.solving import solve_loaded

scipy_optimize = pytest.importorskip("scipy.optimize")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
LINEAR = ["production", "production_plan", "diet", "transport", "knapsack", "blending",
          "scheduling", "steel_multiperiod", "food_manufacture", "network_flow"]


def solve(name: str):
    """Solve an example with its own options line, as ``symopt solve`` does."""
    loaded = read(EXAMPLES / f"{name}.opt")
    return loaded, solve_loaded(loaded, **getattr(loaded, "solve_arguments", {}))


def values(solution) -> dict:
    return solution.values()


def test_there_are_at_least_ten_examples():
    assert len(list(EXAMPLES.glob("*.opt"))) >= 10
    assert (EXAMPLES / "production.opt").exists()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.opt")), ids=lambda p: p.stem)
def test_every_example_passes_check(path):
    from symopt.dsl import check
    assert check(path) == []


def scipy_objective(lp) -> float:
    """The optimum of a LinearProgram by scipy's HiGHS (the oracle)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    A = np.zeros(lp.A.shape)
    for j in range(lp.num_cols):
        for k in range(lp.A.indptr[j], lp.A.indptr[j + 1]):
            A[lp.A.indices[k], j] = lp.A.data[k]
    sign = -1.0 if lp.sense == "max" else 1.0
    integrality = np.zeros(lp.num_cols) if lp.integrality is None else lp.integrality
    result = milp(sign * lp.c, constraints=LinearConstraint(A, lp.row_lower, lp.row_upper),
                  bounds=Bounds(lp.col_lower, lp.col_upper), integrality=integrality)
    assert result.status == 0
    return sign * result.fun + lp.offset


@pytest.mark.parametrize("name", LINEAR)
def test_linear_examples_match_scipy(name):
    from symopt.compile.linear import extract_linear
    loaded, solution = solve(name)
    assert solution.status == "optimal", solution.message
    assert solution.objective == pytest.approx(scipy_objective(extract_linear(loaded.model)),
                                               rel=1e-7, abs=1e-7)


# ---- classic published models: their published optimum ----------------------------------------
@pytest.mark.parametrize("name, published, tolerance", [
    ("steel_multiperiod", 515033, 0.5),      # Fourer, Gay, Kernighan: AMPL, ch. 4 (steelT)
    ("food_manufacture", 107842.59, 0.01),   # Williams: Model Building, problem 12.1
    ("network_flow", 153.675, 1e-6),         # Dantzig's transportation network
    ("chemical_equilibrium", -47.76109086, 1e-5),   # Hock-Schittkowski 112
])
def test_classic_models_reach_their_published_optimum(name, published, tolerance):
    _, solution = solve(name)
    assert solution.status == "optimal", solution.message
    assert solution.objective == pytest.approx(published, abs=tolerance)


def test_chemical_equilibrium_has_no_variable_for_its_named_expression():
    loaded, solution = solve("chemical_equilibrium")
    assert len(solution.variables) == 10
    assert len(solution.constraints) == 3
    moles = {v.name[len("moles["):-1]: v.value for v in solution.variables}
    total = sum(moles.values())
    c = loaded.model.c
    gibbs = sum(x * (c[j] + np.log(x / total)) for j, x in moles.items())
    assert solution.objective == pytest.approx(gibbs, rel=1e-9)


def test_steel_with_a_second_data_file_matches_scipy():
    from symopt.compile.linear import extract_linear
    loaded = read(EXAMPLES / "steel_multiperiod.opt",
                  data=EXAMPLES / "data" / "steel_overtime.dat")
    solution = solve_loaded(loaded)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(scipy_objective(extract_linear(loaded.model)))
    assert solution.objective > 515033 + 1


def test_production_answer():
    _, solution = solve("production")
    assert solution.objective == pytest.approx(2200)
    assert values(solution) == pytest.approx({"make[chairs]": 24, "make[tables]": 14})


def test_transport_answer_is_the_textbook_one():
    _, solution = solve("transport")
    assert solution.objective == pytest.approx(153.675)
    assert values(solution)["ship[seattle,chicago]"] == pytest.approx(300)


def read_csv(name: str) -> list[dict]:
    with open(EXAMPLES / "data" / name, newline="") as handle:
        return list(csv.DictReader(handle))


def test_production_plan_from_csv_matches_an_independent_scipy_model():
    products = read_csv("products.csv")
    resources = read_csv("resources.csv")
    usage = {(r["product"], r["resource"]): float(r["hours"]) for r in read_csv("usage.csv")}
    c = [-float(p["profit"]) for p in products]
    A = [[usage.get((p["product"], r["resource"]), 0) for p in products] for r in resources]
    b = [float(r["available"]) for r in resources]
    bounds = [(float(p["minimum"]), float(p["maximum"])) for p in products]
    expected = scipy_optimize.linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    _, solution = solve("production_plan")
    assert solution.objective == pytest.approx(-expected.fun)


def test_diet_answer():
    _, solution = solve("diet")
    assert solution.objective == pytest.approx(6.7)
    intake = {c.name: c.body for c in solution.constraints}
    assert 2000 - 1e-6 <= intake["intake[calories]"] <= 2500 + 1e-6


def test_knapsack_matches_brute_force():
    weight = [12, 7, 11, 8, 9, 6, 14, 5]
    value = [24, 13, 23, 15, 16, 11, 27, 9]
    best = max(sum(v for v, t in zip(value, take) if t)
               for take in itertools.product((0, 1), repeat=8)
               if sum(w for w, t in zip(weight, take) if t) <= 40)
    _, solution = solve("knapsack")
    assert solution.objective == pytest.approx(best)
    assert all(abs(v - round(v)) < 1e-6 for v in values(solution).values())


def test_scheduling_covers_every_day_with_integers():
    _, solution = solve("scheduling")
    starts = [values(solution)[f"start[{d}]"] for d in range(1, 8)]
    assert all(abs(s - round(s)) < 1e-6 for s in starts)
    need = [17, 13, 15, 19, 14, 16, 11]
    for day in range(7):
        assert sum(starts[(day - k) % 7] for k in range(5)) >= need[day] - 1e-6


def test_rosenbrock_reaches_the_minimum():
    _, solution = solve("rosenbrock")
    assert values(solution) == pytest.approx({"x": 1, "y": 1}, abs=1e-5)
    assert solution.objective == pytest.approx(0, abs=1e-9)


def test_constrained_nlp_matches_scipy_slsqp():
    def fun(z):
        return (z[0] - 1) ** 2 + (z[1] - 2.5) ** 2
    constraints = [{"type": "ineq", "fun": lambda z: z[0] - 2 * z[1] + 2},
                   {"type": "ineq", "fun": lambda z: -z[0] - 2 * z[1] + 6},
                   {"type": "ineq", "fun": lambda z: -z[0] + 2 * z[1] + 2}]
    expected = scipy_optimize.minimize(fun, [2, 0], method="SLSQP", constraints=constraints,
                                       bounds=[(0, None), (0, None)])
    _, solution = solve("constrained")
    assert [values(solution)["x"], values(solution)["y"]] == pytest.approx(expected.x, abs=1e-5)
    assert [values(solution)["x"], values(solution)["y"]] == pytest.approx([1.4, 1.7], abs=1e-5)


def test_equation_system_matches_scipy_root():
    def residual(z):
        return [z[0] ** 2 + z[1] ** 2 - 4, np.exp(z[0]) + z[1] - 1]
    expected = scipy_optimize.root(residual, [1, 1])
    _, solution = solve("circle")
    point = [values(solution)["x"], values(solution)["y"]]
    assert np.abs(residual(point)).max() < 1e-8
    assert point == pytest.approx(expected.x, abs=1e-6)


@pytest.mark.parametrize("name, weighted", [("decay", False), ("decay_weighted", True)])
def test_curve_fits_match_scipy_curve_fit(name, weighted):
    data = read_csv("decay.csv")
    t = np.array([float(r["t"]) for r in data])
    y = np.array([float(r["y"]) for r in data])
    sigma = np.array([float(r["dy"]) for r in data]) if weighted else None
    expected, _ = scipy_optimize.curve_fit(lambda t, A, k, c: A * np.exp(-k * t) + c, t, y,
                                           p0=[1, 0.5, 0], sigma=sigma)
    _, solution = solve(name)
    assert solution.status == "optimal"
    assert list(solution.fit.parameters) == pytest.approx(list(expected), rel=1e-5)


def test_named_expression_is_shown_by_name_in_the_report_and_explain():
    loaded, solution = solve("chemical_equilibrium")
    text = solution.report()
    total = sum(v.value for v in solution.variables)
    line = next(line for line in text.splitlines() if line.startswith("total "))
    assert float(line.split()[-1]) == pytest.approx(total, rel=1e-5)
    assert "named expressions total: substituted where used" in loaded.model.explain()
