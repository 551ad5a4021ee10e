"""Reading and writing LP and MPS files, dispatched by the file name's suffix.

>>> sorted(READERS)
['.lp', '.mps']
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from symopt.errors import InputError
from symopt.io.lp_format import format_lp, parse_lp, read_lp, write_lp
from symopt.io.mps import format_mps, parse_mps, read_mps, write_mps
from symopt.optimize.linear_program import LinearProgram

__all__ = ["read", "write", "READERS", "WRITERS", "read_mps", "write_mps", "parse_mps",
           "format_mps", "read_lp", "write_lp", "parse_lp", "format_lp"]

READERS: dict[str, Callable[[str | Path], LinearProgram]] = {".mps": read_mps, ".lp": read_lp}
WRITERS: dict[str, Callable[[LinearProgram, str | Path], None]] = {".mps": write_mps, ".lp": write_lp}


def file_format(path: str | Path) -> str:
    """The format suffix of ``path`` ('.mps' or '.lp'), looking through a '.gz'."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix not in READERS:
        raise InputError(f"{path}: unknown file type {suffix or '(none)'!r}; "
                         "expected .mps, .lp (optionally .gz)")
    return suffix


def read(path: str | Path) -> LinearProgram:
    """Read an ``.mps`` or ``.lp`` file (optionally gzip-compressed)."""
    return READERS[file_format(path)](path)


def write(lp: LinearProgram, path: str | Path) -> None:
    """Write ``lp`` to an ``.mps`` or ``.lp`` file chosen by the suffix."""
    WRITERS[file_format(path)](lp, path)
