"""Which params a sweep may vary: those that reach an objective or a row built by a rule.

A component declared with ``expr=`` (array expressions included) keeps the numbers it was
built with, so sweeping a param that only such components read would silently give every
scenario the base answer; the sweep refuses it, naming the entry.
"""
from __future__ import annotations

import pytest

import symopt
from symopt import Constraint, Model, Objective, Param, Set, Var
from symopt.errors import InputError


def _model(frozen: str) -> Model:
    m = Model()
    m.I = Set(initialize=[1, 2])
    m.p = Param(m.I, initialize={1: 1.0, 2: 2.0}, mutable=True)
    m.x = Var(m.I, bounds=(0, 10))
    m.cost = Objective(expr=m.x[1] + m.x[2])
    if frozen == "expr":
        m.low = Constraint(expr=m.x[1] >= m.p[1])
    elif frozen == "array":
        m.low = Constraint(m.I, expr=m.x.as_array() >= m.p.as_array())
    else:
        m.low = Constraint(m.I, rule=lambda m, i: m.x[i] >= m.p[i])
    return m


@pytest.mark.parametrize("frozen", ["expr", "array"])
def test_sweeping_a_param_only_frozen_numbers_use_is_refused(frozen):
    with pytest.warns(UserWarning, match="also read outside a rule"), \
            pytest.raises(InputError, match=r"sweeping p\[1\] would change nothing.*rule="):
        symopt.solve_many(_model(frozen), [{"p[1]": 3.0}, {"p[1]": 5.0}])


def test_a_param_read_by_rules_sweeps_as_solving_each_alone():
    sweep = symopt.solve_many(_model("rule"), [{"p[1]": 3.0}, {"p[1]": 5.0}])
    assert [r["objective"] for r in sweep.records()] == pytest.approx([5.0, 7.0])


def test_sweeping_a_param_also_frozen_somewhere_warns():
    m = _model("rule")
    m.cap = Constraint(expr=m.x[1] <= 4 * m.p[1])   # frozen at p[1] = 1
    with pytest.warns(UserWarning, match="keeps the base numbers in every scenario"):
        sweep = symopt.solve_many(m, [{"p[1]": 3.0}, {"p[1]": 4.5}])
    assert sweep.records()[0]["objective"] == pytest.approx(5.0)   # x[1] = 3 <= 4
    assert sweep.records()[1]["status"] == "infeasible"            # 4.5 > 4: the frozen cap
