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


def bounded_chain(n: int) -> Model:
    """The chained Rosenbrock function with -1.5 <= x <= 0.8 (many bounds active)."""
    m = Model(f"bounded_rosenbrock{n}")
    m.I = Set(initialize=range(n))
    m.x = Var(m.I, bounds=(-1.5, 0.8), initialize=lambda _, i: -1.2 if i % 2 == 0 else 0.8)
    m.obj = Objective(expr=sum(100 * (m.x[i + 1] - m.x[i] ** 2) ** 2 + (1 - m.x[i]) ** 2
                               for i in range(n - 1)))
    return m


def test_a_large_bound_constrained_nlp_is_solved_by_the_interior_point():
    """explain() says why; the answer is the optimum (scipy's L-BFGS-B, the oracle, run to a
    tight tolerance from the compiled derivatives) with the bound multipliers' signs right."""
    import numpy as np
    from scipy.optimize import minimize
    from symopt import solve
    m = bounded_chain(1000)
    text = pipeline.explain(m)
    assert "method: interior-point" in text and "1000 variables (>= 1000)" in text
    solution = solve(m)
    assert solution.route.method == "interior-point" and solution.status == "optimal"
    nlp = compile_model(analyze(bounded_chain(1000)))
    oracle = minimize(nlp.fun, np.clip(nlp.x0, -1.5, 0.8), jac=nlp.jac, method="L-BFGS-B",
                      bounds=nlp.bounds(), options={"ftol": 1e-15, "gtol": 1e-10,
                                                    "maxiter": 20000})
    assert solution.objective == pytest.approx(oracle.fun, rel=1e-9)
    x = np.array([m.x[i].value for i in range(1000)])
    np.testing.assert_allclose(x, oracle.x, atol=1e-5)
    at_upper = [v for v in solution.variables if v.value > 0.8 - 1e-8]
    assert at_upper and all(v.reduced_cost <= 1e-8 for v in at_upper)
