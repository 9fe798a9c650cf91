"""The monthly TPP run (the 6th, for the previous month), the yearly IPASN run (the day after an SKP
deadline), and a sensor that ingests a payroll file as soon as it lands."""
import datetime as dt
import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.lib.skp_gates import RulesUnavailable, skp_deadlines

from .audit import AUDIT_HOOKS
from .dbt.assets import dbt_docs, dbt_month_facts, dbt_models
from .ingest.assets import PAYROLL_ASSETS, raw_siasn
from .issue.assets import issued_payout
from .partitions import monthly, yearly
from .quality.assets import quality_gate
from .reports.assets import ipasn_report, payout_report
from .resources import KinerjaPaths
from .siasn.assets import siasn_fetch

WITA = "Asia/Makassar"

monthly_tpp_job = dg.define_asset_job(
    "monthly_tpp", partitions_def=monthly,
    selection=dg.AssetSelection.assets(siasn_fetch, *PAYROLL_ASSETS, raw_siasn, dbt_models, dbt_month_facts,
                                       quality_gate, payout_report),
    hooks=AUDIT_HOOKS,
    description="A month's run: fetch, ingest, dbt build (inputs, then the month's facts), quality gate, payout. The schedule, backfills, the UI "
                "and `kinerja run` all run this job.")
docs_job = dg.define_asset_job("dbt_docs", selection=dg.AssetSelection.assets(dbt_docs), hooks=AUDIT_HOOKS,
                               description="The static dbt docs of the home's warehouse (after a build).")
payroll_ingest_job = dg.define_asset_job(
    "payroll_ingest", partitions_def=monthly, selection=dg.AssetSelection.assets(*PAYROLL_ASSETS),
    hooks=AUDIT_HOOKS, description="Ingest a month's payroll files (launched by the payroll file sensor).")
issue_month_job = dg.define_asset_job(
    "issue_month", partitions_def=monthly, selection=dg.AssetSelection.assets(issued_payout), hooks=AUDIT_HOOKS,
    description="Issue (lock) a month whose gate passed and whose payout finance has paid: never scheduled; from the "
                "UI on the month's partition, or `kinerja issue`.")
ipasn_job = dg.define_asset_job("ipasn_yearly", partitions_def=yearly, selection=dg.AssetSelection.assets(ipasn_report),
                                hooks=AUDIT_HOOKS, description="The IPASN report of an SKP year.")

# The 6th at 06:00 WITA runs the month before (the last complete partition).
monthly_schedule = dg.build_schedule_from_partitioned_job(monthly_tpp_job, day_of_month=6, hour_of_day=6,
                                                          minute_of_hour=0)


@dg.schedule(job=ipasn_job, cron_schedule="0 7 * * *", execution_timezone=WITA,
             description="The day after an SKP deadline (rules.rule_skp_gate in the home's warehouse, the rows in "
                         "effect that day), build that SKP year's IPASN report.")
def ipasn_yearly_schedule(context: dg.ScheduleEvaluationContext, paths: KinerjaPaths):
    today = context.scheduled_execution_time.date()
    try:
        deadlines = skp_deadlines(paths.home_dir, today)
    except RulesUnavailable as why:   # said in the tick's history; the year can be launched from the UI
        return dg.SkipReason(f"{why}; an IPASN year due today is not requested")
    year = deadlines.get(today - dt.timedelta(days=1))
    if year is None:
        return dg.SkipReason(f"no SKP deadline in effect ended on {today - dt.timedelta(days=1)}")
    return dg.RunRequest(run_key=f"ipasn-{year}", partition_key=str(year))


@dg.sensor(job=payroll_ingest_job, minimum_interval_seconds=300,
           description="Ingests a monthly payroll file (new or re-delivered) as soon as it lands.")
def payroll_file_sensor(context: dg.SensorEvaluationContext, paths: KinerjaPaths):
    seen = json.loads(context.cursor) if context.cursor else {}
    requests = []
    for path in sorted(Path(paths.landing_dir, "payroll").glob("*/*.csv")):
        rel = path.relative_to(paths.landing_dir).as_posix()
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if seen.get(rel) != sha:
            seen[rel] = sha
            requests.append(dg.RunRequest(run_key=f"{rel}:{sha[:12]}", partition_key=path.stem))
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(seen, sort_keys=True))
