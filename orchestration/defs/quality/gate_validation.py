"""The months' GX validations, in the gate step's process."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import Executor
from pathlib import Path

from .gate_results import MonthValidation


def data_docs_dir(home: Path) -> Path:
    return home / "reports" / "data_docs"


def _results_dir(home: Path) -> Path:
    return home / "quality" / "gx_validations"


def month_validation(home: Path, period: dt.date, whole_site: bool = True) -> MonthValidation:
    """Every suite of the month, on the facts in the warehouse now (whole_site: and the Data Docs' suite pages
    and index after the month's own pages)."""
    from .gx_runner import validate_month   # GX is imported by the step that validates, not by the definitions
    try:
        return validate_month(home / "warehouse.duckdb", period, data_docs_dir(home), _results_dir(home), whole_site)
    finally:
        _give_back_memory()


def months_validation(home: Path, periods: list[dt.date], pool: Executor | None = None) -> dict[dt.date, MonthValidation]:
    """Every suite of each month: side by side in the pool's workers when there is more than one month (a month's
    suites take about 2 s, most of it GX's own work per expectation, whatever the city's size); the Data Docs'
    suite pages and index once, after every month's pages are stored. A single month goes to the pool only when
    the pool started with the run (its GX is loaded by then); otherwise it validates here."""
    one = len(periods) == 1
    if pool is None:
        validations = {period: month_validation(home, period, whole_site=one) for period in periods}
    else:   # in the workers, which imported GX when the pool started
        validations = dict(zip(periods, pool.map(month_validation, [home] * len(periods), periods,
                                                 [one] * len(periods))))
    if len(periods) > 1:   # in a worker too: GX is imported there, not here
        pool.submit(site, home).result() if pool else site(home)
    return validations


def site(home: Path) -> None:
    """The Data Docs' suite pages and the index over every month validated so far."""
    from .gx_runner import build_site
    try:
        build_site(data_docs_dir(home), _results_dir(home))
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

