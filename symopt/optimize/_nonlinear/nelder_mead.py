"""Nelder-Mead: the derivative-free downhill simplex, optionally inside bounds.

Nelder & Mead (1965) with the usual coefficients (reflection 1, expansion 2, contraction
1/2, shrink 1/2) or, with ``adaptive=True``, the dimension-dependent ones of Gao & Han
(2012). Bounds are kept by clipping every trial point into the box. A NaN or inf value
ranks a point as the worst. Statuses as scipy: 0 converged, 1 ``maxfev`` reached,
2 ``maxiter`` reached, 99 callback stop.

>>> import numpy as np
>>> from symopt.optimize import minimize
>>> res = minimize(lambda x: float((x[0] - 1) ** 2 + (x[1] + 2) ** 2), np.zeros(2),
...                method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-8})
>>> np.round(res.x, 5), res.status
(array([ 1., -2.]), 0)
"""
from __future__ import annotations

import numpy as np

from symopt.errors import InputError
from symopt.optimize._nonlinear.objective import Callback, Objective, finite_or_inf, result_of
from symopt.optimize.result import OptimizeResult

__all__ = ["minimize_nelder_mead"]

_MESSAGES = {
    0: "Optimization terminated successfully.",
    1: "Maximum number of function evaluations has been exceeded.",
    2: "Maximum number of iterations has been exceeded.",
    99: "`callback` raised `StopIteration`.",
}


def minimize_nelder_mead(obj: Objective, x0: np.ndarray, *, callback: Callback,
                         bounds: tuple[np.ndarray, np.ndarray] | None = None,
                         maxiter: int | None = None, maxfev: int | None = None,
                         initial_simplex: np.ndarray | None = None, xatol: float = 1e-4,
                         fatol: float = 1e-4, adaptive: bool = False) -> OptimizeResult:
    """Minimise with Nelder-Mead; the result also carries ``final_simplex``.

    Options (scipy's names): ``maxiter``/``maxfev`` (both 200 n when neither is given),
    ``initial_simplex`` ((n+1, n)), ``xatol``/``fatol`` (stop when the simplex spans at most
    ``xatol`` and its values at most ``fatol``), ``adaptive``.
    """
    n = x0.size
    maxiter, maxfev = _limits(maxiter, maxfev, n)
    rho, chi, psi, sigma = (1.0, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n) if adaptive \
        else (1.0, 2.0, 0.5, 0.5)
    clip = (lambda z: np.clip(z, bounds[0], bounds[1])) if bounds is not None else (lambda z: z)
    sim = clip(_initial_simplex(x0, initial_simplex))

    def value(z: np.ndarray) -> float:
        return finite_or_inf(obj.fun(z))

    fsim = np.array([value(v) for v in sim])
    status, k = 2, 0
    while k < maxiter:
        order = np.argsort(fsim, kind="stable")
        sim, fsim = sim[order], fsim[order]
        if (np.max(np.abs(sim[1:] - sim[0])) <= xatol
                and np.max(np.abs(fsim[0] - fsim[1:])) <= fatol):
            status = 0
            break
        if obj.nfev >= maxfev:
            status = 1
            break
        _step(sim, fsim, value, clip, rho, chi, psi, sigma)
        k += 1
        best = int(np.argmin(fsim))
        if callback(sim[best], fsim[best]):
            status = 99
            break
    order = np.argsort(fsim, kind="stable")
    sim, fsim = sim[order], fsim[order]
    return result_of(sim[0].copy(), float(fsim[0]), None, k, status, _MESSAGES[status],
                     final_simplex=(sim, fsim))


def _limits(maxiter: int | None, maxfev: int | None, n: int) -> tuple[float, float]:
    if maxiter is None and maxfev is None:
        return 200 * n, 200 * n
    return (np.inf if maxiter is None else int(maxiter),
            np.inf if maxfev is None else int(maxfev))


def _initial_simplex(x0: np.ndarray, given: np.ndarray | None) -> np.ndarray:
    n = x0.size
    if given is not None:
        sim = np.array(given, dtype=float)
        if sim.shape != (n + 1, n):
            raise InputError(f"initial_simplex must have shape ({n + 1}, {n}) (n + 1 points), "
                             f"got {sim.shape}")
        return sim
    sim = np.tile(x0, (n + 1, 1))
    for j in range(n):      # 5% of x0[j] (scipy's rule), but at least 0.00025 (its step at 0):
        # a 5% step of a tiny x0[j] (1e-10, 1e-320) is below every tolerance, and the
        # run would "converge" at once wherever it started
        sim[j + 1, j] = x0[j] + np.copysign(max(0.05 * abs(x0[j]), 0.00025), x0[j])
    return sim


def _step(sim: np.ndarray, fsim: np.ndarray, value, clip, rho: float, chi: float, psi: float,
          sigma: float) -> None:
    """One Nelder-Mead move on the sorted simplex, in place."""
    centroid = sim[:-1].mean(axis=0)
    worst = sim[-1]
    xr = clip(centroid + rho * (centroid - worst))
    fr = value(xr)
    if fr < fsim[0]:
        xe = clip(centroid + rho * chi * (centroid - worst))
        fe = value(xe)
        sim[-1], fsim[-1] = (xe, fe) if fe < fr else (xr, fr)
    elif fr < fsim[-2]:
        sim[-1], fsim[-1] = xr, fr
    else:
        if fr < fsim[-1]:
            xc = clip(centroid + psi * rho * (centroid - worst))
            fc = value(xc)
            accept = fc <= fr
        else:
            xc = clip(centroid - psi * (centroid - worst))
            fc = value(xc)
            accept = fc < fsim[-1]
        if accept:
            sim[-1], fsim[-1] = xc, fc
            return
        for j in range(1, sim.shape[0]):
            sim[j] = clip(sim[0] + sigma * (sim[j] - sim[0]))
            fsim[j] = value(sim[j])
