"""`.opt` syntax tree -> `symopt.Model`, through the public modeling API.

Each statement is checked and turned into model components in order; a statement that
is wrong records a `ModelError` with its location and the builder goes on, so that
`symopt check` reports every mistake it can find. Names that depend on a broken
statement are not reported again (one mistake, one message).

>>> from symopt.dsl.parser import parse
>>> text = "var x = 1\\nminimize f: (x - 2)^2"
>>> result = build(parse(text, "m.opt"), text, "m.opt")
>>> result.errors, result.kind
([], 'minimize')
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from lark import Token, Tree

from symopt.dsl import emit, setdefs
from symopt.dsl.data import Table, did_you_mean, read_table
from symopt.dsl.definitions import named_expression, run_check
from symopt.dsl.errors import end_position, location_at
from symopt.dsl.evaluate import Evaluator, Symbols, VarEntry, compare, format_key, number_of
from symopt.dsl.fitting import add_fit
from symopt.dsl.overrides import DataFile, ParamOverrides
from symopt.dsl.params import param_values, without_symbolic_mark
from symopt.errors import ModelError, RoutingError, SymoptError

__all__ = ["BuildResult", "build"]

_SOLVE_OPTIONS = ("solver", "method", "time_limit")
_DATA = "data "          # marks a failed 'data' statement in `_Builder.broken` (no name has a space)


@dataclass
class BuildResult:
    """What a model file produced: the model, its options, and every error found."""

    model: Any
    options: dict[str, Any] = field(default_factory=dict)
    errors: list[SymoptError] = field(default_factory=list)
    kind: str = ""            # "minimize", "maximize", "solve", "fit", "feasibility" or ""
    fit: Any = None           # a `symopt.dsl.fitting.FitSpec` for a 'fit' statement
    declared: dict[str, Any] = field(default_factory=dict)   # name -> the token declaring it
    option_locations: dict[str, Any] = field(default_factory=dict)  # option -> SourceLocation
    task_location: Any = None   # SourceLocation of the objective, 'solve' block or 'fit'

    source: tuple[str, str] = ("", "")   # (file name, text): to locate later errors

    def locate(self, error: SymoptError) -> SymoptError:
        """Give an error raised after the build (analysis, routing, solving) a place in the
        file: the option it is about (``error.option``, or the solver/method it names) on
        the ``options`` line, else the declaration of the first name it quotes, else the
        statement that sets the task (a start point a fit cannot use: the 'fit' line)."""
        if error.location is not None or not self.source[0]:
            return error
        key = getattr(error, "option", None)
        if key is None and isinstance(error, RoutingError):
            key = next((k for k in ("method", "solver") if k in self.options
                        and repr(str(self.options[k])) in error.message), None)
        if key in self.option_locations:
            error.location = self.option_locations[key]
        if key is not None:         # an option from the command line is not in the file
            return error
        filename, text = self.source
        token = next((self.declared[name.split("[")[0]] for name in
                      re.findall(r"'([^']+)'", error.message)
                      if name.split("[")[0] in self.declared), None)
        if token is None and self.task_location is not None:
            error.location = self.task_location
            return error
        line, column = (token.line, token.column) if token is not None else (1, 1)
        error.location = location_at(text, filename, line, column)
        return error

    @property
    def solve_arguments(self) -> dict[str, Any]:
        """``solver``, ``method``, ``time_limit`` and ``options`` for `symopt.solve`."""
        arguments = {key: self.options[key] for key in _SOLVE_OPTIONS if key in self.options}
        rest = {k: v for k, v in self.options.items() if k not in _SOLVE_OPTIONS}
        if rest:
            arguments["options"] = rest
        return arguments


class _Broken(ModelError):
    """A reference to a name whose own definition already failed (not reported again)."""


class _Builder:
    def __init__(self, text: str, filename: str, base_dir: Path,
                 data_files: list[DataFile] = (), overrides: ParamOverrides | None = None):
        self.symbols = Symbols(model_function=emit.model_function)
        self.evaluator = Evaluator(self.symbols, filename, text)
        self.base_dir = base_dir
        self.data_files = list(data_files)
        self.overrides = overrides or ParamOverrides()
        self.model = emit.new_model(Path(filename).stem)
        self.result = BuildResult(self.model, source=(filename, text))
        self.defined: dict[str, Token] = self.result.declared
        self.broken: set[str] = set()
        self.data_table: Table | None = None      # the table of the 'data' statement
        self.square_check: list[tuple[Tree, int]] = []
        self.has_constraints = False
        self.trace: Any = None                    # see build()

    # ---- driver -----------------------------------------------------------------------------
    def run(self, tree: Tree) -> BuildResult:
        for statement in tree.children:
            self.attempt(statement, lambda: getattr(self, f"_{statement.data}")(statement))
        self._finish(tree)
        return self.result

    def attempt(self, node: Tree, work: Any) -> Any:
        """Run ``work()``; record its error (located at ``node`` when it has no location)."""
        try:
            return work()
        except _Broken:
            return None
        except RecursionError:
            error: SymoptError = self.fail("the expression is nested too deeply", node)
        except SymoptError as raised:
            error = raised
            if error.location is None:
                error.location = self.evaluator.location(node)
        self.result.errors.append(error)
        return None

    def _finish(self, tree: Tree) -> None:
        self._unused_values()
        if not self.result.kind and self.has_constraints:
            self.result.kind = "feasibility"
        if not self.result.kind and not self.result.errors:
            evaluator = self.evaluator
            line, column = end_position(evaluator.text)
            self.result.errors.append(ModelError(
                "the model has nothing to do: add an objective (minimize name: ...), "
                "a 'solve' block of equations or a 'fit' statement",
                location_at(evaluator.text, evaluator.filename, line, column)))
        for node, equations in self.square_check:
            unknowns = sum(1 if entry.keys is None else len(entry.keys)
                           for entry in self.symbols.variables.values())
            if equations != unknowns:
                self.result.errors.append(self.evaluator.fail(
                    f"the 'solve' block is not square: {equations} equation(s) for {unknowns} "
                    "unknown(s); a system of equations needs as many equations as variables",
                    node))

    def fail(self, message: str, node: Any) -> ModelError:
        return self.evaluator.fail(message, node)

    def declare(self, token: Token, kind: str) -> str:
        name = str(token)
        if name in self.defined:
            first = self.defined[name]
            raise self.fail(f"'{name}' is already defined (line {first.line}); "
                            f"choose another name for this {kind}", token)
        if name.startswith("__"):
            self.broken.add(name)
            raise self.fail(f"names starting with '__' are reserved; rename '{name}'", token)
        self.defined[name] = token
        return name

    def guard(self, node: Tree) -> None:
        """Raise `_Broken` when ``node`` mentions a name whose definition failed."""
        if self.broken and any(isinstance(t, Token) and t.type == "NAME" and str(t) in self.broken
                               for t in node.scan_values(lambda v: isinstance(v, Token))):
            raise _Broken("depends on a broken definition")

    def defining(self, name: str, node: Tree, work: Any) -> Any:
        """Run ``work()``; on failure mark ``name`` broken so later uses stay quiet."""
        try:
            self.guard(node)
            return work()
        except SymoptError:
            self.broken.add(name)
            raise

    # ---- data from elsewhere: data files and --param --------------------------------------
    def supplied(self, name: str) -> tuple[Tree, DataFile] | None:
        """The data-file statement giving ``name`` its value, if any."""
        for data in self.data_files:
            if name in data.statements:
                data.used.add(name)
                return data.statements[name], data
        return None

    @contextmanager
    def reading(self, data: DataFile | None) -> Iterator[None]:
        """Evaluate (and locate errors) in ``data``'s file while the block runs."""
        if data is None:
            yield
            return
        saved = self.evaluator, self.base_dir
        self.evaluator = Evaluator(self.symbols, data.path, data.text)
        self.base_dir = data.base_dir
        try:
            yield
        finally:
            self.evaluator, self.base_dir = saved

    def _unused_values(self) -> None:
        for data in self.data_files:
            for name, statement in data.statements.items():
                if name not in data.used and name not in self.broken:
                    with self.reading(data):
                        kind = "param" if statement.data == "param_stmt" else "set"
                        self.result.errors.append(self.fail(
                            f"the data file gives {kind} '{name}', which the model does not "
                            f"declare{did_you_mean(name, list(self.defined))}",
                            statement.children[0]))
        self.result.errors.extend(self.overrides.unused(list(self.symbols.params)))

    # ---- sets and params --------------------------------------------------------------------
    def _set_def(self, node: Tree) -> None:
        token, *rest = node.children
        spec = rest[0] if isinstance(rest[0], Tree) and rest[0].data == "index_spec" else None
        if spec is not None:
            name = self.declare(token, "set")
            family = self.defining(name, node, lambda: setdefs.indexed_set(
                self, name, spec, rest[-1], setdefs.attributes(rest)))
            self.symbols.indexed_sets[name] = family
            return
        self._plain_set(node, lambda: setdefs.set_members(self, rest[-1]))

    def _set_csv(self, node: Tree) -> None:
        self._plain_set(node, lambda: self._csv_set(node))

    def _set_decl(self, node: Tree) -> None:
        def missing() -> list:
            raise self.fail(f"set '{node.children[0]}' has no members: give '= ...' or "
                            "'from \"file.csv\"', or its value in a data file (--data)", node)
        self._plain_set(node, missing)

    def _csv_set(self, node: Tree) -> list:
        token, *rest = node.children
        path = next(child for child in rest if isinstance(child, Token))
        columns = rest[-1] if isinstance(rest[-1], Tree) and rest[-1].data == "set_columns" \
            else None
        return setdefs.csv_members(self, node, path, columns, setdefs.attributes(rest))

    def _plain_set(self, node: Tree, members: Any) -> None:
        """A set whose members come from ``members()`` or from a data file's statement."""
        token = node.children[0]
        name = self.declare(token, "set")
        attrs = setdefs.attributes(node.children)

        def build_members() -> list:
            supplied = self.supplied(name)
            if supplied is None:
                elements = members()
            else:
                statement, data = supplied
                with self.reading(data):
                    elements = (setdefs.set_members(self, statement.children[-1])
                                if statement.data == "set_def" else
                                self._csv_set(Tree("set_csv", [statement.children[0], *attrs,
                                                                *statement.children[1:]],
                                                   statement.meta)))
            setdefs.check_attributes(self, name, elements, attrs)
            return elements
        self.symbols.sets[name] = self.defining(name, node, build_members)
        emit.add_set(self.model, name, self.symbols.sets[name])

    def table(self, path_token: Token) -> Table:
        return read_table(str(path_token)[1:-1], self.base_dir,
                          self.evaluator.location(path_token))

    def column_name(self, token: Token) -> str:
        return str(token)[1:-1] if token.type == "STRING" else str(token)

    def _param_stmt(self, node: Tree) -> None:
        node, symbolic = without_symbolic_mark(node)
        token = node.children[0]
        name = self.declare(token, "param")
        def values() -> tuple[Any, str]:
            value, label = param_values(self, node, self.supplied(name))
            if symbolic and label:
                raise self.fail(f"param '{name}' is indexed, and only a scalar param can be "
                                "symbolic: declare one symbolic param per entry you want "
                                "formulas in", token)
            return self.overrides.apply(name, value, label), label
        value, label = self.defining(name, node, values)
        self.symbols.params[name] = value if self.trace is None else self.trace(name, value)
        if label:
            self.symbols.param_sets[name] = label
        emit.add_param(self.model, name, value, symbolic=symbolic)

    # ---- variables --------------------------------------------------------------------------
    def _var_stmt(self, node: Tree) -> None:
        for declaration in node.children:
            self.attempt(declaration, lambda: self._var_decl(declaration))

    def _var_decl(self, node: Tree) -> None:
        token, *rest = node.children
        name = self.declare(token, "variable")
        spec = rest.pop(0) if rest and isinstance(rest[0], Tree) and rest[0].data == "index_spec" \
            else None
        entry = self.defining(name, node, lambda: self._make_var(name, spec, rest, node))
        self.symbols.variables[name] = entry

    def _make_var(self, name: str, spec: Tree | None, attributes: list[Tree],
                  node: Tree) -> VarEntry:
        kinds = [attribute.data for attribute in attributes]
        for kind in set(kinds):
            if kinds.count(kind) > 1:
                raise self.fail(f"variable '{name}' has more than one '{kind}' "
                                "attribute", node)
        domain = "binary" if "binary" in kinds else "integer" if "integer" in kinds else "real"
        scopes = self.index_scopes(spec)
        settings = {key: self._var_settings(attributes, scope, domain)
                    for scope, key in scopes}
        indexed = spec is not None
        label = self.evaluator.set_label(self.iterators(spec)) if indexed else ""
        get = emit.add_var(self.model, name, settings, domain, indexed)
        keys = frozenset(settings) if indexed else None
        return VarEntry(name, get, keys, label, tuple(settings) if indexed else ())

    def _var_settings(self, attributes: list[Tree], scope: dict, domain: str) -> dict:
        settings: dict[str, float | None] = {"lower": None, "upper": None, "start": None}
        if domain == "binary":
            settings.update(lower=0, upper=1)
        for attribute in attributes:
            if attribute.data in ("lower", "upper", "start_value"):
                key = "start" if attribute.data == "start_value" else attribute.data
                settings[key] = self.evaluator.number(attribute.children[0], scope)
        return settings

    def iterators(self, spec: Tree | None) -> list[Tree]:
        if spec is None:
            return []
        return [child for child in spec.children if child.data != "condition"]

    def index_scopes(self, spec: Tree | None) -> list[tuple[dict, Any]]:
        """(scope, key) of each member of an index list; a lone ``(scope, None)`` if none."""
        if spec is None:
            return [({}, None)]
        condition = next((c for c in spec.children if c.data == "condition"), None)
        return list(self.evaluator.iterate(self.iterators(spec), condition, {}))

    # ---- named expressions and checks -------------------------------------------------------
    def _expr_stmt(self, node: Tree) -> None:
        name = self.declare(node.children[0], "expression")
        value, label = self.defining(name, node, lambda: named_expression(self, node))
        self.symbols.expressions[name] = value
        if label:
            self.symbols.expression_sets[name] = label
        emit.add_expression(self.model, name, value)

    def _check_stmt(self, node: Tree) -> None:
        if isinstance(node.children[0], Token):
            self.declare(node.children[0], "check")
        self.guard(node)
        run_check(self, node)

    # ---- objective and constraints ----------------------------------------------------------
    def _objective(self, node: Tree) -> None:
        sense, *rest = node.children
        token = rest[0] if len(rest) == 2 else None
        body = rest[-1]
        if self.result.kind in ("minimize", "maximize"):
            raise self.fail("a model has one objective; this is a second one", node)
        if self.result.kind in ("solve", "fit"):
            raise self.fail(f"an objective cannot be combined with a '{self.result.kind}' "
                            "statement", node)
        name = self.declare(token, "objective") if token is not None else "objective"
        self.guard(body)
        expression = self.evaluator.expression(body, {})
        emit.add_objective(self.model, name, expression, str(sense))
        self.result.kind = str(sense)
        self.result.task_location = self.evaluator.location(node)

    def _constraint_block(self, node: Tree) -> None:
        self._constraints(node, equations_only=False)
        self.has_constraints = True

    def _solve_block(self, node: Tree) -> None:
        if self.result.kind and self.result.kind != "solve":
            raise self.fail(f"a 'solve' block cannot be combined with '{self.result.kind}'",
                            node)
        self.result.kind = "solve"
        self.result.task_location = self.evaluator.location(node)
        before = len(self.result.errors)
        count = self._constraints(node, equations_only=True)
        if len(self.result.errors) == before:   # a broken equation makes the count meaningless
            self.square_check.append((node, count))

    def _constraints(self, node: Tree, equations_only: bool) -> int:
        count = 0
        for constraint in node.children:
            count += self.attempt(constraint,
                                  lambda: self._constraint(constraint, equations_only)) or 0
        return count

    def _constraint(self, node: Tree, equations_only: bool) -> int:
        token, *rest = node.children
        name = self.declare(token, "constraint")
        spec = rest[0] if len(rest) == 2 else None
        relation = rest[-1]
        self.guard(node)
        rows = {}
        for scope, key in self.index_scopes(spec):
            row = self.relation(relation, scope, equations_only, key if spec else None)
            if row is not None:
                rows[key] = row
        emit.add_constraint(self.model, name, rows, spec is not None)
        return len(rows)

    def relation(self, node: Tree, scope: dict, equations_only: bool,
                 key: Any = None) -> tuple | None:
        """(lower, body, upper) of a relation; a constant side goes to the bounds.

        A member of an indexed family without variables (an empty sum, say) is dropped
        when it holds and an error when it cannot; a scalar one is always an error.
        """
        parts = node.children
        ops = [str(op.children[0]) for op in parts[1::2]]
        values = [self.evaluator.expression(part, scope) for part in parts[0::2]]
        if equations_only and ops != ["="] and ops != ["=="]:
            raise self.fail("a 'solve' block holds equations (left = right), not "
                            f"'{' '.join(ops)}'", node)
        if len(values) == 3:
            return self._range(node, ops, values)
        left, right = values
        body = left - right
        if _is_constant(body):
            if key is None or equations_only:
                raise self.fail(f"'{self.evaluator.text_of(node)}' has no variables", node)
            if compare(ops[0], left, right):
                return None
            raise self.fail(f"member [{format_key(key)}] of '{self.evaluator.text_of(node)}' "
                            f"has no variables and cannot hold: {left} {ops[0]} {right}", node)
        if ops[0] in ("=", "=="):
            return (0.0, body, 0.0)
        return (None, body, 0.0) if ops[0] == "<=" else (0.0, body, None)

    def _range(self, node: Tree, ops: list[str], values: list) -> tuple:
        if ops[0] != ops[1] or ops[0] not in ("<=", ">="):
            raise self.fail("a double-sided constraint needs two '<=' or two '>=', got "
                            f"'{ops[0]}' and '{ops[1]}'", node)
        low, body, high = values if ops[0] == "<=" else values[::-1]
        if not (_is_constant(low) and _is_constant(high)):
            raise self.fail("the outer sides of a double-sided constraint must be numbers",
                            node)
        if low > high:
            raise self.fail(f"the range [{low}, {high}] is empty", node)
        return (low, body, high)

    # ---- fit, data, options -----------------------------------------------------------------
    def _data_stmt(self, node: Tree) -> None:
        self.broken.add(_DATA)                 # until the table is read: 'fit' stays quiet
        table = self.table(node.children[0])
        self.broken.discard(_DATA)
        for column in table.names:
            if column in self.defined:
                raise self.fail(f"data column '{column}' of {table.path.name} clashes with "
                                "a name already defined", node)
            self.defined[column] = node.children[0]
            self.symbols.data[column] = emit.data_symbol(self.model, column)
        self.data_table = table

    def _fit_stmt(self, node: Tree) -> None:
        if self.data_table is None and _DATA in self.broken:
            raise _Broken("the data statement failed")
        if self.result.kind:
            raise self.fail(f"a 'fit' statement cannot be combined with '{self.result.kind}'",
                            node)
        add_fit(self, node)
        self.result.kind = "fit"
        self.result.task_location = self.evaluator.location(node)

    def _options_stmt(self, node: Tree) -> None:
        for option in node.children:
            key, value = option.children
            if isinstance(value, Tree):      # a word, possibly with hyphens
                self._set_option(option, str(key), "-".join(map(str, value.children)))
                continue
            text = str(value)
            if value.type in ("NUMBER", "SIGNED_NUMBER_NEG"):
                parsed: Any = self.evaluator.literal(value)
            elif value.type == "STRING":
                parsed = text[1:-1]
            else:
                parsed = text
            self._set_option(option, str(key), parsed)

    def _set_option(self, node: Tree, key: str, value: Any) -> None:
        if key in self.result.options:
            raise self.fail(f"option '{key}' is given twice", node)
        if key == "time_limit" and not (_is_constant(value) and value >= 0):
            raise self.fail(f"option 'time_limit' must be a number of seconds >= 0, got "
                            f"{value!r}", node)
        if key in ("solver", "method") and not isinstance(value, str):
            raise self.fail(f"option '{key}' must be a name, got {value!r}", node)
        self.result.options[key] = value
        self.result.option_locations[key] = self.evaluator.location(node)


def _is_constant(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def build(tree: Tree, text: str, filename: str, base_dir: Path | None = None,
          data_files: list[DataFile] = (), overrides: ParamOverrides | None = None,
          trace: Any = None) -> BuildResult:
    """Turn a parsed `.opt` file into a `BuildResult` (model, options, all errors found).

    ``base_dir`` is where CSV files are looked up (default: the folder of ``filename``);
    ``data_files`` give values to declared sets and params, ``overrides`` are ``--param``
    values. ``trace(name, value)``, if given, may replace a param's value in the
    expressions built after it (`symopt.sweep` passes parameter placeholders); the
    model's Param keeps the numbers.
    """
    base = base_dir if base_dir is not None else Path(filename).resolve().parent
    builder = _Builder(text, filename, base, data_files, overrides)
    builder.trace = trace
    return builder.run(tree)


