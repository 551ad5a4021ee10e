"""Render a `Document` as aligned plain text for the terminal.

>>> from symopt.report.document import Document, Section, Table
>>> doc = Document("Demo", "lp", [Section("Variables", [Table("", ["name", "value"],
...     [["x", 1.0], ["long_name", 2.5]])])])
>>> print(render_text(doc), end="")
Demo
====
<BLANKLINE>
Variables
---------
name       value
---------  -----
x              1
long_name    2.5
"""
from __future__ import annotations

import textwrap
from typing import Any

from symopt.report.document import (
    Block, Document, KeyValues, Note, Paragraph, Plot, Preformatted, Table, format_cell,
)

__all__ = ["render_text"]

WIDTH = 100


def render_text(document: Document) -> str:
    """The document as plain text with underlined headings and aligned columns."""
    lines = [document.title, "=" * len(document.title)]
    for section in document.sections:
        lines += ["", section.title, "-" * len(section.title)]
        for i, block in enumerate(section.blocks):
            if i:
                lines.append("")
            lines += block_lines(block)
    return "\n".join(lines).rstrip() + "\n"


def block_lines(block: Block) -> list[str]:
    """The lines of one block."""
    if isinstance(block, KeyValues):
        return key_value_lines(block)
    if isinstance(block, Table):
        return table_lines(block)
    if isinstance(block, Note):
        prefix = "Warning: " if block.level == "warning" else "Note: "
        return textwrap.wrap(prefix + block.text, WIDTH, subsequent_indent="  ")
    if isinstance(block, Paragraph):
        return textwrap.wrap(block.text, WIDTH)
    if isinstance(block, Preformatted):
        return ["    " + line for line in block.text.splitlines()]
    if isinstance(block, Plot):
        return [f"[plot: {block.title} — shown in the HTML report]" if block.png
                else f"[plot: {block.title} — {block.missing}]"]
    raise TypeError(f"unknown report block {type(block).__name__}")


def key_value_lines(block: KeyValues) -> list[str]:
    lines = [block.title] if block.title else []
    if not block.items:
        return lines
    width = max(len(label) for label, _ in block.items) + 1
    for label, value in block.items:
        first, *rest = format_cell(value).splitlines() or [""]
        lines.append(f"{(label + ':').ljust(width)} {first}")
        lines += [" " * (width + 1) + line for line in rest]
    return lines


def is_numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def table_lines(table: Table) -> list[str]:
    """Columns padded to their widest cell; numbers right-aligned, text left-aligned."""
    cells = [[format_cell(v) for v in row] for row in table.rows]
    widths = [max(len(name), *map(len, column)) if cells else len(name)
              for name, column in zip(table.columns, zip(*cells) if cells else
                                      [()] * len(table.columns))]
    numeric = [any(is_numeric(row[j]) for row in table.rows) for j in range(len(table.columns))]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)]
        return "  ".join(parts).rstrip()

    lines = [table.title] if table.title else []
    lines += [line(list(table.columns)), "  ".join("-" * w for w in widths)]
    previous = None
    for i, row in enumerate(cells):
        group = table.groups[i] if i < len(table.groups) else None
        if group and group != previous:
            lines.append(f"[{group}]")
        previous = group
        lines.append(line(row))
    if table.caption:
        lines += textwrap.wrap(table.caption, WIDTH)
    return lines
