"""Run chunks of scenarios on a local process pool, any `concurrent.futures.Executor`, or Dask.

No scheduler is written here: tasks go to ``concurrent.futures`` or to a
``dask.distributed.Client`` (``symopt[dask]``), which already place, balance and retry
them. This module adds what a sweep needs on top:

* the compiled problem crosses to each worker once: scattered to every Dask worker; for
  symopt's own pool written once to a temporary file that each worker process reads the
  first time it meets the problem (tasks carry only its path); for another executor sent
  as bytes with each task (each process still unpickles it only once);
* symopt's own pool is kept between sweeps (`close_pool` ends it; it also ends with the
  interpreter), so a session's later sweeps, like a running Dask cluster's, do not pay for
  starting and stopping processes (tens of milliseconds each, more than a small LP sweep's
  solving);
* a worker process that dies breaks a process pool: a pool symopt made itself is made
  again and the chunks that had not come back are resubmitted (at most `ATTEMPTS` times
  each, then their scenarios are recorded as "lost"); Dask reschedules them by itself;
* Ctrl-C (KeyboardInterrupt) cancels what has not started and returns, keeping every
  chunk that finished (symopt's pool is stopped: its running chunks are not waited for).
"""
from __future__ import annotations

import math
import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

import numpy as np

from symopt.sweep.worker import BlobFile, solve_chunk

__all__ = ["run_chunks", "is_dask_client", "chunk_sizes", "worker_count", "close_pool",
           "ATTEMPTS", "MAX_CHUNK", "MAX_CHEAP_CHUNK", "GUIDED_TAIL"]

#: how many times a chunk is submitted before its scenarios are recorded as lost
ATTEMPTS = 3
#: a compiled problem up to this size (pickled) travels inside each task instead of
#: through a file (symopt's pool) or a scatter to every worker (Dask): a task's bytes
#: cost microseconds, a file or a scatter costs a round trip per sweep
INLINE_BYTES = 256 * 1024
#: the most scenarios "auto" puts in one chunk of solves (NLPs, MILPs, one LP at a time)
MAX_CHUNK = 2500
#: ... and in one chunk of LP scenarios answered from reused bases (~0.25 s of work)
MAX_CHEAP_CHUNK = 250_000
#: guided chunks shrink to 1 / (GUIDED_TAIL x workers) of the sweep (half that on Dask)
GUIDED_TAIL = 16

Chunk = tuple[np.ndarray, np.ndarray]          # (scenario numbers, rows)
Done = Callable[[int, dict | None, str], None]  # (chunk number, result or None, message)


def is_dask_client(executor: Any) -> bool:
    kind = type(executor)
    return kind.__module__.startswith("distributed") and hasattr(executor, "scatter")


def worker_count(executor: Any, workers: int | None) -> int:
    """How many scenarios can run at once (for chunk sizes)."""
    if is_dask_client(executor):
        return max(1, sum(w.get("nthreads", 1) for w in _dask_workers(executor).values()))
    if executor is not None:
        return max(1, int(getattr(executor, "_max_workers", 0) or workers or os.cpu_count() or 1))
    return max(1, workers or os.cpu_count() or 1)


def _dask_workers(client: Any) -> dict:
    """The Dask workers: from the cluster object's copy, which its scheduler keeps up to date
    (a ``LocalCluster``, dask-jobqueue), else asked of the scheduler (a round trip)."""
    workers = getattr(getattr(client, "cluster", None), "scheduler_info", {}).get("workers")
    if workers:
        return workers
    info = client.scheduler_info(n_workers=-1) if _accepts_n_workers(client) \
        else client.scheduler_info()
    return info.get("workers", {})


def _accepts_n_workers(client: Any) -> bool:
    import inspect
    return "n_workers" in inspect.signature(client.scheduler_info).parameters


def chunk_sizes(scenarios: int, workers: int, dask: bool = False,
                cheap: bool = False) -> list[int]:
    """How many scenarios each task of an "auto" sweep gets, in submission order.

    ``cheap``: LP scenarios that a worker answers a block at a time from reused optimal
    bases (about a microsecond each). Then every task's round trip -- a scheduler round
    trip of milliseconds on Dask, a pipe and a wake-up on the pool -- costs more than
    thousands of scenarios, so each worker gets one task (at most `MAX_CHEAP_CHUNK`
    scenarios). Otherwise (NLPs, MILPs, one solve per scenario) chunks are *guided*: each
    takes ``1 / (2 workers)`` of what is left, at least ``1 / (GUIDED_TAIL x workers)``
    of the sweep (`GUIDED_TAIL` is 16 on the pool, 8 on Dask) and at most `MAX_CHUNK`, so
    the first tasks are large (few round trips) and the last ones small (the workers
    finish together, and the progress bar moves).
    """
    if scenarios <= 0:
        return []
    if cheap:
        return _split(scenarios, min(MAX_CHEAP_CHUNK, math.ceil(scenarios / workers)))
    floor = max(1, math.ceil(scenarios / ((8 if dask else GUIDED_TAIL) * workers)))
    sizes, left = [], scenarios
    while left:
        size = min(left, MAX_CHUNK, max(floor, math.ceil(left / (2 * workers))))
        sizes.append(size)
        left -= size
    return sizes


def _split(scenarios: int, size: int) -> list[int]:
    return [min(size, scenarios - start) for start in range(0, scenarios, size)]


def run_chunks(token: str, blob: bytes, chunks: list[Chunk], multistart: bool, done: Done,
               executor: Any = None, workers: int | None = None) -> bool:
    """Solve every chunk, calling ``done`` as each comes back; True if interrupted."""
    if is_dask_client(executor):
        return _run_dask(executor, token, blob, chunks, multistart, done)
    if executor is not None:
        return _run_executor(lambda: executor, False, token, blob, chunks, multistart, done)
    count = worker_count(None, workers)
    if len(blob) <= INLINE_BYTES:     # small: inside each task (no file to write and remove)
        return _run_executor(lambda: _kept_pool(count), True, token, blob, chunks, multistart,
                             done)
    with tempfile.TemporaryDirectory(prefix="symopt-sweep-") as folder:
        path = os.path.join(folder, f"{token}.pickle")
        with open(path, "wb") as handle:
            handle.write(blob)
        return _run_executor(lambda: _kept_pool(count), True, token, BlobFile(path), chunks,
                             multistart, done)


_POOL: dict[int, ProcessPoolExecutor] = {}     # symopt's own pool, by size (at most one)


def _kept_pool(count: int) -> ProcessPoolExecutor:
    """The kept pool of ``count`` processes, made anew when missing, broken or of another size."""
    pool = _POOL.get(count)
    if pool is not None and not getattr(pool, "_broken", False):
        return pool
    close_pool()
    _POOL[count] = pool = _new_pool(count)
    return pool


def close_pool() -> None:
    """End the process pool that `solve_many` keeps between sweeps (if any)."""
    for pool in list(_POOL.values()):
        pool.shutdown(wait=True, cancel_futures=True)
    _POOL.clear()


def _new_pool(count: int) -> ProcessPoolExecutor:
    """fork while this process has no other threads (fast: modules are inherited),
    forkserver otherwise (forking a threaded process can deadlock)."""
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if "fork" in methods and threading.active_count() == 1 else None
    if method is None and "forkserver" in methods:
        method = "forkserver"
    context = multiprocessing.get_context(method) if method else None
    if method == "forkserver":   # the server imports the solver stack once, workers fork from it
        context.set_forkserver_preload(["symopt.sweep.worker", "symopt.sweep.parametric"])
    return ProcessPoolExecutor(max_workers=count, mp_context=context)


def _run_executor(make: Callable[[], Executor], owned: bool, token: str, blob: Any,
                  chunks: list[Chunk], multistart: bool, done: Done) -> bool:
    pending = set(range(len(chunks)))
    attempts = dict.fromkeys(pending, 0)
    executor = make()
    try:
        while pending:
            futures: dict[Future, int] = {}
            for k in sorted(pending):
                attempts[k] += 1
                futures[executor.submit(solve_chunk, token, blob, chunks[k][1], multistart)] = k
            broken = _collect(futures, pending, done)
            if not broken:
                break
            exhausted = [k for k in pending if attempts[k] >= ATTEMPTS or not owned]
            for k in exhausted:
                pending.discard(k)
                done(k, None, broken if owned else f"{broken}; the executor cannot be used again")
            if pending and owned:
                executor.shutdown(wait=False, cancel_futures=True)
                _POOL.clear()
                executor = make()
        return False
    except KeyboardInterrupt:
        _stop(executor, owned)
        if owned:
            _POOL.clear()
        return True


def _collect(futures: dict[Future, int], pending: set, done: Done) -> str:
    """Wait for the futures; returns why the executor broke, or "" when all came back."""
    broken = ""
    for future in as_completed(futures):
        k = futures[future]
        try:
            result = future.result()
        except BrokenProcessPool as exc:
            broken = f"a worker process died ({exc})"
            continue
        except Exception as exc:  # the task itself failed (e.g. could not be unpickled)
            if type(exc).__name__.startswith("Broken"):
                broken = f"the executor broke ({exc})"
                continue
            pending.discard(k)
            done(k, None, f"{type(exc).__name__}: {exc}")
            continue
        pending.discard(k)
        done(k, result, "")
    return broken


def _stop(executor: Executor, owned: bool) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values()) if owned else []
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:     # a pool of ours: its running chunks are not waited for
        process.terminate()


def _run_dask(client: Any, token: str, blob: bytes, chunks: list[Chunk], multistart: bool,
              done: Done) -> bool:
    from distributed import as_completed as dask_completed
    shared = blob if len(blob) <= INLINE_BYTES else \
        client.scatter(blob, broadcast=True, hash=False)
    futures = {}
    for k, (_, rows) in enumerate(chunks):
        future = client.submit(solve_chunk, token, shared, rows, multistart, pure=False,
                               retries=ATTEMPTS - 1, key=f"symopt-sweep-{token}-{k}")
        futures[future] = k
    try:   # results are fetched by the client's event loop as each task ends, concurrently
        for future, result in dask_completed(futures, with_results=True, raise_errors=False):
            k = futures[future]
            if future.status != "finished":   # KilledWorker after repeated deaths, a task
                exc = result[1] if isinstance(result, tuple) else result   # error, cancelled
                done(k, None, f"{type(exc).__name__}: {exc}")
                continue
            done(k, result, "")
            future.release()
        return False
    except KeyboardInterrupt:
        client.cancel(list(futures))
        return True
