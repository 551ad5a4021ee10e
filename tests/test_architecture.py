"""The layering of ../shared/ARCHITECTURE.md, checked by walking the package with ast."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symopt"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py")) if folder else [PACKAGE / "errors.py"]


def test_errors_imports_nothing_of_symopt():
    assert not [n for n in imports_of(PACKAGE / "errors.py") if n.startswith("symopt")]


@pytest.mark.parametrize("path", modules_under("optimize"), ids=lambda p: p.name)
def test_optimize_knows_no_model_and_no_sympy(path: Path):
    allowed = ("symopt.optimize", "symopt.errors")
    for name in imports_of(path):
        assert not name.startswith(("sympy", "lark", "symengine")), f"{path.name} imports {name}"
        if name.startswith("symopt"):
            assert name.startswith(allowed), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", modules_under("model"), ids=lambda p: p.name)
def test_model_never_imports_solvers(path: Path):
    for name in imports_of(path):
        assert not name.startswith(("symopt.optimize", "symopt.compile", "symopt.solve",
                                    "symopt.report", "symopt.dsl", "symopt.cli")), \
            f"{path.name} imports {name}"


def test_lark_only_in_dsl():
    for path in PACKAGE.rglob("*.py"):
        if "dsl" in path.parts:
            continue
        assert not [n for n in imports_of(path) if n.startswith("lark")], path


def test_no_eval_or_exec_of_user_text():
    """Generated code is compiled in one reviewed place only (compile/codegen)."""
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        calls = {n.func.id for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "eval" not in calls, path
        if "exec" in calls:
            assert path.parent.name == "compile", f"exec outside symopt/compile: {path}"
