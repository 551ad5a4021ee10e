"""Array expressions (``symopt.model.arrays``): the same rows as the element-wise build.

Each model is built twice, term by term with rules and as arrays, and the extracted LPs
must agree exactly: matrix, objective, bounds, row and column names.
"""
from __future__ import annotations

import numpy as np
import pytest

from symopt import Constraint, Model, NonNegativeReals, Objective, Param, Set, Var, solve
from symopt.compile.linear import extract_linear
from symopt.errors import ModelError
from symopt.model.arrays import LinearArray, RelationArray


def _same_lp(a, b):
    lp_a, lp_b = extract_linear(a), extract_linear(b)
    assert (lp_a.A != lp_b.A).nnz == 0 and lp_a.A.shape == lp_b.A.shape
    for field in ("c", "col_lower", "col_upper", "row_lower", "row_upper"):
        np.testing.assert_array_equal(getattr(lp_a, field), getattr(lp_b, field), err_msg=field)
    assert lp_a.offset == lp_b.offset
    assert list(lp_a.row_names) == list(lp_b.row_names)
    assert list(lp_a.col_names) == list(lp_b.col_names)


def _transport(seed: int, plants: int, markets: int, arrays: bool) -> Model:
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 9, size=(plants, markets)).astype(float)   # zeros included
    cost[0, 0] = 1.5
    m = Model("transport")
    m.I = Set(initialize=[f"p{i}" for i in range(plants)])
    m.J = Set(initialize=list(range(10, 10 + markets)))
    m.supply = Param(m.I, initialize=dict(zip(m.I, rng.uniform(50, 100, plants))))
    m.demand = Param(m.J, initialize=dict(zip(m.J, rng.uniform(0, 40, markets))))
    m.cost = Param(m.I, m.J, initialize={(i, j): cost[a, b] for a, i in enumerate(m.I)
                                         for b, j in enumerate(m.J)})
    m.x = Var(m.I, m.J, domain=NonNegativeReals, bounds=(None, 60))
    if arrays:
        x = m.x.as_array()
        m.total = Objective(expr=(m.cost.as_array() * x).sum() + 7)
        m.ship = Constraint(m.I, expr=x.sum(axis=1) <= m.supply.as_array())
        m.meet = Constraint(m.J, expr=m.demand.as_array() <= x.sum(axis=0))
    else:
        m.total = Objective(expr=sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J) + 7)
        m.ship = Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= m.supply[i])
        m.meet = Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= m.demand[j])
    return m


@pytest.mark.parametrize("seed,plants,markets", [(0, 2, 3), (1, 7, 4), (2, 1, 9), (3, 13, 11)])
def test_transport_as_arrays_is_the_element_wise_lp(seed, plants, markets):
    _same_lp(_transport(seed, plants, markets, True), _transport(seed, plants, markets, False))


def test_transport_as_arrays_solves_to_the_same_answer():
    arrays, terms = _transport(5, 6, 5, True), _transport(5, 6, 5, False)
    a, b = solve(arrays), solve(terms)
    assert a.status == b.status == "optimal"
    assert a.objective == pytest.approx(b.objective, rel=1e-12)
    assert arrays.meet[12].dual == pytest.approx(terms.meet[12].dual, abs=1e-9)


def _production(arrays: bool, products: int = 3, periods: int = 5) -> Model:
    """Inventory links between t and t-1, a capacity row per period, a start row."""
    rng = np.random.default_rng(products * periods)
    demand = rng.uniform(1, 5, (products, periods))
    m = Model("production")
    m.P = Set(initialize=range(products))
    m.T = Set(initialize=range(1, periods + 1))
    m.LATER = Set(initialize=range(2, periods + 1))
    m.demand = Param(m.P, m.T, initialize={(p, t): demand[p, t - 1] for p in m.P for t in m.T})
    m.make = Var(m.P, m.T, domain=NonNegativeReals)
    m.inv = Var(m.P, m.T, domain=NonNegativeReals)
    usage = np.linspace(1, 2, products)
    if arrays:
        make, inv, d = m.make.as_array(), m.inv.as_array(), m.demand.as_array()
        m.cost = Objective(expr=(make * np.arange(1, periods + 1)).sum() + 0.1 * inv.sum())
        m.start = Constraint(m.P, expr=make[:, 0] - inv[:, 0] == d[:, 0])
        m.balance = Constraint(m.P, m.LATER, expr=inv[:, :-1] + make[:, 1:] - inv[:, 1:] == d[:, 1:])
        m.capacity = Constraint(m.T, expr=usage @ make <= 4.0 * products)
    else:
        m.cost = Objective(expr=sum(t * m.make[p, t] + 0.1 * m.inv[p, t] for p in m.P for t in m.T))
        m.start = Constraint(m.P, rule=lambda m, p: m.make[p, 1] - m.inv[p, 1] == m.demand[p, 1])
        m.balance = Constraint(m.P, m.LATER, rule=lambda m, p, t: m.inv[p, t - 1] + m.make[p, t]
                               - m.inv[p, t] == m.demand[p, t])
        m.capacity = Constraint(m.T, rule=lambda m, t: sum(usage[p] * m.make[p, t] for p in m.P)
                                <= 4.0 * products)
    return m


def test_production_links_as_arrays_are_the_element_wise_lp():
    _same_lp(_production(True), _production(False))
    assert solve(_production(True)).objective == pytest.approx(solve(_production(False)).objective)


def test_arithmetic_follows_numpy_broadcasting():
    m = Model()
    m.I, m.J = Set(initialize=[1, 2]), Set(initialize="abc")
    m.x, m.y = Var(m.I, m.J), Var()
    x = m.x.as_array()
    assert isinstance(x, LinearArray) and x.shape == (2, 3) and x.T.shape == (3, 2)
    shifted = (2 * x - np.array([1.0, 2.0, 3.0]) + m.y) / 2
    element = shifted[1, 2]   # x[2,c] - 1.5 + y / 2
    assert element.terms == {m.x[2, "c"]: 1.0, m.y: 0.5} and element.constant == -1.5
    assert (x.T @ np.ones(2)).shape == (3,)
    row = (np.array([[1.0, 2.0], [3.0, 4.0]]) @ x[:, 0])   # A @ x
    assert row.shape == (2,) and row[1].terms == {m.x[1, "a"]: 3.0, m.x[2, "a"]: 4.0}
    assert (x[:, 0] @ np.array([5.0, 6.0])).terms == {m.x[1, "a"]: 5.0, m.x[2, "a"]: 6.0}
    total = x.sum() - x[0].sum()   # repeated variables add up
    assert total.terms == {m.x[2, j]: 1.0 for j in "abc"}
    assert (x.sum(axis=(0, 1)) - x.sum()).terms == {}


def test_rules_may_use_array_elements():
    m = Model()
    m.I = Set(initialize=[1, 2, 3])
    m.x = Var(m.I, bounds=(0, 5))
    x = m.x.as_array()
    limits = x * 2 <= np.array([1.0, 2.0, 3.0])
    assert isinstance(limits, RelationArray)
    m.c = Constraint(m.I, rule=lambda m, i: limits[i - 1])
    m.whole = Constraint(expr=x.sum() >= 1)
    assert m.c[3].upper == 3.0 and m.c[3].body.terms == {m.x[3]: 2.0}
    assert m.whole.lower == 1.0


@pytest.mark.parametrize("build,message", [
    (lambda m, x: x * x, "affine"),
    (lambda m, x: x / x, "affine"),
    (lambda m, x: x ** 2, "affine"),
    (lambda m, x: x / np.array([1.0, 0.0]), "by zero"),
    (lambda m, x: x * "two", "expected numbers"),
    (lambda m, x: x + np.ones(3), "shapes"),
    (lambda m, x: x.sum(axis=1), "axis"),
    (lambda m, x: x[5], "cannot index"),
    (lambda m, x: bool(x <= 1), "truth value"),
    (lambda m, x: x < 1, "strict inequality"),
    (lambda m, x: 1 < x, "strict inequality"),
    (lambda m, x: x != 1, "truth value"),
    (lambda m, x: setattr(m, "o", Objective(expr=x)), "not one expression|expected a number"),
    (lambda m, x: setattr(m, "c", Constraint(expr=x <= 1)), "array of relations"),
    (lambda m, x: setattr(m, "d", Constraint(m.I, expr=x.sum() <= 1)), "shape"),
    (lambda m, x: setattr(m, "e", Constraint(m.I, expr=x[:1] <= 1)), "shape"),
    (lambda m, x: setattr(m, "f", Constraint(m.I, expr=x - x <= 1)), "always true"),
    (lambda m, x: x <= np.array([np.nan, 1.0]), "NaN"),
])
def test_mistakes_are_model_errors(build, message):
    m = Model()
    m.I = Set(initialize=["a", "b"])
    m.x = Var(m.I)
    with pytest.raises(ModelError, match=message):
        build(m, m.x.as_array())


def test_param_arrays_follow_the_key_order_and_fill_defaults():
    m = Model()
    m.I, m.J = Set(initialize=[2, 1]), Set(initialize=["u", "v"])
    m.p = Param(m.I, m.J, initialize={(1, "v"): 4.0, (2, "u"): 1.0}, default=-1.0)
    m.q = Param(m.I, initialize={1: 3.0, 2: 5.0})   # stored in another order than the set's
    m.s = Param(initialize=2.5)
    np.testing.assert_array_equal(m.p.as_array(), [[1.0, -1.0], [-1.0, 4.0]])
    np.testing.assert_array_equal(m.q.as_array(), [5.0, 3.0])
    assert m.s.as_array() == 2.5
    m.x = Var()
    assert m.x.as_array().shape == () and m.x.as_array().item().terms == {m.x: 1.0}


def test_rows_sharing_a_coefficient_pattern_stay_independent():
    """Rows of one pattern share their coefficient list; extending one row's expression
    (which appends to the lists it is the tip of) changes no other row."""
    m = Model()
    m.I = Set(initialize=range(4))
    m.x, m.y = Var(m.I), Var(m.I)
    x, y = m.x.as_array(), m.y.as_array()
    m.link = Constraint(m.I, expr=2 * x - y <= 1)
    assert m.link[0].linear._coefs is m.link[3].linear._coefs   # shared
    grown = m.link[0].body + 5 * m.y[2]
    assert grown.terms == {m.x[0]: 2.0, m.y[0]: -1.0, m.y[2]: 5.0}
    for i in range(4):
        assert m.link[i].body.terms == {m.x[i]: 2.0, m.y[i]: -1.0}
    again = m.link[3].body + 7 * m.x[1]
    assert again.terms == {m.x[3]: 2.0, m.y[3]: -1.0, m.x[1]: 7.0}
    assert m.link[0].body.terms == {m.x[0]: 2.0, m.y[0]: -1.0}
    lp = extract_linear(m)
    assert lp.A.toarray().tolist() == [[2, 0, 0, 0, -1, 0, 0, 0], [0, 2, 0, 0, 0, -1, 0, 0],
                                       [0, 0, 2, 0, 0, 0, -1, 0], [0, 0, 0, 2, 0, 0, 0, -1]]


def test_a_refresh_keeps_the_rows_of_an_array_constraint():
    """Rows given as arrays keep their numbers after a mutable Param changes (as expr=
    rows do), so a refresh does not make them again; rule rows follow the change."""
    m = Model()
    m.I = Set(initialize=[1, 2])
    m.p = Param(m.I, initialize={1: 1.0, 2: 2.0}, mutable=True)
    m.x = Var(m.I)
    m.given = Constraint(m.I, expr=m.x.as_array() <= m.p.as_array())
    m.ruled = Constraint(m.I, rule=lambda m, i: m.x[i] >= -m.p[i])
    given, ruled = m.given[1], m.ruled[1]
    with pytest.warns(UserWarning, match="read outside a rule"):
        m.p[1] = 5.0
    m.refresh()
    assert m.given[1] is given and m.given[1].upper == 1.0
    assert m.ruled[1] is not ruled and m.ruled[1].lower == -5.0
