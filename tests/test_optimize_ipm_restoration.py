"""The interior point's restoration phases and bound handling (symopt.optimize._nonlinear.ipm_*)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import pytest

import symopt
from symopt.optimize import LinearConstraint, minimize
from symopt.optimize._nonlinear.ipm_barrier import relaxed
from symopt.optimize._nonlinear.ipm_restoration_l1 import RHO, _elastic_start

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import cops_models  # noqa: E402


def test_elastic_start_is_the_barrier_optimum_for_fixed_w():
    """p - n = C with p, n > 0 and the barrier's stationarity 2 rho = mu/p + mu/n."""
    c = np.array([-3.0, -1e-6, 0.0, 1e-6, 2.5])
    mu = 0.1
    p, n = _elastic_start(c, mu)
    assert np.all(p > 0) and np.all(n > 0)
    np.testing.assert_allclose(p - n, c, atol=1e-15)
    np.testing.assert_allclose(mu / p + mu / n, 2 * RHO, rtol=1e-9)


def test_relaxed_bounds_move_outwards_by_1e_8_or_100_ulps_within_the_cap():
    finite = np.array([0.0, 1.0, 127.0, -1e9])
    lower = relaxed(finite, -1.0, 1.0)
    np.testing.assert_allclose((finite - lower)[:3], 1e-8, rtol=1e-5)   # 127 - 1e-8 rounds
    assert finite[3] - lower[3] == pytest.approx(100 * np.finfo(float).eps * 1e9, rel=1e-2)
    assert finite[3] - relaxed(finite, -1.0, 1e-6)[3] == pytest.approx(1e-6, rel=0.1)  # ulp 1.2e-7
    assert np.all(relaxed(finite, 1.0, 1e-12) - finite <= 1.1e-12)
    infinite = relaxed(np.array([np.inf, -np.inf]), -1.0, 1.0)
    assert infinite[0] == np.inf and infinite[1] == -np.inf


def test_equality_pinning_a_variable_at_its_bound_is_solved():
    """x0 = 0 forced by an equality while x0 >= 0 (the COPS rocket's pattern): the relaxed
    bound keeps a positive gap; the answer is the projection onto the line."""
    res = minimize(lambda x: (x[0] - 1) ** 2 + (x[1] - 2) ** 2, [0.5, 0.5],
                   jac=lambda x: 2 * (x - [1, 2]), hess=lambda x: 2 * np.eye(2),
                   method="interior-point", bounds=[(0, None), (0, None)],
                   constraints=LinearConstraint([[1, 0]], 0, 0))
    assert res.status == 0
    np.testing.assert_allclose(res.x, [0, 2], atol=1e-7)


def test_cam_shape_needs_the_elastic_restoration():
    """COPS cam shape with 1000 radii: the line search fails at iteration 5 with steps cut to
    1e-7 by slacks near their narrow bounds, where a Gauss-Newton restoration cannot move;
    the elastic restoration problem recovers and the solve reaches IPOPT's optimum."""
    model = cops_models.SymoptBuilder("camshape").build(cops_models.camshape, 1000)
    solution = symopt.solve(model, method="interior-point")
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(4.279065, rel=1e-6)   # CasADi + IPOPT 3.14


def test_complementarity_ignores_a_side_passed_within_a_relaxed_bound():
    """A row 1e-8 past its bound (the interior point's relaxation) with a large multiplier is
    binding: complementarity 0 (the violation is the feasibility residual's business), while
    a large multiplier on a row 0.5 inside its bound still counts."""
    from types import SimpleNamespace
    from symopt.solution.optimality import _complementarity
    nlp = SimpleNamespace(sign=1.0, row_lower=np.array([0.0, 0.0]),
                          row_upper=np.array([np.inf, np.inf]))
    duals = np.array([1e5, 0.0])
    jacobian = sp.identity(2, format="csc")
    assert _complementarity(nlp, np.array([-1e-8, 3.0]), duals, jacobian, 1.0) == 0.0
    assert _complementarity(nlp, np.array([0.5, 3.0]), duals, jacobian, 1.0) == pytest.approx(5e4)


def test_restoration_iterations_count_in_nit_as_ipopt_counts_them():
    """A start where the line search fails enters restoration; its iterations are part of
    ``nit`` (``nit_restoration`` of them), so iteration counts compare with IPOPT's."""
    import numpy as np
    from symopt.optimize import NonlinearConstraint, minimize
    # x^2 + y^2 = 1 and x = 2: infeasible, so restoration runs and ends locally infeasible
    rows = NonlinearConstraint(lambda x: np.array([x[0] ** 2 + x[1] ** 2, x[0]]), [1, 2], [1, 2],
                               jac=lambda x: np.array([[2 * x[0], 2 * x[1]], [1.0, 0.0]]))
    res = minimize(lambda x: x[0] + x[1], [0.5, 0.5], jac=lambda x: np.ones(2),
                   method="interior-point", constraints=rows)
    assert res.restorations >= 1 and res.nit_restoration >= 1
    # the log has one entry per point outside restoration: the start and each iteration's end
    assert res.nit == len(res.log) - 1 + res.nit_restoration
