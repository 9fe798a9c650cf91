"""End to end: the faults demo blocks the payout; warnings alone do not; a corrected file lets it through."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.demo.generator import generate_city
from orchestration.lib.months import parse_month

KINERJA = str(Path(sys.executable).parent / "kinerja")


def run(landing, home, start="2025-01", end="2025-03"):
    return subprocess.run([KINERJA, "run", "--landing", str(landing), "--home", str(home), "--from", start, "--to", end,
                           "--no-docs"],
                          capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""})


@pytest.fixture(scope="module")
def cities(tmp_path_factory):
    clean, faulty = tmp_path_factory.mktemp("clean"), tmp_path_factory.mktemp("faulty")
    for path, faults in ((clean, False), (faulty, True)):
        generate_city(path, 120, parse_month("2025-01"), parse_month("2025-03"), seed=11, faults=faults)
    return clean, faulty


def test_faults_block_the_payout_then_corrected_files_pass(cities, tmp_path):
    clean, faulty = cities
    home = tmp_path / "home"
    r = run(faulty, home)
    assert r.returncode == 1, r.stdout
    assert "quality gate 2025-01: FAILED" in r.stdout      # Dagster fails the step whose blocking checks fail
    assert "report payout_report 2025-01" not in r.stdout   # ... and never starts the payout
    assert "check quality/quality_gate:payroll_inputs failed" in r.stdout
    assert "has_attendance_row: 1 unexpected" in r.stdout
    assert "check quality/quality_gate:payroll_quarantine failed" in r.stdout
    assert "expect_table_row_count_to_equal: 7 unexpected" in r.stdout          # 6 roster + 1 attendance rows
    assert "no payout file written for 2025-01" in r.stdout
    assert not list((home / "reports").glob("*/payout_*")), "no payout file may exist"
    assert (home / "reports" / "data_docs" / "index.html").exists()

    # payroll re-delivers the three bad files; the SIASN responses quarantined from January's pull still block
    # January (those people would be paid as never evaluated) until a later fetch before the cutoff replaces them
    for rel in ("payroll/roster/2025-01.csv", "payroll/attendance/2025-01.csv", "payroll/attendance/2025-03.csv"):
        shutil.copyfile(clean / rel, faulty / rel)
    r = run(faulty, home)
    assert r.returncode == 1, r.stdout
    assert "check quality/quality_gate:evidence_complete failed" in r.stdout
    assert "RESPONSE_QUARANTINED" in r.stdout
    pull = "siasn/rw-kinerjaperiodik/2025-02-03T0800.jsonl"
    refetch = (clean / pull).read_bytes().replace(b'"fetched_at":"2025-02-03T', b'"fetched_at":"2025-02-04T')
    (faulty / "siasn/rw-kinerjaperiodik/2025-02-04T0800-refetch.jsonl").write_bytes(refetch)
    r = run(faulty, home)
    assert r.returncode == 0, r.stdout + r.stderr
    for month in ("2025-01", "2025-02", "2025-03"):
        assert (home / "reports" / month / f"payout_{month}_bank.csv").exists()


def test_warnings_alone_do_not_block(small_home):
    out = (small_home / "run_stdout.txt").read_text()
    assert "warning distribution_curve" in out            # 80% BAIK breaks the 'unit baik' curve
    assert "warning published_figures" in out             # 3,441 + 76 != 3,532 is shown, not hidden
    assert (small_home / "reports" / "2025-06" / "payout_2025-06_bank.csv").exists()


def test_payout_refuses_facts_changed_since_the_gate(small_home, tmp_path):
    """Across runs: the payout asset re-checks the gate's verdict against the facts now in the warehouse."""
    import json
    import duckdb
    import dagster as dg
    from orchestration.defs.reports.assets import assert_gate_passed
    from orchestration.defs.resources import KinerjaPaths
    home = tmp_path / "home"
    shutil.copytree(small_home, home)
    verdict_path = home / "quality" / "2025-04" / "gate.json"
    verdict = json.loads(verdict_path.read_text())
    paths = KinerjaPaths(landing=str(tmp_path), home=str(home))
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        assert_gate_passed(paths, "2025-04", con)                                 # as the gate left it
        verdict_path.write_text(json.dumps({**verdict, "facts_fingerprint": "0" * 64}))
        with pytest.raises(dg.Failure, match="changed since the quality gate ran"):
            assert_gate_passed(paths, "2025-04", con)
        verdict_path.write_text(json.dumps({**verdict, "passed": False}))
        with pytest.raises(dg.Failure, match="failed"):
            assert_gate_passed(paths, "2025-04", con)
    finally:
        con.close()


def test_failed_rows_quoted_by_the_gate_are_the_first_in_a_fixed_order(small_home):
    """The verdict names sample rows; they are the first failing keys of the batch sorted on all its columns, so
    the same facts give the same gate.json on every run (a batch without order came in scan order)."""
    import json
    from conftest import query
    from orchestration.defs.quality.suites import SUITES
    suite = next(s for s in SUITES if s.name == "distribution_curve")
    april = {"period": parse_month("2025-04")}
    breaches = query(small_home, f"select opd_bound from ({suite.sql}) where is_breach order by all", april)
    assert len(breaches) > 3
    verdict = json.loads((small_home / "quality" / "2025-04" / "gate.json").read_text())
    failures = next(s["failures"] for s in verdict["suites"] if s["suite"] == suite.name)
    assert failures == [f"expect_column_values_to_be_in_set on is_breach: {len(breaches)} unexpected "
                        f"e.g. {', '.join(b for (b,) in breaches[:3])}"]


def test_a_validation_gives_the_gate_s_verdict_and_the_pool_s_teardown_ends_the_workers(small_home, tmp_path):
    """Validating April again (on a copy of the home: a validation writes its results and Data Docs there) gives
    the verdict its gate step recorded; the worker pool resource (the payout renderer's) leaves no worker process
    behind when it is torn down."""
    import json
    import os
    import shutil
    import dagster as dg
    from orchestration.defs.quality.gate_validation import month_validation
    from orchestration.defs.resources import WorkerPool
    from orchestration.lib.fingerprint import month_fingerprint
    april = parse_month("2025-04")
    pool = WorkerPool()
    executor = pool.executor()
    assert executor is None or executor.submit(os.getpid).result() != os.getpid()
    home = tmp_path / "home"
    shutil.copytree(small_home, home, ignore=shutil.ignore_patterns("reports", "dagster"))
    again = month_validation(home, april)
    workers = list(executor._processes) if executor else []
    assert bool(workers) == bool(executor)
    pool.teardown_after_execution(dg.build_init_resource_context())
    assert not any(os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split(") ")[-1][0] != "Z"
                   for pid in workers)
    gate = json.loads((small_home / "quality" / "2025-04" / "gate.json").read_text())
    assert [(r.suite, r.success, r.rows) for r in again.results] == \
        [(s["suite"], s["success"], s["rows"]) for s in gate["suites"]]
    con = duckdb.connect(str(small_home / "warehouse.duckdb"), read_only=True)
    try:
        assert again.facts_fingerprint == gate["facts_fingerprint"] == month_fingerprint(con, april)
    finally:
        con.close()


def test_the_gate_pool_starts_with_the_run_when_its_steps_share_the_process_or_it_spans_months():
    """`kinerja run` (in-process) of one month: GX loads in the pool's forkserver while the ingest and dbt run, and
    the gate validates there. Under the multiprocess executor a one-month run (the schedule) starts nothing early:
    the resource starts with the gate's own step, which then validates in its process."""
    import os
    from types import SimpleNamespace
    import dagster as dg
    import pytest
    from orchestration.defs.resources import WorkerPool
    from orchestration.lib.audit import RANGE_TAGS
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: no pool, every step validates in its own process")

    def started(executor: str, start: str, end: str) -> bool:
        pool = WorkerPool(preload=[], start_early=True)
        run = dg.DagsterRun(job_name="monthly_tpp", run_config={"execution": {"config": {executor: {}}}},
                            tags=dict(zip(RANGE_TAGS, (start, end))))
        pool.setup_for_execution(SimpleNamespace(dagster_run=run))
        try:
            return pool.started_early
        finally:
            pool.teardown_after_execution(dg.build_init_resource_context())

    assert started("in_process", "2025-04", "2025-04")
    assert not started("multiprocess", "2025-04", "2025-04")
    assert started("multiprocess", "2025-01", "2025-06")
    assert not WorkerPool(preload=[]).started_early
