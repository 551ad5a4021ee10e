"""Seeded hostile inputs for symopt, and an isolated runner that classifies each outcome.

Shared by ``tests/test_fuzz.py`` (a few hundred cases, thousands with ``--runslow``) and
``benchmarks/fuzz.py`` (10,000+ cases and the table of issue 17). Six suites:

``opt``    mutations of every example model (numbers made hostile, tokens dropped or
           repeated, lines swapped, options added, data cells spoiled)
``mps``    mutations of small Netlib MPS files (hostile numbers, lines dropped or repeated,
           truncation, corrupt gzip)
``lp``     the same LPs written as CPLEX LP files, then mutated
``cli``    the ``symopt`` command with random subcommands, flags and files
``api``    the Python API with hostile arguments: ``Model`` components indexed with
           unhashable or unknown keys, ``Param`` data, constraint rules and right-hand
           sides, ``solve`` argument types, ``fit`` data, and the optimize front doors
           (``linprog``, ``minimize``, ``root``, ``least_squares``, ``curve_fit``, ``milp``)
``names``  models whose names are hostile (keywords, ``inf``, long, near-duplicates; and
           through the API, any string: spaces, separators, unicode, control characters,
           as component names and set members), solved, exported to .lp / .mps / .opt,
           read back and solved again

Each case runs in a forked child with a memory limit and a time limit. Outcomes:
``error`` (a `symopt.SymoptError`, exit code 2/3), ``status`` (a solve that reports what
failed), ``success`` (optimal, and verified: finite, feasible, the same optimum as HiGHS for
LPs when highspy is installed, a KKT point by sympy's own derivatives for small continuous
NLPs, the known answer of the front-door calls), and the failures ``internal`` (any other exception, exit
code 1, a crash or runaway memory), ``hang`` (the time limit), ``wrong`` (an "optimal"
that is not) and ``mismatch`` (`check` passed, `solve` rejected the model for a reason
visible before solving).
"""
from __future__ import annotations

import contextlib
import gzip
import io
import math
import multiprocessing
import os
import random
import re
import resource
import shutil
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NETLIB = ROOT.parent / "shared" / "data" / "netlib" / "mps"
SMALL_NETLIB = ("afiro", "sc50a", "sc50b", "kb2", "sc105", "adlittle", "blend", "share2b",
                "stocfor1", "recipe", "scagr7", "sc205", "boeing2", "share1b", "lotfi")
SUITES = ("opt", "mps", "lp", "cli", "api", "names")
KINDS = ("error", "status", "success", "internal", "hang", "wrong", "mismatch")
FAILURES = ("internal", "hang", "wrong", "mismatch")
MEMORY_LIMIT = 3 * 1024 ** 3

HOSTILE_NUMBERS = (
    "1e400", "-1e400", "1e308", "-1e308", "1e309", "1e30", "-1e30", "1e25", "1e16", "1e-400",
    "0", "-0", "0.0", "1e-320", "9" * 90, "9" * 400, "9" * 5000, "4.9e-324", "1.7976931348623157e308",
    "nan", "inf", "-inf", "NaN", "1e20", "123456789012345678901234567890", ".", "1e", "--1",
)
OPT_EXPRESSIONS = (
    "10^400", "2^2^2^2^2^2", "(-8)^0.5", "0^-1", "1/0", "exp(1000)", "log(0)", "min(2)",
    "max()", "sqrt(-1)", "1e308*10", "sum(i in 1..1e10) i", "((((((((((1))))))))))",
    "(" * 300 + "1" + ")" * 300, "1" + "+1" * 3000, "2^-2000", "1e308+1e308",
)
OPT_LINES = (
    "options maxiter = 1e400", "options foo = 3", "options time_limit = -1",
    'options method = "nosuch"', "options solver = simplex", "options tol = 1e-400",
    "set HUGE = 1..1e10", "set HUGE2 = 1..100000 * 1..100000", 'data "/dev/zero"',
    'data "."', 'data "missing.csv"', "param bad = 1e400", "var __reserved",
    "var inf >= 0", "param p = 2^2^2^2^2^2", "set S9 = {a, a, b}",
)
HOSTILE_NAMES = (
    "inf", "infinity", "nan", "e1", "E", "end", "bounds", "st", "free", "min", "max", "sum",
    "set", "param", "var", "minimize", "subject", "solve", "fit", "data", "options", "lambda",
    "_", "x_", "X", "obj", "c1", "R0001", "in", "and", "or", "not", "exp", "log", "pi",
    "a" * 200, "x1e5", "e", "inf1", "integer", "binary", "default", "from", "column",
)


@dataclass
class Case:
    """One generated input: its suite, a readable name, and what to run."""

    suite: str
    name: str
    payload: dict = field(default_factory=dict)


@dataclass
class Outcome:
    suite: str
    name: str
    kind: str
    detail: str = ""


# ---- running ---------------------------------------------------------------------------------
def run_isolated(case: Case, timeout: float) -> Outcome:
    """Run ``case`` in a child forked from a clean, warmed-up fork server (memory-limited;
    a timeout is a hang). The fork server never runs a threaded solver, so that children
    never inherit a thread pool they cannot use (HiGHS's would deadlock)."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(case, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            child.kill()
            child.join()
            return Outcome(case.suite, case.name, "hang", f"no answer within {timeout} s")
        try:
            outcome = receiver.recv()
        except EOFError:
            child.join()
            return Outcome(case.suite, case.name, "internal",
                           f"the child died (exit code {child.exitcode})")
    finally:
        receiver.close()
    child.join()
    return outcome


def _child(case: Case, sender: Any) -> None:
    try:
        _quiet_child()
        outcome = run_case(case)
    except BaseException as exc:                     # noqa: BLE001 - classified, not hidden
        outcome = Outcome(case.suite, case.name, "internal", _describe(exc))
    sender.send(outcome)
    sender.close()


_CONTEXT: list = []


def _context() -> Any:
    if not _CONTEXT:       # the fork server is a new interpreter: tell it where we are
        here = str(Path(__file__).resolve().parent)
        paths = os.environ.get("PYTHONPATH", "")
        if here not in paths.split(os.pathsep):
            os.environ["PYTHONPATH"] = here + (os.pathsep + paths if paths else "")
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["fuzz_preload"])
        _CONTEXT.append(context)
    return _CONTEXT[0]


def _quiet_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames)
                  if "symopt" in f.filename), "?")
    return f"{type(exc).__name__} at {where}: {str(exc)[:200]}"


def run_case(case: Case) -> Outcome:
    """Run one case in this process and classify what happened."""
    from symopt.errors import SymoptError
    runner = _RUNNERS[case.suite]
    try:
        kind, detail = runner(case.payload)
    except SymoptError as error:
        kind, detail = "error", str(error).splitlines()[0][:200]
    return Outcome(case.suite, case.name, kind, detail)


def _in_folder(files: dict[str, str | bytes], work: Callable[[Path], Any]) -> Any:
    folder = Path(tempfile.mkdtemp(prefix="symopt-fuzz-"))
    try:
        (folder / "data").symlink_to(EXAMPLES / "data")
        for name, content in files.items():
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(folder / name, mode) as handle:
                handle.write(content)
        return work(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---- verification ----------------------------------------------------------------------------
def verify_solution(solution: Any, lp: Any = None) -> tuple[str, str]:
    """('success', '') for a verified optimum, ('status', ...) for a non-optimal status,
    ('wrong', why) for an "optimal" that is not finite, not feasible or not optimal."""
    if solution.status != "optimal":
        return "status", solution.status
    values = [v.value for v in solution.variables]
    if solution.objective is not None and not math.isfinite(solution.objective):
        return "wrong", f"optimal with objective {solution.objective}"
    if not all(math.isfinite(v) for v in values):
        return "wrong", "optimal with a non-finite value"
    for v in solution.variables:
        if not _within(v.value, v.lower, v.upper):
            return "wrong", f"optimal, but {v.name} = {v.value} is outside [{v.lower}, {v.upper}]"
    for c in solution.constraints:
        if not math.isfinite(c.body) or not _within(c.body, c.lower, c.upper):
            return "wrong", f"optimal, but {c.name} = {c.body} is outside [{c.lower}, {c.upper}]"
    if lp is not None and solution.objective is not None:
        reference = highs_optimum(lp)
        if reference is not None and isinstance(reference, str):
            return "wrong", f"optimal {solution.objective}, HiGHS says {reference}"
        if reference is not None and not math.isclose(solution.objective, reference,
                                                      rel_tol=1e-6, abs_tol=1e-6):
            return "wrong", f"optimal {solution.objective}, HiGHS finds {reference}"
    return "success", ""


#: an "optimal" NLP point whose best KKT residual (independent multipliers) exceeds this,
#: relative to max(1, |grad f|), is reported wrong: 10x the map-back stage's own tolerance
KKT_TOL = 1e-3
#: a bound or row within this (relative to 1 + |bound|) of the point counts as binding
ACTIVE_TOL = 1e-5
KKT_MAX_SIZE = 30


def verify_stationary(model: Any, solution: Any) -> tuple[str, str] | None:
    """('wrong', why) when ``solution`` says optimal for the continuous NLP ``model`` but the
    point is infeasible or not a KKT point, judged independently of symopt's compiled code:
    sympy's own derivatives of the model's expressions at the returned values, multipliers
    of the binding bounds and rows by nonnegative least squares (scipy's ``nnls``, an
    oracle). None when it holds, or when the check does not apply (LP/MILP -- HiGHS judges
    those --, integers, more than `KKT_MAX_SIZE` variables or rows, a non-finite gradient)."""
    import sympy
    from scipy.optimize import nnls

    from symopt.analysis import analyze
    from symopt.model import to_sympy
    if solution.status != "optimal":
        return None
    structure = analyze(model)
    if (structure.problem_class in ("LP", "MILP") or structure.has_integers
            or structure.objective is None or len(structure.variables) > KKT_MAX_SIZE
            or len(structure.constraints) > KKT_MAX_SIZE):
        return None
    values = {v.name: v.value for v in solution.variables}
    symbols = [to_sympy(v) for v in structure.variables]
    point = {sym: sympy.Float(values.get(v.name, v.value or 0.0))
             for sym, v in zip(symbols, structure.variables)}
    point.update({to_sympy(v): sympy.Float(v.value) for v in structure.fixed})

    def number(expr: Any) -> float:
        try:
            return float(sympy.sympify(expr).xreplace(point).evalf())
        except (TypeError, ValueError, OverflowError, ZeroDivisionError):
            return math.nan

    def gradient(expr: Any) -> np.ndarray:
        return np.array([number(sympy.diff(expr, sym)) for sym in symbols])

    objective = to_sympy(structure.objective.expr)
    bodies = [to_sympy(row.body) for row in structure.constraints]
    kinks = (sympy.Abs, sympy.Min, sympy.Max, sympy.sign, sympy.floor, sympy.ceiling,
             sympy.Heaviside, sympy.Piecewise)
    if any(sympy.sympify(e).has(*kinks) for e in (objective, *bodies)):
        return None                      # not differentiable everywhere: KKT does not apply
    sign = -1.0 if structure.sense.startswith("max") else 1.0
    grad_f = sign * gradient(objective)
    if not np.all(np.isfinite(grad_f)):
        return None
    columns = []
    x = np.array([float(point[sym]) for sym in symbols])
    for j, v in enumerate(structure.variables):
        unit = np.eye(len(symbols))[j]
        columns += _binding_columns(x[j], v.lb, v.ub, unit, f"{v.name}'s bound")
    for row, body in zip(structure.constraints, bodies):
        value = number(body)
        where = f"{row.name} = {value:.6g}, bounds [{row.lower}, {row.upper}]"
        if not math.isfinite(value) or not _within(value, row.lower, row.upper):
            return "wrong", f"optimal, but (recomputed) {where}"
        binding = _binding_columns(value, row.lower, row.upper, None, row.name)
        if binding:
            direction = gradient(body)
            if not np.all(np.isfinite(direction)):
                return None
            columns += [(column_sign * direction, name) for column_sign, name in binding]
    return _kkt_verdict(grad_f, columns, nnls)


def _binding_columns(value: float, lower: float | None, upper: float | None,
                     unit: np.ndarray | None, name: str) -> list:
    """The KKT columns of the sides of ``lower <= value <= upper`` that bind: (+1, name) for
    a lower side, (-1, name) for an upper side (times ``unit`` for a variable's bound)."""
    out = []
    for side, bound in ((1.0, lower), (-1.0, upper)):
        if bound is not None and math.isfinite(bound) and \
                abs(value - bound) <= ACTIVE_TOL * (1 + abs(bound)):
            out.append((side * unit, name) if unit is not None else (side, name))
    return out


def _kkt_verdict(grad_f: np.ndarray, columns: list, nnls: Callable) -> tuple[str, str] | None:
    scale = max(1.0, float(np.max(np.abs(grad_f), initial=0.0)))
    if columns:
        matrix = np.column_stack([column for column, _ in columns])
        _, residual = nnls(matrix / scale, grad_f / scale, maxiter=50 * matrix.shape[1])
    else:
        residual = float(np.linalg.norm(grad_f)) / scale
    if residual > KKT_TOL:
        binding = ", ".join(sorted({name for _, name in columns})) or "nothing"
        return "wrong", (f"optimal, but not stationary: KKT residual {residual:.1e} "
                         f"(binding: {binding[:80]})")
    return None


def _within(value: float, lower: float | None, upper: float | None) -> bool:
    lower = -math.inf if lower is None else lower
    upper = math.inf if upper is None else upper
    tolerance = 1e-6 * (1 + abs(value))
    return lower - tolerance <= value <= upper + tolerance


def highs_optimum(lp: Any) -> float | str | None:
    """HiGHS's optimum of ``lp`` (a float), its status word, or None without highspy."""
    try:
        import highspy
    except ImportError:
        return None
    from symopt.compile.screen import screen_linear_program
    from symopt.optimize.linear_program import triplets
    lp, _ = screen_linear_program(lp)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", 20.0)
    inf = highspy.kHighsInf
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = lp.num_cols, lp.num_rows
    model.col_cost_ = lp.c
    model.col_lower_ = np.clip(lp.col_lower, -inf, inf)
    model.col_upper_ = np.clip(lp.col_upper, -inf, inf)
    model.row_lower_ = np.clip(lp.row_lower, -inf, inf)
    model.row_upper_ = np.clip(lp.row_upper, -inf, inf)
    model.offset_ = lp.offset
    model.sense_ = highspy.ObjSense.kMaximize if lp.sense == "max" else highspy.ObjSense.kMinimize
    csc = lp.A.tocsc()
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_, model.a_matrix_.index_ = csc.indptr, csc.indices
    model.a_matrix_.value_ = csc.data
    if lp.is_mip:
        model.integrality_ = [highspy.HighsVarType(int(k)) for k in lp.integrality]
    h.passModel(model)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return float(h.getInfo().objective_function_value)
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnbounded):
        return h.modelStatusToString(status)
    return None       # HiGHS does not know either (time limit, unbounded or infeasible, ...)


# ---- the suites: running ---------------------------------------------------------------------
def _run_opt(payload: dict) -> tuple[str, str]:
    def work(folder: Path) -> tuple[str, str]:
        from symopt.dsl import check, read
        from symopt.dsl.solving import solve_loaded
        from symopt.errors import SolverError, SymoptError
        path = folder / "model.opt"
        found = check(path)
        try:
            loaded = read(path)
            solution = solve_loaded(loaded, time_limit=payload.get("time_limit", 5.0))
        except SolverError as error:
            return "error", str(error).splitlines()[0][:200]
        except SymoptError as error:
            if not found:
                return "mismatch", f"check passed, solve said: {str(error).splitlines()[0][:200]}"
            return "error", str(error).splitlines()[0][:200]
        kind, detail = verify_solution(solution, _linear_program_of(loaded))
        if kind == "success" and getattr(loaded, "kind", None) in ("minimize", "maximize"):
            kind, detail = verify_stationary(loaded.model, solution) or (kind, detail)
        return kind, detail
    return _in_folder({"model.opt": payload["text"], **payload.get("files", {})}, work)


def _linear_program_of(loaded: Any) -> Any:
    """The LP of a loaded .opt model when it is linear (for the HiGHS comparison)."""
    if getattr(loaded, "kind", None) not in ("minimize", "maximize", "feasibility"):
        return None
    from symopt.analysis import analyze
    structure = analyze(loaded.model)
    if structure.problem_class not in ("LP", "MILP"):
        return None
    from symopt.compile.linear import extract_linear
    return extract_linear(structure)


def _run_linear_file(payload: dict) -> tuple[str, str]:
    def work(folder: Path) -> tuple[str, str]:
        from symopt.io import read
        from symopt.pipeline import solve
        lp = read(folder / payload["file"])
        return verify_solution(solve(lp, time_limit=payload.get("time_limit", 5.0)), lp)
    return _in_folder({payload["file"]: payload["content"]}, work)


def _run_cli(payload: dict) -> tuple[str, str]:
    def work(folder: Path) -> tuple[str, str]:
        from symopt.cli import main
        argv = [a.replace("{dir}", str(folder)) for a in payload["argv"]]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        text = out.getvalue() + err.getvalue()
        if code == 1 or "Traceback" in text:
            return "internal", f"exit {code}: {text.strip()[-200:]}"
        if code in (2, 3):
            return "error", text.strip().splitlines()[0][:200] if text.strip() else f"exit {code}"
        if code == 0 and re.search(r"=\s*(nan|-?inf)\b", out.getvalue()):
            return "wrong", "exit 0 with a non-finite value"
        return ("success", "") if code == 0 else ("status", f"exit {code}")
    return _in_folder(payload.get("files", {}), work)


def _run_api(payload: dict) -> tuple[str, str]:
    result = _API_CALLS[payload["call"]](random.Random(payload["seed"]))
    if result is None:
        return "success", ""
    if isinstance(result, tuple):                     # (model, Solution)
        model, solution = result
        kind, detail = verify_solution(solution)
        if kind == "success":
            kind, detail = verify_stationary(model, solution) or (kind, detail)
        return kind, detail
    if hasattr(result, "status") and hasattr(result, "variables"):
        return verify_solution(result)
    status = getattr(result, "status", 0)
    x = np.asarray(getattr(result, "x", []), dtype=float)
    if getattr(result, "success", False) and not np.all(np.isfinite(x)):
        return "wrong", "success with a non-finite x"
    wrong = getattr(result, "wrong", None)               # the call's own oracle, if any
    if getattr(result, "success", False) and wrong:
        return "wrong", wrong
    return ("success", "") if status == 0 else ("status", f"status {status}")


def _api_names_model(names: list[str], members: list[str]) -> Any:
    """The names suite's model, built through the API with hostile names and members."""
    from symopt import Constraint, Model, Objective, Param, Set, Var
    s, x, y, c, p = names
    m = Model("fuzz names")
    setattr(m, s, Set(initialize=members))
    index = getattr(m, s)
    setattr(m, p, Param(index, initialize={key: float(j + 1) for j, key in enumerate(members)}))
    setattr(m, x, Var(index, bounds=(0, 10)))
    setattr(m, y, Var(bounds=(-5, 5)))
    xs, ps, yv = getattr(m, x), getattr(m, p), getattr(m, y)
    setattr(m, "cost", Objective(expr=sum(ps[i] * xs[i] for i in index) - yv))
    setattr(m, c, Constraint(index, rule=lambda m, i: xs[i] + yv >= ps[i]))
    return m


def _run_api_names(payload: dict) -> tuple[str, str]:
    """Solve the hostile-name model, write it as .lp, .mps and .opt, read each back and
    solve again: the same optimum, or a clean error."""
    def work(folder: Path) -> tuple[str, str]:
        from symopt.analysis import analyze
        from symopt.compile.linear import extract_linear
        from symopt.io import write, write_opt
        from symopt.pipeline import solve
        model = _api_names_model(payload["api_names"], payload["members"])
        first = solve(model)
        kind, detail = verify_solution(first)
        if kind != "success":
            return kind, detail
        lp = extract_linear(analyze(model))
        for suffix in ("lp", "mps", "opt"):
            target = folder / f"back.{suffix}"
            if suffix == "opt":
                write_opt(lp, str(target))
            else:
                write(lp, target)
            wrong = _read_back_differs(target, first)
            if wrong:
                return "wrong", wrong
        return "success", ""
    return _in_folder({}, work)


def _read_back_differs(target: Path, first: Any) -> str:
    """Why the model read back from ``target`` does not solve to ``first``'s optimum
    ("" when it does)."""
    from symopt.dsl import load
    from symopt.io import read
    from symopt.pipeline import solve
    suffix = target.suffix.lstrip(".")
    again = solve(read(target) if suffix != "opt" else load(target))
    if again.status == "optimal" and math.isclose(again.objective, first.objective,
                                                  rel_tol=1e-7, abs_tol=1e-7):
        return ""
    return f"read back from .{suffix}: {again.status} {again.objective}, first {first.objective}"


def _run_names(payload: dict) -> tuple[str, str]:
    if "api_names" in payload:
        return _run_api_names(payload)

    def work(folder: Path) -> tuple[str, str]:
        from symopt.cli import main
        from symopt.dsl import load
        from symopt.pipeline import solve
        first = solve(load(folder / "model.opt"))
        kind, detail = verify_solution(first)
        if kind != "success":
            return kind, detail
        for suffix in ("lp", "mps", "opt"):
            target = folder / f"back.{suffix}"
            with contextlib.redirect_stderr(io.StringIO()):
                if main(["export", str(folder / "model.opt"), "--to", suffix, "-o",
                         str(target)]) != 0:
                    return "wrong", f"export --to {suffix} failed"
            wrong = _read_back_differs(target, first)
            if wrong:
                return "wrong", wrong
        return "success", ""
    return _in_folder({"model.opt": payload["text"]}, work)


_RUNNERS = {"opt": _run_opt, "mps": _run_linear_file, "lp": _run_linear_file, "cli": _run_cli,
            "api": _run_api, "names": _run_names}


# ---- the suites: generating ------------------------------------------------------------------
def make_cases(suite: str, count: int, seed: int) -> list[Case]:
    """``count`` seeded cases of ``suite`` (the same seed gives the same cases)."""
    rng = random.Random(f"{suite}-{seed}")
    maker = _MAKERS[suite]
    return [maker(rng, k) for k in range(count)]


def _example_texts() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(EXAMPLES.glob("*.opt"))}


def netlib_texts(names: tuple[str, ...] = SMALL_NETLIB) -> dict[str, str]:
    """The MPS text of the named Netlib files that are present (empty when none are)."""
    found = {}
    for name in names:
        path = NETLIB / f"{name}.mps"
        if path.exists():
            found[name] = path.read_text()
    return found


_TOKEN = re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|[A-Za-z_]\w*|\S")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d*)?(?:[eE][+-]?\d+)?(?![\w.])")


def mutate_text(text: str, rng: random.Random, extra: tuple[str, ...] = ()) -> str:
    """One to three random edits of ``text`` (numbers made hostile, tokens or lines dropped,
    repeated or swapped, truncation, inserted lines)."""
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(_EDITS)(text, rng, extra)
    return text


def _hostile_number(text: str, rng: random.Random, extra: tuple) -> str:
    spots = list(_NUMBER.finditer(text))
    if not spots:
        return text
    spot = rng.choice(spots)
    pool = HOSTILE_NUMBERS + (OPT_EXPRESSIONS if ".opt" in extra else ())
    return text[:spot.start()] + rng.choice(pool) + text[spot.end():]


def _drop_token(text: str, rng: random.Random, extra: tuple) -> str:
    spots = list(_TOKEN.finditer(text))
    if not spots:
        return text
    spot = rng.choice(spots)
    return text[:spot.start()] + text[spot.end():]


def _repeat_token(text: str, rng: random.Random, extra: tuple) -> str:
    spots = list(_TOKEN.finditer(text))
    if not spots:
        return text
    spot = rng.choice(spots)
    return text[:spot.end()] + " " + spot.group() + text[spot.end():]


def _line_edit(text: str, rng: random.Random, extra: tuple) -> str:
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    action = rng.choice(("drop", "repeat", "swap", "insert"))
    if action == "drop":
        del lines[i]
    elif action == "repeat":
        lines.insert(i, lines[j])
    elif action == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif extra:
        lines.insert(i, rng.choice([e for e in extra if not e.startswith(".")] or [""]))
    return "\n".join(lines)


def _truncate(text: str, rng: random.Random, extra: tuple) -> str:
    return text[:rng.randrange(len(text) + 1)]


def _random_characters(text: str, rng: random.Random, extra: tuple) -> str:
    spot = rng.randrange(len(text) + 1)
    junk = "".join(rng.choice("()[]{}:;,.=<>+-*/^~\"#\\'\t\x00é∞ \n") for _ in range(rng.randint(1, 4)))
    return text[:spot] + junk + text[spot:]


_EDITS = (_hostile_number, _hostile_number, _hostile_number, _drop_token, _repeat_token,
          _line_edit, _line_edit, _truncate, _random_characters)


def _make_opt(rng: random.Random, k: int) -> Case:
    examples = _example_texts()
    name = rng.choice(sorted(examples))
    text = mutate_text(examples[name], rng, (".opt",) + OPT_LINES)
    files = {}
    if rng.random() < 0.15:                      # a spoiled copy of a data file
        csv_name = rng.choice(sorted(p.name for p in (EXAMPLES / "data").glob("*.csv")))
        spoiled = mutate_text((EXAMPLES / "data" / csv_name).read_text(), rng)
        files["spoiled.csv"] = spoiled
        text = text.replace(f'"data/{csv_name}"', '"spoiled.csv"')
    return Case("opt", f"opt-{k}-{name}", {"text": text, "files": files})


def _make_mps(rng: random.Random, k: int) -> Case:
    texts = netlib_texts()
    name = rng.choice(sorted(texts))
    text = mutate_text(texts[name], rng)
    if rng.random() < 0.1:                       # a (possibly corrupt) gzip archive
        data = gzip.compress(text.encode())
        if rng.random() < 0.7:
            cut = rng.randrange(len(data))
            data = data[:cut] + bytes(rng.randrange(256) for _ in range(rng.randint(0, 8)))
        return Case("mps", f"mps-{k}-{name}.gz", {"file": "model.mps.gz", "content": data})
    return Case("mps", f"mps-{k}-{name}", {"file": "model.mps", "content": text})


def _make_lp(rng: random.Random, k: int) -> Case:
    from symopt.io import format_lp, parse_mps
    texts = netlib_texts()
    name = rng.choice(sorted(texts))
    text = format_lp(parse_mps(texts[name], name))
    text = mutate_text(text, rng, ("c_inf: x + inf >= inf", "inf free", " c9: 1e400 x >= 1"))
    return Case("lp", f"lp-{k}-{name}", {"file": "model.lp", "content": text})


def _make_cli(rng: random.Random, k: int) -> Case:
    examples = sorted(p.name for p in EXAMPLES.glob("*.opt"))
    example = rng.choice(examples)
    files = {"model.opt": (EXAMPLES / example).read_text()}
    if rng.random() < 0.4:
        files["model.opt"] = mutate_text(files["model.opt"], rng, (".opt",) + OPT_LINES)
    targets = ["{dir}/model.opt", "{dir}/missing.opt", "/dev/zero", "{dir}", "{dir}/empty.opt",
               "{dir}/model.lp", "{dir}/model.mps.gz", "{dir}/model.txt"]
    files["empty.opt"] = ""
    files["model.txt"] = "var x"
    files["model.lp"] = "Minimize\n obj: x\nSubject To\n c: x >= 1\nEnd\n"
    files["model.mps.gz"] = gzip.compress(b"NAME x\nROWS\n N obj\n")[:12]
    command = rng.choice(("solve", "check", "report", "export", "solve", "bogus"))
    argv = [command, rng.choice(targets) if rng.random() < 0.4 else "{dir}/model.opt"]
    flags = {
        "solve": ["--json", "--time-limit", "--method", "--solver", "--option"],
        "report": ["--format", "-o", "--time-limit"],
        "export": ["--to", "-o"],
    }.get(command, [])
    values = {"--time-limit": ["nan", "-1", "0", "1e400", "abc", "5"],
              "--method": ["simplex", "bfgs", "nosuch", "", "highs"],
              "--solver": ["linprog", "minimize", "nosuch", "root"],
              "--option": ["maxiter=1e400", "foo=1", "tol=nan", "=", "maxiter=-5", "tol"],
              "--format": ["text", "md", "html", "json", "pdf"],
              "-o": ["{dir}/out.txt", "{dir}/no/such/folder/out.html", "/dev/full", "{dir}"],
              "--to": ["lp", "mps", "opt", "xlsx", "tex"]}
    for flag in rng.sample(flags, rng.randint(0, len(flags))):
        argv.append(flag)
        if flag in values:
            argv.append(rng.choice(values[flag]))
    return Case("cli", f"cli-{k}-{example}-{' '.join(argv)[:60]}", {"argv": argv, "files": files})


def _make_api(rng: random.Random, k: int) -> Case:
    call = rng.choice(sorted(name for name in _API_CALLS if not name.startswith("_")))
    return Case("api", f"api-{k}-{call}", {"call": call, "seed": rng.randrange(2 ** 32)})


#: names a Python user can give components (``setattr(m, name, Var())``) and set members
#: that no file format allows as they are: spaces, separators, brackets, quotes, unicode,
#: control characters, numbers, signs, and names the formats reserve
API_NAMES = (
    "x y", "a,b", "x[1]", "c:1", "é", "∞", "1x", "-x", "+", "x.y", "x\ty", "'q'", '"q"',
    "inf", "nan", "e1", "end", "ST", "bounds", "obj", "R0001", "x" * 300, "a;b", "a=b", "<=",
    "x\\y", "dual", "min", "x\u200b", "\\", "()", "free", "int", "RHS", "RANGES",
)
MEMBERS = ("a b", "1", "1.5", "-1", "x,y", "[", "é", "", " ", "inf", "a'b", 'a"b', "0x1",
           "É", "A", "a", "1e5", "(1, 2)", "None")


def _make_names(rng: random.Random, k: int) -> Case:
    if rng.random() < 0.4:                 # the Python API, where a name can be any string
        picks = rng.sample(API_NAMES, 5)
        members = rng.sample(MEMBERS, 3)
        return Case("names", f"names-api-{k}-{'-'.join(picks)}"[:80],
                    {"api_names": picks, "members": members})
    picks = rng.sample(HOSTILE_NAMES, 5)
    s, x, y, c, p = picks
    lines = [f"set {s} = {{a, b, c}}", f"param {p}[{s}] = {{a: 1, b: 2, c: 3}}",
             f"var {x}[{s}] >= 0 <= 10", f"var {y} >= -5 <= 5",
             f"minimize cost: sum(i in {s}) {p}[i] * {x}[i] - {y}",
             "subject to", f"  {c}[i in {s}]: {x}[i] + {y} >= {p}[i]"]
    return Case("names", f"names-{k}-{'-'.join(picks)}"[:80], {"text": "\n".join(lines)})


_MAKERS = {"opt": _make_opt, "mps": _make_mps, "lp": _make_lp, "cli": _make_cli,
           "api": _make_api, "names": _make_names}


# ---- the API calls ---------------------------------------------------------------------------
def _hostile_float(rng: random.Random) -> Any:
    """A hostile value where the API takes data (bounds, starts, params, arrays)."""
    return rng.choice([math.nan, math.inf, -math.inf, 1e308, -1e308, 1e30, 1e20, 1e16, 0.0, -0.0,
                       1e-320, 3.0, -2.0, None, 10 ** 400, True, "3", [1], 2 ** 2000])


def _hostile_number(rng: random.Random) -> float:
    """A hostile number where the API takes arithmetic (no strings: `x - "3"` is a
    TypeError in Python, as it should be)."""
    return rng.choice([math.nan, math.inf, -math.inf, 1e308, -1e308, 1e30, 1e20, 1e16, 0.0,
                       -0.0, 1e-320, 3.0, -2.0, 10 ** 400, 2 ** 2000])


def _api_model(rng: random.Random) -> Any:
    from symopt import Constraint, Model, Objective, Param, Set, Var, solve
    m = Model("fuzz")
    m.I = Set(initialize=["a", "b", "c"])
    m.p = Param(m.I, initialize={"a": _hostile_float(rng), "b": 2.0, "c": 3.0})
    m.x = Var(m.I, bounds=(_hostile_float(rng), _hostile_float(rng)),
              initialize=_hostile_float(rng))
    m.obj = Objective(expr=sum(m.p[i] * m.x[i] for i in m.I))
    m.c = Constraint(expr=m.x["a"] + m.x["b"] >= _hostile_number(rng))
    options = rng.choice([None, {"maxiter": 10 ** 400}, {"foo": 1}, {"maxiter": 5}, {"tol": math.nan}])
    return m, solve(m, options=options, time_limit=rng.choice([None, 5.0, -1.0, math.nan]))


def _api_nonlinear(rng: random.Random) -> Any:
    from symopt import Model, Objective, Var, exp, solve
    m = Model("fuzz_nlp")
    m.x = Var(bounds=(_hostile_float(rng), _hostile_float(rng)), initialize=_hostile_float(rng))
    m.y = Var(initialize=rng.choice([0.0, 1.0, 1e10]))
    power = rng.choice([2, 3, 4])
    m.obj = Objective(expr=(m.x - _hostile_number(rng)) ** 2 + m.y ** power
                      + rng.choice([0, 1]) * exp(m.y))
    return m, solve(m, time_limit=5.0)


def _api_linprog(rng: random.Random) -> Any:
    from symopt.optimize import linprog
    n = rng.randint(1, 4)
    c = [rng.choice([1.0, -1.0, _hostile_float(rng)]) for _ in range(n)]
    A = [[rng.choice([1.0, 2.0, _hostile_float(rng)]) for _ in range(n)]]
    b = [rng.choice([4.0, _hostile_float(rng)])]
    bounds = rng.choice([(0, None), (None, None), (math.nan, 1), (5, 1), [(0, 1)] * n, "x"])
    result = linprog(c, A_ub=A, b_ub=b, bounds=bounds,
                     method=rng.choice([None, "simplex", "interior-point", "nosuch"]))
    if result.success:
        result.wrong = _linprog_oracle(result, c, A, b, bounds)
    return result


def _linprog_oracle(result: Any, c: Any, A: Any, b: Any, bounds: Any) -> str | None:
    """Why a linprog "success" is wrong (scipy's HiGHS as the oracle), or None."""
    from scipy.optimize import linprog as reference
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = reference(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    except (ValueError, TypeError, OverflowError):
        return None                      # the oracle refuses what symopt accepted: no verdict
    x = np.asarray(result.x, dtype=float)
    matrix, rhs = np.asarray(A, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(all="ignore"):
        slack = 1e-6 * (1 + np.abs(rhs) + np.abs(matrix) @ np.abs(x))
        if np.any(matrix @ x > rhs + slack):
            return f"success, but A_ub @ x > b_ub at x = {x}"
    numbers = np.abs(np.concatenate([np.ravel(np.asarray(p, dtype=float)) for p in (c, A, b)]))
    if np.any((numbers >= 1e15) | ((numbers > 0) & (numbers < 1e-300))):
        return None      # HiGHS's conventions differ here (1e20 is infinite, 1e308 an error)
    if expected.status in (2, 3):
        return f"success ({result.fun}), HiGHS says: {expected.message}"
    if expected.status == 0 and not math.isclose(result.fun, expected.fun, rel_tol=1e-6,
                                                 abs_tol=1e-6):
        return f"success with {result.fun}, HiGHS finds {expected.fun}"
    return None


def _api_minimize(rng: random.Random) -> Any:
    from symopt.optimize import minimize
    x0 = [rng.choice([1.0, _hostile_float(rng)]) for _ in range(2)]
    method = rng.choice([None, "bfgs", "l-bfgs-b", "nelder-mead", "slsqp", "trust-exact", "cg"])
    result = minimize(lambda x: float(np.sum((np.asarray(x) - 1) ** 2)), x0, method=method,
                      options=rng.choice([None, {"maxiter": 10 ** 400}, {"maxiter": -1},
                                          {"bogus": 1}]))
    if result.success and not np.allclose(result.x, 1.0, atol=1e-3):
        result.wrong = f"success at x = {result.x}, the minimum is (1, 1)"
    return result


def _small_model(rng: random.Random) -> Any:
    """A tiny valid model (two sets, a family of variables, params, a row family) whose
    components the hostile calls below then misuse."""
    from symopt import Constraint, Model, Objective, Param, Set, Var
    m = Model("fuzz_small")
    m.I = Set(initialize=["a", "b", "c"])
    m.J = Set(m.I, initialize={"a": [1], "b": [1, 2], "c": []})
    m.p = Param(m.I, initialize={"a": 1.0, "b": 2.0, "c": 3.0}, mutable=True)
    m.x = Var(m.I, bounds=(0, 10))
    m.c = Constraint(m.I, rule=lambda m, i: m.x[i] >= m.p[i])
    m.obj = Objective(expr=sum(m.x[i] for i in m.I))
    return m


_HOSTILE_KEYS = (["a"], {"a": 1}, {"a"}, None, ("a", "b"), ("a",), "z", math.nan, 1.5, -1,
                 Ellipsis, (), ((),), b"a", "a" * 10_000, True)


def _api_indexing(rng: random.Random) -> Any:
    """Index a component with a hostile key: a value, or a ModelError naming it."""
    m = _small_model(rng)
    component = rng.choice([m.x, m.p, m.c, m.J, m.I])
    key = rng.choice(_HOSTILE_KEYS + (np.array([1, 2]), slice(None)))
    action = rng.choice(["get", "contains", "set"])
    if action == "get":
        component[key]
    elif action == "contains":
        if not isinstance(key in component, bool):
            raise AssertionError("a membership test gave no bool")
    elif component is m.p:
        m.p[key] = rng.choice([1.0, math.nan, "3", None, 10 ** 400])
    return None


def _api_param(rng: random.Random) -> Any:
    """Hostile Param data (values, keys, defaults, later writes), then a solve."""
    from symopt import Constraint, Model, Objective, Param, Set, Var, solve
    m = Model("fuzz_param")
    m.I = Set(initialize=rng.choice([["a", "b"], [1, 2], [], [("a", 1), ("b", 2)], ["a", "a"]]))
    values = rng.choice([{"a": _hostile_float(rng), "b": 1.0}, {"zz": 1.0}, [1.0, 2.0], "ab",
                         {("a",): 1.0}, lambda m, i: _hostile_float(rng), 7.0, {1: 1.0, 2: 2.0},
                         {}, None])
    m.p = Param(m.I, initialize=values, default=rng.choice([None, 0.0, _hostile_float(rng)]),
                mutable=rng.random() < 0.5)
    if m.p.mutable and rng.random() < 0.5:
        m.p[rng.choice(list(m.I) or ["a"])] = _hostile_float(rng)
    m.x = Var(m.I, bounds=(0, 10))
    m.obj = Objective(expr=sum(m.p[i] * m.x[i] for i in m.I) if len(m.I) else 0)
    m.c = Constraint(m.I, rule=lambda m, i: m.x[i] >= m.p[i] / 10)
    return m, solve(m, time_limit=5.0)


def _api_constraint(rng: random.Random) -> Any:
    """Hostile right-hand sides, ranges and rule results, then a solve."""
    from symopt import Constraint, Model, Objective, Set, Var, solve
    m = Model("fuzz_rows")
    m.I = Set(initialize=[1, 2])
    m.x = Var(m.I, bounds=(rng.choice([0, None, -1e30]), rng.choice([10, None, 1e30])))
    h = _hostile_number(rng)
    rule = rng.choice([
        lambda m, i: m.x[i] >= h, lambda m, i: m.x[i] <= h, lambda m, i: m.x[i] == h,
        lambda m, i: (h, m.x[i], _hostile_number(rng)), lambda m, i: (None, m.x[i], None),
        lambda m, i: True, lambda m, i: None, lambda m, i: "x >= 1", lambda m, i: 3.0,
        lambda m, i: Constraint.Skip, lambda m, i: m.x[i] * h >= h, lambda m, i: (m.x[i], 1),
        lambda m, i: m.x[i] / h >= 1, lambda m, i: m.x[i] ** h >= 1,
    ])
    m.c = Constraint(m.I, rule=rule)
    m.obj = Objective(expr=sum(m.x[i] for i in m.I), sense=rng.choice(["minimize", "maximize"]))
    return m, solve(m, time_limit=5.0)


def _api_solve_arguments(rng: random.Random) -> Any:
    """A valid model solved with hostile arguments: method, solver, options, time limit."""
    from symopt import solve
    m = _small_model(rng)
    return m, solve(m, method=rng.choice([None, "", "nosuch", "simplex", "bfgs", 3, "SIMPLEX"]),
                    options=rng.choice([None, "maxiter=5", [("maxiter", 5)], {"maxiter": "10"},
                                        {"maxiter": True}, {1: 2}, {"maxiter": 10 ** 400},
                                        {"time_limit": -1}, {"tol": 0.0}]),
                    time_limit=rng.choice([None, "5", [5], True, -0.0, math.inf, 1e-9]))


def _api_fit(rng: random.Random) -> Any:
    """symopt.fit with hostile data, starts, bounds and weights."""
    import sympy

    from symopt import fit
    a, k, t = sympy.symbols("a k t")
    n = rng.choice([0, 1, 2, 10])
    ts = np.linspace(0.0, 2.0, n)
    ys = 2.0 * np.exp(-0.5 * ts)
    spoil = rng.choice(["none", "nan", "inf", "length", "shape", "huge"])
    if spoil == "nan" and n:
        ys[0] = math.nan
    elif spoil == "inf" and n:
        ts[-1] = math.inf
    elif spoil == "length":
        ys = ys[:-1] if n else np.ones(3)
    elif spoil == "shape":
        ys = np.ones((n, 2))
    elif spoil == "huge" and n:
        ys = ys * 1e300
    start = rng.choice([{a: 1.0, k: 1.0}, {a: 1.0}, {a: math.nan, k: 1.0}, {a: "1", k: 1.0},
                        {a: 1.0, k: 1.0, t: 0.0}, {}])
    bounds = rng.choice([None, {a: (0, 10)}, {a: (10, 0)}, {k: (math.nan, 1)}, {a: "x"}])
    sigma = rng.choice([None, np.ones(n), np.zeros(n), -np.ones(n), np.ones(n + 1)])
    return fit(a * sympy.exp(-k * t), t, ts, ys, start, bounds=bounds, sigma=sigma,
               method=rng.choice([None, "lm", "trf", "nosuch"]))


def _api_front_doors(rng: random.Random) -> Any:
    """root, least_squares, curve_fit and milp with hostile starts, shapes and options;
    a success is checked against the known answer."""
    from symopt.optimize import curve_fit, least_squares, milp, root
    door = rng.choice(["root", "least_squares", "curve_fit", "milp"])
    x0 = [rng.choice([1.0, 0.5, _hostile_float(rng)]) for _ in range(2)]
    shape = rng.choice(["right", "right", "short", "scalar", "nan"])

    def residuals(x: Any) -> Any:
        r = np.array([x[0] ** 2 - 4.0, x[1] - 1.0])
        return {"right": r, "short": r[:1], "scalar": float(r[0]),
                "nan": r * math.nan}[shape]
    if door == "root":
        result = root(residuals, x0, method=rng.choice(["hybr", "lm", "broyden1", "nosuch"]),
                      options=rng.choice([None, {"maxiter": -1}, {"xtol": math.nan}]))
        if result.success and not np.allclose(np.abs(result.x), [2.0, 1.0], atol=1e-5):
            result.wrong = f"success at x = {result.x}, the roots are (+-2, 1)"
    elif door == "least_squares":
        bounds = rng.choice([(-np.inf, np.inf), (0, 10), (10, 0), ([0, 0], [1]), (math.nan, 1)])
        result = least_squares(residuals, x0, method=rng.choice(["trf", "lm", "dogbox"]),
                               bounds=bounds)
        if result.success and shape == "right" and bounds == (-np.inf, np.inf):
            x, r = np.asarray(result.x, dtype=float), residuals(result.x)
            gradient = np.array([2.0 * x[0] * r[0], r[1]])
            if not np.all(np.abs(gradient) <= 1e-4 * (1.0 + np.abs(r).max())):
                result.wrong = f"success at x = {x}, where the gradient is {gradient}"
    elif door == "curve_fit":
        xdata = np.linspace(0.0, 1.0, rng.choice([0, 1, 5]))
        ydata = 3.0 * xdata + 1.0
        p, _ = curve_fit(lambda x, a, b: a * x + b, xdata, ydata,
                         p0=rng.choice([None, x0, [1.0], [1.0, 2.0, 3.0]]))
        if not np.allclose(p[0] * xdata + p[1], ydata, atol=1e-6):   # 1 point: any line through it
            return _Judged(True, f"curve_fit returned {p}, which misses the points of 3x + 1")
        return None
    else:
        result = milp(rng.choice([[-1.0, -2.0], [math.nan, 1.0], [1.0]]),
                      integrality=rng.choice([None, [1, 1], [1], [3, 0], "x"]),
                      bounds=rng.choice([None, (0, 3), (3, 0), (0, math.inf)]),
                      options=rng.choice([None, {"time_limit": -1}, {"bogus": 1}]))
    return result


@dataclass
class _Judged:
    """An API call's own verdict on a result that is not an OptimizeResult."""

    success: bool
    wrong: str | None = None
    status: int = 0
    x: tuple = ()


_API_CALLS: dict[str, Callable[[random.Random], Any]] = {
    "model": _api_model, "nonlinear": _api_nonlinear, "linprog": _api_linprog,
    "minimize": _api_minimize, "indexing": _api_indexing, "param": _api_param,
    "constraint": _api_constraint, "solve_arguments": _api_solve_arguments, "fit": _api_fit,
    "front_doors": _api_front_doors,
    # the harness's own checks (never generated): a bug and a hang must be reported as such
    "_raises": lambda rng: 1 / 0, "_sleeps": lambda rng: time.sleep(3600),
}


def warm_up() -> None:
    """Import and build what the cases use once, before forking, so that each child starts
    warm (the parser tables, sympy, the solvers)."""
    import symopt.cli  # noqa: F401
    import symopt.compile.from_model  # noqa: F401
    import symopt.io  # noqa: F401
    import symopt.optimize._linear.simplex  # noqa: F401
    import symopt.pipeline  # noqa: F401
    from symopt.dsl import check_text
    from symopt.dsl.parser import get_parser
    get_parser()
    check_text("var x = 1\nminimize f: (x - 1)^2")
    from symopt.dsl import loads
    from symopt.dsl.solving import solve_loaded
    solve_loaded(loads("var x = 1\nminimize f: (x - 1)^2 + x^4"))
    solve_loaded(loads("var x >= 0\nminimize f: x\nsubject to\n c: x >= 1"), method="simplex")


def run_suites(counts: dict[str, int], seed: int, timeout: float,
               progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Generate and run ``counts[suite]`` cases of each suite; every outcome, in order."""
    outcomes = []
    for suite, count in counts.items():
        if suite in ("mps", "lp") and not netlib_texts():
            continue
        for case in make_cases(suite, count, seed):
            outcome = run_isolated(case, timeout)
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """The fuzz table of issue 17: cases per suite and how each ended."""
    head = ["suite", "cases", "clean errors", "statuses", "successes", "internal errors",
            "hangs", "wrong successes", "check/solve mismatches"]
    kinds = ("error", "status", "success", "internal", "hang", "wrong", "mismatch")
    rows = []
    for suite in (*SUITES, "total"):
        mine = [o for o in outcomes if suite in (o.suite, "total")]
        if not mine:
            continue
        rows.append([suite, len(mine), *(sum(o.kind == k for o in mine) for k in kinds)])
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(v).rjust(w) if i else str(v).ljust(w)
                                for i, (v, w) in enumerate(zip(r, widths))) + " |" for r in rows]
    return "\n".join(lines)
