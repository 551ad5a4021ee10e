"""The map-back stage's scale-aware stationarity test (symopt.solution.optimality).

A stationarity test relative to ``max(1, |grad f|)`` is absolute when the gradient is small
everywhere: L-BFGS-B's ``gtol=1e-5`` then stopped at the start of an objective multiplied by
1e-6, and 2e-3 off the optimum of the torsion problem at 10^5 variables, both "optimal".
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from symopt import Model, Objective, Var, solve
from symopt.solution.optimality import (
    FLAT_GRADIENT, gradient_scale, kkt_residuals, verdict,
)
from symopt.status import Status

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


def scaled_down(factor: float = 1e-6) -> Model:
    """``factor * ((x0 - 1)^2 + (x1 - 2)^2)`` in a box, from the origin: the gradient there
    is ``4 * factor``, below L-BFGS-B's default ``gtol``."""
    m = Model("scaled")
    m.x = Var(range(2), bounds=(-5, 5), initialize=0.0)
    m.obj = Objective(expr=factor * ((m.x[0] - 1) ** 2 + (m.x[1] - 2) ** 2))
    return m


def values(solution) -> np.ndarray:
    return np.array([v.value for v in solution.variables])


def test_lbfgsb_goes_on_to_the_optimum_of_a_scaled_down_objective():
    solution = solve(scaled_down(), method="l-bfgs-b")
    assert solution.status == "optimal"
    np.testing.assert_allclose(values(solution), [1.0, 2.0], atol=1e-6)


def test_a_stop_at_the_users_absolute_gtol_is_not_called_optimal():
    solution = solve(scaled_down(), method="l-bfgs-b", options={"gtol": 1e-5})
    np.testing.assert_allclose(values(solution), [0.0, 0.0])
    assert solution.status == "inaccurate"
    assert "stationarity residual" in solution.warnings[0]
    assert "not stationary" in solution.kkt.sentence()


def test_any_route_is_optimal_only_at_the_optimum_of_a_scaled_down_objective():
    solution = solve(scaled_down())
    assert solution.status != "optimal" or np.allclose(values(solution), [1, 2], atol=1e-5)


def test_the_scale_is_the_gradient_at_the_start_and_1_when_it_is_large():
    small, large = solve(scaled_down(), method="l-bfgs-b"), solve(scaled_down(1.0),
                                                                 method="l-bfgs-b")
    assert gradient_scale(small.problem) == pytest.approx(4e-6)
    assert gradient_scale(large.problem) == 1.0


def test_a_warm_start_at_the_optimum_stays_optimal():
    """After a solve the variables hold its point: solving again starts at the optimum,
    where the gradient is near 0 and says nothing of the problem's scale."""
    for factor in (1e-6, 1.0):
        model = scaled_down(factor)
        first = solve(model, method="l-bfgs-b")
        again = solve(model, method="l-bfgs-b")
        assert first.status == again.status == "optimal", (factor, again.warnings)
        assert gradient_scale(again.problem) >= FLAT_GRADIENT


def test_a_stop_on_rounding_errors_at_a_kkt_point_is_optimal_and_says_so():
    solution = solve(scaled_down(), method="l-bfgs-b")
    nlp, x = solution.problem, values(solution)
    residuals, _ = kkt_residuals(nlp, x, nlp.constraints.values(x), None)
    status, why, _ = verdict(Status.NUMERICAL, nlp, x, residuals)
    assert status is Status.OPTIMAL and "rounding errors" in why
    start = np.zeros(2)
    residuals, _ = kkt_residuals(nlp, start, nlp.constraints.values(start), None)
    assert verdict(Status.NUMERICAL, nlp, start, residuals)[0] is Status.NUMERICAL


def test_lbfgsb_on_torsion_at_10_4_variables_reaches_the_interior_points_objective():
    """MINPACK-2's torsion on a 100 x 100 grid: the gradient is 4.9e-4 at the start. With
    scipy's absolute gtol L-BFGS-B stopped 2.3e-6 above the optimum, reported optimal."""
    import bound_constrained
    structure, nlp = bound_constrained.compiled("torsion", 10_000)
    runs = {method: bound_constrained.symopt_solver(structure, nlp, method)()
            for method in ("l-bfgs-b", "interior-point")}
    lbfgsb, interior = runs["l-bfgs-b"], runs["interior-point"]
    assert interior["status"] == lbfgsb["status"] == "optimal"
    assert abs(lbfgsb["f"] - interior["f"]) <= 1e-7 * abs(interior["f"])


def test_a_wrong_sign_multiplier_on_a_far_row_is_no_kkt_point():
    """``min x1 + x2`` s.t. ``x^-2 >= 1``, ``x >= 0`` has no minimizer (the row is undefined
    at 0). The interior point stopped near x = 8e-5 where a multiplier of -2.5e-13 on the
    row's gradient of -4e12 balances the objective: stationary and, by IPOPT's product
    (2.5e-13 times an infinite upper side), complementary. The multiplier pulls towards a
    side the row does not have, so the point is no KKT point (found by the fuzz harness)."""
    from symopt import Constraint, Set
    m = Model("far_row")
    m.I = Set(initialize=[1, 2])
    m.x = Var(m.I, bounds=(0, None))
    m.c = Constraint(m.I, rule=lambda m, i: m.x[i] ** -2 >= 1)
    m.obj = Objective(expr=sum(m.x[i] for i in m.I))
    with np.errstate(all="ignore"):
        solution = solve(m)
    assert solution.status != "optimal"
    assert any("complementarity" in text for text in solution.warnings)
