"""Code generation: sympy templates -> numpy functions, safe identifiers, clear errors."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from symopt.compile.codegen import generate_function, generate_source, placeholders
from symopt.errors import CompileError


def test_generated_function_matches_sympy_values():
    v0, v1 = placeholders("v", 2)
    (p0,) = placeholders("p", 1)
    outputs = [p0 * sympy.exp(v0) * sympy.sin(v1), sympy.sqrt(v0 ** 2 + 1) + sympy.log(1 + v1 ** 2)]
    f = generate_function("f", ["v0", "v1", "p0"], outputs)
    a, b = np.array([0.3, -1.2]), np.array([2.0, 0.5])
    got = f(a, b, 3.0)
    for expr, value in zip(outputs, got):
        expected = [float(expr.subs({v0: ai, v1: bi, p0: 3.0})) for ai, bi in zip(a, b)]
        np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_common_subexpressions_are_shared():
    v0, v1 = placeholders("v", 2)
    source = generate_source("g", ["v0", "v1"], [sympy.exp(v0 * v1) * v0, sympy.exp(v0 * v1) * v1])
    assert source.count("exp") == 1
    assert source.startswith("def g(v0, v1):")


def test_elementwise_math_fallback_for_erf():
    (v0,) = placeholders("v", 1)
    f = generate_function("h", ["v0"], [sympy.erf(v0)])
    np.testing.assert_allclose(f(np.array([0.0, 1.0]))[0], [0.0, 0.8427007929497149])


def test_unknown_symbol_is_a_compile_error_naming_it():
    (v0,) = placeholders("v", 1)
    with pytest.raises(CompileError, match="symbols without a value: lam"):
        generate_source("f", ["v0"], [v0 * sympy.Symbol("lam")])


def test_unsupported_function_is_a_compile_error():
    (v0,) = placeholders("v", 1)
    with pytest.raises(CompileError, match="cannot generate numpy code"):
        generate_function("f", ["v0"], [sympy.Function("mystery")(v0)])


def test_unsafe_argument_names_are_refused():
    with pytest.raises(CompileError, match="not a safe identifier"):
        generate_source("f", ["__import__('os')"], [sympy.Integer(1)])
    with pytest.raises(CompileError):
        generate_source("lambda", [], [sympy.Integer(1)])
