"""The one place where `.opt` statements meet the public modeling API (`symopt.model`).

The builder evaluates sets, params and index lists itself and hands this module plain
Python values: element lists, ``{key: settings}`` for variables, ``{key: (lower, body,
upper)}`` for constraints. Components are registered under the file's own names with
``Model.add_component`` so that names such as ``lambda``, ``E`` or ``solve`` work.

>>> model = new_model("demo")
>>> get = add_var(model, "x", {None: {"lower": 0, "upper": None, "start": 2}}, "real", False)
>>> get(None).name, get(None).value
('x', 2.0)
"""
from __future__ import annotations

from typing import Any, Callable

from symopt.model import functions, sets
from symopt.model.components import Expression, Param, Var
from symopt.model.constraints import Constraint, Objective
from symopt.model.expr import VarData
from symopt.model.model import Model
from symopt.model.sets import Set

__all__ = [
    "new_model", "add_set", "add_param", "add_var", "add_expression", "add_objective", "add_constraint",
    "model_function", "data_symbol",
]

_DOMAINS = {"real": "Reals", "integer": "Integers", "binary": "Binary"}
_FUNCTION_ALIASES = {"ln": "log"}


def _register(model: Model, name: str, component: Any) -> Any:
    return model.add_component(name, component)


def new_model(name: str) -> Any:
    """An empty `symopt.Model` called ``name``."""
    return Model(name)


def add_set(model: Any, name: str, elements: list) -> Any:
    """Register a set (ordered elements; tuples for products)."""
    return _register(model, name, Set(initialize=list(elements)))


def add_param(model: Any, name: str, value: Any, symbolic: bool = False) -> None:
    """Keep a param on the model (expressions already hold its values, as numbers; a
    symbolic param's answers come from building the file again, see `Model.params_at`)."""
    if isinstance(value, dict):
        _register(model, name, Param(Set(initialize=list(value)), initialize=dict(value)))
    else:
        _register(model, name, Param(initialize=float(value), symbolic=symbolic))


def add_var(model: Any, name: str, settings: dict, domain: str, indexed: bool
            ) -> Callable[[Any], Any]:
    """Register a variable; returns ``get(key)`` giving one scalar `VarData`."""
    domain_object = getattr(sets, _DOMAINS[domain])
    if not indexed:
        entry = settings[None]
        scalar = Var(domain=domain_object, bounds=(entry["lower"], entry["upper"]),
                     initialize=entry["start"])
        _register(model, name, scalar)
        return lambda key: scalar
    starts = {key: entry["start"] for key, entry in settings.items() if entry["start"] is not None}
    index = sets.Set(initialize=list(settings))
    shared = {_bounds(entry) for entry in settings.values()}
    bounds: Any = next(iter(shared)) if len(shared) == 1 else (
        lambda m, *key: _bounds(settings[_key(key)]))
    family = Var(index, domain=domain_object, initialize=starts or None, bounds=bounds)
    _register(model, name, family)
    return lambda key: family[key]


def _bounds(entry: dict) -> tuple:
    return entry["lower"], entry["upper"]


def _key(key: tuple) -> Any:
    return key[0] if len(key) == 1 else key


def add_expression(model: Any, name: str, value: Any) -> None:
    """Register a named expression (its uses already hold the expression itself)."""
    if isinstance(value, dict):
        index = Set(initialize=list(value))
        _register(model, name, Expression(index, rule=lambda m, *key: value[_key(key)]))
    else:
        _register(model, name, Expression(expr=value))


def add_objective(model: Any, name: str, expression: Any, sense: str) -> None:
    """Register the objective ``expression`` with sense ``"minimize"`` or ``"maximize"``."""
    _register(model, name, Objective(expr=expression, sense=sense))


def add_constraint(model: Any, name: str, rows: dict, indexed: bool) -> None:
    """Register a constraint from ``{key: (lower, body, upper)}`` (None: no bound)."""
    if indexed:
        index = Set(initialize=list(rows))
        component = Constraint(index, rule=lambda m, *key: rows[_key(key)])
    else:
        component = Constraint(expr=rows[None])
    _register(model, name, component)


def model_function(name: str) -> Callable[..., Any] | None:
    """The modeling layer's version of a math function (``exp`` of an expression), or None."""
    name = _FUNCTION_ALIASES.get(name, name)
    return getattr(functions, name, None) if name in functions.__all__ else None


def data_symbol(model: Any, column: str) -> Any:
    """A placeholder leaf for a data column (the independent variable of a fit)."""
    return VarData(name=column)
