"""CSV files named in `.opt` models, read relative to the model file.

A CSV file has one header line of column names; cells that look like numbers become
numbers (integers stay ``int`` so that they can be set elements), the rest stay text.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "d.csv").write_text("t,y\\n0,1.5\\n1,2.5\\n")
>>> table = read_table("d.csv", folder)
>>> table.names, table.column("y")
(['t', 'y'], [1.5, 2.5])
"""
from __future__ import annotations

import csv
import difflib
import io
import math
from dataclasses import dataclass
from pathlib import Path

from symopt.errors import InputError, ModelError, SourceLocation
from symopt.limits import read_text

__all__ = ["Table", "read_table", "cell_value", "did_you_mean", "model_folder"]

_MOST_DIGITS = 300        # a longer integer cell is beyond the float range anyway


def did_you_mean(name: str, candidates: list[str] | tuple[str, ...] | set[str]) -> str:
    """``" (did you mean 'x'?)"`` when a candidate is close to ``name``, else ``""``."""
    close = difflib.get_close_matches(name, sorted(map(str, candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def cell_value(text: str) -> int | float | str:
    """A CSV cell as an int, a float, or the stripped text."""
    text = text.strip()
    if not text or not (text[0].isdigit() or text[0] in "+-."):
        return text
    if len(text) <= _MOST_DIGITS:
        try:
            return int(text)
        except ValueError:
            pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text     # stays text: "expected a number"


@dataclass(frozen=True)
class Table:
    """The columns of one CSV file, by header name."""

    path: Path
    names: list[str]
    rows: list[list[int | float | str]]
    location: SourceLocation | None = None

    def column(self, name: str, location: SourceLocation | None = None) -> list:
        """The cells of column ``name``; a missing column is a `ModelError` naming the file."""
        if name not in self.names:
            raise ModelError(
                f"column '{name}' is not in {self.path.name} (its columns are "
                f"{', '.join(self.names)}){did_you_mean(name, self.names)}",
                location or self.location)
        position = self.names.index(name)
        return [row[position] for row in self.rows]

    def numeric_column(self, name: str, location: SourceLocation | None = None) -> list[float]:
        """Column ``name`` as floats; a text cell is a `ModelError` naming its row."""
        values = self.column(name, location)
        for row, value in enumerate(values, start=2):
            if isinstance(value, str):
                shown = value if len(value) <= 40 else value[:37] + "..."
                raise ModelError(f"{self.path.name}, line {row}: column '{name}' holds "
                                 f"'{shown}', expected a finite number",
                                 location or self.location)
        return [float(value) for value in values]


def model_folder(filename: str, base_dir: str | Path | None = None) -> Path:
    """Where a model's CSV and data paths are looked up: ``base_dir`` if given, else the
    model file's folder (the working folder for text that is not from a file)."""
    if base_dir is not None:
        return Path(base_dir)
    return Path(filename).resolve().parent if filename != "<string>" else Path.cwd()


def read_table(path: str, base_dir: Path, location: SourceLocation | None = None) -> Table:
    """Read the CSV file ``path`` (relative to ``base_dir``) into a `Table`.

    Raises `ModelError` at ``location`` when the file is missing, empty or ragged.
    """
    full = Path(path) if Path(path).is_absolute() else base_dir / path
    if not full.exists():
        raise ModelError(f"data file '{path}' not found (looked for {full})", location)
    try:
        text = read_text(full, "data file")
        lines = [row for row in csv.reader(io.StringIO(text, newline=""))
                 if any(cell.strip() for cell in row)]
    except InputError as exc:
        raise ModelError(f"data file '{path}' cannot be read: {exc.message}", location) from None
    except csv.Error as exc:
        raise ModelError(f"data file '{path}' cannot be read: {exc}", location) from None
    if not lines:
        raise ModelError(f"data file '{path}' is empty; expected a header line of column "
                         "names", location)
    names = [name.strip() for name in lines[0]]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if len(line) != len(names):
            raise ModelError(f"data file '{path}', line {number} has {len(line)} cells, "
                             f"expected {len(names)} (one per column)", location)
        rows.append([cell_value(cell) for cell in line])
    return Table(full, names, rows, location)
