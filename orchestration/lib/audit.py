"""The run audit log: one Parquet row per Dagster run under <home>/audit/pipeline_runs/<run id>.parquet, read by
dbt as audit.pipeline_runs and listed by `kinerja runs`. Whatever launched the run (schedule, sensor, backfill,
UI, `dagster job execute`, `kinerja run`), its row is written from the run's own record in the home's Dagster
instance, after each of its steps and once more when it ends. Run metadata lives here, never in facts or reports."""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .issued import ensure_issued_layout, payout_files
from .landing_files import read_ignored
from .raw_store import SCHEMAS as RAW_SCHEMAS
from .whole_files import ensure_schema_marker, write_whole

SCHEMA = pa.schema([("run_id", pa.string()), ("started_at", pa.timestamp("us", tz="UTC")),
                    ("finished_at", pa.timestamp("us", tz="UTC")), ("code_version", pa.string()),
                    ("months", pa.string()), ("succeeded", pa.bool_()), ("failed_step", pa.string()),
                    ("input_files", pa.string()), ("dbt_invocation_id", pa.string()),
                    ("check_results", pa.string()), ("report_files", pa.string()),
                    ("status", pa.string()), ("launched_by", pa.string()), ("job", pa.string()),
                    ("steps", pa.string()), ("ignored_files", pa.string())])
REPO = Path(__file__).resolve().parents[2]
DBT_INVOCATION_TAG = "kinerja/dbt_invocation_id"   # the run's own record of the dbt build it ran
LAUNCH_TAG = "kinerja/launch"                      # the `kinerja run` that launched a run


def audit_dir(home: Path) -> Path:
    return Path(home) / "audit" / "pipeline_runs"


def ensure_audit_layout(home: Path) -> None:
    ensure_schema_marker(audit_dir(home), SCHEMA)
    ensure_issued_layout(home)


@functools.lru_cache(maxsize=1)   # once per process: a hook after every step asks
def code_version() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                             timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True,
                               timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (sha or "unknown") + ("-dirty" if dirty else "")


def launched_by(tags: dict) -> str:
    for tag, name in (("dagster/schedule_name", "schedule"), ("dagster/sensor_name", "sensor"),
                      ("dagster/backfill", "backfill"), (LAUNCH_TAG, "kinerja run")):
        if tag in tags:
            return f"{name} {tags[tag]}"
    return "ui or dagster job execute"


# The tags Dagster gives a run over a range of partitions (a backfill, `kinerja run --from A --to B`).
RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


def run_months(tags: dict) -> str:
    if "dagster/partition" in tags:
        return tags["dagster/partition"]
    start, end = (tags.get(t) for t in RANGE_TAGS)
    return f"{start}..{end}" if start else ""


def user_error_line(err) -> str:
    """The first line of the user's error, not Dagster's wrapper around it ("Error occurred while executing op")
    nor the class name Dagster puts in front of the message."""
    while err is not None and err.cause is not None and "DagsterExecutionStepExecutionError" in err.cls_name:
        err = err.cause
    line = (err.message.strip().splitlines() or [""])[0] if err else ""
    return re.sub(r"^[\w.]+(Error|Exception|Failure): ", "", line)


def _run_facts(instance, run_id: str, current_step: str | None) -> dict:
    """What the instance knows of the run: its steps, failures, failed blocking checks, status and times."""
    from dagster import AssetCheckSeverity, DagsterEventType, DagsterRunStatus
    run = instance.get_run_by_id(run_id)
    record = instance.get_run_record_by_id(run_id)
    done, failed, skipped = set(), [], set()
    # only the events read here (a run's log holds about 1,200, deserialised on every step's hook otherwise)
    wanted = {DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_SKIPPED,
              DagsterEventType.ASSET_CHECK_EVALUATION}
    for entry in instance.all_logs(run_id, of_type=wanted):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == DagsterEventType.STEP_SUCCESS:
            done.add(event.step_key)
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            message = user_error_line(event.event_specific_data.error if event.event_specific_data else None)
            failed.append(f"{event.step_key}: {message}"[:500])
        elif event.event_type == DagsterEventType.STEP_SKIPPED:
            skipped.add(event.step_key)
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR:
                failed.append(f"check {'/'.join(evaluation.asset_key.path)}:{evaluation.check_name} failed"
                              + (f" ({evaluation.partition})" if getattr(evaluation, "partition", None) else ""))
    if current_step:
        done.add(current_step)
    planned = set()
    if run.execution_plan_snapshot_id:
        plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
        planned = set(plan.step_keys_to_execute or [s.key for s in plan.steps])
    if failed or run.status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
        status = "canceled" if run.status == DagsterRunStatus.CANCELED else "failed"
        if not failed:
            failed.append("the run was stopped" if status == "canceled" else "the run failed before its steps ended")
    elif run.status == DagsterRunStatus.SUCCESS or (planned and planned <= done):
        status = "succeeded"
    else:
        status = "running"
    started = record.start_time or record.create_timestamp.timestamp()
    ended = record.end_time
    return {"run": run, "status": status, "failed": failed, "done": sorted(done), "skipped": sorted(skipped),
            "started_at": dt.datetime.fromtimestamp(started, dt.timezone.utc),
            "finished_at": dt.datetime.fromtimestamp(ended, dt.timezone.utc) if ended else dt.datetime.now(dt.timezone.utc)}


def record_run(instance, run_id: str, home: Path, current_step: str | None = None) -> dict:
    """Write (again) the run's row; called by every step's hook, by `kinerja run` and by the run-status sensors
    when the run ends, so the last writer has the final status. Returns the row."""
    home = Path(home)
    ensure_audit_layout(home)
    facts = _run_facts(instance, run_id, current_step)
    tags = dict(facts["run"].tags)
    # With the schema: on a fresh home the folder exists before its first file, and has no columns to select.
    landed = pq.read_table(home / "raw" / "landed_file", schema=RAW_SCHEMAS["landed_file"]) \
        .select(["source_file", "file_sha256"]).to_pylist() if (home / "raw" / "landed_file").exists() else []
    months = run_months(tags)
    keys = _month_keys(months) if months else []
    checks = {}
    for verdict in sorted((home / "quality").glob("*/gate.json")):
        v = json.loads(verdict.read_text())
        if not keys or v["month"] in keys:
            checks[v["month"]] = {s["suite"]: s["success"] for s in v["suites"]}
    report_dirs = [home / "reports" / m for m in keys]
    reports = {(d.relative_to(home) / rel).as_posix(): sha for d in report_dirs if d.exists()
               for rel, sha in payout_files(d).items()}
    row = {"run_id": run_id, "started_at": facts["started_at"], "finished_at": facts["finished_at"],
           "code_version": code_version(), "months": months, "succeeded": facts["status"] == "succeeded",
           "failed_step": "; ".join(facts["failed"]),
           "input_files": json.dumps(sorted({(r["source_file"], r["file_sha256"]) for r in landed})),
           "dbt_invocation_id": tags.get(DBT_INVOCATION_TAG, ""), "check_results": json.dumps(checks, sort_keys=True),
           "report_files": json.dumps(reports, sort_keys=True), "status": facts["status"],
           "launched_by": launched_by(tags), "job": facts["run"].job_name,
           "steps": json.dumps({"done": facts["done"], "skipped": facts["skipped"]}),
           "ignored_files": json.dumps(read_ignored(home))}
    write_whole(pa.Table.from_pylist([row], schema=SCHEMA), audit_dir(home) / f"{run_id}.parquet")
    return row


def _month_keys(months: str) -> list[str]:
    if ".." not in months:
        return [months]
    from orchestration.lib.months import month_key, month_range, parse_month
    start, end = months.split("..")
    return [month_key(m) for m in month_range(parse_month(start), parse_month(end))]


def refresh_ended(instance, home: Path) -> list[str]:
    """Rewrite the rows still marked running whose run has ended in the instance (interrupted, or ended after its
    last hook with no daemon to run the run-status sensors). Returns their run ids."""
    refreshed = []
    for row in list_runs(home):
        if row["status"] == "running":
            run = instance.get_run_by_id(row["run_id"])
            if run is not None and run.is_finished:
                record_run(instance, row["run_id"], home)
                refreshed.append(row["run_id"])
    return refreshed


def list_runs(home: Path) -> list[dict]:
    folder = audit_dir(home)
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    rows = [r for f in files for r in pq.read_table(f, schema=SCHEMA).to_pylist()]
    return sorted(rows, key=lambda r: r["started_at"])


def runs_that_wrote(home: Path, path: Path) -> list[dict]:
    """The recorded runs whose report files include these exact bytes (by SHA-256). Payout files carry no run id, so
    that the same facts give the same bytes; the audit log ties the bytes to the runs that wrote or re-wrote them."""
    from orchestration.lib.raw_store import sha256_file
    sha = sha256_file(Path(path))
    return [r for r in list_runs(home) if sha in json.loads(r["report_files"] or "{}").values()]
