"""The `.opt` builder with families generated as arrays, element-wise where it must.

`ArrayBuilder` is the element-wise `_Builder` with four statements replaced: an indexed
param given by a formula, a variable declaration, the objective and each constraint of a
``subject to`` block are evaluated over whole frames (`VectorEvaluator`). A family the
vectorized evaluator cannot express (it raises `Unsupported`) is handed to the element-wise
builder unchanged; its rows are read back from the model components it registered, with
its variables mapped to the same global columns. Every other statement (sets, tables,
CSV data, options, new statements of the language) is the element-wise builder's own.

The builder keeps no Python object per variable, term or row: columns are ranges of
global ids per variable family, rows are coordinate arrays per constraint family.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from lark import Tree

from symopt.dsl.builder import _Builder
from symopt.dsl.indexing import VarEntry
from symopt.dsl.params import without_symbolic_mark
from symopt.dsl.vectorize.evaluate import Family, Table, VectorEvaluator
from symopt.dsl.vectorize.frame import Frame, KeyIndex, Unsupported, Universe
from symopt.dsl.vectorize.lazy import LazyKeys, LazyTable
from symopt.dsl.statements import Constraints, Plain
from symopt.dsl.vectorize.names import NameBlock
from symopt.dsl.vectorize.plain import PlainRows
from symopt.dsl.vectorize.terms import Block, NamedTerms, Terms
from symopt.dsl.vectorize.values import Lin, NamedRows, Num
from symopt.model.expr import VarData, quicksum
from symopt.model.text import member_name
from symopt.model.terms import split_terms

__all__ = ["ArrayBuilder", "RowBlock", "ObjectiveArrays"]


@dataclass
class RowBlock:
    """One constraint family: triplets with rows local to the family, and row bounds."""

    names: NameBlock
    rows: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    blocks: list[Block] = field(default_factory=list)   # nonlinear terms (rows local)


@dataclass
class ObjectiveArrays:
    name: str
    sense: str
    cols: np.ndarray
    coefs: np.ndarray
    constant: float
    blocks: list[Block] = field(default_factory=list)   # nonlinear terms (row 0)


@dataclass
class ColumnSpace:
    """Every variable family's global ids, bounds and integrality, in declaration order."""

    blocks: list[NameBlock] = field(default_factory=list)
    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    integer: list[np.ndarray] = field(default_factory=list)
    start: list[np.ndarray] = field(default_factory=list)   # NaN: no start value
    size: int = 0

    def add(self, block: NameBlock, lower: np.ndarray, upper: np.ndarray, integer: bool,
            start: np.ndarray | None = None) -> int:
        offset = self.size
        block.offset = offset
        self.blocks.append(block)
        self.lower.append(lower)
        self.upper.append(upper)
        self.start.append(np.full(block.size, np.nan) if start is None else start)
        self.integer.append(np.full(block.size, integer))
        self.size += block.size
        return offset


class ArrayBuilder(_Builder):
    """`_Builder` whose params, variables, objective and constraints become arrays."""

    def __init__(self, text: str, filename: str, base_dir: Any,
                 element_wise: tuple[str, ...] = (), nonlinear: bool = False):
        super().__init__(text, filename, base_dir)
        self.forced = frozenset(element_wise)        # families to build element-wise anyway
        self.nonlinear = nonlinear                   # keep element-wise nonlinear families
        self.unassembled = False                     # a family the arrays cannot take in
        self.universe = Universe()
        self.vector = VectorEvaluator(self.evaluator, self.universe)
        self.columns = ColumnSpace()
        self.row_blocks: list[RowBlock] = []
        self.objective_arrays: ObjectiveArrays | None = None
        self.linear = True                           # False once a row is not affine
        self.fallback_columns: dict[VarData, int] = {}
        self.vectorized: list[str] = []              # families generated as arrays
        self.element_wise: list[str] = []            # families left to the element-wise path

    def _vector_ok(self, token: Any) -> bool:
        name = str(token)
        return (not self.result.errors and not self.broken and name not in self.defined
                and name not in self.forced)

    # ---- params -----------------------------------------------------------------------------
    def _param_stmt(self, node: Tree) -> None:
        token, *rest = node.children
        spec = rest[0] if rest and rest[0].data == "index_spec" else None
        formula = rest[-1] if rest and rest[-1].data == "param_expr" else None
        marked = without_symbolic_mark(node)[1]     # an error the element-wise path names
        if spec is not None and formula is not None and not marked and self._vector_ok(token):
            try:
                frame = self.frame_of(spec)
                values = self.vector.numbers(formula.children[0], frame)
                table = Table(KeyIndex(frame.parts, len(self.universe.elements)), values)
            except Unsupported:
                pass
            else:
                name = self.declare(token, "param")
                self.vector.tables[name] = table
                self.symbols.params[name] = LazyTable(frame.parts, values, self.universe)
                self.symbols.param_sets[name] = self.evaluator.set_label(self.iterators(spec))
                self.vectorized.append(name)
                return
        super()._param_stmt(node)
        self._table_from_dict(str(token))

    def _table_from_dict(self, name: str) -> None:
        value = self.symbols.params.get(name)
        if not isinstance(value, dict) or not value:
            return
        try:
            columns = self.universe.encode_set(list(value))
            index = KeyIndex(columns, len(self.universe.elements))
        except Unsupported:
            return
        self.vector.tables[name] = Table(index, np.array(list(value.values()), dtype=float))

    def frame_of(self, spec: Tree | None) -> Frame:
        if spec is None:
            return Frame.unit()
        condition = next((c for c in spec.children if c.data == "condition"), None)
        return self.vector.frame(self.iterators(spec), condition, Frame.unit())[0]

    # ---- variables --------------------------------------------------------------------------
    def _var_decl(self, node: Tree) -> None:
        token, *rest = node.children
        spec = rest.pop(0) if rest and isinstance(rest[0], Tree) and rest[0].data == "index_spec" \
            else None
        if self._vector_ok(token):
            try:
                frame, lower, upper, domain, start = self._var_arrays(spec, rest)
            except Unsupported:
                pass
            else:
                name = self.declare(token, "variable")
                self._add_family(name, spec, frame, lower, upper, domain, start)
                return
        super()._var_decl(node)
        self._adopt_element_wise_var(str(token))

    def _var_arrays(self, spec: Tree | None, attributes: list[Tree]) -> tuple:
        kinds = [attribute.data for attribute in attributes]
        if len(set(kinds)) != len(kinds):
            raise Unsupported("a repeated attribute")
        domain = "binary" if "binary" in kinds else "integer" if "integer" in kinds else "real"
        frame = self.frame_of(spec)
        lower = np.full(frame.size, 0.0 if domain == "binary" else -np.inf)
        upper = np.full(frame.size, 1.0 if domain == "binary" else np.inf)
        start = np.full(frame.size, np.nan)
        for attribute in attributes:
            if attribute.data in ("lower", "upper", "start_value"):
                values = np.broadcast_to(self.vector.numbers(attribute.children[0], frame),
                                         frame.size).astype(float)
                if attribute.data == "lower":
                    lower = values
                elif attribute.data == "upper":
                    upper = values
                else:
                    start = values
        return frame, lower, upper, domain, start

    def _add_family(self, name: str, spec: Tree | None, frame: Frame, lower: np.ndarray,
                    upper: np.ndarray, domain: str, start: np.ndarray | None = None) -> None:
        keys = frame.parts if spec is not None else None
        block = NameBlock(name, 0, frame.size, keys)
        offset = self.columns.add(block, lower, upper, domain != "real", start)
        index = KeyIndex(keys, len(self.universe.elements)) if keys is not None else None
        self.vector.families[name] = Family(name, offset, frame.size, index, keys or [])
        label = self.evaluator.set_label(self.iterators(spec)) if spec is not None else ""
        lazy = LazyKeys(keys, self.universe) if keys is not None else None
        self.symbols.variables[name] = VarEntry(name, self._var_getter(name, offset, keys),
                                                lazy, label, lazy or ())
        self.vectorized.append(name)

    def _var_getter(self, name: str, offset: int, keys: list[np.ndarray] | None
                    ) -> Callable[[Any], VarData]:
        """``get(key)`` for element-wise families: one `VarData` per key, made on demand."""
        made: dict = {}

        def get(key: Any) -> VarData:
            var = made.get(key)
            if var is None:
                index = () if keys is None else (key if isinstance(key, tuple) else (key,))
                codes = [np.array([self.universe.code(part)]) for part in index]
                position = 0 if keys is None else int(
                    self.vector.families[name].index.lookup(codes)[0])
                var = made[key] = VarData(name=member_name(name, index))
                self.fallback_columns[var] = offset + position
            return var
        return get

    def _adopt_element_wise_var(self, name: str) -> None:
        """Columns for a variable the element-wise builder declared (its VarData map to them)."""
        component = self.model._components.get(name)
        if component is None:
            return
        data = list(component.values())
        entry = self.symbols.variables[name]
        keys = None
        if entry.keys is not None:
            keys = self.universe.encode_set(list(entry.index_order))
        block = NameBlock(name, 0, len(data), None, [var.name for var in data])
        lower = np.array([-np.inf if v.lb is None else v.lb for v in data], dtype=float)
        upper = np.array([np.inf if v.ub is None else v.ub for v in data], dtype=float)
        start = np.array([np.nan if v.value is None else v.value for v in data], dtype=float)
        offset = self.columns.add(block, lower, upper, bool(data) and data[0].is_integer, start)
        for position, var in enumerate(data):
            self.fallback_columns[var] = offset + position
        index = KeyIndex(keys, len(self.universe.elements)) if keys is not None else None
        self.vector.families[name] = Family(name, offset, len(data), index, keys or [])
        self.element_wise.append(name)

    # ---- named expressions ------------------------------------------------------------------
    def _expr_stmt(self, node: Tree) -> None:
        """Built element-wise (families that fall back read it there) and, when the arrays
        can express it, also as arrays for the families generated as arrays."""
        super()._expr_stmt(node)
        token, *rest = node.children
        spec = rest[0] if len(rest) == 2 else None
        try:
            frame = self.frame_of(spec)
            value = self.vector.value(rest[-1], frame)
            if isinstance(value, Terms):
                rows: Any = NamedTerms(value, frame.size)
            else:
                if not isinstance(value, (Num, Lin)):
                    value = Num(self.vector.number(value))
                rows = NamedRows(value, frame.size)
            index = KeyIndex(frame.parts, len(self.universe.elements)) if spec else None
        except Unsupported:
            return
        self.vector.expressions[str(token)] = (index, rows)

    # ---- objective ----------------------------------------------------------------------------
    def _objective(self, node: Tree) -> None:
        sense, *rest = node.children
        token = rest[0] if len(rest) == 2 else None
        if not self.result.kind and self._vector_ok(token or "objective"):
            try:
                value = self.vector.value(rest[-1], Frame.unit())
                if not isinstance(value, (Lin, Terms)):
                    raise Unsupported("a constant objective")
            except Unsupported:
                pass
            else:
                name = self.declare(token, "objective") if token is not None else "objective"
                lin, blocks = (value.lin, value.blocks) if isinstance(value, Terms) else (value, [])
                self.linear = self.linear and not blocks
                self.objective_arrays = ObjectiveArrays(
                    name, "max" if str(sense) == "maximize" else "min", lin.cols,
                    lin.coefs, float(lin.const[0]), blocks)
                self.result.kind = str(sense)
                self.vectorized.append(name)
                return
        super()._objective(node)
        self._adopt_element_wise_objective()

    def _adopt_element_wise_objective(self) -> None:
        from symopt.model.constraints import Objective
        objective = next((o for o in self.model.components(Objective)), None)
        if objective is None:
            return
        linear, nonlinear = split_terms(objective.expr)
        blocks: list[Block] = []
        if nonlinear:
            self.linear = False
            if not self.nonlinear:
                return
            blocks = self._element_wise_blocks([nonlinear])
        cols, coefs = self._columns_of(linear.terms)
        self.objective_arrays = ObjectiveArrays(objective.name, str(objective.sense.value),
                                                cols, coefs, float(linear.constant), blocks)
        self.element_wise.append(objective.name)

    def _element_wise_blocks(self, terms: list[list]) -> list[Block]:
        """The nonlinear terms of element-wise rows (one list per row) as blocks in the
        global columns, by the compiler's own family collection."""
        from symopt.compile.families import collect_rows
        from symopt.errors import CompileError
        try:
            families, _ = collect_rows([quicksum(row) for row in terms], self.fallback_columns)
        except CompileError:          # a variable the arrays do not know (a data column)
            self.unassembled = True
            return []
        return [Block(f.template, f.rows.astype(np.int64), f.columns.astype(np.int64),
                      f.constants) for f in families]

    def _columns_of(self, terms: dict) -> tuple[np.ndarray, np.ndarray]:
        try:
            cols = [self.fallback_columns[var] for var in terms]
        except KeyError:
            self.linear = False        # a variable the arrays do not know (a data column)
            cols = []
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.array(cols, dtype=np.int64), np.array(list(terms.values()), dtype=float)

    # ---- constraints --------------------------------------------------------------------------
    def _constraints(self, node: Tree, equations_only: bool) -> int:
        """Plain scalar constraints straight into rows (`PlainRows`); the rest by tree."""
        children = node.children
        if equations_only or self.nonlinear or not isinstance(children, Constraints):
            return super()._constraints(node, equations_only)
        rows, count = PlainRows(self), 0
        for item in children.items:
            if self.result.errors:       # the arrays are dropped: the element-wise builder
                break                    # finds and locates every error
            if isinstance(item, Plain) and rows.take(item, children.shapes):
                count += 1
                continue
            rows.flush()
            tree = children.tree(item)
            count += self.attempt(tree, lambda: self._constraint(tree, equations_only)) or 0
        rows.flush()
        return count

    def _constraint(self, node: Tree, equations_only: bool) -> int:
        token, *rest = node.children
        if not equations_only and self._vector_ok(token):
            try:
                block = self._row_block(str(token), rest[0] if len(rest) == 2 else None, rest[-1])
            except Unsupported:
                pass
            else:
                self.declare(token, "constraint")
                self.row_blocks.append(block)
                self.vectorized.append(str(token))
                return block.names.size
        count = super()._constraint(node, equations_only)
        self._adopt_element_wise_rows(str(token))
        return count

    def _row_block(self, name: str, spec: Tree | None, relation: Tree) -> RowBlock:
        frame = self.frame_of(spec)
        parts = relation.children
        ops = [str(op.children[0]) for op in parts[1::2]]
        values = [self.vector.value(part, frame) for part in parts[0::2]]
        if len(values) == 3:
            if ops[0] != ops[1] or ops[0] not in ("<=", ">="):
                raise Unsupported("a malformed double-sided constraint")
            low, body, high = values if ops[0] == "<=" else values[::-1]
            body, blocks = _affine_and_blocks(body)
            low, high = self.vector.number(low), self.vector.number(high)
            if np.any(low > high):
                raise Unsupported("an empty range")
            lower, upper = low - body.const, high - body.const
        else:
            body, blocks = _affine_and_blocks(
                self.vector._add(values[0], self.vector._negate(values[1])))
            bound = 0.0 - body.const
            none = np.full(frame.size, np.inf)
            lower = bound if ops[0] in ("=", "==", ">=") else -none
            upper = bound if ops[0] in ("=", "==", "<=") else none
        lower = np.broadcast_to(lower, frame.size).astype(float)
        upper = np.broadcast_to(upper, frame.size).astype(float)
        keys = frame.parts if spec is not None else None
        block = RowBlock(NameBlock(name, 0, frame.size, keys), body.rows, body.cols,
                         body.coefs, lower, upper, blocks)
        self.linear = self.linear and not blocks
        return _without_empty_rows(block) if spec is not None else block

    def _adopt_element_wise_rows(self, name: str) -> None:
        component = self.model._components.get(name)
        if component is None:
            return
        rows = list(component.rows())
        triplets: list[tuple[np.ndarray, np.ndarray]] = []
        blocks: list[Block] = []
        if any(row.nonlinear for row in rows):
            self.linear = False
            if not self.nonlinear:
                return
            blocks = self._element_wise_blocks([row.nonlinear for row in rows])
        for row in rows:
            triplets.append(self._columns_of(row.linear.terms))
        sizes = [cols.size for cols, _ in triplets]
        block = RowBlock(
            NameBlock(name, 0, len(rows), None, [row.name for row in rows]),
            np.repeat(np.arange(len(rows), dtype=np.int64), sizes),
            np.concatenate([c for c, _ in triplets]) if rows else np.zeros(0, np.int64),
            np.concatenate([v for _, v in triplets]) if rows else np.zeros(0),
            np.array([-np.inf if r.lower is None else r.lower for r in rows], dtype=float),
            np.array([np.inf if r.upper is None else r.upper for r in rows], dtype=float),
            blocks)
        self.row_blocks.append(block)
        self.element_wise.append(name)


def _affine_and_blocks(body: Any) -> tuple[Lin, list[Block]]:
    """A constraint body's affine part and nonlinear blocks (`Unsupported` without variables)."""
    if isinstance(body, Terms):
        return body.lin, body.blocks
    if not isinstance(body, Lin):
        raise Unsupported("a constraint without variables")
    return body, []


def _without_empty_rows(block: RowBlock) -> RowBlock:
    """Drop the members without variables (an empty sum), as the element-wise builder does
    when they hold; one that cannot hold is left to it, for its located error."""
    size = block.names.size
    filled = np.bincount(block.rows, minlength=size) > 0
    for nonlinear in block.blocks:
        filled[nonlinear.rows] = True
    if filled.all():
        return block
    empty = ~filled
    if np.any(block.lower[empty] > 0) or np.any(block.upper[empty] < 0):
        raise Unsupported("a member without variables that cannot hold")
    new_row = np.cumsum(filled) - 1
    keys = [part[filled] for part in block.names.keys]
    return RowBlock(NameBlock(block.names.name, 0, int(filled.sum()), keys), new_row[block.rows],
                    block.cols, block.coefs, block.lower[filled], block.upper[filled],
                    [Block(b.template, new_row[b.rows], b.cols, b.consts) for b in block.blocks])
