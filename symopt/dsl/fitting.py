"""The `fit y ~ expression [sigma column]` statement: a curve fit on the `data` table.

The columns of the ``data`` file are the observations; the model's variables are the
parameters to estimate (their ``= value`` is the start). The fit is kept as a `FitSpec`
and solved by `symopt.symbolic.fit` (exact Jacobian, least squares / curve_fit).

>>> import tempfile, pathlib
>>> from symopt.dsl.parser import parse
>>> from symopt.dsl.builder import build
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "d.csv").write_text("t,y\\n0,1\\n1,3\\n2,5\\n")
>>> text = 'data "d.csv"\\nvar a = 1, b = 0\\nfit y ~ a*t + b'
>>> spec = build(parse(text, "m.opt"), text, str(folder / "m.opt")).fit
>>> spec.dependent, list(spec.independent), [p.name for p in spec.parameters]
('y', ['t'], ['a', 'b'])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from lark import Tree

from symopt.dsl.data import did_you_mean

__all__ = ["FitSpec", "add_fit"]


@dataclass
class FitSpec:
    """A curve fit read from a model file: ``observed ~ expression(independent; parameters)``."""

    expression: Any                       # a model expression of parameters and data leaves
    text: str                             # the formula as written
    dependent: str
    observed: np.ndarray
    independent: dict[str, np.ndarray]    # column name -> data
    data_symbols: dict[str, Any]          # column name -> the placeholder leaf in expression
    parameters: list[Any]                 # VarData, in declaration order
    sigma: np.ndarray | None = None
    sigma_name: str | None = None


def add_fit(builder: Any, node: Tree) -> None:
    """Check a ``fit`` statement and store its `FitSpec` on the build result."""
    target, body, *sigma = node.children
    table = builder.data_table
    if table is None:
        raise builder.fail("a 'fit' needs observations: add 'data \"file.csv\"' before it",
                           node)
    location = builder.evaluator.location(target)
    observed = np.array(table.numeric_column(str(target), location))
    symbols = builder.symbols
    symbols.used_data.clear()
    builder.guard(body)
    expression = builder.evaluator.expression(body, {})
    used = [name for name in table.names if name in symbols.used_data]
    if str(target) in used:
        raise builder.fail(f"the fitted column '{target}' also appears on the right of '~'",
                           body)
    if not used:
        raise builder.fail("the fit formula uses no data column; expected one of "
                           f"{', '.join(n for n in table.names if n != str(target))}", body)
    parameters = [entry.get(key) for entry in builder.symbols.variables.values()
                  for key in _members(entry)]
    if not parameters:
        raise builder.fail("a fit needs parameters to estimate: declare them with "
                           "'var a = start'", node)
    if len(observed) < len(parameters):
        raise builder.fail(f"{table.path.name} has {len(observed)} row(s) of data, fewer than "
                           f"the {len(parameters)} parameter(s) to estimate; a fit needs at "
                           "least one observation per parameter", node)
    spec = FitSpec(expression, builder.evaluator.text_of(body), str(target), observed,
                   {name: np.array(table.numeric_column(name)) for name in used},
                   {name: symbols.data[name] for name in used}, parameters)
    if sigma:
        _add_sigma(builder, spec, table, sigma[0])
    builder.result.fit = spec


def _members(entry: Any) -> list:
    """The keys of a variable's members in declaration order ([None] for a scalar)."""
    if entry.keys is None:
        return [None]
    return list(entry.index_order)


def _add_sigma(builder: Any, spec: FitSpec, table: Any, node: Tree) -> None:
    name = str(node.children[0])
    if name not in table.names:
        raise builder.fail(f"sigma column '{name}' is not in {table.path.name} (its columns "
                           f"are {', '.join(table.names)}){did_you_mean(name, table.names)}",
                           node)
    sigma = np.array(table.numeric_column(name, builder.evaluator.location(node)))
    if np.any(sigma <= 0):
        raise builder.fail(f"sigma column '{name}' must be positive in every row", node)
    spec.sigma, spec.sigma_name = sigma, name
