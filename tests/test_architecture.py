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


# --- stage order ------------------------------------------------------------------------------
#: the pipeline's stages, earliest first; a module may import its own stage or an earlier one.
#: `optimize` and `model` share a rank and never import each other (tested above).
STAGES = (
    ("errors", "status", "limits"),
    ("optimize", "model"),
    ("analysis",),
    ("compile",),
    ("routing",),
    ("solution",),
    ("dispatch", "options"),
    ("report", "io"),
    ("multistart",),
    ("pipeline", "symbolic", "derivative_check"),
    ("dsl",),
    ("sweep",),
    ("cli", "__init__"),
)
RANK = {stage: rank for rank, names in enumerate(STAGES) for stage in names}
#: conveniences that reach a later stage on purpose, each through one plain import inside the
#: method that needs it: ``Model.solve`` / ``explain`` / ``report`` run the pipeline,
#: ``Solution.report`` renders through the report stage
CONVENIENCES = {
    ("model/model.py", "symopt.pipeline"),
    ("solution/types.py", "symopt.report"),
}
#: the registries that load their entries on first use (dict literals of module names)
REGISTRIES = {"__init__.py": "_LAZY", "optimize/__init__.py": "_EXPORTS"}


def stage_of(module: str) -> str:
    """``symopt.report.lp`` -> ``report``; ``symopt`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def symopt_imports(path: Path) -> set[str]:
    """Every symopt module ``path`` imports, at module level or inside a function, with
    ``from symopt import x`` read as ``symopt.x`` and registry entries counted as imports."""
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "symopt":
                names.update(f"symopt.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    registry = REGISTRIES.get(str(path.relative_to(PACKAGE)))
    for node in ast.walk(tree):
        if (registry and isinstance(node, ast.Assign)
                and any(getattr(t, "id", None) == registry for t in node.targets)):
            names.update(ast.literal_eval(node.value).values())
    return {n for n in names if n == "symopt" or n.startswith("symopt.")}


def stage_of_path(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_stage_imports_a_later_one(path: Path):
    stage = stage_of_path(path)
    assert stage in RANK, f"{stage} is not in STAGES: give the new stage its place"
    relative = str(path.relative_to(PACKAGE))
    for name in symopt_imports(path):
        if (relative, name) in CONVENIENCES or stage_of(name) == "__version__":
            continue
        target = stage_of(name)
        assert target in RANK, f"{relative} imports {name}, whose stage is not in STAGES"
        assert RANK[target] <= RANK[stage], \
            f"{relative} ({stage}) imports {name} ({target}), a later stage"


def test_conveniences_are_still_needed():
    for relative, name in CONVENIENCES:
        assert name in symopt_imports(PACKAGE / relative), (relative, name)


def test_no_importlib_of_symopt_modules_and_no_scipy_optimize():
    """Imports the test above can see: importlib only for third-party modules (or inside the
    registries it reads); scipy.optimize is an oracle of the tests, never used at run time."""
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                    "import_module", "find_spec"):
                argument = node.args[0] if node.args else None
                literal = isinstance(argument, ast.Constant)
                assert not (literal and str(argument.value).startswith("symopt")), \
                    f"{path.relative_to(PACKAGE)}:{node.lineno} imports a symopt module by name"
        for name in imports_of(path):
            assert not name.startswith("scipy.optimize"), f"{path} imports {name}"
        assert "scipy.optimize" not in {f"{n.module}.{a.name}" for n in ast.walk(tree)
                                        if isinstance(n, ast.ImportFrom) and n.module == "scipy"
                                        for a in n.names}, path
