"""The public surface of ``symopt``: pinned names, lazy loading of later stages."""
from __future__ import annotations

import subprocess
import sys

import symopt

PUBLIC = [
    "__version__",
    "SymoptError", "ModelError", "ParseError", "CompileError", "RoutingError", "InputError",
    "SolverError", "SourceLocation",
    "Model", "Set", "RangeSet", "Param", "Var", "Objective", "Constraint", "Expression",
    "BuildCheck", "minimize", "maximize", "Reals", "NonNegativeReals", "NonPositiveReals", "Integers",
    "NonNegativeIntegers", "Binary", "quicksum", "between", "value",
    "exp", "log", "log10", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "tanh", "erf",
    "solve", "solve_minimize", "solve_equations", "fit", "Solution", "analyze",
    "check_derivatives",
    "solve_many", "grid", "starts", "Sweep",
]


def test_all_is_pinned():
    assert symopt.__all__ == PUBLIC
    assert len(set(PUBLIC)) == len(PUBLIC)


def test_abs_is_available_but_not_star_exported():
    assert "abs" not in symopt.__all__ and symopt.abs(-2) == 2.0


def test_every_public_name_resolves():
    for name in PUBLIC:
        assert getattr(symopt, name) is not None, name
    assert set(PUBLIC) <= set(dir(symopt))


def test_errors_share_one_root():
    for name in ("ModelError", "ParseError", "CompileError", "RoutingError", "InputError",
                 "SolverError"):
        assert issubclass(getattr(symopt, name), symopt.SymoptError)


def test_import_loads_no_solver_and_no_sympy():
    code = ("import sys, symopt; m = symopt.Model(); m.x = symopt.Var(); "
            "m.o = symopt.Objective(expr=2 * m.x); "
            "bad = [n for n in sys.modules if n.startswith(('symopt.optimize', 'symopt.pipeline', "
            "'symopt.compile', 'symopt.report', 'sympy', 'scipy', 'lark'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_unknown_attribute_raises_attribute_error():
    try:
        symopt.no_such_thing
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("expected AttributeError")
