"""The expression core: affine detection, nodes, relations, sympy conversion, term shapes."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from symopt.errors import ModelError
from symopt.model import (
    LinearExpr, Node, Relation, VarData, between, evaluate, exp, expr_text, from_sympy, log,
    quicksum, shape_to_sympy, sin, split_terms, sqrt, term_shape, to_sympy, variables_of,
)


@pytest.fixture
def xyz():
    return VarData(name="x", value=1.5), VarData(name="y", value=-0.5), VarData(name="z", value=2.0)


def test_affine_detection_is_exact(xyz):
    x, y, _ = xyz
    e = 2 * (x + y) - x
    assert type(e) is LinearExpr
    assert e.terms == {x: 1.0, y: 2.0} and e.constant == 0.0
    assert isinstance(x * y, Node)
    cancelled = (x + y) * 3 - 3 * x - 3 * y + 4
    assert type(cancelled) is LinearExpr and cancelled.terms == {} and cancelled.constant == 4.0


def test_numbers_fold_and_scale(xyz):
    x, y, _ = xyz
    assert (2 * 3 * x).terms == {x: 6.0}
    assert (x / 4).terms == {x: 0.25}
    assert 1 * x is x
    assert (0 * x).terms == {}
    assert (x ** 1) is x and (x ** 0) == 1.0
    assert ((x + 1) - (x + 1)).terms == {}
    with pytest.raises(ModelError, match="division by zero"):
        x / 0


def test_numpy_scalars_on_either_side(xyz):
    x, _, _ = xyz
    for left in (np.float64(2.0) * x, np.int64(2) * x, x * np.float32(2.0)):
        assert type(left) is LinearExpr and left.terms == {x: 2.0}


def test_python_sum_shares_one_chain_linear_time():
    xs = [VarData(name=f"x[{i}]") for i in range(5000)]
    total = sum(3 * v for v in xs) + 7
    assert len(total._vars) == 5000  # one shared list: every + was an O(1) append
    assert len(total.terms) == 5000 and total.constant == 7.0
    partial = xs[0] + xs[1]
    bigger = partial + xs[2]
    other = partial + xs[3]  # the older sum is not the chain's tip any more: it must copy
    assert set(bigger.terms) == {xs[0], xs[1], xs[2]}
    assert set(other.terms) == {xs[0], xs[1], xs[3]}
    assert set(partial.terms) == {xs[0], xs[1]}


def test_right_nested_sums_do_not_recurse():
    xs = [VarData(name=f"x[{i}]") for i in range(3000)]
    total = LinearExpr()
    for v in xs:
        total = v + total
    assert len(total.terms) == 3000


def test_nonlinear_sum_is_flat_and_split(xyz):
    x, y, z = xyz
    f = sum(100 * (z - v ** 2) ** 2 + (1 - v) ** 2 for v in (x, y)) + 3 * z + 1
    linear, terms = split_terms(f)
    assert linear.terms == {z: 3.0} and linear.constant == 1.0
    assert len(terms) == 4 and all(isinstance(t, Node) and t.op != "add" for t in terms)


def test_relations_and_chained_comparison(xyz):
    x, y, _ = xyz
    r = x + y <= 3
    assert isinstance(r, Relation) and r.upper == 3.0 and r.lower is None
    r = 2 >= x
    assert r.upper == 2.0 and r.body is x
    r = x >= y
    assert r.lower == 0.0 and r.upper is None and r.body.terms == {x: 1.0, y: -1.0}
    with pytest.raises(ModelError, match=r"\(lo, expr, hi\)|between"):
        1 <= x <= 5
    with pytest.raises(ModelError, match="truth value"):
        bool(x + y <= 1)
    with pytest.raises(ModelError, match="strict"):
        x < 1
    assert bool(x == x) and not bool(x == y)
    assert x in [y, x]  # list membership compares by identity, not by building relations
    assert str(between(1, 2 * x, 5)) == "1 <= 2*x <= 5"


def test_functions_fold_numbers_and_pass_sympy_through(xyz):
    x, _, _ = xyz
    assert exp(0) == 1.0 and sqrt(4) == 2.0
    assert isinstance(log(x), Node) and log(x).op == "log"
    t = sympy.Symbol("t")
    assert sin(t) == sympy.sin(t)
    with pytest.raises(ModelError, match="undefined"):
        log(-1)


def test_text(xyz):
    x, y, _ = xyz
    assert expr_text(100 * (y - x ** 2) ** 2) == "100*(y - x**2)**2"
    assert expr_text(x - 2 * y - 3) == "x - 2*y - 3"
    assert expr_text((x + 1) / (y - 2)) == "(x + 1)/(y - 2)"
    assert expr_text(-(x * y)) == "-x*y"
    assert expr_text(exp(2 * x)) == "exp(2*x)"


EXPRESSIONS = [
    lambda x, y, z: 2 * (x + y) - x + 4,
    lambda x, y, z: 100 * (y - x ** 2) ** 2 + (1 - x) ** 2,
    lambda x, y, z: exp(x * y) / (1 + z ** 2) - sin(z) * 3,
    lambda x, y, z: sqrt(z) * log(z + x) - (x - y) ** 3 / 7,
    lambda x, y, z: -(x * y * z) + 2 ** x + x ** -1,
]


@pytest.mark.parametrize("build", EXPRESSIONS)
def test_evaluate_matches_sympy(build, xyz):
    x, y, z = xyz
    expr = build(x, y, z)
    point = {v.symbol: v.value for v in xyz}
    assert evaluate(expr) == pytest.approx(float(to_sympy(expr).subs(point)), rel=1e-12)


@pytest.mark.parametrize("build", EXPRESSIONS)
def test_sympy_round_trip(build, xyz):
    x, y, z = xyz
    expr = build(x, y, z)
    symbols = {v.symbol: v for v in xyz}
    back = from_sympy(to_sympy(expr), symbols)
    assert evaluate(back) == pytest.approx(evaluate(expr), rel=1e-12)
    assert set(variables_of(back)) == set(variables_of(expr))


def test_sympy_operands_give_sympy(xyz):
    x, _, _ = xyz
    t = sympy.Symbol("t")
    assert isinstance(x + t, sympy.Expr) and isinstance(sympy.exp(x), sympy.Expr)
    rel = from_sympy(sympy.Le(2 * x.symbol + 1, 5), {x.symbol: x})
    assert rel.upper == 5.0 and rel.body.terms == {x: 2.0}
    assert from_sympy(sympy.true, {}) is True
    with pytest.raises(ModelError, match="not a variable of this model"):
        from_sympy(t + 1, {x.symbol: x})


def test_term_shape_groups_families():
    x = [VarData(name=f"x[{i}]", value=0.3 * i) for i in range(4)]
    k1, v1, c1 = term_shape(100 * (x[2] - x[1] ** 2) ** 2)
    k2, v2, c2 = term_shape(250 * (x[3] - x[2] ** 2) ** 2)
    assert k1 == k2 and v1 == (x[2], x[1]) and v2 == (x[3], x[2]) and c2 == (250.0,)
    assert term_shape(x[1] * x[1])[0] != term_shape(x[1] * x[2])[0]
    assert term_shape(x[1] ** 2)[0] != term_shape(x[1] ** 3)[0]  # integer exponents stay literal
    hash(k1)


@pytest.mark.parametrize("build", EXPRESSIONS[1:])
def test_shape_template_reproduces_the_term(build):
    v = [VarData(name=n, value=val) for n, val in (("a", 0.7), ("b", 1.3), ("c", 2.1))]
    for term in split_terms(build(*v))[1]:
        key, variables, constants = term_shape(term)
        template, var_symbols, const_symbols = shape_to_sympy(key)
        point = dict(zip(var_symbols, [u.value for u in variables]))
        point.update(zip(const_symbols, constants))
        assert float(template.subs(point)) == pytest.approx(evaluate(term), rel=1e-12)


def test_quicksum_mixed(xyz):
    x, y, _ = xyz
    assert type(quicksum([x, 2 * y, 3])) is LinearExpr
    mixed = quicksum([x, x * y, 1])
    assert isinstance(mixed, Node) and evaluate(mixed) == pytest.approx(1.5 - 0.75 + 1)
    assert math.isclose(evaluate(quicksum([])), 0.0)


from hypothesis import assume, given, settings, strategies as st  # noqa: E402

COEFS = st.lists(st.integers(-5, 5), min_size=3, max_size=3)


@settings(max_examples=60, deadline=None)
@given(a=COEFS, b=COEFS, k=st.integers(-3, 3), c=st.integers(-4, 4))
def test_affine_algebra_matches_vector_arithmetic(a, b, k, c):
    xs = [VarData(name=f"x[{i}]") for i in range(3)]
    first = sum(coef * v for coef, v in zip(a, xs)) + c
    second = quicksum(coef * v for coef, v in zip(b, xs))
    combined = k * first - second / 2 + (first - first)
    expected = np.array(a) * k - np.array(b) / 2
    assert type(combined) is LinearExpr
    got = np.array([combined.terms.get(v, 0.0) for v in xs])
    np.testing.assert_allclose(got, expected)
    assert all(coef != 0.0 for coef in combined.terms.values())  # zeros are dropped
    assert combined.constant == pytest.approx(k * c)


def _random_expression(draw, variables, depth):
    """A random model expression built with the public operators and functions."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return variables[draw(st.integers(0, len(variables) - 1))]
        return draw(st.sampled_from([0.5, 1, 2, 3.25, -1.5]))
    op = draw(st.sampled_from(["+", "-", "*", "/", "**", "neg", "exp", "sin", "sum"]))
    a = _random_expression(draw, variables, depth - 1)
    b = _random_expression(draw, variables, depth - 1)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / (b * b + 1)
    if op == "**":
        return a ** draw(st.sampled_from([2, 3]))
    if op == "neg":
        return -a
    if op == "exp":
        if isinstance(a, (int, float)) and abs(a) > 400:
            return a  # exp would overflow while folding, a ModelError by design
        return exp(a / 4)
    if op == "sin":
        return sin(a)
    return sum([a, b, 2 * a])


@st.composite
def expressions(draw):
    variables = [VarData(name=f"v[{i}]", value=draw(st.floats(-1.5, 1.5))) for i in range(3)]
    return _random_expression(draw, variables, 4), variables


@settings(max_examples=40, deadline=None)
@given(expressions())
def test_random_expressions_agree_with_sympy(case):
    expr, variables = case
    if isinstance(expr, (int, float)):
        return
    point = {v.symbol: v.value for v in variables}
    value = evaluate(expr)
    assume(abs(value) < 1e12)
    reference = float(to_sympy(expr).subs(point))
    assert value == pytest.approx(reference, rel=1e-9, abs=1e-9)
    back = from_sympy(to_sympy(expr), {v.symbol: v for v in variables})
    assert evaluate(back) == pytest.approx(value, rel=1e-9, abs=1e-9)
    linear, terms = split_terms(expr)
    pieces = evaluate(linear) + sum(evaluate(t) for t in terms)
    assert pieces == pytest.approx(value, rel=1e-9, abs=1e-9)
    for term in terms:
        key, term_vars, constants = term_shape(term)
        template, var_symbols, const_symbols = shape_to_sympy(key)
        values = dict(zip(var_symbols, [v.value for v in term_vars]))
        values.update(zip(const_symbols, constants))
        assert float(template.subs(values)) == pytest.approx(evaluate(term), rel=1e-9, abs=1e-9)


def test_sum_views_never_change_and_long_right_sums_stay_linear():
    xs = [VarData(name=f"x[{i}]") for i in range(200)]
    partial = sum(xs[:100])
    grown = partial + 2 * xs[100]           # appends to the shared lists
    doubled = partial.scaled(2.0)           # shares the variables, own coefficients
    branch = partial + xs[101]              # partial is no longer the tip: a copy
    more = doubled + xs[102]
    assert partial.terms == dict.fromkeys(xs[:100], 1.0)
    assert grown.terms == {**dict.fromkeys(xs[:100], 1.0), xs[100]: 2.0}
    assert branch.terms == {**dict.fromkeys(xs[:100], 1.0), xs[101]: 1.0}
    assert doubled.terms == dict.fromkeys(xs[:100], 2.0)
    assert more.terms == {**dict.fromkeys(xs[:100], 2.0), xs[102]: 1.0}
    head = xs[150] + partial                # a small head on a long sum: no O(n) copy
    assert head.terms == {**dict.fromkeys(xs[:100], 1.0), xs[150]: 1.0}
    assert len(partial._flat()[0]) == 100


def test_repeated_and_cancelling_terms_merge_like_a_dict():
    x, y = VarData(name="x"), VarData(name="y")
    e = sum([x, 2 * y, x, -2 * y, 3.0])
    assert e.terms == {x: 2.0} and e.constant == 3.0
    variables, coefs = e._flat()
    assert variables == [x] and coefs == [2.0]
    assert (x - x + 1)._is_constant() and not (x + y)._is_constant()


def test_quicksum_chunks_keep_terms_order_and_fall_back_for_nonlinear_items():
    xs = [VarData(name=f"x[{i}]", value=1.0) for i in range(2500)]
    items = [xs[i] if i % 2 else (i % 5 + 2) * xs[i] for i in range(2500)]   # vars and c * x
    fast = quicksum(iter(items))
    assert type(fast) is LinearExpr and list(fast.terms) == xs
    assert fast.terms == sum(items).terms
    mixed = quicksum(iter([*items, 4, xs[0] ** 2]))   # a number and a Node after two chunks
    assert isinstance(mixed, Node) and evaluate(mixed) == pytest.approx(evaluate(fast) + 5.0)
    assert quicksum(iter([])).terms == {} and quicksum([x for x in xs[:3]]).terms == dict.fromkeys(xs[:3], 1.0)


def test_a_long_sum_with_a_repeated_variable_merges_it():
    """Past 2^14 terms, repeats are found by sorting object pointers (not with a set)."""
    from symopt.model.column_index import all_distinct

    xs = [VarData(name=f"x[{i}]") for i in range(20000)]
    assert all_distinct(xs) and not all_distinct([*xs, xs[123]])
    e = quicksum([*xs, 2 * xs[123]])
    variables, coefs = e._flat()
    assert len(variables) == 20000 and e.terms[xs[123]] == 3.0 and coefs[123] == 3.0


def test_a_long_quicksum_pauses_the_collector_and_restores_it():
    import gc

    xs = [VarData(name=f"x[{i}]") for i in range(3000)]

    def failing():
        yield from xs
        assert not gc.isenabled()   # paused while the items are made
        raise RuntimeError("the user's generator failed")

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        quicksum(failing())
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert len(quicksum(x for x in xs).terms) == 3000 and gc.isenabled()
