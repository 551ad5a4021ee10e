"""Values given outside the model file: data files (``--data case.dat``) and ``--param``.

A data file holds ``set`` and ``param`` statements in the model language, giving values
to names the model declares (AMPL's ``.dat``, Pyomo's ``DataPortal``): the model keeps the
index sets, ``within``/``dimen`` and ``default``; the data file gives the members or values,
so one model runs on several data sets. CSV paths in a data file are relative to it.

``--param NAME=VALUE`` sets a scalar param, ``--param NAME[a,1]=VALUE`` one entry of an
indexed param; later params computed from it see the new value.

>>> parse_param_option("cap[a, 2]=3.5")
('cap', ('a', 2), 3.5)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Tree

from symopt.dsl.data import cell_value, did_you_mean
from symopt.dsl.indexing import format_key, is_number
from symopt.errors import InputError, ModelError, SourceLocation

__all__ = ["DataFile", "read_data_file", "parse_param_option", "ParamOverrides"]

_OPTION = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9]*)\s*(?:\[([^\]]*)\])?\s*=\s*(.+?)\s*$")


@dataclass
class DataFile:
    """The statements of one data file, by the name they give a value to."""

    path: str
    text: str
    statements: dict[str, Tree]
    used: set = field(default_factory=set)

    @property
    def base_dir(self) -> Path:
        return Path(self.path).resolve().parent


def read_data_file(path: str | Path) -> DataFile:
    """Parse a data file; anything but a valued ``set``/``param`` statement is an error."""
    from symopt.dsl.errors import location_at
    from symopt.dsl.parser import parse
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: the data file cannot be read ({exc.strerror or exc})") from None
    tree = parse(text, str(path))
    statements: dict[str, Tree] = {}
    for statement in tree.children:
        where = location_at(text, str(path), statement.meta.line, statement.meta.column)
        if statement.data not in ("set_def", "set_csv", "param_stmt"):
            raise ModelError("a data file gives values to sets and params only ('set NAME = "
                             "...', 'set NAME from \"file.csv\"', 'param NAME = ...')", where)
        token = statement.children[0]
        if any(isinstance(c, Tree) and c.data in ("index_spec", "within", "dimen", "symbolic")
               for c in statement.children):
            raise ModelError(f"in a data file, give '{token}' its value only (the model "
                             "declares its index set, within, dimen and symbolic)", where)
        if str(token) in statements:
            raise ModelError(f"the data file gives '{token}' twice", where)
        statements[str(token)] = statement
    return DataFile(str(path), text, statements)


def parse_param_option(text: str) -> tuple[str, Any, float]:
    """``NAME=VALUE`` or ``NAME[k1,k2]=VALUE`` -> (name, key or None, value)."""
    match = _OPTION.match(text)
    if not match:
        raise InputError(f"--param {text!r}: expected NAME=VALUE or NAME[index]=VALUE")
    name, index, raw = match.groups()
    value = cell_value(raw)
    if not is_number(value):
        raise InputError(f"--param {text!r}: the value {raw!r} is not a number")
    key = None
    if index is not None:
        parts = tuple(cell_value(part) for part in index.split(","))
        key = parts[0] if len(parts) == 1 else parts
    return name, key, value


@dataclass
class ParamOverrides:
    """``--param`` values, applied when their param is declared."""

    given: list[tuple[str, Any, float, str]] = field(default_factory=list)
    used: set = field(default_factory=set)

    @classmethod
    def from_options(cls, options: dict | list | None) -> "ParamOverrides":
        """From ``{"cap[a]": 3}``/``{"cap": {"a": 3}}``-style dicts or ``["cap[a]=3"]``."""
        overrides = cls()
        if not options:
            return overrides
        if isinstance(options, dict):
            items = []
            for name, value in options.items():
                if isinstance(value, dict):
                    items.extend((name, key, v) for key, v in value.items())
                else:
                    items.append(parse_param_option(f"{name}=0")[:2] + (value,))
            for name, key, value in items:
                text = f"{name}={value}" if key is None else f"{name}[{format_key(key)}]={value}"
                if not is_number(value):
                    raise InputError(f"--param {text}: the value is not a number")
                overrides.given.append((name, key, value, text))
            return overrides
        for text in options:
            overrides.given.append((*parse_param_option(text), text))
        return overrides

    def apply(self, name: str, value: Any, label: str) -> Any:
        """``value`` of param ``name`` with the overrides for it applied."""
        for position, (target, key, new, text) in enumerate(self.given):
            if target != name:
                continue
            self.used.add(position)
            if key is None:
                if isinstance(value, dict):
                    raise _option_error(text, f"param '{name}' is indexed over {label}; "
                                        f"write --param {name}[INDEX]=VALUE")
                value = new
            else:
                if not isinstance(value, dict):
                    raise _option_error(text, f"param '{name}' is not indexed; write "
                                        f"--param {name}=VALUE")
                if key not in value:
                    hint = did_you_mean(format_key(key), [format_key(k) for k in value])
                    raise _option_error(text, f"[{format_key(key)}] is not in the index set "
                                        f"{label} of param '{name}'{hint}")
                value = {**value, key: new}
        return value

    def unused(self, params: list[str]) -> list[ModelError]:
        """Errors for overrides whose param the model does not declare."""
        return [_option_error(text, f"the model has no param '{name}'"
                              f"{did_you_mean(name, params)}")
                for position, (name, _, _, text) in enumerate(self.given)
                if position not in self.used]


def _option_error(text: str, message: str) -> ModelError:
    return ModelError(message, SourceLocation("--param", 1, 1, text))
