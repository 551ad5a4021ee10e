"""A sweep's LP worker answers scenarios from the optimal bases it met (GUSS-style reuse).

Each sweep runs in this process (a one-thread executor) so the worker's engine can be
asked how many scenarios HiGHS solved and how many a reused basis answered; every result
is compared with `symopt.solve` of that scenario alone: status, objective, values, duals
and reduced costs.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import symopt
from symopt import Constraint, Model, NonNegativeReals, Objective, Param, Var
from symopt.sweep import worker
from symopt.sweep.highs_engine import DEGENERATE
from tests.test_sweep import assert_same_as_alone, random_demands, transport

KEEP = ["x", "x.reduced_cost", "ship", "meet"]


def in_process(make, scenarios, **options):
    """The sweep on a one-thread executor, and its worker engine's counters."""
    worker._ENGINES.clear()
    with ThreadPoolExecutor(max_workers=1) as executor:
        sweep = symopt.solve_many(make(), scenarios, executor=executor, **options)
    engine = next(iter(worker._ENGINES.values()))
    return sweep, engine


def set_params(model, scenario: dict) -> None:
    for name, value in scenario.items():
        param, _, key = name.partition("[")
        parts = tuple(key.rstrip("]").split(",")) if key else (None,)
        getattr(model, param)[parts if len(parts) > 1 else parts[0]] = value


def assert_duals_as_alone(make, sweep, scenarios: list[dict], tol: float = 1e-7) -> None:
    """Duals and (kept) reduced costs equal those of each scenario solved alone."""
    for s, scenario in enumerate(scenarios):
        model = make()
        set_params(model, scenario)
        alone = symopt.solve(model)
        record = sweep.records()[s]
        if alone.status != "optimal":
            continue
        for c in alone.constraints:
            assert math.isclose(record[f"{c.name}.dual"], c.dual, abs_tol=tol), (s, c.name)
        for v in alone.variables:
            key = f"{v.name}.reduced_cost"
            if key in record:
                assert math.isclose(record[key], v.reduced_cost, abs_tol=tol), (s, key)


def wyndor() -> Model:
    """A maximization: the textbook Wyndor glass LP with its capacities as params."""
    m = Model("wyndor")
    m.cap = Param(["a", "b", "c"], initialize={"a": 4.0, "b": 12.0, "c": 18.0}, mutable=True)
    m.price = Param(["d", "w"], initialize={"d": 3.0, "w": 5.0}, mutable=True)
    m.d = Var(domain=NonNegativeReals)
    m.w = Var(domain=NonNegativeReals)
    # by rules, so that a changed param reaches them (expr= would keep the base numbers)
    m.profit = Objective(rule=lambda m: m.price["d"] * m.d + m.price["w"] * m.w, sense="max")
    m.plant_a = Constraint(rule=lambda m: m.d <= m.cap["a"])
    m.plant_b = Constraint(rule=lambda m: 2 * m.w <= m.cap["b"])
    m.plant_c = Constraint(rule=lambda m: 3 * m.d + 2 * m.w <= m.cap["c"])
    return m


def test_a_basis_that_stays_optimal_answers_every_later_scenario():
    rng = np.random.default_rng(4)
    scenarios = [{"demand[new-york]": a, "demand[chicago]": b, "demand[topeka]": c}
                 for a, b, c in np.array([325.0, 300.0, 275.0]) + rng.uniform(-5, 5, (30, 3))]
    sweep, engine = in_process(transport, scenarios, keep=KEEP, chunksize=10)
    assert engine.runs <= 2 and engine.answered >= 28
    assert sweep.counts() == {"optimal": 30}
    assert_same_as_alone(transport, sweep, scenarios)
    assert_duals_as_alone(transport, sweep, scenarios)


def test_a_changing_basis_is_found_by_highs_and_reused_after():
    rng = np.random.default_rng(8)        # wide demands: several optimal bases, one infeasible
    scenarios = [{"demand[new-york]": a, "demand[chicago]": b, "demand[topeka]": c,
                  "cost[san-diego,new-york]": 0.24}     # no tie: one optimal plan each
                 for a, b, c in rng.uniform(0, 400, (60, 3))]
    sweep, engine = in_process(transport, scenarios, keep=KEEP, chunksize=20)
    assert 2 < engine.runs < 10 and engine.runs + engine.answered == 60
    assert len(engine.bases) > 1 and sweep.counts() == {"optimal": 59, "infeasible": 1}
    assert_same_as_alone(transport, sweep, scenarios)
    assert_duals_as_alone(transport, sweep, scenarios)


def test_infeasible_scenarios_in_the_middle_go_to_highs_and_order_is_kept():
    too_much = {"demand[new-york]": 500.0, "demand[chicago]": 400.0, "demand[topeka]": 300.0}
    scenarios = random_demands(4, seed=2)[:2] + [too_much] + random_demands(4, seed=3) \
        + [too_much] + random_demands(3, seed=4)
    sweep, engine = in_process(transport, scenarios, keep=KEEP, chunksize=6)
    assert [s == "infeasible" for s in sweep.status] == \
        [s is too_much for s in scenarios]
    assert [r["demand[topeka]"] for r in sweep.records()] == \
        [s["demand[topeka]"] for s in scenarios]
    assert engine.answered > 0
    assert_same_as_alone(transport, sweep, scenarios)
    assert_duals_as_alone(transport, sweep, scenarios)


def test_cost_only_changes_keep_the_basis_with_new_duals():
    rng = np.random.default_rng(6)
    scenarios = [{"cost[seattle,new-york]": a, "cost[san-diego,topeka]": b}
                 for a, b in zip(rng.uniform(0.2, 0.26, 25), rng.uniform(0.1, 0.3, 25))]
    sweep, engine = in_process(transport, scenarios, keep=KEEP, chunksize=25)
    assert engine.answered >= 10 and engine.runs + engine.answered == 25
    assert_same_as_alone(transport, sweep, scenarios)
    assert_duals_as_alone(transport, sweep, scenarios)


def test_mixed_costs_and_demands_on_a_grid():
    """cost[san-diego,new-york] moves off seattle's 0.225: with the tie, several shipping
    plans are optimal and the point would be one of them (only the objective unique)."""
    names = ("demand[chicago]", "cost[seattle,chicago]", "cost[san-diego,new-york]")
    grid = symopt.grid(**dict(zip(names, (np.linspace(150, 350, 5), [0.1, 0.153, 0.2, 0.3],
                                          [0.24]))))
    scenarios = [dict(zip(names, row)) for row in symopt.sweep.scenarios.as_table(grid).values]
    sweep, engine = in_process(transport, grid, keep=KEEP)
    assert engine.answered > 0
    assert_same_as_alone(transport, sweep, scenarios)
    assert_duals_as_alone(transport, sweep, scenarios)


def test_a_maximization_gets_its_duals_in_the_model_sense():
    scenarios = [{"cap[a]": a, "cap[c]": c, "price[w]": p}
                 for a, c, p in [(4, 18, 5), (4.5, 18, 5), (4, 19, 5), (4, 18, 5.5),
                                 (3, 30, 5), (4, 16, 1), (5, 17, 4.5)]]
    sweep, engine = in_process(wyndor, scenarios, keep=["d", "w", "d.reduced_cost",
                                                        "w.reduced_cost", "plant_a", "plant_b",
                                                        "plant_c"])
    assert engine.answered > 0 and sweep.counts() == {"optimal": 7}
    assert sweep.records()[0]["plant_c.dual"] == pytest.approx(1.0)   # the textbook 1
    assert_same_as_alone(wyndor, sweep, scenarios)
    assert_duals_as_alone(wyndor, sweep, scenarios)


def test_degenerate_scenarios_are_optimal_with_valid_duals():
    """Total demand equal to total supply: every ship row binds as well as every meet row
    (a degenerate vertex). The objective and point are unique; the duals are one valid
    choice among several, so they are checked for validity, not equality."""
    demands = [(350.0, 300.0, 300.0), (340.0, 310.0, 300.0), (345.0, 300.0, 305.0)]
    scenarios = [dict(zip(("demand[new-york]", "demand[chicago]", "demand[topeka]"), d))
                 for d in demands]
    sweep, engine = in_process(transport, scenarios + random_demands(1), keep=KEEP)
    assert sweep.counts() == {"optimal": 4} and engine.answered >= 2
    assert_same_as_alone(transport, sweep, scenarios)
    notes = [r["message"] for r in sweep.records()]
    assert notes[:3] == [DEGENERATE] * 3 and notes[3] == ""    # the record says so
    for record, demand in zip(sweep.records(), demands):
        ship = [record["ship[seattle].dual"], record["ship[san-diego].dual"]]
        meet = [record[f"meet[{j}].dual"] for j in ("new-york", "chicago", "topeka")]
        assert max(ship) <= 1e-12 and min(meet) >= -1e-12   # min: <= rows <= 0, >= rows >= 0
        dual_objective = 350 * ship[0] + 600 * ship[1] + float(np.dot(meet, demand))
        assert dual_objective == pytest.approx(record["objective"], rel=1e-9)


def test_without_warm_start_every_scenario_goes_to_highs():
    scenarios = random_demands(8, seed=9)
    sweep, engine = in_process(transport, scenarios, warm_start=False)
    assert engine.runs == 8 and engine.answered == 0
    assert_same_as_alone(transport, sweep, scenarios)


def test_a_two_worker_pool_keeps_order_across_reused_bases():
    too_much = {"demand[new-york]": 500.0, "demand[chicago]": 400.0, "demand[topeka]": 300.0}
    scenarios = random_demands(17, seed=12)
    scenarios[5] = scenarios[13] = too_much
    sweep = symopt.solve_many(transport(), scenarios, workers=2, chunksize=3, keep=KEEP)
    assert [r["scenario"] for r in sweep.records()] == list(range(17))
    assert sweep.status[5] == sweep.status[13] == "infeasible"
    assert_same_as_alone(transport, sweep, scenarios)
    assert_duals_as_alone(transport, sweep, scenarios)


def test_a_chunk_larger_than_a_block_is_answered_block_by_block(monkeypatch):
    """Blocks of 16 scenarios: bases carry over from block to block, messages and results
    land at their scenario, whatever block answered it."""
    from symopt.sweep import highs_engine
    monkeypatch.setattr(highs_engine, "BLOCK_NUMBERS", 1)
    monkeypatch.setattr(highs_engine, "MIN_BLOCK", 16)
    rng = np.random.default_rng(21)
    scenarios = [{"demand[new-york]": a, "demand[chicago]": b, "demand[topeka]": c,
                  "cost[san-diego,new-york]": 0.24} for a, b, c in rng.uniform(0, 310, (70, 3))]
    scenarios[37] = {**scenarios[37], "demand[new-york]": 5000.0}        # infeasible
    sweep, engine = in_process(transport, scenarios, keep=KEEP, chunksize=70)
    assert engine.block == 16 and sweep.status[37] == "infeasible"
    assert engine.runs < 15 and engine.runs + engine.answered == 70
    assert sweep.status.count("infeasible") == 1 and list(sweep.messages) == [37]
    assert_same_as_alone(transport, sweep, scenarios, every=3)
    assert_duals_as_alone(transport, sweep, scenarios)


def test_small_bases_are_factorized_densely_and_agree_with_the_sparse_lu():
    import scipy.sparse as sp
    from symopt.optimize._linear import basis_reuse
    from symopt.optimize._linear.ranging import BasisFactor
    rng = np.random.default_rng(4)
    A = sp.random(30, 50, density=0.2, random_state=5, format="csc") + \
        sp.eye(30, 50, format="csc")
    head = np.concatenate((rng.choice(50, 20, replace=False), 50 + np.arange(20, 30)))
    dense, sparse = basis_reuse._DenseFactor(A, head), BasisFactor(A, head)
    rhs = rng.normal(size=(30, 4))
    for transpose in (False, True):
        np.testing.assert_allclose(dense.solve(rhs, transpose), sparse.solve(rhs, transpose),
                                   rtol=1e-9, atol=1e-9)
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        basis_reuse._DenseFactor(sp.csc_array(np.zeros((2, 2))), np.array([0, 1]))
