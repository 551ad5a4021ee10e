"""The `.opt` model language: parse a model file into a `symopt.Model` (lark lives only here).

``load(path)`` returns the model (raising the first error); ``read(path)`` returns a
`BuildResult` with the model, its ``options`` line and, for ``fit``, the `FitSpec`;
``check(path)`` lists every error it can find without raising.

>>> result = loads("var x = 1\\nminimize f: (x - 3)^2")
>>> result.kind, result.errors
('minimize', [])
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from symopt.errors import ParseError, SymoptError

__all__ = ["load", "loads", "read", "check", "check_text"]

#: model text from this many characters on is checked as arrays first when it is linear
ARRAY_CHECK_SIZE = 1_000_000


def loads(text: str, filename: str = "<string>", base_dir: str | Path | None = None,
          data: str | Path | list | None = None, params: dict | list | None = None,
          trace: Any = None, tree: Any = None) -> Any:
    """Parse and build `.opt` source text; returns a `BuildResult` (errors collected).

    ``data`` is a data file (or a list of them) giving values to the model's sets and
    params; ``params`` sets params (``{"target": 0.02, "cap[a]": 3}`` or ``["target=0.02"]``).
    A syntax error raises `symopt.ParseError` at once (nothing after it can be trusted).
    ``trace`` is passed to `symopt.dsl.builder.build` (parameter sweeps); ``tree`` is the
    text's parse when the caller already has it. The model can be built again at other param values (`symopt.Model.params_at`), which
    is how a file's ``symbolic`` params get their parametric answers.
    """
    from symopt.dsl.builder import build
    from symopt.dsl.data import model_folder
    from symopt.dsl.overrides import ParamOverrides, read_data_file
    from symopt.dsl.parser import parse
    tree = parse(text, filename) if tree is None else tree
    base = model_folder(filename, base_dir)
    paths = [] if data is None else [data] if isinstance(data, (str, Path)) else list(data)
    data_files = [read_data_file(path) for path in paths]
    overrides = ParamOverrides.from_options(params)

    def build_at(values: dict[str, float]) -> Any:
        moved = ParamOverrides(given=overrides.given + ParamOverrides.from_options(values).given)
        again = build(parse(text, filename), text, filename, base, data_files, moved, trace)
        if again.errors:
            raise again.errors[0]
        return again.model

    result = build(tree, text, filename, base, data_files, overrides, trace)
    result.model.rebuilt_by(build_at)
    return result


def _text_of(path: str | Path) -> str:
    """The model file's text, within `symopt.limits` (a regular file of bounded size)."""
    from symopt.limits import read_text
    return read_text(path, "model file")


def read(path: str | Path, data: str | Path | list | None = None,
         params: dict | list | None = None, as_arrays: bool = False) -> Any:
    """Read a model file into a `BuildResult`; raises its first error, if any.

    ``data`` and ``params`` are as in `loads`. When a file has several errors, the first is
    raised and its message counts the rest (``symopt check FILE`` lists them all).

    With ``as_arrays``, a linear file of `ARRAY_CHECK_SIZE` characters or more (and no
    ``data`` or ``params``) that passes every check `solve` makes first comes back as its
    `symopt.dsl.vectorize.ArrayModel` (``.lp``, ``.solve_arguments``; no `Model`, so no
    values written back). Any other file is built as a `Model`, from the same parse.
    """
    from symopt.dsl.parser import parse
    text, filename = _text_of(path), str(path)
    tree = parse(text, filename)
    if as_arrays and not data and not params and len(text) >= ARRAY_CHECK_SIZE:
        from symopt.dsl.linear_check import clean_arrays
        arrays = clean_arrays(text, filename, tree=tree)
        if arrays is not None:
            return arrays
    result = loads(text, filename, data=data, params=params, tree=tree)
    if result.errors:
        first = result.errors[0]
        if len(result.errors) > 1:
            first.message += (f" (and {len(result.errors) - 1} more error(s); run "
                              f"'symopt check {path}' to see them all)")
        raise first
    return result


def load(path: str | Path, data: str | Path | list | None = None,
         params: dict | list | None = None) -> Any:
    """Read a model file and return its `symopt.Model` (``data``/``params`` as in `loads`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.opt"
    >>> _ = path.write_text("var x >= 1\\nminimize cost: 2*x")
    >>> load(path).name
    'm'
    """
    return read(path, data, params).model


def check_text(text: str, filename: str = "<string>", base_dir: str | Path | None = None,
               data: str | Path | list | None = None,
               params: dict | list | None = None) -> list[SymoptError]:
    """Every error found in `.opt` text: all syntax errors, else all semantic errors."""
    from symopt.dsl.parser import parse, syntax_errors
    try:
        tree = parse(text, filename)
        if not data and not params and len(text) >= ARRAY_CHECK_SIZE:
            from symopt.dsl.linear_check import passes_as_arrays
            if passes_as_arrays(text, filename, base_dir, tree):
                return []
        result = loads(text, filename, base_dir, data, params, tree=tree)
    except ParseError as error:
        if error.location is not None and error.location.file != filename:
            return [error]                   # in a data file
        return syntax_errors(text, filename)
    except SymoptError as error:
        return [error]
    if result.errors:
        return list(result.errors)
    return _analysis_errors(result, text, filename)


def _analysis_errors(result: Any, text: str, filename: str) -> list[SymoptError]:
    """What the model analysis and the steps before solving find (a constant objective,
    integers in an NLP, a coefficient beyond 1e15, an unknown option, ...), located at
    the option, or else at the declaration of the first component the message names."""
    try:
        _before_solving(result)
    except SymoptError as error:
        return [result.locate(error)]
    return []


def _before_solving(result: Any) -> None:
    """Everything `solve` checks before it starts the solver, without solving: the
    analysis, the LP screen or the start point (`symopt.compile.screen`), routing and
    option names."""
    import warnings

    from symopt.options import check_options
    from symopt.routing import route
    settings = result.solve_arguments
    options = settings.get("options")
    if result.kind == "fit":        # the steps of symopt.symbolic.fit short of solving
        from symopt.dsl.solving import fit_arguments
        from symopt.symbolic import prepare_fit
        prepare_fit(*fit_arguments(result.fit), method=settings.get("method"),
                    solver=settings.get("solver"), options=options,
                    dependent_name=result.fit.dependent)
        return
    from symopt.analysis import analyze
    structure = analyze(result.model)
    from symopt.compile import screen
    if structure.problem_class in ("LP", "MILP"):
        from symopt.compile.linear import extract_linear
        problem, _ = screen.screen_linear_program(extract_linear(structure))
    else:
        from symopt.compile.from_model import compile_equation_model, compile_model
        problem = (compile_equation_model if structure.problem_class == "equations"
                   else compile_model)(structure)
        screen.check_start_point(problem)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = route(structure, settings.get("solver"), settings.get("method"), options,
                     num_variables=problem.num_cols)
    check_options(plan, options, problem)


def check(path: str | Path, data: str | Path | list | None = None,
          params: dict | list | None = None) -> list[SymoptError]:
    """Every error found in a model file, in file order; an empty list when it is fine."""
    try:
        text = _text_of(path)
    except SymoptError as error:
        return [error]
    return check_text(text, str(path), data=data, params=params)
