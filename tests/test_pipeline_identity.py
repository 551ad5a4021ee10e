"""Results map back by object, never by parsing names: set members with commas and spaces.

One convention on every path: a result's ``index`` is the tuple of set members exactly as
declared (``Set(["1", "a,b"])`` gives ``('1',)`` and ``('a,b',)``, strings stay strings), and
names are display text that each file writer escapes into its own alphabet.
"""
from __future__ import annotations

import pytest

from symopt import Constraint, Model, Objective, Set, Var, maximize, minimize, solve
from symopt.cli import main
from symopt.compile.linear import extract_linear
from symopt.io import format_lp, format_mps, parse_lp, parse_mps

MEMBERS = ["1", "a,b", "new york"]
DEMAND = {"1": 1.0, "a,b": 2.0, "new york": 3.0}


def awkward_model(nonlinear: bool) -> Model:
    """min sum x[i] (or sum x[i]^2) with x[i] >= demand[i]: the optimum is x = demand."""
    m = Model("awkward")
    m.I = Set(initialize=MEMBERS)
    m.x = Var(m.I, bounds=(0, 10))
    power = 2 if nonlinear else 1
    m.cost = Objective(expr=sum(m.x[i] ** power for i in m.I), sense=minimize)
    m.need = Constraint(m.I, rule=lambda m, i: m.x[i] >= DEMAND[i])
    return m


@pytest.mark.parametrize("nonlinear", [False, True], ids=["LP", "NLP"])
def test_every_path_reports_the_declared_members_and_writes_back_by_object(nonlinear):
    m = awkward_model(nonlinear)
    s = solve(m)
    assert s.status == "optimal" and s.problem_class == ("constrained NLP" if nonlinear else "LP")
    assert [(v.component, v.index) for v in s.variables] == [("x", (i,)) for i in MEMBERS]
    assert [(c.component, c.index) for c in s.constraints] == [("need", (i,)) for i in MEMBERS]
    for i in MEMBERS:
        assert m.x[i].value == pytest.approx(DEMAND[i], abs=1e-6)
        assert m.need[i].dual == pytest.approx(2 * DEMAND[i] if nonlinear else 1.0, abs=1e-5)


def test_two_members_whose_names_print_alike_stay_apart():
    """``x[a,b]`` is the display name of both x['a', 'b'] and x['a,b']: values still map right."""
    m = Model("alike")
    m.x = Var([("a", "b")], bounds=(0, 5))
    m.y = Var(["a,b"], bounds=(0, 5))
    m.obj = Objective(expr=m.x["a", "b"] + 2 * m.y["a,b"], sense=maximize)
    m.cap = Constraint(expr=m.x["a", "b"] + m.y["a,b"] <= 7)
    s = solve(m)
    assert s.objective == pytest.approx(12.0)
    assert (m.x["a", "b"].value, m.y["a,b"].value) == (pytest.approx(2.0), pytest.approx(5.0))
    assert [v.index for v in s.variables] == [("a", "b"), ("a,b",)]


@pytest.mark.parametrize("form,parse", [("mps", parse_mps), ("lp", parse_lp)])
def test_names_with_spaces_export_and_read_back(form, parse):
    lp = extract_linear(awkward_model(nonlinear=False))
    text = (format_mps if form == "mps" else format_lp)(lp)
    back = parse(text)
    assert back.num_cols == 3 and back.num_rows == 3
    assert len(set(back.col_names)) == 3 and not any(" " in n for n in back.col_names)


def test_export_to_mps_of_a_member_with_a_space(tmp_path, capsys):
    source = tmp_path / "cities.opt"
    source.write_text("set CITIES = {\"new york\", boston}\n"
                      "var ship[c in CITIES] >= 0\n"
                      "minimize cost: sum(c in CITIES) ship[c]\n"
                      "subject to\n"
                      "  need[c in CITIES]: ship[c] >= 1\n")
    code = main(["export", str(source), "--to", "mps"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "ship[new_york]" in out.out and parse_mps(out.out).num_cols == 2


def test_lp_writer_escapes_a_variable_named_inf():
    m = Model("keywords")
    m.inf = Var(bounds=(0, 4))
    m.free = Var(bounds=(-1, 3))
    m.obj = Objective(expr=m.inf + m.free, sense=maximize)
    back = parse_lp(format_lp(extract_linear(m)))
    assert back.col_names == ("_inf", "_free")
    assert list(back.col_upper) == [4.0, 3.0] and list(back.col_lower) == [0.0, -1.0]
