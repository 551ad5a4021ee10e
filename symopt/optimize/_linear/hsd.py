"""Mehrotra predictor-corrector on the homogeneous self-dual embedding of a standard-form LP.

Solves ``min c@x, A@x = b, 0 <= x <= u`` by driving the homogeneous system

    A x = b tau,   x + w = u tau,   A^T y + z - v = c tau,   b@y - u@v - c@x = kappa

to a strictly complementary solution. ``tau > 0`` at the end gives the optimum
``x / tau``; ``tau -> 0`` with ``kappa > 0`` certifies primal infeasibility (``b@y -
u@v > 0``) or dual infeasibility (``c@x < 0``, unbounded), so no phase one or big-M is
needed. Each iteration factorises ``A Theta A^T`` once (`NormalEquations`) and solves
it three times. Termination follows the relative residual tests of Andersen & Andersen
(2000), "The MOSEK interior point optimizer for linear programming".

Primal regularisation. The Newton step's ``dx = Theta (A^T dy - r)`` is recovered from
the normal equations, so every rounding error in ``dy`` is multiplied by ``theta =
x / z``. Near a degenerate optimum ``theta`` spreads over 40 orders of magnitude
(1e-12 .. 1e31 on GREENBEA), and the recovered ``dx`` then violates the primal Newton
equation ``A dx - b dtau = eta r_p`` by more than its right-hand side: the primal
residual grows instead of shrinking and the method stalls. The scaling therefore uses
``theta = 1 / (z/x + v/w + rho)`` with a tiny fixed ``rho`` (`_PRIMAL_REGULARIZATION`),
the primal regularisation of Altman & Gondzio (1999) / Friedlander & Orban (2012) and
of Tulip's homogeneous method: ``theta <= 1/rho`` keeps ``dx`` accurate, the primal
equation stays exact, and the dual equation is perturbed only by ``rho dx``, which the
termination tests (on the true residuals) see. Measured on GREENBEA (whose optimum has
entries near 3e8): every ``rho`` from 1e-18 to 1e-11 reaches the optimum; 1e-10 and
1e-8 end near a point whose objective is 1.3e-3 worse (residuals small only relative
to the data), so ``rho`` is kept far below them.

At an optimum the tolerances are relative to ``||b||``; the caller's ``accept`` test (each
row against its own bound) may ask for an iteration or two more, and a last step of least
``Theta^-1``-norm removes the primal residual left (`_polish_primal`).

>>> from symopt.optimize.linear_program import as_csc
>>> A = as_csc([[1.0, 1.0]])
>>> out = solve_standard_form(A, np.array([2.0]), np.array([1.0, 2.0]), np.full(2, np.inf))
>>> out.status, np.round(out.x, 6)
(0, array([2., 0.]))
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import scipy.sparse as sp

from symopt.optimize._linear.normal_equations import NormalEquations

__all__ = ["solve_standard_form", "HSDOutcome"]

_CENTRALITY_CORRECTORS = 2
# theta = x / z is capped at 1 / rho (scaled units: b and c have unit max-norm, A is
# equilibrated); see the module docstring for the measured range that works
_PRIMAL_REGULARIZATION = 1e-12


@dataclass
class HSDOutcome:
    """Unscaled-by-tau point of the embedding and what it certifies."""

    status: int          # 0 optimal, 1 iteration limit, 2 infeasible, 3 unbounded, 4 numerical
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    v: np.ndarray
    nit: int
    message: str


@dataclass
class _Point:
    x: np.ndarray
    w: np.ndarray   # upper-bound slack (only meaningful where u is finite)
    y: np.ndarray
    z: np.ndarray
    v: np.ndarray   # upper-bound dual (zero where u is infinite)
    tau: float
    kappa: float


def solve_standard_form(
    A: sp.csc_array, b: np.ndarray, c: np.ndarray, u: np.ndarray, tol: float = 1e-8,
    maxiter: int = 200, callback: Callable[[int, float], None] | None = None,
    time_limit: float | None = None, accept: Callable[[np.ndarray], bool] | None = None,
) -> HSDOutcome:
    """Run the homogeneous predictor-corrector method; see the module docstring.

    ``accept(x)``, when given, is the caller's own feasibility test of a candidate optimum
    ``x`` (unscaled, ``x / tau``): the tolerances above are relative to ``||b||``, so a
    row with large terms but bound 0 may still be off by more than the caller allows.
    While it fails, the iterations go on (usually one or two more); a stall then ends
    as usual with the best point.
    """
    has_u = np.isfinite(u)
    beta = max(1.0, float(np.abs(b).max(initial=0.0)), float(np.abs(u[has_u]).max(initial=0.0)))
    gamma = max(1.0, float(np.abs(c).max(initial=0.0)))
    b, c, ub = b / beta, c / gamma, np.where(has_u, u, 0.0) / beta
    start = time.perf_counter()
    normal = NormalEquations(A)
    A = normal.A
    point = _starting_point(A.shape[1], A.shape[0], has_u)
    norms = (1.0 + np.linalg.norm(b), 1.0 + np.linalg.norm(c))
    # best starts at the starting point: with NaN residuals (data at the edge of double
    # precision) no score ever improves, and a stall must still return a point
    first, best, best_score, best_mu, stalled = None, (point, 0), np.inf, np.inf, 0
    verdict = (1, f"iteration limit {maxiter} reached")
    for nit in range(maxiter + 1):
        res = _residuals(A, b, c, ub, has_u, point)
        measures = _measures(res, point, b, c, ub, norms)
        first = first or measures
        if callback is not None:
            callback(nit, measures["mu"])
        score = max(measures["primal"], measures["dual"], measures["gap"])
        # progress: the residuals fall, or mu falls (as on the way to an infeasibility proof)
        mu_rel = measures["mu"] / max(1.0, first["mu"])
        if score < 0.5 * best_score:
            best, best_score, stalled = (point, nit), score, 0
        elif 1e-14 < mu_rel < 0.5 * best_mu:
            stalled = 0
        else:
            stalled += 1
        best_mu = min(best_mu, mu_rel)
        found = _verdict(measures, first, point, tol)
        if found is not None and found[0] == 0 and accept is not None \
                and not accept(beta * point.x / point.tau):
            found = None
        if found is not None:
            verdict = found
            break
        if time_limit is not None and time.perf_counter() - start > time_limit:
            verdict = (1, f"time limit {time_limit} s reached")
            break
        if stalled >= 15 or nit == maxiter:
            verdict = _stalled_verdict(best_score, tol, at_limit=stalled < 15)
            point = best[0]
            break
        try:
            point = _step(A, b, c, ub, has_u, point, res, normal)
        except np.linalg.LinAlgError:
            point = best[0]
            verdict = _stalled_verdict(best_score, tol, False)
            break
        if not all(np.all(np.isfinite(a)) for a in (point.x, point.y, point.z)):
            point = best[0]
            verdict = _stalled_verdict(best_score, tol, False)
            break
    if verdict[0] == 0:
        point = _polish_primal(A, b, c, ub, has_u, point, normal, (norms, tol))
    out = _outcome(verdict, point, nit)
    out.x *= beta
    out.y *= gamma
    out.z *= gamma
    out.v *= gamma
    return out


def _stalled_verdict(best_score: float, tol: float, at_limit: bool):
    if best_score < 1e2 * tol:
        return 0, "optimal (to reduced accuracy: progress stalled near the solution)"
    if at_limit:
        return 1, "iteration limit reached"
    return 4, f"numerical difficulties: progress stalled at a relative residual of {best_score:.1e}"


def _starting_point(n: int, m: int, has_u: np.ndarray) -> _Point:
    ones = np.ones(n)
    return _Point(x=ones.copy(), w=np.where(has_u, 1.0, 0.0), y=np.zeros(m), z=ones.copy(),
                  v=np.where(has_u, 1.0, 0.0), tau=1.0, kappa=1.0)


def _residuals(A, b, c, ub, has_u, p: _Point) -> dict:
    return {
        "p": b * p.tau - A @ p.x,
        "u": np.where(has_u, ub * p.tau - p.x - p.w, 0.0),
        "d": c * p.tau - (A.T @ p.y) - p.z + p.v,
        "g": p.kappa + c @ p.x - b @ p.y + ub @ p.v,
    }


def _measures(res, p: _Point, b, c, ub, norms) -> dict:
    primal_obj, dual_obj = c @ p.x, b @ p.y - ub @ p.v
    complementarity = p.x @ p.z + p.w @ p.v + p.tau * p.kappa
    count = p.x.size + int(np.count_nonzero(p.w)) + 1
    return {
        "primal": (np.linalg.norm(res["p"]) + np.linalg.norm(res["u"])) / p.tau / norms[0],
        "dual": np.linalg.norm(res["d"]) / p.tau / norms[1],
        "gap": abs(primal_obj - dual_obj) / (1e-4 * p.tau + abs(dual_obj)),
        "mu": complementarity / count,
        "raw_primal": np.linalg.norm(res["p"]) + np.linalg.norm(res["u"]),
        "raw_dual": np.linalg.norm(res["d"]),
        "raw_gap": abs(res["g"]),
        "primal_obj": primal_obj, "dual_obj": dual_obj,
    }


def _verdict(now: dict, first: dict, p: _Point, tol: float):
    if now["primal"] < tol and now["dual"] < tol and now["gap"] < tol:
        return 0, "optimal (interior point: primal, dual and gap tolerances met)"
    rel = lambda key: now[key] / max(1.0, first[key])  # noqa: E731
    if rel("mu") < tol and p.tau < tol * max(1.0, p.kappa) and rel("raw_gap") < tol:
        if now["dual_obj"] > 0 and rel("raw_dual") < 1e2 * tol:
            return 2, "the problem is infeasible (a dual ray was found)"
        if now["primal_obj"] < 0 and rel("raw_primal") < 1e2 * tol:
            return 3, "the problem is unbounded (a primal ray was found)"
        return 2, "the problem is infeasible or unbounded (the embedding collapsed to tau = 0)"
    if rel("mu") < 1e-3 * tol and p.tau < 1e-3 * tol:
        return 4, "no progress: the complementarity vanished without a solution or certificate"
    return None


def _outcome(verdict, p: _Point, nit: int) -> HSDOutcome:
    status, message = verdict
    scale = p.tau if status in (0, 1, 4) and p.tau > 0 else 1.0
    return HSDOutcome(status, p.x / scale, p.y / scale, p.z / scale, p.v / scale, nit, message)


def _scaling(p: _Point, has_u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(theta, 1/x, 1/w)``: the regularized scaling ``theta = 1 / (z/x + v/w + rho)`` of
    the normal equations (see the module docstring), with ``1/w`` zero without an upper
    bound."""
    inv_x = 1.0 / p.x
    inv_w = np.where(has_u, 1.0 / np.where(has_u, p.w, 1.0), 0.0)
    return 1.0 / (p.z * inv_x + p.v * inv_w + _PRIMAL_REGULARIZATION), inv_x, inv_w


def _step(A, b, c, ub, has_u, p: _Point, res: dict, normal: NormalEquations) -> _Point:
    theta, inv_x, inv_w = _scaling(p, has_u)
    normal.factorize(theta)
    c_hat = c - p.v * ub * inv_w
    q = normal.solve(b + A @ (theta * c_hat))
    dx_q = theta * ((A.T @ q) - c_hat)
    system = (A, b, c, ub, has_u, p, res, normal, theta, inv_x, inv_w, q, dx_q)
    mu = (p.x @ p.z + p.w @ p.v + p.tau * p.kappa) / (p.x.size + int(has_u.sum()) + 1)
    affine = _direction(system, eta=1.0, r_xz=-p.x * p.z, r_wv=-p.w * p.v, r_tk=-p.tau * p.kappa)
    alpha_aff = _max_step(p, affine, has_u)
    mu_aff = _complementarity_after(p, affine, alpha_aff, has_u)
    sigma = float(np.clip((mu_aff / mu) ** 3, 0.0, 1.0)) if mu > 0 else 0.0
    target = sigma * mu
    r_xz = target - p.x * p.z - affine["x"] * affine["z"]
    r_wv = np.where(has_u, target - p.w * p.v - affine["w"] * affine["v"], 0.0)
    r_tk = target - p.tau * p.kappa - affine["tau"] * affine["kappa"]
    corrected = _direction(system, eta=1.0 - sigma, r_xz=r_xz, r_wv=r_wv, r_tk=r_tk)
    alpha = min(1.0, _max_step(p, corrected, has_u, limit=np.inf))
    for _ in range(_CENTRALITY_CORRECTORS):
        if alpha >= 0.9:
            break
        extra = _centrality_targets(p, corrected, min(1.0, 1.5 * alpha + 0.2), target, has_u)
        trial = _direction(system, eta=1.0 - sigma, r_xz=r_xz + extra[0],
                           r_wv=r_wv + extra[1], r_tk=r_tk + extra[2])
        trial_alpha = min(1.0, _max_step(p, trial, has_u, limit=np.inf))
        if trial_alpha < 1.01 * alpha:
            break
        corrected, alpha = trial, trial_alpha
        r_xz, r_wv, r_tk = r_xz + extra[0], r_wv + extra[1], r_tk + extra[2]
    alpha = min(1.0, 0.9995 * alpha)
    return _Point(
        x=p.x + alpha * corrected["x"], w=p.w + alpha * corrected["w"],
        y=p.y + alpha * corrected["y"], z=p.z + alpha * corrected["z"],
        v=p.v + alpha * corrected["v"], tau=p.tau + alpha * corrected["tau"],
        kappa=p.kappa + alpha * corrected["kappa"])


def _polish_primal(A, b, c, ub, has_u, p: _Point, normal: NormalEquations,
                   scales: tuple) -> _Point:
    """Remove the primal residual ``b tau - A x`` left at an optimum by the smallest step
    in the ``Theta^-1`` norm, ``dx = Theta A^T (A Theta A^T)^-1 r_p`` (``w`` moves by
    ``-dx``, so ``x + w = u tau`` still holds). The tolerances are relative to ``||b||``;
    a row whose terms are 1e6 but whose bound is 0 can then stay 1e-5 off, which
    callers checking each row against its own bound reject. The step goes to the columns
    with room (large ``theta``) and is kept only if it lowers the primal residual
    without taking the gap measure out of the tolerance the verdict claimed."""
    norms, tol = scales
    theta = _scaling(p, has_u)[0]
    residual = b * p.tau - A @ p.x
    try:
        normal.factorize(theta)
        dx = theta * (A.T @ normal.solve(residual))
    except np.linalg.LinAlgError:
        return p
    dw = np.where(has_u, -dx, 0.0)
    step = {"x": dx, "w": dw, "z": np.zeros_like(dx), "v": np.zeros_like(dx),
            "tau": 0.0, "kappa": 0.0}
    alpha = min(1.0, 0.9995 * _max_step(p, step, has_u, limit=np.inf))
    polished = replace(p, x=p.x + alpha * dx, w=p.w + alpha * dw)
    if not np.all(np.isfinite(polished.x)):
        return p
    old_res, new_res = (_residuals(A, b, c, ub, has_u, q) for q in (p, polished))
    before = _measures(old_res, p, b, c, ub, norms)
    after = _measures(new_res, polished, b, c, ub, norms)
    # the gap may not leave the tolerance the verdict claimed (tol when met, 1e2 tol for
    # a stall near the solution); the upper-bound residual stays as it was: judge the rows
    allowed = tol if before["gap"] <= tol else min(1.5 * before["gap"], 1e2 * tol)
    if np.linalg.norm(new_res["p"]) < np.linalg.norm(old_res["p"]) and after["gap"] <= allowed:
        return polished
    return p


def _centrality_targets(p: _Point, d: dict, alpha: float, target: float, has_u):
    """Gondzio's correction: pull outlying complementarity products into a box."""
    def correction(products):
        low, high = 0.1 * target, 10.0 * target
        wanted = np.clip(products, low, high) - products
        return np.maximum(wanted, -high)
    xz = (p.x + alpha * d["x"]) * (p.z + alpha * d["z"])
    wv = (p.w + alpha * d["w"]) * (p.v + alpha * d["v"])
    tk = (p.tau + alpha * d["tau"]) * (p.kappa + alpha * d["kappa"])
    return correction(xz), np.where(has_u, correction(wv), 0.0), float(correction(np.array([tk]))[0])


def _direction(system, eta, r_xz, r_wv, r_tk) -> dict:
    A, b, c, ub, has_u, p, res, normal, theta, inv_x, inv_w, q, dx_q = system
    r1 = eta * res["d"] - r_xz * inv_x + (r_wv - p.v * eta * res["u"]) * inv_w
    dy_p = normal.solve(eta * res["p"] + A @ (theta * r1))
    dx_p = theta * ((A.T @ dy_p) - r1)
    dv_p = (r_wv - p.v * eta * res["u"] + p.v * dx_p) * inv_w
    dv_q = (-p.v * ub + p.v * dx_q) * inv_w
    numerator = eta * res["g"] - b @ dy_p + ub @ dv_p + c @ dx_p + r_tk / p.tau
    denominator = b @ q - ub @ dv_q - c @ dx_q + p.kappa / p.tau
    dtau = numerator / denominator
    dx = dx_p + dx_q * dtau
    dw = np.where(has_u, eta * res["u"] + ub * dtau - dx, 0.0)
    return {
        "x": dx, "w": dw, "y": dy_p + q * dtau, "z": (r_xz - p.z * dx) * inv_x,
        "v": dv_p + dv_q * dtau, "tau": dtau, "kappa": (r_tk - p.kappa * dtau) / p.tau,
    }


def _max_step(p: _Point, d: dict, has_u, limit: float = 1.0) -> float:
    value = np.concatenate([p.x, p.z, p.w[has_u], p.v[has_u], [p.tau, p.kappa]])
    change = np.concatenate([d["x"], d["z"], d["w"][has_u], d["v"][has_u],
                             [d["tau"], d["kappa"]]])
    falling = change < 0
    if not np.any(falling):
        return limit
    return min(limit, float(np.min(-value[falling] / change[falling])))


def _complementarity_after(p: _Point, d: dict, alpha: float, has_u) -> float:
    x, z = p.x + alpha * d["x"], p.z + alpha * d["z"]
    w, v = p.w + alpha * d["w"], p.v + alpha * d["v"]
    tau, kappa = p.tau + alpha * d["tau"], p.kappa + alpha * d["kappa"]
    return (x @ z + w[has_u] @ v[has_u] + tau * kappa) / (x.size + int(has_u.sum()) + 1)
