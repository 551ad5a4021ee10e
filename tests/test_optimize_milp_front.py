"""`symopt.optimize.milp` (HiGHS) against scipy's milp on generated instances, and the
native branch and bound's limits and integral-objective rounding."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize as scipy_optimize

from symopt.optimize import milp, solve_lp
from symopt.optimize.constraints import Bounds, LinearConstraint
from symopt.optimize.linear_program import LinearProgram, csc_from_triplets

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from milp_instances import small_set  # noqa: E402

INSTANCES = small_set()


def scipy_reference(inst):
    return scipy_optimize.milp(
        inst.c, integrality=inst.integrality, bounds=scipy_optimize.Bounds(inst.lower, inst.upper),
        constraints=scipy_optimize.LinearConstraint(inst.A, inst.row_lower, inst.row_upper))


@pytest.mark.parametrize("inst", INSTANCES, ids=lambda i: i.name)
def test_milp_matches_scipy_on_generated_instances(inst):
    ref = scipy_reference(inst)
    res = milp(inst.c, integrality=inst.integrality, bounds=Bounds(inst.lower, inst.upper),
               constraints=LinearConstraint(inst.A, inst.row_lower, inst.row_upper))
    assert res.status == ref.status == 0 and res.success
    assert res.fun == pytest.approx(ref.fun, rel=1e-6)
    integer = inst.integrality == 1
    np.testing.assert_allclose(res.x[integer], np.round(res.x[integer]), atol=1e-6)
    activity = inst.A @ res.x
    assert np.all(activity >= inst.row_lower - 1e-6) and np.all(activity <= inst.row_upper + 1e-6)
    assert res.mip_gap <= 1e-4 and res.mip_node_count >= 0
    assert res.mip_dual_bound <= res.fun + 1e-6 * max(1.0, abs(res.fun))
    # the LP with the integers fixed gives duals and ranges
    assert res.row_dual is not None and res.sensitivity is not None


def test_milp_infeasible_and_unbounded_match_scipy():
    cases = {
        "infeasible": dict(c=[1.0], integrality=[1], bounds=(0, 5),
                           constraints=([[2.0]], [1.0], [1.0])),
        "unbounded": dict(c=[-1.0, -1.0], integrality=[1, 1], bounds=(0, np.inf),
                          constraints=([[1.0, -1.0]], -np.inf, [1.0])),
    }
    for case, kwargs in cases.items():
        res = milp(**kwargs)
        A, lb, ub = kwargs["constraints"]
        ref = scipy_optimize.milp(kwargs["c"], integrality=kwargs["integrality"],
                                  bounds=scipy_optimize.Bounds(*kwargs["bounds"]),
                                  constraints=scipy_optimize.LinearConstraint(A, lb, ub))
        # scipy stops at HiGHS's "infeasible or unbounded" (4); symopt asks again and decides
        assert res.status == {"infeasible": 2, "unbounded": 3}[case] and res.x is None
        assert ref.status in (res.status, 4)


def test_milp_time_limit_keeps_the_incumbent_and_its_gap():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from milp_instances import set_cover
    inst = set_cover(200, 400, 1)
    res = milp(inst.c, integrality=inst.integrality, bounds=(inst.lower, inst.upper),
               constraints=(inst.A, inst.row_lower, inst.row_upper),
               options={"time_limit": 0.5})
    assert res.status == 1 and not res.success
    assert res.x is not None and res.fun == pytest.approx(inst.c @ res.x)
    assert res.mip_gap > 0 and res.mip_dual_bound < res.fun


def test_milp_input_errors_are_clear():
    from symopt.errors import InputError
    with pytest.raises(InputError, match="unknown option 'bogus'"):
        milp([1.0], options={"bogus": 1})
    with pytest.raises(InputError, match="A has 2 columns, expected 1"):
        milp([1.0], constraints=([[1.0, 2.0]], 0, 1))


def test_linprog_takes_integrality_and_uses_highs():
    from symopt.optimize import linprog
    res = linprog([-1, -1], A_ub=[[2, 2]], b_ub=[5], integrality=[1, 1])
    assert res.status == 0 and res.fun == -2.0 and res.method == "highs"
    assert res.mip_node_count is not None


def bin_packing(sizes, capacity, bins) -> LinearProgram:
    """Columns: y[b] (bin b used), then x[i, b]; minimise the bins used."""
    k = len(sizes)
    rows, cols, vals, lower, upper = [], [], [], [], []
    for i in range(k):
        rows += [i] * bins; cols += [bins + i * bins + b for b in range(bins)]
        vals += [1.0] * bins; lower.append(1.0); upper.append(1.0)
    for b in range(bins):
        r = k + b
        rows += [r] * (k + 1); cols += [bins + i * bins + b for i in range(k)] + [b]
        vals += list(map(float, sizes)) + [-float(capacity)]; lower.append(-np.inf)
        upper.append(0.0)
    n = bins + k * bins
    A = csc_from_triplets(rows, cols, vals, (k + bins, n))
    return LinearProgram.from_arrays(np.concatenate([np.ones(bins), np.zeros(k * bins)]), A,
                                     np.array(lower), np.array(upper), np.zeros(n), np.ones(n),
                                     integrality=np.ones(n))


def test_native_branch_and_bound_rounds_an_integral_bound_up_and_proves_optimality():
    lp = bin_packing([60, 50, 40, 70, 30, 55, 45, 20], 100, 4)   # LP bound 3.7 -> 4 bins
    res = solve_lp(lp, method="branch-and-bound", options={"time_limit": 30})
    assert res.status == 0 and res.fun == 4.0
    assert res.mip_dual_bound == 4.0 and res.mip_gap == 0.0


def test_native_branch_and_bound_under_a_limit_keeps_its_incumbent_in_the_solution():
    from symopt.pipeline import solve
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from milp_instances import knapsack
    inst = knapsack(40, 5)
    lp = LinearProgram.from_arrays(inst.c, inst.A, inst.row_lower, inst.row_upper, inst.lower,
                                   inst.upper, integrality=inst.integrality)
    solution = solve(lp, method="branch-and-bound", options={"node_limit": 50})
    assert solution.status == "iteration_limit"
    assert solution.objective is not None and solution.mip is not None
    assert solution.mip.nodes == 50 and solution.mip.gap > 0
    assert solution.mip.bound <= solution.objective
