"""Reading and writing model files: the one dispatch by the file name's suffix.

``.mps`` and ``.lp`` files are read and written here; ``.opt`` files are written here
(`format_opt`) and read by `symopt.dsl` (the only user of lark). `file_format` names the
format of a path, looking through ``.gz``; the CLI asks it, never the suffix itself.

>>> sorted(READERS), sorted(FORMATTERS)
(['.lp', '.mps'], ['.lp', '.mps', '.opt'])
>>> file_format("model.mps.gz"), file_format("diet.opt", known=(".opt",))
('.mps', '.opt')
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from symopt.errors import InputError
from symopt.io.lp_format import format_lp, parse_lp, read_lp, write_lp
from symopt.io.mps import format_mps, parse_mps, read_mps, write_mps
from symopt.io.opt_format import format_opt, write_opt
from symopt.optimize.linear_program import LinearProgram

__all__ = ["read", "write", "file_format", "is_linear_file", "READERS", "WRITERS", "FORMATTERS", "read_mps",
           "write_mps", "parse_mps", "format_mps", "read_lp", "write_lp", "parse_lp",
           "format_lp", "format_opt", "write_opt"]

READERS: dict[str, Callable[[str | Path], LinearProgram]] = {".mps": read_mps, ".lp": read_lp}
WRITERS: dict[str, Callable[[LinearProgram, str | Path], None]] = {
    ".mps": write_mps, ".lp": write_lp, ".opt": write_opt}
FORMATTERS: dict[str, Callable[[LinearProgram], str]] = {
    ".mps": format_mps, ".lp": format_lp, ".opt": format_opt}


def file_format(path: str | Path, known: tuple[str, ...] = tuple(READERS)) -> str:
    """The format suffix of ``path`` among ``known`` (default: the readable '.mps', '.lp'),
    looking through a '.gz'; an `InputError` naming the path otherwise."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix not in known:
        raise InputError(f"{path}: unknown file type {suffix or '(none)'!r}; "
                         f"expected {', '.join(known)} (optionally .gz)")
    return suffix


def is_linear_file(path: str | Path) -> bool:
    """True for an ``.mps`` or ``.lp`` file (optionally ``.gz``): a matrix, not a model.

    >>> is_linear_file("afiro.mps.gz"), is_linear_file("diet.opt")
    (True, False)
    """
    try:
        return file_format(path) in READERS
    except InputError:
        return False


def read(path: str | Path) -> LinearProgram:
    """Read an ``.mps`` or ``.lp`` file (optionally gzip-compressed)."""
    return READERS[file_format(path)](path)


def write(lp: LinearProgram, path: str | Path) -> None:
    """Write ``lp`` to an ``.mps``, ``.lp`` or ``.opt`` file chosen by the suffix."""
    WRITERS[file_format(path, tuple(WRITERS))](lp, path)
