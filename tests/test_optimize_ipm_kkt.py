"""The interior point's KKT factorization (equilibration, refinement of pivot-shifted factors,
when the constraint block is regularized, qdldl while its factor is small and SuperLU's
supernodes once it fills), its start and its filter reset, checked on the COPS instances
whose iterations they brought to IPOPT's (symopt.optimize._nonlinear.ipm_*)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import symopt
from symopt.optimize import LinearConstraint, minimize
from symopt.optimize._linear.normal_equations import _QDLDL, _SuperLU
from symopt.optimize._nonlinear import ipm_kkt
from symopt.optimize._nonlinear.ipm_barrier import BarrierProblem
from symopt.optimize._nonlinear.ipm_kkt import InertiaCorrector, KKTMatrix, _equilibration
from symopt.optimize._nonlinear.ipm_linesearch import (
    FILTER_RESET_TRIGGER, MAX_FILTER_RESETS, Filter,
)
from symopt.optimize._nonlinear.ipm_newton import NewtonSteps
from symopt.optimize._nonlinear.ipm_problem import RowFunctions
from symopt.optimize._nonlinear.objective import Objective

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import cops_models  # noqa: E402

# CasADi 3.7 + IPOPT 3.14 (MUMPS), default options: iterations and optimal heights
IPOPT_ROCKET = {100: (21, 1.0128317), 500: (35, 1.012835), 2500: (30, 1.0128282)}


def _full(upper: sp.csc_matrix) -> np.ndarray:
    dense = upper.toarray()
    return dense + dense.T - np.diag(np.diag(dense))


def _kkt(hessian: list[list[float]], jacobian: list[list[float]]) -> tuple:
    h = sp.coo_matrix(np.tril(np.array(hessian, float)))
    a = sp.coo_matrix(np.array(jacobian, float))
    return h, a, KKTMatrix(h.shape[0], a.shape[0])


def test_equilibration_brings_every_row_near_one_and_keeps_zero_rows():
    """Entries from 1e-3 to 1e15 (a bound gap of 1e-8 next to unit Jacobian entries)."""
    dense = np.array([[1e15, 0.0, 1.0, 0.0], [0.0, 1e-3, 2.0, 0.0],
                      [1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    upper = sp.csc_matrix(np.triu(dense))
    columns = np.repeat(np.arange(4), np.diff(upper.indptr))
    scale = _equilibration(upper, columns)
    scaled = scale[:, None] * dense * scale[None, :]
    row_max = np.abs(scaled[:3]).max(axis=1)
    assert np.all(row_max <= 1.0 + 1e-12) and np.all(row_max >= 0.5)
    assert scale[3] == 1.0


def test_convexifying_a_matrix_with_zero_pivots_leaves_the_constraint_block_alone():
    """``min -x0^2`` on ``x0 + x1 = 1``: the reduced Hessian is negative, so ``delta_w`` > 0;
    the matrix has zero diagonal entries (x1, the row) that stop qdldl without a shift, but
    it is regular: ``delta_c`` stays 0 (IPOPT's Algorithm IC regularizes the constraints
    only for a singular matrix; it used to get ``1e-8 mu^(1/4)``) and the solve is that
    of the unshifted ``delta_w`` matrix."""
    h, a, kkt = _kkt([[-1.0, 0.0], [0.0, 0.0]], [[1.0, 1.0]])
    corrector = InertiaCorrector(kkt)
    assert corrector.factorize(h, np.zeros(2), a, mu=0.1)
    assert corrector.delta_w > 0 and corrector.delta_c == 0.0
    rhs = np.array([1.0, -2.0, 0.5])
    x = kkt.solve(rhs)
    exact = _full(kkt.assemble(h, np.array([corrector.delta_w] * 2 + [0.0]), a))
    np.testing.assert_allclose(exact @ x, rhs, atol=1e-12)
    assert kkt.accurate


def test_a_rank_deficient_jacobian_is_reported_so_the_constraints_get_regularized():
    """Two copies of one row and inconsistent right-hand sides: no solve is accurate, which
    `NewtonSteps.direction` reads as a singular matrix; with ``singular=True`` the corrector
    adds ``delta_c`` and the solve is finite."""
    h, a, kkt = _kkt([[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]])
    corrector = InertiaCorrector(kkt)
    rhs = np.array([0.0, 0.0, 1.0, 2.0])
    assert corrector.factorize(h, np.zeros(2), a, mu=0.1)
    kkt.solve(rhs)
    assert not kkt.accurate
    assert corrector.factorize(h, np.zeros(2), a, mu=0.1, singular=True)
    assert corrector.delta_c == pytest.approx(1e-8 * 0.1 ** 0.25)
    assert np.all(np.isfinite(kkt.solve(rhs)))


def test_the_pivot_shift_is_taken_in_the_equilibrated_scale():
    """A constraint pins a variable whose bound term is 1e14 (a gap of 1e-8): equilibration
    scales that row up by 1e7, so a shift of 1e-9 added before scaling would become 1e5
    there and refinement could not undo it. Shifted in the scaled matrix, the solve meets
    the constraint row to rounding."""
    h, a, kkt = _kkt([[1e14, 0.0], [0.0, 0.0]], [[1.0, 0.0], [1.0, 1.0]])
    corrector = InertiaCorrector(kkt)
    assert corrector.factorize(h, np.zeros(2), a, mu=0.1)
    rhs = np.array([3e6, 1.0, 2e-8, 0.5])
    x = kkt.solve(rhs)
    exact = _full(kkt.assemble(h, np.zeros(4), a))
    residual = exact @ x - rhs
    assert abs(residual[2]) <= 1e-20 and abs(residual[3]) <= 1e-15


def test_slacks_start_at_the_rows_of_the_point_pushed_inside_its_bounds():
    """x0 = 0 on its bound 0 <= x <= 1 moves to 0.01 (IPOPT's bound push); the slack of the
    row x <= 5 starts at the row's value there (Wächter & Biegler 2006, section 3.6), not at
    the row's value 0 at the user's x0."""
    x0 = np.zeros(1)
    obj = Objective(lambda x: float(x[0]), x0, jac=lambda x: np.ones(1))
    rows = RowFunctions.from_constraints(LinearConstraint([[1.0]], -np.inf, 5.0), x0)
    problem = BarrierProblem(obj, rows, np.zeros(1), np.ones(1), None, x0)
    start = NewtonSteps(problem, 1e-8, 0.1, False, 6).start(x0)
    np.testing.assert_allclose(start.w, [0.01, 0.01], rtol=1e-6)


def test_polygon_reaches_ipopts_optimum():
    """COPS polygon with 25 sides: with the shift taken before scaling, the step missed the
    linear equality ``theta[24] = pi`` by 3.5e-8 at iteration 4 and the path went to the
    local optimum 0.71974 (with the slacks started at the user's point, from iteration 1)."""
    model = cops_models.SymoptBuilder("polygon").build(cops_models.polygon, 25)
    solution = symopt.solve(model, method="interior-point")
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(0.72686845, rel=1e-6)   # CasADi + IPOPT 3.14
    assert solution.iterations <= 2 * 42


def test_the_filter_resets_after_successive_rejections_by_the_filter():
    """IPOPT's heuristic: five line searches in a row whose last rejection was the filter's
    empty the filter; another reason in between restarts the count; five resets at most."""
    filt = Filter(1e4, 1e-4)
    for reset in range(MAX_FILTER_RESETS + 1):
        filt.add(1.0, 1.0)
        for _ in range(FILTER_RESET_TRIGGER - 1):
            filt.note_line_search(True)
        filt.note_line_search(False)
        filt.note_line_search(True)
        assert filt.pairs                     # the count restarted
        for _ in range(FILTER_RESET_TRIGGER - 1):
            filt.note_line_search(True)
        assert bool(filt.pairs) == (reset >= MAX_FILTER_RESETS)
    assert filt.resets == MAX_FILTER_RESETS


def test_electrons_take_ipopts_iterations():
    """COPS electrons on a sphere, 50 of them: from iteration 24 on the filter cut the steps
    to 1e-3 and below until restoration (123 iterations); IPOPT resets its filter after five
    such line searches and takes the full step (52 iterations, as ours now)."""
    model = cops_models.SymoptBuilder("elec").build(cops_models.elec, 50)
    solution = symopt.solve(model, method="interior-point")
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(1055.1823, rel=1e-6)    # CasADi + IPOPT 3.14
    assert solution.iterations <= 2 * 52


def _rocket(size: int):
    model = cops_models.SymoptBuilder("rocket").build(cops_models.rocket, size)
    return symopt.solve(model, method="interior-point")


def test_rocket_takes_no_more_than_twice_ipopts_iterations():
    """COPS Goddard rocket, 100 intervals: equalities hold states at their bounds, so bound
    gaps of 1e-8 put 1e15 next to 1 in the KKT matrix and the Jacobian rows meet zero pivots.
    An unscaled, pivot-shifted qdldl factor with plain refinement gave steps wrong by 50%
    at relative residuals of 5e-11: 55 iterations with a restoration phase. Equilibrated and
    refined by GMRES the iterates follow IPOPT's (21)."""
    iterations, height = IPOPT_ROCKET[100]
    solution = _rocket(100)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(height, rel=1e-6)
    assert solution.iterations <= 2 * iterations


@pytest.mark.slow
@pytest.mark.parametrize("size", [500, 2500])
def test_larger_rockets_take_no_more_than_twice_ipopts_iterations(size):
    iterations, height = IPOPT_ROCKET[size]
    solution = _rocket(size)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(height, rel=1e-6)
    assert solution.iterations <= 2 * iterations


def random_kkt(n: int, m: int, seed: int = 0) -> tuple[ipm_kkt.KKTMatrix, sp.csc_matrix,
                                                      np.ndarray]:
    """A random quasi-definite KKT matrix [[H + I, A^T], [A, -I]] (n positive and m
    negative eigenvalues): the `KKTMatrix` holding its pattern, its upper triangle as the
    interior point factorizes it, and the full matrix."""
    rng = np.random.default_rng(seed)
    b = sp.random(n, n, density=3 / n, random_state=rng)
    a = sp.random(m, n, density=4 / n, random_state=rng).tocoo()
    hessian = sp.tril(b.T @ b).tocoo()
    kkt = ipm_kkt.KKTMatrix(n, m)
    upper = kkt.assemble(hessian, np.concatenate((np.ones(n), -np.ones(m))), a)
    full = sp.bmat([[b.T @ b + sp.eye(n), a.T], [a, -sp.eye(m)]]).toarray()
    return kkt, upper, full


@pytest.mark.parametrize("fill", [10**12, 0])
def test_both_factorizations_give_the_inertia_and_the_solution(monkeypatch, fill):
    monkeypatch.setattr(ipm_kkt, "SUPERNODAL_FILL", fill)
    kkt, upper, full = random_kkt(300, 100)
    assert kkt.factorize(upper) == (300, 100, 0)
    assert isinstance(kkt._solver, _QDLDL if fill else _SuperLU)
    rhs = np.arange(400.0)
    np.testing.assert_allclose(full @ kkt.solve(rhs), rhs, atol=1e-8)


def test_a_factor_past_the_fill_limit_moves_to_superlu_and_stays(monkeypatch):
    kkt, upper, _ = random_kkt(300, 100)
    kkt.factorize(upper)
    fill = kkt._solver.fill
    monkeypatch.setattr(ipm_kkt, "SUPERNODAL_FILL", fill)
    kkt.factorize(upper)
    assert isinstance(kkt._solver, _QDLDL)          # at the limit: qdldl
    monkeypatch.setattr(ipm_kkt, "SUPERNODAL_FILL", fill - 1)
    for _ in range(2):
        assert kkt.factorize(upper) == (300, 100, 0)
        assert isinstance(kkt._solver, _SuperLU)


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
