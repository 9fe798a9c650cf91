"""Landing file -> raw Parquet + quarantine + manifest, idempotent on the file's SHA-256."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .contract import SIASN_ENDPOINTS
from .bulk_payroll import parse_payroll_bulk
from .bulk_siasn import ENDPOINT_TABLE, iter_fetch_file
from .parse_siasn import empty_fetch_rejection
from .quarantine import FILE_LEVEL_LINE, Rejection
from .raw_store import RawStore, ingest_key



@dataclass(frozen=True)
class FileResult:
    source: str
    source_file: str
    file_sha256: str
    skipped: bool            # already ingested (same bytes)
    manifest: dict
    rejections: tuple[Rejection, ...]

    @property
    def conserved(self) -> bool:
        m = self.manifest
        return (m["lines_landed"] == m["lines_accepted"] + m["lines_quarantined"]
                and m["records_landed"] == m["records_accepted"] + m["records_quarantined"])


def payroll_path(source: str, period: dt.date) -> str:
    return f"payroll/{source}/{period:%Y-%m}.csv"


def _write_quarantine(store: RawStore, key: str, sha: str, rejections: list[Rejection]) -> None:
    store.write("quarantine", key, [r.as_row(sha) for r in rejections])


def ingest_payroll(landing: Path, home: Path, source: str, period: dt.date) -> FileResult | None:
    """Ingest the payroll file of one month; None when it has not been delivered."""
    rel = payroll_path(source, period)
    path = Path(landing) / rel
    if not path.exists():
        return None
    store = RawStore(home)
    sha = store.file_sha256(path)
    key = ingest_key(rel, sha)
    store.ensure_layout()
    if not store.is_ingested(key):
        parsed = parse_payroll_bulk(source, rel, path)
        rows = _with_constants(parsed.rows, period=(period, pa.date32()), _source_file=(rel, pa.string()),
                               _file_sha256=(sha, pa.string()), fetched_at=(None, pa.timestamp("us", tz="UTC")))
        store.write(source, key, rows)
        _write_quarantine(store, key, sha, parsed.rejections)
        quarantined = parsed.rows_quarantined
        manifest = {"ingest_key": key, "file_sha256": sha, "source": source, "source_file": rel, "period": period,
                    "size_bytes": path.stat().st_size, "lines_landed": parsed.lines_landed,
                    "lines_accepted": rows.num_rows, "lines_quarantined": quarantined,
                    "records_landed": parsed.lines_landed, "records_accepted": rows.num_rows,
                    "records_quarantined": quarantined,
                    "file_rejections": sum(r.source_line == FILE_LEVEL_LINE for r in parsed.rejections)}
        store.write("landed_file", key, [manifest])
        result = FileResult(source, rel, sha, False, manifest, tuple(parsed.rejections))
    else:
        result = _skipped(store, source, rel, sha, key)
    store.set_current_payroll(source, period, sha, rel)
    return result


def siasn_files(landing: Path) -> list[tuple[str, str]]:
    """(endpoint, relative path) of every fetch file, in a stable order."""
    out = []
    for endpoint in SIASN_ENDPOINTS:
        folder = Path(landing) / "siasn" / endpoint
        for path in sorted(folder.glob("*.jsonl")):
            out.append((endpoint, path.relative_to(landing).as_posix()))
    return out


def ingest_siasn_file(landing: Path, home: Path, endpoint: str, rel: str, pool: Executor | None = None) -> FileResult:
    path = Path(landing) / rel
    store = RawStore(home)
    sha = store.file_sha256(path)
    key = ingest_key(rel, sha)
    store.ensure_layout()
    if store.is_ingested(key):
        return _skipped(store, endpoint, rel, sha, key)
    provenance = {"_source_file": (rel, pa.string()), "_file_sha256": (sha, pa.string())}
    rejections: list[Rejection] = []
    counts = dict.fromkeys(("lines_landed", "lines_accepted", "records_landed", "records_accepted"), 0)
    with store.writer("siasn_response", key) as responses, store.writer(ENDPOINT_TABLE[endpoint], key) as records:
        # a chunk at a time (bounded memory); in one process the reference line parser is the faster one
        for n_lines, chunk in iter_fetch_file(endpoint, rel, path, pool=pool, by_line=pool is None):
            responses(_with_constants(chunk.responses, endpoint=(endpoint, pa.string()), **provenance))
            records(_with_constants(chunk.records, **provenance))
            rejections.extend(chunk.rejections)
            counts["lines_landed"] += n_lines - chunk.blank_lines
            counts["lines_accepted"] += chunk.responses.num_rows
            counts["records_landed"] += chunk.records_landed
            counts["records_accepted"] += chunk.records.num_rows
    if not counts["lines_landed"] and not any(r.source_line == FILE_LEVEL_LINE for r in rejections):
        rejections.append(empty_fetch_rejection(endpoint, rel))   # blank lines only
    _write_quarantine(store, key, sha, rejections)
    manifest = {"ingest_key": key, "file_sha256": sha, "source": endpoint, "source_file": rel, "period": None,
                "size_bytes": path.stat().st_size, **counts,
                "lines_quarantined": sum(r.record_index < 0 and r.source_line != FILE_LEVEL_LINE for r in rejections),
                "records_quarantined": sum(r.record_index >= 0 for r in rejections),
                "file_rejections": sum(r.source_line == FILE_LEVEL_LINE for r in rejections)}
    store.write("landed_file", key, [manifest])
    return FileResult(endpoint, rel, sha, False, manifest, tuple(rejections))


PARALLEL_FROM_BYTES = 256 * 1024 * 1024   # below this, starting worker processes costs more than it saves


def ingest_siasn_files(landing: Path, home: Path, workers: int | None = None) -> list[FileResult]:
    """Every fetch file, in `siasn_files` order, each a chunk at a time. When there is a lot to read (a province
    or the country), the chunks of a file are parsed by one process per core and written in order."""
    files = siasn_files(landing)
    workers = workers or os.cpu_count() or 1
    size = sum((Path(landing) / rel).stat().st_size for _, rel in files)
    if workers <= 1 or size < PARALLEL_FROM_BYTES:
        return [ingest_siasn_file(landing, home, endpoint, rel) for endpoint, rel in files]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [ingest_siasn_file(landing, home, endpoint, rel, pool) for endpoint, rel in files]


def _with_constants(table: pa.Table, **columns: tuple[object, pa.DataType]) -> pa.Table:
    """Provenance columns that hold one value for the whole file."""
    for name, (value, type_) in columns.items():
        table = table.append_column(pa.field(name, type_), pa.repeat(pa.scalar(value, type_), table.num_rows))
    return table


def _skipped(store: RawStore, source: str, rel: str, sha: str, key: str) -> FileResult:
    manifest = pq.read_table(store.path("landed_file", key)).to_pylist()[0]
    return FileResult(source, rel, sha, True, manifest, ())
