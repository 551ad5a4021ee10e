"""LaTeX of models, their derivatives and KKT conditions (symopt.model.latex, symopt.report.latex).

Golden files pin the output for stable examples (regenerate with SYMOPT_UPDATE_GOLDEN=1 after
an intended change, and read the diff); every example's document is compiled by a real LaTeX
engine when one is installed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import symopt
from symopt.cli import main
from symopt.dsl import load
from symopt.model import Constraint, Model, Objective, Var
from symopt.model.latex import escape, expr_latex, name_latex, number_latex
from symopt.report.latex import hessian_latex, jacobian_latex, kkt_latex, latex_document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).parent / "golden" / "latex"
STABLE = ["production", "transport", "constrained", "rosenbrock", "circle", "knapsack"]


@pytest.mark.parametrize("name", STABLE)
def test_examples_match_golden_files(name):
    text = latex_document(load(EXAMPLES / f"{name}.opt"))
    golden = GOLDEN / f"{name}.tex"
    if os.environ.get("SYMOPT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def _compiled_cases() -> list:
    """The golden examples by default; every example with --runslow (about 1 s each)."""
    return [EXAMPLES / f"{name}.opt" if name in STABLE else
            pytest.param(EXAMPLES / f"{name}.opt", marks=pytest.mark.slow)
            for name in sorted(p.stem for p in EXAMPLES.glob("*.opt"))]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX engine installed")
@pytest.mark.parametrize("path", _compiled_cases(), ids=lambda p: p.stem)
def test_examples_compile_with_pdflatex(path, tmp_path):
    try:
        model = load(path)
    except Exception as exc:  # a data-driven example may need its data folder: still a model
        pytest.fail(f"{path.name} does not load: {exc}")
    if getattr(model, "objectives", None) is None:
        pytest.skip(f"{path.name} is not an optimization model")
    (tmp_path / "m.tex").write_text(latex_document(model), encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "m.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "m.pdf").stat().st_size > 1000


def test_user_text_is_escaped():
    assert escape("a_b 50% {x}") == r"a\_b 50\% \{x\}"
    assert name_latex("ship", ("new york", 3)) == r"\mathit{ship}_{\text{new york},3}"
    assert name_latex("x") == "x"
    assert number_latex(1e-7) == r"1 \cdot 10^{-7}"
    assert number_latex(float("inf")) == r"\infty"


def test_expressions_print_as_mathematics():
    m = Model("e")
    m.x, m.y = Var(), Var()
    assert expr_latex(m.x / (1 + m.y)) == r"\frac{x}{y + 1}"
    assert expr_latex(-(m.x ** 2)) == "-x^{2}"
    assert expr_latex(symopt.sqrt(m.x) * 2) == r"2 \sqrt{x}"


def disk_model(sense="min"):
    m = Model("disk")
    m.x, m.y = Var(), Var()
    m.obj = Objective(expr=m.x + 2 * m.y, sense=sense)
    m.ring = Constraint(expr=m.x ** 2 + m.y ** 2 <= 5)
    return m


def test_derivatives_are_exact_and_in_user_names():
    m = disk_model()
    assert jacobian_latex(m) == r"J = \begin{pmatrix} 2 x & 2 y \end{pmatrix}"
    # L = f - lambda g: the Hessian is -2 lambda I
    assert hessian_latex(m) == (r"\nabla^2_{xx} L = \begin{pmatrix} - 2 \lambda_{\text{ring}} & 0"
                                r" \\ 0 & - 2 \lambda_{\text{ring}} \end{pmatrix}")


def test_large_models_show_sparsity_instead_of_entries():
    m = Model("chain")
    m.x = Var(range(20))
    m.obj = Objective(expr=sum((m.x[i + 1] - m.x[i]) ** 2 for i in range(19)))
    text = hessian_latex(m)
    assert text.startswith(r"\nabla^2 L:\ 20 \times 20,\ 58 \text{ nonzeros}")
    assert r"\begin{smallmatrix}" in text


def test_kkt_signs_follow_the_sense():
    assert r"\lambda_{\text{ring}} \le 0 \text{ if } x^{2} + y^{2} = 5" in kkt_latex(disk_model())
    assert r"\lambda_{\text{ring}} \ge 0 \text{ if } x^{2} + y^{2} = 5" in kkt_latex(
        disk_model("max"))


def test_model_repr_latex_is_a_display():
    assert disk_model()._repr_latex_().startswith(r"$$\begin{align*}")


def test_cli_exports_tex(tmp_path, capsys):
    out = tmp_path / "c.tex"
    assert main(["export", str(EXAMPLES / "constrained.opt"), "--to", "tex", "-o", str(out)]) == 0
    assert r"\section*{First-order optimality (KKT) conditions}" in out.read_text()


def test_cli_tex_of_an_mps_file_is_a_clear_error(tmp_path, capsys):
    mps = tmp_path / "a.mps"
    assert main(["export", str(EXAMPLES / "production.opt"), "--to", "mps", "-o", str(mps)]) == 0
    code = main(["export", str(mps), "--to", "tex"])
    assert code != 0
    assert "needs a model file (.opt)" in capsys.readouterr().err


def test_reports_carry_a_latex_section_when_asked():
    import json

    from symopt.report import render
    from symopt.report.json_format import load_schema
    from tests.test_report import validate
    solution = symopt.solve(disk_model())
    assert "LaTeX" not in render(solution, "text")
    text = render(solution, "text", latex=True)
    assert r"\nabla^2_{xx} L" in text and r"\lambda_{\text{ring}}" in text
    assert r"\begin{align*}" in render(solution, "md", latex=True)
    data = json.loads(render(solution, "json", latex=True))
    assert data["latex"].startswith(r"\begin{align*}")
    schema = load_schema()
    assert validate(data, schema, schema) == []
    assert solution._repr_html_().lstrip().lower().startswith("<!doctype html")


def test_cli_report_latex(capsys):
    assert main(["report", str(EXAMPLES / "production.opt"), "--latex"]) == 0
    assert r"\mathit{make}_{\text{chairs}}" in capsys.readouterr().out
