"""A model's exact derivatives as a standalone, readable numpy module.

``symopt export model.opt --to py`` writes what the compiler builds internally as a module
that a person can read, diff and ship without symopt (it needs numpy only):

* ``objective(x)``, ``gradient(x)``;
* ``constraints(x)`` (the row bodies, with ``CONSTRAINT_LOWER``/``CONSTRAINT_UPPER``),
  ``jacobian(x)`` as sparse triplets ``(rows, columns, values)`` whose pattern does not
  depend on x (duplicates add up), ``jacobian_dense(x)``;
* ``hessian_lagrangian(x, multipliers, objective_factor=1.0)``: the lower triangle of
  ``objective_factor * H_f + sum_i multipliers[i] * H_{g_i}`` (IPOPT's convention) as
  triplets, and ``hessian_lagrangian_dense``;
* ``VARIABLES``, ``CONSTRAINTS``, ``LOWER``, ``UPPER``, ``X0`` in the user's names;
* run as a script, a self-check of every derivative against central finite differences.

Each *term family* (all terms of one shape, see `symopt.compile.templates`) appears once:
its value, gradient and Hessian functions with common subexpressions as named temporaries
(``_t0``, ...), then the index arrays saying which variables and constants fill its
placeholders term by term. Families evaluate vectorised, exactly as inside symopt.

>>> from symopt.model import Model, Var, Objective
>>> m = Model("rosen")
>>> m.x = Var(range(3), initialize=0.5)
>>> m.f = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 for i in range(2)))
>>> namespace = {}
>>> exec(derivative_module(m), namespace)   # what `import` of the written file does
>>> float(namespace["objective"]([1.0, 1.0, 1.0])), namespace["gradient"]([1.0, 1.0, 1.0]).tolist()
(0.0, [0.0, 0.0, 0.0])
"""
from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from symopt.analysis import analyze
from symopt.compile import cache
from symopt.compile.families import collect_rows
from symopt.compile.templates import LinearPart, TermFamily

__all__ = ["derivative_module"]

_RUNTIME = '''
class _ElementwiseMath:
    """math.erf and friends applied elementwise (what numpy lacks)."""

    def __getattr__(self, name):
        import math as _math
        return numpy.vectorize(getattr(_math, name), otypes=[float])


math = _ElementwiseMath()


class _Family:
    """All terms of one shape: term k adds value(x[columns[k]], constants[k]) to rows[k]."""

    def __init__(self, value, gradient, gradient_slots, hessian, hessian_slots,
                 rows, columns, constants):
        self.value, self.gradient, self.hessian = value, gradient, hessian
        self.gradient_slots, self.hessian_slots = gradient_slots, hessian_slots
        self.rows = numpy.asarray(rows, dtype=numpy.intp)
        self.columns = numpy.asarray(columns, dtype=numpy.intp).reshape(len(self.rows), -1)
        self.constants = numpy.asarray(constants, dtype=float).reshape(len(self.rows), -1)

    def arguments(self, x):
        return [x[self.columns[:, a]] for a in range(self.columns.shape[1])] + \\
            [self.constants[:, c] for c in range(self.constants.shape[1])]

    def outputs(self, function, x):
        size = len(self.rows)
        return [numpy.broadcast_to(numpy.asarray(v, dtype=float), (size,))
                for v in function(*self.arguments(x))]


def _extended(x):
    x = numpy.asarray(x, dtype=float)
    if x.shape != (len(VARIABLES),):
        raise ValueError(f"x must have shape ({len(VARIABLES)},), got {x.shape}")
    return numpy.concatenate([x, FIXED_VALUES])


def _values(linear, families, num_rows, x):
    rows, columns, coefficients, constants = linear
    out = numpy.array(constants, dtype=float)
    numpy.add.at(out, rows, coefficients * x[columns])
    for family in families:
        numpy.add.at(out, family.rows, family.outputs(family.value, x)[0])
    return out


def _jacobian(linear, families, x):
    """Triplets (rows, columns, values) of the Jacobian; fixed columns dropped."""
    n = len(VARIABLES)
    rows, columns, coefficients, _ = linear
    pieces = [(rows, columns, numpy.asarray(coefficients, dtype=float))]
    for family in families:
        if family.gradient is None:
            continue
        for slot, values in zip(family.gradient_slots, family.outputs(family.gradient, x)):
            pieces.append((family.rows, family.columns[:, slot], values))
    r, c, v = (numpy.concatenate(p) for p in zip(*pieces))
    keep = c < n
    return r[keep], c[keep], v[keep]


def _hessian(families, weights, x):
    """Triplets of the lower triangle of sum_rows weights[row] * Hessian(row)."""
    n = len(VARIABLES)
    pieces = [(numpy.zeros(0, numpy.intp), numpy.zeros(0, numpy.intp), numpy.zeros(0))]
    for family in families:
        if family.hessian is None:
            continue
        scale = weights[family.rows]
        for (a, b), values in zip(family.hessian_slots, family.outputs(family.hessian, x)):
            i, j = family.columns[:, a], family.columns[:, b]
            pieces.append((numpy.maximum(i, j), numpy.minimum(i, j), scale * values))
    r, c, v = (numpy.concatenate(p) for p in zip(*pieces))
    keep = r < n
    return r[keep], c[keep], v[keep]


def _summed(rows, columns, values, shape):
    """Duplicates added up, in the order of the pattern arrays given."""
    dense = numpy.zeros(shape)
    numpy.add.at(dense, (rows, columns), values)
    return dense
'''

_API = '''
def objective(x):
    """The objective at x (in the model's own sense)."""
    return float(_values(_OBJECTIVE_LINEAR, _OBJECTIVE_FAMILIES, 1, _extended(x))[0])


def gradient(x):
    """The exact gradient of the objective, shape (n,)."""
    r, c, v = _jacobian(_OBJECTIVE_LINEAR, _OBJECTIVE_FAMILIES, _extended(x))
    return _summed(r, c, v, (1, len(VARIABLES)))[0]


def constraints(x):
    """The constraint bodies g(x); the model asks CONSTRAINT_LOWER <= g(x) <= CONSTRAINT_UPPER."""
    return _values(_CONSTRAINT_LINEAR, _CONSTRAINT_FAMILIES, len(CONSTRAINTS), _extended(x))


def jacobian(x):
    """The exact constraint Jacobian as triplets (rows, columns, values), duplicates summed
    by the caller (e.g. scipy.sparse.coo_array((values, (rows, columns))))."""
    return _jacobian(_CONSTRAINT_LINEAR, _CONSTRAINT_FAMILIES, _extended(x))


def jacobian_dense(x):
    return _summed(*jacobian(x), (len(CONSTRAINTS), len(VARIABLES)))


def hessian_lagrangian(x, multipliers, objective_factor=1.0):
    """Lower triangle of objective_factor * H_f(x) + sum_i multipliers[i] * H_{g_i}(x),
    as triplets (rows >= columns), duplicates to be summed."""
    x = _extended(x)
    weights = numpy.asarray(multipliers, dtype=float).reshape(len(CONSTRAINTS))
    f = _hessian(_OBJECTIVE_FAMILIES, numpy.array([float(objective_factor)]), x)
    g = _hessian(_CONSTRAINT_FAMILIES, weights, x)
    return tuple(numpy.concatenate(pair) for pair in zip(f, g))


def hessian_lagrangian_dense(x, multipliers, objective_factor=1.0):
    lower = _summed(*hessian_lagrangian(x, multipliers, objective_factor),
                    (len(VARIABLES), len(VARIABLES)))
    return lower + numpy.tril(lower, -1).T


def self_check(x=None, step=1e-6):
    """Largest relative error of gradient, Jacobian and Hessian against central differences."""
    x = numpy.array(X0 if x is None else x, dtype=float)
    n, m = len(VARIABLES), len(CONSTRAINTS)
    rng = numpy.random.default_rng(0)
    lam = rng.uniform(-1.0, 1.0, m)

    def lagrangian_gradient(z):
        return gradient(z) + jacobian_dense(z).T @ lam

    errors = {}
    for label, fun, exact in (
            ("gradient", lambda z: numpy.array([objective(z)]), gradient(x)[None, :]),
            ("jacobian", constraints, jacobian_dense(x)),
            ("hessian", lagrangian_gradient, hessian_lagrangian_dense(x, lam))):
        numeric = numpy.zeros_like(exact)
        for j in range(n):
            e = numpy.zeros(n)
            e[j] = step * max(1.0, abs(x[j]))
            numeric[:, j] = (fun(x + e) - fun(x - e)) / (2 * e[j])
        scale = max(1.0, float(numpy.abs(exact).max(initial=0.0)))
        errors[label] = float(numpy.abs(numeric - exact).max(initial=0.0)) / scale
    return errors


if __name__ == "__main__":
    found = self_check()
    for label, error in found.items():
        print(f"{label:10s} max relative error {error:.2e}")
    raise SystemExit(0 if max(found.values()) < 1e-5 else 1)
'''


def derivative_module(model: Any) -> str:
    """Python source of a standalone numpy module with the model's exact derivatives."""
    structure = analyze(model)
    free, fixed_vars = list(structure.variables), list(structure.fixed)
    columns = {v: j for j, v in enumerate(free)}
    fixed = {v: len(free) + k for k, v in enumerate(fixed_vars)}
    objective = structure.objective
    rows = list(structure.constraints)
    objective_parts = collect_rows([objective.expr if objective else 0.0], columns, fixed)
    constraint_parts = collect_rows([r.body for r in rows], columns, fixed)
    names = [v.name for v in free]
    header = _header(model, structure, free, rows)
    data = [
        f"VARIABLES = {names!r}",
        f"CONSTRAINTS = {[r.name for r in rows]!r}",
        f"LOWER = numpy.array({_floats([_bound(v.lb, -np.inf) for v in free])})",
        f"UPPER = numpy.array({_floats([_bound(v.ub, np.inf) for v in free])})",
        f"X0 = numpy.clip(numpy.array({_floats([_start(v) for v in free])}), LOWER, UPPER)",
        f"FIXED_VALUES = numpy.array({_floats([float(v.value) for v in fixed_vars])}, dtype=float)",
        f"CONSTRAINT_LOWER = numpy.array({_floats([_bound(r.lower, -np.inf) for r in rows])})",
        f"CONSTRAINT_UPPER = numpy.array({_floats([_bound(r.upper, np.inf) for r in rows])})",
        "SENSE = " + repr(structure.sense),
    ]
    families_text, counter = [], [0]
    for label, (families, linear), owners in (
            ("_OBJECTIVE", objective_parts, [objective.name if objective else "objective"]),
            ("_CONSTRAINT", constraint_parts, [r.name for r in rows])):
        names_of = []
        for family in families:
            counter[0] += 1
            families_text.append(_family_source(counter[0], family, owners))
            names_of.append(f"_family{counter[0]}")
        families_text.append(f"{label}_FAMILIES = [{', '.join(names_of)}]")
        families_text.append(f"{label}_LINEAR = {_linear_source(linear)}")
    return "\n".join([header, "import numpy", _RUNTIME, *data, "", *families_text, _API])


def _bound(value: Any, missing: float) -> float:
    return missing if value is None else float(value)


def _start(var: Any) -> float:
    return 0.0 if var.value is None else float(var.value)


def _floats(values: list[float]) -> str:
    return "[" + ", ".join("numpy.inf" if v == np.inf else "-numpy.inf" if v == -np.inf
                           else repr(float(v)) for v in values) + "]"


def _ints(values: np.ndarray) -> str:
    return repr(np.asarray(values).tolist())


def _header(model: Any, structure: Any, free: list, rows: list) -> str:
    return textwrap.dedent(f'''\
        """Exact derivatives of model {getattr(model, "name", "model")!r}, written by symopt.

        {structure.problem_class}: {len(free)} variables, {len(rows)} constraints.
        Standalone: needs numpy only. Run it as a script to check every derivative
        against finite differences.
        """''')


def _family_source(number: int, family: TermFamily, owners: list[str]) -> str:
    derived = cache.derived(family.template, family.num_vars, family.num_constants)
    name = f"_family{number}"
    value = derived.value.source.replace("def term_value(", f"def {name}_value(")
    parts = [f"# family {number}: {len(family)} term(s) of the shape {family.template}, "
             f"first in {owners[int(family.rows[0])]!r}", value]
    gradient = hessian = "None"
    if derived.gradient is not None:
        parts.append(derived.gradient.source.replace("def term_gradient(",
                                                     f"def {name}_gradient("))
        gradient = f"{name}_gradient"
    if derived.hessian is not None:
        parts.append(derived.hessian.source.replace("def term_hessian(",
                                                    f"def {name}_hessian("))
        hessian = f"{name}_hessian"
    parts.append(
        f"{name} = _Family({name}_value, {gradient}, {derived.gradient_slots!r}, {hessian}, "
        f"{derived.hessian_slots!r},\n    rows={_ints(family.rows)},\n"
        f"    columns={_ints(family.columns)},\n"
        f"    constants={repr(family.constants.tolist())})\n")
    return "\n".join(parts)


def _linear_source(linear: LinearPart) -> str:
    return (f"(numpy.array({_ints(linear.rows)}, dtype=numpy.intp), "
            f"numpy.array({_ints(linear.columns)}, dtype=numpy.intp), "
            f"numpy.array({_floats(linear.coefficients.tolist())}, dtype=float), "
            f"numpy.array({_floats(linear.constants.tolist())}, dtype=float))")
