"""A month's GX validation, in the gate step's process."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .gate_results import MonthValidation


def data_docs_dir(home: Path) -> Path:
    return home / "reports" / "data_docs"


def _results_dir(home: Path) -> Path:
    return home / "quality" / "gx_validations"


def month_validation(home: Path, period: dt.date) -> MonthValidation:
    """Every suite of the month, on the facts in the warehouse now."""
    from .gx_runner import validate_month   # GX is imported by the step that validates, not by the definitions
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

