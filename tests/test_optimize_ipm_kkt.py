"""The NLP interior point's KKT factorization: qdldl while its factor is small, SuperLU's
supernodes once it fills (symopt.optimize._nonlinear.ipm_kkt)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from symopt.optimize import LinearConstraint, minimize
from symopt.optimize._linear.normal_equations import _QDLDL, _SuperLU
from symopt.optimize._nonlinear import ipm_kkt


def random_kkt(n: int, m: int, seed: int = 0) -> tuple[sp.csc_matrix, sp.csc_matrix]:
    """A random quasi-definite KKT matrix [[H + I, A^T], [A, -I]] (n positive and m
    negative eigenvalues): its upper triangle, as the interior point factorizes it, and
    the full matrix."""
    rng = np.random.default_rng(seed)
    b = sp.random(n, n, density=3 / n, random_state=rng)
    a = sp.random(m, n, density=4 / n, random_state=rng)
    full = sp.bmat([[b.T @ b + sp.eye(n), a.T], [a, -sp.eye(m)]]).tocsc()
    return sp.triu(full).tocsc(), full


@pytest.mark.parametrize("fill", [10**12, 0])
def test_both_factorizations_give_the_inertia_and_the_solution(monkeypatch, fill):
    monkeypatch.setattr(ipm_kkt, "SUPERNODAL_FILL", fill)
    upper, full = random_kkt(300, 100)
    kkt = ipm_kkt.KKTMatrix(300, 100)
    assert kkt.factorize(upper) == (300, 100, 0)
    assert isinstance(kkt._solver, _QDLDL if fill else _SuperLU)
    rhs = np.arange(400.0)
    np.testing.assert_allclose(full @ kkt.solve(rhs), rhs, atol=1e-8)


def test_a_factor_past_the_fill_limit_moves_to_superlu_and_stays(monkeypatch):
    upper, _ = random_kkt(300, 100)
    fill = _fill(upper)
    monkeypatch.setattr(ipm_kkt, "SUPERNODAL_FILL", fill)
    kkt = ipm_kkt.KKTMatrix(300, 100)
    kkt.factorize(upper)
    assert isinstance(kkt._solver, _QDLDL)          # at the limit: qdldl
    monkeypatch.setattr(ipm_kkt, "SUPERNODAL_FILL", fill - 1)
    for _ in range(2):
        assert kkt.factorize(upper) == (300, 100, 0)
        assert isinstance(kkt._solver, _SuperLU)


def _fill(upper: sp.csc_matrix) -> int:
    solver = _QDLDL()
    solver.factor(upper)
    return solver.fill


def test_a_qp_solved_through_superlu_matches_qdldl(monkeypatch):
    rng = np.random.default_rng(3)
    n, m = 200, 60
    b = sp.random(n, n, density=3 / n, random_state=rng)
    hessian = (b.T @ b + 0.1 * sp.eye(n)).tocsc()
    q = rng.normal(size=n)
    a = sp.random(m, n, density=4 / n, random_state=rng).tocsc()
    x_feasible = rng.uniform(-0.5, 0.5, n)
    rows = LinearConstraint(a, a @ x_feasible - 0.1, a @ x_feasible + 0.1)
    answers = []
    for fill in (10**12, 0):
        monkeypatch.setattr(ipm_kkt, "SUPERNODAL_FILL", fill)
        res = minimize(lambda x: 0.5 * x @ (hessian @ x) + q @ x, np.zeros(n),
                       jac=lambda x: hessian @ x + q, method="interior-point",
                       bounds=[(-1, 1)] * n, constraints=[rows],
                       options={"lagrangian_hess": lambda x, sigma, v: sigma * hessian,
                                "tol": 1e-10})
        assert res.status == 0
        answers.append(res)
    assert answers[0].fun == pytest.approx(answers[1].fun, rel=1e-10)
    assert answers[0].nit == answers[1].nit
