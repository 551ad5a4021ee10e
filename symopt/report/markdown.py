"""Render a `Document` as GitHub-flavoured Markdown.

>>> from symopt.report.document import Document, Section, Note
>>> print(render_markdown(Document("Demo", "lp", [Section("Status", [Note("all good")])])), end="")
# Demo
<BLANKLINE>
## Status
<BLANKLINE>
> **Note:** all good
"""
from __future__ import annotations

from symopt.report.document import (
    Block, Document, KeyValues, Note, Paragraph, Plot, Preformatted, Table, format_cell,
)

__all__ = ["render_markdown"]


def render_markdown(document: Document) -> str:
    """The document as Markdown: headings, pipe tables, block-quoted notes, inline images."""
    parts = [f"# {document.title}"]
    for section in document.sections:
        parts.append(f"## {section.title}")
        parts += [block_markdown(block) for block in section.blocks]
    return "\n\n".join(parts).rstrip() + "\n"


def escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def block_markdown(block: Block) -> str:
    """One block as Markdown text."""
    if isinstance(block, KeyValues):
        lines = [f"**{block.title}**", ""] if block.title else []
        lines += [f"- **{escape(k)}:** {escape(format_cell(v))}" for k, v in block.items]
        return "\n".join(lines)
    if isinstance(block, Table):
        return table_markdown(block)
    if isinstance(block, Note):
        return f"> **{block.label}:** {block.text}"
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Preformatted):
        return "```\n" + block.text.rstrip() + "\n```"
    if isinstance(block, Plot):
        if block.png is None:
            return f"*{block.title}: {block.missing}*"
        if block.path:
            return f"![{block.alt}]({block.path})"
        return f"![{block.alt}]({block.data_uri})"
    raise TypeError(f"unknown report block {type(block).__name__}")


def table_markdown(table: Table) -> str:
    columns = len(table.columns)
    lines = [f"**{table.title}**", ""] if table.title else []
    lines.append("| " + " | ".join(escape(c) for c in table.columns) + " |")
    lines.append("|" + "---|" * columns)
    previous = None
    for i, row in enumerate(table.rows):
        group = table.groups[i] if i < len(table.groups) else None
        if group and group != previous:
            lines.append(f"| **{escape(group)}** |" + " |" * (columns - 1))
        previous = group
        lines.append("| " + " | ".join(escape(format_cell(v)) for v in row) + " |")
    if table.caption:
        lines += ["", f"*{table.caption}*"]
    return "\n".join(lines)
