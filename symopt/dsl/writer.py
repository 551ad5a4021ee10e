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

from symopt.optimize.linear_program import LinearProgram

__all__ = ["format_opt", "write_opt", "opt_names"]

#: words the .opt grammar uses as keywords; a name equal to one gets a trailing "_"
KEYWORDS = frozenset({
    "set", "param", "var", "minimize", "maximize", "subject", "to", "solve", "fit", "data",
    "options", "in", "sum", "from", "column", "default", "integer", "binary", "sigma",
    "and", "or", "not",
})
_TERMS_PER_LINE = 6


def _clean(name: str, prefix: str) -> str:
    text = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or prefix
    if text[0].isdigit():
        text = f"{prefix}_{text}"
    if text in KEYWORDS:
        text += "_"
    return text


def opt_names(names: tuple[str, ...] | list[str], prefix: str, taken: set[str]) -> list[str]:
    """Valid, unique `.opt` names for ``names`` (``taken`` is updated)."""
    result = []
    for name in names:
        base = _clean(name, prefix)
        candidate, k = base, 1
        while candidate in taken:
            k += 1
            candidate = f"{base}_{k}"
        taken.add(candidate)
        result.append(candidate)
    return result


def _number(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


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


def format_opt(lp: LinearProgram) -> str:
    """The `.opt` text of ``lp``: variables, objective, then the constraints."""
    taken: set[str] = set()
    columns = opt_names(lp.col_names or [f"x{j + 1}" for j in range(lp.num_cols)], "v", taken)
    objective = opt_names([lp.objective_name or "obj"], "obj", taken)[0]
    rows = opt_names(lp.row_names or [f"c{i + 1}" for i in range(lp.num_rows)], "c", taken)
    integer = (np.zeros(lp.num_cols, bool) if lp.integrality is None
               else np.asarray(lp.integrality) != 0)
    lines = [f"# written by symopt from {lp.name or 'a linear program'}"]
    lines += [_var_line(columns[j], lp.col_lower[j], lp.col_upper[j], bool(integer[j]))
              for j in range(lp.num_cols)]
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
    from symopt.io.text import write_text
    write_text(path, format_opt(lp))
