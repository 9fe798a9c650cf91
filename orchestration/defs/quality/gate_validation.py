"""A month's GX validation: in the step's process, or in a worker of a pool when given one (that process then
never imports GX)."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import Executor
from pathlib import Path

from .gate_results import MonthValidation


def data_docs_dir(home: Path) -> Path:
    return home / "reports" / "data_docs"


def _results_dir(home: Path) -> Path:
    return home / "quality" / "gx_validations"


def _validate(home: Path, period: dt.date) -> MonthValidation:
    # This module imports neither Dagster nor GX, so a worker unpickles this function cheaply.
    from .gx_runner import validate_month
    try:
        return validate_month(home / "warehouse.duckdb", period, data_docs_dir(home), _results_dir(home), True)
    finally:
        _give_back_memory()


def _give_back_memory() -> None:
    """Hand the memory of a validation's batches back to the OS: the process goes on to write the payout files."""
    import ctypes
    import gc

    import pyarrow as pa
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)   # glibc keeps freed heap pages otherwise
    except (OSError, AttributeError):             # not glibc
        pass


def month_validation(home: Path, period: dt.date, pool: Executor | None = None) -> MonthValidation:
    """Every suite of the month, on the facts in the warehouse now: in the pool's worker, else in-process."""
    return pool.submit(_validate, home, period).result() if pool else _validate(home, period)
