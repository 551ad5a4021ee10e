"""Named expressions (``expr``) and data checks (``check``) of `.opt` files.

``expr xbar = sum(j in S) x[j]`` names an expression once; every use is replaced by the
expression itself, so derivatives stay exact and the solver sees no extra variable or
row (JuMP's ``@expression``, Pyomo's ``Expression``). ``check [p in P]: lhs = rhs`` is an
assertion on data (AMPL's ``check``), evaluated when the model is loaded; a failing
member is an error at the statement, with the values of both sides.

>>> from symopt.dsl import loads
>>> text = '''set S = {a, b}
... param cap[S] = {a: 2, b: 3}
... check total: sum(i in S) cap[i] = 5
... var x[S] >= 0
... expr load = sum(i in S) x[i]
... minimize f: (load - 1)^2'''
>>> result = loads(text)
>>> result.errors, result.model.load.expr.__class__.__name__
([], 'LinearExpr')
"""
from __future__ import annotations

from typing import Any

from lark import Token, Tree

from symopt.dsl.indexing import format_key, is_number

__all__ = ["named_expression", "run_check"]


def named_expression(builder: Any, node: Tree) -> tuple[Any, str]:
    """(value, index label) of ``expr NAME [index] = expression``."""
    token, *rest = node.children
    spec = rest[0] if len(rest) == 2 else None
    body = rest[-1]
    evaluator = builder.evaluator
    if spec is None:
        return evaluator.expression(body, {}), ""
    values = {key: evaluator.expression(body, scope) for scope, key in builder.index_scopes(spec)}
    return values, evaluator.set_label(builder.iterators(spec))


def run_check(builder: Any, node: Tree) -> None:
    """Evaluate ``check [NAME] [index] : condition``; raise at the first failing member."""
    children = list(node.children)
    name = str(children.pop(0)) if isinstance(children[0], Token) else ""
    condition = children.pop()
    spec = children[0] if children else None
    evaluator = builder.evaluator
    for scope, key in builder.index_scopes(spec):
        if evaluator.logic(condition, scope):
            continue
        label = f"check '{name}'" if name else "check"
        member = "" if key is None else f" for [{_assignment(builder, spec, scope, key)}]"
        raise evaluator.fail(f"{label} fails{member}: {_explain(evaluator, condition, scope)}",
                             node)


def _assignment(builder: Any, spec: Tree, scope: dict, key: Any) -> str:
    names = [str(t) for it in builder.iterators(spec) if it.data == "named_iterator"
             for t in it.children[:1]]
    if names and all(name in scope for name in names):
        return ", ".join(f"{name}={scope[name]}" for name in names)
    return format_key(key)


def _explain(evaluator: Any, condition: Tree, scope: dict) -> str:
    """The condition's text and, for a comparison, the values of its two sides."""
    text = evaluator.text_of(condition)
    if condition.data != "compare":
        return f"'{text}' is false"
    left, op, right = condition.children
    values = [evaluator.subscript_value(side, scope) for side in (left, right)]
    shown = [f"{v:.10g}" if is_number(v) else str(v) for v in values]
    return f"'{text}' is {shown[0]} {op.children[0]} {shown[1]}"
