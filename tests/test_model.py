"""The modeling API: sets, params, variables, constraints, objectives, expressions, errors."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

import symopt
from symopt import (
    Binary, Constraint, Expression, Integers, Model, ModelError, NonNegativeReals, Objective,
    Param, RangeSet, Set, Var, between, maximize, minimize, value,
)
from symopt.model import LinearExpr, Node

COSTS = {("seattle", "new-york"): 2.5, ("seattle", "chicago"): 1.7, ("seattle", "topeka"): 1.8,
         ("san-diego", "new-york"): 2.5, ("san-diego", "chicago"): 1.8, ("san-diego", "topeka"): 1.4}


def transport() -> Model:
    m = Model("transport")
    m.I = Set(initialize=["seattle", "san-diego"])
    m.J = Set(initialize=["new-york", "chicago", "topeka"])
    m.supply = Param(m.I, initialize={"seattle": 350, "san-diego": 600})
    m.demand = Param(m.J, initialize={"new-york": 325, "chicago": 300, "topeka": 275})
    m.cost = Param(m.I, m.J, initialize=lambda m, i, j: 90 * COSTS[i, j] / 1000)
    m.x = Var(m.I, m.J, domain=NonNegativeReals)
    m.total = Objective(expr=sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J), sense=minimize)
    m.ship = Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= m.supply[i])
    m.meet = Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= m.demand[j])
    return m


def test_transport_components():
    m = transport()
    assert [c.name for c in m.components()] == ["I", "J", "supply", "demand", "cost", "x",
                                                "total", "ship", "meet"]
    var = m.x["seattle", "chicago"]
    assert (var.name, var.component, var.index, var.lb, var.ub) == (
        "x[seattle,chicago]", "x", ("seattle", "chicago"), 0.0, None)
    assert m.cost["seattle", "topeka"] == pytest.approx(0.162)
    row = m.meet["chicago"]
    assert row.name == "meet[chicago]" and row.lower == 300.0 and row.upper is None
    assert row.body.terms == {m.x["seattle", "chicago"]: 1.0, m.x["san-diego", "chicago"]: 1.0}
    assert len(list(m.variables())) == 6 and len(list(m.constraints())) == 5
    assert m.total.sense == "min" and len(m.total.expr.terms) == 6


def test_unknown_index_names_the_component():
    m = transport()
    with pytest.raises(ModelError, match=r"variable 'x' has no index \('boston', 'chicago'\)"):
        m.x["boston", "chicago"]
    with pytest.raises(ModelError, match="param 'supply' has no index 'boston'"):
        m.supply["boston"]
    with pytest.raises(ModelError, match="constraint 'meet' has no index"):
        m.meet["boston"]


def test_param_errors():
    m = Model()
    m.I = Set(initialize=[1, 2])
    with pytest.raises(ModelError, match=r"param 'p\[2\]' must be a number, got str 'ten'"):
        m.p = Param(m.I, initialize={1: 1.0, 2: "ten"})
    with pytest.raises(ModelError, match="param 'q' has no value for index 2"):
        m.q = Param(m.I, initialize={1: 1.0})
    with pytest.raises(ModelError, match="param 'r' is given a value for 3"):
        m.r = Param(m.I, initialize={3: 1.0})
    m.d = Param(m.I, initialize={1: 5.0}, default=0)
    assert m.d[2] == 0.0 and m.d[1] == 5.0
    with pytest.raises(ModelError, match="not mutable"):
        m.d[1] = 4.0
    m.s = Param(initialize=2.5)
    assert m.s * 2 == 5.0 and value(m.s) == 2.5
    m.K = Set(initialize=["a", "b"])
    with pytest.raises(ModelError, match=r"param 't' is given a value for \(1, 'c'\)"):
        m.t = Param(m.I, m.K, initialize={(1, "a"): 1.0, (1, "c"): 2.0})
    with pytest.raises(ModelError, match=r"param 'u' has no value for index \(2, 'b'\)"):
        m.u = Param(m.I, m.K, initialize={(1, "a"): 1.0, (1, "b"): 1, (2, "a"): 1.0})
    with pytest.raises(ModelError, match=r"param 'v\[\(2, 'a'\)\]' is inf"):
        m.v = Param(m.I, m.K, initialize={(1, "a"): 1.0, (1, "b"): 1.0, (2, "a"): float("inf"),
                                          (2, "b"): 0.0})
    with pytest.raises(ModelError, match=r"param 'w\[\(1, 'a'\)\]' must be a number, got bool"):
        m.w = Param(m.I, m.K, initialize={(1, "a"): True, (1, "b"): 1.0, (2, "a"): 1.0, (2, "b"): 0.0})
    m.c = Param(m.I, m.K, initialize={(i, k): float(i) for i in m.I for k in m.K})
    assert m.c[2, "b"] == 2.0 and (2, "b") in m.c and (3, "b") not in m.c and len(m.c) == 4
    with pytest.raises(ModelError, match=r"param 'c' has no index \(3, 'b'\)"):
        m.c[3, "b"]


def test_mutable_param_rebuilds_rule_constraints():
    m = Model()
    m.cap = Param(initialize=4.0, mutable=True)
    m.x = Var(bounds=(0, None))
    m.c = Constraint(rule=lambda m: m.x <= m.cap)
    assert m.c.upper == 4.0
    m.cap.value = 7.0
    m.refresh()
    assert m.c.upper == 7.0


def test_var_bounds_domains_and_initial_values():
    m = Model()
    m.I = RangeSet(3)
    m.x = Var(m.I, bounds=lambda m, i: (i, 10 * i), initialize={1: 1.5})
    assert [(m.x[i].lb, m.x[i].ub) for i in m.I] == [(1.0, 10.0), (2.0, 20.0), (3.0, 30.0)]
    assert m.x[1].value == 1.5 and m.x[2].value is None
    m.b = Var(m.I, domain=Binary)
    assert (m.b[2].lb, m.b[2].ub, m.b[2].is_integer) == (0.0, 1.0, True)
    m.n = Var(within=Integers, bounds=(-3, 3), initialize=2)
    assert m.n.is_integer and m.n.value == 2.0 and m.n.name == "n"
    m.n.fix()
    assert m.n.fixed
    m.n.unfix()
    m.x.fix(2.0)
    assert all(v.fixed and v.value == 2.0 for v in m.x.values())
    with pytest.raises(ModelError, match=r"variable 'bad\[2\]' has lower bound 5.0 > upper bound 1.0"):
        m.bad = Var(m.I, bounds=lambda m, i: (5, 1) if i == 2 else (0, 1))
    with pytest.raises(ModelError, match="domain must be one of"):
        m.weird = Var(domain="positive")


def test_constraint_forms():
    m = Model()
    m.x = Var()
    m.y = Var()
    m.r1 = Constraint(expr=(1, m.x + m.y, 5))
    m.r2 = Constraint(expr=between(0, 2 * m.x - 1, 3))
    m.r3 = Constraint(expr=m.x == 2 * m.y + 4)
    m.r4 = Constraint(expr=3 >= m.x)
    assert (m.r1.lower, m.r1.upper) == (1.0, 5.0)
    assert (m.r2.lower, m.r2.upper) == (1.0, 4.0)  # the body's constant moves into the bounds
    assert m.r3.is_equality and m.r3.lower == 4.0 and m.r3.body.terms == {m.x: 1.0, m.y: -2.0}
    assert m.r4.upper == 3.0 and m.r4.lower is None
    m.r5 = Constraint(expr=sympy.Le(m.x.symbol ** 2 + m.y.symbol, 9))
    assert m.r5.upper == 9.0 and isinstance(m.r5.body, Node)


def test_chained_comparison_in_a_rule_raises():
    m = Model()
    m.x = Var(RangeSet(2))
    with pytest.raises(ModelError, match=r"\(lo, expr, hi\)"):
        m.c = Constraint(RangeSet(2), rule=lambda m, i: 1 <= m.x[i] <= 5)


def test_always_true_or_false_constraints_are_reported_by_name():
    m = Model()
    m.x = Var()
    with pytest.raises(ModelError, match="constraint 'tautology' is always true"):
        m.tautology = Constraint(expr=m.x <= m.x + 1)
    with pytest.raises(ModelError, match="constraint 'never' is always false"):
        m.never = Constraint(expr=m.x + 2 <= m.x)
    with pytest.raises(ModelError, match="constraint 'sym' is always true"):
        m.sym = Constraint(expr=sympy.Le(m.x.symbol, m.x.symbol + 1))
    with pytest.raises(ModelError, match=r"constraint 'empty\[1\]' is always true"):
        m.empty = Constraint(RangeSet(2), rule=lambda m, i: sum(m.x for _ in range(i - 1)) <= 5)
    with pytest.raises(ModelError, match="not a relation"):
        m.expr_only = Constraint(expr=m.x + 1)
    with pytest.raises(ModelError, match="tuple of 2 items"):
        m.pair = Constraint(expr=(m.x, 1))
    with pytest.raises(ModelError, match="lower bound 5.0 > upper bound 1.0"):
        m.crossed = Constraint(expr=(5, m.x, 1))


def test_skip_and_filtered_sets():
    m = Model()
    m.I = Set(initialize=range(1, 7), filter=lambda m, i: i % 2 == 0)
    assert list(m.I) == [2, 4, 6]
    m.x = Var(m.I)
    m.c = Constraint(m.I, rule=lambda m, i: Constraint.Skip if i == 4 else m.x[i] >= i)
    assert list(m.c.keys()) == [2, 6]
    pairs = m.I * Set(initialize=["a", "b"])
    assert list(pairs)[:3] == [(2, "a"), (2, "b"), (4, "a")] and pairs.dimen == 2
    assert m.I.first() == 2 and m.I.last() == 6 and m.I.ord(4) == 2


def test_expressions_objectives_and_value():
    m = Model()
    m.x = Var(initialize=2.0)
    m.y = Var(initialize=3.0)
    m.e = Expression(expr=m.x * m.y)
    m.v = Expression(RangeSet(2), rule=lambda m, i: i * m.x)
    m.obj = Objective(expr=m.e + m.v[2] + symopt.exp(m.x), sense=maximize)
    assert value(m.e) == 6.0 and value(m.v[2]) == 4.0
    assert value(m.obj) == pytest.approx(6 + 4 + 2.718281828459045 ** 2)
    assert m.obj.sense == "max"
    m.lin = Objective(rule=lambda m: 2 * m.x)
    assert type(m.lin.expr) is LinearExpr
    with pytest.raises(ModelError, match="sense must be minimize or maximize"):
        m.bad = Objective(expr=m.x, sense="up")
    m.z = Var()
    with pytest.raises(ModelError, match="variable 'z' has no value"):
        value(m.z + 1)


def test_plain_sympy_objective_and_component_rules():
    m = Model()
    m.x = Var(RangeSet(2))
    s1, s2 = m.x[1].symbol, m.x[2].symbol
    m.obj = Objective(expr=(s1 - 1) ** 2 + sympy.exp(s2))
    assert {v.name for v in symopt.model.variables_of(m.obj.expr)} == {"x[1]", "x[2]"}
    other = Model()
    other.x = Var()
    with pytest.raises(ModelError, match="not a variable of this model"):
        m.c = Constraint(expr=sympy.Le(other.x.symbol, 1))


def test_reserved_and_reused_components():
    m = Model()
    with pytest.raises(ModelError, match="reserved"):
        m.solve = Var()
    var = Var()
    m.x = var
    with pytest.raises(ModelError, match="already 'x'"):
        m.y = var
    with pytest.raises(ModelError, match="component"):
        m.x = 5


def test_multidimensional_sets_flatten_into_keys():
    m = Model()
    m.ARCS = Set(initialize=[(1, "a"), (2, "b")])
    m.T = Set(initialize=["u", "v"])
    m.flow = Var(m.ARCS, m.T)
    assert list(m.flow)[:2] == [(1, "a", "u"), (1, "a", "v")]
    assert m.flow[2, "b", "v"].name == "flow[2,b,v]" and (2, "b", "u") in m.flow
    with pytest.raises(ModelError, match="reserved"):
        m.name = Var()


def test_mutable_param_reaches_expressions_and_constraints():
    m = Model()
    m.p = Param(initialize=2.0, mutable=True)
    m.y = Var()
    m.e = Expression(rule=lambda m: m.p * m.y)
    m.c = Constraint(rule=lambda m: m.e <= 10)
    assert m.c.body.terms == {m.y: 2.0}
    m.p.value = 5.0
    m.refresh()
    assert m.c.body.terms == {m.y: 5.0}


def test_infinite_bounds_mean_none_and_sparse_defaults_are_fast():
    m = Model()
    m.x = Var(bounds=(float("-inf"), float("inf")))
    assert m.x.lb is None and m.x.ub is None
    m.I = RangeSet(2000)
    m.p = Param(m.I, m.I, initialize={(1, 1): 3.0}, default=0.0)
    assert sum(m.p[i, j] for i in range(1, 301) for j in range(1, 301)) == 3.0
    with pytest.raises(ModelError, match="has no index"):
        m.p[0, 1]


def test_math_functions_on_expressions_point_to_symopt_functions():
    import math
    m = Model()
    m.x = Var()
    with pytest.raises(ModelError, match="symopt.exp"):
        math.exp(m.x)


def test_transport_solves_with_duals_and_reduced_costs():
    """The issue's example end to end (GAMS' trnsport: objective 153.675 k$)."""
    m = transport()
    result = symopt.solve(m)
    assert result.status == "optimal" and result.objective == pytest.approx(153.675)
    assert m.x["seattle", "chicago"].value == pytest.approx(300.0)
    assert m.meet["chicago"].dual == pytest.approx(0.153)
    assert m.x["seattle", "topeka"].reduced_cost == pytest.approx(0.036)


def test_rule_errors_name_the_member():
    m = Model()
    m.x = Var(RangeSet(2))
    with pytest.raises(ModelError, match=r"in the rule of constraint 'c\[1\]': .*truth value"):
        m.c = Constraint(RangeSet(2), rule=lambda m, i: 1 <= m.x[i] <= 5)
    with pytest.raises(ModelError, match=r"constraint 'd\[1\]': a range bound must be a number"):
        m.d = Constraint(RangeSet(2), rule=lambda m, i: (m.x[2], m.x[i], 5))
    assert "c" not in [c.name for c in m.components()]  # a failed declaration leaves no trace


def test_error_messages_exact_text():
    m = Model()
    m.I = Set(initialize=["a", "b"])
    m.x = Var(m.I)
    with pytest.raises(ModelError) as info:
        m.x["c"]
    assert str(info.value) == "variable 'x' has no index 'c'; expected one of its indices ('a', 'b')"
    with pytest.raises(ModelError) as info:
        1 <= m.x["a"] <= 2
    assert str(info.value) == (
        "the constraint relation '1 <= x[a]' was used as a truth value. Python's chained "
        "comparison 'lo <= expr <= hi' cannot work (Python keeps only one half of it): write "
        "the range as a tuple (lo, expr, hi) or between(lo, expr, hi)")
    with pytest.raises(ModelError) as info:
        m.t = Constraint(expr=m.x["a"] <= m.x["a"] + 1)
    assert str(info.value) == (
        "constraint 't' is always true: its variables cancel, leaving '0 <= 1'; return "
        "Constraint.Skip from the rule (or leave the constraint out) if that is intended")


def test_indexing_a_scalar_variable_is_a_model_error():
    from symopt import Model, Var
    from symopt.errors import ModelError
    m = Model()
    m.x = Var()
    assert m.x[None] is m.x
    with pytest.raises(ModelError, match="variable 'x' is a scalar and has no index 'a'"):
        m.x["a"]



@pytest.mark.parametrize("bad", [["a"], {"a": 1}, {"a"}, np.array([1, 2])],
                         ids=["list", "dict", "set", "array"])
def test_an_unhashable_index_is_a_model_error_naming_the_component(bad):
    """``m.x[[...]]`` is a ModelError naming the component and the index, as an unknown
    index is (Python's dict said only "unhashable type: 'list'")."""
    from symopt import Constraint, Model, Param, Set, Var
    from symopt.errors import ModelError
    m = Model()
    m.I = Set(initialize=["a", "b"])
    m.J = Set(m.I, initialize={"a": [1], "b": [2]})
    m.x = Var(m.I)
    m.p = Param(m.I, initialize={"a": 1.0, "b": 2.0})
    m.q = Param(m.I, initialize={"a": 1.0}, default=0.0, mutable=True)
    m.c = Constraint(m.I, rule=lambda m, i: m.x[i] >= m.p[i])
    for component, kind in ((m.x, "variable 'x'"), (m.p, "param 'p'"), (m.q, "param 'q'"),
                            (m.c, "constraint 'c'")):
        with pytest.raises(ModelError, match=f"{kind} has no index") as info:
            component[bad]
        assert repr(bad)[:5] in str(info.value)
        assert bad not in component
    with pytest.raises(ModelError, match="param 'q' has no index"):
        m.q[bad] = 3.0
    with pytest.raises(ModelError, match=r"is not in the index of set 'J'"):
        m.J[bad]
    assert bad not in m.I


# ---- ordered sets, set operations, indexed sets, checks, built-ins (issue 16) ----------------------
def test_ordered_set_prev_next_and_their_errors():
    from symopt import Set
    months = Set(initialize=["jan", "feb", "mar"], name="M")
    assert (months.first(), months.last(), months.ord("mar")) == ("jan", "mar", 3)
    assert (months.prev("feb"), months.next("feb"), months.next("jan", 2)) == ("jan", "mar", "mar")
    assert (months.prevw("jan"), months.nextw("mar")) == ("mar", "jan")
    with pytest.raises(ModelError, match=r"prev\('jan'\) steps past the first member of set 'M'; "
                                         r"test 'member == S.first\(\)' first, or use prevw"):
        months.prev("jan")
    with pytest.raises(ModelError, match="next"):
        months.next("mar")


def test_set_operations_keep_order():
    from symopt import Set
    a, b = Set(initialize=["x", "y", "z"]), Set(initialize=["z", "w"])
    assert list(a | b) == ["x", "y", "z", "w"]
    assert list(a & b) == ["z"] and list(a - b) == ["x", "y"]


def test_indexed_set_as_in_pyomo():
    from symopt import Model, Set, Var, quicksum, Constraint
    m = Model()
    m.N = Set(initialize=["s", "a", "t"])
    m.L = Set(initialize=[("s", "a"), ("a", "t"), ("s", "t")])
    m.IN = Set(m.N, initialize=lambda m, k: [arc for arc in m.L if arc[1] == k])
    assert list(m.IN["t"]) == [("a", "t"), ("s", "t")] and list(m.IN["s"]) == []
    m.flow = Var(m.L, bounds=(0, None))
    m.into = Constraint(m.N, rule=lambda m, k: quicksum(m.flow[a] for a in m.IN[k]) <= 1
                        if len(m.IN[k]) else Constraint.Skip)
    assert [row.name for row in m.constraints()] == ["into[a]", "into[t]"]
    with pytest.raises(ModelError, match="'q' is not in the index of set 'IN'"):
        m.IN["q"]


def test_build_check_reports_the_failing_member():
    from symopt import BuildCheck, Model, Param, Set
    m = Model()
    m.P = Set(initialize=["bands", "coils"])
    m.supply = Param(m.P, initialize={"bands": 5, "coils": 7})
    m.demand = Param(m.P, initialize={"bands": 5, "coils": 6})
    with pytest.raises(ModelError, match=r"check 'balance' fails for \['coils'\]"):
        m.balance = BuildCheck(m.P, rule=lambda m, p: m.supply[p] == m.demand[p])
    m.fine = BuildCheck(rule=lambda m: sum(m.supply[p] for p in m.P) >= 12)


def test_builtin_abs_builds_the_node_and_max_says_what_to_do():
    from symopt import Model, Var
    m = Model()
    m.x, m.y = Var(), Var()
    assert str(abs(m.x - 1)) == str(symopt.abs(m.x - 1)) == "abs(x - 1)"
    assert str(abs(m.x)) == "abs(x)"
    with pytest.raises(ModelError, match=r"Python's max\(\) or min\(\) of expressions.*"
                                         r"t >= a, t >= b"):
        max(m.x, m.y)


def test_python_section_of_the_language_guide_runs():
    import re
    from pathlib import Path
    guide = (Path(__file__).resolve().parents[1] / "docs" / "language.md").read_text()
    section = re.search(r"## The same ideas in Python(.*?)\n## ", guide, re.S).group(1)
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2   # the Pyomo-style constructs, then the array form
    from snippets import run_blocks
    namespace = run_blocks(blocks, "docs/language.md")   # the guide's examples, one session
    assert list(namespace["m"].IN["t"]) == [("a", "t")]
    assert len(namespace["p"].balance) == 9


def test_changing_a_param_frozen_into_an_expr_component_warns_once():
    """A mutable param read outside a rule (into expr=, or through as_array()) is frozen
    there: a later change warns that those components keep the old numbers; reads inside
    rules, and the sweep's own reads of base values, do not count."""
    import warnings
    import symopt
    from symopt import Constraint, Model, Objective, Param, Set, Var
    m = Model()
    m.I = Set(initialize=[1, 2])
    m.p = Param(m.I, initialize={1: 1.0, 2: 2.0}, mutable=True)
    m.q = Param(m.I, initialize={1: 1.0, 2: 2.0}, mutable=True)
    m.s = Param(initialize=1.0, mutable=True)
    m.x = Var(m.I, bounds=(0, 10))
    m.cost = Objective(expr=m.x[1] + m.x[2])
    m.low = Constraint(m.I, rule=lambda m, i: m.x[i] >= m.p[i] * m.s)
    symopt.solve_many(m, [{"p[1]": 2.0}, {"p[1]": 3.0}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.p[1] = 4.0
        m.s.value = 1.5
    m.cap = Constraint(expr=m.x[1] <= 9 * m.s)
    m.top = Constraint(m.I, expr=m.x.as_array() <= m.q.as_array() + 8)
    for change in (lambda: m.s.set_value(1.2), lambda: m.q.__setitem__(2, 3.0)):
        with pytest.warns(UserWarning, match="changes after its values were read outside a rule"):
            change()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.q[1] = 2.5   # once per param
