"""`symopt export --to py`: standalone derivative modules (symopt.compile.export_py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from symopt.cli import main
from symopt.compile.export_py import derivative_module
from symopt.dsl import load
from symopt.model import Constraint, Model, Objective, Var

ROOT = Path(__file__).resolve().parents[1]
NONLINEAR_EXAMPLES = ["constrained", "rosenbrock", "circle"]

# Runs a written module with symopt and sympy made unimportable: it must need numpy only.
_ISOLATED = ("import sys, runpy; sys.modules['symopt'] = None; sys.modules['sympy'] = None; "
             "sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name='__main__')")


def module_of(model) -> dict:
    namespace: dict = {}
    exec(compile(derivative_module(model), "<exported>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", NONLINEAR_EXAMPLES)
def test_written_module_runs_without_symopt_and_checks_itself(name, tmp_path):
    out = tmp_path / f"{name}_derivatives.py"
    assert main(["export", str(ROOT / "examples" / f"{name}.opt"), "--to", "py",
                 "-o", str(out)]) == 0
    run = subprocess.run([sys.executable, "-I", "-c", _ISOLATED, str(out)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "hessian" in run.stdout and "max relative error" in run.stdout


def chain_model(n: int = 30):
    """A family-heavy model: chained Rosenbrock with a nonlinear constraint family and a
    fixed variable (whose derivatives must drop out)."""
    m = Model("chain")
    m.x = Var(range(n), initialize=0.3)
    m.x[n - 1].fix(0.9)
    m.f = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 + (1 - m.x[i]) ** 2
                             for i in range(n - 1)))
    m.c = Constraint(range(n - 2), rule=lambda m, i: m.x[i] * m.x[i + 1] + 0.5 * m.x[i + 2] ** 3
                     <= 2)
    return m


def test_derivatives_agree_with_finite_differences_to_1e_6():
    module = module_of(chain_model())
    errors = module["self_check"](np.linspace(-0.5, 1.2, 29))
    assert max(errors.values()) < 1e-6, errors
    assert len(module["VARIABLES"]) == 29 and module["VARIABLES"][0] == "x[0]"


def test_values_agree_with_symopt_compiled_model():
    from symopt.analysis import analyze
    from symopt.compile.from_model import compile_model
    m = chain_model(12)
    module, program = module_of(m), compile_model(analyze(m))
    x = np.random.default_rng(1).uniform(-1, 1, 11)
    assert module["objective"](x) == pytest.approx(program.fun(x), rel=1e-12)
    assert np.allclose(module["gradient"](x), program.jac(x), rtol=1e-12)
    assert np.allclose(module["constraints"](x), program.constraints.values(x), rtol=1e-12)
    lam = np.arange(10.0)
    # symopt's compiled Lagrangian is f - lam.g; the exported module's is f + lam.g
    assert np.allclose(module["hessian_lagrangian_dense"](x, -lam, 1.0),
                       program.lagrangian_hessian(x, lam), rtol=1e-12)


def test_module_documents_the_model_in_user_names():
    text = derivative_module(load(ROOT / "examples" / "constrained.opt"))
    assert "VARIABLES = ['x', 'y']" in text
    assert "CONSTRAINTS = ['first', 'second', 'third']" in text
    assert "# family 1: 2 term(s) of the shape" in text
