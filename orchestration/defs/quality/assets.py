"""The quality gate: every GX suite of a month as an asset check; critical ones block the payout."""
import json

import dagster as dg

from orchestration.lib.issued import is_issued, issued_record
from orchestration.lib.months import parse_month
from orchestration.lib.whole_files import write_whole_text

from ..month_checks import check_outputs, month_evaluation
from ..partitions import monthly
from ..reports.withdraw import withdraw_payout_files
from ..resources import KinerjaPaths, WorkerPool
from .gate_validation import data_docs_dir, months_validation
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


def _evaluation(month: str, suite, passed: bool, metadata: dict) -> dg.AssetCheckEvaluation:
    return month_evaluation(GATE_KEY, suite.name, month, passed, suite.severity == CRITICAL, check_description(suite),
                            metadata, dg.AssetCheckSeverity.ERROR if suite.severity == CRITICAL
                            else dg.AssetCheckSeverity.WARN)


@dg.asset(
    key=GATE_KEY, partitions_def=monthly, group_name="quality", deps=GATED_MARTS, kinds={"great_expectations"},
    pool="warehouse",   # every step that opens the warehouse: DuckDB refuses a reader while another process writes
    # a range of months (kinerja run, a backfill) is one step: GX is imported and the Data Docs' index built once
    backfill_policy=dg.BackfillPolicy.single_run(),
    description="Runs every GX suite on each month's batches (read-only from DuckDB) and records the verdicts; a "
                "month whose critical suite fails blocks the payout of the run's months.",
    # partitioned checks: each month's result is recorded for that month in the check history
    check_specs=[dg.AssetCheckSpec(s.name, asset=GATE_KEY, blocking=s.severity == CRITICAL, partitions_def=monthly,
                                   description=check_description(s)) for s in SUITES],
)
def quality_gate(context: dg.AssetExecutionContext, paths: KinerjaPaths, gx_workers: WorkerPool):
    months = sorted(context.partition_keys)
    issued = {m for m in months if is_issued(paths.home_dir, m)}
    to_validate = [parse_month(m) for m in months if m not in issued]
    pool = gx_workers.executor() if len(to_validate) > 1 or gx_workers.started_early else None
    validations = months_validation(paths.home_dir, to_validate, pool)
    evaluations, blocked, warnings = [], [], 0
    for month in months:
        if month in issued:
            evaluations += _issued_month_checks(month, paths)
            continue
        results = validations[parse_month(month)]
        evaluations += _month_verdict(context, paths, month, results)
        blocked += [month] if any(r.blocks for r in results.results) else []
        warnings += sum(r.severity != CRITICAL and not r.success for r in results.results)
    yield dg.MaterializeResult(asset_key=GATE_KEY, metadata={
        "passed": not blocked, "months": ", ".join(months), "blocked_months": ", ".join(blocked) or "none",
        "issued_months": ", ".join(sorted(issued)) or "none", "warnings": warnings,
        "data_docs": dg.MetadataValue.path(str(data_docs_dir(paths.home_dir) / "index.html"))})
    # Dagster fails the step after these when a blocking one failed, and then skips the payout
    yield from evaluations
    yield from check_outputs(context)


def _month_verdict(context: dg.AssetExecutionContext, paths: KinerjaPaths, month: str,
                   validation) -> list[dg.AssetCheckEvaluation]:
    """The month's gate.json (what the payout step reads), its payout files withdrawn when it is blocked, and its
    check results."""
    results, docs = validation.results, data_docs_dir(paths.home_dir)
    passed = not any(r.blocks for r in results)
    verdict = {"month": month, "passed": passed, "facts_fingerprint": validation.facts_fingerprint,
               "suites": [{"suite": r.suite, "severity": r.severity, "success": r.success, "rows": r.rows,
                           "failures": [str(f) for f in r.failures]} for r in results]}
    target = gate_file(paths, month)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_whole_text(json.dumps(verdict, indent=2, sort_keys=True) + "\n", target)
    if not passed:
        moved = withdraw_payout_files(paths.home_dir / "reports" / month, context.run_id)
        if moved:
            context.log.warning(f"the gate of {month} failed: the payout files of an earlier run were moved to "
                                f"{moved}; none of them is current")
    return [_evaluation(month, SUITE_BY_NAME[r.suite], r.success, {
        "rows": r.rows, "expectations": r.evaluated,
        "failed_expectations": dg.MetadataValue.md("\n".join(f"- {f}" for f in r.failures) or "none"),
        "data_docs": dg.MetadataValue.path(str(docs / "index.html"))}) for r in results]


def _issued_month_checks(month: str, paths: KinerjaPaths) -> list[dg.AssetCheckEvaluation]:
    """An issued month is not gated again: its payout is history, gated when it was issued, and what changed since
    is gated as corrections in the next open month. The checks record that, on the partition, as passed."""
    record = issued_record(paths.home_dir, month)
    note = (f"{month} is issued (run {record['issued_by_run'][:8]}, payable Rp {record['payable_amount']:,}): its gate "
            f"at issue stands; changes since are corrections in the next open month")
    return [_evaluation(month, suite, True, {"issued": True, "note": note}) for suite in SUITES]
