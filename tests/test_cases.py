"""Every method of every front door, and `symopt.solve`, on the known answers of `cases.py`."""
from __future__ import annotations

import numpy as np
import pytest

from cases import FIT_CASES, LP_CASES, NLP_CASES, SYSTEM_CASES
from symopt import solve
from symopt.optimize import curve_fit, least_squares, minimize, root, solve_lp
from symopt.optimize.methods import METHODS


def ids(case) -> str:
    return case.name


# ---- LPs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("method", sorted(METHODS["linprog"]))
@pytest.mark.parametrize("case", LP_CASES, ids=ids)
def test_every_lp_method_finds_the_known_optimum_and_duals(case, method):
    result = solve_lp(case.lp, method=method)
    assert result.status == 0, result.message
    sign = -1.0 if case.lp.sense == "max" else 1.0
    assert sign * result.fun == pytest.approx(sign * case.objective, abs=1e-7)
    np.testing.assert_allclose(result.x, case.x, atol=1e-7)
    if result.get("row_dual") is not None:
        np.testing.assert_allclose(result.row_dual, case.duals, atol=1e-7)


@pytest.mark.parametrize("case", LP_CASES, ids=ids)
def test_solve_maps_the_lp_answer_onto_the_model(case):
    model = case.model()
    s = solve(model)
    assert s.status == "optimal" and s.objective == pytest.approx(case.objective, abs=1e-7)
    assert [v.value for v in s.variables] == pytest.approx(list(case.x), abs=1e-7)
    assert [c.dual for c in s.constraints] == pytest.approx(list(case.duals), abs=1e-7)


# ---- NLPs --------------------------------------------------------------------------------
def able(method: str, case) -> bool:
    spec = METHODS["minimize"][method]
    bounds, constraints = case.needs
    return (spec.nonquadratic          # quadratic-only methods: tests/test_optimize_highs_qp.py
            and (spec.bounds or not bounds) and (spec.constraints or not constraints))


NLP_RUNS = [(case, method) for case in NLP_CASES for method in sorted(METHODS["minimize"])
            if able(method, case)]


@pytest.mark.parametrize("case,method", NLP_RUNS,
                         ids=[f"{case.name}-{method}" for case, method in NLP_RUNS])
def test_every_minimize_method_finds_the_known_optimum(case, method):
    spec = METHODS["minimize"][method]
    kwargs = {"jac": case.jac} if spec.uses_gradient else {}
    if spec.uses_hessian:
        kwargs["hess"] = case.hess
    if case.bounds is not None:
        kwargs["bounds"] = case.bounds
    if case.constraints:
        kwargs["constraints"] = list(case.constraints)
    options = {"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-14} if method == "nelder-mead" else None
    result = minimize(case.fun, case.x0, method=method, options=options, **kwargs)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, case.x, atol=2e-4)


@pytest.mark.parametrize("case", NLP_CASES, ids=ids)
def test_solve_maps_the_nlp_answer_and_multipliers_onto_the_model(case):
    s = solve(case.model())
    assert s.status == "optimal", (s.message, s.warnings)
    assert s.objective == pytest.approx(case.objective, abs=1e-6)
    assert [v.value for v in s.variables] == pytest.approx(list(case.x), abs=1e-4)
    assert [c.dual for c in s.constraints] == pytest.approx(list(case.duals), abs=1e-5)


# ---- systems -----------------------------------------------------------------------------
@pytest.mark.parametrize("method", sorted(METHODS["root"]))
@pytest.mark.parametrize("case", SYSTEM_CASES, ids=ids)
def test_every_root_method_finds_the_known_root(case, method):
    jac = case.jac if METHODS["root"][method].uses_gradient else None
    result = root(case.fun, case.x0, method=method, jac=jac)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, case.x, atol=1e-7)


@pytest.mark.parametrize("case", SYSTEM_CASES, ids=ids)
def test_solve_finds_the_root_of_the_model(case):
    s = solve(case.model())
    assert s.status == "optimal" and s.problem_class == "equations"
    assert [v.value for v in s.variables] == pytest.approx(list(case.x), abs=1e-7)


# ---- fits --------------------------------------------------------------------------------
@pytest.mark.parametrize("method", sorted(METHODS["least_squares"]))
@pytest.mark.parametrize("case", FIT_CASES, ids=ids)
def test_every_least_squares_method_and_curve_fit_recover_the_parameters(case, method):
    result = least_squares(lambda p: case.curve(case.t, *p) - case.y, case.p0,
                           jac=lambda p: case.jac(case.t, *p), method=method)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, case.p, rtol=1e-8)
    popt, _ = curve_fit(case.curve, case.t, case.y, p0=case.p0, method=method,
                        jac=lambda t, *p: case.jac(t, *p))
    np.testing.assert_allclose(popt, case.p, rtol=1e-8)
