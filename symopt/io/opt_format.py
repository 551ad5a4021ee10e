"""A `LinearProgram` written back as `.opt` text (``symopt export FILE --to opt``).

Names are made valid `.opt` names (other characters become ``_``, a leading digit gets a
``v_``/``c_`` prefix, language keywords get a trailing ``_``) and kept unique; the text
parses back to the same LP.

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[1, 2], A=[[1, 1]], row_lower=[1], row_upper=[np.inf],
...                                col_names=("x", "y"), row_names=("need",))
>>> print(format_opt(lp))
# written by symopt from a linear program
var x >= 0
var y >= 0
<BLANKLINE>
minimize obj: x + 2*y
subject to
  need: x + y >= 1
<BLANKLINE>
"""
from __future__ import annotations

import math
import re

import numpy as np

from symopt.io.text import format_number as _number, unique_name, write_text
from symopt.optimize.linear_program import LinearProgram

__all__ = ["format_opt", "write_opt", "opt_names"]

#: words the .opt grammar uses as keywords; a name equal to one gets a trailing "_"
KEYWORDS = frozenset({
    "set", "param", "var", "expr", "minimize", "maximize", "subject", "to", "solve", "check",
    "fit", "data", "options", "in", "sum", "prod", "max", "min", "from", "column", "columns",
    "wide", "default", "symbolic", "integer", "binary", "sigma", "within", "dimen", "union", "diff",
    "inter", "cross", "if", "then", "else", "and", "or", "not",
})
_TERMS_PER_LINE = 6
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_FAMILY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^\[\]]+)\]")


def _clean(name: str, prefix: str) -> str:
    text = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or prefix
    if text[0].isdigit():
        text = f"{prefix}_{text}"
    if text in KEYWORDS:
        text += "_"
    return text


def opt_names(names: tuple[str, ...] | list[str], prefix: str, taken: set[str]) -> list[str]:
    """Valid, unique `.opt` names for ``names`` (``taken`` is updated)."""
    return [unique_name(_clean(name, prefix), taken) for name in names]


def _linear(coefficients: list[tuple[float, str]], constant: float = 0.0) -> str:
    pieces: list[str] = []
    for coef, name in coefficients:
        size = abs(coef)
        term = name if size == 1 else f"{_number(size)}*{name}"
        sign = "-" if coef < 0 else "+"
        pieces.append(f"-{term}" if not pieces and sign == "-" else
                      term if not pieces else f"{sign} {term}")
    if constant:
        pieces.append(_number(constant) if not pieces else
                      f"{'-' if constant < 0 else '+'} {_number(abs(constant))}")
    if not pieces:
        return "0"
    lines = [" ".join(pieces[k:k + _TERMS_PER_LINE])
             for k in range(0, len(pieces), _TERMS_PER_LINE)]
    return "\n      ".join(lines)


def _var_line(name: str, lower: float, upper: float, integer: bool) -> str:
    if integer and lower == 0 and upper == 1:
        return f"var {name} binary"
    parts = [f"var {name}"]
    if math.isfinite(lower):
        parts.append(f">= {_number(lower)}")
    if math.isfinite(upper):
        parts.append(f"<= {_number(upper)}")
    if integer:
        parts.append("integer")
    return " ".join(parts)


def _row_line(name: str, body: str, lower: float, upper: float) -> str | None:
    if lower == upper:
        return f"  {name}: {body} = {_number(lower)}"
    if math.isfinite(lower) and math.isfinite(upper):
        return f"  {name}: {_number(lower)} <= {body} <= {_number(upper)}"
    if math.isfinite(upper):
        return f"  {name}: {body} <= {_number(upper)}"
    if math.isfinite(lower):
        return f"  {name}: {body} >= {_number(lower)}"
    return None


def _element_texts(inside: str) -> list[str] | None:
    """How the index parts of ``x[a,1]`` are written as set members, or None if they cannot."""
    texts = []
    for part in inside.split(","):
        if _NAME.fullmatch(part) and part not in KEYWORDS:
            texts.append(part)
        elif _INTEGER.fullmatch(part):
            texts.append(part)
        elif part and part == part.strip() and '"' not in part:
            texts.append(f'"{part}"')
        else:
            return None
    return texts


def _families(names: list[str], lp: LinearProgram, integer: np.ndarray) -> dict[str, tuple]:
    """Columns named ``base[...]`` that can be one indexed variable: base -> (columns, parts)."""
    members: dict[str, list[tuple[int, list[str] | None]]] = {}
    for j, name in enumerate(names):
        match = _FAMILY.fullmatch(name)
        if match and match.group(1) not in KEYWORDS:
            members.setdefault(match.group(1), []).append((j, _element_texts(match.group(2))))
    plain = set(names)
    families = {}
    for base, found in members.items():
        columns = [j for j, _ in found]
        parts = [texts for _, texts in found]
        uniform = len({(lp.col_lower[j], lp.col_upper[j], bool(integer[j])) for j in columns})
        if base not in plain and uniform == 1 and all(parts) and len(set(map(len, parts))) == 1:
            families[base] = (columns, parts)
    return families


def _member(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"({', '.join(parts)})"


def _declarations(lp: LinearProgram, integer: np.ndarray, taken: set[str]
                  ) -> tuple[list[str], list[str]]:
    """The text that names each column in expressions, and the ``var`` lines, in order."""
    names = list(lp.col_names or [f"x{j + 1}" for j in range(lp.num_cols)])
    families = _families(names, lp, integer)
    taken.update(families)
    references: list[str] = [""] * len(names)
    first_of: dict[int, str] = {}
    for base, (columns, parts) in families.items():
        first_of[columns[0]] = base
        for j, texts in zip(columns, parts):
            references[j] = f"{base}[{', '.join(texts)}]"
    singles = [j for j in range(len(names)) if not references[j]]
    for j, text in zip(singles, opt_names([names[j] for j in singles], "v", taken)):
        references[j] = text
    lines = []
    for j in range(len(names)):
        if j in first_of:
            columns, parts = families[first_of[j]]
            texts = [_member(texts) for texts in parts]
            members = ",\n      ".join(", ".join(texts[k:k + _TERMS_PER_LINE])
                                         for k in range(0, len(texts), _TERMS_PER_LINE))
            lines.append(_var_line(f"{first_of[j]}[{{{members}}}]", lp.col_lower[j],
                                   lp.col_upper[j], bool(integer[j])))
        elif not _FAMILY.fullmatch(references[j]):
            lines.append(_var_line(references[j], lp.col_lower[j], lp.col_upper[j],
                                   bool(integer[j])))
    return references, lines


def format_opt(lp: LinearProgram) -> str:
    """The `.opt` text of ``lp``: variables, objective, then the constraints.

    Columns named like ``ship[seattle,chicago]`` that share bounds become one indexed
    variable again; other names are made valid (see the module docstring).
    """
    taken: set[str] = set()
    integer = (np.zeros(lp.num_cols, bool) if lp.integrality is None
               else np.asarray(lp.integrality) != 0)
    columns, declarations = _declarations(lp, integer, taken)
    objective = opt_names([lp.objective_name or "obj"], "obj", taken)[0]
    rows = opt_names(lp.row_names or [f"c{i + 1}" for i in range(lp.num_rows)], "c", taken)
    lines = [f"# written by symopt from {lp.name or 'a linear program'}", *declarations]
    cost = [(float(c), columns[j]) for j, c in enumerate(lp.c) if c != 0]
    sense = "maximize" if lp.sense == "max" else "minimize"
    lines += ["", f"{sense} {objective}: {_linear(cost, float(lp.offset))}"]
    row_terms: list[list[tuple[float, str]]] = [[] for _ in range(lp.num_rows)]
    A = lp.A
    for j in range(lp.num_cols):
        for k in range(A.indptr[j], A.indptr[j + 1]):
            if A.data[k] != 0:
                row_terms[A.indices[k]].append((float(A.data[k]), columns[j]))
    body_lines = []
    for i, terms in enumerate(row_terms):
        line = _row_line(rows[i], _linear(terms), lp.row_lower[i], lp.row_upper[i])
        if line is None or not terms:
            body_lines.append(f"  # row {lp.row_names[i] if lp.row_names else i} has no "
                              "finite bound or no terms: left out")
        else:
            body_lines.append(line)
    if body_lines:
        lines += ["subject to", *body_lines]
    return "\n".join(lines) + "\n"


def write_opt(lp: LinearProgram, path: str) -> None:
    """Write ``lp`` as an `.opt` file."""
    write_text(path, format_opt(lp))
