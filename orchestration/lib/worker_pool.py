"""Worker processes for CPU-bound work on the other cores (payout documents, the quality gate's GX validations):
one pool per process, started on first use.

Forkserver workers start from a small clean process (no Dagster threads to inherit, unlike fork) with the
modules they run already imported (`preload`), so a task does not pay an interpreter start or an import each
time. A process has one forkserver, and it imports its preload once, when it starts: so the first call names
every module the process will need (`kinerja run` asks for all of them before its dbt build).
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor

_pool: ProcessPoolExecutor | None = None


def worker_pool(preload: tuple[str, ...]) -> Executor | None:
    """The process's pool, or None on a one-core machine (the caller then works in-process). Modules not in the
    first call's preload are imported by each worker on its first task instead."""
    global _pool
    workers = os.cpu_count() or 1
    if workers < 2:
        return None
    if _pool is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        _pool = ProcessPoolExecutor(workers, mp_context=context)
    return _pool


def start_worker_pool(preload: tuple[str, ...]) -> None:
    """Start the workers now, in the background: the forkserver imports `preload` (GX alone takes about 4 s) on the
    idle core while this process goes on. A thread waits for it, since starting a worker blocks until the
    forkserver has finished importing."""
    pool = worker_pool(preload)
    if pool is not None:
        threading.Thread(target=lambda: pool.submit(int).result(), name="worker-pool-start", daemon=True).start()


def stop_worker_pool() -> None:
    """Shut the pool down and wait for its workers to exit (what the interpreter's own exit would do)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
