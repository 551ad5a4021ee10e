"""Shared test set-up: the slow marker and the location of the shared data."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from symopt.optimize._linprog import to_linear_program
from symopt.optimize.linear_program import LinearProgram

# CI replays the same examples every run, so a red CI always means a real, reproducible failure;
# local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED = Path(__file__).resolve().parents[2] / "shared"
NIST_DIR = SHARED / "data" / "nist_strd"
NETLIB_DIR = SHARED / "data" / "netlib"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run slow checks")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: give --runslow to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def load_netlib_npz(path: Path, names: bool = False) -> tuple[LinearProgram, float | None]:
    """scipy's npz conversion of a Netlib LP and its published optimum (None if absent).

    ``names`` gives columns ``x[j]`` and rows ``row[i]``, for reports.
    """
    data = np.load(path, allow_pickle=True)
    bounds = np.asarray(data["bounds"], dtype=object).reshape(-1, 2)  # some are (1, n, 2)
    lp = to_linear_program(data["c"], data["A_ub"], data["b_ub"], data["A_eq"], data["b_eq"],
                           bounds)
    lp = dataclasses.replace(lp, name=Path(path).stem)
    if names:
        lp = dataclasses.replace(lp, col_names=tuple(f"x[{j}]" for j in range(lp.num_cols)),
                                 row_names=tuple(f"row[{i}]" for i in range(lp.num_rows)))
    return lp, (float(data["obj"]) if "obj" in data.files else None)
