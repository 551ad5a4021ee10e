"""A format-neutral report document: sections of key/value lists, tables, notes and plots.

The builders (`lp`, `fit`, `nlp`) turn a `Solution` into a `Document`; the renderers
(`text`, `markdown`, `html`) turn a `Document` into a string. Cells hold raw numbers;
each renderer formats them with :func:`format_number`, so ``inf`` prints as ``inf``
and never as ``1e+30``.

>>> table = Table("Variables", ["name", "value"], [["x", 1.5], ["y", float("inf")]])
>>> [format_number(row[1]) for row in table.rows]
['1.5', 'inf']
"""
from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

__all__ = [
    "Document", "Section", "KeyValues", "Table", "Note", "Paragraph", "Preformatted",
    "Plot", "Block", "ColumnRows", "format_number", "format_cell", "INFINITY_THRESHOLD",
]

#: Magnitudes at or above this are solver spellings of infinity (1e+30, 1e+20 in MPS files).
INFINITY_THRESHOLD = 1e20


@dataclass
class KeyValues:
    """An aligned list of ``label: value`` lines."""

    items: list[tuple[str, Any]]
    title: str = ""


class ColumnRows(Sequence):
    """A table's rows held as its columns (``columns``: one list per column).

    The text renderer reads the columns; anyone else sees row lists, built on first use.
    """

    def __init__(self, columns: list[list[Any]]) -> None:
        self.columns, self._rows = columns, None

    def _list(self) -> list[list[Any]]:
        if self._rows is None:
            self._rows = list(map(list, zip(*self.columns)))
        return self._rows

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def __getitem__(self, index: Any) -> Any:
        return self._list()[index]

    def __iter__(self) -> Any:
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        return self._list() == (list(other) if isinstance(other, ColumnRows) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._list())


@dataclass
class Table:
    """A table; ``groups`` (one label per row, or empty) inserts a heading where it changes."""

    title: str
    columns: list[str]
    rows: list[list[Any]] | ColumnRows
    key: str = ""                       # a stable id, e.g. "variables" (HTML id, tests)
    groups: list[str] = field(default_factory=list)
    caption: str = ""

    @classmethod
    def from_columns(cls, title: str, columns: list[str], data: list[list[Any]],
                     **kwargs: Any) -> "Table":
        """A table given column by column (``data``: one equally long list per column)."""
        return cls(title, columns, ColumnRows(data), **kwargs)


@dataclass
class Note:
    """A sentence for the reader; ``level`` is "info" or "warning"."""

    text: str
    level: str = "info"

    @property
    def label(self) -> str:
        """The word that introduces the note: "Warning" or "Note"."""
        return "Warning" if self.level == "warning" else "Note"


@dataclass
class Paragraph:
    """Plain prose."""

    text: str


@dataclass
class Preformatted:
    """Text whose line breaks and alignment matter (e.g. a written-out certificate)."""

    text: str


@dataclass
class Plot:
    """A picture as PNG bytes, or ``None`` with ``missing`` saying how to get it."""

    title: str
    png: bytes | None
    alt: str
    missing: str = ""
    path: str = ""                      # a file beside the report holding the PNG, if written

    @property
    def data_uri(self) -> str:
        """The PNG as a ``data:image/png;base64,...`` URI (``png`` must not be None)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


Block = Union[KeyValues, Table, Note, Paragraph, Preformatted, Plot]


@dataclass
class Section:
    """A titled group of blocks."""

    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    """A whole report: ``kind`` is "lp", "milp", "fit" or "nlp"."""

    title: str
    kind: str
    sections: list[Section] = field(default_factory=list)

    def section(self, title: str) -> Section:
        """The section called ``title`` (KeyError when absent)."""
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)

    def tables(self) -> list[Table]:
        """Every table of the document, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


def format_number(value: Any, digits: int = 6) -> str:
    """A number as a report shows it: ``inf`` for huge values, ``-0`` as ``0``.

    >>> format_number(1e30), format_number(-2.0e-17 * 0), format_number(3.14159265, 4)
    ('inf', '0', '3.142')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "nan"
    if abs(value) >= INFINITY_THRESHOLD:
        return "inf" if value > 0 else "-inf"
    if value == 0.0:
        return "0"
    return f"{value:.{digits}g}"


def format_cell(value: Any) -> str:
    """Any table cell as text: numbers via :func:`format_number`, the rest via ``str``."""
    if type(value) is float and INFINITY_THRESHOLD > value > -INFINITY_THRESHOLD:
        return f"{value:.6g}" if value else "0"      # the common case, without the checks
    if value is None or isinstance(value, (bool, int, float)):
        return format_number(value)
    try:
        return format_number(float(value)) if hasattr(value, "dtype") else str(value)
    except (TypeError, ValueError):
        return str(value)
