"""Data checks declared on a model: Pyomo's ``BuildCheck``, AMPL's ``check``.

``m.balance = BuildCheck(m.P, rule=lambda m, p: supply(p) == demand(p))`` evaluates the
rule for each member when it is assigned, and raises a `ModelError` naming the check and
the first member whose rule returned False, before any solver runs.

>>> from symopt.model.model import Model
>>> from symopt.model.sets import Set
>>> m = Model()
>>> m.P = Set(initialize=["a", "b"])
>>> m.positive = BuildCheck(m.P, rule=lambda m, p: p != "b")
Traceback (most recent call last):
...
symopt.errors.ModelError: check 'positive' fails for ['b']
"""
from __future__ import annotations

from typing import Any, Callable

from symopt.errors import ModelError
from symopt.model.component import IndexedComponent, call_rule

__all__ = ["BuildCheck"]


class BuildCheck(IndexedComponent):
    """A data assertion: ``rule(model, *index)`` must be true for every index member."""

    kind = "check"

    def __init__(self, *index_sets: Any, rule: Callable, doc: str = ""):
        super().__init__(*index_sets, doc=doc)
        if not callable(rule):
            raise ModelError("BuildCheck needs rule=function(model, *index) returning a bool")
        self._rule = rule

    def _attach(self, model: Any, name: str) -> None:
        super()._attach(model, name)
        for key in (self.index_keys() if self.is_indexed else [None]):
            verdict = call_rule(self._rule, model, key, f"check '{name}'")
            if not isinstance(verdict, (bool, int)) and type(verdict).__name__ != "bool_":
                raise ModelError(f"the rule of check '{name}' must return True or False, got "
                                 f"{type(verdict).__name__} (a check compares data, not "
                                 "variables)")
            if not verdict:
                member = "" if key is None else f" for [{key!r}]"
                raise ModelError(f"check '{name}' fails{member}")
