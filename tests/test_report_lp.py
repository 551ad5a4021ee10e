"""The LP report on textbook LPs: duals against scipy HiGHS, ranges against hand-computed
values and re-solves, the IIS of a known infeasible LP, an unbounded ray, a MILP.

Each check runs with scipy's HiGHS wrapped in the `solve_lp` contract (tests/report_oracle.py)
and, once it exists, with symopt's own `solve_lp`.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import linprog

from report_oracle import (
    explained, map_back,
    diet_lp, infeasible_lp, knapsack_milp, production_lp, solvers, transport_lp, unbounded_lp,
)
from symopt.optimize._linear.infeasibility import certificate_gap, feasibility_problem
from symopt.optimize.linear_program import LinearProgram
from symopt.report import render

SOLVERS = solvers()
IDS = [name for name, _ in SOLVERS]


@pytest.fixture(params=[s for _, s in SOLVERS], ids=IDS)
def solve(request):
    return request.param


def solved(lp, solve):
    return map_back(lp, solve(lp), solve)


def scipy_marginals(lp: LinearProgram) -> tuple[float, np.ndarray]:
    """Objective and row shadow prices of an LP with one-sided rows, straight from scipy."""
    dense = lp.A.toarray()
    sign = 1.0 if lp.sense == "min" else -1.0
    upper = np.isfinite(lp.row_upper)
    # rows are one-sided here: '<=' rows as they are, '>=' rows negated
    A_ub = np.where(upper[:, None], dense, -dense)
    b_ub = np.where(upper, lp.row_upper, -lp.row_lower)
    res = linprog(sign * lp.c, A_ub=A_ub, b_ub=b_ub, method="highs")
    duals = sign * np.where(upper, res.ineqlin.marginals, -res.ineqlin.marginals)
    return sign * res.fun, duals


@pytest.mark.parametrize("make", [production_lp, transport_lp, diet_lp],
                         ids=["production", "transport", "diet"])
def test_duals_and_reduced_costs_match_scipy_highs(make, solve):
    lp = make()
    objective, duals = scipy_marginals(lp)
    solution = solved(lp, solve)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(objective, rel=1e-9)
    for i, c in enumerate(lp.row_names):
        assert solution.constraint(c).dual == pytest.approx(duals[i], abs=1e-9), c
    res = linprog((1 if lp.sense == "min" else -1) * lp.c, method="highs", bounds=(0, None),
                  **_rows_as_ub(lp))
    reduced = (1 if lp.sense == "min" else -1) * res.lower.marginals
    for j, name in enumerate(lp.col_names):
        assert solution.variable(name).reduced_cost == pytest.approx(reduced[j], abs=1e-9), name


def _rows_as_ub(lp):
    dense = lp.A.toarray()
    upper = np.isfinite(lp.row_upper)
    return {"A_ub": np.where(upper[:, None], dense, -dense),
            "b_ub": np.where(upper, lp.row_upper, -lp.row_lower)}


def test_production_planning_ranges_are_the_textbook_ones(solve):
    """Wyndor Glass: Hillier & Lieberman's sensitivity analysis, computed by hand."""
    s = solved(production_lp(), solve)
    assert s.objective == pytest.approx(36.0) and s.sense == "max"
    assert [s.variable(n).value for n in ("make[doors]", "make[windows]")] == pytest.approx([2, 6])
    assert [s.constraint(f"hours[plant{k}]").dual for k in (1, 2, 3)] == pytest.approx([0, 1.5, 1])
    doors, windows = s.variable("make[doors]").cost_range, s.variable("make[windows]").cost_range
    assert (doors.lower, doors.upper) == pytest.approx((0.0, 7.5))
    assert (windows.lower, windows.upper) == (pytest.approx(2.0), np.inf)
    assert (doors.objective_at_lower, doors.objective_at_upper) == pytest.approx((30.0, 45.0))
    expected_rhs = {1: (2.0, np.inf), 2: (6.0, 18.0), 3: (12.0, 24.0)}
    for k, (low, high) in expected_rhs.items():
        r = s.constraint(f"hours[plant{k}]").rhs_range
        assert r.lower == pytest.approx(low) and r.upper == pytest.approx(high), k
    plant2 = s.constraint("hours[plant2]").rhs_range
    assert (plant2.objective_at_lower, plant2.objective_at_upper) == pytest.approx((27.0, 45.0))
    assert (plant2.allowable_decrease, plant2.allowable_increase) == pytest.approx((6.0, 6.0))
    assert plant2.change_at_upper == "make[doors]"          # doors drop to zero at b2 = 18
    assert plant2.change_at_lower == "slack of hours[plant1]"  # plant 1 fills up at b2 = 6
    assert not s.degenerate and not s.alternative_optima


def resolve(lp: LinearProgram, solve, **changes):
    result = solve(replace(lp, **changes))
    assert int(result.status) == 0
    return result


@pytest.mark.parametrize("make", [production_lp, diet_lp], ids=["production", "diet"])
def test_cost_ranges_keep_the_solution_and_end_where_it_changes(make, solve):
    lp = make()
    s = solved(lp, solve)
    x = np.array([v.value for v in s.variables])
    for j, v in enumerate(s.variables):
        r = v.cost_range
        for inside in (r.lower, r.upper):
            if np.isfinite(inside):
                c = lp.c.copy()
                c[j] = inside + (1e-4 if inside == r.lower else -1e-4) * max(1, abs(inside))
                assert resolve(lp, solve, c=c).x == pytest.approx(x, abs=1e-7), (v.name, inside)
        if np.isfinite(r.upper):
            c = lp.c.copy()
            c[j] = r.upper + 0.05 * max(1.0, abs(r.upper))
            assert not np.allclose(resolve(lp, solve, c=c).x, x, atol=1e-7), (v.name, "beyond")


@pytest.mark.parametrize("make", [production_lp, diet_lp], ids=["production", "diet"])
def test_rhs_ranges_keep_the_shadow_price(make, solve):
    lp = make()
    s = solved(lp, solve)
    for i, c in enumerate(s.constraints):
        r = c.rhs_range
        bound_field = "row_upper" if np.isfinite(lp.row_upper[i]) else "row_lower"
        for end, step in ((r.lower, 1e-3), (r.upper, -1e-3)):
            if not np.isfinite(end):
                continue
            bounds = getattr(lp, bound_field).copy()
            bounds[i] = end + step * max(1.0, abs(end))
            moved = map_back(replace(lp, **{bound_field: bounds}),
                                        resolve(lp, solve, **{bound_field: bounds}), solve)
            assert moved.constraint(c.name).dual == pytest.approx(c.dual, abs=1e-8), (c.name, end)
            assert moved.objective == pytest.approx(
                s.objective + c.dual * (bounds[i] - r.current), rel=1e-9)


def test_transportation_report_uses_the_users_names(solve):
    s = solved(transport_lp(), solve)
    assert s.objective == pytest.approx(153.675)
    assert s.variable("ship[seattle,chicago]").index == ("seattle", "chicago")
    text = render(s, "text")
    assert "[ship]" in text and "[demand]" in text and "ship[seattle,chicago]" in text
    assert "demand[new-york]" in text
    if s.alternative_optima:      # New York can be served from either plant at equal cost
        assert "Alternative optima may exist" in text


def test_known_iis_and_its_farkas_certificate(solve):
    lp = infeasible_lp()
    s = solved(lp, solve)
    assert s.status == "infeasible"
    info = s.infeasibility
    assert sorted(info.constraints) == ["cap_x", "cap_y", "need"]
    assert info.bounds == []
    y = np.array([info.certificate.get(name, 0.0) for name in lp.row_names])
    assert y[0] > 0 and y[1] < 0 and y[2] < 0 and y[3] == y[4] == 0
    assert y[1] / y[0] == pytest.approx(-1) and y[2] / y[0] == pytest.approx(-1)
    assert certificate_gap(lp, y) > 0
    assert "0 >= 3" in info.explanation.replace(f"{y[0] * 3:g}", "3")
    text = render(s, "text")
    assert "IIS: constraints" in text and "contradiction" in text


def test_iis_can_consist_of_variable_bounds(solve):
    lp = LinearProgram.from_arrays(c=[1, 1, 1], A=[[1, 1, 0], [0, 0, 1]], row_lower=[10, 0],
                                   row_upper=[np.inf, 5], col_upper=[3, 4, np.inf],
                                   col_names=("x", "y", "z"), row_names=("need", "spare"))
    info = solved(lp, solve).infeasibility
    assert info.constraints == ["need"] and sorted(info.bounds) == ["x", "y"]
    y = np.array([info.certificate.get(n, 0.0) for n in lp.row_names])
    rows = np.array([True, False])
    cols = np.array([True, True, False])
    assert certificate_gap(feasibility_problem(lp, rows, cols), y) > 0


def test_unbounded_ray_is_feasible_and_improving(solve):
    lp = unbounded_lp()
    s = solved(lp, solve)
    assert s.status == "unbounded"
    d = np.array([s.unbounded_ray.get(name, 0.0) for name in lp.col_names])
    assert lp.c @ d > 0                       # a max problem: the objective grows along d
    assert (lp.A @ d)[0] <= 1e-9 and (d >= -1e-12).all()
    assert "Unbounded ray" in render(s, "text")


def test_milp_reports_incumbent_bound_gap_and_fixed_lp_sensitivity(solve):
    lp = knapsack_milp()
    try:
        s = solved(lp, solve)
    except ImportError as exc:  # symopt's branch and bound is still being written
        pytest.skip(f"MILP solver not available: {exc}")
    res = linprog(-lp.c, A_ub=lp.A.toarray(), b_ub=lp.row_upper, integrality=lp.integrality,
                  method="highs")
    assert s.mip.incumbent == pytest.approx(-res.fun)
    assert s.mip.gap <= 1e-6 and s.mip.bound == pytest.approx(-res.fun, rel=1e-6)
    continuous = s.variable("pick[c]")
    assert continuous.reduced_cost is not None and not continuous.is_integer
    text = " ".join(render(s, "text").split())
    assert "the LP obtained by fixing every integer variable at its optimal value" in text
    assert "relative gap" in text and "incumbent" in text


def test_alternative_optima_are_reported_in_words(solve):
    lp = LinearProgram.from_arrays(c=[1.0, 1.0], A=[[1, 1]], row_upper=[1.0],
                                   row_lower=[-np.inf], sense="max", name="tie")
    s = solved(lp, solve)
    assert s.alternative_optima
    assert any("Alternative optima may exist" in w for w in s.warnings)


@pytest.mark.skipif(len(SOLVERS) < 2, reason="symopt's solve_lp is not available yet")
def test_degenerate_basis_is_reported_in_words():
    native = SOLVERS[1][1]
    lp = LinearProgram.from_arrays(c=[1.0, 1.0], A=[[1, 0], [0, 1], [1, 1]],
                                   row_lower=[-np.inf] * 3, row_upper=[1, 1, 2], sense="max")
    s = solved(lp, native)
    assert s.degenerate
    assert "degenerate" in render(s, "text")


NETLIB_SMALL = ["bgprtr", "forest6", "galenet", "itest2", "itest6", "woodinfe"]


@pytest.mark.parametrize("name", NETLIB_SMALL)
def test_netlib_infeasible_iis_is_infeasible_and_irreducible(name):
    from conftest import NETLIB_DIR
    from report_oracle import netlib_infeasible, scipy_solve_lp

    path = NETLIB_DIR / "npz" / "infeasible" / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"shared netlib data not found at {path}")
    lp = netlib_infeasible(path)
    info = explained(lp, scipy_solve_lp)
    rows = np.isin(lp.row_names, info.constraints)
    cols = np.isin(lp.col_names, info.bounds)

    def status(rows, cols):
        return int(scipy_solve_lp(feasibility_problem(lp, rows, cols)).status)

    assert status(rows, cols) == 2
    for mask in (rows, cols):
        for k in np.flatnonzero(mask):
            mask[k] = False
            assert status(rows, cols) == 0, f"{name}: the IIS stays infeasible without member {k}"
            mask[k] = True
    y = np.array([info.certificate.get(n, 0.0) for n in lp.row_names])
    assert certificate_gap(feasibility_problem(lp, rows, cols), y) > 0


def test_iis_search_out_of_time_says_so():
    from report_oracle import scipy_solve_lp
    from symopt.optimize import find_iis

    lp = infeasible_lp()
    rows, cols, complete = find_iis(lp, scipy_solve_lp, time_limit=0.0)
    assert not complete and {0, 1, 2} <= set(rows)
    info = explained(lp, scipy_solve_lp, time_limit=0.0)
    assert "may not be irreducible" in info.explanation


def test_integer_infeasibility_is_explained_in_words():
    from report_oracle import scipy_solve_lp

    lp = LinearProgram.from_arrays(c=[1.0], A=[[2.0]], row_lower=[1.0], row_upper=[1.0],
                                   integrality=np.ones(1), name="odd", row_names=("half",))
    s = solved(lp, scipy_solve_lp)
    assert s.status == "infeasible" and s.infeasibility is None
    assert "integer requirements make it infeasible" in " ".join(render(s, "text").split())


def test_fast_wrap_matches_textwrap_on_hyphenated_sentences():
    """The report's greedy wrap gives textwrap's lines, hyphenated words included (where
    textwrap may split "right-hand" at a line break, the wrap hands over to textwrap)."""
    import random
    import textwrap

    from symopt.report.text import wrap
    words = ["right-hand", "side", "a", "--", "foo--bar", "-2.5", "[-195.932,", "0]",
             "x-y-z", "well-known", "e-", "-", "binds:", "the", "objective", "by", "1e-06"]
    rng = random.Random(7)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 25)))
        width, indent = rng.randint(12, 60), rng.choice(["", "  "])
        assert wrap(text, width, indent) == textwrap.wrap(text, width,
                                                          subsequent_indent=indent), text
