"""Term templates: group additive terms by shape, derive each shape once.

A model's nonlinear part is a sum of terms. Terms that differ only in which variables
and which numeric constants they use share a *template*: a sympy expression in the
placeholders ``v0..`` (variables) and ``p0..`` (constants). Each template is
differentiated once by sympy (first and second partials, zeros dropped) and compiled
to vectorised numpy; a `TermFamily` then evaluates all its instances at once from
index arrays (which variable fills each placeholder, row by row).

>>> import sympy
>>> x, y = sympy.symbols("x y")
>>> families, linear = split_sympy_rows([x ** 2 + 3 * y ** 2 + 2 * x + 1], {x: 0, y: 1})
>>> len(families), families[0].template, families[0].columns.ravel().tolist()
(1, p0*v0**2, [0, 1])
>>> linear.constants.tolist(), linear.coefficients.tolist()
([1.0], [2.0])
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterable, Mapping

import numpy as np
import sympy

from symopt.compile.codegen import function_from_source, generate_function, placeholders
from symopt.errors import CompileError

__all__ = ["DerivedTemplate", "TermFamily", "LinearPart", "FamilyCollector", "split_sympy_rows"]


def _derivative(expr: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
    """d expr / d variable, with the point masses of abs/sign (DiracDelta) dropped: the
    derivative almost everywhere, which is what a numerical method can use."""
    derivative = sympy.diff(expr, variable)
    if derivative.has(sympy.DiracDelta):
        derivative = derivative.replace(lambda e: isinstance(e, sympy.DiracDelta),
                                        lambda e: sympy.S.Zero)
    return derivative


class DerivedTemplate:
    """A template with its compiled value, nonzero gradient and nonzero Hessian entries.

    ``gradient_slots[k]`` is the variable placeholder of the k-th gradient output;
    ``hessian_slots[k]`` the pair ``(a, b)``, ``a >= b``, of the k-th Hessian output.
    Derivatives are derived on first use, so a fit that never needs a Hessian never
    pays for one.
    """

    def __init__(self, template: sympy.Expr, num_vars: int, num_constants: int):
        self.template = template
        self.variables = placeholders("v", num_vars)
        self.constants = placeholders("p", num_constants)
        self.arguments = [str(s) for s in (*self.variables, *self.constants)]

    def __getstate__(self) -> dict:
        """Pickle the generated functions as source text: no sympy crosses a process."""
        def compiled(function: Callable | None) -> tuple | None:
            return None if function is None else (function.__name__, function.source)
        return {"arguments": self.arguments, "value": compiled(self.value),
                "gradient": (self.gradient_slots, compiled(self.gradient)),
                "hessian": (self.hessian_slots, compiled(self.hessian))}

    def __setstate__(self, state: dict) -> None:
        def rebuilt(compiled: tuple | None) -> Callable | None:
            return None if compiled is None else function_from_source(*compiled)
        self.template, self.arguments = None, state["arguments"]
        self.__dict__["value"] = rebuilt(state["value"])
        for part in ("gradient", "hessian"):
            slots, compiled = state[part]
            self.__dict__["_" + part] = (slots, rebuilt(compiled))

    @cached_property
    def value(self) -> Callable[..., tuple]:
        return generate_function("term_value", self.arguments, [self.template])

    @cached_property
    def _gradient(self) -> tuple[tuple[int, ...], Callable[..., tuple] | None]:
        partials = [(a, _derivative(self.template, v)) for a, v in enumerate(self.variables)]
        partials = [(a, d) for a, d in partials if d != 0]
        if not partials:
            return (), None
        function = generate_function("term_gradient", self.arguments, [d for _, d in partials])
        return tuple(a for a, _ in partials), function

    @property
    def gradient_slots(self) -> tuple[int, ...]:
        return self._gradient[0]

    @property
    def gradient(self) -> Callable[..., tuple] | None:
        return self._gradient[1]

    @cached_property
    def _hessian(self) -> tuple[tuple[tuple[int, int], ...], Callable[..., tuple] | None]:
        entries = []
        for a, first in ((a, _derivative(self.template, v)) for a, v in enumerate(self.variables)):
            if first == 0:
                continue
            for b in range(a + 1):
                second = _derivative(first, self.variables[b])
                if second != 0:
                    entries.append(((a, b), second))
        if not entries:
            return (), None
        function = generate_function("term_hessian", self.arguments, [e for _, e in entries])
        return tuple(pair for pair, _ in entries), function

    @property
    def hessian_slots(self) -> tuple[tuple[int, int], ...]:
        return self._hessian[0]

    @property
    def hessian(self) -> Callable[..., tuple] | None:
        return self._hessian[1]


@dataclass(frozen=True, eq=False)
class TermFamily:
    """All instances of one template: instance i adds ``template(x[columns[i]], constants[i])``
    to function row ``rows[i]``."""

    template: sympy.Expr
    rows: np.ndarray        # (N,) int
    columns: np.ndarray     # (N, num_vars) int
    constants: np.ndarray   # (N, num_constants) float

    @property
    def num_vars(self) -> int:
        return self.columns.shape[1]

    @property
    def num_constants(self) -> int:
        return self.constants.shape[1]

    def __len__(self) -> int:
        return self.rows.shape[0]


@dataclass(frozen=True, eq=False)
class LinearPart:
    """The affine part of a vector function: ``constants[r] + sum coefficients * x[columns]``
    over the entries of row ``rows``."""

    constants: np.ndarray      # (m,)
    rows: np.ndarray           # (nnz,)
    columns: np.ndarray        # (nnz,)
    coefficients: np.ndarray   # (nnz,)


class FamilyCollector:
    """Accumulates terms by shape key, then freezes them into `TermFamily` objects.

    ``add(key, make_template, row, columns, constants)`` calls ``make_template()`` only
    the first time a key is seen: building the sympy template is the costly part.
    """

    def __init__(self, num_rows: int):
        self.num_rows = num_rows
        self._templates: dict[object, sympy.Expr] = {}
        self._instances: dict[object, tuple[list, list, list]] = {}
        self._linear: tuple[list, list, list] = ([], [], [])
        self.constants = np.zeros(num_rows)

    def add(self, key: object, make_template: Callable[[], sympy.Expr], row: int,
            columns: Iterable[int], constants: Iterable[float]) -> None:
        lists = self._instances.get(key)
        if lists is None:
            self._templates[key] = make_template()
            lists = self._instances[key] = ([], [], [])
        lists[0].append(row)
        lists[1].append(tuple(columns))
        lists[2].append(tuple(constants))

    def add_linear(self, row: int, columns: Iterable[int], coefficients: Iterable[float]) -> None:
        columns, coefficients = list(columns), list(coefficients)
        self._linear[0].extend([row] * len(columns))
        self._linear[1].extend(columns)
        self._linear[2].extend(coefficients)

    def add_constant(self, row: int, value: float) -> None:
        self.constants[row] += value

    def families(self) -> list[TermFamily]:
        result = []
        for key, (rows, columns, constants) in self._instances.items():
            width = len(columns[0])
            result.append(TermFamily(
                self._templates[key], np.asarray(rows, dtype=np.intp),
                np.asarray(columns, dtype=np.intp).reshape(len(rows), width),
                np.asarray(constants, dtype=float).reshape(len(rows), -1)))
        return result

    def linear(self) -> LinearPart:
        rows, columns, coefficients = self._linear
        return LinearPart(self.constants.copy(), np.asarray(rows, dtype=np.intp),
                          np.asarray(columns, dtype=np.intp), np.asarray(coefficients, float))


def _sympy_term_shape(term: sympy.Expr, columns: Mapping[sympy.Symbol, int]):
    """(template, columns, constants) of one sympy product term; variables in column order."""
    coefficient, rest = term.as_coeff_Mul()
    symbols = rest.free_symbols
    unknown = [s for s in symbols if s not in columns]
    if unknown:
        names = ", ".join(sorted(str(s) for s in unknown))
        raise CompileError(f"term {term} uses symbols that are neither variables nor given "
                           f"values: {names}; pass them as variables or substitute numbers")
    ordered = sorted(symbols, key=lambda s: columns[s])
    slots = placeholders("v", len(ordered))
    (weight,) = placeholders("p", 1)
    template = weight * rest.xreplace(dict(zip(ordered, slots)))
    return template, [columns[s] for s in ordered], [float(coefficient)]


def split_sympy_rows(
    rows: list[sympy.Expr], columns: Mapping[sympy.Symbol, int],
) -> tuple[list[TermFamily], LinearPart]:
    """Split sympy expressions (one per function row) into term families and a linear part."""
    collector = FamilyCollector(len(rows))
    for r, expr in enumerate(rows):
        for term in sympy.Add.make_args(sympy.sympify(expr)):
            if term.is_number:
                value = complex(term)
                if value.imag:
                    raise CompileError(f"the constant {term} is not real")
                collector.add_constant(r, value.real)
                continue
            coefficient, rest = term.as_coeff_Mul()
            if rest in columns:
                collector.add_linear(r, [columns[rest]], [float(coefficient)])
                continue
            template, cols, consts = _sympy_term_shape(term, columns)
            collector.add(template, lambda t=template: t, r, cols, consts)
    return collector.families(), collector.linear()
