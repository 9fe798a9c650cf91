"""One execution path: the job as the daemon runs it (`dagster job execute`, default multiprocess executor, a
subprocess with a time limit), the schedule's and the sensor's run requests, and `kinerja run` give the same files;
every run is audited; a killed run does not lock the home; a second run on a busy home is refused at once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from conftest import query

BIN = Path(sys.executable).parent
IN_PROCESS = {"execution": {"config": {"in_process": {}}}}
MONTHS = ["2025-03", "2025-04", "2025-05"]   # April is Bontang's deferred month, May releases it


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    from orchestration.demo.generator import generate_city
    from orchestration.lib.months import parse_month
    path = tmp_path_factory.mktemp("one_path_landing")
    generate_city(path, 40, parse_month("2025-01"), parse_month(MONTHS[-1]), seed=5)
    return path


def kinerja_run(landing: Path, home: Path, *extra: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "kinerja"), "run", "--landing", str(landing), "--home", str(home),
                           "--from", MONTHS[0], "--to", MONTHS[-1], "--no-docs", *extra],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, "DAGSTER_HOME": ""})


@pytest.fixture(scope="module")
def cli_home(landing, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("cli_home")
    done = kinerja_run(landing, home)
    assert done.returncode == 0, done.stdout + done.stderr
    return home


def payout_files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes()
            for m in MONTHS for p in sorted((home / "reports" / m).rglob("*")) if p.is_file()}


def leftover_processes(home: Path, grace_seconds: float = 5.0) -> list[str]:
    """Processes other than this one whose environment names the home, still there `grace_seconds` after the run
    ended (multiprocessing's forkserver and resource tracker leave a moment after their parent): a child left
    running."""
    deadline = time.monotonic() + grace_seconds
    while (found := _processes_naming(home)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def _processes_naming(home: Path) -> list[str]:
    marker = f"KINERJA_HOME={home}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in Path(entry.path, "environ").read_bytes().split(b"\0"):
                    found.append(Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200])
            except OSError:
                continue
    return found


def test_leftover_process_finder_sees_a_child_left_running(tmp_path):
    # the detector the tests below rely on must see a process that names the home
    child = subprocess.Popen(["sleep", "30"], env={**os.environ, "KINERJA_HOME": str(tmp_path)})
    try:
        deadline = time.monotonic() + 10   # until the child has exec'd, /proc shows the parent's environment
        while b"sleep" not in Path(f"/proc/{child.pid}/cmdline").read_bytes() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert leftover_processes(tmp_path, grace_seconds=1)
    finally:
        child.kill()
        child.wait()
    assert not leftover_processes(tmp_path, grace_seconds=0)


def test_the_scheduled_path_gives_the_same_files_as_kinerja_run_and_is_audited(landing, cli_home, tmp_path):
    home = tmp_path / "daemon_home"   # a fresh home: nothing but its Dagster instance
    instance_dir = subprocess.run([str(BIN / "kinerja"), "instance", "--home", str(home)], capture_output=True,
                                  text=True, check=True).stdout.strip()
    env = {**os.environ, "DAGSTER_HOME": instance_dir, "KINERJA_HOME": str(home), "KINERJA_LANDING": str(landing),
           "PATH": f"{BIN}:{os.environ['PATH']}"}
    for month in MONTHS:
        done = subprocess.run([str(BIN / "dagster"), "job", "execute", "-m", "orchestration.definitions",
                               "-j", "monthly_tpp", "--tags", json.dumps({"dagster/partition": month})],
                              capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert not leftover_processes(home), "a step left a process running after the run ended"
    assert payout_files(home) == payout_files(cli_home)
    assert len(payout_files(home)) > 3 * 3     # CSVs, workbook and PDFs of each month
    runs = query(home, "select months, status, succeeded, job, dbt_invocation_id, launched_by "
                       "from audit.pipeline_runs order by started_at")
    assert [r[:4] for r in runs] == [(m, "succeeded", True, "monthly_tpp") for m in MONTHS]
    # two dbt builds in each: the inputs, then the month's facts
    assert all([len(i) for i in r[4].split()] == [36, 36] for r in runs) and {r[5] for r in runs} == {"ui or dagster job execute"}
    # the gate's check results carry their month
    instance = dg.DagsterInstance.from_config(instance_dir)
    try:
        key = dg.AssetCheckKey(dg.AssetKey(["quality", "quality_gate"]), "tpp_entitlement")
        history = instance.event_log_storage.get_asset_check_execution_history(key, limit=10)
        assert sorted(h.event.asset_check_evaluation.partition for h in history) == MONTHS
    finally:
        instance.dispose()


def test_a_range_of_months_picked_in_dagster_is_one_dbt_build_with_the_same_facts(landing, cli_home, tmp_path):
    """What the UI's Materialize of a few month facts over a partition range launches (here through Dagster's own
    CLI): one run, one dbt build of just those models from the range's first month, no dbt unit tests, and the
    facts as `kinerja run` built them."""
    import shutil
    home = tmp_path / "picked_home"
    shutil.copytree(cli_home, home)
    instance_dir = subprocess.run([str(BIN / "kinerja"), "instance", "--home", str(home)], capture_output=True,
                                  text=True, check=True).stdout.strip()
    env = {**os.environ, "DAGSTER_HOME": instance_dir, "KINERJA_HOME": str(home), "KINERJA_LANDING": str(landing)}
    facts = "select * from marts.fct_tpp_entitlement order by nip, period"
    before = query(home, facts)
    done = subprocess.run([str(BIN / "dagster"), "asset", "materialize", "-m", "orchestration.definitions",
                           "--select", "tag:monthly", "--partition-range", f"{MONTHS[0]}...{MONTHS[-1]}"],
                          capture_output=True, text=True, timeout=300, env=env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert f"per-month facts rebuilt from {MONTHS[0]}" in out
    assert out.count("Running dbt command") == 1 and "unit_test" not in out
    assert "PASS=" in out and "ERROR=0" in out
    assert query(home, facts) == before and len(before) > 0
    assert not leftover_processes(home)


def test_the_schedule_s_and_the_sensor_s_run_requests_execute(landing, cli_home, tmp_path):
    import datetime as dt
    from zoneinfo import ZoneInfo
    from orchestration import definitions
    from orchestration.defs.resources import KinerjaPaths
    from orchestration.defs.schedules import monthly_schedule, payroll_file_sensor
    home = tmp_path / "scheduled_home"
    os.environ.update(KINERJA_HOME=str(home), KINERJA_LANDING=str(landing))
    instance = dg.DagsterInstance.from_config(subprocess.run(
        [str(BIN / "kinerja"), "instance", "--home", str(home)], capture_output=True, text=True).stdout.strip())
    try:
        paths = KinerjaPaths(landing=str(landing), home=str(home))
        sensed = payroll_file_sensor(dg.build_sensor_context(cursor=None, resources={"paths": paths}))
        march = [r for r in sensed.run_requests if r.partition_key == "2025-03"]
        delivered = sorted(p.parent.name for p in Path(landing).glob("payroll/*/2025-03.csv"))
        assert {"roster", "attendance", "salary"} <= set(delivered)   # and BKPSDM's files of the demo's cases
        assert len(march) == len(delivered)       # one run request per delivered file
        ingest = dg.execute_job(dg.reconstructable(definitions.payroll_ingest), instance, run_config=IN_PROCESS,
                                tags={**march[0].tags, "dagster/partition": "2025-03"})
        assert ingest.success
        tick = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2025, 4, 6, 6, tzinfo=ZoneInfo("Asia/Makassar")))
        [request] = monthly_schedule.evaluate_tick(tick).run_requests
        assert request.partition_key == "2025-03"
        monthly = dg.execute_job(dg.reconstructable(definitions.monthly_tpp), instance, run_config=IN_PROCESS,
                                 tags={**request.tags, "dagster/partition": request.partition_key})
        assert monthly.success
        march_files = {k: v for k, v in payout_files(home).items() if "2025-03" in k}
        assert march_files and march_files == {k: v for k, v in payout_files(cli_home).items() if "2025-03" in k}
        runs = query(home, "select job, months, status from audit.pipeline_runs order by started_at")
        assert runs == [("payroll_ingest", "2025-03", "succeeded"), ("monthly_tpp", "2025-03", "succeeded")]
    finally:
        instance.dispose()
        for name in ("KINERJA_HOME", "KINERJA_LANDING"):
            os.environ.pop(name, None)


def test_a_busy_home_refuses_a_second_run_and_a_killed_run_does_not_lock_it(landing, cli_home, tmp_path):
    home = tmp_path / "killed_home"
    first = subprocess.Popen([str(BIN / "kinerja"), "run", "--landing", str(landing), "--home", str(home),
                              "--from", MONTHS[0], "--to", MONTHS[-1], "--no-docs"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, "DAGSTER_HOME": ""})
    seen = []
    try:
        for line in first.stdout:        # wait until its dbt build has started
            seen.append(line)
            if line.startswith("[") and "dbt build" in line:
                break
        time.sleep(1.0)
        assert first.poll() is None, "".join(seen)
        second = kinerja_run(landing, home, timeout=120)
        assert second.returncode == 1
        assert f"home {home.resolve()} is held by run kinerja-run-" in second.stdout
        first.send_signal(signal.SIGKILL)   # while dbt writes the warehouse
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    again = kinerja_run(landing, home)
    assert again.returncode == 0, again.stdout + again.stderr
    assert payout_files(home) == payout_files(cli_home)
    assert not leftover_processes(home)
    statuses = [s for (s,) in query(home, "select status from audit.pipeline_runs where job = 'monthly_tpp' "
                                          f"and months = '{MONTHS[0]}..{MONTHS[-1]}' order by started_at")]
    assert statuses[-1] == "succeeded" and statuses[0] in ("failed", "running")   # the killed dbt run
