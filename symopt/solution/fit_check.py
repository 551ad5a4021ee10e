"""Is a least-squares fit stationary where its solver stopped? (the map-back stage's check)

A fit's solver stops on relative tests (``ftol``, ``xtol``, ``gtol`` on a scaled or
finite-difference gradient) that can all pass at a point that is far from a minimum: data
near 1e89 fitted from a start near 1 stops at the start. This test uses the exact
Jacobian and is scale-free, so `symopt.solution.nonlinear.from_fit` grants "optimal" only
where it holds.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from symopt.solution.optimality import STATIONARITY_TOL, on_bound

__all__ = ["fit_failures", "EXACT_FIT"]

#: a fit whose residual norm is below this, relative to the (weighted) data's, is exact
EXACT_FIT = 1e-10


def fit_failures(fit: Any, p: np.ndarray) -> list[str]:
    """Why a least-squares fit is not stationary at ``p``, in words ([] when it is).

    The test is MINPACK's (and so scipy's ``gtol`` for ``lm``): the cosine of the angle
    between the weighted residual vector and each parameter's column of the exact
    Jacobian, at most `STATIONARITY_TOL`. A parameter on a bound that the residuals push
    further out is exempt. Being scale-free, the test catches a fit that stopped where the
    sum of squares still falls (data near 1e89 fitted from a start near 1: every relative
    step test is met at once, while the residual is 1e89).
    """
    with np.errstate(all="ignore"):
        residual = np.asarray(fit.residuals(p), dtype=float)
        jacobian = np.asarray(fit.residual_jacobian(p), dtype=float)
        gradient = jacobian.T @ residual
        norm = float(np.linalg.norm(residual))
        columns = np.linalg.norm(jacobian, axis=0)
        cosine = np.abs(gradient) / (columns * norm)
    if not (np.all(np.isfinite(residual)) and np.all(np.isfinite(jacobian))):
        return ["the residuals or their derivatives are not finite at the returned point"]
    if norm <= EXACT_FIT * float(np.linalg.norm(fit.observed * fit.weights())):
        return []       # the residuals are rounding noise: their angle means nothing
    blocked = (on_bound(p, fit.lower) & (gradient > 0)) | (on_bound(p, fit.upper) & (gradient < 0))
    cosine = np.where(blocked | (columns == 0), 0.0, cosine)
    worst = int(np.argmax(cosine)) if cosine.size else 0
    if cosine.size == 0 or not cosine[worst] > STATIONARITY_TOL:
        return []
    names = list(getattr(fit, "parameter_names", ())) or [f"p[{worst}]"]
    failure = (f"the sum of squares still falls along {names[worst]} (cosine "
               f"{cosine[worst]:.1e} between the residuals and its derivative > "
               f"{STATIONARITY_TOL:g})")
    largest = float(np.max(np.abs(fit.observed), initial=0.0))
    if largest > 1e8 * max(1.0, float(np.max(np.abs(p), initial=0.0))):
        failure += (f"; the data reach {largest:.3g} while the parameters are near "
                    f"{float(np.max(np.abs(p), initial=0.0)):.3g}: the fit is badly scaled, "
                    "give start values of the data's magnitude or rescale the data")
    return [failure]
