"""Hostile .opt input (issue 17): every case is a located error or a clean answer, never an
internal error, a hang or runaway memory; `check` finds what `solve` would reject."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import symopt.limits
from symopt.cli import main
from symopt.dsl import check_text, loads
from symopt.errors import InputError, SymoptError
from symopt.limits import LIMITS, power, read_text

MODEL = "var x >= 0\nminimize f: x\nsubject to\n  c: x >= p\n"


def only_error(text: str, folder: Path | None = None) -> SymoptError:
    errors = check_text(text, "m.opt", folder or Path.cwd())
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


@pytest.mark.parametrize("value, words", [
    ("9" * 5000, "5000 digits"),
    ("1" + "0" * 400, "401 digits"),
    ("10^400", "10^400 is beyond the range"),
    ("2^2^2^2^2^2", "2^65536 is beyond the range"),
    ("1e400", "1e400 is infinite"),
    ("1e300 * 1e300", "is infinite"),
    ("exp(1000)", "exp(1000) is not defined"),
    ("min(2)", "min() takes two or more arguments"),
    ("sum(i in 1..3) 1e308", "overflows"),
])
def test_numbers_beyond_float_range_are_located_errors(value, words):
    error = only_error(f"param p = {value}\n{MODEL}")
    assert words in error.message
    assert (error.location.line, error.location.column) == (1, 11) or error.location.line == 1


def test_long_source_lines_are_shown_as_a_window():
    error = only_error(f"param p = {'9' * 5000}\n{MODEL}")
    caret = error.location.caret()
    assert len(caret.splitlines()[0]) < 140 and caret.splitlines()[1].endswith("^")


@pytest.mark.parametrize("text, words", [
    ("set S = 1..1e400", "1e400 is infinite"),
    ("set S = 1..1e10", "more than the limit"),
    ("set S = 1..100000\nset T = S * S", "more than the limit"),
])
def test_set_sizes_are_capped(text, words):
    error = only_error(f"{text}\nvar x >= 0\nminimize f: x")
    assert words in error.message and error.location is not None


def test_the_set_size_cap_is_configurable(monkeypatch):
    monkeypatch.setattr(LIMITS, "max_set_size", 10)
    assert "more than the limit of 10" in only_error("set S = 1..11\nvar x\nminimize f: x^2").message
    assert "more than the limit" in only_error(
        "set S = 1..4\nvar x[S, S] >= 0\nminimize f: sum(i in S, j in S) x[i, j]").message


def test_power_is_bounded_before_it_is_computed():
    assert power(2, 10) == 1024 and power(-8, 1 / 3) != power(8, 1 / 3)
    with pytest.raises(ValueError, match="beyond the range"):
        power(2, 2 ** 65536)
    with pytest.raises(ValueError, match="beyond the range"):
        power(10, 309)


@pytest.mark.parametrize("option, words", [
    ("maxiter = 1e400", "1e400 is infinite"),
    ("foo = 3", "unknown option"),
    ('time_limit = "abc"', "time_limit"),
    ("method = nosuch", "unknown method 'nosuch'"),
    ("maxiter = -5", "'maxiter' counts, so it must be a whole number >= 0, got -5"),
    ("method = BFGS, maxiter = 0.5", "whole number >= 0, got 0.5"),
    ("maxiter = fast", "'maxiter' must be a number, got 'fast'"),
    ("gtol = -1", "'gtol' must be a number >= 0, got -1"),
    ("initial_trust_radius = 0", "must be a number > 0, got 0"),
])
def test_option_errors_point_at_the_options_line_in_check_and_solve(option, words, tmp_path,
                                                                       capsys):
    path = tmp_path / "m.opt"
    path.write_text(f"var x = 1\nminimize f: (x - 2)^2 + x^4\noptions {option}\n")
    error = only_error(path.read_text(), tmp_path)
    assert words in error.message and error.location.line == 3
    assert main(["solve", str(path)]) == 3
    assert main(["check", str(path)]) == 3
    err = capsys.readouterr().err
    assert f"{path}:3:" in err and words in err


def test_option_values_out_of_range_are_refused_by_solve_from_python_too():
    import symopt
    model = symopt.Model()
    model.x = symopt.Var(initialize=1.0)
    model.f = symopt.Objective(expr=(model.x - 2) ** 2 + model.x ** 4)
    with pytest.raises(symopt.InputError, match="'gtol' must be a number >= 0"):
        symopt.solve(model, options={"gtol": -1e-8})
    with pytest.raises(symopt.InputError, match="'time_limit' must be a number >= 0"):
        symopt.solve(model, method="nelder-mead", options={"maxfev": 10, "xatol": 1e-3,
                                                           "time_limit": -1})


def test_start_value_outside_bounds_is_found_by_check_in_the_users_words():
    error = only_error("var z\nvar y >= 2 <= 5 = 1\nminimize f: (y - 3)^2 + z^2")
    assert error.message == "the start value of y (1) lies outside its bounds [2, 5]"
    assert (error.location.line, error.location.column) == (2, 5)


def test_a_fit_start_point_error_points_at_the_fit_statement(tmp_path):
    (tmp_path / "d.csv").write_text("t,y\n1,2\n2,3\n3,5\n")
    error = only_error('# growth\ndata "d.csv"\nvar A = 1, c = 0\nvar k = 800\n'
                       'fit y ~ A*exp(k*t) + c\n', tmp_path)
    assert error.message.startswith("the fit formula is inf at the start point")
    assert (error.location.line, error.location.column) == (5, 1)


def test_data_files_must_be_regular_files_of_bounded_size(tmp_path, monkeypatch):
    fit = 'var a = 1, b = 0\ndata "{}"\nfit y ~ a*t + b'
    assert "not a regular file" in only_error(fit.format("/dev/zero")).message
    assert "is a directory" in only_error(fit.format(str(tmp_path))).message
    (tmp_path / "big.csv").write_text("t,y\n" + "1,2\n" * 1000)
    monkeypatch.setattr(LIMITS, "max_file_bytes", 100)
    assert "larger than" in only_error(fit.format("big.csv"), tmp_path).message


@pytest.mark.parametrize("rows, words", [
    ("", "0 row(s) of data"),
    ("1,1e400\n2,3\n", "expected a finite number"),
    ("1," + "9" * 400 + "\n2,3\n", "expected a finite number"),
])
def test_bad_csv_data_is_a_located_error(rows, words, tmp_path):
    (tmp_path / "d.csv").write_text("t,y\n" + rows)
    error = only_error('var a = 1, b = 0\ndata "d.csv"\nfit y ~ a*t + b', tmp_path)
    assert words in error.message and error.location is not None


def test_ninety_digit_csv_cells_stay_numbers(tmp_path):
    (tmp_path / "d.csv").write_text(f"k,v\n{'9' * 90},1\n2,3\n")
    text = 'set K from "d.csv" column k\nparam v[K] from "d.csv"\nvar x[K] >= 0\n' \
           'minimize f: sum(k in K) v[k] * x[k]'
    assert loads(text, "m.opt", tmp_path).errors == []


def test_read_text_refuses_corrupt_archives_and_bombs(tmp_path, monkeypatch):
    (tmp_path / "bad.mps.gz").write_bytes(gzip.compress(bytes(range(256)) * 50)[:200])
    with pytest.raises(InputError, match="corrupt or truncated gzip"):
        read_text(tmp_path / "bad.mps.gz")
    (tmp_path / "bomb.lp.gz").write_bytes(gzip.compress(b" " * 10_000))
    monkeypatch.setattr(LIMITS, "max_file_bytes", 1000)
    with pytest.raises(InputError, match="larger than"):
        read_text(tmp_path / "bomb.lp.gz")


def test_export_into_a_missing_folder_is_a_clean_error(tmp_path, capsys):
    path = tmp_path / "m.opt"
    path.write_text("var x >= 0\nminimize f: x\nsubject to\n  c: x >= 1\n")
    assert main(["export", str(path), "--to", "lp", "-o", str(tmp_path / "no" / "m.lp")]) == 3
    assert "does not exist" in capsys.readouterr().err


def test_model_file_that_is_a_device_or_directory(tmp_path, capsys):
    assert main(["check", "/dev/zero"]) == 3
    assert main(["solve", str(tmp_path)]) == 3
    assert "internal error" not in capsys.readouterr().err


def test_large_model_text_checks_in_linear_time():
    """A regression bound, not a benchmark (benchmarks/fuzz.py measures 10 MB)."""
    import time
    rows = "\n".join(f"  c{i}: x{i % 50} + 2*x{(i + 1) % 50} >= {i % 7}" for i in range(3_000))
    text = ("".join(f"var x{j} >= 0 <= 100\n" for j in range(50))
            + "minimize f: " + " + ".join(f"x{j}" for j in range(50)) + "\nsubject to\n" + rows)
    start = time.process_time()
    assert check_text(text, "big.opt") == []
    assert time.process_time() - start < 30


def test_limits_module_names_its_environment_variables():
    assert "SYMOPT_MAX_SET_SIZE" in symopt.limits.__doc__
