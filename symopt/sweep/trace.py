"""Params as placeholders: build a model once with its swept Param entries left symbolic.

Model expressions hold Params as plain numbers (see `symopt.model.components.Param`), so a
compiled problem cannot tell which of its numbers came from ``demand["chicago"]``. To
compile a model once for many Param values, the sweep builds it once more with each swept
entry replaced by a *placeholder*: a fixed `VarData` named like the entry. The compiler
already treats fixed variables as a vector of constants read at evaluation time
(`symopt.compile.derivatives.VectorFunction.fixed_values`), so the placeholders become
exactly the compiled problem's parameter vector.

* Python models: the entries are swapped in the Param for the duration of a ``with``
  block and every rule-built Objective, Constraint and Expression is rebuilt (as after a
  change of a mutable Param); components declared with ``expr=`` keep their numbers, as
  they do in `symopt.solve`.
* ``.opt`` files: the file is built again with the placeholders as the param's values
  (`symopt.dsl.loads` ``trace=``); a param computed from a swept one cannot be swept.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from symopt.errors import InputError, SymoptError
from symopt.model.expr import VarData
from symopt.model.model import Model
from symopt.sweep.scenarios import Entry

__all__ = ["ModelSource", "placeholders"]


def placeholders(entries: list[Entry], base: Any) -> dict[Entry, VarData]:
    """A fixed `VarData` per entry, named like it, valued at the base value."""
    made = {}
    for entry, value in zip(entries, base):
        var = VarData(name=entry.label, value=float(value))
        var.fixed = True
        made[entry] = var
    return made


class ModelSource:
    """A model to sweep: a `Model`, or an ``.opt`` file (built here)."""

    def __init__(self, model_or_path: Any):
        self.path: Path | None = None
        if isinstance(model_or_path, Model):
            self.model = model_or_path
        elif isinstance(model_or_path, (str, Path)):
            from symopt import dsl  # lark loads for model files only
            self.path = Path(model_or_path)
            self.text = dsl._text_of(self.path)
            self.model = _built(dsl.loads(self.text, str(self.path)))
        else:
            raise InputError(f"solve_many expects a symopt Model or the path of a .opt file, "
                             f"got {type(model_or_path).__name__}")

    @contextmanager
    def traced(self, holders: dict[Entry, VarData]) -> Iterator[Model]:
        """The model with the placeholders in place of the swept entries."""
        if self.path is not None:
            yield self._traced_file(holders)
            return
        params = {p.name: p for p in self.model.components() if p.name in
                  {e.param for e in holders}}
        saved = {name: dict(param._values) for name, param in params.items()}
        try:
            for entry, var in holders.items():
                params[entry.param]._values[entry.key] = var
            self.model._mark_changed()
            self.model.refresh()
            yield self.model
        except SymoptError as error:
            raise _explained(error) from None
        finally:
            for name, values in saved.items():
                params[name]._values = values
            self.model._mark_changed()

    def _traced_file(self, holders: dict[Entry, VarData]) -> Model:
        from symopt import dsl
        by_param: dict[str, dict] = {}
        for entry, var in holders.items():
            by_param.setdefault(entry.param, {})[entry.key] = var

        def trace(name: str, value: Any) -> Any:
            swap = by_param.get(name)
            if swap is None:
                return value
            if isinstance(value, dict):
                return {key: swap.get(key, number) for key, number in value.items()}
            return swap[None]
        try:
            return _built(dsl.loads(self.text, str(self.path), trace=trace))
        except SymoptError as error:
            raise _explained(error) from None


def _built(result: Any) -> Model:
    if result.errors:
        raise result.errors[0]
    return result.model


def _explained(error: SymoptError) -> InputError:
    return InputError(f"a swept param is used where the model needs a plain number (a "
                      f"condition, a bound, another param's formula): {error}; sweep only "
                      "params that enter objectives and constraints")
