"""End to end: `kinerja run` on a small city (200 ASN, 2025-01..06) into a temporary home."""
from conftest import SMALL_ASN, query


def test_definitions_load():
    from orchestration.definitions import defs
    keys = {"/".join(k.path) for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw/roster", "raw/attendance", "raw/kinerja_periodik", "raw/skp_tahunan",
            "staging/stg_payroll__roster", "staging/stg_siasn__kinerja_periodik"} <= keys
    # lineage: the dbt source over raw/roster is the ingest asset itself
    graph = defs.resolve_asset_graph()
    from dagster import AssetKey
    assert AssetKey(["raw", "roster"]) in graph.get(AssetKey(["staging", "stg_payroll__roster"])).parent_keys


def test_dbt_executable_is_found_without_the_venv_on_path(monkeypatch):
    from pathlib import Path
    from orchestration.defs.dbt.project import dbt_executable
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr("sys.executable", "/usr/bin/python3")       # as `dagster dev`'s code server may see it
    assert Path(dbt_executable()).name == "dbt" and Path(dbt_executable()).exists()


def test_the_dbt_project_is_two_assets_the_month_facts_partitioned_with_one_run_per_range():
    import json
    import dagster as dg
    from orchestration.defs.dbt.assets import dbt_month_facts, dbt_models
    from orchestration.defs.dbt.project import dbt_project
    manifest = json.loads(dbt_project.manifest_path.read_text())
    models = {tuple(n["fqn"][1:]) for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    seeds = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "seed"}
    inputs = {tuple(k.path) for k in dbt_models.keys if k.path[-1] not in seeds}
    facts = {tuple(k.path) for k in dbt_month_facts.keys}
    assert inputs | facts == models and not inputs & facts        # every model in exactly one of them
    # every model that rebuilds months from the run's first month is partitioned
    monthly = {tuple(n["fqn"][1:]) for n in manifest["nodes"].values()
               if "delete_run_months" in str(n["config"].get("pre-hook"))}
    assert len(monthly) == 8 and monthly <= facts
    assert ("staging", "stg_payroll__roster") in inputs and ("marts", "dim_employee") in inputs
    assert ("marts", "rpt_tpp_payout") in facts and ("marts", "fct_tpp_deferral_ledger") in facts
    assert dbt_month_facts.partitions_def is not None and dbt_models.partitions_def is None
    assert dbt_month_facts.backfill_policy == dg.BackfillPolicy.single_run()


def test_facts_from_sets_the_first_month_for_dbt_and_restores_the_environment(monkeypatch):
    import os
    from orchestration.defs.dbt.project import PERIOD_FROM_ENV, facts_from
    monkeypatch.delenv(PERIOD_FROM_ENV, raising=False)
    with facts_from("2025-04"):
        assert os.environ[PERIOD_FROM_ENV] == "2025-04-01"
    assert PERIOD_FROM_ENV not in os.environ
    monkeypatch.setenv(PERIOD_FROM_ENV, "2025-02-01")
    with facts_from(""):                  # every month: an inherited value must not narrow the build
        assert PERIOD_FROM_ENV not in os.environ
    assert os.environ[PERIOD_FROM_ENV] == "2025-02-01"
    monkeypatch.setenv("KINERJA_HOME", "/elsewhere")
    with facts_from("2025-04", "/the/run/home"):   # the run's home, whatever the launcher's environment says
        assert os.environ["KINERJA_HOME"] == "/the/run/home"
    assert os.environ["KINERJA_HOME"] == "/elsewhere"


def test_under_dagster_dev_the_manifest_is_parsed_by_the_venv_dbt_without_the_venv_on_path(monkeypatch, tmp_path):
    """`.venv/bin/dagster dev` without the venv activated: dagster-dbt's own preparer looked for `dbt` on PATH and the
    code location failed to load. Parsed here into a target of its own (the suite's manifest stays as it is)."""
    from dagster_dbt import DbtProject
    from orchestration.defs.dbt.project import DBT_PROJECT_DIR, PREPARER
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=tmp_path / "target")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr("sys.executable", "/usr/bin/python3")
    monkeypatch.delenv("DAGSTER_IS_DEV_CLI", raising=False)
    PREPARER.prepare_if_dev(project)                 # not under `dagster dev`: `make` built the manifest
    assert not project.manifest_path.exists()
    monkeypatch.setenv("DAGSTER_IS_DEV_CLI", "1")
    PREPARER.prepare_if_dev(project)
    assert project.manifest_path == tmp_path / "target" / "manifest.json"
    assert '"dbt_version"' in project.manifest_path.read_text()[:2000]


def test_dbt_resource_skips_the_version_subprocess_but_reports_the_same_version():
    import re
    import subprocess
    from orchestration.defs.dbt.project import dbt_executable, dbt_resource
    out = subprocess.run([dbt_executable(), "--version"], capture_output=True, text=True).stdout
    assert str(dbt_resource()._cli_version) == re.search(r"(\d+\.\d+\.\d+)", out).group(1)


def test_the_home_keeps_dbt_partial_parse_state(small_home):
    # the next build of this warehouse re-parses only changed files, not the whole project
    assert (small_home / "dbt" / "partial_parse.msgpack").stat().st_size > 10_000


def test_run_lands_every_person_and_month(small_home):
    out = (small_home / "run_stdout.txt").read_text()
    import re
    # every run of the launch: one over the six months (fetch, roster, attendance, salary, BKPSDM's three files in one,
    # SIASN ingest, dbt's inputs, the month facts in one build, the gate and the payout: each one step for the six
    # months), the dbt docs, then, by the rules that build made, the IPASN report of 2024; each step has a start line
    # and an end line
    assert re.search(r"^\[4/11\] ingest roster 2025-01..2025-06: ok in", out, re.M)
    assert re.search(r"^\[7/11\] dbt build \(rules, staging, dimensions, tests\): ok in [\d.]+s \(\d+ dbt models", out, re.M)
    # the 7 per-month facts and the 15 models built on them, once for the range (not once per month)
    assert re.search(r"^\[8/11\] dbt build \(month facts, reports, tests\) 2025-01..2025-06: ok in [\d.]+s "
                     r"\(22 dbt models and seeds built\)", out, re.M)
    assert re.search(r"^    SKP years due by 2025-07-01 \(rules.rule_skp_gate in effect that day\): 2024 "
                     r"\(deadline 2025-03-31\)\n\[12/12\] report ipasn_report 2024 \.\.\.$", out, re.M)
    assert re.search(r"^\[12/12\] report ipasn_report 2024: ok in", out, re.M)
    assert len(re.findall(r"^\[\d+/11\] .*: ok in", out, re.M)) == 11
    # the gate's step says each month's verdict
    assert re.search(r"^\[9/11\] quality gate 2025-01..2025-06: ok in [\d.]+s\n" +
                     "".join(f"    quality gate 2025-0{m}: ok\n" for m in range(1, 7)), out, re.M)
    assert re.search(r"^\[10/11\] report payout_report 2025-01..2025-06: ok in", out, re.M)
    months = query(small_home, "select count(distinct period), count(*) from staging.stg_payroll__roster")[0]
    assert months[0] == 6
    jan = query(small_home, "select count(*) from staging.stg_payroll__roster where period = '2025-01-01'")[0][0]
    assert jan == SMALL_ASN
    assert query(small_home, "select count(*) from staging.stg_ingest__quarantine")[0][0] == 0


def test_the_range_run_holds_every_step_of_the_months_and_plans_each_unpartitioned_asset_once(small_home):
    """kinerja run's run over the range: one step per asset for the six months (ingest, gate, payout), each month's check results
    on its own partition, and one planned materialization per unpartitioned asset (not one per month: Dagster gives
    the run the partitions of its plan's last step, so that step must be an unpartitioned one)."""
    import collections
    import dagster as dg
    from orchestration.lib.home_instance import open_instance
    instance = open_instance(small_home)
    try:
        (run,) = [r for r in instance.get_runs() if "dagster/asset_partition_range_start" in r.tags]
        events = [r.event_log_entry.dagster_event for r in instance.get_records_for_run(run.run_id, limit=100000).records
                  if r.event_log_entry.dagster_event]
    finally:
        instance.dispose()
    started = [e.step_key for e in events if e.event_type == dg.DagsterEventType.STEP_START]
    assert started == ["fetch_siasn", "raw__attendance", "raw__bkpsdm", "raw__roster", "raw__salary", "raw_siasn",
                       "dbt_models", "dbt_month_facts", "quality__quality_gate", "payout_report"]
    planned = collections.Counter(e.step_key for e in events
                                  if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
    built = collections.Counter(e.step_key for e in events if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION)
    assert planned == built and built["payout_report"] == built["quality__quality_gate"] == 6
    assert built["dbt_models"] == len({e.asset_key for e in events if e.step_key == "dbt_models"
                                       and e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION}) > 50
    gate_checks = [e.event_specific_data for e in events if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
                   and e.step_key == "quality__quality_gate"]
    months = [f"2025-0{m}" for m in range(1, 7)]
    assert sorted({c.partition for c in gate_checks}) == months
    conserved = [e.event_specific_data for e in events if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
                 and e.step_key == "raw__roster"]
    assert [(c.partition, c.passed) for c in conserved] == [(m, True) for m in months]   # each month's file
    assert collections.Counter(c.check_name for c in gate_checks) == {n: 6 for n in {c.check_name for c in gate_checks}}


def test_no_step_hook_errors_in_any_run_of_a_fresh_home(small_home):
    """The audit hook runs after every step; an error there is only an event (the step still succeeds), so look for
    it: on a fresh home the first step's hook once read the still-empty landed-file folder and failed."""
    import dagster as dg
    from orchestration.lib.home_instance import open_instance
    instance = open_instance(small_home)
    try:
        runs = instance.get_runs()
        errored = [(r.job_name, e.event_log_entry.step_key) for r in runs
                   for e in instance.get_records_for_run(r.run_id, limit=100000).records
                   if e.event_log_entry.dagster_event
                   and e.event_log_entry.dagster_event.event_type == dg.DagsterEventType.HOOK_ERRORED]
    finally:
        instance.dispose()
    assert len(runs) >= 2 and errored == []


def test_run_fails_with_a_message_naming_what_failed(tmp_path, small_landing):
    import os, subprocess, sys
    from pathlib import Path
    kinerja = str(Path(sys.executable).parent / "kinerja")
    r = subprocess.run([kinerja, "run", "--landing", str(small_landing), "--home", str(tmp_path),
                        "--from", "2025-06", "--to", "2025-07", "--no-docs"], capture_output=True, text=True,
                       env={**os.environ, "DAGSTER_HOME": ""})
    assert r.returncode == 1
    assert "ingest roster 2025-06..2025-07: FAILED" in r.stdout
    assert "step raw__roster failed: payroll/roster/2025-07.csv has not been delivered" in r.stdout
    assert "dbt build" not in r.stdout          # nothing after the month that could not be ingested


def test_usage_errors_exit_2_and_help_0(tmp_path):
    import subprocess, sys
    from pathlib import Path
    kinerja = str(Path(sys.executable).parent / "kinerja")
    missing = subprocess.run([kinerja, "runs", "--home", str(tmp_path / "missing")], capture_output=True, text=True)
    assert missing.returncode == 2 and "Invalid value for '--home'" in missing.stderr, missing.stderr
    assert subprocess.run([kinerja, "--help"], capture_output=True, text=True).returncode == 0


def test_every_model_has_its_own_yml_beside_it():
    from pathlib import Path
    import yaml
    models_dir = Path(__file__).resolve().parents[1] / "models"
    for sql in sorted(models_dir.rglob("*.sql")):
        yml = sql.with_suffix(".yml")
        spec = yaml.safe_load(yml.read_text()) if yml.exists() else None
        assert spec and [m["name"] for m in spec["models"]] == [sql.stem], f"{sql.name} has no yml of its own"
        assert spec["models"][0].get("description") and spec["models"][0].get("columns"), f"{yml.name} is empty"


def test_layers_read_only_downward():
    import json
    from orchestration.defs.dbt.project import dbt_project
    manifest = json.loads(dbt_project.manifest_path.read_text())
    nodes = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}
    rank = {"rules": 0, "staging": 1, "intermediate": 2, "marts": 3, "audit": 3}
    layer = {k: "rules" if n["resource_type"] == "seed" else n["fqn"][1] for k, n in nodes.items()}
    upward = [(n["name"], nodes[d]["name"]) for k, n in nodes.items() for d in n.get("depends_on", {}).get("nodes", [])
              if d in nodes and rank[layer[d]] > rank[layer[k]]]
    assert upward == []
