"""SIASN fetch per month: from the API (production) or nothing to do (file drop, the demo and tests)."""
import time

import dagster as dg

from orchestration.lib.months import parse_month
from orchestration.lib.siasn_client import SiasnClient, SiasnSettings
from orchestration.lib.siasn_fetch import fetch_endpoint, roster_nips, run_name

from ..partitions import monthly
from ..resources import KinerjaPaths

FETCH_KEY = dg.AssetKey(["siasn", "fetch"])
ENDPOINTS = ("rw-kinerjaperiodik", "rw-skp22", "rw-hukdis")


class SiasnSource(dg.ConfigurableResource):
    """`files`: SIASN JSONL files are dropped into the landing folder by hand; `api`: fetch them."""
    mode: str = "files"


@dg.multi_asset(
    # named so that it sorts before raw_siasn: see the payout asset's name (orchestration/defs/reports/assets.py)
    name="fetch_siasn",
    specs=[dg.AssetSpec(FETCH_KEY, group_name="siasn", kinds={"api"}, partitions_def=monthly,
                        description="Fetches rw-kinerjaperiodik, rw-skp22 and rw-hukdis for every NIP on the month's "
                                    "roster (API mode), resumable; in file-drop mode it only reports the fetch files "
                                    "already landed.")],
    partitions_def=monthly,
    backfill_policy=dg.BackfillPolicy.single_run(),   # a range of months: one step, the months in order
)
def siasn_fetch(context: dg.AssetExecutionContext, paths: KinerjaPaths, siasn: SiasnSource):
    if siasn.mode != "api":
        landed = sorted(p.name for e in ENDPOINTS for p in (paths.landing_dir / "siasn" / e).glob("*.jsonl"))
        return dg.MaterializeResult(metadata={"mode": "files", "fetch_files_landed": len(landed)})
    client = SiasnClient(SiasnSettings.from_env())
    started = time.monotonic()
    nips, results = set(), []
    try:
        for month in map(parse_month, sorted(context.partition_keys)):
            month_nips = roster_nips(paths.landing_dir, month)
            nips.update(month_nips)
            results += [fetch_endpoint(client, paths.landing_dir, e, run_name(month), month_nips, show_progress=False)
                        for e in ENDPOINTS]
    finally:
        client.close()
    seconds = time.monotonic() - started
    return dg.MaterializeResult(metadata={
        "mode": "api", "nips": len(nips), "calls": client.stats.calls, "retries": client.stats.retries,
        "token_refreshes_on_401": client.stats.refreshes_on_401, "wall_seconds": round(seconds, 1),
        "calls_per_second": round(client.stats.calls / seconds, 1) if seconds else 0.0,
        "files": dg.MetadataValue.md("\n".join(f"- {r.path.name}: {r.fetched} fetched, {r.skipped} resumed"
                                               for r in results))})
