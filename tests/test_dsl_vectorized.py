"""The vectorized `.opt` generator agrees with the element-wise builder, family by family.

Every example in examples/ and randomized production/transport models are built both
ways; matrices, bounds, names, integrality, offsets and solutions must agree. Families are
also forced to the element-wise path at random, to check the per-family fallback joins
its rows and columns in the same places.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symopt.analysis import analyze
from symopt.compile.linear import extract_linear
from symopt.dsl import loads, read
from symopt.dsl.vectorize import loads_arrays, read_arrays, read_linear
from symopt.errors import SymoptError

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.opt"))


def dense(matrix) -> np.ndarray:
    return matrix.to_dense() if hasattr(matrix, "to_dense") else matrix.toarray()


def assert_same_lp(lp, ref) -> None:
    assert lp.name == ref.name and lp.sense == ref.sense
    assert lp.objective_name == ref.objective_name
    np.testing.assert_allclose(lp.c, ref.c, rtol=1e-13, atol=0)
    assert lp.offset == pytest.approx(ref.offset, rel=1e-13, abs=1e-13)
    np.testing.assert_allclose(dense(lp.A), dense(ref.A), rtol=1e-13, atol=0)
    assert lp.A.nnz == ref.A.nnz
    for side in ("row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_allclose(getattr(lp, side), getattr(ref, side), rtol=1e-13, atol=1e-13)
    assert list(lp.col_names) == list(ref.col_names)
    assert list(lp.row_names) == list(ref.row_names)
    if ref.integrality is None:
        assert lp.integrality is None
    else:
        np.testing.assert_array_equal(lp.integrality, ref.integrality)


def element_wise_lp(result):
    structure = analyze(result.model)
    return extract_linear(structure) if structure.is_linear else None


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_agrees(path: Path) -> None:
    try:
        ref = element_wise_lp(read(path))
    except SymoptError:
        ref = None
    arrays = read_arrays(path)
    if ref is None:
        assert arrays is None          # not a valid LP: left to the element-wise path
        return
    assert arrays is not None, f"{path.name} is linear but was not generated as arrays"
    assert_same_lp(arrays.lp, ref)


def test_linear_examples_are_fully_vectorized() -> None:
    """The examples use no construct the arrays lack: nothing falls back."""
    for name in ("transport.opt", "diet.opt", "production_plan.opt", "blending.opt"):
        arrays = read_arrays(EXAMPLES[0].parent / name)
        assert arrays is not None and arrays.element_wise == [], name


def production_model(rng: np.random.Generator, maximize: bool, integer: bool) -> str:
    """A multi-period production/inventory model with random data (links t and t-1)."""
    periods, products = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    names = [f"p{k}" for k in range(products)]
    price = ", ".join(f"{p}: {rng.uniform(1, 9):.3f}" for p in names)
    usage = ", ".join(f"({p}, {t}): {rng.uniform(0, 2):.2f}" for p in names
                      for t in range(1, periods + 1) if rng.random() < 0.6)
    sense = "maximize" if maximize else "minimize"
    kind = "integer" if integer else ""
    return f"""
set T = 1..{periods}
set P = {{{", ".join(names)}}}
param price[P] = {{{price}}}
param usage[P, T] = {{{usage}}} default 0
param demand[t in T] = {rng.uniform(1, 5):.3f} + t * {rng.uniform(0, 1):.3f}
param hold = {rng.uniform(0.1, 1):.3f}
param cost[p in P, t in T] = price[p] / 2 + sin(t) ^ 2 + usage[p, t]
var make[P, T] >= 0 <= 20
var inv[p in P, t in T] >= 0
var extra {kind} >= 0 <= 10
var spare[t in T : t > 1] >= -1
{sense} total: sum(p in P, t in T) (price[p] - cost[p, t]) * make[p, t]
    - sum(p in P, t in T) hold * inv[p, t] - 0.5 * extra + 3
subject to
  first[p in P]: make[p, 1] - inv[p, 1] == demand[1] / 2
  balance[p in P, t in T : t > 1]: inv[p, t - 1] + make[p, t] - inv[p, t] == demand[t] / 2
  capacity[t in T]: sum(p in P : usage[p, t] > 0 or t == 1) usage[p, t] * make[p, t]
                    <= 10 + extra
  spread[t in T : t > 1]: -5 <= make[{names[0]}, t] - make[{names[0]}, t - 1] + spare[t] <= 5
  total_out: 1 <= sum(p in P, t in T) make[p, t] <= 200
"""


@pytest.mark.parametrize("seed", range(8))
def test_randomized_models_agree_with_forced_fallbacks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    text = production_model(rng, maximize=bool(seed % 2), integer=seed % 3 == 0)
    ref = element_wise_lp(loads(text))
    families = ["cost", "make", "inv", "extra", "spare", "total", "first", "balance",
                "capacity", "spread", "total_out"]
    forced = tuple(f for f in families if rng.random() < 0.3) if seed else ()
    arrays = loads_arrays(text, element_wise=forced)
    assert arrays is not None
    assert sorted(arrays.element_wise) == sorted(f for f in forced if f != "cost")
    assert_same_lp(arrays.lp, ref)


def test_answers_agree() -> None:
    from symopt import solve
    for name in ("transport.opt", "diet.opt", "production_plan.opt", "knapsack.opt"):
        path = EXAMPLES[0].parent / name
        mine = solve(read_linear(path))
        theirs = solve(read(path).model)
        assert mine.status == theirs.status == "optimal"
        assert mine.objective == pytest.approx(theirs.objective, rel=1e-9)
        assert [v.name for v in mine.variables] == [v.name for v in theirs.variables]
        np.testing.assert_allclose([v.value for v in mine.variables],
                                   [v.value for v in theirs.variables], atol=1e-7)


def test_not_linear_or_broken_models_are_left_to_the_element_wise_builder() -> None:
    assert loads_arrays("var x\nminimize f: x^2 + x") is None
    assert loads_arrays("set I = 1..2\nvar x[I]\nminimize f: sum(i in I) x[i] * x[i]") is None
    assert loads_arrays("set I = 1..2\nvar x[I] >= 0\nminimize f: sum(i in I) x[i + 5]") is None
    with pytest.raises(SymoptError, match="not in its index set"):
        from symopt.dsl.vectorize import read_linear as rl
        import tempfile
        path = Path(tempfile.mkdtemp()) / "bad.opt"
        path.write_text("set I = 1..2\nvar x[I] >= 0\nminimize f: sum(i in I) x[i + 5]")
        rl(path)


def test_unsupported_constructs_fall_back_per_family() -> None:
    text = """set I = 1..4
var x[I] >= 0 <= 3
maximize f: sum(i in I) x[i]
subject to
  tri[i in I, j in 1..i]: x[j] <= i
  plain[i in I]: x[i] <= 2
"""
    arrays = loads_arrays(text)
    assert arrays is not None and arrays.element_wise == ["tri"]
    assert_same_lp(arrays.lp, element_wise_lp(loads(text)))


def test_names_are_lazy_and_indexable() -> None:
    arrays = loads_arrays("set I = {a, b}\nset J = 1..2\nvar x[I, J] >= 0\n"
                          "minimize f: sum(i in I, j in J) j * x[i, j]\n"
                          "subject to c[i in I]: sum(j in J) x[i, j] >= 1")
    names = arrays.lp.col_names
    assert len(names) == 4 and names[3] == "x[b,2]" and names[-1] == "x[b,2]"
    assert names[1:3] == ["x[a,2]", "x[b,1]"]
    assert list(arrays.lp.row_names) == ["c[a]", "c[b]"]


def test_if_then_else_and_min_max_are_vectorized() -> None:
    text = """set T = 1..6
param d[t in T] = max(2, t) - min(t, 3, 4)
var x[T] >= 0 <= 9
var y >= 0
minimize f: sum(t in T) (if t > 2 then 2 * x[t] else x[t] + 1) + y
subject to
  link[t in T]: (if t = 1 then y else x[t - 1]) + x[t] >= d[t]
  cap[t in T]: x[t] <= if t < 4 then 5 else 7
"""
    arrays = loads_arrays(text)
    assert arrays is not None and arrays.element_wise == []
    assert_same_lp(arrays.lp, element_wise_lp(loads(text)))


def test_files_written_from_arrays_are_the_element_wise_files() -> None:
    from symopt.io import format_opt
    from symopt.io import format_lp, format_mps
    for name in ("transport.opt", "scheduling.opt"):
        path = EXAMPLES[0].parent / name
        mine, theirs = read_linear(path), extract_linear(read(path).model)
        for write in (format_lp, format_mps, format_opt):
            assert write(mine) == write(theirs)


def test_ordered_set_functions_are_vectorized() -> None:
    text = """set W = {w1, w2, w3, w4}
param rate[w in W] = 1 + ord(w) / card(W)
var make[W] >= 0 <= 10
var inv[W] >= 0
var level[W] >= 0
maximize f: sum(w in W) rate[w] * make[w] - inv[last(W)]
subject to
  balance[w in W]: (if w = first(W) then 2 else inv[prev(w)]) + make[w] == inv[w] + 3
  ahead[w in W : ord(w) <= card(W) - 2]: make[next(w, W, 2)] <= make[w] + 1
  cycle[w in W]: level[w] == level[prevw(w)] + make[w] - 2.5
"""
    arrays = loads_arrays(text)
    assert arrays is not None and arrays.element_wise == []
    assert_same_lp(arrays.lp, element_wise_lp(loads(text)))


def test_named_expressions_are_taken_as_arrays() -> None:
    text = """set P = {a, b, c}
set T = 1..3
param w[p in P] = ord(p)
var x[P, T] >= 0 <= 4
var y >= 0
expr load[t in T] = sum(p in P) w[p] * x[p, t] + 1
expr spare = 2 * y - 1
expr scale[p in P] = w[p] / 2
maximize f: sum(t in T) load[t] - spare
subject to
  cap[t in T]: load[t] <= 7 + scale[c]
  link: spare + load[2] >= 3
  tri[p in P, t in T : t > 1]: x[p, t] - x[p, t - 1] <= scale[p]
"""
    arrays = loads_arrays(text)
    assert arrays is not None and arrays.element_wise == []
    assert_same_lp(arrays.lp, element_wise_lp(loads(text)))


def test_cli_export_writes_the_element_wise_file(tmp_path: Path) -> None:
    from symopt.cli import main
    from symopt.io import format_mps
    path = EXAMPLES[0].parent / "steel_multiperiod.opt"
    out = tmp_path / "steel.mps"
    assert main(["export", str(path), "--to", "mps", "-o", str(out)]) == 0
    assert out.read_text() == format_mps(extract_linear(read(path).model))


def test_a_linear_file_read_as_arrays_never_loads_sympy():
    """sympy (about 0.3 s and 50 MB in a fresh process) comes with the first nonlinear
    family only: the 10^6-variable transport LP of benchmarks/model_build.py stayed within
    1.5x linopy only without it."""
    import subprocess
    import sys
    production = Path(__file__).resolve().parents[1] / "examples" / "production.opt"
    code = ("import sys; from symopt.dsl.vectorize import read_arrays; "
            f"arrays = read_arrays({str(production)!r}); "
            "print(arrays is not None, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "False"]


def test_a_large_file_the_arrays_decline_is_parsed_once(tmp_path, monkeypatch):
    """`read(as_arrays=True)` and `check_text` try the arrays and then the element-wise
    builder on one parse: a 10 MB file of constraint statements costs about 8 CPU-s per MB
    to parse, so a second parse would double a failed array attempt's cost."""
    import symopt.dsl as dsl
    from symopt.dsl import check_text, parser
    calls = []
    real = parser.parse
    monkeypatch.setattr(parser, "parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(dsl, "ARRAY_CHECK_SIZE", 0)
    text = "var x = 1\nvar y = 2\nminimize f: (x - 1)^2 + x*y\nsubject to\n  c: x + y >= 1\n"
    path = tmp_path / "nonlinear.opt"
    path.write_text(text)
    assert dsl.read(path, as_arrays=True).model is not None and len(calls) == 1
    assert check_text(text, "nonlinear.opt") == [] and len(calls) == 2
    linear = tmp_path / "linear.opt"
    linear.write_text("var x >= 1\nminimize cost: 2*x\n")
    assert dsl.read(linear, as_arrays=True).lp.num_cols == 1 and len(calls) == 3
