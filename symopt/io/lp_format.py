"""CPLEX LP files read into and written from a `LinearProgram`.

Reads the linear part of the format: an objective section (``minimize``/``maximize`` and
their short forms, an optional ``name:`` and a constant), ``subject to`` with named or
unnamed rows (``<``, ``<=``, ``=<``, ``>``, ``>=``, ``=>``, ``=``, and the double-sided
``lo <= expr <= hi``), ``bounds`` (``x <= 4``, ``-1 <= x <= 1``, ``x = 2``, ``x free``,
``-inf``/``+infinity``), ``general``/``integer`` and ``binary`` sections, ``end``, and
``\\`` comments. Quadratic ``[...]`` terms, SOS, indicators and semi-continuous variables
raise a clear error.

The writer mangles names into what the format accepts (``ship[a,b]`` becomes
``ship(a,b)``), keeps them unique, and writes a ranged row as a double-sided row.

>>> lp = parse_lp('''Maximize
...  profit: 3 x + 2 y
... Subject To
...  wood: x + y <= 4
... Bounds
...  x <= 3
... End''')
>>> lp.sense, lp.c.tolist(), lp.row_upper.tolist(), lp.col_upper.tolist()
('max', [3.0, 2.0], [4.0], [3.0, inf])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from symopt.errors import ParseError, SourceLocation
from symopt.io.text import format_number as _num, open_text, unique_name, write_text
from symopt.limits import LARGE_COEFFICIENT
from symopt.optimize.linear_program import LinearProgram, csc_from_triplets, triplets

__all__ = ["read_lp", "parse_lp", "write_lp", "format_lp"]

_SECTION_WORDS = {
    "minimize": "min", "minimise": "min", "minimum": "min", "min": "min",
    "maximize": "max", "maximise": "max", "maximum": "max", "max": "max",
    "subject to": "rows", "such that": "rows", "st": "rows", "s.t.": "rows", "st.": "rows",
    "bounds": "bounds", "bound": "bounds",
    "general": "int", "generals": "int", "gen": "int", "integer": "int", "integers": "int",
    "binary": "bin", "binaries": "bin", "bin": "bin",
    "semi-continuous": "unsupported", "semis": "unsupported", "semi": "unsupported",
    "sos": "unsupported", "end": "end",
}
_HEADER = re.compile(
    r"^\s*(subject\s+to|such\s+that|s\.t\.|st\.?|minimi[sz]e|maximi[sz]e|minimum|maximum|"
    r"min|max|bounds?|generals?|gen|integers?|binary|binaries|bin|semi-continuous|semis?|"
    r"sos|end)\b(?=\s|$|:)", re.IGNORECASE)
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<inf>[+-]?\s*inf(?:inity)?(?![A-Za-z0-9_!"#$%&()/,.;?@`'{}|~\[\]]))
  | (?P<op><=|=<|>=|=>|<|>|=)
  | (?P<sign>[+-])
  | (?P<colon>:)
  | (?P<bad>[\[\]^*/])
  | (?P<name>[A-Za-z_!"#$%&()/,.;?@`'{}|~][A-Za-z0-9_!"#$%&()/,.;?@`'{}|~\[\]]*)
""", re.VERBOSE | re.IGNORECASE)
_KEYWORD_NAME = re.compile(r"(inf(inity)?|free)\b", re.IGNORECASE)
_SENSE = {"<=": "<=", "=<": "<=", "<": "<=", ">=": ">=", "=>": ">=", ">": ">=", "=": "="}


@dataclass
class _Token:
    kind: str
    text: str
    line: int
    column: int


def _row_ends(tokens: list[_Token], k: int) -> bool:
    """A row's expression ends at its comparison, or where the next named row starts."""
    return tokens[k].kind == "op" or (
        tokens[k].kind == "name" and k + 1 < len(tokens) and tokens[k + 1].kind == "colon")


def _apply_sense(lower: float, upper: float, sense: str, value: float) -> tuple[float, float]:
    """Tighten [lower, upper] by "<= value", ">= value" or "= value"."""
    if sense in ("<=", "="):
        upper = value
    if sense in (">=", "="):
        lower = value
    return lower, upper


def read_lp(path: str | Path) -> LinearProgram:
    """Read a CPLEX LP file into a `LinearProgram`."""
    return parse_lp(open_text(path), filename=str(path))


def parse_lp(text: str, filename: str = "<lp>") -> LinearProgram:
    """Parse CPLEX LP text; errors name the file, line and column."""
    return _LpReader(filename, text.splitlines()).read()


@dataclass
class _LpReader:
    filename: str
    lines: list[str]
    sense: str = "min"
    objective_name: str = "obj"
    offset: float = 0.0
    columns: dict[str, int] = field(default_factory=dict)
    cost: dict[int, float] = field(default_factory=dict)
    rows: list[tuple[str, dict[int, float], float, float]] = field(default_factory=list)
    bounds: dict[int, list[float]] = field(default_factory=dict)
    integer: set[int] = field(default_factory=set)

    def error(self, message: str, token: _Token | None) -> ParseError:
        line, column = (token.line, token.column) if token else (len(self.lines), 1)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return ParseError(message, SourceLocation(self.filename, line, column, text))

    def read(self) -> LinearProgram:
        sections = self.split_sections()
        if not sections or sections[0][0] not in ("min", "max"):
            first = sections[0][1][0] if sections and sections[0][1] else None
            raise self.error("an LP file starts with 'minimize' or 'maximize'", first)
        for kind, tokens, header in sections:
            if kind in ("min", "max"):
                self.sense = kind
                self.read_objective(tokens)
            elif kind == "rows":
                self.read_rows(tokens)
            elif kind == "bounds":
                self.read_bounds(tokens)
            elif kind in ("int", "bin"):
                self.read_integers(tokens, binary=kind == "bin")
            elif kind == "unsupported":
                raise self.error(f"section {header.text!r} is not supported (linear LP only)", header)
        return self.build()

    def split_sections(self) -> list[tuple[str, list[_Token], _Token]]:
        sections: list[tuple[str, list[_Token], _Token]] = []
        for number, raw in enumerate(self.lines, start=1):
            text = raw.split("\\", 1)[0]
            match = _HEADER.match(text)
            if match:
                word = re.sub(r"\s+", " ", match.group(1).lower())
                header = _Token("header", match.group(1), number, match.start(1) + 1)
                if _SECTION_WORDS[word] == "end":
                    break
                sections.append((_SECTION_WORDS[word], [], header))
                text = " " * match.end() + text[match.end():]
            if sections:
                sections[-1][1].extend(self.tokenize(text, number))
            elif text.strip():
                raise self.error("expected 'minimize' or 'maximize' first",
                                 _Token("", "", number, len(text) - len(text.lstrip()) + 1))
        return sections

    def tokenize(self, text: str, line: int) -> list[_Token]:
        tokens, position = [], 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.lastgroup == "bad":
                what = text[position]
                hint = " (quadratic terms are not supported)" if what in "[]^*/" else ""
                raise self.error(f"unexpected character {what!r}{hint}",
                                 _Token("", what, line, position + 1))
            if match.lastgroup != "space":
                value = match.group().replace(" ", "")
                tokens.append(_Token(match.lastgroup, value, line, position + 1))
            position = match.end()
        return tokens

    def column(self, name: str) -> int:
        return self.columns.setdefault(name, len(self.columns))

    def read_expression(self, tokens: list[_Token], i: int, stop) -> tuple[dict[int, float], float, int]:
        """Linear terms from tokens[i:] until ``stop(token)``; returns (coefs, constant, next i)."""
        coefs: dict[int, float] = {}
        constant, sign, number = 0.0, 1.0, None
        while i < len(tokens) and not stop(tokens, i):
            token = tokens[i]
            if token.kind == "sign":
                if number is not None:
                    constant += sign * number
                    number = None
                sign = sign if token.text == "+" else -sign
            elif token.kind == "number":
                if number is not None:
                    raise self.error("two numbers in a row; expected a variable", token)
                number = self.coefficient(token)
            elif token.kind == "name":
                j = self.column(token.text)
                coefs[j] = coefs.get(j, 0.0) + sign * (1.0 if number is None else number)
                sign, number = 1.0, None
            else:
                raise self.error(f"unexpected {token.text!r} in an expression", token)
            i += 1
            follows = tokens[i] if i < len(tokens) else None
            if token.kind == "name" and follows is not None and follows.kind not in ("sign", "op") \
                    and not stop(tokens, i):
                raise self.error(f"expected '+', '-' or a comparison after {token.text!r}", follows)
        if number is not None:
            constant += sign * number
        return coefs, constant, i

    def coefficient(self, token: _Token) -> float:
        """A coefficient: finite and at most 1e15 in magnitude, else a located error."""
        value = float(token.text)
        if not abs(value) <= LARGE_COEFFICIENT:
            raise self.error(f"the coefficient {token.text} is beyond 1e15 in magnitude; "
                             "double precision cannot solve with it: rescale the model's "
                             "units", token)
        return value

    def read_objective(self, tokens: list[_Token]) -> None:
        i = 0
        if len(tokens) >= 2 and tokens[0].kind == "name" and tokens[1].kind == "colon":
            self.objective_name, i = tokens[0].text, 2
        coefs, self.offset, i = self.read_expression(tokens, i, lambda t, k: False)
        for j, v in coefs.items():
            self.cost[j] = self.cost.get(j, 0.0) + v

    def read_rows(self, tokens: list[_Token]) -> None:
        i = 0
        while i < len(tokens):
            name = f"c{len(self.rows) + 1}"
            if i + 1 < len(tokens) and tokens[i].kind == "name" and tokens[i + 1].kind == "colon":
                name, i = tokens[i].text, i + 2
            leading = None
            if i < len(tokens) and tokens[i].kind in ("number", "inf", "sign") \
                    and self.is_double_sided(tokens, i):
                bound, i = self.read_number(tokens, i)
                leading, i = (_SENSE[tokens[i].text], bound), i + 1
            coefs, constant, i = self.read_expression(tokens, i, _row_ends)
            if i >= len(tokens) or tokens[i].kind != "op":
                raise self.error(f"row {name!r} has no comparison; expected <=, >= or =",
                                 tokens[min(i, len(tokens) - 1)] if tokens else None)
            sense = _SENSE[tokens[i].text]
            rhs_token = tokens[min(i + 1, len(tokens) - 1)]
            rhs, i = self.read_number(tokens, i + 1)
            if rhs == (np.inf if sense != "<=" else -np.inf):
                raise self.error(f"row {name!r} asks for {sense} {rhs:g}, which no value can "
                                 "meet; write a finite right-hand side", rhs_token)
            lower, upper = _apply_sense(-np.inf, np.inf, sense, rhs - constant)
            if leading is not None:  # "lo <= expr" is "expr >= lo"
                flipped = {"<=": ">=", ">=": "<=", "=": "="}[leading[0]]
                lower, upper = _apply_sense(lower, upper, flipped, leading[1] - constant)
            self.rows.append((name, coefs, lower, upper))

    def is_double_sided(self, tokens: list[_Token], i: int) -> bool:
        k = i + (1 if tokens[i].kind == "sign" else 0) + 1
        return k < len(tokens) and tokens[k].kind == "op"

    def read_number(self, tokens: list[_Token], i: int) -> tuple[float, int]:
        sign = 1.0
        while i < len(tokens) and tokens[i].kind == "sign":
            sign = sign if tokens[i].text == "+" else -sign
            i += 1
        if i >= len(tokens) or tokens[i].kind not in ("number", "inf"):
            raise self.error("expected a number", tokens[i] if i < len(tokens) else tokens[-1])
        token = tokens[i]
        value = float(token.text) if token.kind == "number" else \
            (-np.inf if token.text.startswith("-") else np.inf)
        if token.kind == "number" and not np.isfinite(value):
            raise self.error(f"the number {token.text} is beyond the range of floating-point "
                             "numbers (about 1.8e308); write 'inf' for no bound", token)
        return sign * value, i + 1

    def read_bounds(self, tokens: list[_Token]) -> None:
        i = 0
        while i < len(tokens):
            if tokens[i].kind == "name":  # "x <= 4", "x = 2", "x free"
                j = self.column(tokens[i].text)
                if i + 1 < len(tokens) and tokens[i + 1].text.lower() == "free":
                    self.bounds[j] = [-np.inf, np.inf]
                    i += 2
                    continue
                if i + 1 >= len(tokens) or tokens[i + 1].kind != "op":
                    raise self.error(f"expected a comparison or 'free' after {tokens[i].text!r}",
                                     tokens[i])
                value, k = self.read_number(tokens, i + 2)
                self.set_bound(j, _SENSE[tokens[i + 1].text], value)
                i = k
                continue
            value, i = self.read_number(tokens, i)  # "1 <= x", "-1 <= x <= 1"
            if i + 1 >= len(tokens) or tokens[i].kind != "op" or tokens[i + 1].kind != "name":
                raise self.error("expected 'value <= variable'", tokens[min(i, len(tokens) - 1)])
            j = self.column(tokens[i + 1].text)
            self.set_bound(j, {"<=": ">=", ">=": "<=", "=": "="}[_SENSE[tokens[i].text]], value)
            i += 2
            if i < len(tokens) and tokens[i].kind == "op":
                sense = _SENSE[tokens[i].text]
                value, i = self.read_number(tokens, i + 1)
                self.set_bound(j, sense, value)

    def set_bound(self, j: int, sense: str, value: float) -> None:
        bound = self.bounds.setdefault(j, [0.0, np.inf])
        bound[0], bound[1] = _apply_sense(bound[0], bound[1], sense, value)

    def read_integers(self, tokens: list[_Token], binary: bool) -> None:
        for token in tokens:
            if token.kind != "name":
                raise self.error(f"expected a variable name, found {token.text!r}", token)
            j = self.column(token.text)
            self.integer.add(j)
            if binary:
                self.bounds[j] = [0.0, 1.0]

    def build(self) -> LinearProgram:
        n, m = len(self.columns), len(self.rows)
        rows, cols, values = [], [], []
        for i, (_, coefs, _, _) in enumerate(self.rows):
            rows += [i] * len(coefs)
            cols += list(coefs)
            values += list(coefs.values())
        c = np.zeros(n)
        for j, v in self.cost.items():
            c[j] = v
        lower, upper = np.zeros(n), np.full(n, np.inf)
        for j, (lo, hi) in self.bounds.items():
            lower[j], upper[j] = lo, hi
        integrality = np.zeros(n, dtype=np.int8)
        integrality[list(self.integer)] = 1
        lp = LinearProgram(
            c=c, A=csc_from_triplets(rows, cols, values, (m, n)),
            row_lower=np.array([r[2] for r in self.rows], dtype=float).reshape(m),
            row_upper=np.array([r[3] for r in self.rows], dtype=float).reshape(m),
            col_lower=lower, col_upper=upper, offset=self.offset, sense=self.sense,
            integrality=integrality if self.integer else None,
            objective_name=self.objective_name, col_names=tuple(self.columns),
            row_names=tuple(r[0] for r in self.rows),
        )
        try:
            lp.validate()
        except ValueError as exc:
            raise ParseError(f"{self.filename}: {exc}") from None
        return lp


def write_lp(lp: LinearProgram, path: str | Path) -> None:
    """Write ``lp`` as a CPLEX LP file."""
    write_text(path, format_lp(lp))


def format_lp(lp: LinearProgram) -> str:
    """The CPLEX LP text of ``lp``, with names mangled into the format's alphabet."""
    cols = _lp_names(lp.col_names or [f"x{j + 1}" for j in range(lp.num_cols)], set())
    rows = _lp_names(lp.row_names or [f"c{i + 1}" for i in range(lp.num_rows)], set(cols))
    objective = _lp_names([lp.objective_name or "obj"], set(cols) | set(rows))[0]
    out = [f"\\ {lp.name}" if lp.name else "\\ written by symopt",
           "Maximize" if lp.sense == "max" else "Minimize"]
    terms = [(lp.c[j], cols[j]) for j in np.flatnonzero(lp.c)]
    constant = f" {_signed(lp.offset)}" if lp.offset else ""
    out.append(_wrap(f" {objective}:", terms, constant or (" 0" if not terms else "")))
    out.append("Subject To")
    row_terms: list[list[tuple[float, str]]] = [[] for _ in range(lp.num_rows)]
    for i, j, v in zip(*triplets(lp.A)):
        row_terms[i].append((v, cols[j]))
    for i, name in enumerate(rows):
        lo, hi = lp.row_lower[i], lp.row_upper[i]
        body = row_terms[i] or [(0.0, cols[0])] if lp.num_cols else []
        if lo == hi:
            out.append(_wrap(f" {name}:", body, f" = {_num(hi)}"))
        elif np.isfinite(lo) and np.isfinite(hi):
            out.append(_wrap(f" {name}: {_num(lo)} <=", body, f" <= {_num(hi)}"))
        elif np.isfinite(hi):
            out.append(_wrap(f" {name}:", body, f" <= {_num(hi)}"))
        elif np.isfinite(lo):
            out.append(_wrap(f" {name}:", body, f" >= {_num(lo)}"))
    out.append("Bounds")
    for j, name in enumerate(cols):
        lo, hi = lp.col_lower[j], lp.col_upper[j]
        if lo == hi:
            out.append(f" {name} = {_num(lo)}")
        elif lo == -np.inf and hi == np.inf:
            out.append(f" {name} free")
        elif lo != 0 or hi != np.inf:
            out.append(f" {_num(lo)} <= {name} <= {_num(hi)}")
    integer = np.flatnonzero(lp.integrality) if lp.integrality is not None else []
    if len(integer):
        out.append("General")
        out += [f" {cols[j]}" for j in integer]
    out.append("End")
    return "\n".join(out) + "\n"


def _wrap(head: str, terms: list[tuple[float, str]], tail: str) -> str:
    """One row's text, broken into lines of about 80 characters."""
    parts = [f"{_signed(v)} {name}" for v, name in terms]
    lines, current = [], head
    for part in parts:
        if len(current) + len(part) > 78:
            lines.append(current)
            current = "   "
        current += " " + part
    return "\n".join(lines + [current + tail])


def _lp_names(names, taken: set[str]) -> list[str]:
    """Names the LP format accepts: brackets become parentheses, spaces underscores,
    a leading digit, period or 'e<digit>' gets an underscore, and so does a name the reader
    would take for a keyword (``inf``, ``free``, a section word); duplicates get a suffix.

    >>> _lp_names(["inf", "x[new york]", "end", "Infinity(2)", "info"], set())
    ['_inf', 'x(new_york)', '_end', '_Infinity(2)', 'info']
    """
    out = []
    for name in names:
        text = str(name).replace("[", "(").replace("]", ")").replace(" ", "_")
        text = re.sub(r"[^A-Za-z0-9_!\"#$%&()/,.;?@`'{}|~]", "_", text)
        if (not text or text[0].isdigit() or text[0] == "." or re.match(r"[eE](\d|[eE]|$)", text)
                or _KEYWORD_NAME.match(text) or _HEADER.match(text)):
            text = "_" + text
        out.append(unique_name(text, taken))
    return out


def _signed(value: float) -> str:
    return f"- {_num(-value)}" if value < 0 else f"+ {_num(value)}"
