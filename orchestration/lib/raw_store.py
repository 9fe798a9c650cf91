"""The raw layer: typed, append-only Parquet under <home>/raw/<table>/, one file per landing file.

A landing file is keyed by its path and its SHA-256 (`ingest_key`): ingesting the same bytes at the same
path twice adds nothing, while two months whose payroll files happen to be byte-identical stay two deliveries. The manifest row
(`landed_file`) is written last, so a crash mid-file leaves no manifest and the file is ingested again.
Every table folder holds an empty `_schema.parquet`, so dbt's globs match before any data has landed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .contract import ATTENDANCE_COUNT_COLUMNS, SALARY_AMOUNT_COLUMNS
from .whole_files import ensure_schema_marker

TS = pa.timestamp("us", tz="UTC")
PROVENANCE = [("_source_file", pa.string()), ("_source_line", pa.int32()), ("_file_sha256", pa.string()),
              ("fetched_at", TS)]

SCHEMAS: dict[str, pa.Schema] = {
    "roster": pa.schema([("period", pa.date32()), ("nip", pa.string()), ("nama", pa.string()),
                         ("jenis_pegawai", pa.string()), ("kedudukan", pa.string()), ("golongan", pa.string()),
                         ("jabatan", pa.string()), ("jenis_jabatan", pa.string()), ("kelas_jabatan", pa.int16()),
                         ("opd_kode", pa.string()), ("opd_nama", pa.string()), ("tmt", pa.date32()),
                         ("rekening", pa.string()), ("tmt_jabatan", pa.date32()), *PROVENANCE]),
    "attendance": pa.schema([("period", pa.date32()), ("nip", pa.string()), ("hari_kerja", pa.int16()),
                             *[(c, pa.int16()) for c in ATTENDANCE_COUNT_COLUMNS],
                             *PROVENANCE]),
    "salary": pa.schema([("period", pa.date32()), ("nip", pa.string()), ("ptkp_status", pa.string()),
                         *[(c, pa.int64()) for c in SALARY_AMOUNT_COLUMNS], *PROVENANCE]),
    "sanctions": pa.schema([("period", pa.date32()), ("nip", pa.string()), ("jenis_hukuman_id", pa.string()),
                            ("tmt_hukuman", pa.date32()), ("sk_nomor", pa.string()), ("sk_tanggal", pa.date32()),
                            *PROVENANCE]),
    "violations": pa.schema([("period", pa.date32()), ("nip", pa.string()), ("tanggal", pa.date32()),
                             ("referensi", pa.string()), *PROVENANCE]),
    "acting": pa.schema([("period", pa.date32()), ("nip", pa.string()), ("jenis_plt", pa.string()),
                         ("jabatan", pa.string()), ("kelas_jabatan", pa.int16()), ("opd_kode", pa.string()),
                         ("tmt_mulai", pa.date32()), ("tmt_selesai", pa.date32()), ("sk_nomor", pa.string()),
                         *PROVENANCE]),
    "siasn_response": pa.schema([("endpoint", pa.string()), ("nip", pa.string()), ("http_status", pa.int16()),
                                 ("n_records", pa.int32()), *PROVENANCE]),
    "kinerja_periodik": pa.schema([("nip", pa.string()), ("record_id", pa.string()), ("tahun", pa.int16()),
                                   ("hasil_code", pa.int8()), ("perilaku_code", pa.int8()), ("predikat_code", pa.int8()),
                                   ("period_start", pa.date32()), ("period_end", pa.date32()),
                                   ("periodik_nama", pa.string()), ("penilai_nip", pa.string()),
                                   ("unor_id", pa.string()), ("unor_nama", pa.string()),
                                   ("_record_index", pa.int32()), *PROVENANCE]),
    "skp_tahunan": pa.schema([("nip", pa.string()), ("record_id", pa.string()), ("tahun", pa.int16()),
                              ("hasil_code", pa.int8()), ("perilaku_code", pa.int8()), ("predikat_code", pa.int8()),
                              ("predikat_nama", pa.string()), ("penilai_nip", pa.string()),
                              ("penilai_unor", pa.string()), ("status_penilai", pa.string()),
                              ("_record_index", pa.int32()), *PROVENANCE]),
    "hukdis": pa.schema([("nip", pa.string()), ("record_id", pa.string()), ("jenis_hukuman_id", pa.string()),
                         ("tingkat_hukuman_id", pa.string()), ("tmt_hukuman", pa.date32()),
                         ("akhir_hukuman", pa.date32()), ("masa_bulan", pa.int16()), ("sk_nomor", pa.string()),
                         ("sk_tanggal", pa.date32()), ("sk_pembatalan_nomor", pa.string()),
                         ("_record_index", pa.int32()), *PROVENANCE]),
    "quarantine": pa.schema([("source", pa.string()), ("source_file", pa.string()), ("source_line", pa.int32()),
                             ("record_index", pa.int32()), ("field", pa.string()), ("value", pa.string()),
                             ("message", pa.string()), ("file_sha256", pa.string()), ("nip", pa.string()),
                             ("fetched_at", TS)]),
    "landed_file": pa.schema([("ingest_key", pa.string()), ("file_sha256", pa.string()), ("source", pa.string()), ("source_file", pa.string()),
                              ("period", pa.date32()), ("size_bytes", pa.int64()),
                              ("lines_landed", pa.int32()), ("lines_accepted", pa.int32()),
                              ("lines_quarantined", pa.int32()), ("records_landed", pa.int32()),
                              ("records_accepted", pa.int32()), ("records_quarantined", pa.int32()),
                              ("file_rejections", pa.int32())]),
    # Which delivery of a monthly payroll file is current: a pointer, rewritten when a corrected file lands.
    "payroll_current": pa.schema([("source", pa.string()), ("period", pa.date32()), ("file_sha256", pa.string()),
                                  ("source_file", pa.string())]),
}


def schema_without(table: str, *added_at_ingest: str) -> pa.Schema:
    """A raw table's columns as a parser produces them, before ingestion adds the per-file ones."""
    return pa.schema([f for f in SCHEMAS[table] if f.name not in added_at_ingest])


def sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def ingest_key(rel_path: str, sha: str) -> str:
    return hashlib.sha256(f"{rel_path}\n{sha}".encode()).hexdigest()


class RawStore:
    def __init__(self, home: Path):
        self.root = Path(home) / "raw"

    def ensure_layout(self) -> None:
        for table, schema in SCHEMAS.items():
            ensure_schema_marker(self.root / table, schema)

    def path(self, table: str, key: str) -> Path:
        return self.root / table / f"{key}.parquet"

    def file_sha256(self, path: Path) -> str:
        """The landing file's SHA-256, hashed again only when its stat signature changed. A monthly run sees
        every delivered fetch file again; re-hashing them cost 31 s a run for one national annual pull (5.6 GB).
        The signature holds the inode change time, which any write to the file moves and no tool can set back."""
        real = Path(path).resolve()
        st = real.stat()
        signature = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        memo = self.root / "_file_hashes" / f"{hashlib.sha256(str(real).encode()).hexdigest()}.json"
        if memo.exists():
            known = json.loads(memo.read_text())
            if known["signature"] == signature:
                return known["sha256"]
        sha = sha256_file(real)
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"path": str(real), "signature": signature, "sha256": sha}))
        tmp.replace(memo)
        return sha

    def is_ingested(self, key: str) -> bool:
        return self.path("landed_file", key).exists()

    def write(self, table: str, key: str, rows: list[dict] | pa.Table) -> None:
        with self.writer(table, key) as write:
            write(rows)

    @contextlib.contextmanager
    def writer(self, table: str, key: str):
        """Append batches (rows or Arrow tables) to one Parquet file, which appears only once complete."""
        schema = SCHEMAS[table]
        target = self.path(table, key)
        tmp = target.with_suffix(".tmp")
        with pq.ParquetWriter(tmp, schema) as out:
            def write(rows: list[dict] | pa.Table) -> None:
                data = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=schema)
                out.write_table(data.select(schema.names).cast(schema))
            yield write
        tmp.replace(target)

    def read(self, table: str) -> pa.Table:
        files = sorted((self.root / table).glob("*.parquet"))
        if not files:
            return SCHEMAS[table].empty_table()
        return pa.concat_tables([pq.read_table(f, schema=SCHEMAS[table]) for f in files])

    def set_current_payroll(self, source: str, period: dt.date, sha: str, rel_path: str) -> None:
        self.write("payroll_current", f"{source}-{period:%Y-%m}",
                   [{"source": source, "period": period, "file_sha256": sha, "source_file": rel_path}])
