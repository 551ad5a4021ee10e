"""Routing: one capability table, defaults per class, forced methods, clear errors."""
from __future__ import annotations

from dataclasses import replace

import pytest

from symopt.analysis import Structure
from symopt.errors import RoutingError
from symopt.optimize.methods import METHODS
from symopt.routing import CLASSES, Plan, route


def of(label: str, num_variables: int = 3, **fields) -> Structure:
    """A `Structure` of class ``label`` with no model behind it."""
    return replace(Structure.describe(label, "a test problem", num_variables), **fields)


@pytest.mark.parametrize("label, door, method", [
    ("LP", "linprog", None),
    ("MILP", "linprog", None),
    ("bound-constrained NLP", "minimize", "l-bfgs-b"),
    ("constrained NLP", "minimize", "interior-point"),
    ("equations", "root", "hybr"),
    ("fit", "curve_fit", "lm"),
])
def test_default_route_per_class(label, door, method):
    plan = route(of(label))
    assert (plan.front_door, plan.method) == (door, method)
    assert plan.problem_class == label


def test_unconstrained_size_decides_between_newton_methods():
    assert route(of("unconstrained NLP", 20)).method == "trust-exact"
    assert route(of("unconstrained NLP", 5000), hessian_nnz=15000).method == "trust-ncg"
    assert route(of("unconstrained NLP", 5000), hessian_nnz=5000 * 2000).method == "l-bfgs-b"


def test_large_sparse_bound_constrained_nlps_go_to_the_interior_point():
    """The rule measured by benchmarks/bound_constrained.py: bounds only, >= 1000 variables
    and a sparse Hessian -> interior-point; fewer variables or a dense Hessian -> L-BFGS-B."""
    large = route(of("bound-constrained NLP", 5000, has_bounds=True), hessian_nnz=15000)
    assert (large.method, large.options) == ("interior-point", {})
    assert "5000 variables (>= 1000)" in large.explain() and "3.0 per column" in large.explain()
    small = route(of("bound-constrained NLP", 999, has_bounds=True), hessian_nnz=3000)
    assert small.method == "l-bfgs-b" and "999 variables (< 1000)" in small.method_reason
    dense = route(of("bound-constrained NLP", 5000, has_bounds=True), hessian_nnz=5000 * 2000)
    assert dense.method == "l-bfgs-b" and "dense Hessian" in dense.method_reason
    unknown = route(of("bound-constrained NLP", 5000, has_bounds=True))
    assert unknown.method == "l-bfgs-b" and "no Hessian pattern" in unknown.method_reason


def test_a_large_bound_constrained_qp_gets_the_qp_tolerance():
    plan = route(of("bound-constrained NLP", 5000, has_bounds=True, quadratic_program=True),
                 hessian_nnz=15000)
    assert plan.method == "interior-point" and plan.options == {"tol": 1e-12}
    assert "quadratic objective" in plan.method_reason
    forced = route(of("bound-constrained NLP", 5000, has_bounds=True, quadratic_program=True),
                   method="l-bfgs-b", hessian_nnz=15000)
    assert forced.method == "l-bfgs-b" and forced.options == {}


def test_fit_with_bounds_uses_trf():
    assert route(of("fit"), has_bounds=True).method == "trf"


def test_defaults_are_methods_of_the_table():
    for label in CLASSES:
        plan = route(of(label))
        if plan.method is not None:
            door = "least_squares" if plan.front_door == "curve_fit" else plan.front_door
            assert plan.method in METHODS[door]


def test_forced_method_is_checked_against_capabilities():
    with pytest.raises(RoutingError) as error:
        route(of("constrained NLP"), method="l-bfgs-b")
    assert "cannot handle general constraints" in str(error.value)
    assert "methods that can: interior-point, slsqp" in str(error.value)
    with pytest.raises(RoutingError, match="cannot handle bounds.*l-bfgs-b, nelder-mead, slsqp"):
        route(of("bound-constrained NLP"), method="bfgs")
    with pytest.raises(RoutingError, match="'highs-qp' of minimize cannot handle a "
                                           "non-quadratic objective"):
        route(of("constrained NLP"), method="highs-qp")
    qp = of("constrained NLP", quadratic_program=True)
    assert route(qp, method="highs-qp").method == "highs-qp"
    with pytest.raises(RoutingError, match="methods that can: highs-qp, interior-point, slsqp"):
        route(qp, method="bfgs")


def test_forced_method_and_solver_are_used_and_explained():
    plan = route(of("unconstrained NLP"), method="BFGS", num_variables=2, options={"gtol": 1e-9})
    assert plan.method == "bfgs" and plan.options == {"gtol": 1e-9}
    text = plan.explain()
    assert "unconstrained NLP" in text and "bfgs" in text and "asked for" in text and "gtol" in text
    assert route(of("equations"), solver="least_squares").front_door == "least_squares"
    assert route(of("LP"), solver="highs").method == "highs"


def test_unknown_method_and_wrong_solver_are_errors():
    with pytest.raises(RoutingError, match="unknown method 'newton-raphson'"):
        route(of("unconstrained NLP"), method="newton-raphson")
    with pytest.raises(RoutingError, match="cannot solve a LP"):
        route(of("LP"), solver="minimize")
    with pytest.raises(RoutingError, match="unknown solver"):
        route(of("LP"), solver="cplex")


def test_structure_objects_are_read():
    structure = of("constrained NLP", 2, reasons=("nonlinear because constraint 'c' contains "
                                                  "x*y", "2 constraints"))
    plan = route(structure)
    assert isinstance(plan, Plan)
    assert "because nonlinear because constraint 'c' contains x*y; 2 constraints" in plan.explain()
    assert "symopt.optimize.minimize, method: interior-point" in plan.explain()


def test_only_a_structure_of_a_known_class_is_routed():
    with pytest.raises(TypeError, match="route takes a symopt.analysis.Structure"):
        route("curve fit")
    with pytest.raises(RoutingError, match="unknown problem class 'quantum'"):
        Structure.describe("quantum", "a test problem", 1)
    assert tuple(CLASSES) == ("LP", "MILP", "unconstrained NLP", "bound-constrained NLP",
                              "constrained NLP", "equations", "fit")


def test_small_sum_of_squares_goes_to_least_squares():
    squares = of("unconstrained NLP", 10, sum_of_squares=True)
    plan = route(squares)
    assert (plan.front_door, plan.method) == ("least_squares", "lm")
    assert route(squares, has_bounds=True).method == "trf"
    assert route(squares, method="bfgs").front_door == "minimize"
    big = route(squares, num_variables=1000, hessian_nnz=3000)
    assert (big.front_door, big.method) == ("minimize", "trust-ncg")


def test_sum_of_squares_with_a_huge_jacobian_stays_with_minimize():
    huge = of("unconstrained NLP", 100, sum_of_squares=True,
              objective_nonlinear=(None,) * 100_000)
    assert route(huge).front_door == "minimize"
