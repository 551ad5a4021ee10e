"""The `.opt` language constructs: patterns, ordered sets, set algebra, if-then-else, prod,
iterated max/min, named expressions, checks, data files, --param and CSV readers."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import symopt
from symopt.dsl import check_text, loads, read
from symopt.errors import InputError, ModelError, ParseError, SymoptError

NETWORK = """
set NODES = {s, a, b, t}
set LINKS within NODES cross NODES = {(s, a), (s, b), (a, t), (b, t)}
param cap[NODES] = {s: 0, a: 60, b: 43, t: 1000}
var Ship[LINKS] >= 0
maximize flow: sum((i, k) in LINKS : k = last(NODES)) Ship[i, k]
subject to
  Inflow[k in NODES]: sum((i, k) in LINKS) Ship[i, k] <= cap[k]
  Balance[k in NODES : k != first(NODES) and k != last(NODES)]:
      sum((i, k) in LINKS) Ship[i, k] = sum((k, j) in LINKS) Ship[k, j]
"""


def built(text: str, folder: Path | None = None, **kwargs):
    result = loads(text, str((folder or Path.cwd()) / "m.opt"), **kwargs)
    assert result.errors == [], [str(e) for e in result.errors]
    return result


def only_error(text: str, folder: Path | None = None, **kwargs) -> SymoptError:
    errors = check_text(text, str((folder or Path.cwd()) / "m.opt"), **kwargs)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def objective(text: str, **kwargs) -> float:
    solution = symopt.solve(built(text, **kwargs).model)
    assert solution.status == "optimal", solution.status
    return solution.objective


# ---- the bound-index idiom: a pattern name already bound filters --------------------------------
def test_bound_index_in_a_pattern_filters_as_in_ampl():
    assert objective(NETWORK) == pytest.approx(103.0)


def test_pattern_filter_rows_hold_only_their_own_arcs():
    model = built(NETWORK).model
    rows = {key: str(model.Inflow[key].body) for key in ("a", "t")}
    assert "Ship[s,a]" in rows["a"] and "Ship[b,t]" not in rows["a"]
    assert "Ship[a,t]" in rows["t"] and "Ship[b,t]" in rows["t"]


def test_rebinding_a_bound_index_is_a_located_error():
    error = only_error("set N = 1..3\nvar x[N]\nsubject to\n c[k in N]: sum(k in N) x[k] <= 1")
    assert error.location.line == 4 and error.location.column == 17
    assert error.message.startswith("index 'k' is already bound here; use another name")


def test_literal_values_in_a_pattern_filter():
    result = built('set A = {(1, a), (2, a), (2, b)}\nset B = {(i, "b") in A}\n'
                   "var x\nminimize f: x^2")
    assert list(result.model.B) == [(2, "b")]


# ---- CSV readers -------------------------------------------------------------------------------
def test_two_column_csv_set_needs_its_columns_named(tmp_path):
    (tmp_path / "arcs.csv").write_text("from,to\ns,a\na,t\n")
    error = only_error('set L from "arcs.csv"\nvar x\nminimize f: x^2', tmp_path)
    assert error.location.line == 1
    assert "arcs.csv has 2 columns (from, to); say which make the set's members" in error.message


@pytest.mark.parametrize("declaration", [
    'set L from "arcs.csv" columns (from, to)',
    'set L dimen 2 from "arcs.csv"',
    'set L within N cross N from "arcs.csv"',
])
def test_csv_set_of_pairs(tmp_path, declaration):
    (tmp_path / "arcs.csv").write_text("from,to,cost\ns,a,1\na,t,2\n")
    result = built("set N = {s, a, t}\n" + declaration + "\nvar x\nminimize f: x^2", tmp_path)
    assert list(result.model.L) == [("s", "a"), ("a", "t")]


def test_within_is_checked_on_data(tmp_path):
    (tmp_path / "arcs.csv").write_text("from,to\ns,a\na,z\n")
    error = only_error('set N = {s, a}\nset L within N cross N from "arcs.csv"\n'
                       "var x\nminimize f: x^2", tmp_path)
    assert error.location.line == 2
    assert error.message == ("set 'L' has member(s) outside N cross N: (a,z) (it is declared "
                             "'within N cross N')")


def test_wide_table_reads_a_two_dimensional_param(tmp_path):
    (tmp_path / "sell.csv").write_text("month,bands,coils\njan,6000,4000\nfeb,6000,2500\n")
    result = built('set M = {jan, feb}\nset P = {bands, coils}\n'
                   'param market[M, P] from "sell.csv" wide\nvar x\nminimize f: x^2', tmp_path)
    assert result.model.market[("feb", "coils")] == 2500


def test_wide_table_needs_two_index_sets(tmp_path):
    (tmp_path / "w.csv").write_text("k,a\n1,2\n")
    error = only_error('set K = {1}\nparam p[K] from "w.csv" wide\nvar x\nminimize f: x^2',
                       tmp_path)
    assert error.message.startswith("'wide' reads a param over two sets")


# ---- keywords are whole words ---------------------------------------------------------------------
@pytest.mark.parametrize("text, hint", [
    ("setS = 1..3", "'setS' is one name, write 'set S'"),
    ("set S = 1..3\nvarx[S]", "'varx' is one name, write 'var x'"),
    ("set S = 1..3\nvar x[S]\nminimize f: sum(i inS) x[i]", "'inS' is one name, write 'in S'"),
])
def test_keyword_glued_to_a_name_is_an_error(text, hint):
    error = only_error(text)
    assert isinstance(error, ParseError)
    assert hint in error.message


def test_names_that_start_with_keywords_are_names():
    result = built("param settle = 2\nvar index, variance\nminimize f: (index - settle)^2 + "
                   "variance^2")
    assert result.model.settle.value == 2


# ---- if-then-else -------------------------------------------------------------------------------
def test_if_then_else_in_params_sets_and_variable_terms():
    result = built("""
        param a = 1
        param b = 2
        param tmin = if b > a then 0.25 else 0.75
        set S = if a = 1 then {u, v} else {w}
        set M = {jan, feb, mar}
        var store[M]
        minimize f: sum(m in M) (store[m] - (if m = first(M) then 500 else 2 * tmin))^2
    """)
    assert result.model.tmin.value == 0.25 and list(result.model.S) == ["u", "v"]
    solution = symopt.solve(result.model)
    assert [round(v.value, 6) for v in solution.variables] == [500, 0.5, 0.5]


def test_if_on_a_variable_points_to_a_reformulation():
    error = only_error("var x\nminimize f: if x > 1 then x else 2*x")
    assert error.location.line == 2 and error.location.column == 16
    assert "depends on variables; a choice that depends on variables needs a reformulation" \
        in error.message


# ---- ordered sets ---------------------------------------------------------------------------------
def test_ordered_set_functions():
    result = built("""
        set M = {jan, feb, mar, apr}
        param o[m in M] = ord(m)
        param c = card(M)
        param back[m in M : m != first(M)] = ord(prev(m), M)
        param ahead[m in M] = ord(nextw(m), M)
        param two[m in M : ord(m) > 2] = ord(prev(m, M, 2), M)
        check ends: first(M) = jan and last(M) = apr
        var x
        minimize f: x^2
    """)
    model = result.model
    assert [model.o[m] for m in model.M] == [1, 2, 3, 4] and model.c.value == 4
    assert [model.back[m] for m in ("feb", "mar", "apr")] == [1, 2, 3]
    assert [model.ahead[m] for m in model.M] == [2, 3, 4, 1]
    assert model.two["apr"] == 2


def test_prev_of_the_first_member_is_an_error_unless_guarded():
    error = only_error("set M = {jan, feb}\nvar s[M] >= 0\nminimize f: sum(m in M) s[prev(m)]")
    assert error.location.line == 3
    assert error.message.startswith("prev(jan) steps past the first member of its set; guard "
                                    "it with 'if m = first(SET) then ... else ...'")
    assert "or use prevw() to wrap around" in error.message


def test_prev_of_an_expression_needs_its_set():
    error = only_error("set M = {1, 2}\nparam p = prev(2)\nvar x\nminimize f: x^2")
    assert error.message.startswith("prev(2) needs the set: write prev(2, SET)")


def test_multi_period_stock_balance_with_prev():
    """Stock carried between periods; the first period starts from a given stock."""
    text = """
        set T = {w1, w2, w3}
        param demand[T] = {w1: 10, w2: 30, w3: 20}
        param start = 5
        var make[T] >= 0 <= 20, store[T] >= 0
        minimize cost: sum(t in T) (2 * make[t] + 0.5 * store[t])
        subject to
          balance[t in T]: (if t = first(T) then start else store[prev(t)]) + make[t]
                           = demand[t] + store[t]
    """
    # w1 needs 5 more; w2 needs 30 with 20 producible: carry 10 from w1; w3 makes 20.
    assert objective(text) == pytest.approx(2 * (15 + 20 + 20) + 0.5 * 10)


# ---- set algebra and indexed sets --------------------------------------------------------------------
def test_set_algebra_keeps_order():
    model = built("""
        set A = {a, b, c}
        set B = {c, d}
        set U = A union B
        set D = A diff B
        set I = A inter B
        set P = D cross {1, 2}
        set Q = A union B diff {a} inter {d, b}
        var x
        minimize f: x^2
    """).model
    assert list(model.U) == ["a", "b", "c", "d"] and list(model.D) == ["a", "b"]
    assert list(model.I) == ["c"] and list(model.P)[:2] == [("a", 1), ("a", 2)]
    assert list(model.Q) == ["a", "b", "c", "d"]      # inter binds tighter: {a} inter {d, b} = {}


def test_union_of_sets_of_different_dimension_is_an_error():
    error = only_error("set A = {a}\nset B = {(a, 1)}\nset C = A union B\nvar x\nminimize f: x^2")
    assert error.location.line == 3
    assert error.message.startswith("'union' needs sets of the same dimension")


def test_indexed_set_of_arcs_into_each_node():
    model = built(NETWORK + "\nset IN[k in NODES] = {(i, k) in LINKS}\n"
                  "param into[k in NODES] = card(IN[k])\n").model
    assert [model.into[k] for k in ("s", "a", "b", "t")] == [0, 1, 1, 2]


def test_indexed_set_used_without_index_is_an_error():
    error = only_error("set N = {a}\nset IN[k in N] = {k}\nparam p = card(IN)\nvar x\n"
                       "minimize f: x^2")
    assert error.message == "set 'IN' is indexed over N; write IN[...]"


# ---- prod, max, min ---------------------------------------------------------------------------------
def test_prod_and_iterated_max_min():
    model = built("""
        set S = 1..4
        param cap[i in S] = 2 * i
        param p = prod(i in S) cap[i]
        param hi = max(i in S) cap[i]
        param lo = min(i in S : i > 1) cap[i]
        param both = max(hi, lo) + min(1, 2)
        var x[S]
        minimize f: prod(i in S : i <= 2) (x[i] - 1)^2 + sum(i in S) x[i]^2
    """).model
    assert (model.p.value, model.hi.value, model.lo.value, model.both.value) == (384, 8, 4, 9)


def test_max_over_variables_says_how_to_model_it():
    error = only_error("set S = 1..2\nvar x[S]\nminimize f: max(i in S) x[i]")
    assert error.message.startswith("max(...) of variables is not smooth; model it with a new "
                                    "variable t and one constraint t >= term per member")


# ---- named expressions ------------------------------------------------------------------------------
def test_named_expressions_are_substituted():
    result = built("""
        set S = {a, b, c}
        var x[S] >= 0.01 = 1
        expr xbar = sum(j in S) x[j]
        expr share[j in S] = x[j] / xbar
        minimize f: sum(j in S) x[j] * log(share[j]) + (xbar - 3)^2
    """)
    model = result.model
    solution = symopt.solve(model)
    assert solution.status == "optimal"
    assert len(solution.variables) == 3          # no variable was added for xbar or share
    # equal shares minimise the entropy term: f = -xbar log 3 + (xbar - 3)^2
    assert sum(v.value for v in solution.variables) == pytest.approx(3 + math.log(3) / 2,
                                                                     rel=1e-6)
    assert model.xbar.kind == "expression" and model.share.is_indexed


def test_indexed_expression_without_index_is_an_error():
    error = only_error("set S = 1..2\nvar x[S]\nexpr e[i in S] = 2 * x[i]\nminimize f: e")
    assert error.message == "expression 'e' is indexed over S; write e[...]"


# ---- checks ---------------------------------------------------------------------------------------------
def test_check_passes_and_fails_with_values_and_location():
    text = """set P = {bands, coils}
set O = {gary, pitt}
param supply[O, P] = {(gary, bands): 400, (gary, coils): 800, (pitt, bands): 700,
                      (pitt, coils): 1600}
param demand[P] = {bands: 1100, coils: 2300}
check balance[p in P]: sum(i in O) supply[i, p] = demand[p]
var x
minimize f: x^2
"""
    error = only_error(text)
    assert (error.location.line, error.location.column) == (6, 1)
    assert error.message == ("check 'balance' fails for [p=coils]: 'sum(i in O) supply[i, p] = "
                             "demand[p]' is 2400 = 2300")
    built(text.replace("coils: 2300", "coils: 2400"))


# ---- data files and --param -------------------------------------------------------------------------
MODEL = """set NODES
param cap[NODES] default 0
param scale = 1
var x[NODES] >= 0
maximize f: sum(k in NODES) x[k]
subject to
  c[k in NODES]: x[k] <= scale * cap[k]
"""


def test_data_file_gives_sets_and_params(tmp_path):
    (tmp_path / "case1.dat").write_text("set NODES = {a, b}\nparam cap = {a: 2, b: 3}\n")
    (tmp_path / "case2.dat").write_text("set NODES = {a}\nparam cap = {a: 7}\n")
    assert objective(MODEL, data=tmp_path / "case1.dat") == pytest.approx(5)
    assert objective(MODEL, data=tmp_path / "case2.dat") == pytest.approx(7)
    assert objective(MODEL, data=tmp_path / "case2.dat", params={"scale": 2}) == 14
    assert objective(MODEL, data=tmp_path / "case1.dat", params=["cap[b]=10"]) == 12


def test_data_file_errors_are_located_in_the_data_file(tmp_path):
    (tmp_path / "bad.dat").write_text("set NODES = {a, b}\nparam cap = {a: 2, c: 3}\n"
                                      "param capp = 3\n")
    errors = check_text(MODEL, str(tmp_path / "m.opt"), data=tmp_path / "bad.dat")
    assert [(Path(e.location.file).name, e.location.line) for e in errors] == [
        ("bad.dat", 2), ("bad.dat", 3)]
    assert "param 'cap' has key [c], which is not in its index set NODES" in errors[0].message
    assert errors[1].message == ("the data file gives param 'capp', which the model does not "
                                 "declare (did you mean 'cap'?)")


def test_declared_set_without_data_is_an_error():
    error = only_error(MODEL)
    assert error.location.line == 1
    assert error.message.startswith("set 'NODES' has no members: give '= ...'")


def test_param_option_errors():
    text = "set S = {a}\nparam p[S] = {a: 1}\nparam q = 2\nvar x\nminimize f: x^2"
    assert "write --param p[INDEX]=VALUE" in only_error(text, params=["p=3"]).message
    assert only_error(text, params=["p[b]=3"]).message.startswith("[b] is not in the index set")
    error = only_error(text, params=["qq=3"])
    assert str(error.location) == "--param:1:1"
    assert error.message == "the model has no param 'qq' (did you mean 'q'?)"
    with pytest.raises(InputError, match="expected NAME=VALUE"):
        loads(text, params=["q"])


def test_derived_params_see_param_overrides():
    model = built("param a = 1\nparam b = 2 * a\nvar x\nminimize f: (x - b)^2",
                  params={"a": 5}).model
    assert model.b.value == 10


def test_data_file_with_other_statements_is_an_error(tmp_path):
    (tmp_path / "d.dat").write_text("var y\n")
    with pytest.raises(ModelError, match="a data file gives values to sets and params only"):
        read_path = tmp_path / "m.opt"
        read_path.write_text(MODEL)
        read(read_path, data=tmp_path / "d.dat")


def test_syntax_error_in_a_data_file_is_reported_there(tmp_path):
    (tmp_path / "d.dat").write_text("set NODES = {a, b\n")
    errors = check_text(MODEL, str(tmp_path / "m.opt"), data=tmp_path / "d.dat")
    assert len(errors) == 1 and Path(errors[0].location.file).name == "d.dat"


def test_command_line_data_and_param(tmp_path, capsys):
    from symopt.cli import main
    (tmp_path / "m.opt").write_text(MODEL)
    (tmp_path / "case.dat").write_text("set NODES = {a, b}\nparam cap = {a: 2, b: 3}\n")
    model, data = str(tmp_path / "m.opt"), str(tmp_path / "case.dat")
    assert main(["solve", model, "--data", data, "--param", "scale=2", "--json"]) == 0
    assert '"objective": 10' in capsys.readouterr().out.replace(".0", "")
    assert main(["check", model, "--data", data, "--param", "cap[z]=1"]) == 3
    assert "--param:1:1: [z] is not in the index set NODES" in capsys.readouterr().err
    assert main(["check", model]) == 3
    assert main(["export", model, "--to", "lp", "--data", data, "--param", "cap[a]=9"]) == 0
    assert "c(a): + 1 x(a) <= 9" in capsys.readouterr().out
    assert main(["report", model, "--data", data, "--param", "scale=3", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == pytest.approx(15)


# ---- the vectorized generator agrees with the element-wise builder on every construct ----------
AGREEMENT = [
    NETWORK,
    NETWORK + "\nset IN[k in NODES] = {(i, k) in LINKS}\nsubject to\n"
              "  into[k in NODES]: sum(a in IN[k]) Ship[a] <= 2 * cap[k]\n",
    """set M = {jan, feb, mar}
       set P = {u, v}
       set Q = P union {w} diff {u}
       param d[m in M, p in P] = if m = first(M) then 5 else ord(m) * 2 + max(1, card(P))
       param top = max(m in M) d[m, u] + prod(p in P) 2 + min(m in M : m != jan) d[m, v]
       var make[M, P] >= 0, keep[M, P] >= 0
       expr stock[m in M, p in P] = (if m = first(M) then 1 else keep[prev(m), p])
       minimize cost: sum(m in M, p in P) (make[m, p] + 0.5 * keep[m, p]) + 0 * top
       subject to
         flow[m in M, p in P]: stock[m, p] + make[m, p] = d[m, p] + keep[m, p]
         limit[m in M]: sum(p in Q : p in P) make[m, p] <= top
         empty[m in M]: sum(p in P : ord(m) > 1 and p = u) make[m, p] <= 100
    """,
]


@pytest.mark.parametrize("text", AGREEMENT, ids=["pattern", "indexed-set", "ordered-if-expr"])
def test_vectorized_and_element_wise_paths_agree(text):
    from symopt.compile.linear import extract_linear
    from symopt.dsl.vectorize import loads_arrays
    reference = extract_linear(built(text).model)
    arrays = loads_arrays(text)
    assert arrays is not None
    lp = arrays.lp
    assert list(lp.col_names) == list(reference.col_names)
    assert list(lp.row_names) == list(reference.row_names)
    assert (lp.A.toarray() == reference.A.toarray()).all()
    for side in ("c", "row_lower", "row_upper", "col_lower", "col_upper"):
        assert list(getattr(lp, side)) == pytest.approx(list(getattr(reference, side)))
    assert "empty[jan]" not in list(lp.row_names)        # a member without variables is dropped


# ---- every misuse is a located error -------------------------------------------------------------
BASE = "set M = {jan, feb}\nset E = {}\nparam p = 2\nvar x\n"


@pytest.mark.parametrize("line, message", [
    ("param q = card(p)", "'p' is a param, not a set"),
    ("param q = card(p + 1)", "expected the name of a set here, found 'p + 1'"),
    ("param q = ord(mar, M)", "ord(): mar is not a member of M"),
    ("param q = first(E)", "first(E): the set is empty"),
    ("param q = ord(jan, M, 3)", "ord() takes ord(i) or ord(i, S), got 3 argument(s)"),
    ("param q = prev(feb, M, -1)", "prev(): the number of steps must be a whole number >= 0"),
    ("param q = nope(M)", "unknown function 'nope'"),
    ("set B within M = {jan, dec}", "set 'B' has member(s) outside M: dec"),
    ("set B dimen 2 = {jan}", "set 'B' is declared 'dimen 2' but has members of another size"),
    ("set B = M inter {(jan, 1)}", "'inter' needs sets of the same dimension"),
    ("set B = M[jan]", "set 'M' is not indexed; write M alone"),
    ("set B = Z[jan]", "undefined indexed set 'Z'"),
    ("param q = M", "'M' is a set; it cannot be used as a number (card(M) is its size)"),
    ("param q = x[1]", "variable 'x' is not indexed"),
    ("check: x >= 0", "a condition is on data (numbers and set members), but 'x' depends"),
    ("check positive: p < 0", "check 'positive' fails: 'p < 0' is 2 < 0"),
    ("expr e = x + 1\nexpr e = x", "'e' is already defined (line 5)"),
    ("param q = prod(m in M) x", "'prod(m in M) x' must be a number here"),
    ("param q = min(m in E) p", "min(...) over an empty set has no value"),
    ("param q = if x > 0 then 1 else 0", "depends on variables; a choice that depends on"),
])
def test_misuse_is_a_located_error(line, message):
    error = only_error(BASE + line + "\nminimize f: x^2")
    assert error.location is not None and error.location.line >= 5
    assert message in error.message, error.message


def test_csv_columns_that_do_not_exist(tmp_path):
    (tmp_path / "arcs.csv").write_text("from,to\ns,a\n")
    error = only_error('set L from "arcs.csv" columns (from, too)\nvar x\nminimize f: x^2',
                       tmp_path)
    assert error.location.line == 1 and "column 'too' is not in arcs.csv" in error.message
    error = only_error('set L dimen 3 from "arcs.csv"\nvar x\nminimize f: x^2', tmp_path)
    assert error.message == "the set has members of 3 parts but arcs.csv has only 2 column(s)"


def test_data_file_must_not_repeat_the_index_set(tmp_path):
    (tmp_path / "d.dat").write_text("set NODES = {a}\nparam cap[NODES] = {a: 1}\n")
    error = only_error(MODEL, tmp_path, data=tmp_path / "d.dat")
    assert (Path(error.location.file).name, error.location.line) == ("d.dat", 2)
    assert error.message.startswith("in a data file, give 'cap' its value only")
