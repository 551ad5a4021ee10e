"""Read the NIST StRD nonlinear regression ``.dat`` files (numbers only, never formulas).

Each file's header says which lines hold the start values, the certified values and the
data; this reader takes the line ranges from there. The model formula is returned as text
for display only: the benchmark writes every model in Python itself.

Run ``python benchmarks/nist_data.py`` to list the problems found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "nist_strd"

_ERROR_TERM = re.compile(r"\+\s+e\s*$")
_RANGE = re.compile(r"(Starting Values|Certified Values|Data)\s*\(lines\s+(\d+)\s+to\s+(\d+)\)")


@dataclass(frozen=True)
class NistProblem:
    """One StRD problem: data, both start points and the certified answer."""

    name: str
    formula: str
    x: np.ndarray            # (n_obs,) or (n_obs, n_predictors)
    y: np.ndarray            # (n_obs,)
    start1: np.ndarray
    start2: np.ndarray
    certified: np.ndarray
    certified_sd: np.ndarray
    certified_rss: float

    @property
    def n_params(self) -> int:
        return self.certified.size


def read_problem(path: Path) -> NistProblem:
    """Parse one ``.dat`` file."""
    lines = path.read_text().splitlines()
    ranges = {}
    for line in lines[:12]:
        match = _RANGE.search(line)
        if match:
            ranges[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    first, last = ranges["Starting Values"]
    params = [_numbers_after_equals(line) for line in lines[first - 1:last]]
    table = np.array(params)
    first, last = ranges["Data"]
    data = np.array([[float(t) for t in line.split()] for line in lines[first - 1:last]
                     if line.strip()])
    x = data[:, 1] if data.shape[1] == 2 else data[:, 1:]
    return NistProblem(
        name=path.stem, formula=_formula(lines), x=x, y=data[:, 0],
        start1=table[:, 0], start2=table[:, 1], certified=table[:, 2],
        certified_sd=table[:, 3], certified_rss=_rss(lines))


def read_all(directory: Path = NIST_DIR) -> dict[str, NistProblem]:
    """Every problem in ``directory``, by name."""
    return {p.stem: read_problem(p) for p in sorted(directory.glob("*.dat"))}


def _numbers_after_equals(line: str) -> list[float]:
    return [float(t) for t in line.split("=", 1)[1].split()]


def _formula(lines: list[str]) -> str:
    start = next(i for i, line in enumerate(lines) if line.startswith("Model:"))
    parts: list[str] = []
    for line in lines[start + 1:]:
        if "=" in line or parts:
            parts.append(line.strip())
        if _ERROR_TERM.search(line):
            break
    return _ERROR_TERM.sub("", " ".join(p for p in parts if p)).strip()


def _rss(lines: list[str]) -> float:
    for line in lines:
        if line.startswith("Residual Sum of Squares:"):
            return float(line.split(":", 1)[1])
    return float("nan")


if __name__ == "__main__":
    for problem in read_all().values():
        print(f"{problem.name:10s} n={problem.n_params} m={problem.y.size:4d}  {problem.formula}")
