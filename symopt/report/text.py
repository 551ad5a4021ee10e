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

from symopt.report.document import (
    Block, ColumnRows, Document, KeyValues, Note, Paragraph, Plot, Preformatted, Table,
    format_cell,
)

__all__ = ["render_text"]

WIDTH = 100


def render_text(document: Document) -> str:
    """The document as plain text with underlined headings and aligned columns."""
    lines = [document.title, "=" * len(document.title)]
    formatted: dict = {}       # a column shared by two tables is formatted once
    for section in document.sections:
        lines += ["", section.title, "-" * len(section.title)]
        for i, block in enumerate(section.blocks):
            if i:
                lines.append("")
            lines += block_lines(block, formatted)
    return "\n".join(lines).rstrip() + "\n"


def block_lines(block: Block, formatted: dict | None = None) -> list[str]:
    """The lines of one block (``formatted``: cells of columns already formatted, by id)."""
    if isinstance(block, KeyValues):
        return key_value_lines(block)
    if isinstance(block, Table):
        return table_lines(block, formatted)
    if isinstance(block, Note):
        prefix = "Warning: " if block.level == "warning" else "Note: "
        return wrap(prefix + block.text, WIDTH, indent="  ")
    if isinstance(block, Paragraph):
        return wrap(block.text, WIDTH)
    if isinstance(block, Preformatted):
        return ["    " + line for line in block.text.splitlines()]
    if isinstance(block, Plot):
        return [f"[plot: {block.title} — shown in the HTML report]" if block.png
                else f"[plot: {block.title} — {block.missing}]"]
    raise TypeError(f"unknown report block {type(block).__name__}")


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``textwrap.wrap(text, width, subsequent_indent=indent)``, greedily and fast for plain
    sentences (printable, single spaces, no word longer than a line), where textwrap's
    chunks are the words, or pieces of hyphenated words that stay together whenever the
    part before the word's first hyphen does not fit where the line breaks; anything else
    goes to textwrap.

    >>> wrap("one two three", 9, indent="  ")
    ['one two', '  three']
    >>> wrap("a right-hand side", 9) == textwrap.wrap("a right-hand side", 9)
    True
    """
    words = text.split(" ")
    if (not text.isprintable() or "" in words
            or max(map(len, words)) > width - len(indent)):
        return textwrap.wrap(text, width, subsequent_indent=indent)
    lines, line, room = [], words[0], width
    for word in words[1:]:
        if len(line) + 1 + len(word) <= room:
            line += " " + word
        elif "-" in word and len(line) + 1 + word.index("-") <= room:
            return textwrap.wrap(text, width, subsequent_indent=indent)   # it may split
        else:
            lines.append(line)
            line, room = indent + word, width
    lines.append(line)
    return lines


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


#: cell types whose equal values always print alike (not int and bool: 1 == 1.0 == True)
_SAME_TEXT_WHEN_EQUAL = frozenset((float, str, type(None)))


def column_cells(values: tuple, kinds: set[type]) -> tuple[list[str], int]:
    """`format_cell` of a whole column whose cells have the types ``kinds``, and the width
    of its widest cell; each distinct value is formatted once (text prints as it is)."""
    if kinds == {str}:
        return list(values), max(map(len, values))
    if kinds <= _SAME_TEXT_WHEN_EQUAL:
        text = {value: format_cell(value) for value in dict.fromkeys(values)}
        return list(map(text.__getitem__, values)), max(map(len, text.values()))
    cells = list(map(format_cell, values))
    return cells, max(map(len, cells))


def _is_numeric_column(kinds: set[type]) -> bool:
    return any(issubclass(kind, (int, float)) and kind is not bool for kind in kinds)


def table_lines(table: Table, formatted: dict | None = None) -> list[str]:
    """Columns padded to their widest cell; numbers right-aligned, text left-aligned.

    Built column by column (each distinct number formatted once, each line padded and
    joined by one format operation), since LP reports hold tens of thousands of cells.
    A table given by columns (`ColumnRows`) is read as such; ``formatted`` keeps the cells
    of each column list by id, for columns that several tables share.
    """
    if isinstance(table.rows, ColumnRows):
        columns = table.rows.columns if table.rows else []
    else:
        columns = list(zip(*table.rows)) if table.rows else []
    formatted = {} if formatted is None else formatted
    for values in columns:
        if id(values) not in formatted:
            kinds = set(map(type, values))
            formatted[id(values)] = (values, kinds, column_cells(values, kinds))
    kinds = [formatted[id(values)][1] for values in columns]
    cells = [formatted[id(values)][2] for values in columns]
    if table.rows:
        widths = [max(len(name), width) for name, (_, width) in zip(table.columns, cells)]
        numeric = [_is_numeric_column(types) for types in kinds]
    else:
        widths, numeric = [len(name) for name in table.columns], [False] * len(table.columns)

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)]
        return "  ".join(parts).rstrip()

    template = "  ".join(f"%{w}s" if num else f"%-{w}s" for w, num in zip(widths, numeric))
    body = list(map(str.rstrip, map(template.__mod__, zip(*(c for c, _ in cells)))))
    lines = [table.title] if table.title else []
    lines += [line(list(table.columns)), "  ".join("-" * w for w in widths)]
    if not table.groups:
        lines += body
    else:
        previous = None
        for i, row in enumerate(body):
            group = table.groups[i] if i < len(table.groups) else None
            if group and group != previous:
                lines.append(f"[{group}]")
            previous = group
            lines.append(row)
    if table.caption:
        lines += wrap(table.caption, WIDTH)
    return lines
