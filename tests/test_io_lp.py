"""CPLEX LP files: the syntax variants, errors with locations, and round trips with MPS."""
from __future__ import annotations

import numpy as np
import pytest

from symopt.errors import ParseError
from symopt.io import read, write
from symopt.io.lp_format import _lp_names, format_lp, parse_lp
from symopt.io.mps import parse_mps
from symopt.optimize.linear_program import LinearProgram

from conftest import NETLIB_DIR
from test_io_mps import FULL, lp_equal

TEXT = r"""\ a small model
Maximize
 profit: 3 x + 2y - 1.5 z + 4
Subject To
 wood: x + y <= 4
 c2: x + 3 y
     >= 2
 fixed: x - z = 0.5
 band: -2 <= x - y <= 8
 -x + y + 2 > -10
Bounds
 x <= 3
 -1 <= z <= 1e1
 y free
 w = 2
General
 x
Binary
 b
End
"""


def test_reads_objective_rows_bounds_and_integers():
    lp = parse_lp(TEXT)
    assert lp.sense == "max" and lp.objective_name == "profit" and lp.offset == 4
    assert lp.col_names == ("x", "y", "z", "w", "b")
    assert lp.row_names == ("wood", "c2", "fixed", "band", "c5")
    np.testing.assert_array_equal(lp.c, [3, 2, -1.5, 0, 0])
    np.testing.assert_array_equal(lp.row_lower, [-np.inf, 2, 0.5, -2, -12])
    np.testing.assert_array_equal(lp.row_upper, [4, np.inf, 0.5, 8, np.inf])
    np.testing.assert_array_equal(lp.col_lower, [0, -np.inf, -1, 2, 0])
    np.testing.assert_array_equal(lp.col_upper, [3, np.inf, 10, 2, 1])
    np.testing.assert_array_equal(lp.integrality, [1, 0, 0, 0, 1])
    np.testing.assert_array_equal(lp.A.toarray()[4], [-1, 1, 0, 0, 0])


@pytest.mark.parametrize("change, message, line, column", [
    (("wood: x + y <= 4", "wood: x + y <= four"), "expected a number", 5, 17),
    (("wood: x + y <= 4", "wood: x y <= 4"), "expected '+', '-' or a comparison after 'x'", 5, 10),
    (("wood: x + y <= 4", "wood: x + y"), "row 'wood' has no comparison", 6, 2),
    (("wood: x + y <= 4", "wood: [ x ^ 2 ] <= 4"), "quadratic terms are not supported", 5, 8),
    (("Maximize", "Maximise\nSOS"), "section 'SOS' is not supported", 3, 1),
])
def test_errors_name_line_and_column(change, message, line, column):
    with pytest.raises(ParseError) as info:
        parse_lp(TEXT.replace(*change), filename="m.lp")
    assert message in info.value.message
    assert (info.value.location.line, info.value.location.column) == (line, column)


def test_a_file_must_start_with_an_objective_sense():
    with pytest.raises(ParseError, match="starts with 'minimize' or 'maximize'"):
        parse_lp("Subject To\n x <= 1\nEnd\n")


def test_writer_mangles_names_and_round_trips_through_both_formats(tmp_path):
    lp = parse_mps(FULL)
    path = tmp_path / "full.lp"
    write(lp, path)
    back = read(path)  # columns come back in order of first appearance
    assert sorted(back.col_names) == sorted(lp.col_names) and back.row_names == lp.row_names
    lp_equal(permute_columns(back, lp.col_names), lp)
    weird = LinearProgram.from_arrays(
        c=[1, 2], A=[[1, 1]], row_lower=[1], row_upper=[3],
        col_names=("ship[seattle,new york]", "2nd"), row_names=("e1",))
    text = format_lp(weird)
    assert "ship(seattle,new_york)" in text and "_2nd" in text and "_e1:" in text
    again = parse_lp(text)
    np.testing.assert_array_equal(again.row_lower, [1])
    np.testing.assert_array_equal(again.row_upper, [3])


def permute_columns(lp: LinearProgram, order: tuple[str, ...]) -> LinearProgram:
    index = [lp.col_names.index(name) for name in order]
    return LinearProgram(
        c=lp.c[index], A=lp.A[:, index], row_lower=lp.row_lower,
        row_upper=lp.row_upper, col_lower=lp.col_lower[index], col_upper=lp.col_upper[index],
        offset=lp.offset, sense=lp.sense, col_names=order, row_names=lp.row_names,
        integrality=None if lp.integrality is None else lp.integrality[index])


@pytest.mark.skipif(not NETLIB_DIR.exists(), reason="shared Netlib data absent")
@pytest.mark.parametrize("name", ["afiro", "boeing1", "e226"])
def test_netlib_problems_round_trip_through_the_lp_format(tmp_path, name):
    lp = read(NETLIB_DIR / "mps" / f"{name}.mps")
    write(lp, tmp_path / f"{name}.lp")
    back = read(tmp_path / f"{name}.lp")
    # names are mangled into the LP alphabet; compare by position of first appearance
    order = [back.col_names.index(n) for n in _lp_names(lp.col_names, set())]
    assert back.num_rows == lp.num_rows and len(order) == lp.num_cols
    np.testing.assert_allclose(back.c[order], lp.c)
    np.testing.assert_allclose(back.A[:, order].toarray(), lp.A.toarray())
    np.testing.assert_allclose(back.row_lower, lp.row_lower)
    np.testing.assert_allclose(back.row_upper, lp.row_upper)
    np.testing.assert_allclose(back.col_lower[order], lp.col_lower)
    np.testing.assert_allclose(back.col_upper[order], lp.col_upper)
    assert back.offset == pytest.approx(lp.offset)
