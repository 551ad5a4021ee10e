"""LaTeX of model expressions and of a whole model, in the user's own names.

Like ``symopt.model.text``, this reads expressions through their documented shape only
(numbers; nodes with ``op`` and ``args``; affine sums with ``terms`` and ``constant``;
variables with ``component`` and ``index``), so it serves every entry to a model: the
Python API and ``.opt`` files alike. Indexed names become subscripts (``ship[seattle,
chicago]`` -> ``\\mathit{ship}_{\\text{seattle},\\text{chicago}}``); every piece of user
text is escaped, so a member called ``a_b`` or ``50%`` prints as written.

A model prints as an optimization problem: the objective, ``subject to`` every constraint
(families longer than ``max_rows`` show their first rows and a count), then the variable
bounds and domains grouped by component.

>>> from symopt.model.expr import VarData
>>> x, y = VarData(name="x"), VarData(name="y")
>>> expr_latex(100 * (y - x ** 2) ** 2 + (1 - x) ** 2)
'100 \\\\left(y - x^{2}\\\\right)^{2} + \\\\left(-x + 1\\\\right)^{2}'
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from symopt.model.ops import PRECEDENCE

__all__ = ["escape", "name_latex", "number_latex", "expr_latex", "relation_latex",
           "model_latex"]

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}"}

_FUNCTIONS = {"exp": r"\exp", "log": r"\log", "sin": r"\sin", "cos": r"\cos", "tan": r"\tan",
              "tanh": r"\tanh", "sinh": r"\sinh", "cosh": r"\cosh", "asin": r"\arcsin",
              "acos": r"\arccos", "atan": r"\arctan", "log10": r"\log_{10}",
              "erf": r"\operatorname{erf}"}


def escape(text: str) -> str:
    """User text made safe inside ``\\text{...}``: LaTeX's special characters escaped."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def _word(text: str) -> str:
    """A user identifier: one letter stays math italic, longer ones are \\mathit."""
    if len(text) == 1 and text.isalpha():
        return text
    return r"\mathit{" + escape(text) + "}"


def _member(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_latex(value)
    return r"\text{" + escape(str(value)) + "}"


def name_latex(component: str, index: tuple = ()) -> str:
    """``x`` -> ``x``; ``ship``, ("a", 3) -> ``\\mathit{ship}_{\\text{a},3}``."""
    base = _word(component)
    if not index:
        return base
    return base + "_{" + ",".join(_member(i) for i in index) + "}"


def number_latex(value: float) -> str:
    """Integers print whole, others with 12 significant digits, powers of ten as such."""
    value = float(value)
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.12g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def _var_latex(var: Any) -> str:
    component = getattr(var, "component", None)
    if isinstance(component, str):
        return name_latex(component, tuple(getattr(var, "index", ()) or ()))
    return name_latex(str(getattr(var, "name", var)))


def expr_latex(expr: Any) -> str:
    """LaTeX of a model expression (number, variable, affine sum or nonlinear node)."""
    if isinstance(expr, (int, float)):
        return number_latex(expr)
    if getattr(expr, "op", None) is not None:
        return _node_latex(expr)
    if hasattr(expr, "constant") and hasattr(expr, "terms"):
        parts = [(coef, _var_latex(var)) for var, coef in expr.terms.items()]
        if expr.constant or not parts:
            parts.append((expr.constant, ""))
        return _join_sum(parts)
    return _var_latex(expr)


def _join_sum(parts: list[tuple[float, str]]) -> str:
    text = ""
    for coef, name in parts:
        size = abs(coef)
        body = number_latex(size) if not name else (
            name if size == 1 else f"{number_latex(size)} {name}")
        if not text:
            text = ("-" if coef < 0 else "") + body
        else:
            text += (" - " if coef < 0 else " + ") + body
    return text


def _is_zero(expr: Any) -> bool:
    """An empty affine part (or a literal 0) that a sum need not print."""
    if isinstance(expr, (int, float)):
        return expr == 0
    return (hasattr(expr, "constant") and hasattr(expr, "terms")
            and not expr.terms and expr.constant == 0)


def _precedence(expr: Any, text: str) -> int:
    if getattr(expr, "op", None) is not None:
        return PRECEDENCE.get(expr.op, 9)
    if hasattr(expr, "constant") and hasattr(expr, "terms"):
        return 1 if len(expr.terms) + (expr.constant != 0) > 1 else (3 if text[:1] != "-" else 2)
    if isinstance(expr, (int, float)) and expr < 0:
        return 2
    return 9


def _wrapped(expr: Any, parent: int) -> str:
    text = expr_latex(expr)
    if _precedence(expr, text) <= parent:
        return r"\left(" + text + r"\right)"
    return text


def _node_latex(node: Any) -> str:
    op, args = node.op, node.args
    if op == "add":
        pieces = [expr_latex(arg) for arg in args if not _is_zero(arg)] or ["0"]
        text = pieces[0]
        for piece in pieces[1:]:
            text += (" - " + piece[1:]) if piece.startswith("-") else " + " + piece
        return text
    if op == "neg":
        return "-" + _wrapped(args[0], 2)
    if op == "mul":
        left, right = _wrapped(args[0], 2), _wrapped(args[1], 3)
        joiner = r" \cdot " if isinstance(args[1], (int, float)) else " "
        return left + joiner + right
    if op == "div":
        return r"\frac{" + expr_latex(args[0]) + "}{" + expr_latex(args[1]) + "}"
    if op == "pow":
        return _wrapped(args[0], PRECEDENCE["pow"]) + "^{" + expr_latex(args[1]) + "}"
    inner = expr_latex(args[0])
    if op == "sqrt":
        return r"\sqrt{" + inner + "}"
    if op == "abs":
        return r"\left|" + inner + r"\right|"
    return _FUNCTIONS.get(op, r"\operatorname{" + escape(op) + "}") + r"\left(" + inner + r"\right)"


def relation_latex(body: Any, lower: float | None, upper: float | None) -> str:
    """``lower \\le body \\le upper`` with absent sides left out; ``=`` for equalities."""
    text = expr_latex(body)
    if lower is not None and lower == upper:
        return f"{text} = {number_latex(lower)}"
    if lower is not None and math.isfinite(lower):
        text = f"{number_latex(lower)} \\le {text}"
    if upper is not None and math.isfinite(upper):
        text = f"{text} \\le {number_latex(upper)}"
    return text


def _row_latex(row: Any) -> str:
    """One constraint row with its constant moved into the bounds, as the model holds it."""
    return relation_latex(row.body, row.lower, row.upper)


def _bounds_latex(component: str, members: list) -> list[str]:
    """One line per component when all members share bounds and domain, else per member."""
    def describe(var: Any) -> tuple:
        return (var.lb, var.ub, bool(getattr(var, "is_integer", False)))
    shapes = {describe(v) for v in members}
    if len(shapes) == 1:
        lb, ub, integer = shapes.pop()
        target = (_var_latex(members[0]) if len(members) == 1
                  else name_latex(component) + r"_{\cdot}")
        return [_bound_text(target, lb, ub, integer)] if (lb, ub, integer) != (None, None, False) else []
    return [_bound_text(_var_latex(v), v.lb, v.ub, bool(getattr(v, "is_integer", False)))
            for v in members if (v.lb, v.ub) != (None, None) or getattr(v, "is_integer", False)]


def _bound_text(target: str, lb: float | None, ub: float | None, integer: bool) -> str:
    text = target
    has_lb = lb is not None and math.isfinite(lb)
    has_ub = ub is not None and math.isfinite(ub)
    if has_lb and not has_ub:
        text = f"{text} \\ge {number_latex(lb)}"
    elif has_lb:
        text = f"{number_latex(lb)} \\le {text}"
    if has_ub:
        text = f"{text} \\le {number_latex(ub)}"
    if integer:
        text += r",\ \text{integer}" if text != target else r" \in \mathbb{Z}"
    return text


def model_latex(model: Any, max_rows: int = 6, environment: str = "align*") -> str:
    """The whole model as a LaTeX display: objective, constraints, bounds and domains.

    Families (indexed constraint components) with more than ``max_rows`` rows show their
    first ``max_rows`` and then how many more there are.
    """
    lines: list[str] = []
    objectives = model.objectives()
    if objectives:
        objective = objectives[0]
        verb = r"\max" if objective.sense in ("max", "maximize", -1) else r"\min"
        lines.append(rf"{verb} \quad & {expr_latex(objective.expr)} "
                     rf"&& \text{{({escape(objective.name)})}}")
    else:
        lines.append(r"\text{find} \quad & \text{a point satisfying}")
    rows = list(model.constraints())
    for position, (component, members) in enumerate(_grouped(rows, lambda r: r.component)):
        lead = r"\text{s.t.} \quad" if position == 0 else ""
        for row in members[:max_rows]:
            lines.append(rf"{lead} & {_row_latex(row)} && \text{{({escape(row.name)})}}")
            lead = ""
        if len(members) > max_rows:
            lines.append(rf"& \vdots && \text{{({len(members) - max_rows} more rows of "
                         rf"{escape(component)})}}")
    for component, members in _grouped(list(model.variables()), lambda v: v.component):
        for text in _bounds_latex(component, members):
            lines.append(rf"& {text}")
    body = " \\\\\n".join(lines)
    return f"\\begin{{{environment}}}\n{body}\n\\end{{{environment}}}"


def _grouped(items: Iterable, key: Any) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.items())
