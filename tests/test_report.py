"""symopt.report: formats, dispatch, writing by suffix, JSON schema, plots and their absence."""
from __future__ import annotations

import functools
import json
import re

import numpy as np
import pytest

from report_oracle import (
    map_back,
    diet_lp, exponential_fit_solution, infeasible_lp, knapsack_milp, production_lp,
    rosenbrock_solution, scipy_solve_lp, unbounded_lp,
)
from symopt.errors import InputError, SymoptError
from symopt.report import build_document, plots, render, write
from symopt.report.document import Plot, format_number
from symopt.report.json_format import load_schema
from symopt.solution.types import Solution, VariableResult

FORMATS = ["text", "md", "html", "json"]


def lp_solution(make=production_lp):
    lp = make()
    return map_back(lp, scipy_solve_lp(lp), scipy_solve_lp)


SOLUTIONS = {key: functools.cache(make) for key, make in {
    "lp": lambda: lp_solution(production_lp),
    "diet": lambda: lp_solution(diet_lp),
    "milp": lambda: lp_solution(knapsack_milp),
    "infeasible": lambda: lp_solution(infeasible_lp),
    "unbounded": lambda: lp_solution(unbounded_lp),
    "fit": exponential_fit_solution,
    "fit-sigma": lambda: exponential_fit_solution(sigma=True),
    "nlp": rosenbrock_solution,
}.items()}


# --- a validator for the subset of JSON Schema that schema.json uses -----------------------

def type_ok(value, name: str) -> bool:
    checks = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
              "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
              "null": lambda v: v is None,
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}
    return checks[name](value)


def validate(value, schema: dict, root: dict, path: str = "$") -> list[str]:
    """Errors of ``value`` against ``schema`` (type, enum, const, properties, required,
    additionalProperties, items, anyOf, $ref)."""
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return validate(value, target, root, path)
    errors: list[str] = []
    if "anyOf" in schema and all(validate(value, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: {value!r} matches none of anyOf")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(type_ok(value, n) for n in names):
            return errors + [f"{path}: {value!r} is not of type {names}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != {schema['const']!r}")
    if isinstance(value, dict) and schema.get("type") == "object":
        props = schema.get("properties", {})
        errors += [f"{path}: missing {k!r}" for k in schema.get("required", []) if k not in value]
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors += validate(item, props[key], root, f"{path}.{key}")
            elif extra is False:
                errors.append(f"{path}: unexpected property {key!r}")
            elif isinstance(extra, dict):
                errors += validate(item, extra, root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for k, item in enumerate(value):
            errors += validate(item, schema["items"], root, f"{path}[{k}]")
    return errors


def test_the_validator_can_fail():
    schema = load_schema()
    data = json.loads(render(SOLUTIONS["lp"](), "json"))
    data["variables"][0]["value"] = "lots"
    data["status"]["code"] = "fine"
    del data["objective"]
    errors = validate(data, schema, schema)
    assert any("value" in e for e in errors) and any("fine" in e for e in errors)
    assert any("missing 'objective'" in e for e in errors)


@pytest.mark.parametrize("kind", sorted(SOLUTIONS))
def test_json_report_follows_the_schema(kind):
    schema = load_schema()
    data = json.loads(render(SOLUTIONS[kind](), "json"))
    assert validate(data, schema, schema) == []
    assert data["schema_version"] == schema["properties"]["schema_version"]["const"]


def test_json_values_round_trip():
    solution = SOLUTIONS["lp"]()
    data = json.loads(render(solution, "json"))
    assert data["kind"] == "lp" and data["objective"] == pytest.approx(36.0)
    doors = next(v for v in data["variables"] if v["name"] == "make[doors]")
    assert doors["index"] == ["doors"] and doors["upper"] == "inf"
    assert doors["cost_range"]["upper"] == pytest.approx(7.5)
    plant2 = next(c for c in data["constraints"] if c["name"] == "hours[plant2]")
    assert plant2["dual"] == pytest.approx(1.5) and plant2["binding"] is True


def test_schema_doc_matches_the_shipped_schema():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[1] / "docs" / "report-schema.md").read_text()
    schema = load_schema()
    for key in schema["properties"]:
        assert f"`{key}`" in doc, f"docs/report-schema.md does not describe {key!r}"
    assert schema["properties"]["schema_version"]["const"] in doc


# --- the other formats -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(SOLUTIONS))
@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_kind_renders_in_every_format(kind, fmt, monkeypatch):
    monkeypatch.setattr(plots, "matplotlib_available", lambda: False)  # plots: tested below
    text = render(SOLUTIONS[kind](), fmt)
    assert "Status" in text
    assert "1e+30" not in text and "1e+20" not in text


def test_text_report_is_aligned_and_prints_inf():
    text = render(SOLUTIONS["lp"](), "text")
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("name ") and "reduced cost" in line)
    rule = lines[header + 1]
    assert set(rule.replace(" ", "")) == {"-"}
    doors = next(line for line in lines if line.startswith("make[doors]"))
    assert " inf" in doors and len(doors) <= len(rule)
    assert "[make]" in lines and "[hours]" in lines  # grouped by indexed component


def test_markdown_tables_have_a_cell_per_column():
    text = render(SOLUTIONS["diet"](), "md")
    table = [line for line in text.splitlines() if line.startswith("| buy[")]
    assert len(table) >= 4
    header = next(line for line in text.splitlines() if line.startswith("| name | value"))
    assert all(line.count(" | ") == header.count(" | ") for line in table[:4])


def test_html_is_self_contained():
    page = render(SOLUTIONS["fit"](), "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert 'id="parameters"' in page and 'id="residuals"' in page
    if plots.matplotlib_available():
        assert 'src="data:image/png;base64,' in page


def test_plots_are_explained_when_matplotlib_is_missing(monkeypatch):
    monkeypatch.setattr(plots, "matplotlib_available", lambda: False)
    for kind in ("lp", "fit", "nlp"):
        page = render(SOLUTIONS[kind](), "html")
        assert "pip install 'symopt[plot]'" in page.replace("&#x27;", "'")
        assert "data:image/png" not in page
        assert 'id="variables"' in page or 'id="parameters"' in page


@pytest.mark.skipif(not plots.matplotlib_available(), reason="matplotlib not installed")
def test_each_kind_gets_its_plot():
    for kind, title in (("lp", "Feasible region"), ("fit", "Fit and residuals"),
                        ("nlp", "Convergence history")):
        document = build_document(SOLUTIONS[kind]())
        pictures = [b for s in document.sections for b in s.blocks if isinstance(b, Plot)]
        assert [p.title for p in pictures] == [title]
        assert pictures[0].png.startswith(b"\x89PNG")


def test_nlp_report_shows_convergence_multipliers_and_active_bounds():
    solution = rosenbrock_solution()
    text = render(solution, "text")
    for word in ("final gradient norm", "max constraint violation", "Lagrange multiplier",
                 "active bound", "nfev", "slsqp"):
        assert word in text
    assert re.search(r"x\[1\]\s+0\.78", text) or "at upper" in text or "disk" in text


def test_active_bounds_are_named():
    s = Solution("b", "bound-constrained NLP", "optimal", True, "ok", "symopt", "l-bfgs-b",
                 variables=[VariableResult("x", "x", value=0.8, upper=0.8),
                            VariableResult("y", "y", value=0.1, lower=0.0)])
    table = build_document(s, plots=False).tables()[0]
    assert [row[-1] for row in table.rows] == ["at upper", ""]


# --- dispatch, writing and errors --------------------------------------------------------------

@pytest.mark.parametrize("suffix,marker", [(".txt", "====="), (".md", "# "), (".html", "<!DOCTYPE"),
                                           (".json", '"schema"')])
def test_write_takes_the_format_from_the_suffix(tmp_path, suffix, marker):
    path = write(SOLUTIONS["lp"](), tmp_path / f"report{suffix}")
    assert marker in path.read_text()


def test_unknown_format_and_suffix_are_input_errors(tmp_path):
    with pytest.raises(InputError, match=r"report format 'pdf' is not known; expected one of"):
        render(SOLUTIONS["lp"](), "pdf")
    with pytest.raises(SymoptError, match=r"cannot tell the report format of .*'\.docx'"):
        write(SOLUTIONS["lp"](), tmp_path / "r.docx")


def test_solution_report_method_renders():
    assert SOLUTIONS["lp"]().report("md").startswith("# LP report: wyndor")


@pytest.mark.parametrize("value,text", [(1e30, "inf"), (-1e30, "-inf"), (np.inf, "inf"),
                                        (float("nan"), "nan"), (-0.0, "0"), (None, ""),
                                        (12345678.9, "1.23457e+07"), (True, "yes"), (3, "3")])
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.skipif(not plots.matplotlib_available(), reason="matplotlib not installed")
def test_written_markdown_keeps_its_plots_in_files_beside_it(tmp_path):
    path = write(SOLUTIONS["fit"](), tmp_path / "fit.md")
    text = path.read_text()
    assert "![data points, fitted curve and residuals](fit-1.png)" in text
    assert "data:image" not in text
    assert (tmp_path / "fit-1.png").read_bytes().startswith(b"\x89PNG")


def test_the_example_writes_all_four_formats_of_each_report(tmp_path, monkeypatch):
    import importlib.util
    from pathlib import Path
    monkeypatch.setattr(plots, "matplotlib_available", lambda: False)  # speed: no plots
    script = Path(__file__).resolve().parents[1] / "examples" / "write_reports.py"
    spec = importlib.util.spec_from_file_location("write_reports", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(tmp_path)]) == 0
    for kind in ("lp", "production", "infeasible", "fit", "nlp"):
        for suffix in (".txt", ".md", ".html", ".json"):
            assert (tmp_path / f"{kind}{suffix}").stat().st_size > 200, kind + suffix
    assert json.loads((tmp_path / "infeasible.json").read_text())["infeasibility"]["constraints"]


@pytest.mark.parametrize("example", ["transport", "decay_weighted", "constrained", "knapsack",
                                     "circle"])
def test_reports_of_example_models_follow_the_schema(example):
    from pathlib import Path
    dsl = pytest.importorskip("symopt.dsl")
    solving = pytest.importorskip("symopt.dsl.solving")
    path = Path(__file__).resolve().parents[1] / "examples" / f"{example}.opt"
    solution = solving.solve_loaded(dsl.read(path))
    schema = load_schema()
    assert validate(json.loads(render(solution, "json")), schema, schema) == []
    assert "1e+30" not in render(solution, "text")
