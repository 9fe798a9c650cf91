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
from .payout_files import write_payout_files


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


@dg.asset(
    key=PAYOUT_KEY, partitions_def=monthly, group_name="reports", deps=[GATE_KEY],
    pool="warehouse",
    kinds={"xlsx", "pdf", "csv"}, automation_condition=dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed(),
    description="The month's payout files under <home>/reports/<YYYY-MM>/, written only when the gate passed.",
)
def payout_report(context: dg.AssetExecutionContext, paths: KinerjaPaths, workers: WorkerPool):
    out_dir = paths.home_dir / "reports" / context.partition_key
    if is_issued(paths.home_dir, context.partition_key):   # the files as issued, byte for byte, never rendered again
        restored = restore_issued_files(paths.home_dir, context.partition_key, out_dir)
        if restored:
            context.log.warning(f"{context.partition_key} is issued: put back the issued bytes of {', '.join(restored)}")
        return dg.MaterializeResult(metadata={"folder": dg.MetadataValue.path(str(out_dir)), "issued": True,
                                              "restored": len(restored)})
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        assert_gate_passed(paths, context.partition_key, con)
        files = write_payout_files(con, parse_month(context.partition_key), out_dir,
                                   gate_file(paths, context.partition_key), paths.payout_documents,
                                   workers.executor())
    finally:
        con.close()
    return dg.MaterializeResult(metadata={"folder": dg.MetadataValue.path(str(out_dir)), "files": len(files)})


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
