"""``Relation``: what ``<=``, ``>=`` and ``==`` on model expressions build.

A relation is a constraint waiting for a name, never a truth value: ``bool()`` raises,
because Python's chained ``1 <= x <= 5`` evaluates ``bool(1 <= x)`` and keeps only the
second half. The one exception is ``v == w`` between two variables, whose truth is
identity, so that ``v in some_list`` keeps working.

>>> r = Relation("x", 1.0, 5.0)
>>> print(r)
1 <= x <= 5
"""
from __future__ import annotations

from typing import Any

from symopt.errors import ModelError
from symopt.model.text import relation_text

__all__ = ["Relation"]


class Relation:
    """``lower <= body <= upper`` (``None`` for a missing side), built by comparisons.

    ``bool()`` raises: a relation is a constraint, not a truth value.
    """

    __slots__ = ("body", "lower", "upper", "_truth")

    def __init__(self, body: Any, lower: float | None, upper: float | None, truth: bool | None = None):
        self.body = body
        self.lower = lower
        self.upper = upper
        self._truth = truth

    def __bool__(self) -> bool:
        if self._truth is not None:
            return self._truth
        raise ModelError(
            f"the constraint relation '{self}' was used as a truth value. Python's chained "
            "comparison 'lo <= expr <= hi' cannot work (Python keeps only one half of it): "
            "write the range as a tuple (lo, expr, hi) or between(lo, expr, hi)")

    def _chain_error(self, *_: Any) -> "Relation":
        raise ModelError(f"cannot compare the relation '{self}' again; for a range write "
                         "(lo, expr, hi) or between(lo, expr, hi)")

    __le__ = __ge__ = __lt__ = __gt__ = _chain_error

    def __str__(self) -> str:
        return relation_text(self.body, self.lower, self.upper)

    __repr__ = __str__
