"""`Sweep`: the results of many solves of one model, one row per scenario, in scenario order.

Columns: ``scenario`` (its number), the swept names (or ``start`` for multistart),
``status``, ``objective``, ``seconds`` (solve time), ``message`` (empty when optimal) and the
kept numbers: a variable's value under its name (``ship[seattle,chicago]``), its reduced
cost as ``NAME.reduced_cost``, a constraint's dual as ``NAME.dual``.

>>> import numpy as np
>>> s = Sweep(("demand",), np.array([[1.0], [2.0]]), np.array([0, 1], np.int8),
...           np.array([5.0, np.nan]), np.zeros(2), np.zeros((2, 0)), (), {1: "no point"})
>>> s.counts(), s.records()[1]["status"]
({'optimal': 1, 'infeasible': 1}, 'infeasible')
"""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from symopt.errors import InputError
from symopt.sweep.chunk import STATUSES

__all__ = ["Sweep", "FORMAT"]

#: first key of a results file's header line
FORMAT = "symopt_sweep"


@dataclass
class Sweep:
    """A table of scenario results (see the module docstring)."""

    columns: tuple[str, ...]
    values: np.ndarray                 # (S, len(columns)) the swept values
    status_codes: np.ndarray           # (S,) indexes into worker.STATUSES
    objective: np.ndarray              # (S,) NaN unless optimal
    seconds: np.ndarray                # (S,) solve time per scenario
    kept: np.ndarray                   # (S, len(kept_names))
    kept_names: tuple[str, ...]
    messages: dict[int, str] = field(default_factory=dict)
    model_name: str = ""
    problem_class: str = ""
    sense: str = "min"
    method: str = ""
    interrupted: bool = False
    wall_seconds: float = 0.0
    multistart: bool = False

    # ----- reading ----------------------------------------------------------------------
    def __len__(self) -> int:
        return self.status_codes.size

    @property
    def status(self) -> list[str]:
        return [STATUSES[c] for c in self.status_codes]

    def counts(self) -> dict[str, int]:
        """How many scenarios ended with each status."""
        words, counts = np.unique(self.status_codes, return_counts=True)
        return {STATUSES[w]: int(n) for w, n in zip(words, counts)}

    def column(self, name: str) -> np.ndarray:
        """One column as an array (a swept name, "objective", "seconds" or a kept name)."""
        if name in self.columns:
            return self.values[:, self.columns.index(name)]
        if name in self.kept_names:
            return self.kept[:, self.kept_names.index(name)]
        if name in ("objective", "seconds"):
            return getattr(self, name)
        raise KeyError(f"no column {name!r}; columns: {', '.join(self.header())}")

    def header(self) -> list[str]:
        return ["scenario", *self.columns, "status", "objective", "seconds", "message",
                *self.kept_names]

    def rows(self) -> Iterator[list[Any]]:
        status = self.status
        for s in range(len(self)):
            yield [s, *map(float, self.values[s]), status[s], _plain(self.objective[s]),
                   float(self.seconds[s]), self.messages.get(s, ""),
                   *map(_plain, self.kept[s])]

    def records(self) -> list[dict[str, Any]]:
        """One dict per scenario, keys as `header`."""
        names = self.header()
        return [dict(zip(names, row)) for row in self.rows()]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (pandas must be installed)."""
        try:
            import pandas
        except ImportError:
            raise InputError("to_dataframe needs pandas: pip install pandas "
                             "(records() gives the same rows as dicts)") from None
        return pandas.DataFrame(list(self.rows()), columns=self.header())

    def best(self) -> dict[str, Any] | None:
        """The optimal scenario with the best objective, with ``reached``: how many
        optimal scenarios came within 1e-6 (relative) of it; None if none is optimal."""
        optimal = np.flatnonzero(self.status_codes == 0)
        if optimal.size == 0:
            return None
        sign = 1.0 if self.sense == "min" else -1.0
        values = sign * self.objective[optimal]
        winner = int(optimal[np.argmin(values)])
        target = sign * self.objective[winner]
        reached = int(np.sum(np.abs(values - target) <= 1e-6 * max(1.0, abs(target))))
        record = self.records()[winner]
        record["reached"] = reached
        return record

    # ----- writing ----------------------------------------------------------------------
    def to_csv(self, path: str | Path | None = None) -> str:
        """The table as CSV text (also written to ``path`` when given)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header())
        writer.writerows(["" if v is None else v for v in row] for row in self.rows())
        return _written(buffer.getvalue(), path)

    def to_json(self, path: str | Path | None = None) -> str:
        """``{"model", "summary", "columns", "rows"}`` as JSON (also written to ``path``)."""
        document = {"model": self.model_name, "summary": self.summary(),
                    "columns": self.header(), "rows": list(self.rows())}
        return _written(json.dumps(document, allow_nan=False, default=str) + "\n", path)

    def summary(self) -> dict[str, Any]:
        ran = self.seconds[self.status_codes < STATUSES.index("lost")]
        return {"model": self.model_name, "class": self.problem_class, "method": self.method,
                "scenarios": len(self), "counts": self.counts(),
                "interrupted": self.interrupted, "wall_seconds": round(self.wall_seconds, 4),
                "scenarios_per_second": round(len(ran) / self.wall_seconds, 2)
                if self.wall_seconds > 0 else None,
                "mean_solve_seconds": float(np.mean(ran)) if ran.size else None}

    def report(self, format: str = "text", path: str | Path | None = None,
               dual: str | None = None) -> str:
        """A report: ``"text"``, ``"md"``, ``"html"`` (with plots) or ``"json"`` (plot data).

        ``dual`` names the kept column drawn against the swept value (default: the first
        kept dual).
        """
        from symopt.sweep.report import render
        return _written(render(self, format, dual), path)

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {w}" for w, n in self.counts().items())
        return f"<Sweep {self.model_name!r}: {len(self)} scenarios ({counts})>"


def _plain(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _written(text: str, path: str | Path | None) -> str:
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
