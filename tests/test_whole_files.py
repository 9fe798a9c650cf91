"""Step processes that start together on a fresh home lay out the same folders: none may read a marker another
is half-way through writing (CI once failed a scheduled run on a 0-byte `_schema.parquet`)."""
import multiprocessing as mp

import pyarrow.parquet as pq

from orchestration.lib.audit import SCHEMA
from orchestration.lib.whole_files import ensure_schema_marker

FOLDERS = 150


def _lay_out(root: str) -> None:
    from pathlib import Path
    for i in range(FOLDERS):
        ensure_schema_marker(Path(root) / f"f{i}", SCHEMA)


def test_processes_laying_out_one_fresh_home_at_once_never_see_half_a_marker(tmp_path):
    ctx = mp.get_context("spawn")
    workers = [ctx.Process(target=_lay_out, args=(str(tmp_path),)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert all(pq.read_schema(tmp_path / f"f{i}" / "_schema.parquet").equals(SCHEMA) for i in range(FOLDERS))
    assert not list(tmp_path.rglob("*.tmp"))   # no scratch left behind
