"""The numbers of an LP before it is solved (issue 17): huge bounds become infinite with a
warning, impossible numbers are located errors, never a NaN or infinite "optimal"."""
from __future__ import annotations

import math

import numpy as np
import pytest

from symopt import Model, Objective, Param, Var, solve
from symopt.compile.screen import check_start_point, screen_linear_program
from symopt.errors import InputError, ModelError, ParseError
from symopt.io import parse_lp, parse_mps
from symopt.optimize import linprog
from symopt.optimize.linear_program import LinearProgram

MPS = """NAME t
ROWS
 N obj
 L c1
COLUMNS
    x obj 1 c1 {a}
    y obj 1 c1 1
RHS
    RHS c1 {rhs}
BOUNDS
 UP BND x {up}
ENDATA
"""


def test_huge_bounds_become_infinite_with_a_warning():
    lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1]], row_lower=[-1e25], row_upper=[4],
                                   col_upper=[1e30, 3])
    screened, notes = screen_linear_program(lp)
    assert screened.row_lower[0] == -np.inf and screened.col_upper[0] == np.inf
    assert len(notes) == 2 and "treated as infinite" in notes[0]


@pytest.mark.parametrize("coefficient", [1e16, -1e308])
def test_coefficients_beyond_1e15_are_refused(coefficient):
    lp = LinearProgram.from_arrays(c=[1, 1], A=[[coefficient, 1]], row_upper=[1])
    with pytest.raises(InputError, match="rescale"):
        screen_linear_program(lp)


def test_an_impossible_row_and_an_empty_model_are_errors():
    lp = LinearProgram.from_arrays(c=[1], A=[[1]], row_lower=[1e25], row_upper=[np.inf])
    with pytest.raises(InputError, match="can never"):
        screen_linear_program(lp)
    with pytest.raises(InputError, match="no variables"):
        screen_linear_program(LinearProgram.from_arrays(c=[], A=np.zeros((1, 0)),
                                                        row_upper=[0]))


def test_a_wide_coefficient_range_gets_a_warning():
    lp = LinearProgram.from_arrays(c=[1, 1], A=[[1e-9, 1e14]], row_upper=[1])
    assert "ratio" in screen_linear_program(lp)[1][0]


@pytest.mark.parametrize("a, rhs, words", [
    ("1e308", "1", "6:"), ("1", "1e400", "9:"), ("nan", "1", "NaN")])
def test_mps_numbers_are_located(a, rhs, words):
    with pytest.raises(ParseError) as caught:
        parse_mps(MPS.format(a=a, rhs=rhs, up=3), "t.mps")
    assert words in str(caught.value)


def test_mps_rhs_of_1e25_solves_as_no_bound():
    with pytest.warns(UserWarning, match="treated as infinite"):
        solution = solve(parse_mps(MPS.format(a=1, rhs="1e25", up="1e30"), "t.mps"))
    assert solution.status == "optimal" and solution.objective == 0


def test_lp_file_rhs_of_inf_is_a_located_error():
    with pytest.raises(ParseError, match="no value can meet") as caught:
        parse_lp("Minimize\n obj: x + y\nSubject To\n c1: x + y >= inf\nEnd\n", "a.lp")
    assert caught.value.location.line == 4


def test_a_variable_named_inf_round_trips_through_an_lp_file():
    from symopt.io import format_lp
    lp = LinearProgram.from_arrays(c=[1, 2], A=[[1, 1]], row_lower=[1], row_upper=[np.inf],
                                   col_names=("inf", "x"), row_names=("end",))
    again = parse_lp(format_lp(lp), "back.lp")
    assert solve(again).objective == solve(lp).objective == 1


def test_api_data_is_validated_where_it_enters():
    m = Model("api")
    with pytest.raises(ModelError, match="finite"):
        m.p = Param(initialize=math.nan)
    with pytest.raises(ModelError, match="outside its bounds"):
        m.x = Var(bounds=(2, 5), initialize=1)
    with pytest.raises(ModelError, match="must be a number"):
        m.y = Var(bounds=("a", 5))
    with pytest.warns(UserWarning, match="infinite"):
        m.z = Var(bounds=(0, 1e30))
    assert m.z.ub is None
    with pytest.raises(InputError, match="matrix of real numbers"):
        linprog([1, 1], A_ub=[[1, [1]]], b_ub=[1])


def test_options_must_be_finite_and_known_before_solving():
    m = Model("opts")
    m.x = Var(initialize=1.0)
    m.obj = Objective(expr=(m.x - 2) ** 2 + m.x ** 4)
    with pytest.raises(InputError, match="finite number"):
        solve(m, options={"maxiter": math.inf})
    with pytest.raises(InputError) as caught:
        solve(m, options={"colour": "red"})
    assert caught.value.option == "colour"


def test_a_model_not_finite_at_its_start_is_refused_in_its_words():
    from symopt import exp
    m = Model("start")
    m.x = Var(initialize=1000.0)
    m.obj = Objective(expr=exp(m.x) + m.x ** 2)
    with pytest.raises(InputError, match="at the start point"):
        solve(m)


def test_fewer_squares_than_variables_route_to_trf():
    m = Model("under")
    m.x = Var(initialize=3.0)
    m.y = Var(initialize=1.0)
    m.obj = Objective(expr=(m.x + m.y - 1) ** 2)
    solution = solve(m)
    assert solution.status == "optimal" and solution.method == "trf"


def test_check_start_point_ignores_other_problems():
    assert check_start_point(object()) is None
