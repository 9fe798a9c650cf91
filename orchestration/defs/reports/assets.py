"""Reports that leave the warehouse: only for months whose quality gate passed on the same facts."""
import json

import dagster as dg
import duckdb

from orchestration.lib.fingerprint import month_fingerprint
from orchestration.lib.issued import is_issued, restore_issued_files
from orchestration.lib.months import parse_month

from ..partitions import monthly, yearly
from ..quality.assets import GATE_KEY, gate_file
from ..resources import KinerjaPaths, WorkerPool
from .ipasn import write_ipasn_reports
from .payout_files import plan_payout_files, render_months


def assert_gate_passed(paths: KinerjaPaths, partition_key: str, con) -> None:
    """Across runs too: the gate's verdict must be a pass, on exactly the facts in the warehouse now."""
    verdict_path = gate_file(paths, partition_key)
    if not verdict_path.exists():
        raise dg.Failure(f"no quality gate verdict for {partition_key}: materialise quality/quality_gate first")
    verdict = json.loads(verdict_path.read_text())
    if not verdict["passed"]:
        failed = [s["suite"] for s in verdict["suites"] if s["severity"] == "critical" and not s["success"]]
        raise dg.Failure(f"quality gate for {partition_key} failed ({', '.join(failed)}): no payout is written")
    if verdict["facts_fingerprint"] != month_fingerprint(con, parse_month(partition_key)):
        raise dg.Failure(f"the facts of {partition_key} changed since the quality gate ran: run the gate again")


PAYOUT_KEY = dg.AssetKey(["reports", "payout_report"])


@dg.multi_asset(
    # Dagster (1.13) gives a run over a range the partitions of the asset of its plan's last step by step name: the
    # default name (reports__payout_report) would sort after raw_siasn and give each unpartitioned asset of kinerja
    # run's range run a planned event per month (540 more event writes, about 4 s in a city)
    name="payout_report",
    specs=[dg.AssetSpec(PAYOUT_KEY, group_name="reports", deps=[GATE_KEY], kinds={"xlsx", "pdf", "csv"},
                        partitions_def=monthly,
                        automation_condition=dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed(),
                        description="Each month's payout files under <home>/reports/<YYYY-MM>/, written only when its "
                                    "gate passed.")],
    partitions_def=monthly, pool="warehouse",
    backfill_policy=dg.BackfillPolicy.single_run(),   # a range of months in one step, one worker pool for them all
)
def payout_report(context: dg.AssetExecutionContext, paths: KinerjaPaths, workers: WorkerPool):
    months = sorted(context.partition_keys)
    planned, restored, stopped = [], [], None
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        for month in months:   # in order: a month that may not be written stops the months after it
            out_dir = paths.home_dir / "reports" / month
            if is_issued(paths.home_dir, month):   # the files as issued, byte for byte, never rendered again
                put_back = restore_issued_files(paths.home_dir, month, out_dir)
                if put_back:
                    context.log.warning(f"{month} is issued: put back the issued bytes of {', '.join(put_back)}")
                restored += [month]
                continue
            try:
                assert_gate_passed(paths, month, con)
                planned.append(plan_payout_files(con, parse_month(month), out_dir, gate_file(paths, month),
                                                 paths.payout_documents))
            except Exception as failure:   # raised once the months before it are written, as each month was alone
                stopped = failure
                break
    finally:
        con.close()
    files = sum(len(listed) for listed in render_months(planned, workers.executor() if any(m.jobs for m in planned) else None))
    if stopped is not None:
        raise stopped
    folder = paths.home_dir / "reports" / (months[0] if len(months) == 1 else "")
    return dg.MaterializeResult(metadata={"folder": dg.MetadataValue.path(str(folder)), "months": ", ".join(months),
                                          "files": files, "issued_months": ", ".join(restored) or "none"})


@dg.asset(
    key=dg.AssetKey(["reports", "ipasn_report"]), partitions_def=yearly, group_name="reports", pool="warehouse",
    # rpt_ipasn_opd is rebuilt whole by every build of the month facts: a year's report reads all of it
    deps=[dg.AssetDep(dg.AssetKey(["marts", "rpt_ipasn_opd"]), partition_mapping=dg.AllPartitionMapping())],
    kinds={"xlsx", "csv", "png"},
    description="IPASN performance-dimension report for SKP year Y under <home>/reports/ipasn/<Y>/.",
)
def ipasn_report(context: dg.AssetExecutionContext, paths: KinerjaPaths):
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        year = int(context.partition_key)
        files = write_ipasn_reports(con, year, paths.home_dir / "reports" / "ipasn" / context.partition_key)
    finally:
        con.close()
    return dg.MaterializeResult(metadata={"files": len(files),
                                          "chart": dg.MetadataValue.path(str(files[-1]))})
