"""Scenario sweeps and multistart: one model compiled once, solved for many scenarios.

``solve_many(model, scenarios)`` returns a `Sweep` table; ``grid(...)`` and ``starts(...)``
describe what varies. Modules: `scenarios` (tables of Param values, start points),
`trace` (Params as placeholders), `parametric` (compile once with a parameter vector),
`worker` (the task run in worker processes), `executors` (process pool, any Executor,
Dask), `table` (`Sweep`), `report` (figures), `run` (`solve_many`), `multistart`
(``symopt.solve(..., starts=K)``).

Names load on first use, so that `symopt.pipeline` can import `symopt.sweep.multistart`
without loading the rest (which imports the pipeline).
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["solve_many", "grid", "starts", "Sweep"]

_LAZY = {"solve_many": "symopt.sweep.run", "grid": "symopt.sweep.scenarios",
         "starts": "symopt.sweep.scenarios", "Sweep": "symopt.sweep.table"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'symopt.sweep' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
