"""Validate one month: read each suite's batch read-only from DuckDB as pandas, run its checkpoint."""
from __future__ import annotations

import datetime as dt
import fcntl
import re
from pathlib import Path

import duckdb
import great_expectations as gx
import numpy as np
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

from orchestration.lib.fingerprint import month_fingerprint
from orchestration.lib.months import month_key
from orchestration.lib.nip import mask_nip

from .gate_results import Failure, MonthValidation, SuiteResult
from .gx_project import RESULT_FORMAT, get_context
from .offline_docs import offline_site
from .suites import SUITES, Suite

# Run identifiers carry the month, never the wall clock, so re-validating a month names the same page.
RUN_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)   # a month without a payroll calendar row


def _cutoff(con, period: dt.date) -> dt.datetime:
    """The run time GX records and shows: the month's payroll cutoff (the facts are as of it), never the clock,
    so the same facts give the same results and pages."""
    row = con.execute("select cutoff_at from intermediate.int_payroll_months where period = ?", [period]).fetchone()
    return row[0].astimezone(dt.timezone.utc) if row and row[0] else RUN_TIME


def _samples(suite: Suite, frame, result: dict) -> list[str]:
    """A few keys of failed rows (NIPs masked), as GX reports them; for a table-level expectation (row count),
    the first rows of the batch."""
    key = suite.key_column
    rows = result.get("partial_unexpected_index_list")
    values = [r[key] for r in rows[:3]] if rows else (frame[key].head(3).tolist() if key in frame.columns else [])
    return [mask_nip(str(v)) if key == "nip" else str(v) for v in values]


def _widened(frame):
    """Integer columns as int64, or float64 when they hold nulls: GX's between-expectation is vectorised only for
    those two dtypes and calls Python once per value for any other (a national payroll batch: 37.8 s in GX,
    12 s after). Every integer in a batch (days, counts, rupiah) is far below 2**53, so float64 holds it exactly."""
    wider = {}
    for column, dtype in frame.dtypes.items():
        if getattr(dtype, "kind", "") in "iu" and dtype != "int64":
            wider[column] = "int64" if isinstance(dtype, np.dtype) else "float64"
    return frame.astype(wider) if wider else frame


def validate_month(warehouse: Path, period: dt.date, data_docs_dir: Path, results_dir: Path,
                   whole_site: bool = True) -> MonthValidation:
    """Each suite's validation definition (the same suite and batch as its committed checkpoint), then the
    Data Docs for the month: its validation pages and, with `whole_site`, the suite pages and the index; never
    the pages of other months (a full rebuild renders every month validated so far and was most of the gate's
    time). Months validated together leave the suite pages and index to one `build_site` after them all."""
    ctx = get_context(Path(data_docs_dir).resolve(), Path(results_dir).resolve())
    # no progress bar: in a worker process it would write into `kinerja run`'s terminal, between its step lines
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("set enable_progress_bar = false")
    results = []
    try:
        fingerprint = month_fingerprint(con, period)
        run_time = _cutoff(con, period)
        for suite in SUITES:
            params = {"period": period} if "$period" in suite.sql else {}
            # in a fixed row order, so the failed rows quoted as samples are the same on every run; through
            # Arrow, as pandas' string columns are Arrow-backed (a national payroll batch: 6.5 s against 10.7 s
            # for .df(), unsorted)
            batch = con.execute(f"select * from ({suite.sql}) order by all", params).to_arrow_table()
            frame = _widened(batch.to_pandas(split_blocks=True, self_destruct=True))   # frees Arrow memory as it goes
            del batch
            validation = ctx.validation_definitions.get(suite.name).run(
                batch_parameters={"dataframe": frame},
                result_format={**RESULT_FORMAT, "unexpected_index_column_names": [suite.key_column]},
                run_id=RunIdentifier(run_name=run_name(period, suite), run_time=run_time))
            failures = []
            for r in validation.results:
                if r.success:
                    continue
                cfg = r.expectation_config
                column = cfg.kwargs.get("column") or "/".join(
                    str(cfg.kwargs[k]) for k in ("column_A", "column_B") if k in cfg.kwargs)
                result = r.result or {}
                count = result.get("unexpected_count", result.get("observed_value", 0))
                failures.append(Failure(cfg.type, column, int(count or 0), _samples(suite, frame, result)))
            results.append(SuiteResult(suite.name, suite.gates, suite.severity, bool(validation.success), len(frame),
                                       len(validation.results), failures))
    finally:
        con.close()
    mask_stored_results(Path(results_dir), period)
    this_month = {run_name(period, s) for s in SUITES}
    pages = [key for key in ctx.validation_results_store.list_keys() if key.run_id.run_name in this_month]
    _build_docs(ctx, data_docs_dir, pages + (_suite_pages() if whole_site else []), index=whole_site)
    return MonthValidation(results, fingerprint)


_NIP_IN_TEXT = re.compile(rb"(?<![0-9])[0-9]{18}(?![0-9])")
# A JSON string, or a number. Only strings are searched for NIPs: the 18 digits after "0." of a ratio GX stores
# (unexpected_percent 0.025201612903225876) are not a NIP, and masking them left the file unreadable. A bare
# 18-digit integer is a NIP stored as a number: it becomes a masked string.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')


def _mask_nips(text: bytes) -> bytes:
    return _NIP_IN_TEXT.sub(lambda nip: mask_nip(nip.group(0).decode()).encode(), text)


def _mask_json_token(match: re.Match) -> bytes:
    token = match.group(0)
    if token.startswith(b'"'):
        return _mask_nips(token)
    if len(token) == 18 and token.isdigit():
        return b'"' + _mask_nips(token) + b'"'
    return token


def mask_nips_in_json(data: bytes) -> bytes:
    """`data` (a JSON document) with every NIP masked as `mask_nip` does, and still JSON."""
    return _JSON_TOKEN.sub(_mask_json_token, data)


def mask_stored_results(results_dir: Path, period: dt.date) -> None:
    """GX stores the failed values it quotes (a NIP that broke an expectation, the index of failed rows): mask
    every NIP in the month's results (<suite>/<run name>/...) before the Data Docs are built from them, as
    everywhere outside the warehouse. Other months' results were masked when they were validated."""
    paths = [p for s in SUITES for p in sorted((Path(results_dir) / s.name / run_name(period, s)).rglob("*.json"))]
    for path in paths:
        data = path.read_bytes()
        masked = mask_nips_in_json(data)
        if masked != data:
            path.write_bytes(masked)


def build_site(data_docs_dir: Path, results_dir: Path) -> None:
    """The suite pages and the index, which links every month's pages stored so far."""
    _build_docs(get_context(Path(data_docs_dir).resolve(), Path(results_dir).resolve()), data_docs_dir,
                _suite_pages(), index=True)


def _suite_pages() -> list[ExpectationSuiteIdentifier]:
    return [ExpectationSuiteIdentifier(name=s.name) for s in SUITES]


def _build_docs(ctx, data_docs_dir: Path, pages: list, index: bool) -> None:
    # Months may be validated side by side (kinerja run): one builder at a time, as they share the static files
    # and the index page. An index is built only after the results it must list are stored.
    Path(data_docs_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(data_docs_dir) / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ctx.build_data_docs(resource_identifiers=pages, build_index=index)
        offline_site(Path(data_docs_dir), {s.name: s.severity for s in SUITES})
    # GX keeps the last context it made, and the context keeps every batch it validated (a national month: about
    # 4 GB, held in the worker while the payout files are written): an empty context in its place lets them go
    gx.get_context(mode="ephemeral")


def run_name(period: dt.date, suite: Suite) -> str:
    return f"{month_key(period)} {suite.name}"
