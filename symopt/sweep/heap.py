"""Keep glibc's heap while a chunk runs in a worker that asked for eager trimming (Dask's).

Dask's nanny starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (its
``distributed.nanny.pre-spawn-environ``), so that freed memory goes back to the operating
system at once. glibc then gives back the top of its heap whenever 64 KB are free there,
and (the variable fixes the thresholds) serves every allocation of 128 KB or more with its
own ``mmap``. A chunk of scenarios allocates and frees numpy temporaries block after block,
so each block faults its pages in again: measured on the transportation LP, a chunk costs
2.4 times the CPU in a Dask worker that it costs in a pool worker.

`roomy_heap` raises both thresholds for the duration of a chunk and, when the last chunk
running in the process ends, puts back the values the environment asked for and calls
``malloc_trim(0)``, which returns the free memory as the worker wanted. It does nothing
where the variable is not set (symopt's own pool) or where the C library is not glibc.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["roomy_heap"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_ROOMY = 64 << 20            # bytes: what a chunk may keep at the top of the heap
_GLIBC_MMAP_DEFAULT = 128 << 10
_lock = threading.Lock()
_running = 0


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _glibc() if os.name == "posix" else None


@contextmanager
def roomy_heap() -> Iterator[None]:
    """Run the body with glibc's trim and mmap thresholds raised (see the module docstring)."""
    global _running
    trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    if trim is None or _LIBC is None or not trim.isdigit():
        yield
        return
    with _lock:
        _running += 1
        if _running == 1:
            _LIBC.mallopt(_M_TRIM_THRESHOLD, _ROOMY)
            _LIBC.mallopt(_M_MMAP_THRESHOLD, _ROOMY // 2)
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                mmap = os.environ.get("MALLOC_MMAP_THRESHOLD_", "")
                _LIBC.mallopt(_M_TRIM_THRESHOLD, int(trim))
                _LIBC.mallopt(_M_MMAP_THRESHOLD,
                              int(mmap) if mmap.isdigit() else _GLIBC_MMAP_DEFAULT)
                _LIBC.malloc_trim(0)
