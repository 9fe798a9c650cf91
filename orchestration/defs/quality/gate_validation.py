"""A month's GX validation, run in a worker process (this process never imports GX), and started ahead of time
by `kinerja run` so the months are validated side by side on every core while each payout is written in turn.

A validation only reads the warehouse (read-only DuckDB) and writes its own results and Data Docs pages, so it
may run early. Its verdict still counts only through the gate asset of its month, which records it, in order.
"""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import Executor, Future, wait
from pathlib import Path

from orchestration.lib.worker_pool import worker_pool

from .gate_results import MonthValidation

GATE_MODULES = ("orchestration.defs.quality.gx_runner",)   # imported once by the worker pool's forkserver

_started: dict[tuple[Path, dt.date], Future] = {}
_sites: dict[Path, Future] = {}   # a home's Data Docs suite pages and index, built once its months are validated


def data_docs_dir(home: Path) -> Path:
    return home / "reports" / "data_docs"


def _results_dir(home: Path) -> Path:
    return home / "quality" / "gx_validations"


def _validate(home: Path, period: dt.date, whole_site: bool = True) -> MonthValidation:
    # This module imports neither Dagster nor GX, so a worker unpickles this function cheaply.
    from .gx_runner import validate_month   # already imported by the worker pool's forkserver
    try:
        return validate_month(home / "warehouse.duckdb", period, data_docs_dir(home), _results_dir(home), whole_site)
    finally:
        _give_back_memory()


def _build_site(home: Path) -> None:
    from .gx_runner import build_site
    build_site(data_docs_dir(home), _results_dir(home))


def _give_back_memory() -> None:
    """Hand the memory of a validation's batches back to the OS: the worker lives on beside the run, which goes on
    to write the payout files."""
    import ctypes
    import gc

    import pyarrow as pa
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)   # glibc keeps freed heap pages otherwise
    except (OSError, AttributeError):             # not glibc
        pass


def start_validations(home: Path, periods: list[dt.date]) -> None:
    """Queue these months' validations on the worker pool now, each with its own Data Docs pages, then the
    site's suite pages and index once after them all (each month building those was over half of its Data Docs
    time). Call it only once the facts are built: each validation reads the warehouse as it is when a worker
    picks it up."""
    pool = worker_pool(GATE_MODULES)
    if pool is None:
        return
    months = []
    for period in periods:
        months.append(pool.submit(_validate, home, period, False))
        _started[(home.resolve(), period)] = months[-1]
    site = _sites[home.resolve()] = Future()
    threading.Thread(target=_build_site_after, args=(pool, home, months, site), name="data-docs-site", daemon=True).start()


def _build_site_after(pool: Executor, home: Path, months: list[Future], site: Future) -> None:
    wait(months)   # done or cancelled: the index lists whatever results were stored
    try:
        site.set_result(pool.submit(_build_site, home).result())
    except BaseException as err:   # handed to whoever waits for the site
        site.set_exception(err)


def finish_site(home: Path) -> None:
    """Wait for the home's Data Docs site started with its validations, if any; raises what its build raised."""
    site = _sites.pop(home.resolve(), None)
    if site is not None:
        site.result()


def drop_validations() -> None:
    """Forget validations nobody asked for (a run stopped early): the queued ones are not run, and the ones
    running are waited for, so none still reads the warehouse when the next build opens it to write. The Data
    Docs sites started with them are waited for too (they list the results stored)."""
    for future in _started.values():
        future.cancel()
    wait([*_started.values(), *_sites.values()])
    _started.clear()
    _sites.clear()


def month_validation(home: Path, period: dt.date) -> MonthValidation:
    """The month's validation: the one started for it (taken, so a later gate of the month validates afresh),
    else one run now."""
    started = _started.pop((home.resolve(), period), None)
    if started is not None:
        return started.result()
    pool = worker_pool(GATE_MODULES)
    return pool.submit(_validate, home, period).result() if pool else _validate(home, period)
