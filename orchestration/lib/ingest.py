"""Landing file -> raw Parquet + quarantine + manifest, idempotent on the file's SHA-256."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from .contract import SIASN_ENDPOINTS
from .parse_payroll import parse_payroll_csv
from .parse_siasn import parse_fetch_file
from .quarantine import FILE_LEVEL_LINE, Rejection
from .raw_store import RawStore, ingest_key, sha256_bytes

PAYROLL_SOURCES = ("roster", "attendance")
SIASN_TABLES = {"rw-kinerjaperiodik": "kinerja_periodik", "rw-skp22": "skp_tahunan"}


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
    data = path.read_bytes()
    sha = sha256_bytes(data)
    key = ingest_key(rel, sha)
    store = RawStore(home)
    store.ensure_layout()
    if not store.is_ingested(key):
        parsed = parse_payroll_csv(source, rel, data)
        rows = [{**r, "period": period, "_source_file": rel, "_file_sha256": sha, "fetched_at": None}
                for r in parsed.rows]
        store.write(source, key, rows)
        _write_quarantine(store, key, sha, parsed.rejections)
        quarantined = parsed.rows_quarantined
        manifest = {"ingest_key": key, "file_sha256": sha, "source": source, "source_file": rel, "period": period,
                    "size_bytes": len(data), "lines_landed": parsed.lines_landed,
                    "lines_accepted": len(rows), "lines_quarantined": quarantined,
                    "records_landed": parsed.lines_landed, "records_accepted": len(rows),
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


def ingest_siasn_file(landing: Path, home: Path, endpoint: str, rel: str) -> FileResult:
    data = (Path(landing) / rel).read_bytes()
    sha = sha256_bytes(data)
    key = ingest_key(rel, sha)
    store = RawStore(home)
    store.ensure_layout()
    if store.is_ingested(key):
        return _skipped(store, endpoint, rel, sha, key)
    parsed = parse_fetch_file(endpoint, rel, data)
    provenance = {"_source_file": rel, "_file_sha256": sha}
    store.write("siasn_response", key, [{**r, "endpoint": endpoint, **provenance} for r in parsed.responses])
    store.write(SIASN_TABLES[endpoint], key, [{**r, **provenance} for r in parsed.records])
    _write_quarantine(store, key, sha, parsed.rejections)
    manifest = {"ingest_key": key, "file_sha256": sha, "source": endpoint, "source_file": rel, "period": None,
                "size_bytes": len(data), "lines_landed": parsed.lines_landed,
                "lines_accepted": len(parsed.responses), "lines_quarantined": parsed.lines_quarantined,
                "records_landed": parsed.records_landed, "records_accepted": len(parsed.records),
                "records_quarantined": parsed.records_quarantined,
                "file_rejections": sum(r.source_line == FILE_LEVEL_LINE for r in parsed.rejections)}
    store.write("landed_file", key, [manifest])
    return FileResult(endpoint, rel, sha, False, manifest, tuple(parsed.rejections))


def _skipped(store: RawStore, source: str, rel: str, sha: str, key: str) -> FileResult:
    manifest = pq.read_table(store.path("landed_file", key)).to_pylist()[0]
    return FileResult(source, rel, sha, True, manifest, ())
