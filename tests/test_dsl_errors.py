"""Errors in .opt files: located, in plain words, all of them reported, never anything else."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symopt.dsl import check, check_text, loads, read
from symopt.errors import ModelError, ParseError, SymoptError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def only_error(text: str, folder: Path | None = None) -> SymoptError:
    errors = check_text(text, "m.opt", folder or Path.cwd())
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


# ---- syntax errors: exact text ---------------------------------------------------------------
def test_expression_missing_after_plus_exact_text():
    error = only_error("var x\nminimize f: x + \n")
    assert isinstance(error, ParseError)
    assert str(error) == ("m.opt:2:16: expected an expression after '+', found the end of the "
                          "file\n    minimize f: x + \n                   ^")


def test_unexpected_token_names_what_was_expected():
    error = only_error("var x\nminimize f: x + : 3")
    assert str(error).splitlines() == [
        "m.opt:2:17: expected an expression after '+', found ':'",
        "    minimize f: x + : 3",
        "                    ^",
    ]


def test_dangling_operator_before_a_statement_keyword():
    error = only_error("var x\nvar y\nmaximize p: 3*x + 2*y +\nsubject to\n  c: x + y <= 4")
    assert error.message == "expected an expression after '+', found the keyword 'subject'"
    assert (error.location.line, error.location.column) == (4, 1)


def test_missing_colon_after_objective_name():
    error = only_error("var x\nminimize f x")
    assert error.message == "expected ':' after 'f', found the name 'x'"
    assert (error.location.line, error.location.column) == (2, 12)


def test_constraint_outside_a_block_gets_a_hint():
    error = only_error("var x\nc1: x <= 3")
    assert "must follow 'subject to' or 'solve'" in error.message
    assert error.location.line == 2


def test_bad_character_and_unclosed_string():
    error = only_error("var x $ 3")
    assert error.message.startswith("unexpected character '$' after 'x'")
    error = only_error('data "abc\nvar x')
    assert "not closed" in error.message and error.location.column == 6


def test_relation_operator_expected_in_constraint():
    error = only_error("var x\nminimize f: x\nsubject to c: x + 1")
    assert error.message == "expected '<=', '=', '==' or '>=' after '1', found the end of the file"


def test_check_lists_every_syntax_error():
    text = ("set S = {a, b\nvar x[S] >= 0\nminimize f: sum(s in S) x[s] +\nsubject to\n"
            "  c1: x[a] <= 1\n  c2: x[b] <= * 2\n  c3: x[a] + x[b] >= 1\nvar y $ 3\nvar z +\n")
    errors = check_text(text, "m.opt")
    assert [(e.location.line, e.location.column) for e in errors] == [
        (2, 1), (4, 1), (6, 15), (8, 7), (9, 7)]
    assert all(isinstance(e, ParseError) for e in errors)


# ---- semantic errors -------------------------------------------------------------------------
def test_undefined_name_with_did_you_mean():
    error = only_error("var price >= 0\nminimize f: prise * 2")
    assert isinstance(error, ModelError)
    assert error.message == "undefined name 'prise' (did you mean 'price'?)"
    assert (error.location.line, error.location.column) == (2, 13)


def test_undefined_set_with_did_you_mean():
    error = only_error("set PRODUCTS = {a}\nvar x[PRODUCT] >= 0\nminimize f: 1 + x[a]")
    assert error.message == "undefined set 'PRODUCT' (did you mean 'PRODUCTS'?)"


def test_index_outside_its_set():
    error = only_error("set P = {chairs, tables}\nvar make[P] >= 0\nminimize f: make[chair]")
    assert error.message == ("index [chair] of 'make' is not in its index set P "
                             "(did you mean 'chairs'?)")
    assert error.location.column == 13


def test_param_table_missing_and_extra_keys():
    errors = check_text("set S = {a, b, c}\nparam p[S] = {a: 1}\nparam q[S] = {a: 1, b: 2, "
                        "c: 3, d: 4}\nvar x >= 0\nminimize f: x", "m.opt")
    assert [e.message for e in errors] == [
        "param 'p' has no value for [b], [c]; add them or give a 'default'",
        "param 'q' has key [d], which is not in its index set S",
    ]
    assert [e.location.line for e in errors] == [2, 3]


def test_csv_column_missing_and_file_missing(tmp_path):
    (tmp_path / "d.csv").write_text("name,cost\na,1\n")
    errors = check_text('set S from "d.csv" column name\nparam c[S] from "d.csv" column costs\n'
                        'param w[S] from "nothere.csv"\nvar x >= 0\nminimize f: x',
                        str(tmp_path / "m.opt"))
    assert errors[0].message == ("column 'costs' is not in d.csv (its columns are name, cost) "
                                 "(did you mean 'cost'?)")
    assert errors[1].message.startswith("data file 'nothere.csv' not found")
    assert len(errors) == 2


@pytest.mark.parametrize("csv_text, statement, start", [
    ("k,v\na,1\nb\n", 'param p[S] from "d.csv"', "data file 'd.csv', line 3 has 1 cells"),
    ("", 'param p[S] from "d.csv"', "data file 'd.csv' is empty"),
    ("k,v\na,1\nb,lots\n", 'param p[S] from "d.csv"', "d.csv, line 3: column 'v' holds 'lots'"),
    ("k,v\na,1\na,2\nb,3\n", 'param p[S] from "d.csv"', "d.csv gives param 'p' key [a] twice"),
    ("k,v\na,1\nc,2\nb,3\n", 'param p[S] from "d.csv"',
     "param 'p' has key [c], which is not in its index set S"),
    ("k,u,v\na,1,2\nb,3,4\n", 'param p[S] from "d.csv"', "d.csv has no column 'p'"),
])
def test_csv_data_errors(tmp_path, csv_text, statement, start):
    (tmp_path / "d.csv").write_text(csv_text)
    errors = check_text(f"set S = {{a, b}}\n{statement}\nvar x >= 0\nminimize f: x",
                        str(tmp_path / "m.opt"))
    assert len(errors) == 1 and errors[0].message.startswith(start), errors
    assert errors[0].location.line == 2


@pytest.mark.parametrize("text, start", [
    ("var a = 1\nfit y ~ a*t", "a 'fit' needs observations"),
    ('data "d.csv"\nvar a = 1\nfit y ~ a*y', "the fitted column 'y' also appears"),
    ('data "d.csv"\nvar a = 1\nfit y ~ a', "the fit formula uses no data column"),
    ('data "d.csv"\nvar a = 1\nfit y ~ a*t sigma dz', "sigma column 'dz' is not in d.csv"),
    ('data "d.csv"\nvar a = 1\nfit y ~ a*t sigma t', "sigma column 't' must be positive"),
    ('data "d.csv"\nvar a = 1\nfit w ~ a*t', "column 'w' is not in d.csv"),
    ('data "d.csv"\nvar t = 1\nfit y ~ t', "'t' is already defined"),
    ('data "d.csv"\nvar a = 1\nminimize f: a^2\nfit y ~ a*t', "a 'fit' statement cannot"),
])
def test_fit_errors(tmp_path, text, start):
    (tmp_path / "d.csv").write_text("t,y,dy\n0,1,0.1\n1,2,0.1\n")
    errors = check_text(text, str(tmp_path / "m.opt"))
    assert errors and errors[0].message.startswith(start), [e.message for e in errors]
    assert errors[0].location is not None


def test_solve_block_not_square():
    error = only_error("var x = 1, y = 1, z = 1\nsolve\n  a: x + y = 1\n  b: x - y^2 = 0")
    assert error.message.startswith("the 'solve' block is not square: 2 equation(s) for 3 "
                                    "unknown(s)")
    assert error.location.line == 2


def test_solve_block_holds_equations_only():
    error = only_error("var x = 1\nsolve\n  a: x^2 <= 1")
    assert "holds equations" in error.message


def test_duplicate_names_and_second_objective():
    errors = check_text("var x\nvar x\nminimize f: x^2\nminimize g: x^2", "m.opt")
    assert errors[0].message.startswith("'x' is already defined (line 1)")
    assert errors[1].message == "a model has one objective; this is a second one"


def test_misc_semantic_errors():
    cases = {
        "var x[1..3]\nminimize f: x": "variable 'x' is indexed over 1..3; write x[...]",
        "var x\nminimize f: x[1]": "variable 'x' is not indexed; write x alone",
        "var x\nminimize f: foo(x)": "unknown function 'foo'",
        "var x\nminimize f: 1/0 + x": "division by zero in '1/0'",
        "var x\nminimize f: x\nsubject to c: 1 <= 2": "'1 <= 2' has no variables",
        "var x\nminimize f: x\nsubject to c: 3 <= x <= 1": "the range [3, 1] is empty",
        "param p\nvar x\nminimize f: x": "param 'p' has no value",
        "set S = 1..2.5\nvar x\nminimize f: x": "a range bound must be a whole number",
        "var x >= y\nvar y\nminimize f: x": "undefined name 'y'",
        "var x\nvar y >= x\nminimize f: x": "'x' must be a number here",
        "var x": "the model has nothing to do",
        "options tol = 1, tol = 2\nvar x\nminimize f: x": "option 'tol' is given twice",
        "var x >= 0 >= 1\nminimize f: x": "variable 'x' has more than one 'lower' attribute",
        "set T = {(a, 1)}\nvar x[(p, q, r) in T]\nminimize f: 1": "cannot unpack (a,1) into (p, q, r)",
        "param p = 1\nvar x\nminimize f: p[1] + x": "param 'p' is not indexed",
        "set S = {a}\nparam p[S] = {a: 1}\nvar x\nminimize f: p + x": "param 'p' is indexed",
        "set S = {a}\nvar x\nminimize f: S + x": "'S' is a set",
        "param S = 1\nvar x[S]\nminimize f: x": "'S' is a param, not a set",
        "var x\nminimize f: exp(x, x)": "exp() takes 1 argument(s), got 2",
        "var x\nminimize f: max(x, 1)": "max() of variables is not smooth; model it with a new variable t",
        "var x\nminimize f: log(-1) + x": "log(-1) is not defined",
        "var x\nminimize f: (-8)^0.5 + x": "'(-8)^0.5' is not a real number",
        "param p = \"a\" \nvar x\nminimize f: x": "a quoted string",
        "var x\nminimize f: x\nsubject to c: x <= 1 >= 0": "a double-sided constraint needs",
        "var x\nminimize f: x\nsubject to c: 0 <= x <= x": "the outer sides of a double-sided",
        "var x\nsolve\n e: x = 1\nminimize f: x": "an objective cannot be combined",
        "var x\nminimize f: x\nsolve\n e: x = 1": "a 'solve' block cannot be combined",
        "var __x\nminimize f: __x": "names starting with '__' are reserved",
        "set I = 1..2\nvar x[I]\nminimize f: sum(i in I : x[i] == 1) x[i]":
            "a condition is on data (numbers and set members), but 'x[i]' depends on variables",
        "set I = 1..2\nset J = {a}\nparam p[I] = {1: 1, 2: 2}\nvar x\nminimize f: "
        "sum(i in I : i < a) x": "cannot compare 1 < 'a': expected numbers",
    }
    for text, start in cases.items():
        error = only_error(text)
        assert error.message.startswith(start), (text, error.message)
        assert error.location is not None, text


def test_check_reports_what_the_model_analysis_finds_at_the_component():
    error = only_error("var x integer >= 0 <= 3\nminimize f: (x - 1.4)^2")
    assert "integer" in error.message and "nonlinear" in error.message
    assert (error.location.line, error.location.column) == (1, 5)
    error = only_error("var x\nminimize cost: 5")
    assert error.message.startswith("objective 'cost' is constant")
    assert (error.location.line, error.location.column) == (2, 10)


def test_check_reports_every_error_without_cascades():
    text = ("set S = {a, b}\nset BAD = UNKNOWN\nparam p[S] = {a: 1}\nvar x[BAD] >= 0\n"
            "var y[S] >= 0\nminimize f: sum(s in S) y[s] + x[a] + zz\nsubject to\n"
            "  c1: y[c] <= 1\n  c2[i in BAD]: x[i] >= 0\n  c3: y[a] <= 2\n")
    errors = check_text(text, "m.opt")
    messages = [e.message for e in errors]
    assert messages[0] == "undefined set 'UNKNOWN'"
    assert messages[1].startswith("param 'p' has no value for [b]")
    assert messages[2] == "index [c] of 'y' is not in its index set S"
    # x, the objective (it uses x) and c2 depend on BAD: no cascade of follow-up errors
    assert len(errors) == 3
    assert all(e.location is not None for e in errors)


def test_read_raises_the_first_and_counts_the_rest(tmp_path):
    path = tmp_path / "m.opt"
    path.write_text("var x\nminimize f: a + b")
    with pytest.raises(ModelError, match=r"undefined name 'a'") as info:
        read(path)
    assert "run 'symopt check" not in str(info.value)   # only one error per statement
    assert len(check(path)) == 1


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    (error,) = check(tmp_path / "nothing.opt")
    assert "no such file" in str(error)


# ---- hostile input ---------------------------------------------------------------------------
HOSTILE = [
    "var x\nminimize f: __import__('os').system('echo pwned')",
    "var x\nminimize f: os.system(\"rm -rf /\")",
    "var x\nminimize f: `echo pwned`",
    "var __class__\nminimize f: __class__",
    "var x\nminimize f: eval(x)",
    "var x\nminimize f: exec(x) + globals(x)",
    "var x\nminimize f: x.__class__.__bases__",
    'data "/dev/null"\nvar x\nfit y ~ x',
    "var " + "a" * 20000 + "\nminimize f: " + "a" * 19999 + "b",
    "var x\nminimize f: " + "(" * 5000 + "x" + ")" * 4999,
    "var x\nminimize f: " + "-" * 5000 + "x +",
    "var x\nminimize f: " + " + ".join(["x"] * 3000) + " + lambda",
    "set S = {'a'}\nvar x\nminimize f: x",
    "param p = \"__import__('os')\"\nvar x\nminimize f: x + p",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_runs_no_code_and_fails_cleanly(text, tmp_path, monkeypatch, capfd):
    import os
    monkeypatch.setattr(os, "system", lambda *a: pytest.fail("os.system was called"))
    errors = check_text(text, "evil.opt", tmp_path)
    assert errors, "hostile input must not build a model"
    for error in errors:
        assert isinstance(error, SymoptError)
        assert error.location is not None and error.location.file == "evil.opt"
    assert "pwned" not in capfd.readouterr().out


@pytest.mark.parametrize("text", ["(" * 3000 + "x" + ")" * 3000, "-" * 3000 + "x",
                                  "x" + "^x" * 3000, "exp(" * 2000 + "x" + ")" * 2000])
def test_deep_nesting_builds_or_fails_cleanly(text):
    for error in check_text(f"var x = 1\nminimize f: {text}", "deep.opt"):
        assert isinstance(error, SymoptError) and error.location is not None


def test_long_identifier_is_fine_when_correct():
    name = "v" * 5000
    assert check_text(f"var {name} = 1\nminimize f: ({name} - 1)^2", "m.opt") == []


# ---- property-based: nothing but located SymoptErrors ---------------------------------------
ALPHABET = st.sampled_from(list("abxyzSIN019 .,:;+-*/^()[]{}<>=~#\"\n\t_$`\\") +
                           ["set ", "param ", "var ", "minimize ", "maximize ", "subject to ",
                            "solve ", "fit ", "data ", "options ", "sum(", " in ", "..",
                            "**", "<=", ">=", "==", "exp(", "binary", "integer", "default"])
SEEDS = [p.read_text() for p in sorted(EXAMPLES.glob("*.opt"))]


def assert_only_located_errors(text: str, folder: Path) -> None:
    for error in check_text(text, "fuzz.opt", folder):
        assert isinstance(error, SymoptError) and error.location is not None, repr(error)
    try:
        result = loads(text, "fuzz.opt", folder)
    except SymoptError as error:
        assert error.location is not None, repr(error)
        return
    for error in result.errors:
        assert isinstance(error, SymoptError)
        assert error.location is not None, repr(error)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_random_input_gives_only_located_symopt_errors(text):
    assert_only_located_errors(text, EXAMPLES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.integers(0, 10_000), st.integers(0, 12), ALPHABET)
def test_mutated_examples_give_only_located_symopt_errors(seed, position, cut, insert):
    k = position % (len(seed) + 1)
    text = seed[:k] + insert + seed[k + cut:]
    assert_only_located_errors(text, EXAMPLES)
