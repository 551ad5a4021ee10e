"""LaTeX of what a symbolic tool knows: the model, its exact derivatives, its KKT conditions.

Three sections, each a LaTeX fragment, and `latex_document` that puts them into a
standalone article (what ``symopt export FILE --to tex`` writes):

* **the model** (`symopt.model.latex.model_latex`): objective, constraints, bounds;
* **derivatives**: the gradient of the objective, the Jacobian of the constraints and the
  Hessian of the Lagrangian, derived exactly with sympy and printed entry by entry while the
  model is small (at most ``max_symbolic`` variables), otherwise as sparsity figures and, up
  to 60 variables, the pattern itself;
* **KKT conditions**: stationarity of the Lagrangian and, per constraint, the sign of its
  multiplier and complementarity, in the sign convention of symopt's duals (a multiplier is
  the change of the optimal objective per unit increase of the row's active bound).

Variables print in the user's names (``ship[a,b]`` -> ``\\mathit{ship}_{\\text{a},\\text{b}}``).

>>> from symopt.model import Model, Var, Objective, Constraint
>>> m = Model("disk")
>>> m.x, m.y = Var(), Var()
>>> m.obj = Objective(expr=m.x + m.y)
>>> m.ring = Constraint(expr=m.x ** 2 + m.y ** 2 <= 2)
>>> print(gradient_latex(m))
\\nabla f = \\begin{pmatrix} 1 \\\\ 1 \\end{pmatrix}
"""
from __future__ import annotations

from typing import Any

from symopt.model.export import to_sympy
from symopt.model.latex import escape, expr_latex, model_latex, name_latex
from symopt.report.document import Preformatted, Section

__all__ = ["gradient_latex", "jacobian_latex", "hessian_latex", "kkt_latex",
           "derivatives_latex", "latex_document", "latex_fragment", "latex_section"]

#: the largest model whose derivatives are printed entry by entry
MAX_SYMBOLIC = 12


def _columns(model: Any) -> list:
    return [v for v in model.variables() if not v.fixed]


def _names(columns: list) -> dict:
    return {v.symbol: name_latex(v.component, tuple(v.index)) for v in columns}


def _latex(expression: Any, names: dict) -> str:
    """sympy's LaTeX with user names; whole floats (``5.0``) print as integers."""
    import sympy
    expression = sympy.sympify(expression)
    whole = {f: sympy.Integer(int(f)) for f in expression.atoms(sympy.Float)
             if float(f).is_integer()}
    return sympy.latex(expression.xreplace(whole), symbol_names=names)


def _objective_expr(model: Any) -> Any:
    objectives = model.objectives()
    return to_sympy(objectives[0].expr) if objectives else 0


def _vector(entries: list[str]) -> str:
    return r"\begin{pmatrix} " + r" \\ ".join(entries) + r" \end{pmatrix}"


def _matrix(rows: list[list[str]]) -> str:
    return (r"\begin{pmatrix} " + r" \\ ".join(" & ".join(r) for r in rows)
            + r" \end{pmatrix}")


def gradient_latex(model: Any) -> str:
    """``\\nabla f`` with its entries derived exactly (small models) or its sparsity."""
    import sympy
    columns = _columns(model)
    f = _objective_expr(model)
    if len(columns) > MAX_SYMBOLIC:
        nonzero = sum(1 for v in columns if sympy.diff(f, v.symbol) != 0) if f != 0 else 0
        return rf"\nabla f:\ {nonzero} \text{{ of }} {len(columns)} \text{{ entries nonzero}}"
    names = _names(columns)
    return r"\nabla f = " + _vector([_latex(sympy.diff(f, v.symbol), names) for v in columns])


def _rows(model: Any) -> list:
    return list(model.constraints())


def jacobian_latex(model: Any) -> str:
    """The constraint Jacobian ``J`` (rows: constraints, columns: variables)."""
    import sympy
    columns, rows = _columns(model), _rows(model)
    if not rows:
        return r"\text{no constraints: no Jacobian}"
    bodies = [to_sympy(r.body) for r in rows]
    pattern = [[sympy.diff(g, v.symbol) for v in columns] for g in bodies]
    if len(columns) > MAX_SYMBOLIC or len(rows) > MAX_SYMBOLIC:
        return _pattern_latex("J", pattern)
    names = _names(columns)
    return "J = " + _matrix([[_latex(e, names) for e in row] for row in pattern])


def hessian_latex(model: Any) -> str:
    """The Hessian of the Lagrangian ``L = f - sum_i lambda_i g_i`` (symopt's sign)."""
    import sympy
    columns, rows = _columns(model), _rows(model)
    multipliers = [sympy.Symbol(f"lambda_{k}") for k in range(len(rows))]
    lagrangian = _objective_expr(model) - sum(
        (lam * to_sympy(r.body) for lam, r in zip(multipliers, rows)), sympy.Integer(0))
    symbols = [v.symbol for v in columns]
    entries = [[sympy.diff(lagrangian, a, b) for b in symbols] for a in symbols]
    if len(columns) > MAX_SYMBOLIC:
        return _pattern_latex(r"\nabla^2 L", entries)
    names = _names(columns)
    names.update({lam: rf"\lambda_{{\text{{{escape(r.name)}}}}}"
                  for lam, r in zip(multipliers, rows)})
    return r"\nabla^2_{xx} L = " + _matrix([[_latex(e, names) for e in row] for row in entries])


def _pattern_latex(label: str, entries: list[list[Any]]) -> str:
    """Sparsity of a large derivative: its nonzero count and, when small enough, its pattern."""
    m, n = len(entries), len(entries[0]) if entries else 0
    nonzero = [[e != 0 for e in row] for row in entries]
    count = sum(map(sum, nonzero))
    text = rf"{label}:\ {m} \times {n},\ {count} \text{{ nonzeros}}"
    if m <= 60 and n <= 60:
        rows = [["*" if z else "." for z in row] for row in nonzero]
        text += r" \quad \left[\begin{smallmatrix} " + r" \\ ".join(
            " & ".join(r"\ast" if c == "*" else r"\cdot" for c in row) for row in rows
        ) + r" \end{smallmatrix}\right]"
    return text


def kkt_latex(model: Any) -> str:
    """First-order (KKT) conditions of the model, in symopt's multiplier convention."""
    objectives = model.objectives()
    maximize = bool(objectives) and objectives[0].sense in ("max", "maximize")
    rows = _rows(model)
    lines = [r"\nabla f(x) - \sum_i \lambda_i \nabla g_i(x) - z = 0 "
             r"&& \text{(stationarity; } z \text{ the reduced costs of the bounds)}"]
    for row in rows:
        lam = rf"\lambda_{{\text{{{escape(row.name)}}}}}"
        g = expr_latex(row.body)
        lines.append(_row_condition(lam, g, row.lower, row.upper, maximize,
                                    escape(row.name)))
    at_lower, at_upper = (r"\ge", r"\le") if not maximize else (r"\le", r"\ge")
    lines.append(rf"z_j {at_lower} 0 \text{{ at a lower bound}},\ z_j {at_upper} 0 "
                 r"\text{ at an upper bound},\ z_j = 0 \text{ between its bounds} "
                 r"&& \text{(bounds)}")
    return "\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}"


def _row_condition(lam: str, g: str, lower: Any, upper: Any, maximize: bool,
                   name: str) -> str:
    """Sign and complementarity of one row's multiplier."""
    if lower is not None and lower == upper:
        return rf"{g} = {lower:g},\ {lam} \text{{ free}} && \text{{({name})}}"
    at_lower = r"\ge 0" if not maximize else r"\le 0"
    at_upper = r"\le 0" if not maximize else r"\ge 0"
    parts = []
    if lower is not None:
        parts.append(rf"{lam} {at_lower} \text{{ if }} {g} = {lower:g}")
    if upper is not None:
        parts.append(rf"{lam} {at_upper} \text{{ if }} {g} = {upper:g}")
    parts.append(rf"{lam} = 0 \text{{ otherwise}}")
    return r",\ ".join(parts) + rf" && \text{{({name})}}"


def derivatives_latex(model: Any) -> str:
    """Gradient, Jacobian and Hessian of the Lagrangian as one ``gather*`` display."""
    return ("\\begin{gather*}\n" + gradient_latex(model) + " \\\\\n" + jacobian_latex(model)
            + " \\\\\n" + hessian_latex(model) + "\n\\end{gather*}")


def latex_fragment(model: Any, max_rows: int = 6) -> str:
    """The model display, and for a nonlinear model its derivatives and KKT conditions."""
    parts = [model_latex(model, max_rows=max_rows)]
    if _is_nonlinear(model):
        parts += [derivatives_latex(model), kkt_latex(model)]
    return "\n".join(parts)


def latex_section(solution: Any) -> Section | None:
    """The report's "LaTeX" section (source to paste into a paper), or None without a model."""
    if getattr(solution, "model", None) is None:
        return None
    return Section("LaTeX", [Preformatted(latex_fragment(solution.model))])


def latex_document(model: Any, max_rows: int = 6) -> str:
    """A standalone LaTeX article: the model, and for a nonlinear model its derivatives
    and KKT conditions (a linear model's derivatives are its coefficients)."""
    parts = [r"\documentclass{article}", r"\usepackage{amsmath,amssymb}",
             r"\usepackage[margin=2cm,landscape]{geometry}", r"\begin{document}",
             rf"\section*{{Model \texttt{{{escape(model.name)}}}}}",
             model_latex(model, max_rows=max_rows)]
    if _is_nonlinear(model):
        parts += [r"\section*{Exact derivatives}", derivatives_latex(model),
                  r"\section*{First-order optimality (KKT) conditions}", kkt_latex(model)]
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def _is_nonlinear(model: Any) -> bool:
    rows = _rows(model)
    objectives = model.objectives()
    nonlinear_rows = any(not r.is_linear for r in rows)
    if not objectives:
        return nonlinear_rows
    return nonlinear_rows or getattr(objectives[0].expr, "op", None) is not None
