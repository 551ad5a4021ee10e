"""Reading and writing model files as text, gzip-compressed when the name ends in ``.gz``."""
from __future__ import annotations

import gzip
import math
from pathlib import Path

from symopt.errors import InputError
from symopt.limits import read_text

__all__ = ["open_text", "write_text", "format_number", "unique_name"]


def open_text(path: str | Path) -> str:
    """The text of ``path``; a missing, unreadable, corrupt or oversized file is an
    `InputError` naming it (see `symopt.limits.read_text`)."""
    return read_text(path, "model file")


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path``, compressing when it ends in ``.gz``."""
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "wt", encoding="utf-8") as handle:
                handle.write(text)
        else:
            path.write_text(text, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: cannot be written: the folder {path.parent} does not "
                         "exist") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def format_number(value: float) -> str:
    """Shortest exact text of a number: ``3`` for 3.0, ``inf``/``-inf``, else ``repr``."""
    value = float(value)
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def unique_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``, ... the first not in ``taken``; added to ``taken``.

    >>> taken = {"x"}
    >>> unique_name("x", taken), unique_name("x", taken), sorted(taken)
    ('x_2', 'x_3', ['x', 'x_2', 'x_3'])
    """
    candidate, k = base, 1
    while candidate in taken:
        k += 1
        candidate = f"{base}_{k}"
    taken.add(candidate)
    return candidate
