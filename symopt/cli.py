"""The ``symopt`` command: solve, check, report and export model files.

``.opt`` files are read by `symopt.dsl`; ``.mps`` / ``.lp`` files (optionally ``.gz``) by
`symopt.io`. Only what a subcommand needs is imported, so that a small solve starts fast.

>>> main(["--version"])  # doctest: +ELLIPSIS
symopt ...
0
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Sequence

from symopt.errors import InputError, SolverError, SymoptError
from symopt.sweep import cli as sweep_cli

__all__ = ["main", "EXIT_CODES"]

#: exit code -> meaning (also printed by ``symopt --help``)
EXIT_CODES = {
    0: "solved to optimality (check: no errors)",
    1: "an unexpected internal error (please report it)",
    2: "bad command-line usage",
    3: "a model error: the file has a syntax or semantic error, or cannot be read",
    4: "the model is infeasible",
    5: "the model is unbounded",
    6: "the solver failed (iteration or time limit, numerical trouble, no convergence)",
}
_STATUS_EXIT = {"optimal": 0, "infeasible": 4, "unbounded": 5}


def _epilog() -> str:
    codes = "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())
    return f"exit codes:\n{codes}"


def _add_solver_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--solver", help="solver to use (default: chosen by symopt)")
    parser.add_argument("--method", help="method of the solver, e.g. simplex, bfgs, hybr")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help="stop the solver after this many seconds")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a solver option, e.g. --option tol=1e-10 (repeatable)")
    parser.add_argument("--exact", action="store_true",
                        help="LPs: certify the final basis in rational arithmetic and report "
                             "the exact values and duals as fractions")


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", action="append", default=[], metavar="DATA",
                        help="a data file of set/param statements for the model's names "
                        "(repeatable)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="set a param: NAME=VALUE or NAME[index]=VALUE (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``symopt`` command."""
    from symopt import __version__
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="symopt", formatter_class=formatter, epilog=_epilog(),
        description="Solve optimization models written in .opt files (or .mps / .lp files).")
    parser.add_argument("--version", action="version", version=f"symopt {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    solve = commands.add_parser("solve", help="solve a model and print the result",
                                formatter_class=formatter, epilog=_epilog(),
                                description="Solve FILE (.opt, .mps or .lp) and print the "
                                "status, the objective and the variable values.")
    solve.add_argument("file", metavar="FILE")
    _add_data_options(solve)
    solve.add_argument("--json", action="store_true", help="print the result as JSON")
    solve.add_argument("--explain-infeasible", action="store_true",
                       help="for an infeasible LP, find an irreducible infeasible subset and "
                            "its Farkas certificate (at most --time-limit or 60 s)")
    _add_solver_options(solve)

    check = commands.add_parser("check", help="check a model file for errors",
                                formatter_class=formatter, epilog=_epilog(),
                                description="Report every error found in FILE, without "
                                "solving it.")
    check.add_argument("file", metavar="FILE")
    _add_data_options(check)

    report = commands.add_parser("report", help="solve a model and write a report",
                                 formatter_class=formatter, epilog=_epilog(),
                                 description="Solve FILE and write a report (to standard "
                                 "output, or to OUT).")
    report.add_argument("file", metavar="FILE")
    _add_data_options(report)
    report.add_argument("--format", choices=("text", "md", "html", "json"), default=None,
                        help="report format (default: from OUT's suffix, else text)")
    report.add_argument("-o", "--output", metavar="OUT", help="write the report to OUT")
    report.add_argument("--latex", action="store_true",
                        help="add the model (and a nonlinear model's exact derivatives and "
                             "KKT conditions) in LaTeX")
    _add_solver_options(report)

    export = commands.add_parser(
        "export", help="write a model as .lp, .mps, .opt, LaTeX or derivative code",
        formatter_class=formatter, epilog=_epilog(),
        description="Convert a linear model FILE to another format (lp, mps, opt), or write "
                    "a model file as a LaTeX document with its exact derivatives and KKT "
                    "conditions (tex) or as a standalone numpy module of its exact "
                    "derivatives (py).")
    export.add_argument("file", metavar="FILE")
    _add_data_options(export)
    export.add_argument("--to", required=True, choices=("lp", "mps", "opt", "tex", "py"),
                        help="target format")
    export.add_argument("-o", "--output", metavar="OUT", help="write to OUT (default: stdout)")
    sweep_cli.add_parser(commands, formatter, _epilog())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``symopt`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handler = {"solve": _solve, "check": _check, "report": _report, "export": _export,
               "sweep": sweep_cli.run}
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return handler[arguments.command](arguments)
    except SolverError as error:
        print(f"symopt: solver failure: {error}", file=sys.stderr)
        return 6
    except SymoptError as error:
        print(f"{error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("symopt: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        sys.stdout = open(os.devnull, "w")
        return 0
    except Exception as error:  # a bug, not a user mistake: say so briefly
        if os.environ.get("SYMOPT_DEBUG"):
            raise
        print(f"symopt: internal error ({type(error).__name__}: {error}); set SYMOPT_DEBUG=1 "
              "for the traceback", file=sys.stderr)
        return 1


def _show_warning(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
                  line: Any = None) -> None:
    """Python warnings (a bound of 1e30 read as infinite, ...) as one plain line each."""
    print(f"symopt: warning: {message}", file=sys.stderr)


# ---- loading -------------------------------------------------------------------------------
def _load(path: str, arguments: argparse.Namespace | None = None,
          as_arrays: bool = True) -> Any:
    """A `BuildResult` for an .opt file, or a `LinearProgram` for .mps / .lp; a large
    linear .opt file (1 MB on, no --data/--param) as arrays when ``as_arrays``
    (`symopt.dsl.read`)."""
    if not Path(path).exists():
        raise InputError(f"{path}: no such file")
    data, params = _data_options(arguments)
    from symopt.io import is_linear_file, read
    if is_linear_file(path):
        if data or params:
            raise InputError(f"{path}: --data and --param apply to .opt models only")
        return read(path)
    from symopt.dsl import read as read_opt
    return read_opt(path, data=data, params=params, as_arrays=as_arrays)


def _data_options(arguments: argparse.Namespace | None) -> tuple[list, list]:
    if arguments is None:
        return [], []
    for data in arguments.data:
        if not Path(data).exists():
            raise InputError(f"{data}: no such data file")
    return list(arguments.data), list(arguments.param)


def _option_value(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def _solve_arguments(loaded: Any, arguments: argparse.Namespace) -> dict[str, Any]:
    """File options overridden by command-line flags."""
    settings = dict(getattr(loaded, "solve_arguments", {}))
    options = dict(settings.pop("options", {}))
    for item in arguments.option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--option {item!r}: expected KEY=VALUE, e.g. tol=1e-8")
        options[key.strip()] = _option_value(value.strip())
    for name in ("solver", "method", "time_limit"):
        value = getattr(arguments, name)
        if value is not None:
            settings[name] = value
    if options:
        settings["options"] = options
    if getattr(arguments, "exact", False):
        settings["exact"] = True
    return settings


def _run_solver(loaded: Any, arguments: argparse.Namespace) -> Any:
    settings = _solve_arguments(loaded, arguments)
    with _Progress(enabled=sys.stderr.isatty() and not getattr(arguments, "json", False)) as line:
        from symopt.dsl.solving import solve_loaded
        if getattr(loaded, "kind", None) != "fit":
            settings["progress"] = line.update
        return solve_loaded(loaded, **settings)


class _Progress:
    """A live line on a terminal while a solve runs longer than a second: the elapsed
    time, for a MILP the incumbent, the bound and the gap, and for a nonlinear interior-point
    solve the iteration, the objective and the constraint violation."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        self.detail = ""

    def update(self, progress: Any) -> None:
        """Take a progress report: a MILP's (``fun``, ``mip_dual_bound``, ``mip_gap``,
        nodes) or an NLP iteration's (``nit``, ``fun``, ``constr_violation``)."""
        if "nit" in progress:
            parts = [f"iteration {int(progress['nit'])}", f"objective {_format(progress.get('fun'))}"]
            if progress.get("constr_violation") is not None:
                parts.append(f"violation {float(progress['constr_violation']):.1e}")
            self.detail = "  " + ", ".join(parts)
            return
        incumbent, bound, gap = (progress.get(k) for k in ("fun", "mip_dual_bound", "mip_gap"))
        parts = [f"incumbent {_format(incumbent)}", f"bound {_format(bound)}"]
        if gap is not None:
            parts.append(f"gap {100 * float(gap):.2f}%")
        parts.append(f"nodes {int(progress.get('mip_node_count') or 0)}")
        self.detail = "  " + ", ".join(parts)

    def __enter__(self) -> "_Progress":
        if self.enabled:
            self.thread = threading.Thread(target=self._show, daemon=True)
            self.thread.start()
        return self

    def _show(self) -> None:
        start = time.perf_counter()
        shown = False
        frames = "|/-\\"
        tick = 0
        width = 0
        while not self.done.wait(1.0 if not shown else 0.2):
            shown = True
            elapsed = time.perf_counter() - start
            text = f"solving {frames[tick % 4]} {elapsed:6.1f} s{self.detail}"
            width = max(width, len(text))
            sys.stderr.write(f"\r{text:<{width}}")
            sys.stderr.flush()
            tick += 1
        if shown:
            sys.stderr.write("\r" + " " * width + "\r")
            sys.stderr.flush()

    def __exit__(self, *exc: Any) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()


# ---- subcommands ---------------------------------------------------------------------------
def _solve(arguments: argparse.Namespace) -> int:
    loaded = _load(arguments.file, arguments)
    solution = _run_solver(loaded, arguments)
    if arguments.explain_infeasible:
        solution.iis(_iis_time_limit(arguments))
    if arguments.json:
        print(json.dumps(_solution_dict(solution), indent=2))
    else:
        print(_solution_text(solution, arguments.file))
    return _STATUS_EXIT.get(solution.status, 6)


def _number(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else str(value)


def _solution_dict(solution: Any) -> dict[str, Any]:
    data = {
        "model": solution.model_name, "status": solution.status, "success": solution.success,
        "message": solution.message, "problem_class": solution.problem_class,
        "solver": solution.solver, "method": solution.method,
        "objective_name": solution.objective_name, "objective": _number(solution.objective),
        "variables": {v.name: _number(v.value) for v in solution.variables},
    }
    if solution.constraints:
        data["constraints"] = {c.name: {"body": _number(c.body), "dual": _number(c.dual)}
                               for c in solution.constraints}
    if solution.fit is not None:
        fit = solution.fit
        data["parameters"] = dict(zip(fit.parameter_names, map(_number, fit.parameters)))
    if solution.exact is not None:
        from symopt.report.json_format import exact_data
        data["exact"] = exact_data(solution.exact)
    return data


def _format(value: Any) -> str:
    if value is None:
        return "-"
    return f"{float(value):.10g}"


def _solution_text(solution: Any, path: str) -> str:
    lines = [f"{Path(path).name}: {solution.status} ({solution.problem_class}, "
             f"{solution.solver} {solution.method})"]
    if solution.status != "optimal" and solution.message:
        lines.append(f"  {solution.message}")
    if solution.objective is not None:
        name = solution.objective_name or "objective"
        lines.append(f"{name} = {_format(solution.objective)}")
    if solution.mip is not None:
        mip = solution.mip
        lines.append(f"  MIP: incumbent {_format(mip.incumbent)}, bound {_format(mip.bound)}, "
                     f"gap {100 * mip.gap:.4g}%, {mip.nodes} nodes")
    if solution.variables and solution.status not in ("infeasible", "unbounded"):
        width = max(len(v.name) for v in solution.variables)
        lines += [f"  {v.name:<{width}} = {_format(v.value)}" for v in solution.variables]
    if solution.infeasibility is not None:
        info = solution.infeasibility
        lines.append("IIS: constraints " + (", ".join(info.constraints) or "-")
                     + "; bounds of " + (", ".join(info.bounds) or "-"))
        lines += ["  " + line for line in info.explanation.splitlines()]
    elif solution.status == "infeasible" and solution.problem_class in ("LP", "MILP"):
        lines.append("  (symopt solve --explain-infeasible, or symopt report, names an "
                     "irreducible infeasible subset)")
    if solution.exact is not None:
        exact = solution.exact
        lines.append(f"exact: {exact.verdict}")
        lines.append(f"  {solution.objective_name or 'objective'} = {exact.objective}")
        width = max((len(name) for name in exact.values), default=0)
        lines += [f"  {name:<{width}} = {value}" for name, value in exact.values.items()]
    return "\n".join(lines)


def _check(arguments: argparse.Namespace) -> int:
    from symopt.io import is_linear_file
    if is_linear_file(arguments.file):
        from symopt.compile.screen import screen_linear_program
        _, notes = screen_linear_program(_load(arguments.file, arguments))
        for note in notes:
            print(f"symopt: warning: {note}", file=sys.stderr)
        print(f"{arguments.file}: no errors")
        return 0
    from symopt.dsl import check
    data, params = _data_options(arguments)
    errors = check(arguments.file, data=data, params=params)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{arguments.file}: {len(errors)} error(s)", file=sys.stderr)
        return 3
    print(f"{arguments.file}: no errors")
    return 0


def _iis_time_limit(arguments: argparse.Namespace) -> float:
    return float(arguments.time_limit) if getattr(arguments, "time_limit", None) else 60.0


def _report(arguments: argparse.Namespace) -> int:
    loaded = _load(arguments.file, arguments, as_arrays=not arguments.latex)
    solution = _run_solver(loaded, arguments)
    solution.iis(_iis_time_limit(arguments))   # a report explains an infeasible LP
    if arguments.output:
        from symopt.report import write
        written = write(solution, arguments.output, arguments.format, latex=arguments.latex)
        print(f"report written to {written}", file=sys.stderr)
    else:
        from symopt.report import render
        print(render(solution, arguments.format or "text", latex=arguments.latex))
    return _STATUS_EXIT.get(solution.status, 6)


def _export(arguments: argparse.Namespace) -> int:
    from symopt.io import is_linear_file
    if arguments.to not in ("tex", "py") and not is_linear_file(arguments.file) \
            and _data_options(arguments) == ([], []) and Path(arguments.file).exists():
        # a matrix file of an .opt model: generated as arrays (same file, no Model built)
        from symopt.dsl.vectorize import read_linear
        lp = read_linear(arguments.file)
    else:
        loaded = _load(arguments.file, arguments, as_arrays=False)
        if arguments.to in ("tex", "py"):
            return _write(arguments, _model_export(loaded, arguments.to, arguments.file))
        lp = loaded
        if hasattr(loaded, "model"):
            from symopt.compile.linear import extract_linear
            lp = extract_linear(loaded.model)
    from symopt.io import FORMATTERS
    return _write(arguments, FORMATTERS[f".{arguments.to}"](lp))


def _model_export(loaded: Any, to: str, path: str) -> str:
    """LaTeX or derivative code of a model file; LP files hold no model to show."""
    model = getattr(loaded, "model", None)
    if model is None:
        raise InputError(f"{path}: export --to {to} needs a model file (.opt); an LP or MPS "
                         "file is a matrix without a model (export it --to opt first)")
    if to == "tex":
        from symopt.report.latex import latex_document
        return latex_document(model)
    from symopt.compile.export_py import derivative_module
    return derivative_module(model)


def _write(arguments: argparse.Namespace, text: str) -> int:
    if arguments.output:
        from symopt.io.text import write_text
        write_text(arguments.output, text)
        print(f"written to {arguments.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
