"""Term templates, vectorised exact derivatives and the compiled nonlinear problems."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from symopt.compile import cache
from symopt.compile.derivatives import VectorFunction, as_index
from symopt.compile.families import collect_rows
from symopt.compile.from_sympy import compile_equations, compile_fit, compile_minimize
from symopt.compile.templates import split_sympy_rows
from symopt.errors import CompileError, InputError
from symopt.model.expr import VarData

X = sympy.symbols("x0:5", real=True)
ROWS = [
    X[0] ** 2 * X[1] + sympy.exp(X[2]) * X[0] + 3 * X[3] - 2,
    sympy.sin(X[1] * X[2]) + (X[3] - X[4]) ** 3 + X[0] * X[0] * X[1],
    sympy.log(1 + X[4] ** 2) / (2 + X[0] ** 2) + 7,
]


def sympy_function(rows):
    return VectorFunction(len(rows), len(X), *split_sympy_rows(rows, {s: j for j, s in enumerate(X)}))


def at(expr, point):
    return float(expr.subs(dict(zip(X, point))))


def test_values_jacobian_hessian_match_sympy():
    f = sympy_function(ROWS)
    point = np.array([0.3, -1.1, 0.7, 2.0, -0.4])
    np.testing.assert_allclose(f.values(point), [at(r, point) for r in ROWS], rtol=1e-12)
    jac = [[at(sympy.diff(r, s), point) for s in X] for r in ROWS]
    np.testing.assert_allclose(f.jacobian_dense(point), jac, rtol=1e-12, atol=1e-14)
    weights = np.array([0.5, -2.0, 3.0])
    lagrangian = sum(w * r for w, r in zip(weights, ROWS))
    hess = [[at(sympy.diff(lagrangian, a, b), point) for b in X] for a in X]
    np.testing.assert_allclose(f.hessian_dense(point, weights), hess, rtol=1e-12, atol=1e-14)
    p = np.arange(1.0, 6.0)
    np.testing.assert_allclose(f.hessian_product(point, weights, p), np.array(hess) @ p, rtol=1e-12)
    csc = f.jacobian_csc(point)
    np.testing.assert_allclose(csc.toarray(), jac, rtol=1e-12, atol=1e-14)


def test_jacobian_pattern_is_sparse_and_exact():
    f = sympy_function(ROWS)
    pattern = set(zip(f.jacobian_rows.tolist(), f.jacobian_cols.tolist()))
    expected = {(i, j) for i, r in enumerate(ROWS) for j, s in enumerate(X) if sympy.diff(r, s) != 0}
    assert pattern == expected


def test_repeated_terms_share_one_template_with_overlapping_columns():
    n = 30
    x = sympy.symbols(f"y0:{n}")
    expr = sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(n - 1))
    families, _ = split_sympy_rows([expr], {s: j for j, s in enumerate(x)})
    assert len(families) <= 4
    f = VectorFunction(1, n, families, _)
    point = np.linspace(-1, 1.5, n)
    scipy_optimize = pytest.importorskip("scipy.optimize")
    assert f.values(point)[0] == pytest.approx(scipy_optimize.rosen(point), rel=1e-12)
    np.testing.assert_allclose(f.gradient(point), scipy_optimize.rosen_der(point), rtol=1e-11)
    np.testing.assert_allclose(f.hessian_dense(point, np.ones(1)),
                               scipy_optimize.rosen_hess(point), rtol=1e-11, atol=1e-9)


def test_model_expressions_compile_through_term_shapes_with_fixed_variables():
    x = [VarData(name=f"x[{i}]") for i in range(6)]
    x[5].value = 2.0
    rows = [sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(5)) + 3 * x[0],
            x[0] * x[1] - x[2]]
    columns = {v: j for j, v in enumerate(x[:5])}
    families, linear = collect_rows(rows, columns, {x[5]: 5})
    f = VectorFunction(2, 5, families, linear, fixed_values=np.array([2.0]))
    point = np.array([0.5, -0.2, 1.0, 0.3, 0.9])
    full = np.append(point, 2.0)
    scipy_optimize = pytest.importorskip("scipy.optimize")
    assert f.values(point)[0] == pytest.approx(scipy_optimize.rosen(full) + 1.5, rel=1e-12)
    assert f.values(point)[1] == pytest.approx(0.5 * -0.2 - 1.0)
    np.testing.assert_allclose(f.gradient(point)[:5] - f.jacobian_dense(point)[1],
                               scipy_optimize.rosen_der(full)[:5] + [3, 0, 0, 0, 0])
    np.testing.assert_allclose(f.hessian_dense(point, np.array([1.0, 0.0])),
                               scipy_optimize.rosen_hess(full)[:5, :5], rtol=1e-12)


def test_cache_reuses_derived_templates():
    x = sympy.symbols("a b")
    split_sympy_rows([sympy.cosh(x[0]) * x[1] ** 3], {x[0]: 0, x[1]: 1})
    before = cache.size()
    families, linear = split_sympy_rows([5 * sympy.cosh(x[1]) * x[0] ** 3], {x[0]: 0, x[1]: 1})
    VectorFunction(1, 2, families, linear)
    VectorFunction(1, 2, families, linear)
    assert cache.size() <= before + 1


def test_as_index_uses_slices_for_progressions():
    assert as_index(np.array([2, 4, 6])) == slice(2, 7, 2)
    assert isinstance(as_index(np.array([3, 1, 2])), np.ndarray)


def test_compile_minimize_constraints_in_scipy_form():
    x, y = sympy.symbols("x y")
    nlp = compile_minimize(x ** 2 + y, [x, y], [1.0, 1.0],
                           constraints=[x + y >= 1, sympy.Eq(x * y, 2), x - y <= 4],
                           bounds={x: (0, None)}, sense="max")
    assert nlp.fun(np.array([1.0, 2.0])) == -3.0
    cons = nlp.constraints_scipy()
    assert [c["type"] for c in cons] == ["eq", "ineq"]
    point = np.array([1.0, 2.0])
    np.testing.assert_allclose(cons[0]["fun"](point), [0.0])
    np.testing.assert_allclose(cons[1]["fun"](point), [2.0, 5.0])
    np.testing.assert_allclose(cons[1]["jac"](point), [[1, 1], [-1, 1]])
    assert nlp.bounds() == [(0.0, None), (None, None)]


def test_unknown_symbol_is_named():
    x, a = sympy.symbols("x a")
    with pytest.raises(CompileError, match="a"):
        compile_minimize(a * x ** 2, [x], [1.0])


def test_non_square_system_is_refused():
    x, y = sympy.symbols("x y")
    with pytest.raises(InputError, match="2 equations in 1 unknowns"):
        compile_equations([x - 1, x ** 2 - 1], [x], [0.0])
    with pytest.raises(InputError, match="not inequalities"):
        compile_equations([x >= 1], [x], [0.0])


def test_fit_jacobian_matches_finite_differences():
    a, k, c, t = sympy.symbols("a k c t")
    ts = np.linspace(0, 3, 15)
    fit = compile_fit(a * sympy.exp(-k * t) + c * t ** 2 + 1, {t: ts}, np.zeros(15), [a, k, c],
                      [1.0, 0.3, 0.1])
    p = np.array([2.0, 0.5, -0.3])
    np.testing.assert_allclose(fit.predict(p), 2 * np.exp(-0.5 * ts) - 0.3 * ts ** 2 + 1)
    eps = 1e-7
    fd = np.column_stack([(fit.predict(p + eps * e) - fit.predict(p - eps * e)) / (2 * eps)
                          for e in np.eye(3)])
    np.testing.assert_allclose(fit.model.jacobian_dense(p), fd, rtol=1e-6, atol=1e-8)


def test_lagrangian_hessian_matches_sympy():
    x, y = sympy.symbols("x y")
    f, g1, g2 = x ** 3 * y + sympy.exp(y), x * y ** 2, sympy.sin(x) + y ** 2
    nlp = compile_minimize(f, [x, y], [0.0, 0.0], constraints=[g1 >= 1, sympy.Eq(g2, 0)], sense="max")
    point, lam = np.array([0.7, -0.3]), np.array([2.0, -1.5])
    lagrangian = -f - lam[0] * g1 - lam[1] * g2
    expected = [[float(sympy.diff(lagrangian, a, b).subs({x: 0.7, y: -0.3})) for b in (x, y)]
                for a in (x, y)]
    np.testing.assert_allclose(nlp.lagrangian_hessian(point, lam), expected, rtol=1e-12)


def test_every_model_function_differentiates_correctly():
    from symopt.model import functions as fn
    x = [VarData(name=f"x[{i}]") for i in range(3)]
    terms = [fn.exp(x[0] * x[1]), fn.log(1 + x[2] ** 2), fn.log10(2 + x[0]), fn.sin(x[1]) * x[2],
             fn.cos(x[0] - x[2]), fn.tan(0.3 * x[1]), fn.sqrt(4 + x[0] ** 2), fn.abs(x[2] - 0.1) ** 3,
             fn.tanh(x[0]), fn.sinh(x[1] / 3), fn.cosh(x[2] / 2), fn.asin(x[0] / 3), fn.acos(x[1] / 4),
             fn.atan(x[2]), fn.erf(x[0]), 2 / (1 + x[1] ** 2), x[0] ** 2.5 + x[1] ** -2]
    rows = [sum(terms[:9]), sum(terms[9:])]
    f = VectorFunction(2, 3, *collect_rows(rows, {v: j for j, v in enumerate(x)}))
    point = np.array([0.4, 0.9, -0.6])
    for v, value in zip(x, point):
        v.value = float(value)
    from symopt.model.terms import evaluate
    np.testing.assert_allclose(f.values(point), [evaluate(r) for r in rows], rtol=1e-12)
    eps = 1e-6
    fd = np.column_stack([(f.values(point + eps * e) - f.values(point - eps * e)) / (2 * eps)
                          for e in np.eye(3)])
    np.testing.assert_allclose(f.jacobian_dense(point), fd, rtol=1e-7, atol=1e-8)
    g = lambda p: f.jacobian_dense(p)[0]
    fd_hess = np.column_stack([(g(point + eps * e) - g(point - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(f.hessian_dense(point, np.array([1.0, 0.0])), fd_hess, rtol=1e-6, atol=1e-7)
