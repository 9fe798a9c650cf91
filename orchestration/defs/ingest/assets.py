"""Ingestion assets: landing files -> typed raw Parquet + quarantine, with a row-conservation check."""

import dagster as dg

from orchestration.lib.contract import BKPSDM_SOURCES
from orchestration.lib.ingest import FileResult, ingest_payroll, ingest_siasn_files
from orchestration.lib.landing_files import ignored_files, record_ignored
from orchestration.lib.months import parse_month
from orchestration.lib.raw_store import RawStore

from ..month_checks import check_outputs, month_evaluation
from ..partitions import monthly
from ..resources import KinerjaPaths

CONSERVATION = "rows_conserved"
CONSERVATION_TEXT = ("rows landed = rows accepted + rows quarantined, for every file (no tolerance: one row lost "
                     "fails it and blocks what is downstream)")


def _conservation(results: list[FileResult]) -> tuple[bool, dict]:
    bad = [r.source_file for r in results if not r.conserved]
    return not bad, {"files": len(results), "files_not_conserved": ", ".join(bad) or "none"}


def _check(asset_key: dg.AssetKey, results: list[FileResult]) -> dg.AssetCheckResult:
    passed, metadata = _conservation(results)
    return dg.AssetCheckResult(asset_key=asset_key, check_name=CONSERVATION, passed=passed,
                               description=CONSERVATION_TEXT, metadata=metadata)


def _month_check(asset_key: dg.AssetKey, month: str, results: list[FileResult]) -> dg.AssetCheckEvaluation:
    passed, metadata = _conservation(results)
    return month_evaluation(asset_key, CONSERVATION, month, passed, True, CONSERVATION_TEXT, metadata)


def _file_metadata(results: list[FileResult]) -> dict:
    m = [r.manifest for r in results]
    return {
        "files": len(results),
        "files_already_ingested": sum(r.skipped for r in results),
        "lines_landed": sum(x["lines_landed"] for x in m),
        "lines_accepted": sum(x["lines_accepted"] for x in m),
        "lines_quarantined": sum(x["lines_quarantined"] for x in m),
        "records_accepted": sum(x["records_accepted"] for x in m),
        "records_quarantined": sum(x["records_quarantined"] for x in m),
        # Messages name file, line and field; NIPs in them are masked.
        "first_rejections": dg.MetadataValue.md("\n".join(f"- {r}" for x in results for r in x.rejections[:5]) or "none"),
    }


def _payroll_asset(source: str):
    key = dg.AssetKey(["raw", source])

    @dg.asset(key=key, partitions_def=monthly, group_name="ingest", kinds={"parquet"},
              backfill_policy=dg.BackfillPolicy.single_run(),   # a range of months: one step
              description=f"Payroll {source} for the month: landing payroll/{source}/YYYY-MM.csv -> raw/{source}/",
              check_specs=[dg.AssetCheckSpec(CONSERVATION, asset=key, blocking=True, partitions_def=monthly,
                                         description=CONSERVATION_TEXT)])
    def _asset(context: dg.AssetExecutionContext, paths: KinerjaPaths):
        results = {}
        for month in sorted(context.partition_keys):
            result = ingest_payroll(paths.landing_dir, paths.home_dir, source, parse_month(month))
            if result is None:   # the months before it are ingested; this one cannot run
                raise dg.Failure(f"payroll/{source}/{month}.csv has not been delivered to {paths.landing_dir}; "
                                 f"payroll must deliver it before this month can run")
            for rejection in result.rejections:
                context.log.warning(str(rejection))
            results[month] = result
        yield dg.MaterializeResult(asset_key=key, metadata=_file_metadata(list(results.values())))
        for month, result in results.items():
            yield _month_check(key, month, [result])
        yield from check_outputs(context)

    _asset.__name__ = f"raw_{source}"
    return _asset


raw_roster = _payroll_asset("roster")
raw_attendance = _payroll_asset("attendance")
raw_salary = _payroll_asset("salary")

BKPSDM_KEYS = [dg.AssetKey(["raw", source]) for source in BKPSDM_SOURCES]


@dg.multi_asset(
    name="raw__bkpsdm",   # the step's name, like raw__roster: `kinerja run` prints "ingest bkpsdm M"
    specs=[dg.AssetSpec(k, group_name="ingest", kinds={"parquet"}, partitions_def=monthly,
                        description=f"BKPSDM's {k.path[-1]} for the month: landing payroll/{k.path[-1]}/YYYY-MM.csv -> "
                                    f"raw/{k.path[-1]}/ (sent when there are cases: no file, none this month)")
           for k in BKPSDM_KEYS],
    check_specs=[dg.AssetCheckSpec(CONSERVATION, asset=k, blocking=True, partitions_def=monthly,
                                   description=CONSERVATION_TEXT) for k in BKPSDM_KEYS],
    partitions_def=monthly, backfill_policy=dg.BackfillPolicy.single_run(),
)
def raw_bkpsdm(context: dg.AssetExecutionContext, paths: KinerjaPaths):
    """BKPSDM's three monthly files in one step (a few rows each; one step, not three, under the daemon's
    multiprocess executor): sanctions not yet in SIASN, working-hour findings, acting assignments."""
    RawStore(paths.home_dir).ensure_layout()
    evaluations = []
    for key in BKPSDM_KEYS:
        delivered = []
        for month in sorted(context.partition_keys):
            result = ingest_payroll(paths.landing_dir, paths.home_dir, key.path[-1], parse_month(month))
            results = [] if result is None else [result]
            for r in results:
                for rejection in r.rejections:
                    context.log.warning(str(rejection))
            delivered += results
            evaluations.append(_month_check(key, month, results))
        yield dg.MaterializeResult(asset_key=key, metadata={**_file_metadata(delivered), "delivered": bool(delivered)})
    yield from evaluations
    yield from check_outputs(context)


PAYROLL_ASSETS = [raw_roster, raw_attendance, raw_salary, raw_bkpsdm]

SIASN_KEYS = [dg.AssetKey(["raw", t]) for t in ("kinerja_periodik", "skp_tahunan", "hukdis", "siasn_response")]


@dg.multi_asset(
    specs=[dg.AssetSpec(k, group_name="ingest", kinds={"parquet"}, deps=[dg.AssetKey(["siasn", "fetch"])],
                        description=f"SIASN fetch files (landing siasn/<endpoint>/*.jsonl) -> raw/{k.path[-1]}/")
           for k in SIASN_KEYS],
    check_specs=[dg.AssetCheckSpec(CONSERVATION, asset=SIASN_KEYS[0], blocking=True, description=CONSERVATION_TEXT)],
)
def raw_siasn(context: dg.AssetExecutionContext, paths: KinerjaPaths):
    """Every SIASN fetch file not yet ingested (keyed on its hash); fetches are append-only evidence."""
    results = ingest_siasn_files(paths.landing_dir, paths.home_dir)
    for r in results:
        for rejection in r.rejections:
            context.log.warning(str(rejection))
    meta = _file_metadata(results)
    # the one asset every launch runs once: it reports the landing files that no ingest reads
    ignored = ignored_files(paths.landing_dir)
    record_ignored(paths.home_dir, ignored)
    for rel, reason in ignored:
        context.log.warning(f"ignored {rel}: {reason}")
    meta["ignored_files"] = dg.MetadataValue.md("\n".join(f"- {rel}: {why}" for rel, why in ignored) or "none")
    for key in SIASN_KEYS:
        yield dg.MaterializeResult(asset_key=key, metadata=meta)
    yield _check(SIASN_KEYS[0], results)


# Written by every ingest asset above; declared so dbt's sources over them show their lineage.
ledger_specs = [
    dg.AssetSpec(dg.AssetKey(["raw", name]), group_name="ingest", kinds={"parquet"},
                 deps=[*PAYROLL_ASSETS, *SIASN_KEYS], description=desc)
    for name, desc in (("quarantine", "Rejected rows of every landing file (file, line, field, message)."),
                       ("landed_file", "One row per ingested landing file with its row counts."),
                       ("payroll_current", "Which delivery of each monthly payroll file is current."))
]
