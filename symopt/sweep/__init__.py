"""Scenario sweeps and multistart: one model compiled once, solved for many scenarios.

``solve_many(model, scenarios)`` returns a `Sweep` table; ``grid(...)`` and ``starts(...)``
describe what varies. Modules: `scenarios` (tables of Param values, start points),
`trace` (Params as placeholders), `parametric` (compile once with a parameter vector),
`worker` (the task run in worker processes; `chunk` its results, `highs_engine` its LP
engine), `executors` (process pool, any Executor, Dask; ``close_pool()`` ends the pool kept
between sweeps), `table` (`Sweep`), `report` (figures), `run` (`solve_many`). Start points for
multistart come from `symopt.multistart` (a stage below the pipeline, which uses it).

Names load on first use: ``import symopt.sweep`` stays cheap.
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["solve_many", "grid", "starts", "Sweep", "close_pool"]

_LAZY = {"solve_many": "symopt.sweep.run", "grid": "symopt.sweep.scenarios",
         "starts": "symopt.multistart", "Sweep": "symopt.sweep.table",
         "close_pool": "symopt.sweep.executors"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'symopt.sweep' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
