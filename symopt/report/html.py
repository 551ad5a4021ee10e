"""Render a `Document` as one self-contained HTML page: inline CSS, plots as data URIs.

The page loads nothing from the network, so it can be mailed or archived as one file.

>>> from symopt.report.document import Document, Section, Table
>>> page = render_html(Document("Demo", "lp", [Section("S", [Table("T", ["a"], [[1.0]], key="t")])]))
>>> '<table id="t"' in page and page.startswith("<!DOCTYPE html>")
True
"""
from __future__ import annotations

from html import escape
from typing import Any

from symopt.report.document import (
    Block, Document, KeyValues, Note, Paragraph, Plot, Preformatted, Table, format_cell,
)

__all__ = ["render_html"]

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 90rem; padding: 0 1rem; color: #1d2733; line-height: 1.45; }
h1 { border-bottom: 2px solid #3465a4; padding-bottom: .3rem; }
h2 { margin-top: 2rem; color: #204a87; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid #c9d2dc; padding: .25rem .55rem; }
th { background: #eef2f7; text-align: left; }
td:first-child { white-space: nowrap; }
.table-wrap { overflow-x: auto; max-width: 100%; }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, monospace; }
tr.group td { background: #f6f8fa; font-weight: 600; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: .15rem 1rem; }
dl.kv dt { font-weight: 600; } dl.kv dd { margin: 0; white-space: pre-wrap; }
.note { border-left: 4px solid #3465a4; background: #f1f5fb; padding: .4rem .8rem; margin: .6rem 0; }
.note.warning { border-color: #c4a000; background: #fdf8e3; }
pre { background: #f6f8fa; padding: .6rem .8rem; overflow-x: auto; }
figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #dde3ea; }
figcaption { font-size: .9rem; color: #555; }
"""


def render_html(document: Document) -> str:
    """The document as a complete HTML5 page."""
    body = [f"<h1>{escape(document.title)}</h1>"]
    for section in document.sections:
        body.append(f'<section><h2>{escape(section.title)}</h2>')
        body += [block_html(block) for block in section.blocks]
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(document.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body class=\"report report-{escape(document.kind)}\">\n"
        + "\n".join(body) + "\n</body>\n</html>\n"
    )


def block_html(block: Block) -> str:
    """One block as HTML."""
    if isinstance(block, KeyValues):
        title = f"<h3>{escape(block.title)}</h3>" if block.title else ""
        items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(format_cell(v))}</dd>"
                        for k, v in block.items)
        return f'{title}<dl class="kv">{items}</dl>'
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, Note):
        return (f'<p class="note {block.level}"><strong>{block.label}:</strong> '
                f'{escape(block.text)}</p>')
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Preformatted):
        return f"<pre>{escape(block.text)}</pre>"
    if isinstance(block, Plot):
        return plot_html(block)
    raise TypeError(f"unknown report block {type(block).__name__}")


def is_numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def table_html(table: Table) -> str:
    ident = f' id="{escape(table.key)}"' if table.key else ""
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = []
    previous = None
    for i, row in enumerate(table.rows):
        group = table.groups[i] if i < len(table.groups) else None
        if group and group != previous:
            rows.append(f'<tr class="group"><td colspan="{len(table.columns)}">'
                        f"{escape(group)}</td></tr>")
        previous = group
        cells = "".join(
            f'<td class="num">{escape(format_cell(v))}</td>' if is_numeric(v)
            else f"<td>{escape(format_cell(v))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{escape(table.title)}</caption>" if table.title else ""
    note = f"<p><em>{escape(table.caption)}</em></p>" if table.caption else ""
    return (f'<div class="table-wrap"><table{ident} class="report-table">{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{note}")


def plot_html(plot: Plot) -> str:
    if plot.png is None:
        return f'<p class="note info"><strong>{escape(plot.title)}:</strong> {escape(plot.missing)}</p>'
    return (f'<figure><img class="plot" alt="{escape(plot.alt)}" '
            f'src="{plot.data_uri}"><figcaption>{escape(plot.title)}</figcaption></figure>')
