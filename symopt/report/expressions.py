"""The named expressions of a solved model (``Expression``, ``.opt``'s ``expr``) in reports.

They are substituted where they are used, so the solver never sees them; the report
shows each one by name with its value at the solution.

>>> from symopt import Expression, Model, Var, solve
>>> from symopt.model.constraints import Objective
>>> m = Model("demo")
>>> m.x = Var(initialize=1.0)
>>> m.shifted = Expression(expr=m.x - 3)
>>> m.f = Objective(expr=m.shifted ** 2)
>>> named_expressions_table(solve(m)).rows
[['shifted', 0.0]]
"""
from __future__ import annotations

from typing import Any

from symopt.report.document import Section, Table

__all__ = ["named_expressions_table", "named_expressions_section"]


def named_expressions_table(solution: Any) -> Table | None:
    """A table of every named expression of ``solution.model`` and its value, or None."""
    from symopt.errors import SymoptError
    from symopt.model.components import Expression
    from symopt.model.model import value
    model = getattr(solution, "model", None)
    if model is None:
        return None
    rows = []
    for component in model.components(Expression):
        keys = list(component.index_keys()) if component.is_indexed else [None]
        for key in keys:
            name = component.name if key is None else _member_name(component.name, key)
            try:
                number: Any = value(component[key] if key is not None else component.expr)
            except SymoptError:
                number = float("nan")
            rows.append([name, float(number)])
    if not rows:
        return None
    return Table("Named expressions", ["name", "value"], rows, key="expressions",
                 caption="substituted where used: the solver saw no extra variables or rows")


def named_expressions_section(solution: Any) -> Section | None:
    table = named_expressions_table(solution)
    return Section("Named expressions", [table]) if table is not None else None


def _member_name(name: str, key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return f"{name}[{','.join(map(str, parts))}]"
