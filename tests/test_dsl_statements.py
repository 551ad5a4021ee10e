"""Large `.opt` text parsed statement by statement (`symopt.dsl.statements`) reads exactly as
lark's parse of the whole text: the same tree (tokens, types, every line, column and
offset), the same model, and the same errors at the same places. Plain constraints read
straight into array rows (`symopt.dsl.vectorize.plain`) give the same LP as their trees.
Each case is read twice: statement by statement, and whole by lark
(``STATEMENT_PARSE_SIZE`` beyond the text's length)."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from lark import Token, Tree

import symopt.dsl as dsl
from symopt.analysis import analyze
from symopt.compile.linear import extract_linear
from symopt.dsl import check_text, loads, parser
from symopt.dsl.statements import Constraints, Plain, parse_by_statement
from symopt.dsl.vectorize import loads_arrays
from symopt.io import format_lp

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.opt"))
_META = ("empty", "line", "column", "start_pos", "container_line", "container_column",
         "container_start_pos", "end_line", "end_column", "end_pos", "container_end_line",
         "container_end_column", "container_end_pos")
_TOKEN = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")


def differences(a, b, path: str = "") -> str | None:
    """Where two lark trees differ (data, children, every token field and position)."""
    if isinstance(a, Token) or isinstance(b, Token):
        if not (isinstance(a, Token) and isinstance(b, Token)):
            return f"{path}: a token and a tree"
        wrong = [f for f in _TOKEN if getattr(a, f) != getattr(b, f)]
        return f"{path}: token {wrong} {a!r} {b!r}" if wrong else None
    meta_a = {k: getattr(a.meta, k) for k in _META if hasattr(a.meta, k)}
    meta_b = {k: getattr(b.meta, k) for k in _META if hasattr(b.meta, k)}
    if a.data != b.data or meta_a != meta_b or len(a.children) != len(b.children):
        return f"{path}/{a.data}: {b.data} {meta_a} {meta_b} {len(a.children)} {len(b.children)}"
    for index, (x, y) in enumerate(zip(a.children, b.children)):
        found = differences(x, y, f"{path}/{a.data}[{index}]")
        if found:
            return found
    return None


def lark_tree(text: str) -> Tree:
    return parser.get_parser().parse(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_parses_to_lark_s_own_tree(path):
    text = path.read_text()
    tree = parse_by_statement(text)
    assert tree is not None
    assert differences(lark_tree(text), tree) is None


_SPACES = [" ", "", "  ", "\n  ", " # note\n ", "\t"]


def _plain_side(rng: random.Random, names: list[str]) -> str:
    """``[-] term (+|- term)*`` over distinct names (so that nothing cancels)."""
    terms = []
    for name in rng.sample(names, rng.randint(1, 4)):
        number = rng.choice(["2", "0.5", "3e1", ".25", "7", "1.5E-2", "12"])
        if rng.random() < 0.5:
            terms.append(f"{number}{rng.choice(_SPACES)}*{rng.choice(_SPACES)}{name}")
        else:
            terms.append(name)
        if rng.random() < 0.2:
            terms.append(rng.choice(["0", "3", "0.1"]))
    text = ("-" + rng.choice(_SPACES) if rng.random() < 0.3 else "") + terms[0]
    for term in terms[1:]:
        text += f"{rng.choice(_SPACES)}{rng.choice('+-')}{rng.choice(_SPACES)}{term}"
    return text


def _other_constraint(rng: random.Random, name: str) -> str:
    return rng.choice([
        f"{name}: x1*2 + x2 >= 1",
        f"{name}: 2*3*x1 - x4 <= 40",
        f"{name}[i in I]: y[i] + x3 >= p[i]",
        f"{name}[i in I: p[i] > 1]: sum(j in I) y[j] >= p[i] - 3",
        f"{name}: 1 <= x1 + x2 <= 9",
        f"{name}: x1 + y[\"b\"] <= 5",
        f"{name}: x5 + q * x6 >= q",
        f"{name}: (x1 + x2) / 2 >= -1",
        f"{name}: x7 + sumx + in2 >= -3",
    ])


def random_model(rng: random.Random, constraints: int) -> str:
    """A linear model of scalar and indexed variables, mostly plain constraints with other
    forms, comments and odd spacing mixed in."""
    variables = [f"x{j}" for j in range(8)] + ["sumx", "in2"]
    lines = ["set I = {a, b, c}", "param p[I] = {a: 1, b: 2.5, c: -3}", "param q = 2",
             "var " + ", ".join(f"{v} >= -10 <= 50" for v in variables),
             "var y[I] >= 0 <= 9",
             "minimize cost: " + " + ".join(f"{j + 1}*{v}" for j, v in enumerate(variables))
             + " + sum(i in I) y[i]",
             "subject to"]
    for index in range(constraints):
        name = f"c{index}"
        if rng.random() < 0.8:
            rel = rng.choice(["<=", ">=", "=", "=="])
            rhs = rng.choice(["4", "-4", "- 2.5", "0", "3e2", "in2 + 1"])
            left = _plain_side(rng, variables[:-1])
            lines.append(f"  {name}{rng.choice(_SPACES)}:{rng.choice(_SPACES)}{left} "
                         f"{rel}{rng.choice(_SPACES)}{rhs}")
        else:
            lines.append("  " + _other_constraint(rng, name))
        if rng.random() < 0.05 and index < constraints - 1:
            lines.append(rng.choice(["# a comment line", "", "subject to"]))
    lines.append("options solver = highs")
    return "\n".join(lines) + "\n"


def read_both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """(statement by statement, whole by lark): the LP text of the model, or its errors."""
    outcomes = []
    for size in (0, len(text) + 1):
        monkeypatch.setattr(parser, "STATEMENT_PARSE_SIZE", size)
        errors = check_text(text, "m.opt")
        outcomes.append([(e.message, e.location.line, e.location.column) for e in errors]
                        if errors else format_lp(extract_linear(analyze(loads(text, "m.opt").model))))
    return tuple(outcomes)


def arrays_both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """The array builder's LP from the statement parse (plain rows) and from lark's tree."""
    monkeypatch.setattr(parser, "STATEMENT_PARSE_SIZE", 0)
    fast = loads_arrays(text, "m.opt")
    slow = loads_arrays(text, "m.opt", tree=lark_tree(text))
    return fast, slow


def assert_same_lp(fast, slow) -> None:
    assert fast is not None and slow is not None
    for field in ("c", "col_lower", "col_upper", "row_lower", "row_upper"):
        assert np.array_equal(getattr(fast.lp, field), getattr(slow.lp, field)), field
    assert (fast.lp.A != slow.lp.A).nnz == 0
    assert list(fast.lp.row_names) == list(slow.lp.row_names)
    assert list(fast.lp.col_names) == list(slow.lp.col_names)


@pytest.mark.parametrize("seed", [*range(6), *(pytest.param(s, marks=pytest.mark.slow)
                                               for s in range(6, 60))])
def test_random_models_read_the_same_both_ways(seed, monkeypatch):
    text = random_model(random.Random(seed), 60)
    tree = parse_by_statement(text)
    assert tree is not None and differences(lark_tree(text), tree) is None
    fast, slow = read_both(text, monkeypatch)
    assert isinstance(fast, str) and fast == slow
    assert_same_lp(*arrays_both(text, monkeypatch))


def test_plain_constraints_are_kept_as_spans_and_read_as_rows(monkeypatch):
    text = random_model(random.Random(1), 200)
    blocks = [s for s in parse_by_statement(text).children if s.data == "constraint_block"]
    assert all(isinstance(block.children, Constraints) for block in blocks)
    assert sum(isinstance(item, Plain) for b in blocks for item in b.children.items) > 140
    fast, _ = arrays_both(text, monkeypatch)
    assert sum(name.startswith("c") for name in fast.vectorized) > 150


@pytest.mark.parametrize("inserted", [
    "c30a: x1 + >= 2",               # a syntax error
    "c30a: x1 + zz >= 2",            # an undeclared name
    "c3: x1 >= 2",                   # a name given twice
    "__c: x1 >= 2",                  # a reserved name
    "c30a: 1e400*x1 >= 2",           # beyond the float range
    "c30a: 3 >= 2",                  # no variables
    "c30a: q >= 2 + x1 - y",         # an indexed variable without its index
    "c30a: x1 >= 2 c30b x2 >= 1",    # a missing colon
    "c30a: x1 >= 2 <= 3 >= 4",       # a long chain
    'c30a: x1 >= "2',                # an open string
    "c30a: x1 >= 2 }",               # a stray brace
    "c30a: sum + x1 >= 2",           # a keyword as a name
    "c30a: x1 >= 2 ;",               # an unknown character
    "c30a: q + x1 >= p",             # an indexed param without its index
])
def test_errors_in_the_middle_of_a_large_file_are_the_same(inserted, monkeypatch):
    text = random_model(random.Random(3), 150).replace("\n  c30", f"\n  {inserted}\n  c30", 1)
    assert inserted in text
    fast, slow = read_both(text, monkeypatch)
    assert isinstance(fast, list) and fast == slow
    assert fast[0][1] == text[:text.index(inserted)].count("\n") + 1


def test_a_large_file_checks_as_arrays_with_plain_rows(monkeypatch):
    from symopt.dsl import linear_check
    text = random_model(random.Random(4), 300)
    monkeypatch.setattr(dsl, "ARRAY_CHECK_SIZE", 0)
    verdicts = []
    passes = linear_check.passes_as_arrays
    monkeypatch.setattr(linear_check, "passes_as_arrays",
                        lambda *a: verdicts.append(passes(*a)) or verdicts[-1])
    fast, slow = read_both(text, monkeypatch)
    assert isinstance(fast, str) and fast == slow and verdicts == [True, True]
    broken = text.replace("c40:", "c40: x1 + zz >= 2\n  c40b:", 1)
    fast, slow = read_both(broken, monkeypatch)
    assert fast == slow and "'zz'" in fast[0][0]


def test_a_solve_block_of_plain_equations_reads_the_same(monkeypatch):
    equations = "\n".join(f"  e{j}: x{j} - 2*x{(j + 1) % 40} = {j % 7}" for j in range(40))
    text = ("var " + ", ".join(f"x{j} = 1" for j in range(40)) + "\nsolve\n" + equations + "\n")
    text += "# " + "padding " * 3000 + "\n"
    tree = parse_by_statement(text)
    assert tree is not None and differences(lark_tree(text), tree) is None
    fast, slow = read_both(text, monkeypatch)
    assert fast == slow
