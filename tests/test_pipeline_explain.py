"""explain() routes from the analysis alone, exactly as solve() routes from the compiled problem."""
from __future__ import annotations

import pytest

from symopt import Model, Objective, Set, Var, pipeline
from symopt.analysis import analyze
from symopt.compile.from_model import compile_model


def chained_rosenbrock(n: int) -> Model:
    m = Model(f"rosenbrock{n}")
    m.I = Set(initialize=range(n))
    m.x = Var(m.I, initialize=-1.2)
    m.obj = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 + (1 - m.x[i]) ** 2
                               for i in range(n - 1)))
    return m


def test_explain_compiles_nothing(monkeypatch):
    def refuse(*_):
        raise AssertionError("explain() compiled the model")
    monkeypatch.setattr(pipeline, "_compile", refuse)
    text = pipeline.explain(chained_rosenbrock(300))
    assert "unconstrained NLP" in text and "method: trust-ncg" in text


@pytest.mark.parametrize("n", [50, 300])
def test_the_hessian_pattern_from_the_analysis_is_the_compiled_one(n):
    structure = analyze(chained_rosenbrock(n))
    assert structure.hessian_pattern_size() == compile_model(structure).hessian_nnz
