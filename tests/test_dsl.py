"""The .opt language: every construct parses and builds the model it should."""
from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from symopt.dsl import check_text, loads
from symopt.dsl.parser import _cache_file, grammar_text, parse
from symopt.model.expr import LinearExpr, Node, VarData


def build(text: str, folder: Path | None = None):
    result = loads(text, "t.opt", folder or Path.cwd())
    assert result.errors == [], [str(e) for e in result.errors]
    return result


def variables(result) -> dict:
    return {v.name: v for v in result.model.variables()}


def rows(result) -> dict:
    return {c.name: c for c in result.model.constraints()}


def objective(result):
    (obj,) = result.model.objectives()
    return obj.expr


def coefficients(expr) -> dict:
    assert isinstance(expr, (LinearExpr, VarData)), type(expr)
    if isinstance(expr, VarData):
        return {expr.name: 1.0}
    return {v.name: c for v, c in expr.terms.items()}


def value_of(expr, point: dict) -> float:
    from symopt.model.terms import evaluate
    for var, number in point.items():
        var.value = number
    return evaluate(expr)


# ---- the examples of the issue -----------------------------------------------------------
def test_production_lp_from_the_issue():
    result = build("""
        set PRODUCTS = {chairs, tables}
        param profit[PRODUCTS] = {chairs: 45, tables: 80}
        param wood[PRODUCTS]   = {chairs: 5,  tables: 20}
        var make[p in PRODUCTS] >= 0
        maximize total_profit: sum(p in PRODUCTS) profit[p] * make[p]
        subject to
          wood_limit: sum(p in PRODUCTS) wood[p] * make[p] <= 400
          labour:     10*make[chairs] + 15*make[tables] <= 450
    """)
    assert result.kind == "maximize"
    assert coefficients(objective(result)) == {"make[chairs]": 45, "make[tables]": 80}
    wood = rows(result)["wood_limit"]
    assert coefficients(wood.body) == {"make[chairs]": 5, "make[tables]": 20}
    assert wood.upper == 400 and wood.lower is None
    assert [v.lb for v in variables(result).values()] == [0, 0]
    assert result.model.profit["tables"] == 80 and list(result.model.PRODUCTS) == ["chairs",
                                                                                   "tables"]


def test_rosenbrock_start_values_and_power_operators():
    result = build("var x = -1.2  # a start value\nvar y = 1\n"
                   "minimize rosenbrock: (1 - x)^2 + 100*(y - x**2)**2")
    x, y = variables(result).values()
    assert (x.value, y.value, x.lb, x.ub) == (-1.2, 1.0, None, None)
    assert value_of(objective(result), {x: 2.0, y: 3.0}) == pytest.approx(1 + 100)


def test_square_system():
    result = build("var x = 1, y = 1\nsolve\n  circle: x^2 + y^2 = 4\n  curve: exp(x) + y = 1")
    assert result.kind == "solve"
    circle, curve = rows(result).values()
    x, y = variables(result).values()
    assert circle.lower == circle.upper
    assert value_of(curve.body, {x: 0.0, y: 2.0}) - curve.lower == pytest.approx(2.0)


def test_fit_reads_data_relative_to_the_model_file(tmp_path):
    (tmp_path / "decay.csv").write_text("t,y,dy\n0,3,0.1\n1,2,0.2\n2,1.5,0.1\n")
    text = ('data "decay.csv"\nvar A = 1, k = 0.5, c = 0\n'
            'fit y ~ A*exp(-k*t) + c sigma dy')
    result = loads(text, str(tmp_path / "decay.opt"))
    assert result.errors == []
    spec = result.fit
    assert spec.dependent == "y" and list(spec.independent) == ["t"]
    np.testing.assert_allclose(spec.observed, [3, 2, 1.5])
    np.testing.assert_allclose(spec.sigma, [0.1, 0.2, 0.1])
    assert [p.name for p in spec.parameters] == ["A", "k", "c"]
    assert [p.value for p in spec.parameters] == [1.0, 0.5, 0.0]


def test_fit_with_two_data_columns_and_bounded_parameters(tmp_path):
    (tmp_path / "xyz.csv").write_text("x,y,z,unused\n0,1,2,9\n1,0,3,9\n1,1,4,9\n2,1,5,9\n")
    text = 'data "xyz.csv"\nvar a = 1, b >= -10 <= 10 = 0, c = 0\nfit z ~ a*x + b*y + c'
    result = loads(text, str(tmp_path / "m.opt"))
    assert result.errors == []
    spec = result.fit
    assert list(spec.independent) == ["x", "y"] and spec.sigma is None
    assert spec.parameters[1].lb == -10


def test_quoted_elements_in_subscripts():
    result = build('set CITY = {"san-diego", "new york", boston}\n'
                   'param d[CITY] = {"san-diego": 1, "new york": 2, boston: 3}\n'
                   'var x[CITY] >= 0\nminimize f: d["new york"] * x["san-diego"] + x[boston]')
    assert coefficients(objective(result)) == {"x[san-diego]": 2, "x[boston]": 1}


# ---- sets ----------------------------------------------------------------------------------
def test_sets_literal_range_product_and_tuples():
    result = build("""
        param n = 3
        set A = {a, "b c", 7, -2}
        set I = 1..n
        set J = 2..(n + 1)
        set P = I * A
        set T = {(x, 1), (y, 2)}
        var z[P] >= 0
        var w[(s, k) in T] <= k
        minimize f: sum((i, a) in P : i == 1) z[i, a] + sum(t in T) w[t]
    """)
    sets = result.model
    assert list(sets.A) == ["a", "b c", 7, -2]
    assert list(sets.I) == [1, 2, 3] and list(sets.J) == [2, 3, 4]
    assert len(list(sets.P)) == 12 and list(sets.P)[0] == (1, "a")
    names = variables(result)
    assert names["w[y,2]"].ub == 2
    assert set(coefficients(objective(result))) == {
        "z[1,a]", "z[1,b c]", "z[1,7]", "z[1,-2]", "w[x,1]", "w[y,2]"}


def test_filtered_sets():
    result = build("""
        set I = 1..6
        set A = {a, b}
        set BIG = {i in I : i >= 4}
        set TWO = {i in I, s in A : i <= 2 and s == b}
        set NONE = {i in I : i > 10}
        var x[BIG] >= 0
        minimize f: sum(i in BIG) x[i] + sum(i in NONE) x[i]
    """)
    model = result.model
    assert list(model.BIG) == [4, 5, 6]
    assert list(model.TWO) == [(1, "b"), (2, "b")]
    assert list(model.NONE) == []


def test_set_and_params_from_csv(tmp_path):
    (tmp_path / "items.csv").write_text("item,cost,size\nhat,2.5,1\ncoat,10,3\n")
    (tmp_path / "pairs.csv").write_text("a,b,weight\nhat,1,4\ncoat,2,5\n")
    text = """
        set ITEMS from "items.csv" column item
        set K = 1..2
        param cost[ITEMS] from "items.csv"
        param volume[ITEMS] from "items.csv" column size
        param weight[ITEMS, K] from "pairs.csv" default 0
        var buy[ITEMS] >= 0
        minimize spend: sum(i in ITEMS) (cost[i] + volume[i] + sum(k in K) weight[i, k]) * buy[i]
    """
    result = loads(text, str(tmp_path / "m.opt"))
    assert result.errors == []
    assert coefficients(objective(result)) == {"buy[hat]": 2.5 + 1 + 4, "buy[coat]": 10 + 3 + 5}


# ---- params --------------------------------------------------------------------------------
def test_params_scalar_table_formula_and_default():
    result = build("""
        set S = 1..3
        param base = 2 ^ 3
        param table[S] = {1: 1.5, 3: -2} default 10
        param square[i in S] = i^2 + base
        param two[S, S] default 0
        var x[S]
        minimize f: sum(i in S) (table[i] + square[i] + two[i, i]) * x[i]
    """)
    assert coefficients(objective(result)) == {"x[1]": 1.5 + 9, "x[2]": 10 + 12, "x[3]": -2 + 17}


def test_indexed_param_with_tuple_keys():
    result = build("""
        set A = {u, v}
        set B = {1, 2}
        param c[A, B] = {(u, 1): 1, (u, 2): 2, (v, 1): 3, (v, 2): 4}
        var x[a in A, b in B] >= 0
        minimize f: sum(a in A, b in B) c[a, b] * x[a, b]
    """)
    assert coefficients(objective(result))["x[v,2]"] == 4


# ---- variables -----------------------------------------------------------------------------
def test_variable_attributes():
    result = build("""
        set S = 1..3
        param cap[S] = {1: 5, 2: 6, 3: 7}
        var a >= -1 <= 1 = 0.5
        var n integer >= 0 <= 9
        var b binary
        var y[i in S] >= i <= cap[i] = i + 0.5
        minimize f: a + n + b + sum(i in S) y[i]
    """)
    names = variables(result)
    assert (names["a"].lb, names["a"].ub, names["a"].value) == (-1, 1, 0.5)
    assert names["n"].is_integer and (names["n"].lb, names["n"].ub) == (0, 9)
    assert names["b"].is_integer and (names["b"].lb, names["b"].ub) == (0, 1)
    assert [(names[f"y[{i}]"].lb, names[f"y[{i}]"].ub, names[f"y[{i}]"].value)
            for i in (1, 2, 3)] == [(1, 5, 1.5), (2, 6, 2.5), (3, 7, 3.5)]


# ---- constraints ---------------------------------------------------------------------------
def test_indexed_ranged_and_conditional_constraints():
    result = build("""
        set I = 1..4
        var x[I] >= 0
        minimize f: sum(i in I) x[i]
        subject to
          low[i in I : i != 2]: x[i] >= i
          band: 1 <= x[1] + x[2] <= 5
          down: 5 >= x[3] >= -1
          link[i in I : i < 4]: x[i] - x[i + 1] = 0
          pair: sum(i in I, j in I : j > i and (i == 1 or j == 4)) x[j] <= 100
    """)
    named = rows(result)
    assert sorted(n for n in named if n.startswith("low")) == ["low[1]", "low[3]", "low[4]"]
    assert (named["band"].lower, named["band"].upper) == (1, 5)
    assert (named["down"].lower, named["down"].upper) == (-1, 5)
    assert named["link[2]"].lower == named["link[2]"].upper == 0
    assert coefficients(named["pair"].body) == {"x[2]": 1, "x[3]": 1, "x[4]": 3}


def test_constraints_without_objective_are_a_feasibility_problem():
    result = build("var x >= 0\nsubject to\n  a: x >= 2")
    assert result.kind == "feasibility" and result.model.objectives() == []


def test_expression_precedence_and_functions():
    result = build("""
        var x = 1
        minimize f: -x^2 + 2^-1 * x + exp(0) + log(x) + sqrt(4) * sin(x) / cos(x) + abs(-3) + 10 - 4 - 3
    """)
    (x,) = variables(result).values()
    expected = -4 + 0.5 * 2 + 1 + math.log(2) + 2 * math.tan(2) + 3 + 3
    assert value_of(objective(result), {x: 2.0}) == pytest.approx(expected)


def test_sum_nesting_and_empty_sum():
    result = build("""
        set I = 1..3
        var x[I]
        minimize f: sum(i in I) sum(j in 1..i) x[j] + sum(i in I : i > 5) x[i]
    """)
    assert coefficients(objective(result)) == {"x[1]": 3, "x[2]": 2, "x[3]": 1}


def test_options_line():
    result = build("options solver = native, method = interior-point, tol = 1e-9, "
                   "maxiter = 50, time_limit = 2, label = \"a b\", shift = -1.5\n"
                   "var x >= 1\nminimize f: x")
    assert result.solve_arguments == {
        "solver": "native", "method": "interior-point", "time_limit": 2,
        "options": {"tol": 1e-9, "maxiter": 50, "label": "a b", "shift": -1.5}}


@pytest.mark.parametrize("name", ["lambda", "E", "I", "N", "S", "beta", "gamma", "pi", "Symbol",
                                  "fit", "sigma", "data", "column", "default", "integer",
                                  "name", "solve", "report", "variables", "components"])
def test_names_that_collide_with_python_or_sympy_still_work(name):
    result = build(f"var {name} = 3\nminimize cost: ({name} - 2)^2")
    (var,) = variables(result).values()
    assert var.name == name
    assert value_of(objective(result), {var: 5.0}) == 9.0


def test_sympy_names_as_set_elements_and_index_names():
    result = build("set S = {E, I, lambda}\nparam w[S] = {E: 1, I: 2, lambda: 3}\n"
                   "var N[beta in S] >= 0\nminimize f: sum(beta in S) w[beta] * N[beta]")
    assert coefficients(objective(result)) == {"N[E]": 1, "N[I]": 2, "N[lambda]": 3}


def test_very_long_sums_are_not_limited_by_recursion():
    terms = " + ".join(f"{k}*x{k}" for k in range(1, 4001)) + " - 7"
    declarations = "\n".join(f"var x{k} >= 0" for k in range(1, 4001))
    result = build(f"{declarations}\nminimize f: {terms}")
    expr = objective(result)
    assert len(expr.terms) == 4000 and expr.constant == -7
    assert coefficients(expr)["x4000"] == 4000


def test_comments_and_free_layout():
    result = build("# heading\nvar x # trailing\n  >= 1   # bounds may follow on the next line\n"
                   "minimize\n  f\n  :\n  x\n  + 1 # end")
    assert variables(result)["x"].lb == 1


# ---- the parser itself ---------------------------------------------------------------------
def test_grammar_is_package_data():
    assert "start:" in grammar_text()


def test_grammar_is_found_in_the_wheel_layout(tmp_path):
    """A wheel holds grammar/opt.lark as symopt/grammar/opt.lark (pyproject's package-dir)."""
    import shutil
    root = Path(__file__).resolve().parents[1]
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(root / "symopt", tmp_path / "site" / "symopt", ignore=ignore)
    shutil.copytree(root / "grammar", tmp_path / "site" / "symopt" / "grammar", ignore=ignore)
    code = ("import symopt.dsl.parser as p; assert p.__file__.startswith(%r); "
            "print(p.parse('var x').children[0].data)" % str(tmp_path))
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"), PYTHONNOUSERSITE="1",
               SYMOPT_CACHE_DIR=str(tmp_path / "cache"))
    run = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.stdout.strip() == "var_stmt", run.stderr


def test_parser_cache_file_is_written_and_reused(tmp_path):
    env = dict(os.environ, SYMOPT_CACHE_DIR=str(tmp_path / "cache"))
    code = "from symopt.dsl.parser import parse; parse('var x')"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert len(list((tmp_path / "cache").glob("*.lark-cache"))) == 1


def test_unwritable_cache_directory_falls_back(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SYMOPT_CACHE_DIR", str(blocker / "sub"))
    assert _cache_file("grammar") is None


def test_check_text_of_a_good_model_is_empty():
    assert check_text("var x >= 0\nminimize f: x") == []


# ---- export --to opt round trip ------------------------------------------------------------
def test_writer_round_trip():
    from symopt.io import format_opt
    from symopt.optimize.linear_program import LinearProgram
    lp = LinearProgram.from_arrays(
        c=[1.5, -2, 0], A=[[1, 1, 0], [0, 2, 3], [1, 0, -1]], row_lower=[-np.inf, 2, 1],
        row_upper=[4, 2, 6], col_lower=[0, -np.inf, 1], col_upper=[np.inf, 3, 1],
        col_names=("x[1]", "set", "2y"), row_names=("cap", "eq", "range"), sense="max",
        integrality=np.array([0, 0, 1]))
    text = format_opt(lp)
    assert "var set_ <= 3" in text and "var v_2y >= 1 <= 1 integer" in text
    result = build(text)
    named = rows(result)
    assert coefficients(named["eq"].body) == {"set_": 2, "v_2y": 3}
    assert (named["range"].lower, named["range"].upper) == (1, 6)
    assert result.kind == "maximize"
    assert coefficients(objective(result)) == {"x[1]": 1.5, "set_": -2}
    assert parse(text, "x.opt")


def test_writer_restores_indexed_variables():
    from symopt.compile.linear import extract_linear
    from symopt.io import format_opt
    original = build("set P = {a, b}\nset K = 1..7\nvar x[P, K] >= 0 <= 5\nvar y[K] >= 1\n"
                     'var z[{("odd name", set)}] >= 0\n'
                     "minimize f: sum(p in P, k in K) k * x[p, k] + sum(k in K) y[k] + "
                     'z["odd name", set]\nsubject to\n  c[k in K]: x[a, k] + y[k] >= k')
    text = format_opt(extract_linear(original.model))
    assert "var x[{(a, 1), (a, 2)" in text and "var y[{1, 2, 3, 4, 5, 6,\n      7}] >= 1" in text
    assert 'var z[{("odd name", "set")}] >= 0' in text
    again = build(text)
    assert sorted(variables(again)) == sorted(variables(original))
    assert coefficients(objective(again)) == coefficients(objective(original))


def test_every_model_snippet_of_the_language_guide_parses():
    guide = Path(__file__).resolve().parents[1] / "docs" / "language.md"
    blocks, current = [], None
    for line in guide.read_text().splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current = [line[3:].strip()]
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    snippets = ["".join(block[1:]) for block in blocks if not block[0]]
    assert len(snippets) >= 7
    for snippet in snippets:
        parse(snippet, "guide.opt")


def test_the_opt_writer_knows_every_keyword_of_the_grammar():
    """Exported names equal to a keyword get a '_': the writer's list matches the grammar."""
    from symopt.dsl.parser import literal_terminals
    from symopt.io.opt_format import KEYWORDS
    words = {word for word in literal_terminals().values() if word.isidentifier()}
    assert words == set(KEYWORDS)
