"""Spread work over worker processes on a cold build; run it in-process when there is little of it."""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Forking costs tens of milliseconds; below this many items one process is faster.
MIN_ITEMS_FOR_WORKERS = 200

_job: tuple[Callable, Sequence] | None = None


def _die_with_parent(parent: int) -> None:
    """Workers of a killed build must not go on writing into its staging folder, nor hold its lock."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    # A parent killed between the fork and the line above sent no signal: such a worker would wait
    # forever for work, holding the build's lock file open (seen once in CI: the next build hung).
    if os.getppid() != parent:
        os._exit(1)


def _release_free_memory() -> None:
    """Give the memory freed so far back to the system before forking: each worker's resident size
    counts every page it inherits, and the load stage leaves many pages free but not returned (glibc
    keeps them for reuse). malloc_trim is glibc's; elsewhere this does nothing."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _run(bounds: tuple[int, int]):
    task, items = _job
    return task(list(items[bounds[0]:bounds[1]]))


def map_in_workers(task: Callable[[list[T]], R], items: Sequence[T], jobs: int, chunk_size: int,
                   meanwhile: Callable[[], None] | None = None) -> Iterator[R]:
    """task(chunk) for chunks of items, in order of completion; meanwhile(), when given, runs in this
    process while the workers start on the chunks (results wait for it), before any result is yielded.

    Workers are forked after the data exists, so they inherit task and items: only chunk bounds
    go to them and only results come back, and nothing needs to be picklable but the results.
    """
    bounds = [(i, min(i + chunk_size, len(items))) for i in range(0, len(items), chunk_size)]
    # Forking a process that runs other threads (serve's server and watcher) can copy a lock held
    # by one of them into the child, which then waits forever: such callers work in-process.
    if jobs <= 1 or len(items) < MIN_ITEMS_FOR_WORKERS or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile:
            meanwhile()
        yield from (task(list(items[a:b])) for a, b in bounds)
        return
    global _job
    _job = (task, items)
    # Objects that exist at the fork are never collected in the workers: without the freeze, the
    # workers' garbage collector writes to every one of them and copies the parent's memory page by page.
    _release_free_memory()
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(bounds)), _die_with_parent,
                                                   (os.getpid(),)) as pool:
            results = pool.imap_unordered(_run, bounds)
            if meanwhile:
                meanwhile()
            yield from results
    finally:
        gc.unfreeze()
        _job = None


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
