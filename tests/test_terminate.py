"""Terminate, as the UI's button does it (an interrupt to the run's process): the run stops within 30 s during its
dbt build, leaves no process behind, is recorded as failed, and frees its `warehouse` pool slot."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from test_one_path import leftover_processes

BIN = Path(sys.executable).parent


def _dbt_started(instance) -> bool:
    runs = instance.get_runs(limit=1)
    if not runs:
        return False
    return any(e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.STEP_START
               and e.dagster_event.step_key == "dbt_models" for e in instance.all_logs(runs[0].run_id))


def test_an_interrupted_run_stops_within_30_s_and_frees_its_slot(small_landing, tmp_path):
    home = tmp_path / "home"
    instance_dir = subprocess.run([str(BIN / "kinerja"), "instance", "--home", str(home)], capture_output=True,
                                  text=True, check=True).stdout.strip()
    env = {**os.environ, "DAGSTER_HOME": instance_dir, "KINERJA_HOME": str(home),
           "KINERJA_LANDING": str(small_landing), "PATH": f"{BIN}:{os.environ['PATH']}"}
    output = tmp_path / "job_execute.txt"
    with open(output, "w") as sink:
        job = subprocess.Popen([str(BIN / "dagster"), "job", "execute", "-m", "orchestration.definitions", "-j",
                                "monthly_tpp", "--tags", json.dumps({"dagster/partition": "2025-03"})],
                               stdout=sink, stderr=subprocess.STDOUT, env=env)
    # opened while the job opens it too: the fresh instance's files are created by one of the two (home_storage)
    instance = dg.DagsterInstance.from_config(instance_dir)
    try:
        deadline = time.monotonic() + 240
        while not _dbt_started(instance) and time.monotonic() < deadline:
            assert job.poll() is None, "the run ended before its dbt build:\n" + output.read_text()[-3000:]
            time.sleep(0.5)
        time.sleep(2.0)                      # dbt is writing the warehouse
        job.send_signal(signal.SIGINT)
        job.wait(timeout=30)
        assert not leftover_processes(home), "a step or dbt outlived the terminated run"
        [run] = instance.get_runs(limit=1)
        assert run.status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
        assert instance.event_log_storage.get_concurrency_info("warehouse").active_slot_count == 0
    finally:
        if job.poll() is None:
            job.kill()
        instance.dispose()
    from orchestration.lib.audit import list_runs
    # with no daemon to write the run's final row, `kinerja runs` (and the next run's claim) does
    listed = subprocess.run([str(BIN / "kinerja"), "runs", "--home", str(home)], capture_output=True, text=True)
    assert listed.returncode == 0 and " failed " in listed.stdout, listed.stdout + listed.stderr
    [row] = list_runs(home)          # the warehouse may not hold the audit view yet: the log files themselves
    assert row["status"] in ("failed", "canceled") and not row["succeeded"]
