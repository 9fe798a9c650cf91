"""`kinerja run`: every asset for a range of months, in month order, in-process, with a line per step."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable

import dagster as dg

from orchestration.defs.quality.gate_validation import GATE_MODULES, drop_validations, finish_site, start_validations
from orchestration.lib.months import month_key, month_range, next_month
from orchestration.lib.audit import ensure_audit_layout, record_run
from orchestration.lib.dbt_cli import finish_first_parse, start_first_parse
from orchestration.lib.raw_store import RawStore
from orchestration.lib.skp_gates import skp_deadlines
from orchestration.lib.worker_pool import start_worker_pool


# The progress lines are the CLI's output; Dagster's own event log stays in the instance (and `make ui`).
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _instance() -> dg.DagsterInstance:
    # Runs show up in `make ui` when DAGSTER_HOME points at the repo's instance; tests use a throwaway one.
    home = os.environ.get("DAGSTER_HOME")
    if home and (Path(home) / "dagster.yaml").exists():
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _check_lines(ev) -> list[str]:
    detail = ev.metadata.get("failed_expectations")
    text = detail.value if detail is not None else ""
    return [f"        {line[2:]}" for line in str(text).splitlines() if line.startswith("- ")]


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    out = []
    for ev in result.get_asset_check_evaluations():
        if not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR:
            key = "/".join(ev.asset_key.path)
            out.append(f"check {key}:{ev.check_name} failed" + (f" ({ev.description})" if ev.description else ""))
            out.extend(_check_lines(ev))
    for ev in result.get_step_failure_events():
        err = ev.event_specific_data.error if ev.event_specific_data else None
        message = (err.message.strip().splitlines() or [""])[0] if err else ""
        out.append(f"step {ev.step_key} failed: {message}")
    return out


def _warnings(result: dg.ExecuteInProcessResult) -> list[str]:
    out = []
    for ev in result.get_asset_check_evaluations():
        if not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN:
            out.append(f"warning {ev.check_name}" + (f" ({ev.description})" if ev.description else ""))
            out.extend(_check_lines(ev))
    return out


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    out = {}
    for ev in result.get_asset_materialization_events():
        mat = ev.event_specific_data.materialization
        out["/".join(mat.asset_key.path)] = {k: v.value for k, v in mat.metadata.items()}
    return out


def run_pipeline(landing: Path, home: Path, start, end, echo: Callable[[str], None] = print,
                 instance: dg.DagsterInstance | None = None, docs: bool = True, documents: str = "all",
                 full_refresh: bool = False) -> bool:
    started_at = dt.datetime.now(dt.timezone.utc)
    months = month_range(start, end)
    os.environ["KINERJA_LANDING"], os.environ["KINERJA_HOME"] = str(landing), str(home)
    start_first_parse(home)   # on the idle core while the definitions load and the files are ingested
    invocation = home / "audit" / "last_dbt_invocation.json"
    invocation.unlink(missing_ok=True)    # written by this run's dbt build only; a stale id must not be recorded
    try:
        failed_step = _run_steps(landing, home, months, echo, instance, docs, documents, full_refresh)
    finally:
        finish_first_parse(home)   # if the run stopped before its dbt build
        drop_validations()
    dbt_invocation_id = json.loads(invocation.read_text())["invocation_id"] if invocation.exists() else ""
    run_id = record_run(home, started_at, months, not failed_step, failed_step, dbt_invocation_id)
    echo(f"run {run_id} recorded in audit.pipeline_runs (`kinerja runs --home {home}`)")
    return not failed_step


def _run_steps(landing: Path, home: Path, months: list, echo, instance, docs: bool, documents: str,
               full_refresh: bool = False) -> str:
    """Every step in order; returns the label of the step that failed, or '' when all passed."""
    from orchestration.defs.dbt.assets import dbt_models
    from orchestration.defs.dbt.project import dbt_resource
    from orchestration.defs.ingest.assets import raw_attendance, raw_roster, raw_siasn
    from orchestration.defs.quality.assets import quality_gate
    from orchestration.defs.reports.assets import ipasn_report, payout_report
    from orchestration.defs.reports.ipasn import chart_library
    from orchestration.defs.reports.payout_files import RENDERERS
    from orchestration.defs.resources import KinerjaPaths

    home.mkdir(parents=True, exist_ok=True)
    RawStore(home).ensure_layout()
    ensure_audit_layout(home)
    instance = instance or _instance()
    resources = {"paths": KinerjaPaths(landing=str(landing), home=str(home), documents=documents), "dbt": dbt_resource()}
    steps: list[tuple[str, list, str | None]] = [("ingest SIASN fetches", [raw_siasn], None)]
    steps += [(f"ingest payroll {month_key(m)}", [raw_roster, raw_attendance], month_key(m)) for m in months]
    steps += [("dbt build (rules, staging, facts, tests)", [dbt_models], None)]
    steps += [(f"quality gate and payout {month_key(m)}", [quality_gate, payout_report], month_key(m)) for m in months]
    steps += [(f"IPASN report {year}", [ipasn_report], str(year)) for year in skp_years_due(months[-1])]

    log_path = home / "logs" / "run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    echo(f"kinerja run {month_key(months[0])}..{month_key(months[-1])}: landing={landing} home={home}")
    for i, (label, assets, partition) in enumerate(steps, start=1):
        t0 = time.monotonic()
        # dbt's own console output goes to <home>/logs/run.log, so the terminal shows one line per step.
        run_config = QUIET
        if assets == [dbt_models]:
            # GX and the renderers are imported by the worker processes on the core dbt leaves idle
            start_worker_pool(GATE_MODULES + RENDERERS)
            if any(step_assets == [ipasn_report] for _, step_assets, _ in steps):
                # this process mostly waits for dbt: the IPASN chart's library is imported meanwhile
                threading.Thread(target=chart_library, name="import-matplotlib", daemon=True).start()
            run_config = {**QUIET, "ops": {"dbt_models": {"config": {"full_refresh": full_refresh,
                                                                     "period_from": month_key(months[0])}}}}
        with open(log_path, "a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
            result = dg.materialize(assets, partition_key=partition, resources=resources, instance=instance,
                                    raise_on_error=False, tags={"kinerja/step": label}, run_config=run_config)
        failures = _failures(result)
        seconds = time.monotonic() - t0
        if not result.success or failures:
            echo(f"[{i}/{len(steps)}] {label}: FAILED after {seconds:.1f}s")
            for f in failures or ["run failed (see the Dagster run log)"]:
                echo(f"    {f}")
            if partition and assets[-1] is payout_report:
                echo(f"    no payout file written for {partition}; later months are not run (releases depend on it)")
            echo(f"    full log: {log_path}")
            return label
        echo(f"[{i}/{len(steps)}] {label}: ok in {seconds:.1f}s{_summary(_metadata(result))}")
        if assets == [dbt_models]:
            # every month's gate validates on the built facts side by side; each gate step still records its
            # month's verdict, and writes the payout, in month order
            start_validations(home, months)
        for w in _warnings(result):
            echo(f"    {w}")
    try:
        finish_site(home)   # the Data Docs suite pages and index, built once after every month's validation
    except Exception as err:
        echo(f"Data Docs index: FAILED ({type(err).__name__}: {err})")
        return "Data Docs index"
    if docs:
        _dbt_docs(home, log_path, echo)
    from orchestration.lib.summary import print_summary
    print_summary(home, months, echo)
    return ""


def _dbt_docs(home: Path, log_path: Path, echo) -> None:
    from orchestration.defs.dbt.project import dbt_docs_args
    from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, dbt_executable, restore_partial_parse
    target = home / "reports" / "dbt_docs"
    restore_partial_parse(home, target)   # the build's parse state: the docs do not parse the project again
    with open(log_path, "a", encoding="utf-8") as log:
        done = subprocess.run([dbt_executable(), *dbt_docs_args(target), "--profiles-dir", ".", "--project-dir", "."],
                              cwd=DBT_PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT)
    echo(f"dbt docs: {target / 'static_index.html'}" if done.returncode == 0 else f"dbt docs failed (see {log_path})")


SUMMARY_LABEL = {"raw/roster": "roster", "raw/attendance": "attendance", "raw/kinerja_periodik": "SIASN response lines"}


def skp_years_due(last_month) -> list[int]:
    """SKP years whose deadline falls on or before the end of the last month run (from the rule seed)."""
    return sorted({year for deadline, year in skp_deadlines().items() if deadline < next_month(last_month)})


def _summary(meta: dict[str, dict]) -> str:
    parts = []
    for key in ("raw/roster", "raw/attendance", "raw/kinerja_periodik"):   # SIASN metadata covers both endpoints
        if key in meta:
            m = meta[key]
            extra = f" + {m['records_quarantined']} records" if m["records_quarantined"] != m["lines_quarantined"] else ""
            parts.append(f"{SUMMARY_LABEL.get(key, key)} {m['lines_accepted']} accepted, {m['lines_quarantined']} quarantined{extra}")
    return f" ({'; '.join(parts)})" if parts else ""
