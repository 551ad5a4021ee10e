"""Limits on the work and the numbers a model file can ask for, in one place.

A model file is input from anyone: it must not be able to make symopt hang, exhaust
memory, or turn an out-of-range number into a wrong answer. Every reader and the `.opt`
evaluator go through this module:

* :func:`read_text` reads a model or data file: regular files only (not ``/dev/zero``,
  not a directory, not a pipe), at most :data:`LIMITS.max_file_bytes` bytes (also after
  ``.gz`` decompression), a corrupt archive is a clean error.
* :func:`power` evaluates ``a ^ b`` of numbers with bounded integers: a result beyond the
  float range is refused *before* it is computed (``2^2^2^2^2^2`` costs nothing).
* :func:`finite` refuses NaN, infinity and integers beyond the float range.
* :func:`check_size` refuses a set (or any collection) larger than
  :data:`LIMITS.max_set_size`.

The limits are attributes of :data:`LIMITS`; each can be changed in code or by an
environment variable read at import (``SYMOPT_MAX_SET_SIZE``, ``SYMOPT_MAX_FILE_MB``)::

    import symopt.limits
    symopt.limits.LIMITS.max_set_size = 50_000_000

>>> power(2, 10), power(2.0, 0.5) == 2 ** 0.5
(1024, True)
>>> try:
...     power(10, 400)
... except ValueError as error:
...     print(error)
10^400 is beyond the range of floating-point numbers (about 1.8e308)
"""
from __future__ import annotations

import gzip
import math
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

from symopt.errors import InputError

__all__ = ["Limits", "LIMITS", "read_text", "power", "finite", "check_size",
           "FLOAT_MAX", "INFINITE_BOUND", "LARGE_COEFFICIENT", "COEFFICIENT_RATIO"]

#: the largest finite double
FLOAT_MAX = 1.7976931348623157e308
#: a finite bound or right-hand side at least this large means "no bound" (as HiGHS, CPLEX)
INFINITE_BOUND = 1e20
#: a coefficient larger than this (in magnitude) cannot be solved in double precision
LARGE_COEFFICIENT = 1e15
#: a ratio of the largest to the smallest nonzero coefficient beyond this is ill-scaled
COEFFICIENT_RATIO = 1e20


def _env_int(name: str, default: int) -> int:
    try:
        return max(int(os.environ.get(name, "")), 1)
    except ValueError:
        return default


@dataclass
class Limits:
    """The configurable limits (see the module docstring)."""

    #: most members of one set, one index list or one product of sets
    max_set_size: int = _env_int("SYMOPT_MAX_SET_SIZE", 10_000_000)
    #: largest model or data file read, in bytes (after decompression)
    max_file_bytes: int = _env_int("SYMOPT_MAX_FILE_MB", 512) * 1024 * 1024
    #: most nested brackets in one `.opt` expression
    max_nesting: int = 200


LIMITS = Limits()


def read_text(path: str | Path, what: str = "file") -> str:
    """The text of ``path`` (``.gz`` decompressed), or an `InputError` saying why not.

    Refuses what is not a regular file, and files larger than ``LIMITS.max_file_bytes``
    (checked against the real byte count, so a decompression bomb stops at the limit).
    """
    path = Path(path)
    limit = LIMITS.max_file_bytes
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, expected a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: is not a regular file (a device, pipe or socket); "
                         f"expected a {what}")
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as handle:
                data = handle.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: cannot be read ({_reason(exc)})") from None
    if len(data) > limit:
        raise InputError(f"{path}: larger than {limit // (1024 * 1024)} MB, the most symopt "
                         "reads (raise symopt.limits.LIMITS.max_file_bytes or set "
                         "SYMOPT_MAX_FILE_MB)")
    return data.decode("utf-8-sig", errors="replace")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (zlib.error, EOFError, gzip.BadGzipFile)):
        return f"a corrupt or truncated gzip archive: {exc}"
    return str(getattr(exc, "strerror", None) or exc)


def finite(value: int | float, what: str = "the value") -> float | int:
    """``value`` when it is a finite number within the float range, else ValueError."""
    if isinstance(value, int):
        if abs(value) > FLOAT_MAX:
            raise ValueError(f"{what} has {len(str(abs(value)))} digits: it is beyond the range "
                             "of floating-point numbers (about 1.8e308)"
                             if abs(value).bit_length() < 14000 else
                             f"{what} is beyond the range of floating-point numbers "
                             "(about 1.8e308)")
        return value
    if math.isnan(value):
        raise ValueError(f"{what} is not a number (NaN)")
    if math.isinf(value):
        raise ValueError(f"{what} is infinite (beyond about 1.8e308)")
    return value


def power(base: int | float, exponent: int | float) -> int | float:
    """``base ** exponent`` of numbers, refusing (ValueError) results beyond the float range.

    Integer powers are estimated from logarithms before they are computed, so that a
    tower such as ``2^2^2^2^2^2`` is refused at once instead of filling the memory.
    """
    if base == 0 or exponent == 0 or base == 1:
        return base ** exponent if not (base == 0 and exponent < 0) else _zero_division()
    try:
        magnitude = exponent * math.log10(abs(base)) if abs(base) != 1 else 0.0
    except OverflowError:      # an exponent beyond the float range
        magnitude = math.inf if (abs(base) > 1) == (exponent > 0) else -math.inf
    if magnitude > 308.25:
        raise ValueError(f"{_short(base)}^{_short(exponent)} is beyond the range of "
                         "floating-point numbers (about 1.8e308)")
    result = base ** exponent
    if isinstance(result, float) and not math.isfinite(result):   # complex: the caller says
        raise ValueError(f"{_short(base)}^{_short(exponent)} is not a finite number")
    return result


def _zero_division() -> float:
    raise ZeroDivisionError("0 cannot be raised to a negative power")


def _short(value: int | float) -> str:
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"(a {int(value.bit_length() * 0.30103) + 1}-digit integer)"
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:10]}...({len(text)} digits)"


def check_size(count: int, what: str) -> None:
    """ValueError when ``count`` members exceed ``LIMITS.max_set_size``."""
    if count > LIMITS.max_set_size:
        raise ValueError(f"{what} would have {count:,} members, more than the limit of "
                         f"{LIMITS.max_set_size:,} (raise symopt.limits.LIMITS.max_set_size "
                         "or set SYMOPT_MAX_SET_SIZE)")
