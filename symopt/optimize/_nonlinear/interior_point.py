"""Interior point for nonlinear programs: a primal-dual barrier method of the IPOPT family.

Solves ``min f(x)  s.t.  cl <= c(x) <= cu,  lb <= x <= ub`` (Wächter & Biegler 2006): each
iteration takes a Newton step on the barrier problem's primal-dual equations (the KKT system
of :mod:`~symopt.optimize._nonlinear.ipm_kkt`, factorized by qdldl or SuperLU with inertia
correction), a filter line search with second-order corrections
(:mod:`~symopt.optimize._nonlinear.ipm_linesearch`), and falls back on a feasibility
restoration phase (:mod:`~symopt.optimize._nonlinear.ipm_restoration`). The barrier
parameter ``mu`` decreases monotonically (Fiacco-McCormick: ``mu <- max(tol/10, min(0.2 mu,
mu^1.5))`` once the barrier problem is solved to ``10 mu``). The problem is scaled at the
start point (:mod:`~symopt.optimize._nonlinear.ipm_barrier`).

**Relaxed bounds.** As IPOPT does, every finite bound (of a variable or of an inequality
row) is relaxed outwards by ``min(1e-8, tol)`` before the solve, so that a bound which an
equality forces to be active keeps a positive gap; the returned point may therefore lie up
to that much outside a bound (it counts in ``constr_violation``).

**Hessian.** Exact when ``lagrangian_hess(x, obj_factor, v)`` is given (the Hessian of
``obj_factor * f(x) + v @ c(x)``, ``v`` one multiplier per constraint row in the given order;
dense or any scipy.sparse matrix, the full matrix or its lower triangle), or when ``hess``
(the objective's) is a callable and every ``NonlinearConstraint`` has ``hess(x, v)``;
otherwise L-BFGS (:mod:`~symopt.optimize._nonlinear.ipm_lbfgs`).

**Multipliers.** ``v`` holds one array per given constraint with the convention of scipy's
``trust-constr``: ``grad f(x) + sum_k J_k(x)^T v_k - z = 0`` with ``z`` the bound multipliers
(``multipliers_bounds``: >= 0 at an active lower bound, <= 0 at an active upper bound). So
``v <= 0`` where a lower side ``lb <= c`` (or a dict's ``fun >= 0``) is active and ``v >= 0``
where an upper side is active. ``constraint_multipliers = -v`` is SLSQP's convention.

**Iterations.** ``nit`` counts every Newton iteration, those of the feasibility-restoration
phases included (``nit_restoration`` of them, in ``restorations`` phases), as IPOPT's
iteration count does; ``maxiter`` limits the iterations outside restoration.

**Statuses** (``success`` only for 0):

==  =====================================================================================
0   optimal: KKT conditions hold to ``tol`` (scaled, as IPOPT) and the violation <= ``constr_viol_tol``
1   iteration limit (``maxiter``)
2   acceptable: KKT conditions held to ``acceptable_tol`` for ``acceptable_iter`` iterations
    but ``tol`` was not reached (progress stalled)
3   numerical trouble: no usable search direction (not finite or not regularizable)
4   locally infeasible: restoration converged to a point of (locally) least violation
5   unbounded: the objective went below ``-1e20`` or ``|x|`` above ``1e20`` with feasible iterates
6   time limit (``time_limit`` seconds); the result is the last point, with its violation
7   restoration failed: no less infeasible point found, but infeasibility is not proven
99  ``callback`` raised ``StopIteration``
==  =====================================================================================

>>> import numpy as np
>>> from symopt.optimize import minimize, NonlinearConstraint
>>> circle = NonlinearConstraint(lambda x: x[0] ** 2 + x[1] ** 2, -np.inf, 1.0,
...                              jac=lambda x: 2 * x[None, :])
>>> res = minimize(lambda x: -x[0] - x[1], [0.0, 0.0], jac=lambda x: -np.ones(2),
...                method="interior-point", constraints=circle)
>>> res.status, np.round(res.x, 6), np.round(res.v[0], 6)
(0, array([0.707107, 0.707107]), array([0.707107]))
"""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize._nonlinear.ipm_barrier import BarrierProblem
from symopt.optimize._nonlinear.ipm_iterate import Iterate
from symopt.optimize._nonlinear.ipm_linesearch import Filter, line_search
from symopt.optimize._nonlinear.ipm_newton import DIVERGING, NewtonSteps
from symopt.optimize._nonlinear.ipm_problem import RowFunctions
from symopt.optimize._nonlinear.objective import Callback, Objective
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_interior_point", "MESSAGES"]

def minimize_interior_point(obj: Objective, x0: np.ndarray, *, callback: Callback,
                            bounds: tuple[np.ndarray, np.ndarray] | None = None,
                            constraints: Any = None, tol: float = 1e-8, maxiter: int = 3000,
                            acceptable_tol: float = 1e-6, acceptable_iter: int = 15,
                            constr_viol_tol: float = 1e-4, mu_init: float = 0.1,
                            time_limit: float | None = None,
                            lagrangian_hess: Callable | None = None,
                            hessian_approximation: str = "auto", lbfgs_memory: int = 6,
                            verbose: bool = False) -> OptimizeResult:
    """Minimise with the primal-dual interior-point method (see the module docstring).

    Options: ``tol`` (KKT tolerance, scaled as IPOPT's), ``maxiter``, ``acceptable_tol`` /
    ``acceptable_iter``, ``constr_viol_tol`` (largest violation of an optimal point, unscaled),
    ``mu_init``, ``time_limit`` (seconds), ``lagrangian_hess`` (the exact Hessian hook),
    ``hessian_approximation`` ('auto': exact when available, 'exact', 'limited-memory'),
    ``lbfgs_memory``, ``verbose`` (print the iteration log as it goes).
    """
    n = x0.size
    lb, ub = bounds if bounds is not None else (np.full(n, -np.inf), np.full(n, np.inf))
    rows = RowFunctions.from_constraints(constraints, x0)
    problem = BarrierProblem(obj, rows, lb, ub, lagrangian_hess, x0,
                             max_relax=min(float(constr_viol_tol), float(tol)))
    exact = _wants_exact(hessian_approximation, problem.has_hessian)
    run = NewtonSteps(problem, float(tol), float(mu_init), exact, int(lbfgs_memory))
    return solve(run, np.clip(x0, lb, ub), callback, maxiter=int(maxiter),
                 acceptable_tol=float(acceptable_tol), acceptable_iter=int(acceptable_iter),
                 constr_viol_tol=float(constr_viol_tol), time_limit=time_limit,
                 verbose=bool(verbose))


def _wants_exact(choice: str, available: bool) -> bool:
    key = str(choice).lower()
    if key not in ("auto", "exact", "limited-memory"):
        raise InputError(f"hessian_approximation must be 'auto', 'exact' or 'limited-memory', "
                         f"got {choice!r}")
    if key == "exact" and not available:
        raise InputError("hessian_approximation='exact' needs lagrangian_hess, or hess with a "
                         "hess on every NonlinearConstraint")
    return available if key == "auto" else key == "exact"


MESSAGES = {
    0: "Optimization terminated successfully (KKT conditions hold to tol)",
    1: "Iteration limit reached",
    2: "Solved to an acceptable level (acceptable_tol), not to tol",
    3: "Numerical trouble: no usable search direction",
    4: "Converged to a point of local infeasibility: the constraints cannot be satisfied "
       "near this point",
    5: "The problem seems unbounded: the objective decreases without limit",
    6: "Time limit reached",
    7: "Restoration phase failed to find a less infeasible point",
    99: "`callback` raised `StopIteration`.",
}
_ACCEPTABLE_VIOLATION = 1e-2


def solve(run: NewtonSteps, x0: np.ndarray, callback: Callback, *, maxiter: int,
          acceptable_tol: float, acceptable_iter: int, constr_viol_tol: float,
          time_limit: float | None, verbose: bool) -> OptimizeResult:
    """The interior-point loop (the statuses are in the module docstring)."""
    started = time.perf_counter()
    deadline = None if time_limit is None else started + float(time_limit)
    p = run.problem
    it = run.start(x0)
    theta0 = it.theta
    filt = Filter(1e4 * max(1.0, theta0), 1e-4 * max(1.0, theta0))
    k, acceptable, status, last = 0, 0, 1, {"alpha_pr": 0.0, "alpha_du": 0.0, "ls": 0}
    while True:
        err = it.error(run.bounds, 0.0)
        x = p.x_of(it.w)
        violation = p.violation(x)
        f_user = p.f_unscaled(it.w)
        _log(run, k, f_user, violation, err, last, verbose)
        if max(err) <= run.tol and violation <= constr_viol_tol:
            status = 0
            break
        acceptable = acceptable + 1 if (max(err) <= acceptable_tol
                                        and violation <= _ACCEPTABLE_VIOLATION) else 0
        if acceptable >= acceptable_iter:
            status = 2
            break
        if (f_user < -DIVERGING and violation <= constr_viol_tol) or \
                np.max(np.abs(x), initial=0.0) > DIVERGING:
            status = 5
            break
        if k >= maxiter:
            break
        if deadline is not None and time.perf_counter() > deadline:
            status = 6
            break
        run.update_barrier(it, filt)
        step = run.direction(it)
        if step is None:
            status = 3
            break
        found = line_search(p, it, step, run.bounds, run.mu, run.tau, filt, run.soc_solve)
        if found is None:
            out, new = run.restore(it, filt, deadline)
            if new is None:
                status = 4 if out.infeasible else 7
                it = Iterate(out.w, it.y, it.zl, it.zu, f=out.f, c=out.c, A=it.A)
                break
            it, last = new, {"alpha_pr": 0.0, "alpha_du": 0.0, "ls": "r"}
        else:
            w, alpha, f, c, h_type = found
            if h_type:
                filt.add(it.theta, it.barrier(run.bounds, run.mu))
            it = run.accept(it, step, w, alpha, f, c)
            last = {"alpha_pr": alpha, "alpha_du": run.last_alpha_z, "ls": h_type and "h" or "f"}
        k += 1
        if callback(p.x_of(it.w), p.f_unscaled(it.w)):
            status = 99
            break
    return _result(run, it, k, status, time.perf_counter() - started)


def _log(run: NewtonSteps, k: int, f: float, violation: float, err: tuple, last: dict,
         verbose: bool) -> None:
    entry = {"iter": k, "objective": f, "inf_pr": violation, "inf_du": err[0],
             "complementarity": err[2], "mu": run.mu, "delta_w": run.corrector.delta_w, **last}
    run.log.append(entry)
    if verbose:
        if k % 10 == 0:
            print("iter    objective    inf_pr   inf_du lg(mu)  lg(rg) alpha_du alpha_pr ls")
        rg = "-" if entry["delta_w"] == 0 else f"{np.log10(entry['delta_w']):.1f}"
        print(f"{k:4d} {f:14.7e} {violation:8.2e} {err[0]:8.2e} {np.log10(run.mu):6.1f} "
              f"{rg:>6} {entry['alpha_du']:8.2e} {entry['alpha_pr']:8.2e} {entry['ls']}")


def _result(run: NewtonSteps, it: Iterate, k: int, status: int,
            elapsed: float) -> OptimizeResult:
    p = run.problem
    x = p.x_of(it.w)
    g = p.obj.grad(x)
    v = p.multipliers(it.y)
    J = p.rows.jacobian(x)
    z_w = np.zeros(p.n_w)
    z_w[p.il] += it.zl
    z_w[p.iu] -= it.zu
    z_w /= p.obj_scale
    stationarity_full = g + J.T @ v
    z = stationarity_full.copy()            # fixed variables: their bound multiplier
    z[p.free] = z_w[:p.n]
    sl, su = run.bounds.gaps(it.w)
    complementarity = max(np.max(np.abs(sl * it.zl), initial=0.0),
                          np.max(np.abs(su * it.zu), initial=0.0)) / p.obj_scale
    kkt = {"stationarity": float(np.max(np.abs((stationarity_full - z)[p.free]), initial=0.0)),
           "feasibility": p.violation(x), "complementarity": float(complementarity)}
    return OptimizeResult(
        x=x, fun=p.obj.fun(x), jac=g, nit=k + run.restoration_iterations, status=status,
        success=status == 0, nit_restoration=run.restoration_iterations,
        message=MESSAGES[status], v=p.rows.per_block(v),
        constraint_multipliers=p.rows.per_block(-v), multipliers_bounds=z,
        constr_violation=p.violation(x), kkt_residuals=kkt, barrier_parameter=run.mu,
        log=run.log, restorations=run.restorations, execution_time=elapsed,
        hessian="exact" if run.exact else "limited-memory")
