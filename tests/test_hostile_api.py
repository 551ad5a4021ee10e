"""Hostile Python API calls found by the fuzz harness (issue 17): each ends in a clean
`SymoptError` naming the argument, or an honest status; never Python's own exception or
an "optimal" without a point."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sympy

from symopt import Constraint, Model, Objective, Set, Var, fit, solve
from symopt.errors import InputError, ModelError
from symopt.optimize import curve_fit, least_squares, linprog, milp, minimize, root


def _model() -> Model:
    m = Model()
    m.I = Set(initialize=["a", "b"])
    m.x = Var(m.I, bounds=(0, 10))
    m.c = Constraint(m.I, rule=lambda m, i: m.x[i] >= 1)
    m.obj = Objective(expr=m.x["a"] + m.x["b"])
    return m


@pytest.mark.parametrize("kwargs, words", [
    ({"method": 3}, "method must be a name"),
    ({"solver": ["highs"]}, "solver must be a name"),
    ({"options": "maxiter=5"}, "options must be a dict"),
    ({"options": [("maxiter", 5)]}, "options must be a dict"),
    ({"options": {1: 2}}, "options must be a dict"),
    ({"time_limit": "5"}, "time_limit must be a number"),
    ({"time_limit": True}, "time_limit must be a number"),
    ({"time_limit": math.nan}, "time_limit must be a number"),
])
def test_solve_arguments_of_the_wrong_type_are_input_errors(kwargs, words):
    with pytest.raises(InputError, match=words):
        solve(_model(), **kwargs)


def test_a_set_position_that_is_not_a_whole_number_is_a_model_error():
    m = _model()
    assert m.I[1] == "a"
    for position in (None, 1.5, True, [1]):
        with pytest.raises(ModelError, match="position .* is out of range 1..2"):
            m.I[position]


@pytest.mark.parametrize("build", [
    lambda x: x * 10 ** 400, lambda x: 10 ** 400 * x, lambda x: 10 ** 400 - x,
    lambda x: x ** 10 ** 400, lambda x: 10 ** 400 * (x * x)])
def test_integers_beyond_float_range_in_expressions_are_model_errors(build):
    m = _model()
    with pytest.raises(ModelError, match="beyond the range of floating-point numbers"):
        build(m.x["a"])


T = sympy.symbols("t")
A, K = sympy.symbols("a k")


@pytest.mark.parametrize("xdata, ydata, extra, words", [
    (np.linspace(0, 1, 5), np.ones(4), {}, "xdata for t has 5 points but ydata has 4"),
    (np.zeros(0), np.zeros(0), {}, "ydata has no data points"),
    (np.linspace(0, 1, 3), np.ones((3, 2)), {}, "xdata for t has 3 points but ydata has 6"),
    (np.linspace(0, 1, 3), ["a", "b", "c"], {}, "ydata must be numbers"),
    (np.linspace(0, 1, 3), np.ones(3), {"sigma": np.ones(4)}, "sigma has 4 values for 3"),
    (np.linspace(0, 1, 3), np.ones(3), {"bounds": {A: "x"}}, r"must be a \(lower, upper\) pair"),
    (np.linspace(0, 1, 3), np.ones(3), {"bounds": {K: (math.nan, 1)}}, "a bound of k must be"),
    (np.linspace(0, 1, 3), 1e300 * np.ones(3), {}, "the sum of its squares overflows"),
])
def test_fit_data_errors_name_the_argument(xdata, ydata, extra, words):
    with pytest.raises(InputError, match=words):
        fit(A * sympy.exp(-K * T), T, xdata, ydata, {A: 1.0, K: 1.0}, **extra)


def test_front_door_inputs_beyond_float_range_or_nan_are_input_errors():
    with pytest.raises(InputError, match="x0 must be an array of real numbers"):
        root(lambda x: x - 1, [2 ** 2000, 1.0])
    with pytest.raises(InputError, match="lower bounds must be numbers"):
        least_squares(lambda x: x - 1, [0.5, 0.5], bounds=(math.nan, 1))
    with pytest.raises(InputError, match="integrality must be one 0 or 1 per variable"):
        milp([-1.0, -2.0], integrality="x", bounds=(0, 3))
    with pytest.raises(InputError, match="p0 has 1 value.* but f takes 2 parameter"):
        curve_fit(lambda x, a, b: a * x + b, np.linspace(0, 1, 5), np.ones(5), p0=[1.0])


@pytest.mark.parametrize("c, A, b", [
    ([1e20, 1.0, 1.0], [[1e-320, 2.0, 2.0]], [4.0]),     # NaN x reported optimal
    ([-2.0, -1.0], [[1e-320, 2.0]], [1e308]),            # no best point: TypeError
])
def test_interior_point_at_the_edge_of_double_precision_is_a_status(c, A, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = linprog(c, A_ub=A, b_ub=b, bounds=(0, 1 if len(c) == 3 else None),
                         method="interior-point")
    assert result.status != 0 and not result.success


def test_nelder_mead_from_a_tiny_start_does_not_stop_at_once():
    """5% of 1e-320 (scipy's first simplex) is below every tolerance: the run "converged"
    at the start, reporting success at a point whose gradient is -2."""
    for start in (1e-320, 1e-10):
        result = minimize(lambda x: float(np.sum((np.asarray(x) - 1) ** 2)), [start, 1.0],
                          method="nelder-mead")
        assert result.success and np.allclose(result.x, 1.0, atol=1e-3)


def test_a_non_finite_jacobian_at_the_returned_point_is_a_status_not_a_linalg_error():
    """``x**-2 >= 1`` with x free below: the solver ends at x = 0, where the binding rows'
    Jacobian is infinite; the KKT diagnosis's second-order test took its SVD and raised
    numpy's LinAlgError."""
    m = Model()
    m.I = Set(initialize=[1, 2])
    m.x = Var(m.I, bounds=(None, 10))
    m.c = Constraint(m.I, rule=lambda m, i: m.x[i] ** -2 >= 1)
    m.obj = Objective(expr=m.x[1] + m.x[2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        solution = solve(m, time_limit=5)
    assert solution.status != "optimal" and not solution.success
