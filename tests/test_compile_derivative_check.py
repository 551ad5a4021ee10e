"""symopt.check_derivatives: user derivatives against the exact ones (or finite differences)."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import symopt
from symopt.errors import InputError
from symopt.model import Model, Objective, Var

x, y = sp.symbols("x y")
ROSENBROCK = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def rosen_grad(v):
    return np.array([-2 * (1 - v[0]) - 400 * v[0] * (v[1] - v[0] ** 2), 200 * (v[1] - v[0] ** 2)])


def rosen_hess(v):
    return np.array([[2 - 400 * v[1] + 1200 * v[0] ** 2, -400 * v[0]], [-400 * v[0], 200.0]])


def test_correct_derivatives_pass_against_the_exact_ones():
    check = symopt.check_derivatives(ROSENBROCK, rosen_grad, rosen_hess, x=[-1.2, 1.0],
                                     variables=[x, y])
    assert check.ok and check.reference == "exact"
    assert [c.name for c in check.comparisons] == ["gradient", "hessian"]
    assert all(c.max_error < 1e-10 for c in check.comparisons)


def test_a_wrong_hessian_entry_is_named():
    def bad_hess(v):
        h = rosen_hess(v)
        h[0, 1] = h[1, 0] = -399 * v[0]   # a typo: 399 for 400
        return h
    check = symopt.check_derivatives(ROSENBROCK, rosen_grad, bad_hess, x=[-1.2, 1.0],
                                     variables=[x, y])
    assert not check.ok
    hessian = check.comparisons[1]
    assert not hessian.ok and hessian.worst == "x, y"
    assert hessian.reference == pytest.approx(480.0) and hessian.given == pytest.approx(478.8)
    assert "hessian: WRONG at x, y: 478.8, the exact value is 480" in str(check)


def test_a_model_objective_uses_the_model_names():
    m = Model("m")
    m.z = Var(range(3))
    m.f = Objective(expr=sum((i + 1) * m.z[i] ** 3 for i in range(3)))
    wrong = lambda v: np.array([3 * v[0] ** 2, 6 * v[1] ** 2, 6 * v[2] ** 2])  # noqa: E731
    check = symopt.check_derivatives(m, wrong, x=[1.0, 1.0, 1.0])
    assert check.comparisons[0].worst == "z[2]" and check.comparisons[0].reference == 9.0


def test_a_plain_callable_is_checked_by_finite_differences():
    fun = lambda v: float(np.sum(np.sin(v) * v))  # noqa: E731
    grad = lambda v: np.sin(v) + v * np.cos(v)  # noqa: E731
    check = symopt.check_derivatives(fun, grad, x=[0.3, -1.1, 2.0])
    assert check.ok and check.reference == "finite differences"
    assert not symopt.check_derivatives(fun, lambda v: np.sin(v), x=[0.3, -1.1, 2.0]).ok


def test_mistakes_are_clear_errors():
    with pytest.raises(InputError, match="needs variables"):
        symopt.check_derivatives(ROSENBROCK, rosen_grad, x=[0.0, 0.0])
    with pytest.raises(InputError, match="needs the point x"):
        symopt.check_derivatives(ROSENBROCK, rosen_grad, variables=[x, y])
    with pytest.raises(InputError, match=r"returned shape \(3,\); expected \(2,\)"):
        symopt.check_derivatives(ROSENBROCK, lambda v: [1, 2, 3], x=[0.0, 0.0], variables=[x, y])
    with pytest.raises(InputError, match="needs jac or hess"):
        symopt.check_derivatives(ROSENBROCK, x=[0.0, 0.0], variables=[x, y])
