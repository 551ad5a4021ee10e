"""``Model``: the container of components, in declaration order.

Assigning a component to an attribute registers it under that name (``m.x = Var(...)``
names it "x"). Re-assigning a name replaces the component in place (same position).
``m.solve()``, ``m.explain()`` and ``m.report()`` delegate to ``symopt.pipeline``,
``symopt.analysis`` and ``symopt.report``, imported when called so that building a model
never loads a solver.

>>> from symopt.model.components import Var
>>> from symopt.model.constraints import Objective, Constraint
>>> m = Model("tiny")
>>> m.x = Var(bounds=(0, 4))
>>> m.obj = Objective(expr=3 * m.x)
>>> [c.name for c in m.components()]
['x', 'obj']
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from symopt.errors import ModelError
from symopt.model.component import Component, paused_gc
from symopt.model.components import Var
from symopt.model.constraints import Constraint, ConstraintData, Objective
from symopt.model.convert import from_sympy
from symopt.model.expr import Expr, Relation, VarData, as_expression
from symopt.model.latex import model_latex
from symopt.model.reformulate import linearize
from symopt.model.terms import evaluate

__all__ = ["Model", "value"]


class Model:
    """An optimization model: sets, params, variables, an objective and constraints."""

    def __init__(self, name: str = "model"):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_components", {})
        object.__setattr__(self, "_symbols", {})
        object.__setattr__(self, "_changed", False)
        object.__setattr__(self, "_build_at", None)

    def __setattr__(self, name: str, component: Any) -> None:
        if not isinstance(component, Component):
            if name in self._components:
                raise ModelError(f"'{name}' is a component of model '{self.name}'; assign a "
                                 "new component (Var, Param, ...) to replace it")
            object.__setattr__(self, name, component)
            return
        if hasattr(type(self), name) or name.startswith("_") or name == "name":
            raise ModelError(f"cannot name a component '{name}': the name is reserved by Model")
        if component.model is not None:
            raise ModelError(f"this component is already '{component.name}' of model "
                             f"'{component.model.name}'; create a new one for '{name}'")
        with paused_gc():
            component._attach(self, name)
        self._components[name] = component
        object.__setattr__(self, name, component)

    def add_component(self, name: str, component: Component) -> Component:
        """Register ``component`` under ``name``, even a name Model uses itself (``solve``).

        Such a component is reached through ``components()`` rather than as an attribute;
        model files (``symopt.dsl``) use this so that every name a file may use works.
        """
        reserved = hasattr(type(self), name) or name in ("name", "_components", "_symbols")
        if not (reserved and isinstance(component, Component) and not name.startswith("_")):
            setattr(self, name, component)
            return component
        if name in self._components or component.model is not None:
            raise ModelError(f"cannot add component '{name}' twice")
        component._attach(self, name)
        self._components[name] = component
        return component

    def __delattr__(self, name: str) -> None:
        self._components.pop(name, None)
        object.__delattr__(self, name)

    def components(self, kind: type | None = None) -> Iterator[Component]:
        """Components in declaration order, optionally only those of one class."""
        for component in self._components.values():
            if kind is None or isinstance(component, kind):
                yield component

    def variables(self) -> Iterator[VarData]:
        """Every scalar variable, in declaration order."""
        return itertools.chain.from_iterable(component.values() for component in self.components(Var))

    def constraints(self) -> Iterator[ConstraintData]:
        """Every row of the active constraints, in declaration order."""
        for component in self.components(Constraint):
            if component.active:
                yield from component.rows()

    def objectives(self) -> list[Objective]:
        """The active objectives (a solvable model has at most one)."""
        return [o for o in self.components(Objective) if o.active]

    def symbol_map(self) -> dict:
        """``{sympy Symbol: VarData}`` for every variable (creates the symbols)."""
        for var in self.variables():
            var.symbol
        return dict(self._symbols)

    def _register_symbol(self, symbol: Any, var: VarData) -> None:
        self._symbols[symbol] = var

    def _mark_changed(self) -> None:
        object.__setattr__(self, "_changed", True)

    def refresh(self) -> None:
        """Rebuild rule-based constraints and objectives if a mutable Param changed."""
        if not self._changed:
            return
        for component in self.components():
            rebuild = getattr(component, "_rebuild", None)
            if rebuild is not None:
                rebuild()
        object.__setattr__(self, "_changed", False)

    def rebuilt_by(self, build_at: Callable[[dict[str, float]], "Model"]) -> None:
        """Declare how this model is built again at other param values.

        Model files (`symopt.dsl`) hold their params as numbers inside the expressions, so
        `params_at` builds the file again rather than running rules.
        """
        object.__setattr__(self, "_build_at", build_at)

    @contextmanager
    def params_at(self, values: dict[str, float]) -> Iterator["Model"]:
        """The model as it would be built with scalar params set to ``values``.

        A Python model sets the params and runs its rules again, and puts everything back
        on exit; a model read from a file is built again (see `rebuilt_by`). Parametric LP
        answers and NLP sensitivities move params this way.

        >>> from symopt.model.components import Param
        >>> m = Model("m")
        >>> m.p = Param(initialize=2.0, mutable=True)
        >>> with m.params_at({"p": 5.0}) as moved:
        ...     moved.p.value
        5.0
        >>> m.p.value
        2.0
        """
        if self._build_at is not None:
            yield self._build_at(dict(values))
            return
        params = {c.name: c for c in self.components() if c.name in values}
        saved = {name: param.value for name, param in params.items()}
        try:
            for name, value in values.items():
                params[name].value = value
            self.refresh()
            yield self
        finally:
            for name, value in saved.items():
                params[name].value = value
            self.refresh()

    def _as_model_expression(self, raw: Any, where: str) -> Any:
        if type(raw).__module__.startswith("sympy"):
            self.symbol_map()
            raw = from_sympy(raw, self._symbols)
        if isinstance(raw, (bool, Relation)):
            raise ModelError(f"{where} is a relation or truth value ({raw}); expected an expression")
        try:
            return as_expression(raw)
        except ModelError:
            raise ModelError(f"{where} is {type(raw).__name__} {raw!r}; expected a number or "
                             "an expression of the model's variables") from None

    def _as_model_relation(self, raw: Any, where: str) -> Any:
        if type(raw).__module__.startswith("sympy"):
            self.symbol_map()
            return from_sympy(raw, self._symbols)
        if isinstance(raw, tuple):
            return tuple(self._as_model_expression(r, where) if r is not None else None for r in raw)
        return raw

    def solve(self, solver: str | None = None, method: str | None = None,
              options: dict | None = None, time_limit: float | None = None) -> Any:
        """Solve with ``symopt.solve``; returns a Solution and writes values back."""
        from symopt import pipeline  # a convenience, named in tests/test_architecture.py
        solution = pipeline.solve(self, solver=solver, method=method, options=options,
                                  time_limit=time_limit)
        object.__setattr__(self, "_last_solution", solution)
        return solution

    def explain(self) -> str:
        """Which problem class this is and why, and which solver and method would run and why."""
        from symopt import pipeline  # a convenience, named in tests/test_architecture.py
        return pipeline.explain(self)

    def report(self, format: str = "text") -> str:
        """The report of the last ``m.solve()`` (solving first if there was none):
        ``"text"``, ``"md"``, ``"html"`` or ``"json"``."""
        solution = getattr(self, "_last_solution", None) or self.solve()
        return solution.report(format=format)

    def linearize(self) -> list:
        """Rewrite abs terms and binary-times-bounded products as linear rows (an LP or MILP);
        returns what was rewritten. See `symopt.model.reformulate`."""
        return linearize(self)

    def to_latex(self, max_rows: int = 6) -> str:
        """The model as a LaTeX ``align*`` display in the user's names (see `model_latex`).

        >>> from symopt.model.components import Var
        >>> from symopt.model.constraints import Objective
        >>> m = Model("tiny")
        >>> m.x = Var(bounds=(0, 4))
        >>> m.obj = Objective(expr=3 * m.x)
        >>> print(m.to_latex())
        \\begin{align*}
        \\min \\quad & 3 x && \\text{(obj)} \\\\
        & 0 \\le x \\le 4
        \\end{align*}
        """
        return model_latex(self, max_rows=max_rows)

    def _repr_latex_(self) -> str:
        """Jupyter shows a model as its formulation."""
        return "$$" + self.to_latex() + "$$"

    def __repr__(self) -> str:
        return f"<Model {self.name!r}: {len(self._components)} components>"


def value(item: Any) -> float:
    """The numeric value of a number, Param, variable, expression, objective or row.

    >>> value(VarData(name="x", value=2.0) * 3)
    6.0
    """
    if isinstance(item, Objective):
        return evaluate(item.expr)
    if isinstance(item, ConstraintData):
        return evaluate(item.body)
    if isinstance(item, Expr):
        return evaluate(item)
    return evaluate(as_expression(item))
