"""Routing: one capability table, defaults per class, forced methods, clear errors."""
from __future__ import annotations

import pytest

from symopt.errors import RoutingError
from symopt.optimize.methods import METHODS
from symopt.routing import CLASSES, Plan, problem_class_of, route


@pytest.mark.parametrize("label, door, method", [
    ("LP", "linprog", None),
    ("MILP", "linprog", None),
    ("bound-constrained NLP", "minimize", "l-bfgs-b"),
    ("constrained NLP", "minimize", "slsqp"),
    ("equations", "root", "hybr"),
    ("fit", "curve_fit", "lm"),
])
def test_default_route_per_class(label, door, method):
    plan = route(label, num_variables=3)
    assert (plan.front_door, plan.method) == (door, method)
    assert plan.problem_class == label


def test_unconstrained_size_decides_between_newton_methods():
    assert route("unconstrained NLP", num_variables=20).method == "trust-exact"
    assert route("unconstrained NLP", num_variables=5000, hessian_nnz=15000).method == "trust-ncg"
    assert route("unconstrained NLP", num_variables=5000, hessian_nnz=5000 * 2000).method == "l-bfgs-b"


def test_fit_with_bounds_uses_trf():
    assert route("fit", has_bounds=True).method == "trf"


def test_defaults_are_methods_of_the_table():
    for label in CLASSES:
        plan = route(label, num_variables=3)
        if plan.method is not None:
            door = "least_squares" if plan.front_door == "curve_fit" else plan.front_door
            assert plan.method in METHODS[door]


def test_forced_method_is_checked_against_capabilities():
    with pytest.raises(RoutingError) as error:
        route("constrained NLP", method="l-bfgs-b")
    assert "cannot handle general constraints" in str(error.value)
    assert "methods that can: interior-point, slsqp" in str(error.value)
    with pytest.raises(RoutingError, match="cannot handle bounds.*l-bfgs-b, nelder-mead, slsqp"):
        route("bound-constrained NLP", method="bfgs")


def test_forced_method_and_solver_are_used_and_explained():
    plan = route("unconstrained NLP", method="BFGS", num_variables=2, options={"gtol": 1e-9})
    assert plan.method == "bfgs" and plan.options == {"gtol": 1e-9}
    text = plan.explain()
    assert "unconstrained NLP" in text and "bfgs" in text and "asked for" in text and "gtol" in text
    assert route("equations", solver="least_squares").front_door == "least_squares"
    assert route("LP", solver="highs").method == "highs"


def test_unknown_method_and_wrong_solver_are_errors():
    with pytest.raises(RoutingError, match="unknown method 'newton-raphson'"):
        route("unconstrained NLP", method="newton-raphson")
    with pytest.raises(RoutingError, match="cannot solve a LP"):
        route("LP", solver="minimize")
    with pytest.raises(RoutingError, match="unknown solver"):
        route("LP", solver="cplex")


def test_structure_objects_are_read():
    class Structure:
        problem_class = "constrained NLP"
        reasons = ("nonlinear because constraint 'c' contains x*y", "2 constraints")
        num_variables = 2
    plan = route(Structure())
    assert isinstance(plan, Plan)
    assert "because nonlinear because constraint 'c' contains x*y; 2 constraints" in plan.explain()
    assert "symopt.optimize.minimize, method: slsqp" in plan.explain()


def test_class_labels_are_normalised():
    assert problem_class_of("curve fit") == "fit"
    assert problem_class_of("system of equations") == "equations"
    with pytest.raises(RoutingError, match="unknown problem class"):
        problem_class_of("quantum")


def test_small_sum_of_squares_goes_to_least_squares():
    class Structure:
        problem_class = "unconstrained NLP"
        sum_of_squares = True
        reasons = ("the objective is a sum of squares",)
        num_variables = 10
    plan = route(Structure())
    assert (plan.front_door, plan.method) == ("least_squares", "lm")
    assert route(Structure(), has_bounds=True).method == "trf"
    assert route(Structure(), method="bfgs").front_door == "minimize"
    big = route(Structure(), num_variables=1000, hessian_nnz=3000)
    assert (big.front_door, big.method) == ("minimize", "trust-ncg")


def test_sum_of_squares_with_a_huge_jacobian_stays_with_minimize():
    class Structure:
        problem_class = "unconstrained NLP"
        sum_of_squares = True
        objective_nonlinear = (None,) * 100_000
        num_variables = 100
    assert route(Structure()).front_door == "minimize"
