"""The fuzz harness of issue 17: hostile inputs end in clean errors, statuses or verified
answers, never an internal error, a hang or a non-finite or infeasible "optimal".

The seeded cases (`tests/fuzz_cases.py`) run each in a forked, memory-limited child with a
per-case timeout. The default run tries about 200 cases; ``--runslow`` tries thousands with
other seeds. ``benchmarks/fuzz.py`` runs 10,000+ and prints the table of issue 17.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_cases  # noqa: E402

TIMEOUT = 30.0          # seconds per case: generous for a loaded CI machine; a hang is far longer
DEFAULT = {"opt": 60, "mps": 25, "lp": 25, "cli": 35, "api": 40, "names": 15}
SLOW = {suite: 6 * count for suite, count in DEFAULT.items()}


def failures(outcomes: list) -> list[str]:
    return [f"{o.kind}: {o.name}: {o.detail}" for o in outcomes if o.kind in fuzz_cases.FAILURES]


@pytest.mark.parametrize("suite", fuzz_cases.SUITES)
def test_seeded_cases_end_cleanly(suite):
    if suite in ("mps", "lp") and not fuzz_cases.netlib_texts():
        pytest.skip("the Netlib files are not in ../shared/data/netlib")
    outcomes = fuzz_cases.run_suites({suite: DEFAULT[suite]}, seed=17, timeout=TIMEOUT)
    assert len(outcomes) == DEFAULT[suite]
    assert failures(outcomes) == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_thousands_of_seeded_cases_end_cleanly(seed):
    outcomes = fuzz_cases.run_suites(SLOW, seed=seed, timeout=TIMEOUT)
    assert failures(outcomes) == []


def test_the_runner_reports_internal_errors_and_hangs():
    """The harness itself can fail: an exception that is not a SymoptError, and a hang."""
    broken = fuzz_cases.run_isolated(fuzz_cases.Case("api", "x", {"call": "_raises",
                                                                  "seed": 0}), 20.0)
    stuck = fuzz_cases.run_isolated(fuzz_cases.Case("api", "y", {"call": "_sleeps",
                                                                 "seed": 0}), 1.0)
    assert broken.kind == "internal" and "ZeroDivisionError" in broken.detail
    assert stuck.kind == "hang"


def test_verification_catches_a_wrong_optimal():
    from symopt.solution.types import ConstraintResult, Solution, VariableResult
    base = dict(model_name="m", problem_class="LP", status="optimal", success=True, message="",
                solver="s", method="m", objective=1.0)
    fine = Solution(**base, variables=[VariableResult("x", "x", value=1.0, lower=0.0)])
    assert fuzz_cases.verify_solution(fine) == ("success", "")
    infinite = Solution(**{**base, "objective": float("inf")}, variables=[])
    assert fuzz_cases.verify_solution(infinite)[0] == "wrong"
    violated = Solution(**base, variables=[], constraints=[
        ConstraintResult("c", "c", body=0.0, lower=325.0)])
    assert fuzz_cases.verify_solution(violated)[0] == "wrong"


_PIECES = st.sampled_from([
    "x", "y", "p", "1", "0", "1e400", "9" * 400, "2", "^", "+", "-", "*", "/", "(", ")",
    "sum(i in S)", "x[i]", "exp(", "log(", "min(", ",", "10^400", "1..1e10", ">=", "<=", "=",
])


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_PIECES, min_size=1, max_size=12))
def test_random_expressions_are_checked_cleanly(pieces):
    """Any expression text in a model: `check` returns errors or nothing, never raises."""
    from symopt.dsl import check_text
    expression = " ".join(pieces)
    text = (f"set S = 1..3\nparam p = 2\nvar x[S] >= 0 <= 5\nvar y >= 0 = 1\n"
            f"minimize f: y + {expression}\nsubject to\n  c: y + sum(i in S) x[i] >= 1\n")
    errors = check_text(text, "m.opt")
    assert all(error.location is not None for error in errors)


def test_verification_catches_a_point_that_is_not_stationary():
    """The independent KKT check (sympy's derivatives, nnls multipliers) passes the true
    optima of the nonlinear examples and flags the same points moved off the optimum."""
    import dataclasses

    from symopt.dsl import read
    from symopt.dsl.solving import solve_loaded
    for name in ("constrained", "rosenbrock"):
        loaded = read(fuzz_cases.EXAMPLES / f"{name}.opt")
        solution = solve_loaded(loaded)
        assert solution.status == "optimal"
        assert fuzz_cases.verify_stationary(loaded.model, solution) is None
        moved = [dataclasses.replace(v, value=v.value * 1.01 + 1e-3) for v in solution.variables]
        kind, why = fuzz_cases.verify_stationary(loaded.model,
                                                 dataclasses.replace(solution, variables=moved))
        assert kind == "wrong" and ("not stationary" in why or "recomputed" in why)


def test_api_oracles_catch_a_wrong_success():
    """The linprog oracle: a "success" that violates A_ub x <= b_ub, or that HiGHS calls
    unbounded, is wrong; the true optimum is not."""
    from symopt.optimize.result import OptimizeResult
    at_zero = OptimizeResult(x=np.array([0.0]), fun=0.0, status=0, success=True)
    assert "A_ub @ x > b_ub" in fuzz_cases._linprog_oracle(at_zero, [1.0], [[-1.0]], [-2.0],
                                                          (0, None))
    assert "unbounded" in fuzz_cases._linprog_oracle(at_zero, [-1.0], [[-1.0]], [0.0],
                                                    (0, None))
    optimum = OptimizeResult(x=np.array([2.0]), fun=2.0, status=0, success=True)
    assert fuzz_cases._linprog_oracle(optimum, [1.0], [[-1.0]], [-2.0], (0, None)) is None
