"""One primal-dual point of the interior-point method and the barrier quantities at it.

``w`` (variables and slacks), ``y`` (row multipliers, ``grad f + A^T y - zl + zu = 0``),
``zl``/``zu`` (multipliers of the finite lower/upper bounds ``wl[il]``, ``wu[iu]``), and the
values there: objective ``f``, gradient ``g``, constraints ``c`` and Jacobian ``A``.
The barrier function is IPOPT's ``phi = f - mu sum log(slack) + kappa_d mu sum(one-sided slack)``
(the last term damps variables bounded on one side only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from symopt.errors import InputError
from symopt.optimize._nonlinear.ipm_barrier import BarrierProblem

__all__ = ["Iterate", "Bounds", "evaluate"]

KAPPA_D = 1e-4


@dataclass
class Bounds:
    """Index sets of the finite bounds of ``w`` and the one-sided ones (for damping)."""

    wl: np.ndarray
    wu: np.ndarray
    il: np.ndarray
    iu: np.ndarray
    only_lower: np.ndarray = field(init=False)
    only_upper: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.wl.size
        lower, upper = np.zeros(n, bool), np.zeros(n, bool)
        lower[self.il], upper[self.iu] = True, True
        self.only_lower = np.flatnonzero(lower & ~upper)
        self.only_upper = np.flatnonzero(upper & ~lower)

    def gaps(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return w[self.il] - self.wl[self.il], self.wu[self.iu] - w[self.iu]


@dataclass
class Iterate:
    w: np.ndarray
    y: np.ndarray
    zl: np.ndarray
    zu: np.ndarray
    f: float = np.nan
    g: np.ndarray = field(default_factory=lambda: np.zeros(0))
    c: np.ndarray = field(default_factory=lambda: np.zeros(0))
    A: Any = None

    @property
    def theta(self) -> float:
        """Constraint violation ``||C(w)||_1`` (the filter's first coordinate)."""
        return float(np.sum(np.abs(self.c)))

    def barrier(self, bounds: Bounds, mu: float) -> float:
        return barrier_value(self.f, self.w, bounds, mu)

    def barrier_gradient(self, bounds: Bounds, mu: float) -> np.ndarray:
        sl, su = bounds.gaps(self.w)
        grad = self.g.copy()
        grad[bounds.il] -= mu / sl
        grad[bounds.iu] += mu / su
        grad[bounds.only_lower] += KAPPA_D * mu
        grad[bounds.only_upper] -= KAPPA_D * mu
        return grad

    def sigma(self, bounds: Bounds) -> np.ndarray:
        sl, su = bounds.gaps(self.w)
        out = np.zeros(self.w.size)
        out[bounds.il] += self.zl / sl
        out[bounds.iu] += self.zu / su
        return out

    def dual_residual(self, bounds: Bounds) -> np.ndarray:
        r = self.g + self.A.T @ self.y
        r[bounds.il] -= self.zl
        r[bounds.iu] += self.zu
        return r

    def complementarity(self, bounds: Bounds, mu: float) -> np.ndarray:
        sl, su = bounds.gaps(self.w)
        return np.concatenate((sl * self.zl - mu, su * self.zu - mu))

    def error(self, bounds: Bounds, mu: float, s_max: float = 100.0) -> tuple[float, float, float]:
        """IPOPT's optimality error parts: scaled dual infeasibility, primal infeasibility,
        scaled complementarity (``E_mu``; ``mu = 0`` gives the overall test)."""
        nz = self.zl.size + self.zu.size
        z1 = float(np.sum(np.abs(self.zl)) + np.sum(np.abs(self.zu)))
        s_d = max(s_max, (float(np.sum(np.abs(self.y))) + z1) / max(self.y.size + nz, 1)) / s_max
        s_c = max(s_max, z1 / max(nz, 1)) / s_max
        dual = float(np.max(np.abs(self.dual_residual(bounds)), initial=0.0)) / s_d
        primal = float(np.max(np.abs(self.c), initial=0.0))
        compl = float(np.max(np.abs(self.complementarity(bounds, mu)), initial=0.0)) / s_c
        return dual, primal, compl


def barrier_value(f: float, w: np.ndarray, bounds: Bounds, mu: float) -> float:
    sl, su = bounds.gaps(w)
    if np.any(sl <= 0) or np.any(su <= 0):
        return np.inf
    value = (f - mu * (np.sum(np.log(sl)) + np.sum(np.log(su)))
             + KAPPA_D * mu * (np.sum(w[bounds.only_lower] - bounds.wl[bounds.only_lower])
                               + np.sum(bounds.wu[bounds.only_upper] - w[bounds.only_upper])))
    return float(value) if np.isfinite(value) else np.inf


def evaluate(problem: BarrierProblem, w: np.ndarray) -> tuple[float, np.ndarray] | None:
    """Objective and constraints at a trial point, or None when either is not finite."""
    with np.errstate(all="ignore"):
        try:
            f = problem.f(w)
            c = problem.constraints(w)
        except InputError:
            raise
        except (FloatingPointError, OverflowError, ZeroDivisionError, ValueError):
            return None
    if not np.isfinite(f) or not np.all(np.isfinite(c)):
        return None
    return f, c


def with_derivatives(problem: BarrierProblem, it: Iterate) -> Iterate:
    """``it`` with its gradient and Jacobian filled in."""
    it.g = problem.grad(it.w)
    it.A = problem.jacobian(it.w)
    return it


def empty_coo(n: int) -> sp.coo_matrix:
    return sp.coo_matrix((n, n))
