"""The `symopt` command: subcommands, output, exit codes, file formats."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from symopt.cli import EXIT_CODES, main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PRODUCTION = str(EXAMPLES / "production.opt")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text)
    return str(path)


def test_version(capsys):
    from symopt import __version__
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"symopt {__version__}"


@pytest.mark.parametrize("command", [[], ["solve"], ["check"], ["report"], ["export"]])
def test_help_of_every_command_lists_the_exit_codes(capsys, command):
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert "exit codes:" in out and EXIT_CODES[4] in out


def test_solve_prints_status_objective_and_values(capsys):
    code, out, err = run(capsys, "solve", PRODUCTION)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("production.opt: optimal (LP")
    assert "total_profit = 2200" in lines
    assert any(line.split() == ["make[chairs]", "=", "24"] for line in lines)
    assert err == ""


def test_solve_json(capsys):
    code, out, _ = run(capsys, "solve", PRODUCTION, "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "optimal"
    assert data["objective"] == pytest.approx(2200)
    assert data["variables"] == pytest.approx({"make[chairs]": 24, "make[tables]": 14})
    assert data["constraints"]["wood_limit"]["body"] == pytest.approx(400)


def test_solver_and_method_flags(capsys):
    rosenbrock = str(EXAMPLES / "rosenbrock.opt")
    code, out, _ = run(capsys, "solve", rosenbrock, "--json", "--method", "bfgs",
                       "--time-limit", "30")
    data = json.loads(out)
    assert code == 0 and data["method"] == "bfgs"
    assert data["variables"] == pytest.approx({"x": 1, "y": 1}, abs=1e-4)


def test_options_line_of_the_file_is_used_and_flags_override_it(capsys, tmp_path):
    text = "options method = l-bfgs-b, maxiter = 500\n" + (EXAMPLES / "rosenbrock.opt").read_text()
    path = write(tmp_path, "r.opt", text)
    assert json.loads(run(capsys, "solve", path, "--json")[1])["method"] == "l-bfgs-b"
    data = json.loads(run(capsys, "solve", path, "--json", "--method", "bfgs")[1])
    assert data["method"] == "bfgs"


def test_exit_codes_for_infeasible_unbounded_and_model_errors(capsys, tmp_path):
    infeasible = write(tmp_path, "inf.opt", "var x >= 0\nminimize f: x\nsubject to c: x <= -1")
    unbounded = write(tmp_path, "unb.opt", "var x >= 0\nmaximize f: x")
    broken = write(tmp_path, "bad.opt", "var x\nminimize f: x +")
    assert run(capsys, "solve", infeasible)[0] == 4
    assert run(capsys, "solve", unbounded)[0] == 5
    code, out, err = run(capsys, "solve", broken)
    assert code == 3 and out == ""
    assert err.startswith(f"{broken}:2:")
    assert run(capsys, "solve", str(tmp_path / "missing.opt"))[0] == 3


def test_exit_code_for_a_solver_failure(capsys):
    code, out, _ = run(capsys, "solve", str(EXAMPLES / "rosenbrock.opt"), "--method", "bfgs",
                       "--option", "maxiter=2")
    assert code == 6
    assert "iteration_limit" in out.splitlines()[0]


def test_bad_option_syntax_is_a_usage_error(capsys):
    code, _, err = run(capsys, "solve", PRODUCTION, "--option", "tol")
    assert code == 3 and "KEY=VALUE" in err


def test_check_lists_every_error(capsys, tmp_path):
    path = write(tmp_path, "two.opt", "set S = {a}\nvar x[S]\nminimize f: y + 1\n"
                 "subject to c: x[b] <= 1")
    code, out, err = run(capsys, "check", path)
    assert code == 3
    assert f"{path}:3:13: undefined name 'y'" in err
    assert f"{path}:4:15: index [b] of 'x' is not in its index set S" in err
    assert err.rstrip().endswith("2 error(s)")


def test_check_of_a_good_file(capsys):
    code, out, _ = run(capsys, "check", PRODUCTION)
    assert code == 0 and "no errors" in out


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_report_formats(capsys, tmp_path, fmt):
    out_file = tmp_path / f"report.{ {'text': 'txt'}.get(fmt, fmt) }"
    code, _, err = run(capsys, "report", PRODUCTION, "--format", fmt, "-o", str(out_file))
    assert code == 0, err
    text = out_file.read_text()
    assert "make" in text
    if fmt == "json":
        assert json.loads(text)
    if fmt == "html":
        assert "<html" in text.lower()


def test_report_to_stdout(capsys):
    code, out, _ = run(capsys, "report", PRODUCTION)
    assert code == 0 and "2200" in out


@pytest.mark.parametrize("target", ["lp", "mps", "opt"])
def test_export_and_solve_the_exported_file(capsys, tmp_path, target):
    out_file = tmp_path / f"production.{target}"
    code, _, err = run(capsys, "export", PRODUCTION, "--to", target, "-o", str(out_file))
    assert code == 0, err
    code, out, err = run(capsys, "solve", str(out_file), "--json")
    assert code == 0, err
    assert json.loads(out)["objective"] == pytest.approx(2200)


def test_export_to_stdout_and_nonlinear_refused(capsys):
    code, out, _ = run(capsys, "export", PRODUCTION, "--to", "opt")
    assert code == 0 and "maximize total_profit:" in out
    code, _, err = run(capsys, "export", str(EXAMPLES / "rosenbrock.opt"), "--to", "lp")
    assert code == 3 and "not linear" in err


def test_the_installed_command_runs_quietly_when_piped():
    result = subprocess.run([sys.executable, "-m", "symopt.cli", "solve", PRODUCTION],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "total_profit = 2200" in result.stdout
    assert result.stderr == ""


def test_progress_timer_shows_on_a_terminal_only(monkeypatch):
    import io
    import time
    from symopt.cli import _Progress
    for enabled, shown in ((True, True), (False, False)):
        stream = io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        with _Progress(enabled=enabled) as line:
            line.update({"fun": 4.0, "mip_dual_bound": 3.7, "mip_gap": 0.075,
                         "mip_node_count": 12})
            time.sleep(1.3)
        assert ("solving" in stream.getvalue()) is shown
        assert ("incumbent 4, bound 3.7, gap 7.50%, nodes 12" in stream.getvalue()) is shown


def test_progress_line_shows_an_interior_point_solves_iterations(monkeypatch):
    """An interior-point solve over a second feeds the CLI's progress line (the MILP's
    mechanism): iteration, objective and violation. The clock is made to run fast."""
    import io
    import itertools
    import types
    import symopt
    from symopt import dsl
    from symopt.cli import _Progress
    ticks = itertools.count()
    monkeypatch.setattr("symopt.dispatch.time", types.SimpleNamespace(
        perf_counter=lambda: 0.3 * next(ticks)))
    reports: list[dict] = []
    solution = symopt.solve(dsl.load(EXAMPLES / "chemical_equilibrium.opt"),
                            progress=reports.append)
    assert solution.method == "interior-point" and solution.status == "optimal"
    assert reports and all(r["elapsed"] > 1.0 for r in reports)
    assert [r["nit"] for r in reports] == sorted(r["nit"] for r in reports)
    assert reports[-1]["constr_violation"] >= 0.0
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    line = _Progress(enabled=True)
    line.update({"nit": 7, "fun": 2.5, "constr_violation": 3e-9, "elapsed": 1.2})
    assert line.detail == "  iteration 7, objective 2.5, violation 3.0e-09"


def test_check_and_cli_import_stay_light():
    """Start-up: `import symopt.cli` loads no sympy or lark; `symopt check` loads no sympy."""
    code = ("import sys, symopt.cli; light = not ({'sympy', 'lark'} & set(sys.modules)); "
            "symopt.cli.main(['check', %r]); print(light, 'sympy' in sys.modules)" % PRODUCTION)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split()[-2:] == ["True", "False"], result.stdout + result.stderr


@pytest.mark.parametrize("name, optimum", [
    ("afiro", -464.7531428571), ("sc50a", -64.575077059),
    pytest.param("boeing1", -335.2135675, marks=pytest.mark.slow)])
def test_netlib_mps_solves_and_survives_a_round_trip_through_opt(capsys, tmp_path, name,
                                                                  optimum):
    from conftest import NETLIB_DIR
    path = NETLIB_DIR / "mps" / f"{name}.mps"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    code, out, err = run(capsys, "solve", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)["objective"] == pytest.approx(optimum, rel=1e-8)
    opt_file = tmp_path / f"{name}.opt"
    assert run(capsys, "export", str(path), "--to", "opt", "-o", str(opt_file))[0] == 0
    code, out, err = run(capsys, "solve", str(opt_file), "--json")
    assert code == 0, err
    assert json.loads(out)["objective"] == pytest.approx(optimum, rel=1e-8)


def test_solving_a_small_lp_does_not_import_sympy():
    """The start-up target (benchmarks/startup.py) needs the LP path free of sympy."""
    code = ("import sys, symopt.cli; symopt.cli.main(['solve', %r]); "
            "print('sympy' in sys.modules)" % PRODUCTION)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split()[-1] == "False", result.stdout + result.stderr


def test_sympy_and_python_names_solve_end_to_end(capsys, tmp_path):
    (tmp_path / "ei.csv").write_text("E,I\n0,1\n1,2.1\n2,2.9\n3,4.2\n")
    fit = write(tmp_path, "fit.opt", 'data "ei.csv"\nvar lambda = 1, beta = 0\n'
                "fit I ~ lambda*E + beta\n")
    code, out, err = run(capsys, "solve", fit, "--json")
    assert code == 0, err
    assert json.loads(out)["parameters"] == pytest.approx({"lambda": 1.04, "beta": 0.99})
    nlp = write(tmp_path, "n.opt", "var lambda = 0, N = 0, S = 0\n"
                "minimize gamma: (lambda - 1)^2 + (N - 2)^2 + (S + N - 5)^2\n")
    code, out, err = run(capsys, "solve", nlp, "--json")
    assert code == 0, err
    assert json.loads(out)["variables"] == pytest.approx({"lambda": 1, "N": 2, "S": 3}, abs=1e-6)


def test_a_large_linear_file_is_solved_as_arrays_with_the_same_answer(capsys, tmp_path,
                                                                      monkeypatch):
    """From `symopt.dsl.ARRAY_CHECK_SIZE` characters on, `solve` and `report` generate a
    linear file as arrays (no Model); the answer and the printed values are the same as the
    element-wise model's, and a file with an error still gets its located message."""
    import symopt.dsl as dsl
    from symopt.dsl import vectorize
    from tests.test_dsl_literals import transport
    path = tmp_path / "transport.opt"
    path.write_text(transport(60))
    calls = []
    real = vectorize.loads_arrays
    monkeypatch.setattr(vectorize, "loads_arrays", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(dsl, "ARRAY_CHECK_SIZE", 0)
    code, as_arrays, _ = run(capsys, "solve", str(path))
    assert code == 0 and calls
    monkeypatch.setattr(dsl, "ARRAY_CHECK_SIZE", 10**9)
    _, element_wise, _ = run(capsys, "solve", str(path))
    assert as_arrays.splitlines()[1:] == element_wise.splitlines()[1:]
    monkeypatch.setattr(dsl, "ARRAY_CHECK_SIZE", 0)
    assert run(capsys, "report", str(path))[0] == 0
    path.write_text(transport(60) + "  cap: sum(c in C) ship[p0, c] <= 1e400\n")
    code, _, err = run(capsys, "solve", str(path))
    assert code != 0 and f"{path}:" in err and "1e400" in err
