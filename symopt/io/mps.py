"""MPS files, fixed and free format, read into and written from a `LinearProgram`.

Sections: NAME, OBJSENSE, OBJSENSE MAX (free form), OBJNAME, ROWS, COLUMNS (with integer
MARKER lines), RHS, RANGES, BOUNDS (UP LO FX FR MI PL BV LI UI), ENDATA. Files ending in
``.gz`` are decompressed on the fly. Each data line is split on white space; a line that
does not make sense that way (names with embedded spaces, as in Netlib's FORPLAN) is
read by the fixed-format columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61.

Conventions, stated once:
* The first N row is the objective; further N rows are free rows and are dropped.
* An RHS entry on the objective row is the objective constant *negated* (offset = -value),
  as modern readers (HiGHS, CPLEX) take it.
* An UP bound below zero on a column with no explicit lower bound makes the lower bound
  -inf (with a warning), the usual convention.
* Integer columns from MARKER sections keep their bounds (default [0, inf)).

>>> text = '''NAME tiny
... ROWS
...  N cost
...  L lim
... COLUMNS
...     x cost 1 lim 1
...     y cost 2 lim 1
... RHS
...     RHS lim 4
... BOUNDS
...  UP BND x 3
... ENDATA
... '''
>>> lp = parse_mps(text)
>>> lp.col_names, lp.row_upper.tolist(), lp.col_upper.tolist()
(('x', 'y'), [4.0], [3.0, inf])
"""
from __future__ import annotations

import math
import warnings
from typing import Any
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from symopt.errors import ParseError, SourceLocation
from symopt.io.text import format_number as _num, open_text, unique_name, write_text
from symopt.limits import FLOAT_MAX, LARGE_COEFFICIENT
from symopt.optimize.linear_program import LinearProgram, compressed_entries, csc_from_triplets

__all__ = ["read_mps", "parse_mps", "write_mps", "format_mps"]

_SECTIONS = ("NAME", "OBJSENSE", "OBJSENSE MAX", "OBJSENSE MIN", "OBJSENSE MAXIMIZE",
             "OBJSENSE MINIMIZE", "OBJNAME", "ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS",
             "ENDATA")
_FIXED_FIELDS = ((1, 3), (4, 12), (14, 22), (24, 36), (39, 47), (49, 61))
_BOUND_TYPES = ("UP", "LO", "FX", "FR", "MI", "PL", "BV", "LI", "UI")


def read_mps(path: str | Path) -> LinearProgram:
    """Read a fixed or free MPS file (optionally ``.gz``) into a `LinearProgram`."""
    return parse_mps(open_text(path), filename=str(path))


def parse_mps(text: str, filename: str = "<mps>") -> LinearProgram:
    """Parse MPS text; errors name the file, line and column.

    Well-formed text is read in bulk (`symopt.io.mps_bulk`); anything else line by line.
    """
    from symopt.io.mps_bulk import parse_bulk   # it builds through this module's reader
    return parse_bulk(text, filename) or _MpsReader(filename).read(text)


@dataclass
class _MpsReader:
    filename: str
    name: str = ""
    sense: str = "min"
    objective: str | None = None
    objective_offset: float = 0.0
    row_index: dict[str, int] = field(default_factory=dict)
    row_types: list[str] = field(default_factory=list)
    free_rows: set[str] = field(default_factory=set)
    col_index: dict[str, int] = field(default_factory=dict)
    cost: dict[int, float] = field(default_factory=dict)
    triplets: tuple[list[int], list[int], list[float]] = field(default_factory=lambda: ([], [], []))
    rhs: dict[int, float] = field(default_factory=dict)
    ranges: dict[int, float] = field(default_factory=dict)
    lower: dict[int, float] = field(default_factory=dict)
    upper: dict[int, float] = field(default_factory=dict)
    integer: set[int] = field(default_factory=set)
    in_marker: bool = False
    line_text: str = ""
    line_number: int = 0

    def error(self, message: str, column: int = 1) -> ParseError:
        where = SourceLocation(self.filename, self.line_number, column, self.line_text)
        return ParseError(message, where)

    def read(self, text: str) -> LinearProgram:
        section = None
        for self.line_number, self.line_text in enumerate(text.splitlines(), start=1):
            line = self.line_text.rstrip()
            if not line.strip() or line.lstrip().startswith("*"):
                continue
            if not line[0].isspace():
                section = self.start_section(line)
                if section == "ENDATA":
                    break
                continue
            if section is None:
                raise self.error("data line before any section header; expected NAME or ROWS")
            getattr(self, "read_" + section.lower())(line)
        else:
            if section is not None and section != "ENDATA":
                warnings.warn(f"{self.filename}: no ENDATA line; reading what is there")
        return self.build()

    def start_section(self, line: str) -> str:
        words = line.split()
        head = words[0].upper()
        if head == "NAME":
            self.name = " ".join(words[1:])
            return "NAME"
        if head == "OBJSENSE" and len(words) > 1:
            self.set_sense(words[1])
            return "NAME"  # nothing more to read in this section
        if head == "OBJSENSE" or head == "OBJNAME":
            return head
        if head in ("RANGES", "BOUNDS", "ROWS", "COLUMNS", "RHS", "ENDATA") and len(words) == 1:
            return head
        known = ", ".join(s for s in _SECTIONS if " " not in s)
        raise self.error(f"unknown MPS section {words[0]!r}; expected one of {known}")

    def set_sense(self, word: str) -> None:
        key = word.upper()
        if key not in ("MAX", "MAXIMIZE", "MIN", "MINIMIZE"):
            raise self.error(f"objective sense {word!r} is not MAX or MIN")
        self.sense = "max" if key.startswith("MAX") else "min"

    def fields(self, line: str, valid, first: int = 1, known=None) -> list[str]:
        """White-space fields if they make sense for this section, else the fixed columns.

        ``valid`` checks the shape of a split, ``known`` that the names it finds are
        declared (numeric-looking names such as FORPLAN's ``RNG 1`` make a white-space
        split look valid). ``first`` is the first fixed field the section uses (0: the
        code field of ROWS and BOUNDS; 1: the name field of COLUMNS, RHS and RANGES).
        """
        words = line.split()
        fixed = [line[a:b].strip() for a, b in _FIXED_FIELDS[first:] if len(line) > a]
        while fixed and fixed[-1] == "":
            fixed.pop()
        for candidate in (words, fixed):
            if valid(candidate) is None and (known is None or known(candidate)):
                return candidate
        problem = valid(words)
        if problem is None:
            return words  # the caller names the undeclared row or column
        bad = problem.rsplit("'", 2)[-2] if problem.endswith("'") else ""
        raise self.error(problem, self.line_text.find(bad) + 1 if bad else 1)

    def is_row(self, name: str) -> bool:
        return name in self.row_index or name == self.objective or name in self.free_rows

    def number(self, text: str, largest: float = math.inf) -> float:
        """The number ``text``; NaN, and (unless ``largest`` is inf) infinity or values
        beyond ``largest`` in magnitude, are located errors."""
        column = max(self.line_text.find(text) + 1, 1)
        try:
            value = float(text)
        except ValueError:
            raise self.error(f"expected a number, found {text!r}", column) from None
        if math.isnan(value):
            raise self.error("NaN is not a valid number", column)
        if math.isfinite(largest) and not abs(value) <= largest:
            what = "beyond the range of floating-point numbers (about 1.8e308)" \
                if math.isinf(value) else f"larger than {largest:.0e}".replace("e+", "e")
            raise self.error(f"the number {text} is {what}; double precision cannot solve "
                             "with it: rescale the model's units", column)
        return value

    def read_name(self, line: str) -> None:
        raise self.error("unexpected data line after NAME")

    def read_objsense(self, line: str) -> None:
        self.set_sense(line.strip())

    def read_objname(self, line: str) -> None:
        self.objective = line.strip()

    def read_rows(self, line: str) -> None:
        words = self.fields(line, lambda w: _shape(w, (2,), ()), first=0)
        kind, name = words[0].upper(), words[1]
        if kind not in ("N", "L", "G", "E"):
            raise self.error(f"row type {words[0]!r} of row {name!r} is not N, L, G or E", 2)
        if name in self.row_index or name == self.objective or name in self.free_rows:
            raise self.error(f"row {name!r} is declared twice")
        if kind == "N":
            if self.objective is None:
                self.objective = name
            elif name != self.objective:
                self.free_rows.add(name)
            return
        self.row_index[name] = len(self.row_types)
        self.row_types.append(kind)

    def read_columns(self, line: str) -> None:
        if "'MARKER'" in line:
            self.read_marker(line)
            return
        words = self.fields(line, lambda w: _shape(w, (3, 5), w[2::2]),
                            known=lambda w: all(map(self.is_row, w[1::2])))
        column = self.col_index.setdefault(words[0], len(self.col_index))
        if self.in_marker:
            self.integer.add(column)
        for row, value in zip(words[1::2], words[2::2]):
            self.add_entry(row, column, self.number(value, LARGE_COEFFICIENT))

    def read_marker(self, line: str) -> None:
        if "'INTORG'" in line:
            self.in_marker = True
        elif "'INTEND'" in line:
            self.in_marker = False
        else:
            raise self.error("a MARKER line must say 'INTORG' or 'INTEND'")

    def add_entry(self, row: str, column: int, value: float) -> None:
        if row == self.objective:
            self.cost[column] = self.cost.get(column, 0.0) + value
        elif row in self.row_index:
            rows, cols, values = self.triplets
            rows.append(self.row_index[row])
            cols.append(column)
            values.append(value)
        elif row not in self.free_rows:
            raise self.error(f"row {row!r} is not declared in the ROWS section",
                             self.line_text.find(row) + 1)

    def row_values(self, line: str, target: dict[int, float], label: str) -> None:
        words = self.fields(line, lambda w: _shape(w, (2, 3, 4, 5), w[1 + len(w) % 2::2]),
                            known=lambda w: all(map(self.is_row, w[len(w) % 2::2])))
        if len(words) % 2 == 1:
            words = words[1:]  # drop the set name
        for row, value in zip(words[0::2], words[1::2]):
            number = self.number(value, FLOAT_MAX)
            if row == self.objective and label == "RHS":
                self.objective_offset = -number
            elif row in self.row_index:
                target[self.row_index[row]] = number
            elif row not in self.free_rows:
                raise self.error(f"{label} names row {row!r}, which is not declared in ROWS",
                                 self.line_text.find(row) + 1)

    def read_rhs(self, line: str) -> None:
        self.row_values(line, self.rhs, "RHS")

    def read_ranges(self, line: str) -> None:
        self.row_values(line, self.ranges, "RANGES")

    def read_bounds(self, line: str) -> None:
        words = self.fields(line, _valid_bound, first=0,
                            known=lambda w: _bound_column(w) in self.col_index)
        kind, name = words[0].upper(), _bound_column(words)
        value = None if kind in ("FR", "MI", "PL", "BV") else self.number(words[-1])
        if name not in self.col_index:
            raise self.error(f"BOUNDS names column {name!r}, which is not in COLUMNS",
                             self.line_text.find(name) + 1)
        self.apply_bound(kind, self.col_index[name], value)

    def apply_bound(self, kind: str, j: int, value: float | None) -> None:
        if kind in ("UP", "UI"):
            self.upper[j] = value
            if value < 0 and j not in self.lower:
                warnings.warn(f"{self.filename}:{self.line_number}: negative UP bound with no "
                              "lower bound; the lower bound becomes -inf")
                self.lower[j] = -np.inf
        elif kind in ("LO", "LI"):
            self.lower[j] = value
        elif kind == "FX":
            self.lower[j] = self.upper[j] = value
        elif kind == "FR":
            self.lower[j], self.upper[j] = -np.inf, np.inf
        elif kind == "MI":
            self.lower[j] = -np.inf
        elif kind == "PL":
            self.upper[j] = np.inf
        elif kind == "BV":
            self.lower[j], self.upper[j] = 0.0, 1.0
        if kind in ("UI", "LI", "BV"):
            self.integer.add(j)

    def build(self) -> LinearProgram:
        if self.objective is None and not self.row_index and not self.col_index:
            raise ParseError(f"{self.filename}: no ROWS or COLUMNS: this is not an MPS file")
        m, n = len(self.row_types), len(self.col_index)
        rows, cols, values = self.triplets
        A = csc_from_triplets(rows, cols, values, (m, n))
        rhs = _filled(np.zeros(m), self.rhs)
        row_lower, row_upper = _row_bounds(self.row_types, rhs, self.ranges)
        c = _filled(np.zeros(n), self.cost)
        col_lower = _filled(np.zeros(n), self.lower)
        col_upper = _filled(np.full(n, np.inf), self.upper)
        integrality = np.zeros(n, dtype=np.int8)
        integrality[list(self.integer)] = 1
        lp = LinearProgram(
            c=c, A=A, row_lower=row_lower, row_upper=row_upper, col_lower=col_lower,
            col_upper=col_upper, offset=self.objective_offset, sense=self.sense,
            integrality=integrality if self.integer else None, name=self.name,
            objective_name=self.objective or "obj", col_names=tuple(self.col_index),
            row_names=tuple(self.row_index),
        )
        try:
            lp.validate()
        except ValueError as exc:
            raise ParseError(f"{self.filename}: {exc}") from None
        return lp


def _filled(array: np.ndarray, entries: dict[int, float]) -> np.ndarray:
    """``array`` with ``array[i] = v`` for each ``i: v`` of ``entries``."""
    if entries:
        array[np.fromiter(entries, np.int64, len(entries))] = np.fromiter(
            entries.values(), float, len(entries))
    return array


def _shape(words: list[str], counts: tuple[int, ...], numbers: list[str]) -> str | None:
    """None when ``words`` has one of ``counts`` fields and ``numbers`` parse; else why not."""
    if len(words) not in counts:
        expected = " or ".join(map(str, counts))
        return f"expected {expected} fields on this line, found {len(words)}"
    for word in numbers:
        try:
            float(word)
        except ValueError:
            return f"expected a number, found {word!r}"
    return None


def _valid_bound(words: list[str]) -> str | None:
    if not words or words[0].upper() not in _BOUND_TYPES:
        found = words[0] if words else ""
        return f"expected a bound type ({', '.join(_BOUND_TYPES)}), found '{found}'"
    if words[0].upper() in ("FR", "MI", "PL", "BV"):
        return _shape(words, (2, 3, 4), [])
    return _shape(words, (3, 4), words[-1:])


def _bound_column(words: list[str]) -> str:
    """The column of a BOUNDS line: type [set] column [value]."""
    if words[0].upper() in ("FR", "MI", "PL", "BV"):
        return words[1] if len(words) == 2 else words[2]
    return words[-2]


def _row_bounds(types: list[str], rhs: np.ndarray, ranges: dict[int, float]):
    kinds = np.array(types, dtype="<U1") if types else np.zeros(0, dtype="<U1")
    lower = np.where(kinds == "L", -np.inf, rhs)
    upper = np.where(kinds == "G", np.inf, rhs)
    for i, r in ranges.items():
        if kinds[i] == "L":
            lower[i] = rhs[i] - abs(r)
        elif kinds[i] == "G":
            upper[i] = rhs[i] + abs(r)
        elif r >= 0:
            upper[i] = rhs[i] + r
        else:
            lower[i] = rhs[i] + r
    return lower.astype(float), upper.astype(float)


def write_mps(lp: LinearProgram, path: str | Path) -> None:
    """Write ``lp`` as a free-format MPS file (``.gz`` compresses)."""
    write_text(path, format_mps(lp))


def format_mps(lp: LinearProgram) -> str:
    """The free-format MPS text of ``lp``; ranged rows use RANGES, integers use MARKER.

    Names are display text: free MPS separates fields by white space, so each run of
    white space in a name is written as ``_`` (and a clash with another name gets a suffix).
    """
    col_names, row_names = _mps_names(lp)
    objective = _mps_words([lp.objective_name or "obj"], set(row_names))[0]
    out = [f"NAME {lp.name or 'symopt'}"]
    if lp.sense == "max":
        out += ["OBJSENSE", "    MAX"]
    out += ["ROWS", f" N  {objective}"]
    kinds = []
    for lo, hi in zip(lp.row_lower, lp.row_upper):
        kinds.append("E" if lo == hi else "L" if np.isfinite(hi) else "G" if np.isfinite(lo) else "N")
    out += [f" {k}  {name}" for k, name in zip(kinds, row_names)]
    out.append("COLUMNS")
    integer = lp.integrality if lp.integrality is not None else np.zeros(lp.num_cols)
    marker_open = False
    for j, name in enumerate(col_names):
        if bool(integer[j]) != marker_open:
            tag = "INTORG" if not marker_open else "INTEND"
            out.append(f"    MARKER  'MARKER'  '{tag}'")
            marker_open = not marker_open
        rows, values = compressed_entries(lp.A, j)
        entries = [(objective, lp.c[j])] if lp.c[j] != 0 else []
        entries += [(row_names[i], v) for i, v in zip(rows, values)]
        if not entries:
            entries = [(objective, 0.0)]
        out += [f"    {name}  {row}  {_num(v)}" for row, v in entries]
    if marker_open:
        out.append("    MARKER  'MARKER'  'INTEND'")
    out.append("RHS")
    if lp.offset:
        out.append(f"    RHS  {objective}  {_num(-lp.offset)}")
    for i, (kind, lo, hi) in enumerate(zip(kinds, lp.row_lower, lp.row_upper)):
        value = hi if kind in ("E", "L") else lo if kind == "G" else 0.0
        if value != 0:
            out.append(f"    RHS  {row_names[i]}  {_num(value)}")
    ranged = [i for i, k in enumerate(kinds) if k == "L" and np.isfinite(lp.row_lower[i])]
    if ranged:
        out.append("RANGES")
        out += [f"    RNG  {row_names[i]}  {_num(lp.row_upper[i] - lp.row_lower[i])}" for i in ranged]
    out += _bound_lines(lp, col_names, integer)
    out.append("ENDATA")
    return "\n".join(out) + "\n"


def _bound_lines(lp: LinearProgram, names: list[str], integer: np.ndarray) -> list[str]:
    lines = []
    for j, name in enumerate(names):
        lo, hi = lp.col_lower[j], lp.col_upper[j]
        if lo == hi:
            lines.append(f" FX BND  {name}  {_num(lo)}")
            continue
        if integer[j] and lo == 0 and hi == 1:
            lines.append(f" BV BND  {name}")
            continue
        if lo == -np.inf and hi == np.inf:
            lines.append(f" FR BND  {name}")
            continue
        if lo == -np.inf:
            lines.append(f" MI BND  {name}")
        elif lo != 0:
            lines.append(f" LO BND  {name}  {_num(lo)}")
        if hi != np.inf:
            lines.append(f" UP BND  {name}  {_num(hi)}")
    return ["BOUNDS"] + lines if lines else []


def _mps_names(lp: LinearProgram) -> tuple[list[str], list[str]]:
    cols = _mps_words(lp.col_names or [f"x{j + 1}" for j in range(lp.num_cols)], set())
    rows = _mps_words(lp.row_names or [f"c{i + 1}" for i in range(lp.num_rows)], set(cols))
    return cols, rows


def _mps_words(names: Any, taken: set[str]) -> list[str]:
    """Names as single MPS words: white space becomes ``_``; duplicates get a suffix.

    >>> _mps_words(["ship[new york]", "ship[new_york]", ""], set())
    ['ship[new_york]', 'ship[new_york]_2', '_']
    """
    return [unique_name("_".join(str(name).split()) or "_", taken) for name in names]
