"""The run audit log: one Parquet row per `kinerja run` under <home>/audit/pipeline_runs/, read by dbt as
audit.pipeline_runs and listed by `kinerja runs`. Run metadata lives here, never in facts or reports."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema([("run_id", pa.string()), ("started_at", pa.timestamp("us", tz="UTC")),
                    ("finished_at", pa.timestamp("us", tz="UTC")), ("code_version", pa.string()),
                    ("months", pa.string()), ("succeeded", pa.bool_()), ("failed_step", pa.string()),
                    ("input_files", pa.string()), ("dbt_invocation_id", pa.string()),
                    ("check_results", pa.string()), ("report_files", pa.string())])
REPO = Path(__file__).resolve().parents[2]


def audit_dir(home: Path) -> Path:
    return Path(home) / "audit" / "pipeline_runs"


def ensure_audit_layout(home: Path) -> None:
    folder = audit_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "_schema.parquet").exists():
        pq.write_table(SCHEMA.empty_table(), folder / "_schema.parquet")


def code_version() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                             timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True,
                               timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (sha or "unknown") + ("-dirty" if dirty else "")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_run(home: Path, started_at: dt.datetime, months: list[dt.date], succeeded: bool, failed_step: str,
               dbt_invocation_id: str) -> str:
    home = Path(home)
    ensure_audit_layout(home)
    landed = pq.read_table(home / "raw" / "landed_file").select(["source_file", "file_sha256"]).to_pylist() \
        if (home / "raw" / "landed_file").exists() else []
    checks = {}
    for verdict in sorted((home / "quality").glob("*/gate.json")):
        v = json.loads(verdict.read_text())
        checks[v["month"]] = {s["suite"]: s["success"] for s in v["suites"]}
    reports = {p.relative_to(home).as_posix(): _sha(p) for p in sorted((home / "reports").rglob("*"))
               if p.is_file() and "data_docs" not in p.parts and "dbt_docs" not in p.parts}
    run_id = str(uuid.uuid4())
    row = {"run_id": run_id, "started_at": started_at, "finished_at": dt.datetime.now(dt.timezone.utc),
           "code_version": code_version(), "months": f"{months[0]:%Y-%m}..{months[-1]:%Y-%m}",
           "succeeded": succeeded, "failed_step": failed_step,
           "input_files": json.dumps(sorted({(r["source_file"], r["file_sha256"]) for r in landed})),
           "dbt_invocation_id": dbt_invocation_id, "check_results": json.dumps(checks, sort_keys=True),
           "report_files": json.dumps(reports, sort_keys=True)}
    pq.write_table(pa.Table.from_pylist([row], schema=SCHEMA), audit_dir(home) / f"{started_at:%Y%m%dT%H%M%S}-{run_id}.parquet")
    return run_id


def list_runs(home: Path) -> list[dict]:
    folder = audit_dir(home)
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    rows = [r for f in files for r in pq.read_table(f, schema=SCHEMA).to_pylist()]
    return sorted(rows, key=lambda r: r["started_at"])
