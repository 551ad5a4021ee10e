"""Reformulation hints and `linearize`: nonlinear terms that are really linear (or mixed-integer).

Two idioms make an otherwise linear model nonlinear and are better solved as an LP or MILP:

``abs(affine)``
    Where it is *convex* (a positive multiple in a minimized objective or on the left of a
    ``<=`` row; a negative multiple in a maximized objective or a ``>=`` row) the epigraph
    rewrite keeps an LP: a new variable ``t`` with ``t >= affine`` and ``t >= -affine``
    replaces ``abs(affine)``. Elsewhere it needs a binary choice of sign (split ``affine =
    p - n`` with ``p, n >= 0``, ``abs = p + n``, ``p <= M z``, ``n <= M (1 - z)``, ``z``
    binary), with ``M`` from the bounds of the affine expression.
``binary * continuous``
    ``b * x`` with ``b`` binary and ``x`` in ``[L, U]`` (finite) is exactly ``w`` with
    ``L b <= w <= U b`` and ``x - U (1 - b) <= w <= x - L (1 - b)`` (the big-M product
    rewrite: with ``b = 0`` the first pair pins ``w = 0``, with ``b = 1`` the second pins
    ``w = x``).

`find_reformulations` says which terms of a model can be rewritten and how (analysis puts
that into ``explain()``); ``Model.linearize()`` (`linearize`) does the rewrite in place,
adding the auxiliary variables and rows as components named ``linearized_...``. The
objective is frozen (its rule is not run again); constraint rows declared by a rule are
rebuilt from it when a mutable Param changes, so call ``linearize()`` again after such a
change.

>>> from symopt.model import Model, Var, Objective, abs as absolute
>>> m = Model("fit1")
>>> m.a = Var(bounds=(-10, 10))
>>> m.cost = Objective(expr=absolute(m.a - 3) + absolute(m.a + 1))
>>> [r.kind for r in find_reformulations(m)]
['abs epigraph', 'abs epigraph']
>>> [r.kind for r in linearize(m)]
['abs epigraph', 'abs epigraph']
>>> from symopt.analysis import analyze
>>> analyze(m).problem_class
'LP'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterator

from symopt.errors import ModelError
from symopt.model.components import Var
from symopt.model.constraints import Constraint
from symopt.model.expr import LinearExpr, Node, VarData, quicksum
from symopt.model.relation import Relation
from symopt.model.sets import Binary
from symopt.model.terms import describe_term, split_terms

__all__ = ["Reformulation", "find_reformulations", "linearize"]


@dataclass(frozen=True)
class Reformulation:
    """One nonlinear term that has a linear (or mixed-integer linear) rewrite."""

    kind: str            # "abs epigraph", "abs split (big-M)", "binary product (big-M)"
    where: str           # "objective 'cost'" or "constraint 'limit[3]'"
    term: str            # the term as text
    advice: str          # the rewrite, in words

    def __str__(self) -> str:
        return f"{self.term} in {self.where}: {self.kind} — {self.advice}"


def find_reformulations(model: Any) -> list[Reformulation]:
    """Every abs or binary-product term of ``model`` that `linearize` can rewrite."""
    return [found for found, _ in _candidates(model)]


def linearize(model: Any) -> list[Reformulation]:
    """Rewrite, in place, every term `find_reformulations` finds; returns what was done.

    Raises a ModelError (changing nothing) when a term needs a big-M and the bounds that
    would give M are not finite.
    """
    plans = list(_candidates(model))
    for found, plan in plans:
        if plan.get("error"):
            raise ModelError(f"cannot linearize {found.term} in {found.where}: {plan['error']}")
    counter = _Counter(model)
    rewritten: dict[int, tuple[Any, dict]] = {}
    for found, plan in plans:
        owner = plan["owner"]
        entry = rewritten.setdefault(id(owner), (owner, {}))
        entry[1][id(plan["term"])] = _rewrite(model, plan, counter)
    for owner, replacements in rewritten.values():
        _replace_terms(owner, replacements)
    return [found for found, _ in plans]


# --- finding ---------------------------------------------------------------------------


def _places(model: Any) -> Iterator[tuple[Any, str, int, list]]:
    """(owner, where, sign, terms): sign +1 where larger is worse (convex side), -1 where
    smaller is worse, 0 on equalities and ranges."""
    for objective in model.objectives():
        _, terms = split_terms(objective.expr)
        sign = 1 if str(objective.sense.value) == "min" else -1
        yield objective, f"objective '{objective.name}'", sign, terms
    for row in model.constraints():
        if not row.nonlinear:
            continue
        upper, lower = row.upper is not None, row.lower is not None
        sign = 1 if upper and not lower else (-1 if lower and not upper else 0)
        yield row, f"constraint '{row.name}'", sign, list(row.nonlinear)


def _candidates(model: Any) -> Iterator[tuple[Reformulation, dict]]:
    for owner, where, sign, terms in _places(model):
        for term in terms:
            coef, core = _scaled(term)
            plan = _abs_plan(core, coef, sign) or _product_plan(core)
            if plan is None:
                continue
            plan.update(owner=owner, term=term, coef=coef)
            yield Reformulation(plan["kind"], where, describe_term(term), plan["advice"]), plan


def _scaled(term: Node) -> tuple[float, Any]:
    """``3 * (-(core))`` -> (-3.0, core)."""
    coef = 1.0
    while isinstance(term, Node):
        if term.op == "neg":
            coef, term = -coef, term.args[0]
        elif term.op == "mul" and isinstance(term.args[0], (int, float)):
            coef, term = coef * float(term.args[0]), term.args[1]
        elif term.op == "mul" and isinstance(term.args[1], (int, float)):
            coef, term = coef * float(term.args[1]), term.args[0]
        else:
            break
    return coef, term


def _affine(expr: Any) -> LinearExpr | None:
    linear, nonlinear = split_terms(expr) if not isinstance(expr, (int, float)) else (
        LinearExpr({}, float(expr)), [])
    return None if nonlinear else linear


def _interval(affine: LinearExpr) -> tuple[float, float]:
    """Bounds of an affine expression from its variables' bounds (inf where open)."""
    low = high = affine.constant
    for var, c in affine.terms.items():
        lb = -math.inf if var.lb is None else var.lb
        ub = math.inf if var.ub is None else var.ub
        low += c * (lb if c > 0 else ub)
        high += c * (ub if c > 0 else lb)
    return low, high


def _abs_plan(core: Any, coef: float, sign: int) -> dict | None:
    if not (isinstance(core, Node) and core.op == "abs"):
        return None
    inner = _affine(core.args[0])
    if inner is None:
        return None
    if sign * coef > 0:
        return {"kind": "abs epigraph", "inner": inner,
                "advice": "an LP: a new variable t with t >= expr and t >= -expr replaces "
                          "abs(expr)"}
    low, high = _interval(inner)
    big = max(abs(low), abs(high))
    plan = {"kind": "abs split (big-M)", "inner": inner, "M": big,
            "advice": "a MILP: expr = p - n, abs(expr) = p + n with p, n >= 0, p <= M z, "
                      "n <= M (1 - z), z binary (abs here is not convex, so the epigraph "
                      "would be wrong)"}
    if not math.isfinite(big):
        plan["error"] = ("abs is not convex here and needs a big-M, but the expression inside "
                         "is unbounded: give its variables finite bounds")
    return plan


def _single_var(expr: Any) -> tuple[float, VarData] | None:
    if isinstance(expr, VarData):
        return 1.0, expr
    if isinstance(expr, LinearExpr) and expr.constant == 0 and len(expr.terms) == 1:
        (var, c), = expr.terms.items()
        return c, var
    return None


def _is_binary(var: VarData) -> bool:
    domain = getattr(var, "domain", None)
    return (domain is not None and domain.integer and var.lb is not None and var.ub is not None
            and var.lb >= 0 and var.ub <= 1)


def _product_plan(core: Any) -> dict | None:
    if not (isinstance(core, Node) and core.op == "mul"):
        return None
    left, right = _single_var(core.args[0]), _single_var(core.args[1])
    if left is None or right is None:
        return None
    (ca, a), (cb, b) = left, right
    if _is_binary(b) and not _is_binary(a):
        a, b = b, a
    if not _is_binary(a) or (b.domain is not None and b.domain.integer and not _is_binary(b)):
        return None
    plan = {"kind": "binary product (big-M)", "binary": a, "other": b, "scale": ca * cb,
            "advice": f"a MILP: w = {a.name}*{b.name} with L {a.name} <= w <= U {a.name} and "
                      f"{b.name} - U (1 - {a.name}) <= w <= {b.name} - L (1 - {a.name}), "
                      f"[L, U] the bounds of {b.name}"}
    if b.lb is None or b.ub is None or not (math.isfinite(b.lb) and math.isfinite(b.ub)):
        plan["error"] = f"the product rewrite needs finite bounds on {b.name}"
    return plan


# --- rewriting --------------------------------------------------------------------------


class _Counter:
    """Fresh component names ``linearized_<k>_...`` that the model does not use yet."""

    def __init__(self, model: Any):
        self.k = sum(1 for c in model.components() if c.name.startswith("linearized_"))

    def next(self) -> str:
        self.k += 1
        return f"linearized_{self.k}"


def _add(model: Any, name: str, component: Any) -> Any:
    model.add_component(name, component)
    return component


def _rewrite(model: Any, plan: dict, counter: _Counter) -> Any:
    """The auxiliary variables and rows of one term; returns the term's linear replacement."""
    base = counter.next()
    coef = plan["coef"]
    if plan["kind"] == "abs epigraph":
        inner = plan["inner"]
        t = _add(model, f"{base}_abs", Var(bounds=(0, None)))
        _add(model, f"{base}_above", Constraint(expr=t - inner >= 0))
        _add(model, f"{base}_below", Constraint(expr=t + inner >= 0))
        return coef * t
    if plan["kind"] == "abs split (big-M)":
        inner, big = plan["inner"], plan["M"]
        p = _add(model, f"{base}_pos", Var(bounds=(0, big)))
        n = _add(model, f"{base}_neg", Var(bounds=(0, big)))
        z = _add(model, f"{base}_sign", Var(domain=Binary))
        _add(model, f"{base}_split", Constraint(expr=p - n - inner == 0))
        _add(model, f"{base}_pos_on", Constraint(expr=p - big * z <= 0))
        _add(model, f"{base}_neg_on", Constraint(expr=n + big * z <= big))
        return coef * (p + n)
    b, x = plan["binary"], plan["other"]
    low, high = float(x.lb), float(x.ub)
    w = _add(model, f"{base}_product", Var(bounds=(min(low, 0.0), max(high, 0.0))))
    _add(model, f"{base}_upper_on", Constraint(expr=w - high * b <= 0))
    _add(model, f"{base}_lower_on", Constraint(expr=w - low * b >= 0))
    _add(model, f"{base}_upper_off", Constraint(expr=w - x - low * b <= -low))
    _add(model, f"{base}_lower_off", Constraint(expr=w - x - high * b >= -high))
    return coef * plan["scale"] * w


def _replace_terms(owner: Any, replacements: dict[int, Any]) -> None:
    """Put the linear replacements in place of their terms and freeze the owner."""
    if hasattr(owner, "sense"):                       # the objective
        linear, terms = split_terms(owner.expr)
        kept = [replacements.get(id(t), t) for t in terms]
        owner.expr = owner._given = quicksum([linear, *kept])
        owner._rule = None
        return
    kept = [replacements.get(id(t), t) for t in owner.nonlinear]
    owner._set_relation(Relation(quicksum([owner.linear, *kept]), owner.lower, owner.upper))
