"""Reading an attribute of many variables at once, at C speed.

Analysis and matrix extraction look at every variable of a model (10^6 in a large LP):
which are fixed, their bounds, their domains. ``operator.attrgetter`` mapped over the
variables and numpy do that without a Python statement per variable.

>>> from symopt.model.expr import VarData
>>> x, y = VarData(name="x", lb=0.0), VarData(name="y", ub=3.0)
>>> lower, upper = bound_arrays([x, y])
>>> lower.tolist(), upper.tolist()
([0.0, -inf], [inf, 3.0])
"""
from __future__ import annotations

from operator import attrgetter
from typing import Sequence

import numpy as np

__all__ = ["fixed_flags", "bound_arrays", "integer_members"]

_FIXED = attrgetter("fixed")
_LOWER = attrgetter("lb")
_UPPER = attrgetter("ub")
_DOMAIN = attrgetter("domain")


def fixed_flags(variables: Sequence) -> np.ndarray:
    """Which variables are fixed, as a bool array."""
    return np.fromiter(map(_FIXED, variables), dtype=bool, count=len(variables))


def bound_arrays(variables: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds as float arrays, -inf / inf where a bound is None."""
    return (_filled(list(map(_LOWER, variables)), -np.inf),
            _filled(list(map(_UPPER, variables)), np.inf))


def _filled(values: list, missing: float) -> np.ndarray:
    count = values.count(None)
    if count == len(values):
        return np.full(len(values), missing)
    if count == 0:
        return np.array(values, dtype=float)
    array = np.array(values, dtype=object)
    array[array == None] = missing  # noqa: E711  (elementwise test for None)
    return array.astype(float)


def integer_members(variables: Sequence) -> list:
    """The variables whose domain is integer."""
    domains = list(map(_DOMAIN, variables))
    if not domains or domains.count(domains[0]) == len(domains):   # one domain (by identity)
        if not domains or domains[0] is None or not domains[0].integer:
            return []
    return [var for var, domain in zip(variables, domains) if domain is not None and domain.integer]
