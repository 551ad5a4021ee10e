"""An LP's results as arrays: records built on first use, equal to the per-entry rules."""
from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from symopt.io.mps import parse_mps
from symopt.optimize import solve_lp
from symopt.optimize.linear_program import LinearProgram
from symopt.pipeline import solve
from symopt.solution.linear import from_linear_program
from symopt.solution.lp_arrays import LazyList, LPArrays
from symopt.solution.types import ConstraintResult, slack_of

WYNDOR = LinearProgram.from_arrays(c=[3, 5], A=[[1, 0], [0, 2], [3, 2]], row_upper=[4, 12, 18],
                                   sense="max", col_names=("doors", "windows"),
                                   row_names=("plant1", "plant2", "plant3"))


def test_records_are_built_only_when_read():
    solution = solve(WYNDOR)
    assert isinstance(solution.variables, LazyList)
    assert solution.variables._items is None and solution.constraints._items is None
    assert isinstance(solution.variables.origin, LPArrays)
    assert solution.objective == pytest.approx(36.0)
    assert solution.variable("windows").value == pytest.approx(6.0)
    assert solution.variables._items is not None          # built by the look-up
    assert [c.name for c in solution.constraints if c.binding] == ["plant2", "plant3"]


def test_a_lazy_list_behaves_as_its_list():
    calls = []
    lazy = LazyList(lambda: calls.append(1) or ["a", "b"])
    assert len(lazy) == 2 and lazy[-1] == "b" and lazy[:1] == ["a"] and lazy + ["c"] == list("abc")
    assert lazy == ["a", "b"] and lazy == LazyList(lambda: ["a", "b"]) and bool(lazy)
    assert calls == [1]                                    # built once
    assert pickle.loads(pickle.dumps(lazy)) == ["a", "b"]
    assert not LazyList(list)


@pytest.mark.parametrize("seed", range(5))
def test_slacks_and_binding_follow_the_per_entry_rules(seed):
    rng = np.random.default_rng(seed)
    m = 40
    lower = rng.choice([-np.inf, -1.0, 0.0, 2.0], m)
    upper = np.maximum(lower, rng.choice([np.inf, 0.0, 2.0, 5.0], m))
    body = rng.choice([np.nan, 0.0, 2.0, 1e-8, 5.0, -3.0, 2.0 + 1e-9], m)
    lp = LinearProgram.from_arrays(c=[1.0], A=np.ones((m, 1)), row_lower=lower, row_upper=upper)
    arrays = LPArrays(lp, np.zeros(1), np.zeros(1), None, body, np.zeros(m), None, None, None)
    expected_slack = [slack_of(b, lo, hi) for b, lo, hi in zip(body, lower, upper)]
    np.testing.assert_array_equal(arrays.slack, expected_slack)
    expected_binding = [ConstraintResult("c", "c", body=b, lower=lo, upper=hi).binding
                        for b, lo, hi in zip(body, lower, upper)]
    assert arrays.binding.tolist() == expected_binding


def test_degenerate_and_alternative_optima_are_named_from_the_arrays():
    # min x + y with x + y >= 1: a tie (alternative optima); x <= 1 binds at x = 1 (degenerate)
    lp = parse_mps("NAME tie\nROWS\n N obj\n G both\n L capx\nCOLUMNS\n x obj 1 both 1\n"
                   " x capx 1\n y obj 1 both 1\nRHS\n r both 1 capx 1\nENDATA\n")
    result = solve_lp(lp, method="simplex")
    solution = from_linear_program(lp, result)
    arrays = solution.variables.origin
    records = list(solution.variables) + list(solution.constraints)
    degenerate = [r.name for r in records if r.basis == "basic" and (
        getattr(r, "binding", None) or (hasattr(r, "value") and r.value in (r.lower, r.upper)))]
    assert arrays.degenerate_names() == degenerate
    moving = [r.name for r in records if r.basis not in (None, "basic")
              and abs(getattr(r, "reduced_cost", None) if hasattr(r, "reduced_cost")
                      else r.dual) <= 1e-9 and r.lower < r.upper]
    assert arrays.alternative_optima_names() == moving
    assert solution.alternative_optima == bool(moving)


def report_twins(solution):
    """The report read from the arrays, and from the records of the same solution."""
    from symopt.report import render
    records = dataclasses.replace(solution, variables=list(solution.variables),
                                  constraints=list(solution.constraints))
    return [(render(solution, kind), render(records, kind)) for kind in ("text", "md", "json")]


@pytest.mark.parametrize("name", ["afiro", "kb2", "boeing2", "e226", "scagr7"])
def test_the_report_from_arrays_equals_the_report_from_records(name):
    from conftest import NETLIB_DIR
    from symopt.io import read
    path = NETLIB_DIR / "mps" / f"{name}.mps"
    if not path.exists():
        pytest.skip("the Netlib files are not in ../shared/data/netlib")
    solution = solve(read(path))
    assert "Right-hand-side ranging" in solution.report()
    for from_arrays, from_records in report_twins(solution):
        assert from_arrays == from_records


def test_the_report_twins_agree_on_max_problems_ties_and_infeasible_ones():
    tie = parse_mps("NAME tie\nROWS\n N obj\n G both\n L capx\nCOLUMNS\n x obj 1 both 1\n"
                    " x capx 1\n y obj 1 both 1\nRHS\n r both 1 capx 1\nENDATA\n")
    infeasible = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 1]], row_lower=[2, -np.inf],
                                           row_upper=[np.inf, 1])
    for lp in (WYNDOR, tie, infeasible):
        solution = solve(lp)
        for from_arrays, from_records in report_twins(solution):
            assert from_arrays == from_records
