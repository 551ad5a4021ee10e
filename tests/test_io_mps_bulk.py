"""The bulk MPS path gives exactly the line reader's `LinearProgram`, or steps aside.

`symopt.io.mps_bulk.parse_bulk` must never read a file differently from the line reader
of `symopt.io.mps`: on every Netlib file it reads, data, names, sense, offset, bounds and
integrality are identical; on hostile mutations (the fuzz edits of issue 17) it either
returns the identical program or None, so the line reader's located error or warning
still reaches the user.
"""
from __future__ import annotations

import csv
import random
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from symopt.errors import ParseError
from symopt.io.mps import _MpsReader, parse_mps
from symopt.io.mps_bulk import parse_bulk
from symopt.io.text import open_text

from conftest import NETLIB_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_cases  # noqa: E402

TINY = """NAME tiny
ROWS
 N cost
 N spare
 L lim
 G need
COLUMNS
    x cost 1 lim 1
    y cost 2 lim 1
    y need 1 spare 3
RHS
    RHS lim 4 cost 5
    RHS need 1
RANGES
    RNG lim 2
BOUNDS
 UP BND y 3
ENDATA
"""


def line_reader(text: str, filename: str = "<mps>"):
    return _MpsReader(filename).read(text)


def assert_identical(a, b) -> None:
    for field in ("c", "row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    for field in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(a.A, field), getattr(b.A, field), err_msg=field)
    assert a.A.shape == b.A.shape
    for field in ("offset", "sense", "name", "objective_name", "col_names", "row_names"):
        assert getattr(a, field) == getattr(b, field), field
    assert (a.integrality is None) == (b.integrality is None)
    if a.integrality is not None:
        np.testing.assert_array_equal(a.integrality, b.integrality)


def test_a_regular_file_is_read_in_bulk_identically():
    lp = parse_bulk(TINY, "tiny.mps")
    assert lp is not None
    assert_identical(lp, line_reader(TINY, "tiny.mps"))
    assert lp.offset == -5.0 and lp.row_lower.tolist() == [2.0, 1.0]
    assert lp.objective_name == "cost" and lp.name == "tiny"


@pytest.mark.parametrize("edit", [
    ("y need 1 spare 3", "y need abc spare 3"),        # not a number
    ("y need 1", "y ghost 1"),                          # undeclared row
    ("UP BND y 3", "UP BND z 3"),                       # undeclared column in BOUNDS
    ("UP BND y 3", "UP BND y -3"),                      # negative UP bound: a warning
    ("ENDATA\n", ""),                                   # no ENDATA: a warning
    ("x cost 1", "x cost 1e16"),                        # coefficient too large
    ("RHS need 1", "RHS need 1e400"),                   # beyond the float range
    ("RNG lim 2", "RNG cost 2"),                        # RANGES on the objective
    ("    x cost 1", "    MARKER 'MARKER' 'INTORG'\n    x cost 1\n    MARKER 'MARKER' 'INTEND'"),
    ("ROWS\n", "ROWS\n N  cost\n"),                     # a row declared twice
    ("ROWS\n", "OBJNAME\n    cost\nROWS\n"),
    ("    x cost 1 lim 1", "    x     cost      1.0   lim       1.0   extra"),
])
def test_what_the_bulk_path_does_not_vouch_for_goes_to_the_line_reader(edit):
    text = TINY.replace(*edit)
    assert text != TINY
    assert parse_bulk(text) is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parse_mps(text)      # the line reader: a located error, a warning or an answer
        except ParseError as error:
            assert error.location is not None or "mps" in str(error).lower()


def fixed(name: str, row: str, value: str) -> str:
    """A COLUMNS or RHS line in the fixed columns 5-12, 15-22, 25-36."""
    return f"    {name:8s}  {row:8s}  {value:12s}"


def test_a_name_with_spaces_is_read_by_the_fixed_columns():
    text = ("NAME          SPACES\nROWS\n N  COST\n L  LIM 1\nCOLUMNS\n"
            + fixed("X 1", "COST", "1.0") + "\n" + fixed("X 1", "LIM 1", "1.0")
            + "\nRHS\n" + fixed("RHS", "LIM 1", "4.0") + "\nENDATA\n")
    assert parse_bulk(text) is None
    lp = parse_mps(text)
    assert lp.col_names == ("X 1",) and lp.row_names == ("LIM 1",)


def small_netlib() -> list[Path]:
    if not (NETLIB_DIR / "netlib_problems.csv").exists():
        return []
    with open(NETLIB_DIR / "netlib_problems.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["mps"] and int(r["parsed_rows"]) < 1000]
    return [NETLIB_DIR / r["mps"] for r in rows]


def check_netlib(paths: list[Path]) -> None:
    if not paths:
        pytest.skip("the Netlib files are not in ../shared/data/netlib")
    bulk = 0
    for path in paths:
        text = open_text(path)
        fast = parse_bulk(text, str(path))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            slow = line_reader(text, str(path))
        if fast is not None:
            bulk += 1
            assert_identical(fast, slow)
    assert bulk >= len(paths) - 1          # FORPLAN's names with spaces use the fixed columns


def test_netlib_files_read_identically():
    """A sample across the kinds of file (RANGES, BOUNDS of every type, fixed format)."""
    sample = {"afiro", "boeing2", "forplan", "gfrd-pnc", "grow7", "israel", "kb2", "lotfi",
              "scagr25", "share1b", "stair", "vtp.base"}
    check_netlib([p for p in small_netlib() if p.name.split(".mps")[0] in sample])


@pytest.mark.slow
def test_every_netlib_file_under_1000_rows_reads_identically():
    check_netlib(small_netlib())


@pytest.mark.parametrize("seed", range(3))
def test_mutated_files_read_identically_or_step_aside(seed):
    texts = fuzz_cases.netlib_texts()
    if not texts:
        pytest.skip("the Netlib files are not in ../shared/data/netlib")
    rng = random.Random(seed)
    stepped_aside = 0
    for k in range(60):
        name = rng.choice(sorted(texts))
        text = fuzz_cases.mutate_text(texts[name], rng)
        fast = parse_bulk(text, name)
        if fast is None:
            stepped_aside += 1
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")    # the bulk path never skips a warning
            slow = line_reader(text, name)    # ... nor an error: this must not raise
        assert_identical(fast, slow)
    assert 0 < stepped_aside < 60


def test_netlib_files_read_as_highs_reads_them():
    """On valid files symopt's reader and HiGHS's agree: data, bounds, names, sense, offset
    (HiGHS's reader is not used because it also accepts malformed files)."""
    from symopt.optimize._linear.highs import new_highs
    sample = {"afiro", "boeing2", "grow7", "israel", "scagr25", "share1b", "stair", "vtp.base"}
    paths = [p for p in small_netlib() if p.name.split(".mps")[0] in sample]
    if not paths:
        pytest.skip("the Netlib files are not in ../shared/data/netlib")
    for path in paths:
        ours = parse_bulk(open_text(path), str(path))
        h = new_highs()
        h.readModel(str(path))
        theirs = h.getLp()
        assert (theirs.num_row_, theirs.num_col_) == ours.A.shape
        for mine, field in ((ours.c, "col_cost_"), (ours.col_lower, "col_lower_"),
                            (ours.col_upper, "col_upper_"), (ours.row_lower, "row_lower_"),
                            (ours.row_upper, "row_upper_")):
            np.testing.assert_array_equal(mine, np.asarray(getattr(theirs, field)), field)
        matrix = theirs.a_matrix_
        A = sp.csc_array((np.asarray(matrix.value_), np.asarray(matrix.index_),
                          np.asarray(matrix.start_)), shape=ours.A.shape)
        A.sort_indices()                                # HiGHS keeps the file's order
        for field in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(ours.A, field), getattr(A, field), field)
        assert ours.offset == theirs.offset_ and ours.sense == "min"
        assert list(ours.col_names) == list(theirs.col_names_)
        assert list(ours.row_names) == list(theirs.row_names_)


@pytest.mark.parametrize("edit", [
    ("COLUMNS\n", "* a comment in column 1\nCOLUMNS\n   * an indented comment\n"),
    ("    y cost 2 lim 1", "    y cost 2 lim 1\n    y cost -0.5"),        # cost summed
    ("    x cost 1 lim 1", "    x cost -0.0 lim 1"),                     # -0 cost: 0
    ("    RHS need 1", "    RHS need 1 lim 6\n    RHS cost 7"),          # the last counts
    ("    RHS lim 4 cost 5", "    RHS lim 4 cost 5\n    RHS lim 3"),
])
def test_sums_repeats_and_comments_read_as_the_line_reader_reads_them(edit):
    text = TINY.replace(*edit)
    assert text != TINY
    lp = parse_bulk(text)
    assert lp is not None
    assert_identical(lp, line_reader(text))
    np.testing.assert_array_equal(np.signbit(lp.c), np.signbit(line_reader(text).c))
