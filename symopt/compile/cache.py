"""Per-structure cache of derived and compiled templates.

A template (a term shape with placeholders for its variables and constants) is
differentiated and compiled once per process: re-solving a model with new parameter
values, or compiling another model built of the same shapes, finds it here.

>>> import sympy
>>> from symopt.compile.codegen import placeholders
>>> (v0,), (p0,) = placeholders("v", 1), placeholders("p", 1)
>>> first = derived(p0 * v0 ** 2, 1, 1)
>>> derived(p0 * v0 ** 2, 1, 1) is first
True
"""
from __future__ import annotations

import sympy

from symopt.compile.templates import DerivedTemplate

__all__ = ["derived", "clear", "size"]

_DERIVED: dict[tuple[sympy.Expr, int, int], DerivedTemplate] = {}


def derived(template: sympy.Expr, num_vars: int, num_constants: int) -> DerivedTemplate:
    """The `DerivedTemplate` of ``template``, differentiated and compiled on first request."""
    key = (template, num_vars, num_constants)
    found = _DERIVED.get(key)
    if found is None:
        found = _DERIVED[key] = DerivedTemplate(template, num_vars, num_constants)
    return found


def clear() -> None:
    """Forget every compiled template (for tests and benchmarks of cold compiles)."""
    _DERIVED.clear()


def size() -> int:
    """How many templates are cached."""
    return len(_DERIVED)
