"""HiGHS as the default engine: status table, errors, engine agreement, warm starts.

Engine agreement: on known-answer LPs (random ones and small Netlib problems) the native
simplex and HiGHS give the same objective and duals, and symopt's ranging from HiGHS's
basis agrees with HiGHS's own ranging (getRanging) where both define a number.
"""
from __future__ import annotations

import highspy
import numpy as np
import pytest

from conftest import NETLIB_DIR
from symopt.optimize import linprog, solve_lp
from symopt.optimize._linear import highs as engine
from symopt.optimize.linear_program import BasisStatus, LinearProgram

NETLIB = ["AFIRO", "SC50A", "SC50B", "ADLITTLE", "BLEND", "KB2", "SHARE2B", "BOEING2", "E226"]


def random_lp(seed: int, m: int = 12, n: int = 18) -> LinearProgram:
    rng = np.random.default_rng(seed)
    A = rng.uniform(-1, 3, (m, n)) * (rng.random((m, n)) < 0.6)
    return LinearProgram.from_arrays(c=rng.uniform(-5, 5, n), A=A,
                                     row_lower=np.full(m, -np.inf),
                                     row_upper=rng.uniform(5, 20, m),
                                     col_upper=rng.uniform(1, 4, n),
                                     sense="max" if seed % 2 else "min")


def netlib(name: str) -> LinearProgram:
    path = NETLIB_DIR / "mps" / f"{name.lower()}.mps"
    if not path.exists():
        candidates = list((NETLIB_DIR / "mps").glob(f"{name.lower()}*"))
        if not candidates:
            pytest.skip(f"Netlib {name} not present")
        path = candidates[0]
    from symopt.io import read
    return read(path)


def test_every_highs_model_status_maps_to_exactly_one_symopt_status():
    members = set(highspy.HighsModelStatus.__members__)
    assert members == set(engine.STATUS_TABLE)
    assert {code for code, _ in engine.STATUS_TABLE.values()} == {0, 1, 2, 3, 4}


def test_a_highs_error_is_a_status_never_an_exception(monkeypatch):
    def broken(self):
        raise highspy.HighsError("run", highspy.HighsStatus.kError)
    monkeypatch.setattr(highspy.Highs, "run", broken)
    res = linprog([1, 1], A_ub=[[-1, -1]], b_ub=[-1], method="highs")
    assert res.status == 4 and "HiGHS failed" in res.message and res.x is None
    fallback = linprog([1, 1], A_ub=[[-1, -1]], b_ub=[-1])   # the default tries the simplex
    assert fallback.status == 0 and "after highs: HiGHS failed" in fallback.message


@pytest.mark.parametrize("seed", range(6))
def test_native_and_highs_agree_on_objective_duals_and_ranging(seed):
    lp = random_lp(seed)
    native, highs = solve_lp(lp, method="simplex"), solve_lp(lp)
    assert native.status == highs.status == 0 and highs.method == "highs"
    assert highs.fun == pytest.approx(native.fun, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(highs.row_dual, native.row_dual, atol=1e-8)
    np.testing.assert_allclose(highs.col_dual, native.col_dual, atol=1e-8)
    for key in ("cost_lower", "cost_upper", "rhs_lower", "rhs_upper"):
        np.testing.assert_allclose(highs.sensitivity[key], native.sensitivity[key],
                                   rtol=1e-7, atol=1e-8)


def as_infinities(values) -> np.ndarray:
    """HiGHS's +-1e30 as numpy infinities."""
    values = np.array(values, dtype=float)
    values[values >= 1e30], values[values <= -1e30] = np.inf, -np.inf
    return values


def highs_ranging(lp: LinearProgram):
    h = engine.new_highs()
    h.passModel(engine.highs_model(lp))
    h.run()
    return h.getRanging()[1]


@pytest.mark.skipif(not (NETLIB_DIR / "mps").exists(), reason="shared Netlib data not present")
@pytest.mark.parametrize("name", NETLIB)
def test_symopt_ranging_on_highs_basis_agrees_with_highs_ranging_on_netlib(name):
    from symopt.optimize._linear.ranging import compute_sensitivity
    lp = netlib(name)
    res = solve_lp(lp)
    assert res.status == 0 and res.sensitivity is not None
    ranged_rows = (np.isfinite(lp.row_lower) & np.isfinite(lp.row_upper)
                   & (lp.row_lower < lp.row_upper))
    translated = res.sensitivity                     # the default route: HiGHS's getRanging
    res.sensitivity = compute_sensitivity(lp, res.col_basis, res.row_basis, res.x)  # symopt's
    for key in ("cost_lower", "cost_upper", "rhs_value", "rhs_lower", "rhs_upper"):
        keep = ~ranged_rows if key.startswith("rhs") else slice(None)
        np.testing.assert_allclose(translated[key][keep], res.sensitivity[key][keep],
                                   rtol=1e-6, atol=1e-7)
    ranging = highs_ranging(lp)            # of the minimisation HiGHS solved
    down, up = (np.array(r.value_)[:lp.num_cols] for r in (ranging.col_cost_dn,
                                                            ranging.col_cost_up))
    if lp.sense == "max":
        down, up = -up, -down
    for ours, theirs in ((res.sensitivity.cost_lower, down), (res.sensitivity.cost_upper, up)):
        theirs = as_infinities(theirs)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)   # every column
    # right-hand sides of binding one-sided rows (a ranged row's RHS range: HiGHS stops it
    # at the row's other bound, symopt does not)
    binding = (res.row_basis != BasisStatus.BASIC) & ~(np.isfinite(lp.row_lower)
                                                        & np.isfinite(lp.row_upper)
                                                        & (lp.row_lower < lp.row_upper))
    for ours, theirs in ((res.sensitivity.rhs_lower, ranging.row_bound_dn.value_),
                         (res.sensitivity.rhs_upper, ranging.row_bound_up.value_)):
        theirs = np.array(theirs)[:lp.num_rows]
        theirs = as_infinities(theirs)
        np.testing.assert_allclose(ours[binding], theirs[binding], rtol=1e-6, atol=1e-7)


@pytest.mark.skipif(not (NETLIB_DIR / "mps").exists(), reason="shared Netlib data not present")
@pytest.mark.parametrize("name", NETLIB)
def test_highs_duals_are_the_duals_of_its_basis_on_netlib(name):
    from symopt.optimize._linear.ranging import BasisFactor
    lp = netlib(name)
    res = solve_lp(lp)
    head = np.flatnonzero(np.concatenate([res.col_basis, res.row_basis]) == BasisStatus.BASIC)
    cost = np.concatenate([lp.c, np.zeros(lp.num_rows)]) * (1 if lp.sense == "min" else -1)
    y = BasisFactor(lp.A, head).solve(cost[head], transpose=True)
    scale = max(1.0, np.abs(y).max())
    np.testing.assert_allclose((1 if lp.sense == "min" else -1) * y, res.row_dual,
                               atol=1e-7 * scale)


def test_infeasible_and_unbounded_carry_certificates():
    infeasible = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 1]],
                                           row_lower=[-np.inf, 5], row_upper=[3, np.inf])
    res = solve_lp(infeasible)
    assert res.status == 2
    np.testing.assert_allclose(res.farkas, solve_lp(infeasible, method="simplex").farkas)
    unbounded = LinearProgram.from_arrays(c=[-1, -1], A=[[1, -1]], row_lower=[-np.inf],
                                          row_upper=[1])
    res = solve_lp(unbounded)
    assert res.status == 3 and res.ray is not None
    assert lp_improves_along(unbounded, res.ray)


def lp_improves_along(lp: LinearProgram, ray: np.ndarray) -> bool:
    return bool(lp.c @ ray < 0 and np.all(lp.A @ ray <= 1e-9) and np.all(ray >= -1e-9))


def test_warm_start_basis_reaches_the_same_optimum_in_fewer_iterations():
    lp = random_lp(3, m=60, n=90)
    first = solve_lp(lp)
    changed = LinearProgram.from_arrays(lp.c, lp.A, lp.row_lower, lp.row_upper * 1.01,
                                        lp.col_lower, lp.col_upper, sense=lp.sense)
    cold = solve_lp(changed)
    warm = solve_lp(changed, options={"basis": (first.col_basis, first.row_basis)})
    assert warm.status == cold.status == 0
    assert warm.fun == pytest.approx(cold.fun, rel=1e-9)
    assert warm.nit < cold.nit


def test_solve_with_warm_start_reuses_the_basis_after_a_param_change():
    import symopt
    from symopt import Constraint, Model, NonNegativeReals, Objective, Param, Set, Var
    rng = np.random.default_rng(0)
    m = Model("transport")
    m.I, m.J = Set(list(range(12))), Set(list(range(12)))
    m.cost = Param(m.I, m.J, initialize={(i, j): float(rng.integers(1, 100))
                                         for i in range(12) for j in range(12)})
    m.cap = Param(m.I, initialize={i: 40.0 for i in range(12)}, mutable=True)
    m.x = Var(m.I, m.J, domain=NonNegativeReals)
    m.obj = Objective(expr=symopt.quicksum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J))
    m.supply = Constraint(m.I, rule=lambda m, i: symopt.quicksum(m.x[i, j] for j in m.J)
                          <= m.cap[i])
    m.demand = Constraint(m.J, rule=lambda m, j: symopt.quicksum(m.x[i, j] for i in m.I)
                          >= 30)
    symopt.solve(m, warm_start=True)
    m.cap[3] = 10.0
    warm = symopt.solve(m, warm_start=True)
    cold = symopt.solve(m)
    assert warm.status == cold.status == "optimal"
    assert warm.objective == pytest.approx(cold.objective)
    assert warm.iterations < cold.iterations


def test_options_are_checked():
    from symopt.errors import InputError
    with pytest.raises(InputError, match="unknown option 'bogus'"):
        linprog([1], options={"bogus": 1})
    with pytest.raises(InputError, match="nonnegative"):
        linprog([1], options={"time_limit": -1})


def test_iis_runs_only_when_asked_and_names_the_subset(tmp_path, capsys):
    import symopt
    from symopt.cli import main
    from symopt.io import write
    lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 0], [0, 1]],
                                   row_lower=[3, -np.inf, -np.inf], row_upper=[np.inf, 1, 1],
                                   row_names=("need", "cap_x", "cap_y"), col_names=("x", "y"))
    solution = symopt.solve(lp)
    assert solution.status == "infeasible" and solution.infeasibility is None
    info = solution.iis()
    assert sorted(info.constraints) == ["cap_x", "cap_y", "need"]
    assert "contradiction" in info.explanation and solution.infeasibility is info
    path = tmp_path / "plan.mps"
    write(lp, path)
    main(["solve", str(path)])
    assert "IIS:" not in capsys.readouterr().out
    main(["solve", str(path), "--explain-infeasible"])
    assert "IIS: constraints" in capsys.readouterr().out


def test_a_bad_warm_start_basis_is_an_input_error():
    from symopt.errors import InputError
    with pytest.raises(InputError, match="not a BasisStatus"):
        linprog([1, 1], A_ub=[[-1, -1]], b_ub=[-1], options={"basis": ([7, 7], [1])})
