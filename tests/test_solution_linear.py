"""symopt.solution.linear: a solve_lp result mapped into names, ranges, basis words and flags."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from report_oracle import infeasible_lp, map_back, scipy_solve_lp
from symopt.optimize.linear_program import BasisStatus as B, LinearProgram
from symopt.optimize.result import OptimizeResult
from symopt.solution.linear import from_linear_program
from symopt.solution.types import slack_of


def never_solve(lp):
    raise AssertionError("no extra LP solve was expected here")


COLUMNS = (SimpleNamespace(component="x", index=(1,)), SimpleNamespace(component="x", index=(2,)))


def small_lp(**kwargs) -> LinearProgram:
    """min -x - 2y  s.t.  x + y <= 4, x, y >= 0: optimum (0, 4), objective -8."""
    kwargs.setdefault("columns", COLUMNS)
    return LinearProgram.from_arrays(c=[-1.0, -2.0], A=[[1.0, 1.0]], row_lower=[-np.inf],
                                     row_upper=[4.0], col_names=("x[1]", "x[2]"),
                                     row_names=("cap",), name="small", **kwargs)


def small_result(**changes) -> OptimizeResult:
    sensitivity = OptimizeResult(
        cost_lower=np.array([-2.0, -1e30]), cost_upper=np.array([1e30, -1.0]),
        cost_lower_change=np.array([0, 2]), cost_upper_change=np.array([-1, 0]),
        rhs_value=np.array([4.0]), rhs_lower=np.array([0.0]), rhs_upper=np.array([np.inf]),
        rhs_lower_change=np.array([1]), rhs_upper_change=np.array([-1]))
    result = OptimizeResult(
        x=np.array([0.0, 4.0]), fun=-8.0, status=0, success=True, message="optimal", nit=1,
        method="simplex", row_activity=np.array([4.0]), row_dual=np.array([-2.0]),
        col_dual=np.array([1.0, 0.0]), col_basis=np.array([B.AT_LOWER, B.BASIC]),
        row_basis=np.array([B.AT_UPPER]), sensitivity=sensitivity)
    result.update(changes)
    return result


def test_component_and_index_come_from_the_objects_never_from_the_names():
    s = map_back(small_lp(), small_result(), never_solve)
    assert [(v.component, v.index, v.of) for v in s.variables] == \
        [("x", (1,), COLUMNS[0]), ("x", (2,), COLUMNS[1])]
    bare = from_linear_program(small_lp(columns=()), small_result())
    assert [(v.component, v.index) for v in bare.variables] == [("x[1]", ()), ("x[2]", ())]


def test_values_duals_and_basis_words_are_copied():
    s = map_back(small_lp(), small_result(), never_solve)
    assert (s.status, s.success, s.objective, s.method, s.iterations) == \
        ("optimal", True, -8.0, "simplex", 1)
    x1, x2 = s.variable("x[1]"), s.variable("x[2]")
    assert (x1.value, x1.reduced_cost, x1.basis, x1.cost) == (0.0, 1.0, "at lower", -1.0)
    assert (x2.value, x2.basis, x2.component, x2.index) == (4.0, "basic", "x", (2,))
    cap = s.constraint("cap")
    assert (cap.body, cap.dual, cap.slack, cap.basis, cap.binding) == (4.0, -2.0, 0.0, "at upper", True)
    assert s.sizes == {"variables": 2, "constraints": 1, "nonzeros": 2, "integer variables": 0}
    assert s.problem is not None and s.raw is not None


def test_ranges_get_names_infinities_and_objective_values():
    s = map_back(small_lp(), small_result(), never_solve)
    r1, r2 = s.variable("x[1]").cost_range, s.variable("x[2]").cost_range
    assert (r1.lower, r1.upper, r1.allowable_decrease) == (-2.0, np.inf, 1.0)
    assert r1.objective_at_lower == -8.0 and r1.objective_at_upper == -8.0  # x[1] = 0
    assert r1.change_at_lower == "x[1]" and r1.change_at_upper is None
    assert r2.lower == -np.inf and r2.objective_at_lower is None          # x[2] = 4 moves it
    assert r2.objective_at_upper == pytest.approx(-8.0 + 4 * 1.0)
    assert r2.change_at_lower == "slack of cap"
    rhs = s.constraint("cap").rhs_range
    assert (rhs.current, rhs.lower, rhs.upper) == (4.0, 0.0, np.inf)
    assert rhs.objective_at_lower == pytest.approx(0.0) and rhs.objective_at_upper is None
    assert rhs.change_at_lower == "x[2]"


def test_max_problems_keep_their_own_sense():
    lp = LinearProgram.from_arrays(c=[3.0], A=[[1.0]], row_lower=[-np.inf], row_upper=[2.0],
                                   sense="max", col_names=("x",), row_names=("cap",))
    result = OptimizeResult(x=np.array([2.0]), fun=6.0, status=0, success=True, message="",
                            row_dual=np.array([3.0]), col_dual=np.array([0.0]))
    s = map_back(lp, result, never_solve)
    assert s.sense == "max" and s.objective == 6.0 and s.constraint("cap").dual == 3.0
    assert s.variable("x").basis is None and s.variable("x").cost_range is None


def test_degenerate_basis_and_alternative_optima_are_flagged_in_words():
    degenerate = small_result(col_basis=np.array([B.BASIC, B.BASIC]),
                              row_basis=np.array([B.AT_UPPER]), x=np.array([0.0, 4.0]))
    s = map_back(small_lp(), degenerate, never_solve)
    assert s.degenerate and "degenerate" in s.warnings[0] and "x[1]" in s.warnings[0]
    tie = small_result(col_dual=np.array([0.0, 0.0]))
    s = map_back(small_lp(), tie, never_solve)
    assert s.alternative_optima and not s.degenerate
    assert "x[1] is nonbasic with a zero reduced cost" in s.warnings[0]


def test_statuses_map_to_words():
    for code, word in [(1, "iteration_limit"), (4, "numerical"), (9, "failed")]:
        s = map_back(small_lp(), small_result(status=code, success=False), never_solve)
        assert s.status == word and s.objective is None and not s.success


def test_given_ray_is_used_by_name():
    result = OptimizeResult(x=None, fun=None, status=3, success=False, message="unbounded",
                            ray=np.array([0.0, 1.0]))
    s = map_back(small_lp(), result, never_solve)
    assert s.unbounded_ray == {"x[2]": 1.0}
    assert np.isnan(s.variable("x[1]").value)


def test_infeasible_result_gets_an_iis():
    lp = infeasible_lp()
    s = map_back(lp, scipy_solve_lp(lp), scipy_solve_lp)
    assert sorted(s.infeasibility.constraints) == ["cap_x", "cap_y", "need"]
    assert "contradiction" in s.infeasibility.explanation


def test_milp_sensitivity_comes_from_the_lp_with_integers_fixed():
    lp = small_lp(integrality=np.array([1, 0]))
    seen = []

    def fixed_solve(problem):
        seen.append(problem)
        return small_result(row_dual=np.array([-2.5]))

    result = small_result(mip_gap=0.0, mip_dual_bound=-8.0, mip_node_count=3)
    s = map_back(lp, result, fixed_solve)
    (fixed,) = seen
    assert fixed.integrality is None and fixed.col_lower[0] == fixed.col_upper[0] == 0.0
    assert fixed.col_upper[1] == np.inf
    assert s.constraint("cap").dual == -2.5            # from the fixed LP
    assert (s.mip.incumbent, s.mip.bound, s.mip.gap, s.mip.nodes) == (-8.0, -8.0, 0.0, 3)
    assert s.problem_class == "MILP" and s.variable("x[1]").is_integer


@pytest.mark.parametrize("body,lower,upper,slack", [
    (3.0, -np.inf, 4.0, 1.0), (3.0, 1.0, np.inf, 2.0), (3.0, 2.5, 4.0, 0.5),
    (3.0, -np.inf, np.inf, np.inf), (5.0, -np.inf, 4.0, -1.0)])
def test_slack_is_the_distance_to_the_nearest_finite_bound(body, lower, upper, slack):
    assert slack_of(body, lower, upper) == slack


def test_diagnostics_can_be_skipped():
    result = OptimizeResult(x=None, fun=None, status=2, success=False, message="infeasible")
    s = map_back(infeasible_lp(), result, never_solve, diagnose=False)
    assert s.status == "infeasible" and s.infeasibility is None


def test_an_lp_optimum_is_checked_at_its_point():
    violated = map_back(small_lp(), small_result(x=np.array([0.0, 5.0]),
                                                 row_activity=np.array([5.0])), never_solve)
    assert violated.status == "inaccurate" and not violated.success
    assert "constraint violation" in violated.warnings[0]
    wrong_sign = map_back(small_lp(), small_result(row_dual=np.array([2.0])), never_solve)
    assert wrong_sign.status == "inaccurate" and "multiplier" in wrong_sign.warnings[0]
    assert map_back(small_lp(), small_result(), never_solve).status == "optimal"
