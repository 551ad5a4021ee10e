"""Input checks shared by the vector-valued front doors (``root`` and ``least_squares``).

>>> check_x0([1, 2], "unknown")
array([1., 2.])
>>> dense_jacobian([[1, 0], [0, 1]])
array([[1., 0.],
       [0., 1.]])
"""
from __future__ import annotations

from typing import Any

import numpy as np

from symopt.errors import InputError

__all__ = ["check_x0", "dense_jacobian"]


def dense_jacobian(J: Any) -> np.ndarray:
    """``J`` as a dense float array (objects with ``toarray()`` or ``to_dense()`` are converted)."""
    for attribute in ("toarray", "to_dense"):
        if hasattr(J, attribute):
            return np.asarray(getattr(J, attribute)(), dtype=float)
    return np.asarray(J, dtype=float)


def check_x0(x0: Any, entry: str) -> np.ndarray:
    """``x0`` as a finite 1-D float array, else an InputError; ``entry`` names what one value is
    ("unknown", "variable") in the message about a wrong shape."""
    try:
        x = np.atleast_1d(np.array(x0, dtype=float))
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"x0 must be an array of real numbers, got {x0!r:.80}") from exc
    if x.ndim != 1:
        raise InputError(f"x0 must be 1-D (one value per {entry}), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise InputError(f"x0 must be finite, got {x}")
    return x
