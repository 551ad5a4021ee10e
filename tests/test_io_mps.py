"""MPS reading and writing: every section and bound type, errors with locations, Netlib."""
from __future__ import annotations

import dataclasses

import csv
import gzip
import warnings

import numpy as np
import pytest

from symopt.errors import InputError, ParseError
from symopt.io import read, write
from symopt.io.mps import format_mps, parse_mps, read_mps
from symopt.optimize.linear_program import LinearProgram

from conftest import NETLIB_DIR

FULL = """\
NAME          FULL
OBJSENSE
    MAX
ROWS
 N  profit
 L  cap
 G  demand
 E  balance
 E  neg_range
 N  free_row
COLUMNS
    x         profit    3.0          cap       1.0
    x         free_row  9.0
    MARKER                 'MARKER'                 'INTORG'
    y         profit    2.0          demand    1.0
    y         balance   1.0
    MARKER                 'MARKER'                 'INTEND'
    z         cap       1.0          neg_range 1.0
    w         balance   -1.0
    v         demand    1.0
    u         profit    1.0
RHS
    RHS       profit    -5.0         cap       10.0
    RHS       demand    2.0          balance   0.0
    RHS       neg_range 4.0
RANGES
    RNG       cap       4.0          demand    3.0
    RNG       neg_range -1.5
BOUNDS
 UP BND       x         8.0
 LO BND       y         1.0
 FX BND       z         2.5
 FR BND       w
 MI BND       v
 PL BND       v
 BV BND       u
ENDATA
"""


def test_reads_every_section_and_bound_type():
    lp = parse_mps(FULL)
    assert lp.name == "FULL" and lp.sense == "max"
    assert lp.col_names == ("x", "y", "z", "w", "v", "u")
    assert lp.row_names == ("cap", "demand", "balance", "neg_range")  # free row dropped
    np.testing.assert_array_equal(lp.c, [3, 2, 0, 0, 0, 1])
    assert lp.offset == 5.0  # RHS on the objective row is the negated constant
    np.testing.assert_array_equal(lp.row_lower, [6, 2, 0, 2.5])
    np.testing.assert_array_equal(lp.row_upper, [10, 5, 0, 4])
    np.testing.assert_array_equal(lp.col_lower, [0, 1, 2.5, -np.inf, -np.inf, 0])
    np.testing.assert_array_equal(lp.col_upper, [8, np.inf, 2.5, np.inf, np.inf, 1])
    np.testing.assert_array_equal(lp.integrality, [0, 1, 0, 0, 0, 1])
    np.testing.assert_array_equal(lp.A.toarray(), [
        [1, 0, 1, 0, 0, 0], [0, 1, 0, 0, 1, 0], [0, 1, 0, -1, 0, 0], [0, 0, 1, 0, 0, 0]])


def test_objsense_on_the_header_line_and_li_ui_bounds():
    text = FULL.replace("OBJSENSE\n    MAX\n", "OBJSENSE MAXIMIZE\n").replace(
        " UP BND       x         8.0", " UI BND       x         8.0")
    lp = parse_mps(text)
    assert lp.sense == "max" and lp.integrality[0] == 1 and lp.col_upper[0] == 8


def test_negative_upper_bound_without_lower_makes_lower_infinite():
    text = FULL.replace(" UP BND       x         8.0", " UP BND       x         -8.0")
    with pytest.warns(UserWarning, match="negative UP"):
        lp = parse_mps(text)
    assert lp.col_lower[0] == -np.inf and lp.col_upper[0] == -8


@pytest.mark.parametrize("change, message, line", [
    (("RANGES", "RANGERS"), "unknown MPS section 'RANGERS'", 26),
    (("    y         balance   1.0", "    y         nowhere   1.0"),
     "row 'nowhere' is not declared in the ROWS section", 16),
    (("cap       10.0", "cap       ten"), "expected a number, found 'ten'", 23),
    ((" L  cap", " Q  cap"), "row type 'Q' of row 'cap'", 6),
    ((" FR BND       w", " FR BND       ghost"), "BOUNDS names column 'ghost'", 33),
    (("cap       10.0", "cap       nan"), "NaN", 23),
])
def test_errors_name_file_line_and_what_was_expected(change, message, line):
    with pytest.raises(ParseError) as info:
        parse_mps(FULL.replace(*change), filename="model.mps")
    assert message in str(info.value)
    assert info.value.location.file == "model.mps" and info.value.location.line == line
    assert str(info.value).startswith(f"model.mps:{line}:")


def test_lower_above_upper_is_a_clear_error():
    with pytest.raises(ParseError, match="'x' has lower bound 9.0 > upper bound 8.0"):
        parse_mps(FULL.replace(" UP BND       x         8.0",
                               " UP BND       x         8.0\n LO BND       x         9.0"))


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "absent.mps")
    with pytest.raises(InputError, match="unknown file type '.txt'"):
        read(tmp_path / "model.txt")


def lp_equal(a: LinearProgram, b: LinearProgram) -> None:
    for field in ("c", "row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), err_msg=field)
    np.testing.assert_allclose(a.A.toarray(), b.A.toarray())
    assert (a.sense, a.offset, a.col_names, a.row_names) == (b.sense, b.offset, b.col_names, b.row_names)
    ai = np.zeros(a.num_cols) if a.integrality is None else a.integrality
    bi = np.zeros(b.num_cols) if b.integrality is None else b.integrality
    np.testing.assert_array_equal(ai, bi)


def test_write_then_read_gives_the_same_program(tmp_path):
    lp = parse_mps(FULL)
    path = tmp_path / "full.mps.gz"
    write(lp, path)
    with gzip.open(path, "rt") as handle:
        assert handle.read().startswith("NAME FULL")
    lp_equal(read(path), lp)


def test_names_with_spaces_are_written_as_single_words_and_read_back():
    lp = LinearProgram.from_arrays(c=[1, 2, 3], A=[[1, 1, 1]], row_lower=[1],
                                   col_names=("ship[new york]", "ship[new_york]", "x 2"),
                                   row_names=("demand of new york",), objective_name="total cost")
    back = parse_mps(format_mps(lp))
    assert back.col_names == ("ship[new_york]", "ship[new_york]_2", "x_2")
    assert back.row_names == ("demand_of_new_york",) and back.objective_name == "total_cost"
    lp_equal(back, dataclasses.replace(lp, col_names=back.col_names, row_names=back.row_names))


def netlib_table() -> dict[str, dict[str, str]]:
    with open(NETLIB_DIR / "netlib_problems.csv") as handle:
        return {row["mps"]: row for row in csv.DictReader(handle)}


def check_counts(relative: str) -> None:
    row = netlib_table()[relative]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lp = read_mps(NETLIB_DIR / relative)
    assert (lp.num_rows, lp.num_cols, int(np.count_nonzero(lp.c))) == (
        int(row["parsed_rows"]), int(row["parsed_cols"]), int(row["parsed_nnz_c"]))
    assert abs(lp.A.nnz - int(row["parsed_nnz_A"])) <= 1  # STANDGUB stores one explicit zero
    assert lp.offset == pytest.approx(float(row["obj_constant"]))


needs_netlib = pytest.mark.skipif(not NETLIB_DIR.exists(), reason="shared Netlib data absent")


@needs_netlib
@pytest.mark.parametrize("name", ["afiro", "forplan", "e226", "blend", "boeing1", "pilot4"])
def test_netlib_files_parse_to_the_published_sizes(name):
    """FORPLAN needs fixed columns, E226 has an objective constant, BOEING1 RANGES."""
    check_counts(f"mps/{name}.mps")


@needs_netlib
@pytest.mark.slow
def test_every_netlib_file_parses_to_the_published_sizes():
    for relative in netlib_table():
        if relative:  # STOCFOR3 and TRUSS come as npz only
            check_counts(relative)


@needs_netlib
def test_afiro_matches_scipy_highs_optimum():
    scipy_optimize = pytest.importorskip("scipy.optimize")
    lp = read_mps(NETLIB_DIR / "mps" / "afiro.mps")
    dense = lp.A.toarray()
    upper = np.isfinite(lp.row_upper)
    lower = np.isfinite(lp.row_lower)
    res = scipy_optimize.linprog(
        lp.c, A_ub=np.vstack([dense[upper], -dense[lower]]),
        b_ub=np.concatenate([lp.row_upper[upper], -lp.row_lower[lower]]),
        bounds=list(zip(lp.col_lower, lp.col_upper)), method="highs")
    assert res.fun == pytest.approx(-464.75314286, rel=1e-8)
