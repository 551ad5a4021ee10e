"""Robust loss functions for least squares: ``rho(z)`` with ``z = (f / f_scale)**2``.

Each loss returns a (3, m) array: ``rho(z)``, ``rho'(z)`` and ``rho''(z)``. The cost is
``0.5 * f_scale**2 * sum(rho(z))``. Solvers fold the loss into the residuals and the
Jacobian (the second-order correction of Triggs et al., "Bundle adjustment - a modern
synthesis", 2000) and then run the plain Gauss-Newton machinery on the scaled pair.

>>> import numpy as np
>>> np.round(LOSSES["huber"](np.array([0.25, 4.0])), 4)
array([[ 0.25  ,  3.    ],
       [ 1.    ,  0.5   ],
       [ 0.    , -0.0625]])
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from symopt.errors import InputError

__all__ = ["LOSSES", "resolve_loss", "loss_cost", "scale_for_loss"]

_EPS = np.finfo(float).eps


def linear(z: np.ndarray) -> np.ndarray:
    """Plain least squares: ``rho(z) = z``."""
    return np.vstack([z, np.ones_like(z), np.zeros_like(z)])


def soft_l1(z: np.ndarray) -> np.ndarray:
    """Smooth approximation of the l1 loss: ``rho(z) = 2 * (sqrt(1 + z) - 1)``."""
    t = 1.0 + z
    return np.vstack([2.0 * (t ** 0.5 - 1.0), t ** -0.5, -0.5 * t ** -1.5])


def huber(z: np.ndarray) -> np.ndarray:
    """Quadratic inside ``|f| <= f_scale``, linear outside."""
    inside = z <= 1.0
    root = np.sqrt(np.where(inside, 1.0, z))
    rho = np.where(inside, z, 2.0 * root - 1.0)
    d1 = np.where(inside, 1.0, 1.0 / root)
    d2 = np.where(inside, 0.0, -0.5 / root ** 3)
    return np.vstack([rho, d1, d2])


def cauchy(z: np.ndarray) -> np.ndarray:
    """Cauchy (Lorentzian) loss: ``rho(z) = log(1 + z)``."""
    t = 1.0 + z
    return np.vstack([np.log1p(z), 1.0 / t, -1.0 / t ** 2])


def arctan(z: np.ndarray) -> np.ndarray:
    """Bounded loss: ``rho(z) = arctan(z)``."""
    t = 1.0 + z ** 2
    return np.vstack([np.arctan(z), 1.0 / t, -2.0 * z / t ** 2])


LOSSES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": linear, "soft_l1": soft_l1, "huber": huber, "cauchy": cauchy, "arctan": arctan,
}


def resolve_loss(loss: str | Callable[[np.ndarray], np.ndarray]
                 ) -> Callable[[np.ndarray], np.ndarray] | None:
    """The loss callable for ``loss`` (None for 'linear'), or an InputError naming it."""
    if callable(loss):
        return _checked_user_loss(loss)
    if loss not in LOSSES:
        raise InputError(f"loss must be one of {sorted(LOSSES)} or a callable, got {loss!r}")
    return None if loss == "linear" else LOSSES[loss]


def loss_cost(rho: Callable[[np.ndarray], np.ndarray] | None, f: np.ndarray,
              f_scale: float) -> float:
    """``0.5 * sum(rho((f / f_scale)**2)) * f_scale**2`` (``0.5 * ||f||**2`` when linear)."""
    if rho is None:
        return 0.5 * float(f @ f)
    return 0.5 * f_scale ** 2 * float(np.sum(rho((f / f_scale) ** 2)[0]))


def scale_for_loss(rho: np.ndarray, f: np.ndarray, J: np.ndarray,
                   f_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Residuals and Jacobian rescaled so that Gauss-Newton on them follows the loss."""
    weight = rho[1] + 2.0 * rho[2] * (f / f_scale) ** 2
    weight = np.sqrt(np.maximum(weight, _EPS))
    return f * (rho[1] / weight), J * weight[:, None]


def _checked_user_loss(loss: Callable[[np.ndarray], np.ndarray]
                       ) -> Callable[[np.ndarray], np.ndarray]:
    def checked(z: np.ndarray) -> np.ndarray:
        out = np.asarray(loss(z), dtype=float)
        if out.shape != (3, z.size):
            raise InputError(f"a callable loss must return an array of shape (3, {z.size}) "
                             f"(rho, rho', rho''), got shape {out.shape}")
        return out
    return checked
