"""Run chunks of scenarios on a local process pool, any `concurrent.futures.Executor`, or Dask.

No scheduler is written here: tasks go to ``concurrent.futures`` or to a
``dask.distributed.Client`` (``symopt[dask]``), which already place, balance and retry
them. This module adds what a sweep needs on top:

* chunks are cut while the sweep runs (`symopt.sweep.feed.Feed`) and two per worker are
  kept in flight, so each worker has its next chunk waiting when it finishes one;
* the compiled problem is unpickled once per worker process and sweep: up to
  `INLINE_BYTES` (the transportation LP is 4 KB) it travels as bytes inside each task;
  a larger one is written once to a temporary file that symopt's pool workers read the
  first time they meet it, or scattered once to every Dask worker;
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

import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import (FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor,
                                wait)
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from symopt.sweep.feed import Feed
from symopt.sweep.worker import BlobFile, solve_chunk

__all__ = ["run_chunks", "is_dask_client", "executor_kind", "worker_count", "close_pool",
           "ATTEMPTS"]

#: how many times a chunk is submitted before its scenarios are recorded as lost
ATTEMPTS = 3
#: a compiled problem up to this size (pickled) travels inside each task instead of
#: through a file (symopt's pool) or a scatter to every worker (Dask): a task's bytes
#: cost microseconds, a file or a scatter costs a round trip per sweep
INLINE_BYTES = 256 * 1024
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


def executor_kind(executor: Any) -> str:
    """Whose task round trip sizes the chunks (`symopt.sweep.feed.TASK_SECONDS`)."""
    return "dask" if is_dask_client(executor) else "pool"


def run_chunks(token: str, blob: bytes, feed: Feed, multistart: bool, done: Done,
               executor: Any = None, workers: int | None = None) -> bool:
    """Solve every chunk ``feed`` cuts, calling ``done`` as each comes back; True if
    interrupted."""
    if is_dask_client(executor):
        return _run_dask(executor, token, blob, feed, multistart, done)
    if executor is not None:
        return _run_executor(lambda: executor, False, token, blob, feed, multistart, done)
    count = worker_count(None, workers)
    if len(blob) <= INLINE_BYTES:     # small: inside each task (no file to write and remove)
        return _run_executor(lambda: _kept_pool(count), True, token, blob, feed, multistart,
                             done)
    with tempfile.TemporaryDirectory(prefix="symopt-sweep-") as folder:
        path = os.path.join(folder, f"{token}.pickle")
        with open(path, "wb") as handle:
            handle.write(blob)
        return _run_executor(lambda: _kept_pool(count), True, token, BlobFile(path), feed,
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
                  feed: Feed, multistart: bool, done: Done) -> bool:
    """Keep `Feed.depth` chunks in flight, cutting the next as each comes back; a pool of
    ours that breaks is made again and its unfinished chunks are resubmitted."""
    attempts: dict[int, int] = {}
    running: dict[Future, int] = {}
    retry: list[int] = []
    executor = make()
    try:
        while True:
            broken = _fill(executor, running, retry, attempts, feed,
                           lambda rows: (solve_chunk, token, blob, rows, multistart))
            if not running and not broken:
                return False
            if not broken:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = _collect({f: running.pop(f) for f in finished}, retry, feed, done)
            if not broken:
                continue
            broken = _collect({f: running.pop(f) for f in list(running)}, retry, feed, done) \
                or broken                         # the other running chunks break too
            if not owned:
                retry += feed.rest()
            for k in [k for k in retry if not owned or attempts.get(k, 0) >= ATTEMPTS]:
                retry.remove(k)
                done(k, None, broken if owned else f"{broken}; the executor cannot be used again")
            if owned:
                executor.shutdown(wait=False, cancel_futures=True)
                _POOL.clear()
                executor = make()
    except KeyboardInterrupt:
        _stop(executor, owned)
        if owned:
            _POOL.clear()
        return True


def _fill(executor: Executor, running: dict[Future, int], retry: list[int],
          attempts: dict[int, int], feed: Feed, task: Callable[[Any], tuple]) -> str:
    """Submit chunks (those to retry first) until `Feed.depth` run; returns why the
    executor refused one ("" if it did not)."""
    while len(running) < feed.depth:
        k = retry.pop(0) if retry else feed.cut()
        if k is None:
            return ""
        try:
            running[executor.submit(*task(feed[k][1]))] = k
        except (BrokenProcessPool, RuntimeError) as exc:   # broken or shut down meanwhile
            retry.insert(0, k)
            return f"the executor broke ({exc})"
        attempts[k] = attempts.get(k, 0) + 1
    return ""


def _collect(futures: dict[Future, int], retry: list[int], feed: Feed, done: Done) -> str:
    """Hand the finished ``futures``' results to ``done``; chunks whose worker died go to
    ``retry``. Returns why the executor broke, or "" when it did not."""
    broken = ""
    for future, k in futures.items():
        try:
            result = future.result()
        except BrokenProcessPool as exc:
            broken = f"a worker process died ({exc})"
            retry.append(k)
            continue
        except Exception as exc:  # the task itself failed (e.g. could not be unpickled)
            if type(exc).__name__.startswith("Broken"):
                broken = f"the executor broke ({exc})"
                retry.append(k)
                continue
            done(k, None, f"{type(exc).__name__}: {exc}")
            continue
        feed.observe(result)
        done(k, result, "")
    return broken


def _stop(executor: Executor, owned: bool) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values()) if owned else []
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:     # a pool of ours: its running chunks are not waited for
        process.terminate()


def _run_dask(client: Any, token: str, blob: bytes, feed: Feed, multistart: bool,
              done: Done) -> bool:
    """The first `Feed.depth` chunks in one ``client.map`` (one message to the scheduler),
    then one chunk submitted as each comes back; Dask retries a chunk whose worker died."""
    from distributed import as_completed as dask_completed
    shared = blob if len(blob) <= INLINE_BYTES else \
        client.scatter(blob, broadcast=True, hash=False)

    def submit(numbers: list[int]) -> list:
        count = len(numbers)
        return client.map(solve_chunk, [token] * count, [shared] * count,
                          [feed[k][1] for k in numbers], [multistart] * count, pure=False,
                          retries=ATTEMPTS - 1,
                          key=[f"symopt-sweep-{token}-{k}" for k in numbers])

    first = [k for k in (feed.cut() for _ in range(feed.depth)) if k is not None]
    futures = dict(zip(submit(first), first))
    finished = dask_completed(list(futures), with_results=True, raise_errors=False)
    try:   # results are fetched by the client's event loop as each task ends, concurrently
        for future, result in finished:
            k = futures.pop(future)
            ok = future.status == "finished"
            if ok:
                feed.observe(result)
            following = feed.cut()
            if following is not None:    # first: a message sent within 10 ms of another
                (new,) = submit([following])     # one (the release) waits for the batch
                futures[new] = following
                finished.add(new)
            if ok:
                done(k, result, "")
                future.release()
            else:   # KilledWorker after repeated deaths, a task error, cancelled
                exc = result[1] if isinstance(result, tuple) else result
                done(k, None, f"{type(exc).__name__}: {exc}")
        return False
    except KeyboardInterrupt:
        client.cancel(list(futures))
        return True
