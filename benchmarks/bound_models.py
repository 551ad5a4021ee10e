"""Large bound-constrained NLPs (CUTEst / MINPACK-2 / COPS style), written once for any builder.

Each model is ``model(builder, size)`` on the builders of `cops_models` (`SymoptBuilder`
for symopt's Python API, `CasadiBuilder` for CasADi + IPOPT); ``size`` is the number of
variables (a square grid of about ``size`` points for the grid problems). None has general
constraints: only bounds on the variables.

- ``rosenbrock``: the chained Rosenbrock function (CUTEst ``CHNROSNB``'s shape, unit weights)
  with ``-1.5 <= x <= 0.8``, which keeps the unconstrained minimiser (all ones) out: many
  bounds are active.
- ``torsion``: elastic-plastic torsion (MINPACK-2 ``dtor``, COPS 3.0 problem 13), a convex
  quadratic on a grid with ``|v| <= distance to the boundary``.
- ``minsurf``: minimal surface over an obstacle (MINPACK-2 ``dmso`` style): the area
  ``sum sqrt(1 + |grad v|^2)`` on a grid, boundary values ``1 - (2s - 1)^2`` on two sides,
  zero on the others, and ``v >= 1`` on a central plateau square.
- ``nnls``: bounded linear least squares ``0.5 ||A x - d||^2``, ``0 <= x <= 1``: deblurring a
  signal (``A`` the periodic three-point blur ``[1/4, 1/2, 1/4]``, ill-conditioned) whose
  true values leave ``[0, 1]``, with seeded noise.

>>> len(SymoptBounds("torsion").build(torsion, 16).v)
16
"""
from __future__ import annotations

import math

import numpy as np

from cops_models import CasadiBuilder, SymoptBuilder

__all__ = ["MODELS", "SIZES", "grid_side", "SymoptBounds", "CasadiBounds"]


class SymoptBounds(SymoptBuilder):
    """`SymoptBuilder` whose ``var`` also takes one bound per member (arrays)."""

    def var(self, name: str, size: int, lower=None, upper=None, start=0.0) -> list:
        if np.ndim(lower) == 0 and np.ndim(upper) == 0:
            return super().var(name, size, lower, upper, start)
        low = np.broadcast_to(np.asarray(-np.inf if lower is None else lower, float), (size,))
        high = np.broadcast_to(np.asarray(np.inf if upper is None else upper, float), (size,))
        starts = np.broadcast_to(np.asarray(start, float), (size,))
        component = self._symopt.Var(
            range(size), initialize={i: float(starts[i]) for i in range(size)},
            bounds=lambda _, i: (None if low[i] == -np.inf else float(low[i]),
                                 None if high[i] == np.inf else float(high[i])))
        setattr(self.model, name, component)
        return [component[i] for i in range(size)]


class CasadiBounds(CasadiBuilder):
    """`CasadiBuilder` for a problem with bounds only (no constraint rows)."""

    def solver(self, options: dict | None = None):
        if not self.g:
            self.lbg, self.ubg = [np.zeros(0)], [np.zeros(0)]
        return super().solver(options)


def grid_side(size: int) -> int:
    """The interior grid side ``k`` with ``k * k`` closest to ``size``."""
    return max(2, int(round(math.sqrt(size))))


def rosenbrock(b, n: int) -> None:
    x = b.var("x", n, -1.5, 0.8, start=np.where(np.arange(n) % 2 == 0, -1.2, 0.8))
    b.objective(b.total([100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2
                         for i in range(n - 1)]))


def torsion(b, size: int) -> None:
    k = grid_side(size)
    h = 1.0 / (k + 1)
    s = np.arange(1, k + 1) * h
    distance = np.minimum.outer(np.minimum(s, 1 - s), np.minimum(s, 1 - s)).ravel()
    flat = b.var("v", k * k, -distance, distance, start=0.0)
    v = _padded(flat, k, 0.0)
    c = 5.0
    energy = [0.5 * ((v[i + 1][j] - v[i][j]) ** 2 + (v[i][j + 1] - v[i][j]) ** 2)
              for i in range(k + 1) for j in range(k + 1) if _free(v, i, j)]
    b.objective(b.total(energy) - c * h * h * b.total(flat))


def minsurf(b, size: int) -> None:
    k = grid_side(size)
    h = 1.0 / (k + 1)
    s = np.arange(k + 2) * h
    edge = 1 - (2 * s - 1) ** 2
    centre = (s[1:-1] >= 0.375) & (s[1:-1] <= 0.625)
    plateau = np.logical_and.outer(centre, centre).ravel()
    flat = b.var("v", k * k, np.where(plateau, 1.0, -np.inf), None,
                 start=np.where(plateau, 1.0, 0.5))
    v = _padded(flat, k, None, left=edge, right=edge)
    area = [h * h * b.sqrt(1 + ((v[i + 1][j] - v[i][j]) / h) ** 2
                           + ((v[i][j + 1] - v[i][j]) / h) ** 2)
            for i in range(k + 1) for j in range(k + 1) if _free(v, i, j)]
    b.objective(b.total(area))


def nnls(b, n: int) -> None:
    x = b.var("x", n, 0.0, 1.0, start=0.5)
    rng = np.random.default_rng(10)
    truth = np.clip(np.sin(np.linspace(0, 6 * math.pi, n)) + 0.3, -0.2, 1.2)
    blurred = 0.5 * truth + 0.25 * (np.roll(truth, 1) + np.roll(truth, -1))
    data = blurred + 0.01 * rng.normal(size=n)
    residuals = [0.25 * x[i - 1] + 0.5 * x[i] + 0.25 * x[(i + 1) % n] - float(data[i])
                 for i in range(n)]
    b.objective(b.total([0.5 * r ** 2 for r in residuals]))


def _padded(flat: list, k: int, fill, left=None, right=None) -> list:
    """The (k+2) x (k+2) grid: the interior unknowns, boundary constants around them
    (``fill`` everywhere, or ``left``/``right`` profiles on the first and last row)."""
    grid = [[0.0] * (k + 2) for _ in range(k + 2)]
    for i in range(k + 2):
        for j in range(k + 2):
            if 1 <= i <= k and 1 <= j <= k:
                grid[i][j] = flat[(i - 1) * k + (j - 1)]
            elif i == 0 and left is not None:
                grid[i][j] = float(left[j])
            elif i == k + 1 and right is not None:
                grid[i][j] = float(right[j])
            else:
                grid[i][j] = 0.0 if fill is None else fill
    return grid


def _free(v: list, i: int, j: int) -> bool:
    """A cell term depends on an unknown (constant cells are left out of the objective)."""
    return any(not isinstance(v[a][c], float) for a, c in ((i, j), (i + 1, j), (i, j + 1)))


MODELS = {"rosenbrock": rosenbrock, "torsion": torsion, "minsurf": minsurf, "nnls": nnls}
SIZES = {name: (1_000, 10_000, 100_000) for name in MODELS}
