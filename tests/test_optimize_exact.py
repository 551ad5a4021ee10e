"""Exact certification of an LP basis (symopt.optimize._linear.exact)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from symopt.errors import InputError
from symopt.optimize import solve_lp
from symopt.optimize._linear.exact import certify_basis, to_fraction
from symopt.optimize.linear_program import BasisStatus as S
from symopt.optimize.linear_program import LinearProgram

def wyndor() -> LinearProgram:
    """Hillier & Lieberman's Wyndor Glass: max 3x + 5y, optimum (2, 6), value 36."""
    return LinearProgram.from_arrays(c=[3, 5], A=[[1, 0], [0, 2], [3, 2]],
                                     row_lower=[-np.inf] * 3, row_upper=[4, 12, 18],
                                     sense="max", col_names=("x", "y"),
                                     row_names=("plant1", "plant2", "plant3"))


def diet_decimal() -> LinearProgram:
    """Decimal data: min 0.3a + 0.2b s.t. 0.1a + 0.3b >= 1, 0.2a + 0.1b >= 1."""
    return LinearProgram.from_arrays(c=[0.3, 0.2], A=[[0.1, 0.3], [0.2, 0.1]],
                                     row_lower=[1, 1], row_upper=[np.inf, np.inf])


@pytest.mark.parametrize("engine", ["fraction", "flint"])
def test_wyndor_hand_derived_fractions(engine):
    if engine == "flint":
        pytest.importorskip("flint")
    cert = certify_basis(wyndor(), col_basis=[S.BASIC, S.BASIC],
                         row_basis=[S.BASIC, S.AT_UPPER, S.AT_UPPER], engine=engine)
    assert cert.optimal and cert.engine == engine
    assert cert.x == [2, 6] and cert.objective == 36
    # shadow prices of the textbook: plant2 3/2, plant3 1 (max sense: >= 0 on <= rows)
    assert cert.row_dual == [0, Fraction(3, 2), 1]
    assert cert.col_dual == [0, 0]
    assert cert.row_activity == [2, 12, 18]


@pytest.mark.parametrize("engine", ["fraction", "flint"])
def test_decimal_data_give_exact_rationals(engine):
    if engine == "flint":
        pytest.importorskip("flint")
    lp = diet_decimal()
    result = solve_lp(lp, method="simplex")
    cert = certify_basis(lp, result.col_basis, result.row_basis, x=result.x, engine=engine)
    # 0.1a + 0.3b = 1, 0.2a + 0.1b = 1  ->  a = 4, b = 2  (hand solved); duals by B^T y = c
    assert cert.x == [4, 2]
    assert cert.objective == Fraction(8, 5)
    assert cert.row_dual == [Fraction(1, 5), Fraction(7, 5)]
    assert cert.optimal
    assert cert.max_float_error < 1e-9
    assert float(cert.objective) == pytest.approx(result.fun, rel=1e-12)


def test_a_suboptimal_basis_is_named():
    # Wyndor with only plant1 and plant2 binding: x = 4, y = 6 violates plant3 (3*4+2*6=24>18)
    cert = certify_basis(wyndor(), col_basis=[S.BASIC, S.BASIC],
                         row_basis=[S.AT_UPPER, S.AT_UPPER, S.BASIC], engine="fraction")
    assert not cert.optimal
    assert cert.primal_violations == ["row plant3 = 24 lies above its upper bound 18"]
    # the origin basis is feasible but not optimal: both reduced costs point up (max sense)
    cert = certify_basis(wyndor(), col_basis=[S.AT_LOWER, S.AT_LOWER],
                         row_basis=[S.BASIC] * 3, engine="fraction")
    assert not cert.primal_violations
    assert [v.split(":")[0] for v in cert.dual_violations] == [
        "the reduced cost of x is 3", "the reduced cost of y is 5"]


def test_engines_agree_on_a_random_lp():
    pytest.importorskip("flint")
    rng = np.random.default_rng(3)
    A = np.round(rng.uniform(0, 5, (12, 18)), 1) * (rng.random((12, 18)) < 0.4)
    A[np.arange(12), np.arange(12)] += 1.0
    lp = LinearProgram.from_arrays(c=-np.round(rng.uniform(1, 3, 18), 2), A=A,
                                   row_lower=np.full(12, -np.inf),
                                   row_upper=np.round(rng.uniform(5, 9, 12), 1),
                                   col_upper=np.full(18, 4.0))
    result = solve_lp(lp, method="simplex")
    a = certify_basis(lp, result.col_basis, result.row_basis, x=result.x, engine="fraction")
    b = certify_basis(lp, result.col_basis, result.row_basis, x=result.x, engine="flint")
    assert a.optimal and b.optimal
    assert (a.x, a.row_dual, a.col_dual, a.objective) == (b.x, b.row_dual, b.col_dual, b.objective)
    assert float(a.objective) == pytest.approx(result.fun, rel=1e-10)


def test_bad_bases_are_clear_errors():
    with pytest.raises(InputError, match="has 3 basic variables, this one has 2"):
        certify_basis(wyndor(), [S.BASIC, S.BASIC], [S.AT_UPPER] * 3, engine="fraction")
    with pytest.raises(InputError, match="singular"):
        # x appears in no row: a basis holding it has a zero column
        lp = LinearProgram.from_arrays(c=[1, 1], A=[[0, 2], [0, 4]], row_lower=[-np.inf] * 2,
                                       row_upper=[1, 2])
        certify_basis(lp, [S.BASIC, S.BASIC], [S.AT_UPPER, S.AT_UPPER], engine="fraction")
    with pytest.raises(InputError, match="unknown exact engine"):
        certify_basis(wyndor(), [S.BASIC] * 2, [S.BASIC] + [S.AT_UPPER] * 2, engine="gmp")


def test_to_fraction_reads_decimals_as_written():
    assert to_fraction(0.1) + to_fraction(0.2) == Fraction(3, 10)
    with pytest.raises(InputError, match="finite"):
        to_fraction(float("inf"))


def test_exact_ranges_of_wyndor_are_the_textbook_ones():
    from symopt.optimize._linear.exact import exact_ranges
    ranges = exact_ranges(wyndor(), [S.BASIC, S.BASIC], [S.BASIC, S.AT_UPPER, S.AT_UPPER],
                          engine="fraction")
    # Hillier & Lieberman: 0 <= c_x <= 15/2, c_y >= 2; 6 <= b2 <= 18, 12 <= b3 <= 24
    assert (ranges.cost_lower, ranges.cost_upper) == ([0, 2], [Fraction(15, 2), None])
    assert ranges.rhs_value == [4, 12, 18]
    assert (ranges.rhs_lower, ranges.rhs_upper) == ([2, 6, 12], [None, 18, 24])


@pytest.mark.parametrize("sense", ["min", "max"])
def test_exact_ranges_agree_with_float_ranging(sense):
    from symopt.optimize._linear.exact import exact_ranges
    rng = np.random.default_rng(11 if sense == "min" else 12)
    for _ in range(6):
        m, n = 10, 15
        A = np.round(rng.uniform(0, 5, (m, n)), 1) * (rng.random((m, n)) < 0.4)
        A[np.arange(m), np.arange(m)] += 1.0
        c = -np.round(rng.uniform(1, 3, n), 2)
        lp = LinearProgram.from_arrays(
            c=c if sense == "min" else -c, A=A, sense=sense, col_upper=np.full(n, 4.0),
            row_lower=np.where(rng.random(m) < 0.3, 0.5, -np.inf),
            row_upper=np.round(rng.uniform(5, 9, m), 1))
        result = solve_lp(lp, method="simplex")
        exact, floats = exact_ranges(lp, result.col_basis, result.row_basis), result.sensitivity
        for got, want, open_side in ((exact.cost_lower, floats.cost_lower, -np.inf),
                                     (exact.cost_upper, floats.cost_upper, np.inf),
                                     (exact.rhs_lower, floats.rhs_lower, -np.inf),
                                     (exact.rhs_upper, floats.rhs_upper, np.inf)):
            values = np.array([open_side if v is None else float(v) for v in got])
            assert np.allclose(values, want, atol=1e-7)
