"""Issuing a month: finance has paid it (SP2D), so its payout becomes history (DOMAIN.md section 8). Never part
of the monthly job: issuing is a decision, taken in the UI (job issue_month on the partition) or with
`kinerja issue`, which launches the same job."""
import datetime as dt
import json

import dagster as dg
import duckdb
import pyarrow.compute as pc

from orchestration.lib.audit import code_version
from orchestration.lib.issued import payout_files, refusal, write_issue
from orchestration.lib.months import parse_month

from ..partitions import monthly
from ..quality.assets import gate_file
from ..reports.assets import PAYOUT_KEY, assert_gate_passed
from ..resources import KinerjaPaths

ISSUED_KEY = dg.AssetKey(["audit", "issued_payout"])


@dg.asset(key=ISSUED_KEY, partitions_def=monthly, group_name="issue", deps=[PAYOUT_KEY], pool="warehouse",
          kinds={"parquet"},
          description="The month as issued (paid): its payout lines, the corrections it paid, totals and the SHA-256 "
                      "of every payout file, under <home>/audit/issued/<YYYY-MM>/. Written once; the month is then "
                      "locked and later input becomes corrections in the next open month.")
def issued_payout(context: dg.AssetExecutionContext, paths: KinerjaPaths):
    month, home = context.partition_key, paths.home_dir
    why = refusal(home, month)
    if why:
        raise dg.Failure(why)
    reports_dir = home / "reports" / month
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        assert_gate_passed(paths, month, con)
        files = payout_files(reports_dir) if reports_dir.exists() else {}
        if f"payout_{month}.csv" not in files:
            raise dg.Failure(f"{month} has no payout files in {reports_dir}: run the month (its payout) before issuing it")
        period = parse_month(month)
        lines = con.cursor().sql(f"select * from marts.fct_tpp_entitlement where period = date '{period}' order by nip").to_arrow_table()
        corrections = con.cursor().sql(f"select * from marts.fct_tpp_correction where paid_in_period = date '{period}' "
                              "and status = 'DUE' order by nip, corrected_period").to_arrow_table()
        paid_in_csv = con.execute(f"select sum(payable_amount) from read_csv('{reports_dir / f'payout_{month}.csv'}')").fetchone()[0]
    finally:
        con.close()
    totals = {c: int(pc.sum(lines[c]).as_py() or 0)   # of the lines being issued, not a second query
              for c in ("gross_amount", "deferred_amount", "released_amount", "correction_amount", "payable_amount")}
    if int(paid_in_csv or 0) != totals["payable_amount"]:
        raise dg.Failure(f"payout_{month}.csv pays Rp {int(paid_in_csv or 0):,} but the facts Rp "
                         f"{totals['payable_amount']:,}: run the month's payout again before issuing it")
    verdict = json.loads(gate_file(paths, month).read_text())
    record = {"issued_at": dt.datetime.now(dt.timezone.utc), "issued_by_run": context.run_id,
              "code_version": code_version(), "lines": lines.num_rows, **totals,
              "facts_fingerprint": verdict["facts_fingerprint"]}
    target = write_issue(home, month, lines, corrections, reports_dir, record)
    context.log.info(f"{month} issued: {lines.num_rows} lines, payable Rp {record['payable_amount']:,}; locked ({target})")
    return dg.MaterializeResult(metadata={"lines": lines.num_rows, "payable_amount": record["payable_amount"],
                                          "correction_amount": record["correction_amount"],
                                          "files": len(files), "record": dg.MetadataValue.path(str(target))})


