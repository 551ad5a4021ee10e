"""A sweep's chunks, cut one at a time while the executor has room for another task.

Cutting every chunk before the sweep starts has to guess how long a scenario takes. Guessed
small, the chunks are many and each pays a task's round trip; guessed large, the last chunk
runs on one worker while the others wait (measured on a 1,000-scenario NLP of about 11 ms a
scenario: final chunks of 32 scenarios on the pool and 63 on Dask left one of two workers
idle for 250 to 330 ms, more than all the round trips together). A `Feed` cuts a chunk only
when a task slot frees, so it can size it from what it has measured:

* ``chunksize=N``: chunks of N scenarios;
* LP scenarios answered from reused bases (``cheap``, about a microsecond each): one chunk
  per worker, at most `MAX_CHEAP_CHUNK` scenarios (a task's round trip costs more than
  thousands of them);
* otherwise *guided* chunks: each takes ``1 / (2 workers)`` of the scenarios not yet cut (at
  most `MAX_CHUNK`), so the first tasks are large and the last ones small, down to a floor of
  `TAIL_ROUND_TRIPS` times the executor's round trip of a task (`TASK_SECONDS`: about
  1.5 ms on a process pool, 10 ms on a Dask LocalCluster) divided by the mean solve time of
  the scenarios finished so far (at most 1/(2 workers) of the sweep, the first chunk's
  size). Before the first result the floor is 1/(`GUIDED_TAIL` workers) of the sweep.

Two tasks per worker stay in flight (`Feed.depth`), so a worker has its next chunk queued
when it finishes one and the round trip of the feedback is hidden. Chunks of a given size are
all submitted at once (a Dask client would otherwise wait a round trip for each).
"""
from __future__ import annotations

import math
import numpy as np

__all__ = ["Feed", "Chunk", "MAX_CHUNK", "MAX_CHEAP_CHUNK", "GUIDED_TAIL", "TAIL_ROUND_TRIPS",
           "TASK_SECONDS"]

Chunk = tuple[np.ndarray, np.ndarray]          # (scenario numbers, rows)

#: the most scenarios "auto" puts in one chunk of solves (NLPs, MILPs, one LP at a time)
MAX_CHUNK = 2500
#: ... and in one chunk of LP scenarios answered from reused bases (~0.25 s of work)
MAX_CHEAP_CHUNK = 250_000
#: before any result, guided chunks shrink to 1 / (GUIDED_TAIL x workers) of the sweep
GUIDED_TAIL = 16
#: the last chunks of solves last about this many round trips of a task
TAIL_ROUND_TRIPS = 2
#: a task's round trip (submit, start, result back), seconds, measured on a 2-core VM with
#: idle tasks (`benchmarks/sweep.py`'s machine): symopt's process pool 1 to 2 ms; a Dask
#: LocalCluster 8 to 13 ms (batched messages from client to scheduler to worker and back)
TASK_SECONDS = {"pool": 0.0015, "dask": 0.010}


class Feed:
    """The chunks of the scenarios ``todo`` (rows of ``rows``), cut on demand.

    Parameters
    ----------
    todo : array of int
        The scenario numbers to run, increasing.
    rows : array (scenarios, p)
        Every scenario's parameter row (or start point), indexed by scenario number.
    workers : int
        How many chunks can run at once.
    size : int, optional
        Scenarios per chunk; by default sized as the module docstring says.
    cheap : bool
        The scenarios are answered a block at a time from reused bases.
    executor_kind : "pool" or "dask"
        Whose round trip (`TASK_SECONDS`) sets the smallest chunk of solves.
    """

    def __init__(self, todo: np.ndarray, rows: np.ndarray, workers: int, *,
                 size: int | None = None, cheap: bool = False, executor_kind: str = "pool"):
        self.todo, self.rows = todo, rows
        self.workers = max(1, int(workers))
        self.size = None if size is None else max(1, int(size))
        self.cheap = cheap and size is None
        self.round_trip = TASK_SECONDS[executor_kind]
        self.contiguous = todo.size > 0 and int(todo[-1] - todo[0]) + 1 == todo.size
        self.chunks: list[Chunk] = []
        self.cut_so_far = 0
        self.solved, self.solve_seconds = 0, 0.0

    @property
    def depth(self) -> int:
        """How many tasks to keep in flight: every chunk when their size is given (nothing
        to learn: the executor queues them), one per worker for cheap chunks (there is one
        each), else two per worker (the next one waits at the worker while it solves)."""
        if self.size is not None:
            return max(1, math.ceil(self.todo.size / self.size))
        return self.workers if self.cheap else 2 * self.workers

    def __len__(self) -> int:
        return len(self.chunks)

    def __getitem__(self, k: int) -> Chunk:
        return self.chunks[k]

    def cut(self) -> int | None:
        """The number of a new chunk, or None when every scenario is in a chunk already."""
        left = self.todo.size - self.cut_so_far
        if left == 0:
            return None
        start, stop = self.cut_so_far, self.cut_so_far + min(left, self._size(left))
        ids = self.todo[start:stop]
        if self.contiguous:         # no gaps (no resume): a view, not a copy
            rows = self.rows[int(ids[0]):int(ids[0]) + ids.size]
        else:
            rows = self.rows[ids]
        self.chunks.append((ids, rows))
        self.cut_so_far = stop
        return len(self.chunks) - 1

    def rest(self) -> list[int]:
        """Cut every scenario left, in chunks; their numbers."""
        return list(iter(self.cut, None))

    def observe(self, result: dict | None) -> None:
        """Learn the solve time per scenario from a chunk's results."""
        if result is not None and result["seconds"].size:
            self.solved += result["seconds"].size
            self.solve_seconds += float(np.sum(result["seconds"]))

    def _size(self, left: int) -> int:
        if self.size is not None:
            return self.size
        if self.cheap:
            return min(MAX_CHEAP_CHUNK, math.ceil(self.todo.size / self.workers))
        guided = math.ceil(left / (2 * self.workers))
        return min(MAX_CHUNK, max(self._floor(), guided))

    def _floor(self) -> int:
        if self.solved == 0 or self.solve_seconds <= 0:
            return max(1, math.ceil(self.todo.size / (GUIDED_TAIL * self.workers)))
        per_scenario = self.solve_seconds / self.solved
        floor = math.ceil(TAIL_ROUND_TRIPS * self.round_trip / per_scenario)
        return max(1, min(floor, math.ceil(self.todo.size / (2 * self.workers))))

