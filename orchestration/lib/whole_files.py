"""Files that readers in other processes see whole or not at all. The multiprocess executor starts
several step processes at once on a fresh home; each lays out the folders, and a reader must never open a marker
another process is half-way through writing (a 0-byte file fails the run)."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def _scratch(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")   # one scratch per writer process


def write_whole(table: pa.Table, target: Path) -> None:
    scratch = _scratch(target)
    pq.write_table(table, scratch)
    scratch.replace(target)


def write_whole_text(text: str, target: Path) -> None:
    scratch = _scratch(target)
    scratch.write_text(text)
    scratch.replace(target)


def ensure_schema_marker(folder: Path, schema: pa.Schema, name: str = "_schema.parquet") -> None:
    """An empty `_schema.parquet`, so dbt's globs match before any data has landed; rewritten when the table
    gains columns, since dbt reads each table by name across files and the marker is where new columns first
    appear for files written before them."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / name
    if not marker.exists() or not pq.read_schema(marker).equals(schema, check_metadata=False):
        write_whole(schema.empty_table(), marker)
