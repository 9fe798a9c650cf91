"""The quality gate: every GX suite of a month as an asset check; critical ones block the payout."""
import json

import dagster as dg

from orchestration.lib.issued import is_issued, issued_record
from orchestration.lib.months import parse_month
from orchestration.lib.whole_files import write_whole_text

from ..partitions import monthly
from ..reports.withdraw import withdraw_payout_files
from ..resources import KinerjaPaths
from .gate_validation import data_docs_dir, month_validation
from .suites import CRITICAL, SUITES

SUITE_BY_NAME = {s.name: s for s in SUITES}
GATE_KEY = dg.AssetKey(["quality", "quality_gate"])
GATED_MARTS = [dg.AssetKey(["marts", n]) for n in ("fct_tpp_entitlement", "rpt_tpp_payout", "fct_tpp_deferral_ledger",
                                                   "rpt_distribution_curve", "rpt_published_reconciliation",
                                                   "rpt_opd_month_change")]


def check_description(suite) -> str:
    blocks = "blocks the month's payout when it fails" if suite.severity == CRITICAL else "a warning, never blocks"
    return (f"[{suite.severity}] validates the month's {suite.gates}; {blocks}. Each expectation and its threshold: "
            f"expectations/expectations/{suite.name}.json (Data Docs show them per month)")


def gate_file(paths: KinerjaPaths, partition_key: str):
    return paths.home_dir / "quality" / partition_key / "gate.json"


@dg.asset(
    key=GATE_KEY, partitions_def=monthly, group_name="quality", deps=GATED_MARTS, kinds={"great_expectations"},
    pool="warehouse",   # every step that opens the warehouse: DuckDB refuses a reader while another process writes
    description="Runs every GX suite on the month's batches (read-only from DuckDB) and records the verdict.",
    # partitioned checks: each month's result is recorded for that month in the check history
    check_specs=[dg.AssetCheckSpec(s.name, asset=GATE_KEY, blocking=s.severity == CRITICAL, partitions_def=monthly,
                                   description=check_description(s)) for s in SUITES],
)
def quality_gate(context: dg.AssetExecutionContext, paths: KinerjaPaths):
    if is_issued(paths.home_dir, context.partition_key):
        yield from _issued_month_gate(context.partition_key, paths)
        return
    # in the step's process: in-process runs of one launch import GX once, not once per month's worker pool
    validation = month_validation(paths.home_dir, parse_month(context.partition_key))
    results, docs = validation.results, data_docs_dir(paths.home_dir)
    passed = not any(r.blocks for r in results)
    verdict = {"month": context.partition_key, "passed": passed, "facts_fingerprint": validation.facts_fingerprint,
               "suites": [{"suite": r.suite, "severity": r.severity, "success": r.success, "rows": r.rows,
                           "failures": [str(f) for f in r.failures]} for r in results]}
    target = gate_file(paths, context.partition_key)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_whole_text(json.dumps(verdict, indent=2, sort_keys=True) + "\n", target)
    if not passed:
        moved = withdraw_payout_files(paths.home_dir / "reports" / context.partition_key, context.run_id)
        if moved:
            context.log.warning(f"the gate of {context.partition_key} failed: the payout files of an earlier run "
                                f"were moved to {moved}; none of them is current")
    yield dg.MaterializeResult(asset_key=GATE_KEY, metadata={
        "passed": passed, "data_docs": dg.MetadataValue.path(str(docs / "index.html")),
        "blocking_failures": sum(r.blocks for r in results),
        "warnings": sum(r.severity != CRITICAL and not r.success for r in results)})
    for r in results:
        yield dg.AssetCheckResult(
            asset_key=GATE_KEY, check_name=r.suite, passed=r.success,
            severity=dg.AssetCheckSeverity.ERROR if r.severity == CRITICAL else dg.AssetCheckSeverity.WARN,
            description=check_description(SUITE_BY_NAME[r.suite]),
            metadata={"rows": r.rows, "expectations": r.evaluated,
                      "failed_expectations": dg.MetadataValue.md("\n".join(f"- {f}" for f in r.failures) or "none"),
                      "data_docs": dg.MetadataValue.path(str(docs / "index.html"))})


def _issued_month_gate(month: str, paths: KinerjaPaths):
    """An issued month is not gated again: its payout is history, gated when it was issued, and what changed since
    is gated as corrections in the next open month. The checks record that, on the partition, as passed."""
    record = issued_record(paths.home_dir, month)
    note = (f"{month} is issued (run {record['issued_by_run'][:8]}, payable Rp {record['payable_amount']:,}): its gate "
            f"at issue stands; changes since are corrections in the next open month")
    yield dg.MaterializeResult(asset_key=GATE_KEY, metadata={"passed": True, "issued": True, "note": note})
    for suite in SUITES:
        yield dg.AssetCheckResult(asset_key=GATE_KEY, check_name=suite.name, passed=True,
                                  severity=dg.AssetCheckSeverity.ERROR if suite.severity == CRITICAL
                                  else dg.AssetCheckSeverity.WARN,
                                  description=check_description(suite), metadata={"issued": True, "note": note})
