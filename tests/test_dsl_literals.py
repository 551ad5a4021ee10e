"""Large data literals scanned without lark (`symopt.dsl.literals`) read exactly as lark reads
them: the same models, the same errors at the same places. Each case is read twice, once
with the scan and once with it switched off (``MIN_LENGTH`` beyond the file's length)."""
from __future__ import annotations

import pytest

from symopt.analysis import analyze
from symopt.compile.linear import extract_linear
from symopt.dsl import check_text, literals, loads
from symopt.dsl.parser import parse
from symopt.io import format_lp

N = 150          # members: every literal below is longer than SCANNED
SCANNED = 400    # literals.MIN_LENGTH in these tests, to keep them small


@pytest.fixture(autouse=True)
def small_literals_are_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(literals, "MIN_LENGTH", SCANNED)


def transport(n: int = N) -> str:
    """A transport LP over ``n`` customers whose data is three large literals."""
    members = ", ".join(f"c{i}" for i in range(n))
    demand = ",\n  ".join(f"c{i}: {(-1) ** i * (i % 17) / 4:g}" for i in range(n))
    cost_entries = ",\n  ".join(f'(p{k % 2}, c{k // 2}): {1 + k % 13}' for k in range(2 * n))
    return (f"set C = {{{members}}}\nset P = {{p0, p1}}\n"
            f"param demand[C] = {{\n  {demand}\n}}\n"
            f"param cost[P, C] = {{\n  {cost_entries}\n}}\n"
            "var ship[P, C] >= 0\n"
            "minimize total: sum(p in P, c in C) cost[p, c] * ship[p, c]\n"
            "subject to\n  meet[c in C]: sum(p in P) ship[p, c] >= demand[c]\n")


def read_both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """(with the scan, without it): the LP text of the model, or the errors."""
    outcomes = []
    for minimum in (SCANNED, len(text) + 1):
        monkeypatch.setattr(literals, "MIN_LENGTH", minimum)
        errors = check_text(text, "m.opt")
        outcomes.append([(e.message, e.location.line, e.location.column) for e in errors]
                        if errors else format_lp(extract_linear(analyze(loads(text, "m.opt").model))))
    return tuple(outcomes)


def test_a_large_table_is_scanned_and_gives_the_same_model(monkeypatch):
    text = transport()
    blanked, found = literals.blank_literals(text)
    assert [literal.kind for literal in found] == ["set_literal", "table", "table"]
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert found[2].keys[:2] == [("p0", "c0"), ("p1", "c0")] and found[1].values[1] == -0.25
    fast, slow = read_both(text, monkeypatch)
    assert isinstance(fast, str) and fast == slow


@pytest.mark.parametrize("change", [
    lambda t: t.replace("c7: ", "c7 : # the seventh\n ", 1),         # comments and new lines
    lambda t: t.replace("(p1, c3): 8", '(p1, c3): - 4.5e0', 1),         # a spaced minus
    lambda t: t.replace("set C = {c0,", 'set C = {"c0",', 1),          # quoted members
])
def test_spacing_comments_strings_and_signs_read_the_same(change, monkeypatch):
    fast, slow = read_both(change(transport()), monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("change, words", [
    (lambda t: t.replace("(p1, c3): 8", "(p1, c2): 4", 1), "gives key [p1,c2] twice"),
    (lambda t: t.replace("(p1, c3): 8", "(p1, cx): 4", 1), "key [p1,cx], which is not in"),
    (lambda t: t.replace("(p1, c3): 8", "(p1, c3): 1e400", 1), "1e400 is infinite"),
    (lambda t: t.replace("(p1, c3): 8", "(p1, c3): 8 4", 1), "4"),          # a syntax error
    (lambda t: t.replace("(p1, c3): 8", "(p1, c3): 2*x", 1), "undefined name 'x'"),
    (lambda t: t.replace("(p1, c3): 8", "(p1, sum): 4", 1), ""),           # a keyword as key
    (lambda t: t.replace("c2: ", "c2: : ", 1), ""),
])
def test_errors_in_large_literals_are_lark_s_at_the_same_place(change, words, monkeypatch):
    fast, slow = read_both(change(transport()), monkeypatch)
    assert fast == slow
    assert isinstance(fast, list) and words in fast[0][0]


def test_a_duplicate_key_is_located_at_its_own_entry(monkeypatch):
    text = transport().replace("(p1, c3): 8", "(p1, c2): 4", 1)
    (message, line, column), = read_both(text, monkeypatch)[0]
    assert text.splitlines()[line - 1][column - 1:].startswith("(p1, c2): 4")


def test_a_brace_in_a_comment_or_string_is_left_to_lark(monkeypatch):
    entries = ", ".join(f"k{i}: {i}" for i in range(N))
    text = (f"# param q = {{\n{entries}}}\nset S = {{a, b}}\n"
            f'var x\nminimize f: (x - 1)^2\noptions method = "{{{entries}}}"\n')
    fast, slow = read_both(text, monkeypatch)
    assert fast == slow
    assert not literals.attach(parse("var x\nminimize f: x^2"),
                               [literals.Literal("table", 3)])


@pytest.mark.parametrize("tail, passes", [
    ("", True),
    ("options method = simplex\n", True),
    ("options colour = 3\n", False),                       # an unknown option
    ("options maxiter = -1\n", False),                     # a count below 0
    ("  extra: ship[p0, c1] * ship[p1, c1] <= 4\n", False),  # not linear
    ("  cap: sum(c in C) ship[p0, c] <= 1e400\n", False),    # a number beyond range
])
def test_large_linear_models_check_as_arrays_with_the_same_verdict(tail, passes, monkeypatch):
    import symopt.dsl as dsl
    from symopt.dsl.linear_check import passes_as_arrays
    text = transport() + tail
    assert passes_as_arrays(text, "m.opt") is passes
    monkeypatch.setattr(dsl, "ARRAY_CHECK_SIZE", len(text) + 1)
    element_wise = check_text(text, "m.opt")
    monkeypatch.setattr(dsl, "ARRAY_CHECK_SIZE", 0)
    assert [str(e) for e in check_text(text, "m.opt")] == [str(e) for e in element_wise]
    assert (not element_wise) is passes or "extra" in tail


def mutated(text: str, rng) -> str:
    """``text`` with one to three characters or snippets deleted or inserted."""
    snippets = list('{}(),:-+#"\n a1.e5x_') + ["sum", "in", "1e400", "(p0, c1)", "1..3", "2*"]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(text))
        if rng.random() < 0.4:
            text = text[:i] + text[i + rng.randint(1, 3):]
        else:
            text = text[:i] + rng.choice(snippets) + text[i:]
    return text


@pytest.mark.parametrize("seed", [*range(8), *(pytest.param(s, marks=pytest.mark.slow)
                                                for s in range(8, 300))])
def test_mutated_literals_read_the_same_with_and_without_the_scan(seed, monkeypatch):
    import random
    text = mutated(transport(60), random.Random(seed))
    fast, slow = read_both(text, monkeypatch)
    assert fast == slow
