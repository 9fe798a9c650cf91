"""Worker processes for CPU-bound rendering on the other cores, one pool per process, started on first use.

Forkserver workers start from a small clean process (no Dagster threads to inherit, unlike fork) with the
renderers already imported (`preload`), so a month's documents do not pay an interpreter start each time."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

_pools: dict[tuple[str, ...], ProcessPoolExecutor] = {}


def worker_pool(preload: tuple[str, ...]) -> Executor | None:
    """The pool for these modules, or None on a one-core machine (the caller then renders in-process)."""
    workers = os.cpu_count() or 1
    if workers < 2:
        return None
    if preload not in _pools:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        _pools[preload] = ProcessPoolExecutor(workers, mp_context=context)
    return _pools[preload]
