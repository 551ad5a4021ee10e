"""Nonlinear `.opt` families generated as templates + index arrays compile to the same
program as the element-wise builder followed by the compiler.

Every example and COPS model, randomized nonlinear models (with repeated variables in a
term, offsets, conditions, inner sums) and models with families forced to the
element-wise path are built both ways; names, bounds, start points, function values,
sparse Jacobian and Lagrangian-Hessian patterns and values must agree, and so must the
answers of a solve.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symopt.analysis import analyze
from symopt.compile.from_model import compile_model
from symopt.dsl import loads, read
from symopt.dsl.vectorize import loads_program, read_program
from symopt.errors import SymoptError

ROOT = Path(__file__).resolve().parents[1]
#: models whose element-wise compile derives large Hessians in sympy (seconds each)
SLOW = {"chemical_equilibrium.opt", "glider.opt", "polygon.opt", "rocket.opt"}
EXAMPLES = [pytest.param(path, id=path.name, marks=[pytest.mark.slow] if path.name in SLOW else [])
            for path in sorted((ROOT / "examples").glob("*.opt"))
            + sorted((ROOT / "benchmarks" / "cops").glob("*.opt"))]


def element_wise(result):
    """The element-wise program of a build result, or None when it is not an optimization
    (or feasibility) model of a smooth program."""
    if result.kind not in ("minimize", "maximize", "feasibility"):
        return None
    structure = analyze(result.model)
    if structure.problem_class not in ("constrained NLP", "bound-constrained NLP",
                                       "unconstrained NLP", "equations", "LP"):
        return None
    return compile_model(structure)


def _sparse_equal(a, b) -> None:
    a, b = a.tocoo(), b.tocoo()
    a.sum_duplicates()
    b.sum_duplicates()
    assert sorted(zip(a.row.tolist(), a.col.tolist())) == sorted(zip(b.row.tolist(), b.col.tolist()))
    np.testing.assert_allclose(a.toarray() if a.shape[0] < 3000 else a.data,
                               b.toarray() if b.shape[0] < 3000 else b.data, rtol=1e-11, atol=1e-12)


def _slacks(nlp, x: np.ndarray) -> np.ndarray:
    """``g - lower`` and ``upper - g`` on the finite sides: the rows as the solver sees them
    (the element-wise builder keeps a constant inside a negated nonlinear sum in ``g``,
    the arrays move every constant into the bounds)."""
    g = nlp.constraints.values(x)
    low, high = np.isfinite(nlp.row_lower), np.isfinite(nlp.row_upper)
    return np.concatenate((g[low] - nlp.row_lower[low], nlp.row_upper[high] - g[high]))


def assert_same_program(mine, ref, seed: int = 0) -> None:
    assert (mine.num_cols, mine.num_rows) == (ref.num_cols, ref.num_rows)
    assert (mine.name, mine.sense, mine.objective_name) == (ref.name, ref.sense, ref.objective_name)
    assert list(mine.col_names) == list(ref.col_names)
    assert list(mine.row_names) == list(ref.row_names)
    for side in ("x0", "col_lower", "col_upper"):
        np.testing.assert_allclose(getattr(mine, side), getattr(ref, side), rtol=1e-13, atol=1e-13)
    for side in ("row_lower", "row_upper"):
        np.testing.assert_array_equal(np.isfinite(getattr(mine, side)), np.isfinite(getattr(ref, side)))
    rng = np.random.default_rng(seed)
    for _ in range(2):
        x = ref.x0 + rng.uniform(0.05, 0.3, ref.num_cols)
        x = np.clip(x, ref.col_lower, ref.col_upper)
        v = rng.normal(size=ref.num_rows)
        assert mine.fun(x) == pytest.approx(ref.fun(x), rel=1e-11, abs=1e-12)
        np.testing.assert_allclose(mine.jac(x), ref.jac(x), rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(_slacks(mine, x), _slacks(ref, x), rtol=1e-11, atol=1e-12)
        ours, theirs = mine.sparse_derivatives, ref.sparse_derivatives
        if ref.num_rows:
            _sparse_equal(ours.jacobian(x), theirs.jacobian(x))
        _sparse_equal(ours.lagrangian_hessian(x, 1.0, v), theirs.lagrangian_hessian(x, 1.0, v))


@pytest.mark.parametrize("path", EXAMPLES)
def test_every_example_agrees(path: Path) -> None:
    try:
        ref = element_wise(read(path))
    except SymoptError:
        ref = None
    mine = read_program(path)
    if ref is None:
        assert mine is None
        return
    assert mine is not None, f"{path.name} compiles element-wise but not from arrays"
    assert_same_program(mine, ref)


def test_cops_chain_is_generated_without_element_wise_families() -> None:
    from symopt.dsl.vectorize.builder import ArrayBuilder
    from symopt.dsl.parser import parse
    text = (ROOT / "benchmarks" / "cops" / "chain.opt").read_text()
    builder = ArrayBuilder(text, "<string>", ROOT, nonlinear=True)
    builder.run(parse(text))
    assert builder.element_wise == []
    assert {"height", "energy_step", "length", "energy"} <= set(builder.vectorized)


RANDOM_TERMS = [
    "c[i] * x[i]^2", "sin(x[i] + y[i])", "x[i] * y[i]", "exp(0.1 * x[i]) / (1 + y[i]^2)",
    "x[i] * x[j]", "(x[i] - y[j])^2", "sqrt(1 + x[i]^2)", "x[i]^3 - 2 * y[i]",
    "sum(k in I) c[k] * x[k] * y[i]", "log(2 + x[i]^2) * c[i]", "cos(x[i]) * y[j] / 3",
    "(x[i] + 2 * y[i] + 1)^2", "x[i] / (2 + y[j]^2)", "tanh(x[i] * y[i])",
]


def random_model(rng: np.random.Generator) -> str:
    n = int(rng.integers(3, 7))
    terms = lambda k: " + ".join(rng.choice(RANDOM_TERMS, k, replace=False))  # noqa: E731
    lines = [f"set I = 1..{n}",
             f"param c[i in I] = {rng.uniform(0.5, 2):.3f} + i / 7",
             "var x[I] >= -2 <= 3 = 0.5",
             f"var y[i in I] = i / {n}",
             f"{rng.choice(['minimize', 'maximize'])} obj: sum(i in I, j in I: j >= i) "
             f"({terms(2)}) {'-' if rng.random() < 0.5 else '+'} sum(i in I) x[i]",
             "subject to",
             f"  a[i in I, j in I: i != j]: {terms(2)} <= {rng.uniform(5, 9):.2f}",
             f"  b[i in I: i > 1]: y[i] - y[i - 1] + 0.1 * ({terms(1).replace('[j]', '[i - 1]')}) == 0",
             f"  r[i in I]: -20 <= {terms(2).replace('[j]', '[i]')} + x[i] <= 30"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(10))
def test_randomized_nonlinear_models_agree(seed: int) -> None:
    rng = np.random.default_rng(seed)
    text = random_model(rng)
    ref = element_wise(loads(text))
    assert_same_program(loads_program(text), ref, seed)
    forced = tuple(rng.choice(["obj", "a", "b", "r", "x", "c"], 2, replace=False))
    assert_same_program(loads_program(text, element_wise=forced), ref, seed)


def test_a_repeated_variable_merges_slots_like_the_element_wise_key() -> None:
    text = """set I = 1..4
var x[I] = 1
minimize f: sum(i in I, j in I) x[i] * x[j] * exp(x[j])
subject to s[i in I]: x[i] * x[5 - i] <= 2
"""
    mine, ref = loads_program(text), element_wise(loads(text))
    assert_same_program(mine, ref)
    templates = {str(family.derived.template) for family in mine.objective.families}
    assert "v0**2*exp(v0)" in templates        # i == j: one variable, merged slots


def test_answers_agree() -> None:
    from symopt.optimize import minimize
    text = (ROOT / "benchmarks" / "cops" / "chain.opt").read_text().replace(
        "param nh = 100", "param nh = 10")
    mine, ref = loads_program(text), element_wise(loads(text))
    answers = []
    for nlp in (mine, ref):
        result = minimize(nlp.fun, nlp.x0, jac=nlp.jac, method="slsqp", bounds=nlp.bounds(),
                          constraints=nlp.constraints_scipy(), options={"maxiter": 500})
        assert result.success, result.message
        answers.append(result.x)
    np.testing.assert_allclose(answers[0], answers[1], rtol=1e-8, atol=1e-10)


def test_nonlinear_named_expressions_and_conditionals_are_vectorized() -> None:
    from symopt.dsl.parser import parse
    from symopt.dsl.vectorize.builder import ArrayBuilder
    text = """set I = 1..4
param w[i in I] = i / 3
var x[I] >= 0.1 = 1
var z >= 0 = 2
expr e[i in I] = x[i]^2 + w[i] * exp(x[i]) + z
expr g = z * x[1] + 2
minimize f: sum(i in I) e[i] + x[1] * x[2] + g
subject to
  s[i in I: i > 1]: e[i] - e[i - 1] <= 1 + x[i] + g
  t[i in I]: (if i > 2 then x[i]^2 + z else 2 * sin(x[i])) + sum(j in I: j != i) e[j] >= -5
"""
    builder = ArrayBuilder(text, "<string>", ROOT, nonlinear=True)
    builder.run(parse(text))
    assert builder.element_wise == []
    assert_same_program(loads_program(text), element_wise(loads(text)))
    forced = loads_program(text, element_wise=("e", "s"))      # per-family fallback
    assert_same_program(forced, element_wise(loads(text)))


def test_solve_takes_the_program_generated_as_arrays() -> None:
    import symopt
    text = (ROOT / "benchmarks" / "cops" / "chain.opt").read_text().replace(
        "param nh = 100", "param nh = 30")
    ours = symopt.solve(loads_program(text))
    reference = symopt.solve(loads(text).model)
    assert ours.status == reference.status == "optimal"
    assert ours.objective == pytest.approx(reference.objective, rel=1e-8)
    assert [v.name for v in ours.variables] == [v.name for v in reference.variables]
    np.testing.assert_allclose([v.value for v in ours.variables],
                               [v.value for v in reference.variables], rtol=1e-6, atol=1e-8)
    assert ours.problem_class == "constrained NLP"


def test_what_the_arrays_cannot_take_in_is_left_to_the_element_wise_path() -> None:
    integer = "var n integer >= 0\nvar x\nminimize f: (x - n)^2 + x^4\n"
    assert loads_program(integer) is None
    broken = "var x\nminimize f: x^2 + y\n"
    assert loads_program(broken) is None
    conditional = """set I = 1..3
var x[I] = 1
minimize f: sum(i in I) (if i > 1 then x[i]^2 else exp(x[i]))
"""
    assert_same_program(loads_program(conditional), element_wise(loads(conditional)))
